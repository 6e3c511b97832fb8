"""The `_backward` body reader (`tutor.expr.backward`): what the lecture writes is read,
anything else is refused with its line and a caret, and nothing is run."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.expr import BinOp, ExprError, Name, Num, Pow
from tutor.expr.backward import READS, parse_backward, reads


def test_the_lectures_mul_rule_is_two_statements():
    rule = parse_backward(
        "self.grad += other.data * out.grad\nother.grad += self.data * out.grad", binary=True
    )
    assert [(s.target, s.op, s.line) for s in rule.statements] == [
        ("self", "+=", 1),
        ("other", "+=", 2),
    ]
    assert rule.statements[0].expr == BinOp("*", Name("other.data"), Name("out.grad"))


def test_temporaries_are_put_in_where_they_are_used():
    rule = parse_backward("    t = out.data\n    self.grad += (1 - t**2) * out.grad", binary=False)
    (statement,) = rule.statements
    assert statement.line == 2
    assert reads(rule) == {"out.data", "out.grad"}


def test_other_is_the_exponent_of_a_power():
    rule = parse_backward(
        "self.grad += other * (self.data ** (other - 1)) * out.grad",
        binary=False,
        exponent=Fraction(3),
    )
    expr = rule.statements[0].expr
    assert expr.left.left == Num(Fraction(3), "3")
    assert expr.left.right == Pow(Name("self.data"), Fraction(2))


def test_the_whole_closure_may_be_pasted_and_the_placeholder_is_skipped():
    rule = parse_backward(
        "def _backward():\n    ...\n    self.grad = out.grad\n    other.grad -= out.grad",
        binary=True,
    )
    assert [(s.target, s.op) for s in rule.statements] == [("self", "="), ("other", "-=")]


@pytest.mark.parametrize(
    ("text", "kw", "message", "line", "col"),
    [
        ("self.grad += other.data", {"binary": False}, "there is no `other`", 1, 13),
        ("other.grad += 1", {"binary": False, "exponent": Fraction(2)}, "exponent", 1, 0),
        ("self.grad += other.data", {"binary": False, "exponent": Fraction(2)}, "exponent", 1, 13),
        ("self.grad += other", {"binary": True}, "write `other.data`", 1, 13),
        ("self.grad += tanh(self.data)", {"binary": False}, "math.tanh", 1, 13),
        ("self.grad += t\nt = 1", {"binary": False}, "unknown name `t`", 1, 13),
        ("t = 1\nt = 2\nself.grad += t", {"binary": False}, "assigned twice", 2, 0),
        ("out.grad += 1", {"binary": False}, "operands", 1, 0),
        ("self.data += 1", {"binary": False}, "forward value", 1, 0),
        ("self.grad *= 2", {"binary": False}, "added to", 1, 0),
        ("self.grad += 2 ^ 3", {"binary": False}, "`**`", 1, 13),
        ("self.grad += out.data if 1 else 0", {"binary": False}, "`if ... else`", 1, 13),
        ("self.grad += 1\n  self.grad += 2", {"binary": False}, "line up", 2, 2),
        ("self.grad +=", {"binary": False}, "ends too early", 1, 12),
        ("import os", {"binary": False}, "not allowed", 1, 0),
        ("self.grad += 1 # fine\nfor i in x: pass", {"binary": False}, "not allowed", 2, 0),
        ("x = 1", {"binary": False}, "no gradient is set", None, None),
        ("", {"binary": False}, "nothing to read", None, None),
    ],
)
def test_what_is_not_allowed_is_named_at_its_line_and_column(text, kw, message, line, col):
    with pytest.raises(ExprError, match=re.escape(message)) as info:
        parse_backward(text, **kw)
    error = info.value
    assert (error.line, error.col) == (line, col)
    if line is not None:
        assert error.caret().split("\n")[0] == text.split("\n")[line - 1]


# -- properties -------------------------------------------------------------------------

_ATOMS = st.sampled_from(["self.data", "other.data", "out.data", "out.grad", "2", "0.5", "t"])


def _expressions():
    return st.recursive(
        _ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.integers(-3, 3)).map(lambda t: f"{t[0]}**{t[1]}"),
            st.tuples(st.sampled_from(["exp", "tanh", "log"]), inner).map(
                lambda t: f"math.{t[0]}({t[1]})"
            ),
            inner.map(lambda x: f"-{x}"),
        ),
        max_leaves=8,
    )


_STATEMENT = st.tuples(
    st.sampled_from(["self.grad", "other.grad"]), st.sampled_from(["+=", "-=", "="]), _expressions()
)


@given(st.lists(_STATEMENT, min_size=1, max_size=5), st.booleans())
def test_a_body_of_allowed_statements_is_read_with_each_line(statements, indented):
    lines = ["t = out.data"] + [f"{target} {op} {expr}" for target, op, expr in statements]
    pad = "    " if indented else ""
    rule = parse_backward("\n".join(pad + line for line in lines), binary=True)
    assert [(s.target + ".grad", s.op) for s in rule.statements] == [
        (target, op) for target, op, _ in statements
    ]
    assert [s.line for s in rule.statements] == list(range(2, len(lines) + 1))
    assert reads(rule) <= set(READS)


_ALPHABET = st.sampled_from(
    [*"selfothrdag.+-*/()=^ \n\t0123456789_[]'\":;,", "self", "other", "out", "math", "**", "+="]
)


@settings(max_examples=300)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.booleans())
def test_any_text_is_read_or_refused_with_a_message(text, binary):
    try:
        rule = parse_backward(text, binary=binary)
    except ExprError as error:
        assert error.message
        if error.col is not None:
            caret = error.caret().split("\n")
            assert len(caret) == 2 and caret[1].endswith("^")
    else:
        assert rule.statements
        assert reads(rule) <= set(READS)
