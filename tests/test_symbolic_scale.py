"""The symbolic source on the lecture's MLP over its data: it scales, and it still checks.

A graph of more than `WHOLE_GRAPH_NODES` nodes is computed with bounded precision,
and each edge's local derivative is checked against `sympy.diff` of its op, instead
of differentiating the output as one expression (exponential in the depth).
"""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from test_engine_props import programs

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
