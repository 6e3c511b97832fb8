"""The precision a question asks for: `decimals = N` grades to N decimal places."""

from __future__ import annotations

import functools
import math

import pytest

from tutor.check import grade, prepare
from tutor.check.question import MAX_ALLOWANCE
from tutor.check.validate import validate
from tutor.lesson import LessonLoadError, lesson_graph, load_lesson_text
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import Session

NEURON = """
format = 1
id = "neuron"
title = "A neuron"
graph = \"\"\"
x1 = 2.0
w1 = -3.0
b = 6.8813735870195432
n = x1*w1 + b
o = tanh(n)
\"\"\"
[vary]
w1 = { choices = [-3.5, -3, -2.5] }

[[steps]]
ask = "value"
node = "o"
decimals = 4
prompt = "What is `o`, to four decimal places?"
[[steps]]
ask = "grad"
node = "n"
decimals = 4
"""


def line_of(source: str, start: str, after: str = "") -> int:
    """The line (from 1) of the first line starting with ``start`` after one with ``after``."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i in range(begin, len(lines)) if lines[i].startswith(start)) + 1


def question(source: str, index: int, seed: int = 0):
    lesson = load_lesson_text(source, "p.toml")
    return prepare(lesson, lesson_graph(lesson, seed), lesson.questions[index], index)


def test_an_answer_off_in_the_asked_place_is_refused_and_the_rounded_value_accepted():
    o = question(NEURON, 0)  # o = 0.70710678...
    assert grade(o, "0.7071").correct
    assert grade(o, "0.70711").correct
    assert grade(o, "0.707107").correct
    for wrong in ("0.7064", "0.7078", "0.7072", "0.707"):
        assert not grade(o, wrong).correct, wrong


def test_a_student_working_from_the_rounded_numbers_on_the_screen_is_accepted():
    # With b = 5.002 the screen shows o = -0.7608 (it is -0.760753): 1 - 0.7608**2
    # rounds to 0.4212, while the exact do/dn = 0.421255 rounds to 0.4213.
    dn = question(NEURON.replace("6.8813735870195432", "5.002"), 1)
    shown_o = float(f"{dn.graph.value('o'):.4f}")
    from_screen = f"{1 - shown_o**2:.4f}"
    assert from_screen == "0.4212" and f"{dn.expected:.4f}" == "0.4213"
    assert grade(dn, from_screen).correct
    assert grade(dn, "0.4213").correct
    assert not grade(dn, "0.4206").correct and not grade(dn, "0.4220").correct
    assert 0 < dn.allowance < 1e-4


def test_the_prompt_says_the_precision_when_the_author_did_not():
    assert question(NEURON, 1).prompt.endswith("Give it to 4 decimal places.")
    assert question(NEURON, 0).prompt == "What is `o`, to four decimal places?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("decimals = 2.5", "`decimals` must be a whole number from 0 to 10"),
        ("decimals = -1", "`decimals` must be a whole number from 0 to 10"),
        ("decimals = 4\nrtol = 1e-3", "`rtol` and `decimals` both set the tolerance"),
    ],
)
def test_a_bad_decimals_key_is_an_error_at_its_line(text, message):
    source = NEURON.replace('node = "n"\ndecimals = 4', f'node = "n"\n{text}')
    with pytest.raises(LessonLoadError) as caught:
        load_lesson_text(source, "p.toml")
    (error,) = caught.value.errors
    assert message in error.message
    key = text.splitlines()[-1].split(" =")[0]
    assert error.line == line_of(source, key, after="grad")


def test_decimals_is_for_numbers():
    source = NEURON + '[[steps]]\nask = "local"\nnode = "o"\nwrt = "n"\nform = "expression"\n'
    source += "decimals = 2\n"
    with pytest.raises(LessonLoadError) as caught:
        load_lesson_text(source, "p.toml")
    assert "`decimals` is for numbers" in str(caught.value)


def test_check_reports_a_prompt_that_asks_for_places_the_tolerance_does_not_give():
    no_key = NEURON.replace('node = "o"\ndecimals = 4', 'node = "o"\nrtol = 1e-3\natol = 1e-4')
    (error,) = validate(load_lesson_text(no_key, "p.toml"), variants=2).errors
    assert error.line == line_of(no_key, 'prompt = "What is `o`, to four decimal places?"')
    assert "the prompt asks for 4 decimal places but the tolerance is rtol 0.001" in str(error)
    assert "write `decimals = 4`" in str(error)

    other = NEURON.replace('node = "o"\ndecimals = 4', 'node = "o"\ndecimals = 2')
    error, *rest = validate(load_lesson_text(other, "p.toml"), variants=2).errors
    assert "asks for 4 decimal places but `decimals = 2`" in str(error)
    # And do/dn to 4 places from o to 2 (all a quiz student has of o) is out of reach.
    assert any(
        e.line == line_of(other, 'ask = "grad"') - 1 and "out of reach" in str(e) for e in rest
    )


def test_check_reports_places_the_screen_cannot_give():
    # Eight decimals of do/dn, when the screen shows o to four: out of reach.
    source = NEURON.replace('node = "n"\ndecimals = 4', 'node = "n"\ndecimals = 8')
    errors = [str(e) for e in validate(load_lesson_text(source, "p.toml"), variants=2).errors]
    assert any("asks for 8 decimal places" in e and "ask for fewer" in e for e in errors)


COURSE = load_course(bundled_lessons())
DECIMAL_QUESTIONS = [
    (lesson, index)
    for lesson in COURSE.lessons
    for index, ask in enumerate(lesson.questions)
    if ask.decimals is not None
]


@functools.cache
def session_at(lesson_id: str, seed: int) -> Session:
    """One session a lesson and seed, for all its questions' tests: its graph keeps what
    was worked out for one question (a training run) for the next, as the app's does."""
    return Session(COURSE.find(lesson_id), seed=seed)


