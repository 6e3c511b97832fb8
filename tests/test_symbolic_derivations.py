"""The derivations: registered for every op, verified, and equal to the engine and to diff."""

from __future__ import annotations

import dataclasses
import math

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.engine.ops import OPS
from tutor.symbolic import (
    CASES,
    FORWARD,
    DerivationError,
    Kind,
    StandardLimit,
    cases,
    derivation,
    derivations,
    show,
)
from tutor.symbolic.derivations import H, X, Y
from tutor.symbolic.limits import EXP_LIMIT, U, check
from tutor.symbolic.verify import verify

A = sympy.Symbol("a", real=True)
ALL = [(op, index) for op, (arity, _) in CASES.items() for index in range(arity)]


def exact(x: float) -> sympy.Rational:
    return sympy.Rational(str(x))


def test_every_engine_op_has_a_derivation_for_each_input():
    assert set(CASES) == set(OPS) == set(FORWARD)
    assert all(CASES[name][0] == op.arity for name, op in OPS.items())


@pytest.mark.parametrize(("op", "index"), ALL)
def test_each_derivation_starts_from_the_definition_and_takes_the_limit_once(op, index):
    for d in cases(op, index):
        kinds = [step.kind for step in d.steps]
        assert kinds[0] is Kind.DEFINITION
        assert sum(k in (Kind.LIMIT, Kind.NO_LIMIT) for k in kinds) == 1
        assert d.steps[0].under_limit and not d.steps[-1].under_limit
        assert not d.result.has(H)


def test_the_lecture_forms_of_tanh_and_sigmoid():
    (tanh,) = cases("tanh", 0)
    (sig,) = cases("sigmoid", 0)
    assert tanh.result == 1 - sympy.tanh(X) ** 2
    assert show(sig.result) == "sigmoid(x)*(1 - sigmoid(x))"
    o = sympy.Symbol("o")
    assert tanh.in_terms_of_output(o) == 1 - o**2
    assert sig.in_terms_of_output(o) == o * (1 - o)


def test_binary_ops_derive_both_inputs():
    assert derivation("mul", 0).result == Y
    assert derivation("mul", 1).result == X
    assert derivation("div", 0).result == 1 / Y
    assert sympy.simplify(derivation("div", 1).result + X / Y**2) == 0
    assert derivation("sub", 1).result == -1


@pytest.mark.parametrize("r", [0, 1, 2, 3, -1, -2, sympy.Rational(1, 2), sympy.Rational(-3, 2)])
def test_pow_gives_r_times_x_to_the_r_minus_one(r):
    found = derivation("pow", 0, exponent=sympy.Rational(r))
    assert sympy.simplify(found.result - r * X ** (r - 1)) == 0


def test_whole_number_powers_expand_by_the_binomial_theorem():
    steps = derivation("pow", 0, exponent=sympy.Integer(2)).steps
    assert show(steps[1].expr) == "(x**2 + 2*x*h + h**2 - x**2)/h"
    assert "binomial" in steps[1].why


# -- the three sources agree ------------------------------------------------------------

reals = st.floats(-3, 3, allow_nan=False).filter(lambda v: abs(v) > 1e-3)
positives = st.floats(0.05, 4)
exponents = st.sampled_from([0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5])


@st.composite
def in_domain(draw, op: str) -> tuple[list[float], float | None]:
    """Inputs where the op is differentiable."""
    if op == "pow":
        p = draw(exponents)
        base = draw(positives if p != int(p) else reals)
        return [base], p
    if op == "log":
        return [draw(positives)], None
    if op == "div":
        return [draw(reals), draw(reals)], None
    return [draw(reals) for _ in range(OPS[op].arity)], None


@pytest.mark.parametrize(("op", "index"), ALL)
@settings(max_examples=15)
@given(data=st.data())
def test_engine_derivation_and_diff_agree(op, index, data):
    inputs, p = data.draw(in_domain(op))
    engine = OPS[op]
    local = engine.local(tuple(inputs), engine.forward(tuple(inputs), p), p)[index]

    at = [exact(v) for v in inputs]
    exponent = exact(p) if p is not None else None
    derived = derivation(op, index, exponent=exponent, at=at)
    by_derivation = float(derived.at(dict(zip(derived.inputs, at, strict=True))))

    symbols = (X, Y)[: engine.arity]
    forward = FORWARD[op](*symbols, exponent) if op == "pow" else FORWARD[op](*symbols)
    by_diff = float(sympy.diff(forward, symbols[index]).subs(dict(zip(symbols, at, strict=True))))

    assert by_derivation == pytest.approx(local, rel=1e-9, abs=1e-12)
    assert by_diff == pytest.approx(local, rel=1e-9, abs=1e-12)


