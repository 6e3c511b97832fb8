"""Grading answers: tolerance, expressions, not-understood, and named mistakes."""

from __future__ import annotations

import pytest
from conftest import LECTURE_GRAPH

from tutor.check import CORRECT, INCORRECT, NOT_UNDERSTOOD, grade, prepare
from tutor.lesson import lesson_graph, load_lesson_text

LECTURE = (
    """
format = 1
id = "lecture"
title = "L = (a*b + c) * f"
graph = \"\"\"
"""
    + LECTURE_GRAPH
    + """\"\"\"
[vary]
a = { min = -4, max = 4, step = 1 }

[[steps]]
ask = "grad"
node = "d"
[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "local"
node = "L"
wrt = "d"
[[steps]]
ask = "local"
node = "L"
wrt = "d"
form = "expression"
[[steps]]
ask = "nudge"
node = "a"
h = 0.001
[[steps]]
ask = "value"
node = "e"
[[steps]]
ask = "step"
rate = 0.01
[[steps]]
ask = "grad"
node = "c"
rtol = 0.01
"""
)

NEURON = """
format = 1
id = "neuron"
title = "A neuron"
graph = \"\"\"
x1 = 2.0
x2 = 0.0
w1 = -3.0
w2 = 1.0
b = 6.8813735870195432
n = x1*w1 + x2*w2 + b
o = tanh(n)
\"\"\"
[[steps]]
ask = "local"
node = "o"
wrt = "n"
[[steps]]
ask = "grad"
node = "n"
[[steps]]
ask = "grad"
node = "w1"
"""

REUSE = """
format = 1
id = "reuse"
title = "Reuse"
graph = \"\"\"
a = -2.0
b = 3.0
d = a * b
e = a + b
f = d * e
\"\"\"
[[steps]]
ask = "grad"
node = "a"
"""


def question(source: str, index: int, seed: int = 0):
    lesson = load_lesson_text(source)
    return prepare(lesson, lesson_graph(lesson, seed), lesson.questions[index], index)


def check(source: str, index: int, answer: str):
    return grade(question(source, index), answer)


@pytest.mark.parametrize(
    ("index", "answer"),
    [
        (0, "-2"),
        (0, "-2.0000000001"),
        (0, "-4/2"),
        (0, "  -2 "),
        (1, "6"),
        (2, "f"),
        (2, "-2"),
        (3, "f"),
        (3, "2*f/2"),
        (4, "6"),  # L is linear in a: the rise over run is 6 up to rounding
        (5, "-6"),
        (6, "-8.726304"),
        (7, "-2.01"),  # within this question's own rtol of 1%
    ],
)
def test_correct_answers(index, answer):
    verdict = check(LECTURE, index, answer)
    assert verdict.status == CORRECT, verdict.feedback
    assert verdict.feedback.startswith("Correct")


@pytest.mark.parametrize(
    ("index", "answer", "diagnosis", "edge"),
    [
        (0, "2", "wrong-sign", None),
        (0, "4", "swapped-operand", ("d", "L")),
        (0, "1", "upstream-only", ("d", "L")),
        (1, "-2", "upstream-only", ("a", "e")),
        (1, "-4", "swapped-operand", ("a", "e")),
        (1, "2", "forward-value", None),
        (1, "-6", "wrong-sign", None),
        (2, "-f", "wrong-sign", None),
        (2, "d", "swapped-operand", ("d", "L")),
        (4, "-6", "wrong-sign", None),
        (6, "-8", "unchanged", None),
        (6, "-7.286496", "wrong-way", None),
        (0, "-2.01", "close", None),
    ],
)
def test_named_mistakes(index, answer, diagnosis, edge):
    verdict = check(LECTURE, index, answer)
    assert verdict.status == INCORRECT
    assert verdict.diagnosis == diagnosis, verdict.feedback
    if edge is not None:
        assert verdict.edge == edge
        assert f"{edge[0]} → {edge[1]}" in verdict.feedback or edge[0] in verdict.feedback


def test_forgot_upstream_names_the_edge():
    # dL/de = -2 and de/da = b = -3: answering -3 is the local derivative alone.
    verdict = check(LECTURE, 1, "-3")
    assert verdict.diagnosis == "forgot-upstream"
    assert verdict.edge == ("a", "e")
    assert "de/da" in verdict.feedback and "dL/de" in verdict.feedback


