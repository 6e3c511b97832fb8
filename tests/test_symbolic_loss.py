"""The loss's local derivative, d/dy (y - t)**2 = 2*(y - t), from the limit definition."""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from tutor.engine import Value
from tutor.expr import parse
from tutor.symbolic import DerivationError, Kind, chain_rule, format_derivation, symbol
from tutor.symbolic.derivations import Y
from tutor.symbolic.loss import T, squared_error
from tutor.symbolic.verify import verify


def test_the_squared_errors_slope_is_twice_the_error():
    d = squared_error()
    assert sympy.expand(d.result - 2 * (Y - T)) == 0
    assert d.steps[0].kind is Kind.DEFINITION
    assert d.steps[-1].kind is Kind.LIMIT


def test_it_equals_the_chain_rule_over_sub_and_pow_and_diff():
    chain = chain_rule(parse("(y - t)**2"), "y")
    y, t = symbol("y"), symbol("t")
    assert sympy.expand(chain.result - 2 * (y - t)) == 0
    assert sympy.expand(sympy.diff((Y - T) ** 2, Y) - squared_error().result) == 0


def test_a_wrong_step_is_rejected():
    d = squared_error()
    steps = list(d.steps)
    steps[2] = dataclasses.replace(steps[2], expr=2 * symbol("h") * (Y - T) / symbol("h"))
    with pytest.raises(DerivationError, match="step 3"):
        verify(dataclasses.replace(d, steps=tuple(steps)))


def test_it_reads_with_the_lessons_names():
    named = squared_error().specialise({Y: symbol("ypred"), T: symbol("ygt")})
    text = "\n".join(format_derivation(named))
    assert "((ypred + h - ygt)**2 - (ypred - ygt)**2)/h" in text
    assert "cancel (ypred - ygt)**2" in text
    assert text.rstrip().splitlines()[-2].strip() == "5. 2*(ypred - ygt)"


@given(st.floats(-5, 5), st.floats(-5, 5))
def test_its_value_is_the_engines_gradient(y, t):
    prediction = Value(y)
    ((prediction - t) ** 2).backward()
    exact = squared_error().at({Y: sympy.Rational(repr(y)), T: sympy.Rational(repr(t))})
    assert float(exact) == pytest.approx(prediction.grad, rel=1e-12, abs=1e-12)