# -- relu and the conditions ---------------------------------------------------------


def test_relu_takes_the_case_of_the_sign_of_its_input():
    results = {v: derivation("relu", 0, at=[sympy.Integer(v)]).result for v in (2, -2)}
    assert results == {2: 1, -2: 0}
    assert len(derivations("relu", 0)) == 3
    with pytest.raises(DerivationError, match="depends on the value"):
        derivation("relu", 0)


def test_relu_at_zero_says_the_limit_does_not_exist_and_uses_zero():
    found = derivation("relu", 0, at=[sympy.Integer(0)])
    last = found.steps[-1]
    assert last.kind is Kind.NO_LIMIT
    assert last.sides == (0, 1)
    assert "does not exist" in last.reason(found.h)
    assert found.result == 0 == OPS["relu"].local((0.0,), 0.0, None)[0]


@pytest.mark.parametrize(
    ("op", "index", "at", "exponent", "needs"),
    [
        ("log", 0, [-1], None, "x > 0"),
        ("log", 0, [0], None, "x > 0"),
        ("div", 0, [1, 0], None, "y != 0"),
        ("div", 1, [1, 0], None, "y != 0"),
        ("pow", 0, [-2], sympy.Rational(1, 2), "x > 0"),
        ("pow", 0, [0], sympy.Integer(-1), "x != 0"),
    ],
)
def test_values_that_break_a_condition_are_refused(op, index, at, exponent, needs):
    with pytest.raises(DerivationError, match=f"needs {needs}"):
        derivation(op, index, exponent=exponent, at=[sympy.Integer(v) for v in at])


def test_a_specialised_derivation_refuses_values_that_break_its_condition():
    (log,) = cases("log", 0)
    n = sympy.Symbol("n", real=True)
    on_n = log.specialise({X: n})
    assert show(on_n.condition) == "n > 0"
    with pytest.raises(DerivationError, match="needs n > 0, but n = -1"):
        on_n.at({n: sympy.Integer(-1)})
    with pytest.raises(DerivationError):
        log.specialise({X: sympy.Integer(-3)})


# -- specialising ------------------------------------------------------------------------


def test_specialising_substitutes_names_and_keeps_the_working():
    a, b = sympy.symbols("a b", real=True)
    found = derivation("mul", 0).specialise({X: a, Y: b})
    shown = [step.show(found.h) for step in found.steps]
    assert shown == [
        "lim[h→0] ((a + h)*b - a*b)/h",
        "lim[h→0] (a*b + b*h - a*b)/h",
        "lim[h→0] b*h/h",
        "lim[h→0] b",
        "b",
    ]
    assert "(f(a + h) - f(a))/h" in found.steps[0].why


def test_a_label_named_h_does_not_clash_with_the_step_h():
    h = sympy.Symbol("h", real=True)
    found = derivation("tanh", 0).specialise({X: h})
    assert found.h.name != "h"
    assert found.result == 1 - sympy.tanh(h) ** 2
    assert f"tanh({found.h})/{found.h} → 1" in found.steps[-1].reason(found.h)


def test_specialising_to_an_expression_brackets_it_in_the_words():
    w, b = sympy.symbols("w b", real=True)
    found = derivation("exp", 0).specialise({X: w + b})
    assert show(found.result) == "exp(b + w)"
    assert found.steps[2].did == "take out exp(b + w)"


# -- the definition names its function and the input that moves ----------------------------


def _specialised(op: str, index: int, *inputs: sympy.Expr) -> list:
    exponent = sympy.Rational(3) if op == "pow" else None
    return [
        d.specialise(dict(zip(d.inputs, inputs, strict=False)))
        for d in derivations(op, index, exponent=exponent)
    ]


@pytest.mark.parametrize(("op", "index"), ALL)
def test_the_definition_moves_the_input_it_differentiates(op, index):
    top, bottom = sympy.symbols("top bottom", real=True)
    for found in _specialised(op, index, top, bottom):
        moving = show(found.wrt)
        assert moving == ("top", "bottom")[index]
        why = found.steps[0].why
        assert f"(f({moving} + h) - f({moving}))/h as h → 0" in why
        assert why.endswith(f", where f({moving}) = {show(found.forward)}")


def test_the_second_input_is_named_not_the_first():
    top, bottom = sympy.symbols("top bottom", real=True)
    (div,) = _specialised("div", 1, top, bottom)
    assert div.steps[0].why == (
        "the derivative is the limit of the difference quotient "
        "(f(bottom + h) - f(bottom))/h as h → 0, where f(bottom) = top/bottom"
    )
    three, square = sympy.Integer(3), X**2
    (mul,) = _specialised("mul", 1, three, square)
    assert "(f(x**2 + h) - f(x**2))/h" in mul.steps[0].why
    assert mul.steps[0].why.endswith("where f(x**2) = 3*x**2")


