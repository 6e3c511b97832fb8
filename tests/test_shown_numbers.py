"""Right for what the student saw (issue 19): an answer worked exactly from the numbers
on the screen is graded right; a diagnosed mistake at those numbers stays wrong."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from tutor.check import grade
from tutor.check.question import MAX_ALLOWANCE, prepare
from tutor.check.shown import MARGIN, Links, _relaxed, _worst, sources
from tutor.engine import OPS, topo_order
from tutor.lesson import lesson_graph, load_lesson_text
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
    # Past the band they are wrong again, and "close" says so where the number is
    # within 2% (the whole gradient's band, worked along the worst route, reaches
    # almost 2% of it: past it is wrong, not close).
    for question in (pull, whole):
        for side in (1, -1):
            off = question.expected + side * (question.tolerance(question.expected) + 2e-4)
            assert not grade(question, f"{off:.4f}").correct, (question.index, off)
    off = pull.expected - pull.tolerance(pull.expected) - 2e-4
    verdict = grade(pull, f"{off:.4f}")
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


def test_gradient_descent_dl_dw1_worked_from_the_shown_parameters_is_right():
    # The review's case: ypred1 worked out again from the shown w1, w2 and b, rather
    # than copied as the hint shows it, gives -1.189 (expected -1.18831).
    session = Session(LESSONS["gradient-descent"], seed=0)
    question = session.question(1)
    graph = question.graph
    w1, w2, b = (float(short(graph.value(n))) for n in ("w1", "w2", "b"))
    assert w1 == 0.6888
    x1, x2, y1 = (graph.value(n) for n in ("x1_1", "x1_2", "y1"))
    ypred1 = b + w1 * x1 + w2 * x2
    answer = f"{2 * (ypred1 - y1) * x1:.3f}"
    assert answer == "-1.189" and question.expected == pytest.approx(-1.18831, abs=1e-5)
    assert grade(question, answer).correct
    # From the hint's ypred1 as shown: right too.
    assert grade(question, f"{2 * (float(short(graph.value('ypred1'))) - y1) * x1:.3f}").correct
    # Past the band: wrong, and close where it is near.
    tolerance = question.tolerance(question.expected)
    for off in (tolerance + 1e-3, -(tolerance + 1e-3)):
        verdict = grade(question, f"{question.expected + off:.3f}")
        assert not verdict.correct and verdict.diagnosis == "close", off
    # Its diagnosed mistakes stay wrong: the 2 of the square dropped, the sign.
    assert not grade(question, f"{question.expected / 2:.3f}").correct
    assert not grade(question, f"{-question.expected:.3f}").correct


SQUARE = """
format = 1
id = "square"
title = "A square"
graph = \"\"\"
x = 0.71234567
n = 8 * x
y = n * n
\"\"\"
output = "y"

[[steps]]
ask = "value"
node = "y"
decimals = 3
prompt = "With `x = {x}` and `n = 8·x = {n}`, what is `y = n·n`?"
"""


def test_the_band_takes_the_worst_route_not_the_nearest():
    # x shows as 0.7123 (4.6e-5 off), n as 5.6988 (3.5e-5 off). Copying n moves y by
    # 2n × 3.5e-5; working n out again from x moves it 8 times 2n × 4.6e-5: the
    # worst route, ten times the nearest.
    lesson = load_lesson_text(SQUARE, "square.toml")
    question = prepare(lesson, lesson_graph(lesson, 0), lesson.questions[0], 0)
    graph = question.graph
    x, n = graph.value("x"), graph.value("n")
    shown_x, shown_n = float(short(x)), float(short(n))
    nearest = abs(2 * n) * abs(shown_n - n)
    worst = abs(2 * n) * 8 * abs(shown_x - x)
    assert worst > 10 * nearest
    assert question.allowance == pytest.approx(MARGIN * worst, rel=1e-4)
    from_n, from_x = shown_n * shown_n, (8 * shown_x) ** 2
    assert f"{from_n:.3f}" != f"{from_x:.3f}"
    for answer in (from_n, from_x):
        assert grade(question, f"{answer:.3f}").correct, answer
    # The nearest route's band alone would have refused the answer worked from x.
    assert abs(round(from_x, 3) - question.expected) > 0.5e-3 + MARGIN * nearest
    tolerance = question.tolerance(question.expected)
    for side in (1, -1):
        assert not grade(question, f"{question.expected + side * (tolerance + 1e-3):.3f}").correct


def test_the_worst_route_keeps_what_cancels_and_the_bound_past_many_routes_covers_it():
    # a (a leaf) feeds u and v, both shown; the answer is u - v, with u = 3a and
    # v = 2a. Worked out again from a, the two moves partly cancel: 1 × err(a).
    links = Links(
        error=[1e-4, 1e-5, 1e-5],  # a, u, v
        answer=[0.0, 1.0, -1.0],
        feeds=[{1: 3.0, 2: 2.0}, {}, {}],
        choices=[1, 2],
    )
    routes = {
        "copy both": 1e-5 + 1e-5,
        "u again": 3e-4 + 1e-5,
        "v again": 1e-5 + 2e-4,
        "both again": 1e-4,
    }
    assert _worst(links) == pytest.approx(max(routes.values()))
    # Interval arithmetic never goes below it (here above it: it loses the cancelling).
    assert _relaxed(links) == pytest.approx(3e-4 + 2e-4)
    assert _relaxed(links) >= _worst(links)


def test_a_mistake_diagnosed_stays_wrong_however_wide_the_band():
    session = Session(LESSONS["loss-over-data"], seed=3)
    question = session.question(3)  # dL/dypred1 = 2(ypred1 - y1); without the 2: half
    assert not grade(question, f"{question.expected / 2:.4f}").correct


# -- every bundled lesson, five quiz seeds ---------------------------------------------------


def worked(question, again: frozenset[tuple[str, str]] = frozenset()) -> float:
    """The answer a student gets who copies every number the tutor lists as shown
    (`sources`), as the screen shows it, except those ``again`` (what, node), which they
    work out again from the others, and computes the rest exactly: the graph again
    with the copied values and gradients put in, then the question's quantity."""
    found = [s for s in sources(question) if (s.what, s.node) not in again]
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


def routes(question, seed: int, tries: int = 4) -> list[frozenset[tuple[str, str]]]:
    """Routes a student may take through the shown numbers: which shown intermediates
    (an inner value, a gradient) they work out again rather than copy. The nearest
    (copy all), the farthest (work every one out again from the leaves) and a few
    drawn at random."""
    graph = question.graph
    inner = [
        (s.what, s.node)
        for s in sources(question)
        if s.what == "grad" or (s.what == "value" and not graph.nodes[s.node].is_leaf)
    ]
    rng = random.Random(f"{question.lesson.id}/{seed}/{question.index}")
    drawn = [frozenset(x for x in inner if rng.random() < 0.5) for _ in range(tries)]
    return list(dict.fromkeys([frozenset(), frozenset(inner), *drawn]))


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
        for again in routes(question, seed):
            answer = f"{worked(question, again):.{ask.decimals}f}"
            verdict = grade(question, answer)
            assert verdict.correct, (index + 1, again, answer, question.expected, verdict.feedback)
        for mistake in question.mistakes:
            wrong = mistake.at(question.graph)
            verdict = grade(question, f"{wrong:.{ask.decimals}f}")
            assert not verdict.correct, (index + 1, mistake.code, wrong, question.expected)
            assert verdict.diagnosis != "close" or mistake.approximates, mistake.code
        checked += 1
    assert checked