def test_feedback_never_gives_the_answer_away():
    for answer in ("2", "4", "1", "-2.01"):
        assert "-2." not in check(LECTURE, 0, answer).feedback.replace("-2.01", "")


def test_tanh_local_derivative_as_expression():
    assert check(NEURON, 0, "1 - o**2").status == CORRECT
    assert check(NEURON, 0, "1 - o^2").status == CORRECT
    assert check(NEURON, 0, "1 - tanh(n)**2").status == CORRECT
    assert check(NEURON, 0, "0.5").status == CORRECT  # form "any" takes the number
    wrong = check(NEURON, 0, "1 - n**2")
    assert (wrong.status, wrong.diagnosis) == (INCORRECT, "tanh-input")
    assert wrong.edge == ("n", "o")


def test_neuron_gradients():
    assert check(NEURON, 1, "0.5").status == CORRECT
    assert check(NEURON, 2, "1").status == CORRECT
    assert check(NEURON, 2, "-1.5").diagnosis == "swapped-operand"


def test_one_path_of_a_reused_node():
    assert check(REUSE, 0, "-3").status == CORRECT
    # Through d = a*b alone: b * f's upstream (e = 1) = 3; through e alone: d = -6.
    for share in ("3", "-6"):
        verdict = check(REUSE, 0, share)
        assert verdict.diagnosis == "one-path", (share, verdict.feedback)
        assert "add up" in verdict.feedback


def test_expression_form_wants_an_expression():
    verdict = check(LECTURE, 3, "-2")
    assert (verdict.status, verdict.diagnosis) == (INCORRECT, "needs-expression")
    assert "right value" in verdict.feedback


def test_expression_right_here_but_not_elsewhere():
    # d - 6 equals f = -2 at these numbers (d = 4) but not when the numbers move.
    verdict = check(LECTURE, 2, "d - 6")
    assert verdict.status == INCORRECT
    assert "not when they change" in verdict.feedback


def test_number_form_refuses_names_without_costing_an_attempt():
    verdict = check(LECTURE, 0, "f")
    assert verdict.status == NOT_UNDERSTOOD
    assert "asks for a number" in verdict.feedback


@pytest.mark.parametrize(
    "answer", ["2a", "__import__('os').system('true')", "", "9**9**9", "(((", "a.b"]
)
def test_unparseable_answers_are_not_understood(answer):
    verdict = check(LECTURE, 0, answer)
    assert verdict.status == NOT_UNDERSTOOD
    assert verdict.feedback.startswith(("Not understood", "This question"))


def test_not_understood_shows_a_caret():
    verdict = check(LECTURE, 0, "3 + 2f")
    assert verdict.caret == "3 + 2f\n    ^"


def test_same_answer_same_verdict_at_a_variant():
    q = question(LECTURE, 1, seed=3)
    right = q.graph.grad("a")
    assert grade(q, repr(right)).status == CORRECT
    assert grade(q, repr(-right)).status == INCORRECT or right == 0


def test_generated_hints_use_the_chain_rule_with_numbers():
    q = question(LECTURE, 1)
    assert q.hints[0] == "The chain rule: dL/da = dL/de · de/da."
    assert q.hints[1] == "From the graph: dL/de = -2 and de/da = -3."


def test_every_answer_is_checked_against_the_symbolic_source_too():
    q = question(NEURON, 1)
    assert q.symbolic_expected == pytest.approx(0.5, abs=1e-15)
    assert str(question(NEURON, 0).formula) == "1 - o**2"
    assert str(question(LECTURE, 2).formula) == "f"


def test_close_to_some_decimals_means_right_to_nearly_as_many():
    # e = a * b, asked to 4 decimal places: "check the last digits" must not greet a
    # number wrong from its first decimal that happens to be within 2% (as a loss
    # read at the wrong step of a slow training is).
    source = LECTURE.replace('node = "e"\n', 'node = "e"\ndecimals = 4\n').replace(
        "a = 2.0", "a = 200.3"
    )
    q = question(source, 5)
    expected = q.expected
    assert abs(expected) > 100
    assert grade(q, short_of(expected, 0.0021)).diagnosis == "close"  # right to 2 places
    far = grade(q, short_of(expected, 0.011 * abs(expected)))  # 1.1% away
    assert far.status == INCORRECT and far.diagnosis != "close"
    assert "last digits" not in far.feedback


def short_of(value: float, by: float) -> str:
    return repr(value - by)
