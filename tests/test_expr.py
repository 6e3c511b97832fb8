"""The safe parser: what it accepts, what it refuses, and how it says so."""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.engine.ops import BINARY, FUNCTIONS, OPS
from tutor.expr import (
    BinOp,
    Call,
    ExprError,
    Name,
    Neg,
    Num,
    Pow,
    ScriptError,
    names,
    parse,
    parse_script,
    to_text,
)
from tutor.expr.nodes import operation

NODES = ["a", "b", "c", "d", "e", "f", "L"]


def error_of(text: str, allowed=NODES) -> ExprError:
    with pytest.raises(ExprError) as info:
        parse(text, allowed)
    return info.value


class TestAccepts:
    def test_numbers_are_exact_decimals(self):
        num = parse("6.8813735870195432")
        assert num == Num(Fraction("6.8813735870195432"), "6.8813735870195432")
        assert float(num) == 6.8813735870195432

    def test_negative_number_is_one_literal(self):
        assert parse("-3.0") == Num(Fraction(-3), "-3.0")

    def test_precedence_and_associativity(self):
        tree = parse("a + b * c - d / e", NODES)
        assert tree == BinOp(
            "-",
            BinOp("+", Name("a"), BinOp("*", Name("b"), Name("c"))),
            BinOp("/", Name("d"), Name("e")),
        )

    def test_caret_means_power(self):
        assert parse("1 - o^2", ["o"]) == parse("1 - o**2", ["o"])
        assert parse("o^2", ["o"]) == Pow(Name("o"), Fraction(2))

    def test_constant_exponent_is_folded_exactly(self):
        assert parse("x**(1/2)", ["x"]) == Pow(Name("x"), Fraction(1, 2))
        assert parse("x**-1", ["x"]) == Pow(Name("x"), Fraction(-1))
        assert parse("x**0.5", ["x"]) == Pow(Name("x"), Fraction(1, 2))

    def test_functions(self):
        assert parse("tanh(n)", ["n"]) == Call("tanh", Name("n"))
        assert parse("-exp(2*n)", ["n"]) == Neg(Call("exp", BinOp("*", Num(2, "2"), Name("n"))))

    def test_unicode_operators_from_notes(self):
        assert parse("−2 × a ÷ b", ["a", "b"]) == parse("-2 * a / b", ["a", "b"])

    def test_surrounding_space_and_unary_plus(self):
        assert parse("  +a  ", ["a"]) == Name("a")

    def test_any_name_when_names_is_none(self):
        assert names(parse("x*w + b")) == ["x", "w", "b"]

    @pytest.mark.parametrize(
        "text", ["1 - o**2", "a - (b - c)", "(a + b) * c", "-(a*b)", "x**(1/2)", "(-2)**3", "a/b/c"]
    )
    def test_to_text_round_trips(self, text):
        tree = parse(text)
        assert parse(to_text(tree)) == tree


class TestRefuses:
    @pytest.mark.parametrize(
        ("text", "message", "col"),
        [
            ("2a", "`2a`: write `2*a`", 0),
            ("3 + 2f", "`2f`: write `2*f`", 4),
            ("a.b", "`a.b`: a dot (attribute access) is not allowed", 0),
            ("q", "unknown name `q`; the names here are a, b, c, d, e, f, L", 0),
            ("a b", "`a b`: write `a*b` for a product", 2),
            ("2(a+b)", "`2(...)`: write `2*(...)` for a product", 0),
            ("a(b)", "`a` is not a function; write `a*(...)`", 0),
            ("tanh", "`tanh` is a function: write `tanh(...)`", 0),
            ("tanh(a, b)", "`tanh` takes exactly one argument", 0),
            ("a +", "the expression ends too early", 3),
            ("(a", "a `(` is never closed", 0),
            ("a // b", "`//` is not allowed: use `/`", 2),
            ("1/0", "divides by zero", 0),
            ("a == b", "a comparison is not allowed", 0),
            ("a = 3", "`=` is not allowed here", 2),
            ("", "nothing to read", None),
            ("a**b", "an exponent must be a number", 3),
            ("log(-1)", "`log(-1)` cannot be computed: log of a non-positive number (-1)", 0),
        ],
    )
    def test_message_and_column(self, text, message, col):
        error = error_of(text)
        assert message in str(error)
        assert error.col == col

    def test_caret_points_at_the_problem(self):
        assert error_of("3 + 2f").caret() == "3 + 2f\n    ^"

    @pytest.mark.parametrize(
        "attack",
        [
            "__import__('os').system('echo pwned')",
            "().__class__.__base__.__subclasses__()",
            "open('/etc/passwd').read()",
            "exec('import os')",
            "eval('1+1')",
            "lambda: 0",
            "[x for x in ()]",
            "{x: 1 for x in ()}",
            "(x := 1)",
            "a.__class__.__mro__",
            "getattr(a, 'b')",
            "globals()",
            "b'bytes'",
            "f'{a}'",
            "a[0]",
            "*a",
            "a if b else c",
            "not a",
            "a and b",
            "[1, 2]",
            "{1}",
            "1, 2",
            "...",
            "None",
            "True",
            "1j",
        ],
    )
    def test_injection_attempts_are_refused_clearly(self, attack):
        error = error_of(attack, ["a", "b", "c", "x"])
        assert error.message
        assert "Traceback" not in error.message

    @pytest.mark.parametrize(
        "bomb",
        [
            "9**9**9",
            "((9**9)**99)**99",
            "2**100**100",
            "10**99 * 10**99 * 10**99 * 10**99",
            "1e999",
            "exp(exp(exp(10)))",
            "(" * 1000 + "1" + ")" * 1000,
            "-" * 5000 + "1",
            "a" + "+a" * 2000,
            "1" * 100_000,
        ],
    )
    def test_denial_of_service_is_refused_quickly(self, bomb):
        start = time.perf_counter()
        error_of(bomb, ["a"])
        assert time.perf_counter() - start < 0.5

    def test_no_evaluation_happens(self, tmp_path, monkeypatch):
        marker = tmp_path / "marker"
        monkeypatch.chdir(tmp_path)
        error_of(f"__import__('pathlib').Path('{marker}').touch()")
        assert not marker.exists()


