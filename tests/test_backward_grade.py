"""Grading a `_backward` body (`ask = "backward"`): the lecture's rule and its
rewritings are right; each known mistake, for each op, gets its diagnosis, naming the
operand and never showing the rule."""

from __future__ import annotations

import pytest

from tutor.check import CORRECT, INCORRECT, NOT_UNDERSTOOD, grade, prepare
from tutor.check.backward import mutations, op_of
from tutor.lesson import lesson_graph, load_lesson_text

LESSON = '''
format = 1
id = "backward-test"
title = "Backward"
graph = """
x = 0.7
w = -1.3
xw = x * w
s = xw + x
o = tanh(s)
e = exp(o)
p = e**3
d = p - w
q = d / w
L = q**2
"""
output = "L"
''' + "".join(
    f'\n[[steps]]\nask = "backward"\nnode = "{n}"\n'
    for n in ("s", "xw", "o", "e", "p", "d", "q", "L")
)
NODES = {"+": 0, "*": 1, "tanh": 2, "exp": 3, "**3": 4, "-": 5, "/": 6, "**2": 7}


@pytest.fixture(scope="module")
def lesson():
    return load_lesson_text(LESSON)


def question(lesson, op):
    index = NODES[op]
    return prepare(lesson, lesson_graph(lesson, 0), lesson.questions[index], index)


def verdict(lesson, op, text):
    return grade(question(lesson, op), text)


@pytest.mark.parametrize("op", list(NODES))
def test_the_lectures_body_is_right_and_tutor_check_finds_nothing(lesson, op):
    q = question(lesson, op)
    assert grade(q, q.expected_answer).correct, q.expected_answer
    assert q.rules.self_check(q) == []


@pytest.mark.parametrize(
    ("op", "text"),
    [
        ("*", "self.grad += out.grad * other.data\nother.grad += out.grad * self.data"),
        ("*", "other.grad += self.data * out.grad\nself.grad += other.data * out.grad"),
        (
            "*",
            "    self.grad = self.grad + other.data * out.grad\n"
            "    other.grad += self.data*out.grad",
        ),
        ("+", "self.grad += out.grad\nother.grad += out.grad"),
        (
            "+",
            "def _backward():\n    self.grad += 1.0 * out.grad\n    other.grad += 1.0 * out.grad",
        ),
        ("tanh", "t = out.data\nself.grad += (1 - t*t) * out.grad"),
        ("tanh", "self.grad += (1 - math.tanh(self.data)**2) * out.grad"),
        ("tanh", "self.grad -= (out.data**2 - 1) * out.grad"),
        ("exp", "self.grad += math.exp(self.data) * out.grad"),
        ("**3", "self.grad += 3 * self.data**2 * out.grad"),
        ("**3", "self.grad += other * (self.data ** (other - 1)) * out.grad"),
        ("**3", "self.grad += other * out.data / self.data * out.grad"),
        (
            "/",
            "self.grad += out.grad / other.data\n"
            "other.grad += -self.data / other.data**2 * out.grad",
        ),
    ],
)
def test_equivalent_rewritings_are_right(lesson, op, text):
    result = verdict(lesson, op, text)
    assert result.status == CORRECT, result.feedback


# -- op × mistake --------------------------------------------------------------------------

