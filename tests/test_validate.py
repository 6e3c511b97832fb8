"""Lesson validation: three sources must agree, and the checker must reject near misses."""

from __future__ import annotations

import pytest
from conftest import LECTURE_GRAPH

from tutor.check.validate import validate
from tutor.engine import OPS
from tutor.lesson import load_lesson_text

LESSON = (
    """
format = 1
id = "v"
title = "Validate me"
graph = \"\"\"
"""
    + LECTURE_GRAPH
    + """\"\"\"
[vary]
a = { min = -4, max = 4, step = 1 }

[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "local"
node = "e"
wrt = "b"
[[steps]]
ask = "nudge"
node = "d"
h = 0.01
[[steps]]
ask = "step"
rate = 0.01
[[steps]]
ask = "value"
node = "d"
"""
)


def test_a_good_lesson_passes_at_its_numbers_and_twenty_variants():
    report = validate(load_lesson_text(LESSON, "v.toml"))
    assert report.errors == []
    assert report.variants == 20
    # a takes the values -4..4 but never the file's own 2, nor a value where a known
    # mistake scores: -3 (= b: swapping the factors of e = a * b changes nothing),
    # 0 (de/db = a = 0 is its own negative) and 4 (d = f = -2: L = d * f's factors swap).
    assert report.distinct == 5
    assert report.dropped["the file's own numbers"] > 0
    assert report.dropped["question 1's swapped-operand mistake gives the answer"] > 0


@pytest.fixture
def broken_product_rule():
    """Make the engine's local rule for * wrong, as a bug in the op table would."""
    mul = OPS["mul"]
    right = mul.local
    object.__setattr__(mul, "local", lambda x, out, p: (x[0], x[1]))
    yield
    object.__setattr__(mul, "local", right)


def test_disagreement_names_the_question(broken_product_rule):
    report = validate(load_lesson_text(LESSON, "v.toml"), variants=2)
    messages = [str(e) for e in report.errors]
    assert messages[0].startswith("v.toml:17: question 1 (ask = 'grad', node = 'a'): the engine")
    assert "the symbolic chain rule gives" in messages[0]
    assert "finite differences give" in messages[0]
    assert any("question 2 (ask = 'local', node = 'e', wrt = 'b')" in m for m in messages)


def test_a_tolerance_that_accepts_wrong_answers_is_an_error():
    source = LESSON.replace('ask = "value"\nnode = "d"', 'ask = "value"\nnode = "d"\nrtol = 0.9')
    (error,) = validate(load_lesson_text(source, "v.toml")).errors
    assert "question 5" in str(error)
    assert "the answer plus one (5) is graded correct" in str(error)
    assert "too loose" in str(error)


def test_a_relu_kink_at_the_lessons_numbers_is_an_error():
    source = LESSON.replace("d = e + c", "d = relu(e + 6) + c")
    errors = [str(e) for e in validate(load_lesson_text(source, "v.toml")).errors]
    # The message names the graph line of `d` (file line 10) and the node.
    assert any(
        e.startswith("v.toml:10: graph: the input of relu in `d` (inside it) is exactly 0")
        for e in errors
    )
