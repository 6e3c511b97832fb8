"""Tree → SymPy, the lesson functions as SymPy functions, and how expressions print."""

from __future__ import annotations

import pytest
import sympy

from tutor.expr import parse
from tutor.symbolic import relu, show, sigmoid, symbol, to_sympy, unicode
from tutor.symbolic.steps import substitute

x = symbol("x")


def test_names_become_real_symbols_or_the_given_ones():
    o = sympy.Symbol("o", positive=True)
    assert to_sympy(parse("1 - o**2")) == 1 - symbol("o") ** 2
    assert to_sympy(parse("1 - o**2"), {"o": o}) == 1 - o**2
    assert symbol("n").is_real


def test_numbers_stay_exact_decimals():
    converted = to_sympy(parse("0.1 + x*6.8813735870195432"))
    assert converted == sympy.Rational(1, 10) + sympy.Rational("6.8813735870195432") * x
    assert not converted.atoms(sympy.Float)


def test_every_operation_converts():
    text = "-x/2 + exp(x) - log(x) * tanh(x) + relu(x)**3 + sigmoid(x)**(1/2)"
    expected = (
        -x / 2 + sympy.exp(x) - sympy.log(x) * sympy.tanh(x) + relu(x) ** 3 + sympy.sqrt(sigmoid(x))
    )
    assert to_sympy(parse(text)) == expected


def test_relu_and_sigmoid_differentiate_and_evaluate():
    assert sympy.diff(sigmoid(x), x) == sigmoid(x) * (1 - sigmoid(x))
    assert [sympy.diff(relu(x), x).subs(x, v) for v in (-1, 0, 2)] == [0, 0, 1]
    assert relu(sympy.Integer(-2)) == 0 and relu(sympy.Rational(3, 2)) == sympy.Rational(3, 2)
    assert sigmoid(0) == sympy.Rational(1, 2)
    assert float(sigmoid(sympy.Rational(1, 2))) == pytest.approx(0.6224593312018546)
    assert float(relu(sympy.tanh(sympy.Rational(1, 3)) - 1)) == 0.0


def test_show_keeps_the_order_built_and_brackets_once():
    h = sympy.Symbol("h")
    shifted = sympy.Add(x, h, evaluate=False)
    over_h = sympy.Mul(
        sympy.Add(x, sympy.Mul(-1, shifted, evaluate=False), evaluate=False),
        sympy.Pow(sympy.Mul(h, shifted, evaluate=False), -1, evaluate=False),
        evaluate=False,
    )
    assert show(over_h) == "(x - (x + h))/(h*(x + h))"
    assert show(-x / symbol("y") ** 2) == "-x/y**2"
    assert show(sympy.Ne(x, 0)) == "x != 0"


def test_unicode_dresses_a_line_for_the_terminal():
    assert unicode("1 - tanh(x)**2*y**(-1) != x**r") == "1 − tanh(x)²·y⁻¹ ≠ x^r"
    assert unicode("exp(-x) - 1") == "exp(−x) − 1"
    assert unicode("--at x=-1: one-sided") == "--at x=−1: one-sided"


def test_substitute_keeps_the_shape_and_works_out_numbers():
    h, y = sympy.Symbol("h"), symbol("y")
    quotient = sympy.Mul(sympy.Mul(h, y), sympy.Pow(h, -1, evaluate=False), evaluate=False)
    assert show(substitute(quotient, {y: symbol("b")})) == "h*b/h"
    r = sympy.Symbol("r")
    power = sympy.Pow(x, sympy.Add(r, -1, evaluate=False), evaluate=False)
    assert show(substitute(power, {r: sympy.Integer(-1)})) == "x**(-2)"
