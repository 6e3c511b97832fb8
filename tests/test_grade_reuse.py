"""Grading a number reuses what preparing the question computed, and answers as before.

A training question (lessons 14 to 16) trains the lesson's network to find its answer
and its mistakes' values. `prepare` computes them at the question's numbers, when
the question is shown; grading a number answer then compares with those values and
computes nothing (no training, no nearby points), with the same verdicts as when
grading computed them again.
"""

from __future__ import annotations

import math

import pytest

from tutor.check import grade, prepare
from tutor.check import quantities as q
from tutor.check import question as question_module
from tutor.check.mistakes import OP_MISTAKES
from tutor.check.question import safely
from tutor.engine import topo_order
from tutor.lesson.folder import load_course
from tutor.numbers import full
from tutor.paths import bundled_lessons
from tutor.session import Session

# Every bundled train and accumulated question at seed 0, as graded before the values
# were kept at preparation: (lesson, question, expected, {mistake: its value}).
BEFORE = [
    (
        "gradient-descent",
        3,
        0.006845341548840592,
        {
            "unchanged": 0.08825547956372437,
            "last-printed": 0.00883954228930862,
            "not-zeroing": 0.06897914228530604,
        },
    ),
    (
        "gradient-descent",
        4,
        0.7602909226672646,
        {"unchanged": 0.6888437030500962, "not-zeroing": 0.8754160510060324},
    ),
    (
        "zero-the-gradients",
        1,
        -0.47497234912352637,
        {"one-pass": -0.23748617456176319, "wrong-sign": 0.47497234912352637},
    ),
    (
        "zero-the-gradients",
        2,
        7.999560406576169,
        {
            "unchanged": 7.729794845790028,
            "last-printed": 7.995818449226854,
            "zeroing": 2.1458634577253597,
        },
    ),
    (
        "zero-the-gradients",
        3,
        2.1458634577253597,
        {
            "unchanged": 7.729794845790028,
            "last-printed": 2.618087431718525,
            "not-zeroing": 7.999560406576169,
        },
    ),
    (
        "learning-rate",
        0,
        7.652201863548368,
        {
            "unchanged": 7.729794845790028,
            "last-printed": 7.661294852666502,
            "not-zeroing": 6.935886957553979,
        },
    ),
    (
        "learning-rate",
        1,
        0.19778045587972742,
        {
            "unchanged": 7.729794845790028,
            "last-printed": 0.2519925077733933,
            "not-zeroing": 5.178936429002551e-06,
        },
    ),
    (
        "learning-rate",
        2,
        13.690791511271868,
        {"unchanged": 7.729794845790028},
    ),
    (
        "learning-rate",
        3,
        7.999998406276932,
        {"unchanged": 7.729794845790028},
    ),
]


@pytest.fixture(scope="module")
def sessions() -> dict[str, Session]:
    course = load_course(bundled_lessons())
    wanted = {lesson for lesson, *_ in BEFORE}
    return {lesson.id: Session(lesson, seed=0) for lesson in course.lessons if lesson.id in wanted}


def test_every_bundled_training_question_is_pinned(sessions):
    pinned = {(lesson, index) for lesson, index, *_ in BEFORE}
    found = {
        (lesson_id, index)
        for lesson_id, session in sessions.items()
        for index, ask in enumerate(session.lesson.questions)
        if ask.kind in ("train", "accumulated")
    }
    # A training question added to the course: pin its answers in BEFORE too.
    assert found == pinned


@pytest.mark.parametrize(("lesson", "index", "expected", "mistakes"), BEFORE)
def test_same_answers_and_diagnoses_as_before(sessions, lesson, index, expected, mistakes):
    question = sessions[lesson].question(index)
    assert question.expected == pytest.approx(expected, rel=1e-12)
    # The mistakes pinned then keep their values (those added since are pinned by
    # tests/test_network_mistakes.py).
    kept = {m.code: question.values_at(m.at, 1)[0] for m in question.mistakes if m.code in mistakes}
    assert kept == pytest.approx(mistakes, rel=1e-12)
    assert grade(question, question.expected_text).correct
    assert grade(question, "-1.5").diagnosis is None and not grade(question, "-1.5").correct
    for code, value in mistakes.items():
        verdict = grade(question, full(value))
        assert (verdict.correct, verdict.diagnosis) == (False, code)


@pytest.mark.parametrize(("lesson", "index"), [(lesson, index) for lesson, index, *_ in BEFORE])
def test_grading_a_number_computes_nothing_again(sessions, lesson, index, monkeypatch):
    session = sessions[lesson]
    question = prepare(session.lesson, session.graph, session.lesson.questions[index], index)
    computed = []

    def counted(quantity, graph):
        computed.append(quantity)
        return safely(quantity, graph)

    monkeypatch.setattr(question_module, "safely", counted)
    answers = [question.expected_text, "-1.5"]
    answers += [full(question.values_at(m.at, 1)[0]) for m in question.mistakes]
    verdicts = [grade(question, answer) for answer in answers]
    assert computed == []  # every value was kept when the question was prepared
    assert "neighbours" not in question.__dict__  # nor were nearby numbers made
    assert verdicts[0].correct
    assert [v.diagnosis for v in verdicts[2:]] == [m.code for m in question.mistakes]