def test_the_function_is_named_by_a_letter_no_name_uses():
    f, g, F = sympy.symbols("f g F", real=True)
    (mul,) = _specialised("mul", 0, f, g)
    assert "(F(f + h) - F(f))/h" in mul.steps[0].why
    assert mul.steps[0].why.endswith("where F(f) = f*g")
    (tanh,) = _specialised("tanh", 0, F)
    assert "(f(F + h) - f(F))/h" in tanh.steps[0].why
    # names the expression does not use, but a graph around it does (lecture: f is a node)
    d = sympy.Symbol("d", real=True)
    (lecture,) = [
        c.specialise({X: d, Y: f}, reserved={"L", "d", "f", "h"}) for c in cases("mul", 0)
    ]
    assert lecture.h.name != "h"
    assert f"(g(d + {lecture.h}) - g(d))/{lecture.h}" in lecture.steps[0].why


def test_when_every_letter_is_a_name_the_function_is_numbered():
    letters = {"f", "g", "F", "G", "φ", "ψ"}
    (tanh,) = [c.specialise({X: A}, reserved=letters) for c in cases("tanh", 0)]
    assert "(f1(a + h) - f1(a))/h" in tanh.steps[0].why


def test_an_input_used_twice_moves_once():
    for index, body in ((0, "t*a"), (1, "a*t")):
        (found,) = _specialised("mul", index, A, A)
        assert found.steps[0].why.endswith(f"(f(a + h) - f(a))/h as h → 0, where f(t) = {body}")
    t = sympy.Symbol("t", real=True)
    (found,) = _specialised("add", 0, t, t)
    assert found.steps[0].why.endswith("where f(u) = u + t")


# -- verification rejects what does not follow ---------------------------------------


def corrupt(d, number: int, expr):
    steps = list(d.steps)
    steps[number - 1] = dataclasses.replace(steps[number - 1], expr=expr)
    return dataclasses.replace(d, steps=tuple(steps))


def test_a_flipped_sign_is_rejected():
    (mul,) = cases("mul", 0)
    with pytest.raises(DerivationError, match=r"mul, input 0, step 3 .*not equal"):
        verify(corrupt(mul, 3, -mul.steps[2].expr))


def test_a_dropped_factor_is_rejected():
    (tanh,) = cases("tanh", 0)
    dropped = sympy.Mul(*tanh.steps[3].expr.args[:1], evaluate=False)  # tanh(h)/h alone
    with pytest.raises(DerivationError, match=r"step 4 .*not equal"):
        verify(corrupt(tanh, 4, dropped))


def test_a_wrong_limit_is_rejected():
    (tanh,) = cases("tanh", 0)
    with pytest.raises(DerivationError, match=r"step 5 .*the limit is"):
        verify(corrupt(tanh, 5, 1 + sympy.tanh(X) ** 2))


def test_a_limit_needs_its_standard_limit():
    (exp,) = cases("exp", 0)
    unjustified = dataclasses.replace(exp.steps[-1], uses=())
    with pytest.raises(DerivationError, match="not continuous at h = 0"):
        verify(dataclasses.replace(exp, steps=(*exp.steps[:-1], unjustified)))


def test_a_definition_of_another_op_is_rejected():
    (exp,) = cases("exp", 0)
    with pytest.raises(DerivationError, match=r"step 1 .*difference quotient"):
        verify(dataclasses.replace(exp, forward=sympy.tanh(X)))


def test_one_sided_limits_must_be_the_right_ones():
    at_zero = derivation("relu", 0, at=[sympy.Integer(0)])
    last = dataclasses.replace(at_zero.steps[-1], sides=(sympy.S.Zero, sympy.S.Zero))
    with pytest.raises(DerivationError, match="one-sided limits are 0 and 1"):
        verify(dataclasses.replace(at_zero, steps=(*at_zero.steps[:-1], last)))


def test_a_false_standard_limit_is_rejected():
    wrong = StandardLimit(U, EXP_LIMIT.quotient, sympy.Integer(2))
    with pytest.raises(DerivationError, match="SymPy finds 1"):
        check(wrong)


def test_every_registered_derivation_verifies():
    for op, index in ALL:
        for d in cases(op, index):
            assert verify(d) is d
    assert math.isfinite(float(derivation("pow", 0, exponent=sympy.Integer(5)).result.subs(X, 2)))