CASES = [
    # `=` where `+=`
    ("+", "self.grad = 1.0 * out.grad\nother.grad = 1.0 * out.grad", "assigned-not-added", "self"),
    (
        "*",
        "self.grad = other.data * out.grad\nother.grad = self.data * out.grad",
        "assigned-not-added",
        "self",
    ),
    ("tanh", "self.grad = (1 - out.data**2) * out.grad", "assigned-not-added", "self"),
    ("exp", "self.grad = out.data * out.grad", "assigned-not-added", "self"),
    ("**3", "self.grad = other * self.data**(other - 1) * out.grad", "assigned-not-added", "self"),
    (
        "*",
        "self.grad += other.data * out.grad\nother.grad = self.data * out.grad",
        "assigned-not-added",
        "other",
    ),
    # out.grad forgotten
    ("+", "self.grad += 1.0\nother.grad += 1.0", "no-out-grad", "self"),
    ("*", "self.grad += other.data\nother.grad += self.data", "no-out-grad", "self"),
    ("*", "self.grad += other.data * out.grad\nother.grad += self.data", "no-out-grad", "other"),
    ("tanh", "t = out.data\nself.grad += 1 - t**2", "no-out-grad", "self"),
    ("exp", "self.grad += out.data", "no-out-grad", "self"),
    ("**3", "self.grad += other * self.data**(other - 1)", "no-out-grad", "self"),
    # the operands swapped
    (
        "*",
        "self.grad += self.data * out.grad\nother.grad += other.data * out.grad",
        "operands-swapped",
        "self",
    ),
    (
        "/",
        "self.grad += -out.data / other.data * out.grad\nother.grad += 1 / other.data * out.grad",
        "operands-swapped",
        "self",
    ),
    # the sign wrong
    ("+", "self.grad += out.grad\nother.grad -= out.grad", "wrong-sign", "other"),
    (
        "*",
        "self.grad += -other.data * out.grad\nother.grad += self.data * out.grad",
        "wrong-sign",
        "self",
    ),
    ("tanh", "self.grad += (out.data**2 - 1) * out.grad", "wrong-sign", "self"),
    ("exp", "self.grad -= out.data * out.grad", "wrong-sign", "self"),
    ("**3", "self.grad += -other * self.data**(other - 1) * out.grad", "wrong-sign", "self"),
    ("-", "self.grad += out.grad\nother.grad += out.grad", "wrong-sign", "other"),
    # self.data where out.data, and the reverse
    ("tanh", "t = self.data\nself.grad += (1 - t**2) * out.grad", "self-for-out", "self"),
    ("exp", "self.grad += self.data * out.grad", "self-for-out", "self"),
    (
        "*",
        "self.grad += other.data * out.grad\nother.grad += out.data * out.grad",
        "out-for-self",
        "other",
    ),
    ("**3", "self.grad += other * out.data**(other - 1) * out.grad", "out-for-self", "self"),
    # the power rule's exponent off by one
    ("**3", "self.grad += other * self.data**other * out.grad", "exponent-off-by-one", "self"),
    ("**3", "self.grad += 3 * self.data**1 * out.grad", "exponent-off-by-one", "self"),
    ("**2", "self.grad += 2 * out.grad", "exponent-off-by-one", "self"),
    # a missing operand
    ("*", "self.grad += other.data * out.grad", "missing-operand", "other"),
    ("+", "other.grad += out.grad", "missing-operand", "self"),
]


@pytest.mark.parametrize(("op", "text", "code", "owner"), CASES)
def test_each_mistake_gets_its_diagnosis_naming_the_operand(lesson, op, text, code, owner):
    q = question(lesson, op)
    result = grade(q, text)
    assert result.status == INCORRECT and result.diagnosis == code, result.feedback
    assert f"`{owner}.grad" in result.feedback
    # never the rule: no local derivative of the lecture's body is in the message
    for line in q.expected_answer.split("\n"):
        assert line.split("+= ")[-1] not in result.feedback


@pytest.mark.parametrize("op", ["+", "*", "tanh", "exp", "**3"])
def test_a_rule_right_at_these_numbers_only_is_caught_at_random_points(lesson, op):
    q = question(lesson, op)
    node = q.graph.nodes[q.node]
    local = op_of(node).op.local(tuple(x.data for x in node.inputs), node.data, node.param)
    lines = [
        f"{o}.grad += {d!r} * out.grad" for o, d in zip(("self", "other"), local, strict=False)
    ]
    text = "\n".join(lines)
    result = grade(q, text)
    if op == "+":  # the local derivative of + is 1 everywhere: this rule is right
        assert result.correct
        return
    assert result.diagnosis == "only-here", result.feedback
    assert "random points" in result.feedback


def test_the_generated_prompt_does_not_ask_to_set_the_gradient(lesson):
    """`=` is the lecture's bug (a node used twice loses a share): the prompt a lesson
    gets by default, like its hints, speaks of each operand's share, not of setting."""
    q = question(lesson, "+")
    assert "its share of the gradient" in q.prompt
    assert "set the gradient" not in q.prompt


def test_the_equals_bug_is_shown_with_the_node_used_twice_and_its_numbers(lesson):
    result = verdict(lesson, "+", "self.grad = out.grad\nother.grad = out.grad")
    assert "`b = a + a`" in result.feedback
    assert "a.grad = 1" in result.feedback and "backward() gives 2" in result.feedback
    unary = verdict(lesson, "tanh", "self.grad = (1 - out.data**2) * out.grad")
    assert "`b = tanh(a); c = b + a`" in unary.feedback


def test_a_body_that_cannot_be_computed_here_is_not_understood(lesson):
    result = verdict(lesson, "*", "self.grad += 1 / (other.data - other.data)\nother.grad += 1")
    assert result.status == NOT_UNDERSTOOD and "division by zero" in result.feedback


def test_a_refused_body_is_not_understood_with_its_caret(lesson):
    result = verdict(lesson, "*", "self.grad += other.data * out.grad\nother.grad += self * 2")
    assert result.status == NOT_UNDERSTOOD
    assert "line 2" in result.feedback
    assert result.caret == "other.grad += self * 2\n              ^"