def test_the_nearby_points_come_when_asked_and_agree(sessions):
    session = sessions["learning-rate"]
    question = prepare(session.lesson, session.graph, session.lesson.questions[2], 2)
    first = question.values_at(question.at, 1)
    assert "neighbours" not in question.__dict__
    everywhere = question.values_at(question.at)
    assert len(everywhere) == len(question.points) > 1
    assert everywhere[:1] == first
    direct = [safely(question.at, g) for g in question.points]
    assert everywhere == pytest.approx(direct, rel=1e-12)
    assert question.values_at(question.at, 3) == everywhere[:3]
    assert all(math.isfinite(x) for x in everywhere)


# -- a product's or tanh's mistaken local rule, without a backward pass per place -------


def _bundled_graphs():
    course = load_course(bundled_lessons())
    return [
        (lesson, Session(lesson, seed=0).graph) for lesson in course.lessons if lesson.has_graph
    ]


@pytest.mark.parametrize(("lesson", "graph"), _bundled_graphs(), ids=lambda x: getattr(x, "id", ""))
def test_a_ruled_gradient_is_the_backward_pass_with_the_rule(lesson, graph):
    """Every place of a product or tanh in every bundled graph, for every node a gradient
    question asks about (and every named node, in a small graph): the same number as
    the backward pass that believes the rule there."""
    asked = {ask.node for ask in lesson.questions if ask.kind == "grad" and ask.of is None}
    nodes = set(graph.nodes) if len(graph.nodes) <= 40 else asked
    checked = 0
    for node in sorted(nodes):
        for mistake in OP_MISTAKES.values():
            for position, _ in q.positions(graph.output, _op_of(mistake)):
                slow = q.grad(graph, node, {position: mistake.rule})
                fast = q.ruled_grad(graph, node, position, mistake.rule)
                assert fast == pytest.approx(slow, rel=1e-12, abs=1e-12), (node, position)
                checked += 1
    assert checked or not asked or not any(q.positions(graph.output, op) for op in OP_MISTAKES)


def _op_of(mistake) -> str:
    return next(op for op, m in OP_MISTAKES.items() if m is mistake)


def test_a_ruled_gradient_off_the_rules_reach_is_the_gradient():
    """A node the rule's place does not lead down to keeps its gradient; so does every
    node when the place is a leaf, where there is no local derivative to believe."""
    graph = next(g for lesson, g in _bundled_graphs() if lesson.id == "neuron")
    (position, tanh), *_ = q.positions(graph.output, "tanh")
    below = set(topo_order(tanh.inputs[0]))
    untouched = [name for name, v in graph.nodes.items() if v not in below]
    assert graph.output.label in untouched and len(untouched) < len(graph.nodes)
    for name in untouched:
        ruled = q.ruled_grad(graph, name, position, q.tanh_of_input)
        assert ruled == pytest.approx(graph.grad(name), rel=1e-12, abs=1e-15)
    order = topo_order(graph.output)
    leaf = next(i for i, v in enumerate(order) if v.is_leaf)
    for name in graph.nodes:
        ruled = q.ruled_grad(graph, name, leaf, q.swapped_product)
        assert ruled == pytest.approx(graph.grad(name), rel=1e-12, abs=1e-15)


def test_prepared_gradient_questions_diagnose_as_with_a_backward_pass_per_place(monkeypatch):
    """The biggest bundled graphs' gradient questions keep the same mistakes, each with
    the same value, as when every place's mistake ran a backward pass of its own."""
    course = load_course(bundled_lessons())
    for lesson_id in ("loss-over-data", "zero-the-gradients"):
        lesson = next(x for x in course.lessons if x.id == lesson_id)
        graph = Session(lesson, seed=0).graph
        grads = [(i, ask) for i, ask in enumerate(lesson.questions) if ask.kind == "grad"]
        fast = [prepare(lesson, graph, ask, i) for i, ask in grads]
        with monkeypatch.context() as patched:
            patched.setattr(
                q,
                "ruled_grad",
                lambda g, node, position, rule: q.grad(g, node, {position: rule}),
            )
            slow = [prepare(lesson, graph, ask, i) for i, ask in grads]
        for a, b in zip(fast, slow, strict=True):
            assert [(m.code, m.edge) for m in a.mistakes] == [(m.code, m.edge) for m in b.mistakes]
            assert [a.values_at(m.at, 1)[0] for m in a.mistakes] == pytest.approx(
                [b.values_at(m.at, 1)[0] for m in b.mistakes], rel=1e-12, abs=1e-12
            )
