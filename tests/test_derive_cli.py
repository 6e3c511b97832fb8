"""`tutor derive`: the steps, the chain rule, the value, --json, and bad input."""

from __future__ import annotations

import io
import json
import math

import pytest
import sympy

from tutor.expr import names, parse
from tutor.symbolic import chain_rule, derive_main, format_derivation, symbol, to_sympy, unicode


def derive(expr: str, wrt: str, *at: str, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = derive_main(expr, wrt, list(at), as_json, out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_product_shows_the_lecture_working():
    code, out, err = derive("x*y", "x")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "d(x·y)/dx, from the definition of the derivative:"
    assert " 1. lim[h→0] ((x + h)·y − x·y)/h" in out
    assert " 3. lim[h→0] y·h/h" in out
    assert out.rstrip().endswith("d(x·y)/dx = y")


def test_tanh_at_the_lecture_value():
    code, out, _ = derive("tanh(n)", "n", "n=0.8813735870195432")
    assert code == 0
    assert "tanh(h)/h → 1 (a standard limit)" in out
    assert "d tanh(n)/dn = 1 − tanh(n)²" in out
    assert out.rstrip().endswith("at n = 0.8813735870195432: d tanh(n)/dn ≈ 0.5")


def test_a_sum_routes_the_gradient():
    code, out, _ = derive("c + e", "c")
    assert code == 0
    assert " 2. lim[h→0] (c + e + h − c − e)/h" in out
    assert out.rstrip().endswith("d(c + e)/dc = 1")


@pytest.mark.parametrize(
    ("expr", "wrt", "definition"),
    [
        ("c + e", "c", "(f(c + h) − f(c))/h as h → 0, where f(c) = c + e"),
        (
            "top/bottom",
            "bottom",
            "(f(bottom + h) − f(bottom))/h as h → 0, where f(bottom) = top/bottom",
        ),
        ("3*x**2", "x", "(f(x² + h) − f(x²))/h as h → 0, where f(x²) = 3·x²"),
        ("3*x**2", "x", "(f(x + h) − f(x))/h as h → 0, where f(x) = x²"),
        ("f*g", "f", "(F(f + h) − F(f))/h as h → 0, where F(f) = f·g"),
        ("x*x", "x", "(f(x + h) − f(x))/h as h → 0, where f(t) = x·t"),
    ],
)
def test_the_definition_names_the_function_and_the_input_that_moves(expr, wrt, definition):
    code, out, _ = derive(expr, wrt)
    assert code == 0
    assert f"the derivative is the limit of the difference quotient {definition}" in out


def test_the_steps_are_the_shared_formatter_s_lines():
    code, out, _ = derive("top/bottom", "bottom")
    cases = chain_rule(parse("top/bottom"), "bottom").links[0].cases
    steps = [unicode(line) for line in format_derivation(cases)]
    assert code == 0 and len(steps) == 2 * len(cases[0].steps)
    assert out.splitlines()[2 : 2 + len(steps)] == steps
    assert steps[0] == " 1. lim[h→0] (top/(bottom + h) − top/bottom)/h"
    assert steps[1].startswith("      start from the definition: ")


def test_a_subtracted_sum_keeps_its_brackets():
    code, out, _ = derive("a + a", "a")
    assert code == 0
    assert "   1. lim[h→0] (a + h + a − (a + a))/h" in out
    assert "   1. lim[h→0] (a + a + h − (a + a))/h" in out
    code, out, _ = derive("-x", "x")
    assert "1. lim[h→0] (−(x + h) − (−x))/h" in out


def test_relu_at_zero_explains_the_missing_limit():
    code, out, _ = derive("relu(x)", "x", "x=0")
    assert code == 0
    assert "the two-sided limit does not exist" in out
    assert "the engine, like micrograd, uses 0 there" in out
    lines = [line.strip() for line in out.splitlines()]
    assert "4. no limit: the engine uses 0 by convention" in lines
    assert "4. 0" not in lines, "the limit that does not exist is never shown as 0"
    assert not any(line.endswith("d relu(x)/dx = 0") for line in lines)
    assert lines[-1] == (
        "at x = 0: no derivative, d relu(x)/dx does not exist (the limit has no value); "
        "the engine uses 0 by convention"
    )


@pytest.mark.parametrize(("at", "case", "value"), [("x=2", "x > 0", 1), ("x=-1", "x < 0", 0)])
def test_relu_away_from_zero_says_where_its_derivative_holds(at, case, value):
    code, out, _ = derive("relu(x)", "x", at)
    assert code == 0
    lines = out.splitlines()
    assert f"for {case}: d relu(x)/dx = {value}" in lines
    assert f"d relu(x)/dx = {value}" not in lines, "not as if it held everywhere"
    assert lines[-1].endswith(f": d relu(x)/dx = {value}")


def test_relu_in_a_chain_at_its_kink_gives_the_convention_not_a_derivative():
    code, out, _ = derive("relu(x*w)", "w", "x=0", "w=1")
    assert code == 0
    last = out.rstrip().splitlines()[-1]
    assert "no derivative d relu(x·w)/d(x·w) (x·w = 0)" in last
    assert "with the engine's convention there (0)" in last


def test_relu_without_a_value_says_it_has_no_derivative_at_zero():
    code, out, _ = derive("relu(x)", "x")
    assert code == 0
    assert (
        "where x = 0, d relu(x)/dx does not exist: the engine uses 0 there by convention"
        in out.splitlines()
    )


def test_relu_without_a_value_shows_every_case():
    code, out, _ = derive("relu(x)", "x")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("When")] == [
        "When x > 0:",
        "When x < 0:",
        "When x = 0:",
    ]


def test_cases_are_laid_out_under_their_conditions():
    cases = chain_rule(parse("relu(x)"), "x").links[0].cases
    lines = format_derivation(cases, indent="  ")
    assert lines[:4] == [
        "  It depends on the value of x.",
        "  When x > 0:",
        "     1. lim[h→0] (relu(x + h) - relu(x))/h",
        "          start from the definition: the derivative is the limit of the difference "
        "quotient (f(x + h) - f(x))/h as h → 0, where f(x) = relu(x)",
    ]
    assert sum(line.startswith("  When ") for line in lines) == 3
    assert len(lines) == 1 + len(cases) + 2 * sum(len(case.steps) for case in cases)


def test_several_operations_show_the_chain_rule_and_each_derivation():
    code, out, _ = derive("tanh(x*w + b)", "w", "x=2", "w=-3", "b=6.8813735870195432")
    assert code == 0
    chain = "d tanh(x·w + b)/dw = d tanh(x·w + b)/d(x·w + b) · d(x·w + b)/d(x·w) · d(x·w)/dw"
    assert chain in out
    for op in ("tanh", "add", "mul"):
        assert f"the local derivative of {op}:" in out
    assert "d tanh(x·w + b)/dw = (1 − tanh(x·w + b)²)·1·x" in out
    assert out.rstrip().endswith("d tanh(x·w + b)/dw ≈ 1")


def test_a_name_used_twice_adds_the_paths():
    code, out, _ = derive("x*x", "x", "x=3")
    assert code == 0
    assert "d(x·x)/dx = d(x·x)/dx (input 1) + d(x·x)/dx (input 2)" in out
    assert out.rstrip().endswith("at x = 3: d(x·x)/dx = 6")


def test_json_has_exactly_the_promised_fields():
    code, out, _ = derive("x*y", "x", "y=-3", as_json=True)
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["expr", "wrt", "steps", "result", "value", "exists"]
    assert data["wrt"] == "x" and data["result"] == "y" and data["value"] == -3.0
    assert data["exists"] is True
    assert data["steps"][0] == {
        "expr": "lim[h→0] ((x + h)*y - x*y)/h",
        "why": "start from the definition: the derivative is the limit of the difference "
        "quotient (f(x + h) - f(x))/h as h → 0, where f(x) = x*y",
    }
    assert all(set(step) == {"expr", "why"} for step in data["steps"])


def test_json_at_relus_kink_says_there_is_no_derivative():
    # A script reading `value` must not take the engine's convention for a derivative.
    code, out, _ = derive("relu(x)", "x", "x=0", as_json=True)
    data = json.loads(out)
    assert code == 0
    assert data["exists"] is False and data["value"] is None and data["convention"] == 0.0
    code, out, _ = derive("relu(x)", "x", "x=2", as_json=True)
    data = json.loads(out)
    assert data["exists"] is True and data["value"] == 1.0 and "convention" not in data


def test_json_for_a_chain_ends_with_the_chain_rule_and_no_value_without_at():
    code, out, _ = derive("exp(2*x)", "x", as_json=True)
    data = json.loads(out)
    assert code == 0 and data["value"] is None
    assert data["steps"][-1]["expr"] == "exp(2*x)*2"
    assert data["steps"][-1]["why"].startswith("the chain rule")
    assert data["result"] == "2*exp(2*x)"


@pytest.mark.parametrize(
    ("expr", "wrt", "at", "message"),
    [
        ("x*y", "z", [], "tutor derive: --wrt z: z is not in x · y"),
        ("x*y", "x", ["y"], "tutor derive: --at y: write NAME=NUMBER, such as x=0.5"),
        ("x*y", "x", ["y=abc"], "tutor derive: --at y=abc: abc is not a number"),
        ("x*y", "x", ["y=1/0"], "tutor derive: --at y=1/0: `1/0` divides by zero"),
        ("x*y", "x", ["q=1"], "tutor derive: --at q=1: q is not in the expression"),
        ("x*y", "x", ["y=1", "y=2"], "tutor derive: --at y=2: y is given twice"),
        (
            "tanh(x*w)",
            "w",
            ["w=1"],
            "tutor derive: --at: the derivative depends on x too: give a value",
        ),
        (
            "log(x - 1)",
            "x",
            ["x=0.5"],
            "tutor derive: log(x − 1): the derivative of log needs x − 1 > 0, but x = 1/2",
        ),
        (
            "x/y",
            "y",
            ["x=1", "y=0"],
            "tutor derive: x/y: the derivative of div needs y ≠ 0, but y = 0",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(expr, wrt, at, message):
    code, out, err = derive(expr, wrt, *at)
    assert (code, out) == (2, "")
    assert err == message + "\n"


def test_text_that_does_not_parse_says_where():
    code, out, err = derive("x*", "x")
    assert (code, out) == (2, "")
    assert err.startswith("tutor derive: ") and err.endswith(" (at column 3)\n")
    assert err.count("\n") == 1


def test_the_variable_alone_has_derivative_one():
    assert derive("x", "x", "x=2")[1] == "dx/dx = 1\nat x = 2: dx/dx = 1\n"
    data = json.loads(derive("x", "x", as_json=True)[1])
    assert (data["steps"], data["result"], data["value"]) == ([], "1", None)


@pytest.mark.parametrize(
    ("text", "wrt"),
    [
        ("tanh(x*w + b)", "w"),
        ("x*x", "x"),
        ("(x*x + 1)**2", "x"),
        ("sigmoid(x)/exp(x) - w", "x"),
        ("log(x)*x - x", "x"),
        ("x**0.5 * x**-2", "x"),
        ("relu(x*w)*x", "x"),
    ],
)
def test_the_chain_rule_over_paths_equals_diff(text, wrt):
    tree = parse(text)
    point = {symbol("x"): sympy.Rational(7, 10), symbol("w"): sympy.Rational(-3, 10)}
    point[symbol("b")] = sympy.Rational(1, 5)
    values = {str(k): v for k, v in point.items() if str(k) in names(tree)}
    by_chain = chain_rule(tree, wrt, values).result.xreplace(point)
    by_diff = sympy.diff(to_sympy(tree), symbol(wrt)).xreplace(point)
    assert float(by_chain) == pytest.approx(float(by_diff), rel=1e-12)


@pytest.mark.parametrize(
    ("expr", "at", "value"),
    [
        ("exp(a)*exp(a)", ["a=0.5"], 2 * math.e),
        ("exp(a)/(exp(a) + exp(b))", ["a=0.5", "b=0.5"], 0.25),
    ],
)
def test_a_sub_expression_on_several_paths_is_named_on_each(expr, at, value):
    # `exp(a)` is on two paths: each path's link is named (a KeyError before).
    code, out, err = derive(expr, "a", *at)
    assert (code, err) == (0, "")
    chain = out.split("\n\n")[1]  # the chain rule: one product per path
    assert chain.count("d exp(a)/da") == 2
    assert float(out.rstrip().rsplit(" ", 1)[1]) == pytest.approx(value, rel=1e-9)


def test_an_expression_that_starts_with_minus_needs_no_double_dash(capsys):
    from tutor.cli import main

    assert main(["derive", "-a*b", "--wrt", "a", "--at", "a=2", "--at", "b=3"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("d(−a·b)/da, by the chain rule")
    assert main(["derive", "--wrt", "a", "-tanh(a)"]) == 0
    assert capsys.readouterr().out.startswith("d(−tanh(a))/da")