@pytest.mark.parametrize("func", FUNCTIONS)
def test_constants_are_folded_with_the_op_tables_forward_values(func):
    # f(0.5) minus the engine's own f(0.5) is folded to exactly zero, and dividing
    # by it is refused, only if the parser folds f with the engine's forward value.
    value = OPS[func].forward((0.5,), None)
    with pytest.raises(ExprError, match="divides by zero"):
        parse(f"1 / ({func}(0.5) - {value!r})")
    assert parse(f"1 / ({func}(0.5) - {value + 0.25!r})")


def test_a_constant_outside_a_functions_domain_says_what_the_engine_says():
    assert str(error_of("exp(1000)")) == "`exp(1000)` cannot be computed: exp(1000) overflows"


_ALPHABET = st.sampled_from([*"abcxo0123456789.+-*/^()e, _=[]'\"λ−×:;!@#$%&|<>{}\\", "**"])


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_fuzz_gives_a_tree_or_our_own_error(text):
    start = time.perf_counter()
    try:
        tree = parse(text, ["a", "b", "c", "x", "o", "e"])
    except ExprError as error:
        assert error.message
        assert error.col is None or 0 <= error.col <= len(text)
    else:
        assert parse(to_text(tree), ["a", "b", "c", "x", "o", "e"]) == tree
    assert time.perf_counter() - start < 0.5


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_fuzz_arbitrary_unicode(text):
    try:
        parse(text)
    except ExprError as error:
        assert error.message


class TestScript:
    def test_lecture_graph(self):
        script = parse_script(
            "a = 2.0\nb = -3.0\nc = 10.0  # a comment\n\n"
            "e = a * b\nd = e + c\nf = -2.0\nL = d * f\n"
        )
        assert [a.name for a in script] == ["a", "b", "c", "e", "d", "f", "L"]
        assert [a.is_leaf for a in script] == [True, True, True, False, False, True, False]
        assert script[1].value == -3
        assert script[3].line == 5

    def test_reports_every_bad_line_with_its_line_number(self):
        text = "a = 2\nc = a*q\nd = 2x\nf = g + 1\ng = 1\na = 3\ntanh = 1\nx y\ny = d + 1"
        with pytest.raises(ScriptError) as info:
            parse_script(text)
        got = [(e.line, e.message) for e in info.value.errors]
        assert got == [
            (2, "unknown name `q`; the names here are a"),
            (3, "`2x`: write `2*x`"),
            (4, "`g` is used before it is defined (on line 5)"),
            (6, "`a` is assigned twice (first on line 1)"),
            (7, "`tanh` is a function; pick another name for the node"),
            (8, "expected `NAME = EXPRESSION`"),
        ]
        # `y = d + 1` uses d, whose own line was reported: no second error for it.

    def test_error_column_is_within_the_line(self):
        with pytest.raises(ScriptError) as info:
            parse_script("a = 1\nbb = a + 2q")
        (error,) = info.value.errors
        assert error.caret() == "bb = a + 2q\n         ^"

    def test_a_name_defined_in_terms_of_itself(self):
        with pytest.raises(ScriptError) as info:
            parse_script("b = b\na = tanh(b)")
        assert [e.message for e in info.value.errors] == ["`b` is defined in terms of itself"]

    @pytest.mark.parametrize("text", ["", "# only a comment\n\n"])
    def test_empty_script(self, text):
        with pytest.raises(ScriptError, match="empty"):
            parse_script(text)

    def test_too_long(self):
        with pytest.raises(ScriptError, match="too long"):
            parse_script("\n".join(f"x{i} = {i}" for i in range(400)))


def test_every_op_of_the_engine_can_be_written_and_is_read_back_as_that_op():
    written = {"neg": "-a", "pow": "a**3"}
    written |= {op.name: f"a {sign} b" for sign, op in BINARY.items()}
    written |= {name: f"{name}(a)" for name in FUNCTIONS}
    assert set(written) == set(OPS)
    for name, text in written.items():
        op, operands, _ = operation(parse(text))
        assert op is OPS[name]
        assert len(operands) == op.arity


def test_an_unknown_name_among_hundreds_lists_a_few_and_counts_them():
    # a network's graph has hundreds of names: all of them pushed the feedback off screen
    names = [f"w{i}" for i in range(300)]
    with pytest.raises(ExprError) as info:
        parse("abc", names)
    message = str(info.value)
    assert "w0, w1," in message and "w11, … (300 in all)" in message
    assert "w12" not in message and len(message) < 200
