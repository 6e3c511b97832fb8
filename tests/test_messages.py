"""Messages that teach: what a student most likely meant, in the student's words."""

from __future__ import annotations

import re

import pytest

from tutor.check import NOT_UNDERSTOOD, explain, grade
from tutor.expr import ExprError, parse
from tutor.expr.parser import did_you_mean
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import Session

COURSE = load_course(bundled_lessons())
NAMES = ["a", "b", "c", "d", "e", "f", "L", "x1", "w1"]


def message(text: str, names=NAMES) -> str:
    with pytest.raises(ExprError) as caught:
        parse(text, names)
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "meant"),
    [("2O", "20"), ("1O", "10"), ("0.7O71", "0.7071"), ("O.5", "0.5"), ("-2O", "20")],
)
def test_the_letter_o_in_a_number_is_taken_for_a_zero(text, meant):
    said = message(text)
    assert "`O` is a letter, not a zero" in said
    assert f"did you mean `{meant}`?" in said


def test_a_name_that_starts_with_o_is_not_taken_for_a_number():
    assert "letter" not in message("o1 +", ["o1"])
    assert "letter" not in message("O5 +", None)


def test_a_lone_letter_o_asks_for_a_zero_and_a_node_named_o_is_a_product():
    assert "did you mean the number `0`?" in message("O")
    assert "write `2*o`" in message("2o", ["o", "n"])  # o is a node: 2 times o


@pytest.mark.parametrize(("text", "meant"), [("14,3", "14.3"), ("-0,5", "-0.5"), ("1, 25", "1.25")])
def test_a_decimal_comma_asks_for_a_decimal_point(text, meant):
    said = message(text)
    assert f"write a decimal point, not a comma: `{meant}`" in said
    assert "tuple" not in said


@pytest.mark.parametrize(
    ("text", "meant"), [("B", "b"), ("l", "L"), ("X1", "x1"), ("w", "w1"), ("ww1", "w1")]
)
def test_an_unknown_name_one_letter_or_case_away_gets_a_did_you_mean(text, meant):
    assert f"unknown name `{text}`: did you mean `{meant}`?" in message(text)


def test_no_guess_when_the_name_is_not_close_or_ambiguous():
    assert did_you_mean("q", NAMES) is None  # a different letter is not a misspelling
    assert did_you_mean("x", NAMES) == "x1"
    assert did_you_mean("zz", NAMES) is None
    assert did_you_mean("x2", ["x1", "x3"]) is None  # two equally close
    assert "the names here are" in message("zz")


def test_the_grader_says_it_in_one_sentence():
    session = Session(COURSE.find("manual-backprop"))
    feedback = grade(session.question(1), "B").feedback
    assert feedback.startswith("Not understood: unknown name `B`: did you mean `b`?")
    assert "?." not in grade(session.question(1), "2O").feedback


def test_feedback_never_names_an_internal_op():
    session = Session(COURSE.find("local-derivatives"))
    question = session.question(0)
    for text, words in (
        ("log(d - 10)", "log of a non-positive number"),
        ("1/(d - 4)", "divides by zero"),
        ("exp(1000*c)", "exp(10000) overflows"),
    ):
        verdict = grade(question, text)
        assert verdict.status == NOT_UNDERSTOOD and verdict.answer == text
        assert words in verdict.feedback, verdict.feedback
        for op in ("log:", "div:", "pow:", "exp:"):
            assert op not in verdict.feedback


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=[lesson.id for lesson in COURSE.lessons])
def test_no_explanation_explains_a_gradient_by_itself(lesson):
    if not lesson.questions:
        return
    session = Session(lesson)
    for index in range(len(lesson.questions)):
        question = session.question(index)
        if question.kind != "grad":
            continue
        first = explain(question)[0]
        out = question.output
        assert f"d{out}/d{out} · " not in first, first
        if question.node != out:
            right_side = first.split("=", 1)[1]
            assert not re.search(rf"{re.escape(question.symbol)}(?!\w)", right_side), first
