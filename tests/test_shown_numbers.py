"""Right for what the student saw (issue 19): an answer worked exactly from the numbers
on the screen is graded right; a diagnosed mistake at those numbers stays wrong."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from tutor.check import grade
from tutor.check.question import MAX_ALLOWANCE
from tutor.check.shown import sources
from tutor.engine import OPS, topo_order
from tutor.lesson.folder import load_course
from tutor.lesson.graph import copy_graph
from tutor.numbers import short
from tutor.paths import bundled_lessons
from tutor.session import Session

COURSE = load_course(bundled_lessons())
LESSONS = {lesson.id: lesson for lesson in COURSE.lessons}
SEEDS = range(5)


def answers(lesson_id: str, seed: int, texts: list[str]) -> list:
    session = Session(LESSONS[lesson_id], seed=seed)
    return [grade(session.question(i), text) for i, text in enumerate(texts)]


# -- the cases of the issue --------------------------------------------------------------


def test_loss_over_data_seed_3_worked_from_the_prompts_passes_all_six():
    texts = ["3.8201", "0.0038", "7.8943", "-3.9091", "-0.3476", "0.0583"]
    verdicts = answers("loss-over-data", 3, texts)
    assert [v.correct for v in verdicts] == [True] * 6, [v.feedback for v in verdicts]


def test_rounding_is_not_called_a_rise_over_run_nor_close():
    session = Session(LESSONS["loss-over-data"], seed=3)
    pull = session.question(4)  # dL1/db3_1 = -0.34728, worked from ypred1 = -0.9545
    assert pull.graph.value("ypred1") == pytest.approx(-0.9545, abs=5e-5)
    assert grade(pull, "-0.3476").correct
    whole = session.question(5)  # dL/db3_1 = 0.05877, worked from the four predictions
    assert grade(whole, "0.0583").correct
    # Past the band they are wrong again, and "close" says so.
    off = whole.expected + whole.tolerance(whole.expected) + 2e-4
    verdict = grade(whole, f"{off:.4f}")
    assert not verdict.correct and verdict.diagnosis == "close"


def test_loss_over_data_the_whole_loss_from_earlier_answers_and_the_prompt():
    verdicts = answers("loss-over-data", 0, ["3.6557", "0.0038", "7.7299"])
    assert all(v.correct for v in verdicts), [v.feedback for v in verdicts]


def test_gradient_descent_w1_after_training_worked_from_the_shown_w1():
    session = Session(LESSONS["gradient-descent"], seed=0)
    assert short(session.graph.value("w1")) == "0.6888"
    question = session.question(4)
    assert question.expected == pytest.approx(0.76029, abs=1e-5)
    assert grade(question, "0.7602").correct
    assert not grade(question, "0.7600").correct


def test_a_mistake_diagnosed_stays_wrong_however_wide_the_band():
    session = Session(LESSONS["loss-over-data"], seed=3)
    question = session.question(3)  # dL/dypred1 = 2(ypred1 - y1); without the 2: half
    assert not grade(question, f"{question.expected / 2:.4f}").correct


# -- every bundled lesson, five quiz seeds ---------------------------------------------------


def worked(question) -> float:
    """The answer a student gets who copies every number the tutor lists as shown
    (`sources`), as the screen shows it, and computes the rest exactly: the graph
    again with those values and gradients put in, then the question's quantity."""
    found = sources(question)
    if any(s.what == "answer" for s in found):  # read off the training view
        return float(short(question.expected))
    graph = question.graph
    copy = copy_graph(graph)
    values = {copy.nodes[s.node]: s for s in found if s.what == "value"}
    grads = {copy.nodes[s.node]: s for s in found if s.what == "grad"}
    for node, source in values.items():
        node.data = _as_shown(graph.value(source.node), source.error)
        if node.is_leaf:
            copy.exact[node] = Fraction(repr(node.data))
    order = topo_order(copy.output)
    for v in order:
        if not v.is_leaf and v not in values:
            v.data = OPS[v.op].forward(tuple(x.data for x in v.inputs), v.param)
    for v in order:
        v.grad = 0.0
    copy.output.grad = 1.0
    for v in reversed(order):
        if v in grads:
            v.grad = _as_shown(graph.grad(grads[v].node), grads[v].error)
        if not v.is_leaf:
            local = OPS[v.op].local(tuple(x.data for x in v.inputs), v.data, v.param)
            for x, d in zip(v.inputs, local, strict=True):
                x.grad += d * v.grad
    return question.at(copy)


def _as_shown(x: float, error: float) -> float:
    """``x`` as the student has it: rounded to the places whose half unit ``error`` is
    (an earlier answer), else to 4 decimals as the screen writes it."""
    places = -math.log10(2 * error)
    if abs(places - round(places)) < 1e-9:
        return round(x, round(places))
    return float(short(x))


CASES = [
    (lesson.id, index)
    for lesson in COURSE.lessons
    for index, ask in enumerate(lesson.questions)
    if ask.decimals is not None
]


def test_every_lesson_with_places_is_covered():
    with_places = {lesson_id for lesson_id, _ in CASES}
    assert len(with_places) >= 8 and len(CASES) >= 40


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lesson_id", sorted({lesson_id for lesson_id, _ in CASES}))
def test_an_answer_worked_from_the_shown_numbers_is_right_and_mistakes_stay_wrong(lesson_id, seed):
    session = Session(LESSONS[lesson_id], seed=seed)
    checked = 0
    for index, ask in enumerate(session.lesson.questions):
        if ask.decimals is None:
            continue
        question = session.question(index)
        unit = 10.0**-ask.decimals
        assert question.allowance <= MAX_ALLOWANCE * unit
        answer = f"{worked(question):.{ask.decimals}f}"
        verdict = grade(question, answer)
        assert verdict.correct, (index + 1, answer, question.expected, verdict.feedback)
        for mistake in question.mistakes:
            wrong = mistake.at(question.graph)
            verdict = grade(question, f"{wrong:.{ask.decimals}f}")
            assert not verdict.correct, (index + 1, mistake.code, wrong, question.expected)
            assert verdict.diagnosis != "close" or mistake.approximates, mistake.code
        checked += 1
    assert checked
