"""Three sources agree on training: the engine, the symbolic derivations, central differences."""

from __future__ import annotations

import pytest
import sympy

from tutor.engine.train import GraphTrainer, finite_difference_descent
from tutor.lesson.graph import build_graph
from tutor.lesson.network import network
from tutor.symbolic.descent import descent

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_graph(sizes=(4, 4, 1), seed=0):
    built = network(3, list(sizes), XS, YS, seed=seed)
    graph = build_graph(built.assignments, built.output)
    return graph, [graph.nodes[p] for p in built.parameters]


@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "forgot"])
def test_k_steps_agree_across_the_three_sources(zero_grad):
    graph, params = lecture_graph()
    symbolic = descent(graph.output, params, 0.05, 3, values=graph.exact, zero_grad=zero_grad)
    finite, moved = finite_difference_descent(graph.output, params, 0.05, 3, zero_grad=zero_grad)
    start = {p: p.data for p in params}
    engine = GraphTrainer(graph.output, params, rate=0.05, zero_grad=zero_grad)
    losses = engine.run(3)
    assert [float(x) for x in symbolic.losses] == pytest.approx(losses, rel=1e-12)
    assert finite == pytest.approx(losses, rel=1e-6)
    after = [p.data for p in params]
    assert [float(symbolic.values[p]) for p in params] == pytest.approx(after, rel=1e-11)
    assert [moved[p] for p in params] == pytest.approx(after, rel=1e-5, abs=1e-7)
    assert float(symbolic.final_loss) == pytest.approx(engine.loss(), rel=1e-12)
    assert start != {p: p.data for p in params}


def test_symbolic_descent_only_reads_the_graph():
    graph, params = lecture_graph((1,))
    before = [(n.data, n.grad) for n in graph.nodes.values()]
    result = descent(graph.output, params, 0.1, 2, values=graph.exact)
    assert [(n.data, n.grad) for n in graph.nodes.values()] == before
    assert all(isinstance(v, sympy.Float | sympy.Rational) for v in result.values.values())
    assert len(result.losses) == 2


def test_forgetting_zero_grad_holds_the_sum_of_the_gradients():
    graph, params = lecture_graph((1,))
    one = descent(graph.output, params, 0.1, 2, values=graph.exact, zero_grad=True)
    bug = descent(graph.output, params, 0.1, 2, values=graph.exact, zero_grad=False)
    first = descent(graph.output, params, 0.1, 1, values=graph.exact)
    for p in params:
        assert float(bug.grads[p]) == pytest.approx(
            float(first.grads[p] + one.grads[p]), rel=1e-12, abs=1e-15
        )


def test_too_many_steps_are_refused():
    graph, params = lecture_graph((1,))
    with pytest.raises(ValueError, match="0 to 100"):
        descent(graph.output, params, 0.1, 101)