def test_the_course_states_the_precision_of_every_rounded_question():
    assert len(DECIMAL_QUESTIONS) >= 20
    asked = [ask for lesson in COURSE.lessons for ask in lesson.questions if ask.prompt]
    assert all("decimal places" not in a.prompt or a.decimals is not None for a in asked)


@pytest.mark.parametrize(
    ("lesson", "index"),
    DECIMAL_QUESTIONS,
    ids=[f"{lesson.id}-q{index + 1}" for lesson, index in DECIMAL_QUESTIONS],
)
def test_every_n_decimal_question_refuses_seven_units_off_and_accepts_the_rounded_value(
    lesson, index
):
    places = lesson.questions[index].decimals
    unit = 10.0**-places
    for seed in range(21):
        q = session_at(lesson.id, seed).question(index)
        assert grade(q, f"{q.expected:.{places}f}").correct, (seed, q.expected)
        # Worked from the numbers on the screen an answer may move by the question's
        # rounding band (`tutor.check.shown`): past it, by 2 units more, it is refused.
        assert q.allowance <= MAX_ALLOWANCE * unit, (seed, q.allowance)
        far = max(7, math.ceil(q.allowance / unit) + 2) * unit
        for off in (far, -far):
            verdict = grade(q, f"{q.expected + off:.{places}f}")
            assert not verdict.correct, (seed, q.expected, off)


def test_a_quiz_never_draws_numbers_where_the_asked_places_are_out_of_reach():
    # Five decimals of do/dn = 1 - o**2, worked from o as answered to 4 decimals: o's
    # rounding moves it by 9 units of the fifth place at the file's w1 = -3 and by 1.5
    # at w1 = -3.5, within reach, but by 12 at w1 = -2.5 (`MAX_ALLOWANCE` is 10).
    source = NEURON.replace('node = "n"\ndecimals = 4', 'node = "n"\ndecimals = 5')
    report = validate(load_lesson_text(source, "p.toml"))
    assert report.errors == []
    assert report.dropped["question 2's 5 decimal places are out of the screen's reach"] > 0
    lesson = report.lesson
    assert {Session(lesson, seed=s).graph.value("w1") for s in range(1, 21)} == {-3.5}
