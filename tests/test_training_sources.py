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


@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "forgot"])
def test_the_large_graph_path_gives_sympys_own_numbers(monkeypatch, zero_grad):
    # The lecture's graph (over 60 nodes) descends on mpmath numbers of DIGITS digits;
    # the same descent on SymPy Floats of as many digits gives the same numbers.
    from tutor.symbolic import bounded
    from tutor.symbolic import graph as module

    graph, params = lecture_graph()
    fast = descent(graph.output, params, 0.2, 3, values=graph.exact, zero_grad=zero_grad)
    monkeypatch.setattr(module, "WHOLE_GRAPH_NODES", 10**9)  # SymPy's Floats throughout
    monkeypatch.setattr(module, "WHOLE_EXPRESSION_OPS", 10**9)
    monkeypatch.setattr(module, "EXACT_OPS", 0)  # every value a number, as on a network

    def unsupported(*args):
        raise bounded.Unsupported("the SymPy path, for comparison")

    monkeypatch.setattr(bounded, "graph_gradients", unsupported)
    slow = descent(graph.output, params, 0.2, 3, values=graph.exact, zero_grad=zero_grad)
    pairs = [
        *zip(fast.losses, slow.losses, strict=True),
        (fast.final_loss, slow.final_loss),
        *((fast.values[p], slow.values[p]) for p in params),
        *((fast.grads[p], slow.grads[p]) for p in params),
    ]
    for a, b in pairs:
        assert isinstance(a, sympy.Float)
        assert abs(a - b) <= sympy.Float("1e-40") * max(1, abs(b)), (a, b)


def test_every_derivation_reads_as_a_function_on_mpmath_numbers():
    from tutor.symbolic import bounded
    from tutor.symbolic.derivations import CASES, derivations

    point = {"x": sympy.Rational(7, 5), "y": sympy.Rational(-3, 4)}
    for op, (arity, _) in CASES.items():
        powers = [None] if op != "pow" else [sympy.Rational(n) for n in ("2", "1/2", "-1")]
        for power in powers:
            for index in range(arity if op != "pow" else 1):
                for case in derivations(op, index, exponent=power):
                    at = [point[s.name] for s in case.inputs]
                    subs = dict(zip(case.inputs, at, strict=True))
                    out = case.forward.xreplace(subs)
                    values = [*(bounded.number(x) for x in at), bounded.number(out.evalf(60))]
                    _, result, _ = next(
                        c for c in bounded.local_cases(op, index, power) if c[2] is case
                    )
                    want = case.result.xreplace(subs).evalf(60)
                    got = bounded.to_sympy(result(values))
                    assert abs(got - want) <= sympy.Float("1e-45"), (op, index, case.condition)


def test_a_part_the_walk_does_not_know_is_said_so():
    from tutor.symbolic import bounded

    x = sympy.Symbol("x", real=True)
    with pytest.raises(bounded.Unsupported):
        bounded.numeric(sympy.sin(x), [x])
    assert float(bounded.to_sympy(bounded.numeric(2 * x**3 - 1, [x])([bounded.number(2)]))) == 15


def test_questions_on_the_loss_of_one_training_share_one_run(monkeypatch):
    # Lesson 16 asks the loss after 1 and after 10 updates at rate 2: one run of 10
    # answers both, by each source; the loss after 1 is the loss update 2 starts from.
    from fractions import Fraction

    from tutor.check import prepare
    from tutor.lesson import lesson_graph, load_lesson
    from tutor.lesson.graph import moved_leaves
    from tutor.paths import bundled_lessons
    from tutor.symbolic import descent as module

    lesson = load_lesson(bundled_lessons() / "16-learning-rate.toml")
    graph = lesson_graph(lesson)
    runs = []
    real = module.descent
    monkeypatch.setattr(module, "descent", lambda *a, **k: runs.append(a[3]) or real(*a, **k))
    bold = [
        prepare(lesson, graph, ask, i)
        for i, ask in enumerate(lesson.questions)
        if ask.kind == "train" and ask.rate == 2.0
    ]
    assert sorted(q.ask.steps for q in bold) == [1, 10]
    params = list(moved_leaves(graph, lesson.parameters).values())
    for question in bold:
        alone = real(graph.output, params, Fraction("2"), question.ask.steps, values=graph.exact)
        assert question.rules.exact(question) == pytest.approx(float(alone.final_loss), rel=1e-14)
        assert question.rules.finite(question).value == pytest.approx(question.expected, rel=1e-4)
    assert runs == [10]


def test_the_large_graph_path_fails_where_the_engine_does():
    # log of a negative number is complex in mpmath, log(0) is -inf: neither is a value
    from tutor.engine import Value, topo_order
    from tutor.symbolic import bounded

    x = Value(2.0, label="x")
    y = (x * x.relu() - 1.0).log()
    order = topo_order(y)
    program = bounded.Program(order)
    leaves = {n: bounded.number(sympy.Rational(str(n.data))) for n in order if n.is_leaf}
    value = bounded.to_sympy(program.values({**leaves, x: bounded.number(2)})[-1])
    assert float(value) == pytest.approx(1.0986123)
    for bad in (1, 0):  # log(0), log(-1)
        with pytest.raises(ArithmeticError, match="not a finite real number"):
            program.values({**leaves, x: bounded.number(bad)})
    values = program.values({**leaves, x: bounded.number(3)})
    assert float(bounded.to_sympy(program.gradients(values)[order.index(x)])) == 0.75
