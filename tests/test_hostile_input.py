"""Hostile text for the parser and the line locator: refused or read, always at once.

The time guards are generous (seconds where the work takes microseconds): they
only catch a hang, such as a literal turned into a billion-digit fraction or a
regular expression that backtracks. Speed itself is measured in bench/.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from fractions import Fraction

import pytest

from tutor.expr import ExprError, ScriptError, parse, parse_constant, parse_script
from tutor.lesson.locate import KeyLines


@contextmanager
def within(seconds: float):
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.1f} s (a hang guard of {seconds} s)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1e999999999", "too large a number"),
        ("-1e999999999", "too large a number"),
        ("1e20000000", "too large a number"),
        ("1e-999999999", "too small a number"),
        ("x**1e999999999", "too large a number"),
        ("1" * 400, "too large a number"),
        ("0." + "1" * 400, "too many digits"),
        ("1" * 999, "too large a number"),
    ],
)
def test_huge_literals_are_refused_before_any_arithmetic(text, message):
    with within(2), pytest.raises(ExprError, match=message):
        parse(text, names=["x"])


def test_literals_at_the_bounds_are_exact():
    assert parse("1e300").value == Fraction(10) ** 300
    assert parse("1e-300").value == Fraction(1, 10**300)
    assert parse("0e999999999").value == 0
    assert parse("1_000.5").value == Fraction(2001, 2)


def test_a_400_digit_literal_in_a_graph_is_an_error_on_its_line():
    script = "a = 2\nb = " + "9" * 400 + "\nc = a * b\n"
    with within(2), pytest.raises(ScriptError) as info:
        parse_script(script)
    (error,) = info.value.errors
    assert error.line == 2 and "too large a number" in error.message


def test_an_exponent_out_of_range_says_its_range():
    with pytest.raises(ExprError, match=r"exponent -1074 is out of range: from -100 to 100"):
        parse("2**-1074")


def test_a_flat_sum_is_not_called_nesting():
    parse("+".join(["x"] * 40), names=["x"])
    with pytest.raises(ExprError, match="too many terms in a row: at most 40") as info:
        parse("+".join(["x"] * 42), names=["x"])
    assert "nested" not in str(info.value)
    # A parenthesised sum inside a product is nesting, not more terms of one chain.
    sum39 = "(" + "+".join(["x"] * 39) + ")"
    parse(f"{sum39} * 2 + {sum39} * 3 + x", names=["x"])


def test_nested_powers_that_multiply_out_huge_are_refused():
    parse("(x**100)**100", names=["x"])
    with within(2), pytest.raises(ExprError, match="powers multiply out too large"):
        parse("((((x**100)**100)**100)**100)", names=["x"])


@pytest.mark.parametrize(
    ("text", "value"), [("1/3", Fraction(1, 3)), ("-2**-3", Fraction(-1, 8)), ("0.5", 0.5)]
)
def test_constant_expressions_are_exact_numbers(text, value):
    assert parse_constant(text) == value


@pytest.mark.parametrize("text", ["x", "tanh(1)", "1e999999999", "1/0"])
def test_what_is_not_an_exact_number_is_refused(text):
    with within(2), pytest.raises(ExprError):
        parse_constant(text)


@pytest.mark.parametrize("spaces", [4_000, 20_000, 200_000])
def test_a_header_full_of_spaces_is_located_in_linear_time(spaces):
    source = "format = 1\n[vary" + " " * spaces + "]\na = { min = 1, max = 2 }\n"
    with within(2):
        lines = KeyLines(source)
    assert lines.of_vary("a") == 3


def test_keys_are_located_past_lines_python_would_split():
    # U+2028, U+0085 and a form feed inside a string are not line ends in TOML.
    source = 'format = 1\ntitle = "a\u2028b\u0085c\x0cd"\nid = "x"\n'
    assert KeyLines(source).of_top("id") == 3


@pytest.mark.parametrize(
    ("text", "col", "name"),
    [
        ("\u202e-2", 0, "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("-2\u200f", 2, "U+200F (RIGHT-TO-LEFT MARK)"),
        ("\u2066-2\u2069", 0, "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
        ("-\u061c2", 1, "U+061C (ARABIC LETTER MARK)"),
        ("a *\u200b b", 3, "U+200B (ZERO WIDTH SPACE)"),
        ("\x1b[2J", 0, "U+001B (control character)"),
    ],
)
def test_an_invisible_character_in_an_answer_is_named_at_its_column(text, col, name):
    # Pasted with an answer, it shows as nothing: "not an expression" would puzzle
    # a student who sees `-2`, and an RLM shows `-2` as `2-` where text is reordered.
    with pytest.raises(ExprError) as info:
        parse(text, names=["a", "b"])
    assert str(info.value).startswith(f"an invisible character, {name}, is in the text")
    assert info.value.col == col


def test_the_caret_points_at_an_invisible_character_shown_escaped():
    with pytest.raises(ExprError) as info:
        parse("-2 + \u202e3")
    assert info.value.caret() == "-2 + \\u202e3\n     ^"
    with pytest.raises(ExprError) as info:
        parse("\x1b[2J + 2f")
    assert info.value.caret() == "\\x1b[2J + 2f\n^"


def test_tabs_and_letters_of_any_script_are_not_invisible():
    assert parse("2\t*\ta", names=["a"]) is not None
    with pytest.raises(ExprError) as info:
        parse("\u05d0 + 1", names=["a"])  # a Hebrew letter: a name, not a hidden character
    assert "invisible" not in str(info.value)


# -- `_backward` bodies (`tutor.expr.backward`): read, never run ---------------------------

_DEEP = "self.grad += " + "(" * 60 + "out.grad" + ")" * 60
_CHAINED = "t0 = out.data\n" + "\n".join(f"t{i} = t{i - 1} * t{i - 1}" for i in range(1, 11))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_DEEP, "too deeply nested"),
        ("self.grad += " + "-" * 5000 + "out.grad", "too long"),
        ("self.grad += out.grad ** 9**9**9", "out of range"),
        ("self.grad += out.grad ** (10**400)", "out of range"),
        ("self.grad += out.grad ** (2**60 * 2**60)", "out of range"),
        ("self.grad += 1e999999999 * out.grad", "too large a number"),
        ("self.grad += __import__('os').system('true')", "calling this is not allowed"),
        ("__import__('os')", "calling this is not allowed"),
        ("self.grad += self.data.__class__.__mro__", "only self.data"),
        ("self.grad += out.__dict__", "only self.data"),
        ("self.grad += math.__loader__", "only self.data"),
        ("self.grad += (lambda: 0)()", "calling this is not allowed"),
        ("self.grad += [x for x in ()]", "not allowed"),
        ("x" * 100_000, "too long"),
        ("self.grad += 1\n" * 5_000, "too long"),
        (_CHAINED + "\nself.grad += t10", "too long once the temporaries"),
        ("self.grad += out.grad\u202e", "invisible character"),
        ("open('/tmp/tutor-pwned', 'w')", "calling this is not allowed"),
    ],
)
def test_hostile_backward_bodies_are_refused_at_once(text, message):
    from tutor.expr.backward import parse_backward

    with within(2), pytest.raises(ExprError, match=message):
        parse_backward(text, binary=True)


def test_a_backward_body_is_never_run(tmp_path, monkeypatch):
    # Were the text run, it would write the file; read, it is refused.
    from tutor.expr.backward import parse_backward

    target = tmp_path / "pwned"
    monkeypatch.chdir(tmp_path)
    for text in (
        f"self.grad += open({str(target)!r}, 'w').write('x')",
        f"t = open({str(target)!r}, 'w')\nself.grad += 1",
        f"def _backward():\n    open({str(target)!r}, 'w')",
    ):
        with pytest.raises(ExprError):
            parse_backward(text, binary=True)
    assert not target.exists()