@pytest.mark.parametrize("op", list(NODES))
def test_every_mutation_of_the_lectures_body_is_diagnosed_as_made(lesson, op):
    q = question(lesson, op)
    made = mutations(
        op_of(q.graph.nodes[q.node]).method,
        q.graph.nodes[q.node].param if op.startswith("**") else None,
    )
    assert made
    for code, text in made:
        result = grade(q, text)
        assert not result.correct and result.diagnosis is not None, (code, text)


def test_a_revealed_body_is_the_lectures_with_its_lines_on_one_line():
    from tutor.lesson.folder import load_course
    from tutor.paths import bundled_lessons
    from tutor.session import Session

    session = Session(load_course(bundled_lessons()).find("write-backward"))
    reveal = session.reveal(2)  # tanh
    assert reveal.answer == "t = out.data; self.grad += (1 - t**2) * out.grad"
    assert reveal.explanation[1:] == ["t = out.data", "self.grad += (1 - t**2) * out.grad"]


_SQUARE = "(self.data*self.data + 2*self.data*other.data + other.data*other.data + out.grad)"
_TANH_IDENTITY = (
    "(4/(math.exp({k}*self.data) + math.exp(-{k}*self.data))**2 - 1 + math.tanh({k}*self.data)**2)"
)


@pytest.mark.parametrize(
    ("op", "text", "status"),
    [
        # a true identity of exponentials: proved by cancelling, not by simplify's search
        (
            "tanh",
            "t = math.exp(2*self.data)\nself.grad += (1 - ((t - 1)/(t + 1))**2) * out.grad",
            CORRECT,
        ),
        (
            "tanh",
            "self.grad += (1 - out.data**2) * out.grad + "
            + " + ".join(_TANH_IDENTITY.format(k=k) for k in (1, 50, 99)),
            CORRECT,
        ),
        # too many exponentials, or too many terms multiplied out: not proved, and said so
        (
            "tanh",
            "self.grad += (1 - out.data**2) * out.grad + "
            + " + ".join(_TANH_IDENTITY.format(k=k) for k in range(1, 8)),
            NOT_UNDERSTOOD,
        ),
        (
            "*",
            f"self.grad += other.data * out.grad + {_SQUARE}**50 - {_SQUARE}**25 * {_SQUARE}**25"
            "\nother.grad += self.data * out.grad",
            INCORRECT,
        ),
    ],
)
def test_a_hostile_identity_is_decided_or_refused_at_once(lesson, op, text, status):
    import time

    q = question(lesson, op)
    grade(q, q.expected_answer)  # the op's derivation built, as the app's warm-up does
    start = time.perf_counter()
    result = grade(q, text)
    assert time.perf_counter() - start < 5, "a hang guard: it takes well under a second"
    assert result.status == status, result.feedback


def test_deriving_the_local_derivatives_helps_and_reveals_nothing():
    # the hints point at ctrl+l: the derivation of either edge of `xw = x * w` is free
    from tutor.lesson.folder import load_course
    from tutor.paths import bundled_lessons
    from tutor.session import Session

    session = Session(load_course(bundled_lessons()).find("write-backward"))
    session.goto_question(1)
    assert session.question().edges == [("xw", "x"), ("xw", "w")]
    for node, wrt in session.question().edges:
        assert not session.derivation_reveals(node, wrt)


_READS = ["self.data", "other.data", "out.data", "out.grad", "self.grad", "2", "0.5", "t"]


def _bodies():
    from hypothesis import strategies as st

    leaf = st.sampled_from(_READS)
    expr = st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.integers(-2, 3)).map(lambda t: f"{t[0]}**{t[1]}"),
            st.tuples(st.sampled_from(["exp", "tanh", "log"]), inner).map(
                lambda t: f"math.{t[0]}({t[1]})"
            ),
        ),
        max_leaves=6,
    )
    line = st.tuples(
        st.sampled_from(["self.grad", "other.grad"]), st.sampled_from(["+=", "-=", "="]), expr
    ).map(" ".join)
    return st.lists(line, min_size=1, max_size=3).map(lambda ls: "\n".join(["t = out.data", *ls]))


@pytest.mark.parametrize("op", ["*", "tanh"])
def test_any_body_gets_a_verdict_never_an_error(lesson, op):
    from hypothesis import given, settings

    q = question(lesson, op)

    @settings(max_examples=60)
    @given(_bodies())
    def check(text):
        result = grade(q, text)
        assert result.status in (CORRECT, INCORRECT, NOT_UNDERSTOOD)
        assert result.feedback
        if result.status == INCORRECT:
            assert result.diagnosis is not None

    check()
