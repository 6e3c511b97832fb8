"""The symbolic source on the lecture's MLP over its data: it scales, and it still checks.

A graph of more than `WHOLE_GRAPH_NODES` nodes is computed with bounded precision,
and each edge's local derivative is checked against `sympy.diff` of its op, instead
of differentiating the output as one expression (exponential in the depth).
"""

from __future__ import annotations

import pytest
import sympy
from engine_programs import programs
from hypothesis import given, settings

from bench.mlp_lesson import mlp_lesson
from tutor.check.validate import validate
from tutor.engine import Value, topo_order
from tutor.engine.nn import MLP
from tutor.engine.train import total_loss
from tutor.lesson import lesson_graph, load_lesson_text
from tutor.symbolic import check_gradients, graph_gradients
from tutor.symbolic import graph as graph_module
from tutor.symbolic.graph import WHOLE_GRAPH_NODES, LocalMismatch, check_local_derivatives

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_loss():
    model = MLP(3, [4, 4, 1], seed=0)
    loss = total_loss([model(x) for x in XS], YS)
    return model, loss


def test_the_lectures_mlp_gradients_agree_with_the_engine():
    model, loss = lecture_loss()
    assert len(topo_order(loss)) > WHOLE_GRAPH_NODES
    grads = check_gradients(loss)
    loss.backward()
    for node, g in grads.items():
        assert isinstance(g, sympy.Rational | sympy.Float)  # bounded: numbers, not trees
        assert float(g) == pytest.approx(node.grad, rel=1e-12, abs=1e-14)
    assert set(model.parameters()) <= grads.keys()


def test_a_wrong_local_derivative_in_a_large_graph_is_caught(monkeypatch):
    _, loss = lecture_loss()
    right = graph_module._local

    def wrong_tanh(node, index, at):
        value = right(node, index, at)
        return 2 * value if node.op == "tanh" else value

    monkeypatch.setattr(graph_module, "_local", wrong_tanh)
    with pytest.raises(LocalMismatch, match=r"d tanh\(.*\)/d input 1: the derivation gives"):
        check_gradients(loss)


def test_every_edge_of_a_large_graph_agrees_with_diff():
    _, loss = lecture_loss()
    check_local_derivatives(loss)  # raises on any disagreement
    assert len(graph_gradients(loss)) == len(topo_order(loss))


def test_the_lectures_mlp_lesson_checks_through_the_loader():
    # The graph written out as a script (about 360 nodes), as `tutor check` sees it.
    lesson = load_lesson_text(mlp_lesson(), "bench-mlp.toml")
    graph = lesson_graph(lesson)
    assert 350 <= len(topo_order(graph.output)) <= 420
    report = validate(lesson)
    assert report.errors == []


@settings(max_examples=40)
@given(programs())
def test_the_bounded_path_agrees_with_the_engine_on_every_op(program):
    # Every op of the table, through the large-graph path (bounded precision, a check
    # per edge), however small the graph.
    nodes = program.run(Value)
    root = nodes[-1]
    threshold = graph_module.WHOLE_GRAPH_NODES
    graph_module.WHOLE_GRAPH_NODES = 0
    try:
        grads = check_gradients(root)
    finally:
        graph_module.WHOLE_GRAPH_NODES = threshold
    root.backward()
    for node, g in grads.items():
        assert float(g) == pytest.approx(node.grad, rel=1e-9, abs=1e-9)


def deep_narrow_loss():
    """MLP(1, [2, 2, 2, 1]) on one example: 54 nodes, but each layer doubles the output's
    expression (127 s of CPU to check with `vary` when it took the exact path)."""
    model = MLP(1, [2, 2, 2, 1], seed=0)
    return model, total_loss([model([0.5])], [1.0])


def test_a_small_graph_whose_expression_is_large_takes_the_bounded_path():
    model, loss = deep_narrow_loss()
    order = topo_order(loss)
    assert len(order) <= WHOLE_GRAPH_NODES
    assert graph_module.expression_size(order, 10**6) > graph_module.WHOLE_EXPRESSION_OPS
    assert not graph_module.whole(order)
    grads = check_gradients(loss)
    loss.backward()
    for parameter in model.parameters():
        assert isinstance(grads[parameter], sympy.Float)  # 50 digits, not an exact tree
        assert float(grads[parameter]) == pytest.approx(parameter.grad, rel=1e-12, abs=1e-14)


def test_the_expression_size_counts_a_shared_node_once_per_use():
    a = Value(2.0, label="a")
    b = a * a  # a twice
    c = b * b  # b twice: 1 + 2 × (1 + 2)
    assert graph_module.expression_size(topo_order(c), 100) == 7
    assert graph_module.expression_size(topo_order(c), 5) == 6  # counted up to most + 1
    assert graph_module.whole(topo_order(c))


def test_the_whole_expression_check_compares_each_repeated_part_once():
    # `_same` at 50 digits by `bounded.evaluate`: equal values of different trees pass,
    # and a difference of 1e-30 (far above 50 digits' rounding) is caught.
    x = sympy.tanh(sympy.Rational(1, 3))
    tree = sympy.tanh(x) ** 2 + sympy.tanh(x) * 3
    same = sympy.tanh(x) * (sympy.tanh(x) + 3)
    assert graph_module._same(tree, same)
    assert not graph_module._same(tree, same + sympy.Rational(1, 10**30))


def test_a_deep_narrow_network_lesson_with_vary_checks_clean():
    text = (
        'format = 1\nid = "deep"\ntitle = "T"\n[model]\ninputs = 1\nlayers = [2, 2, 2, 1]\n'
        "[data]\nxs = [[0.5]]\nys = [1.0]\n"
        '[[steps]]\nask = "grad"\nnode = "w1_1_1"\n'
        '[[steps]]\nask = "train"\nrate = 0.05\nsteps = 3\n'
        "[vary]\nx1_1 = { min = -1.0, max = 1.0, step = 0.1 }\n"
    )
    report = validate(load_lesson_text(text, "deep.toml"), variants=3)
    assert report.errors == [] and report.variants == 3
