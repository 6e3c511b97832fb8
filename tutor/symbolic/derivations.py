"""Every engine op's local derivative, derived from the limit definition.

Each derivation is built once, on generic real symbols (``x``, ``y``, ``h``, the
exponent ``r``), verified step by step (`tutor.symbolic.verify`) and cached; a
graph node or a `tutor derive` expression then only substitutes its own names
(`Derivation.specialise`). `CASES` registers them under the op names of
`tutor.engine.ops.OPS`: for each op, one builder per input, each giving the
cases of that derivative (one, except relu's three, by the sign of its input).

Expressions are built unevaluated where the working should show (``h*y/h``
before it cancels to ``y``); SymPy would otherwise simplify them on sight.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import sympy
from sympy import Add, Expr, Mul, Piecewise, Pow, Rational, Symbol

from tutor.symbolic.functions import FORWARD, relu, sigmoid
from tutor.symbolic.limits import EXP_LIMIT, LOG_LIMIT, TANH_LIMIT, power_limit
from tutor.symbolic.steps import (
    Derivation,
    DerivationError,
    Kind,
    LimitUse,
    Step,
    definition_why,
    substitute,
)
from tutor.symbolic.verify import verify

X = Symbol("x", real=True)
Y = Symbol("y", real=True)
H = Symbol("h", real=True, nonzero=True)
R = Symbol("r", real=True)  # a pow exponent that is not a whole number

# The same names with the assumptions a condition gives, used only to verify.
X_POSITIVE = Symbol("x", positive=True)
X_NEGATIVE = Symbol("x", negative=True)
X_NONZERO = Symbol("x", real=True, nonzero=True)
R_NEGATIVE = Symbol("r", integer=True, negative=True)
Y_NONZERO = Symbol("y", real=True, nonzero=True)


# -- building blocks -----------------------------------------------------------


def _add(*terms: Expr) -> Expr:
    return Add(*terms, evaluate=False)


def _mul(*factors: Expr) -> Expr:
    return Mul(*factors, evaluate=False)


def _over(numerator: Expr, denominator: Expr) -> Expr:
    return _mul(numerator, Pow(denominator, -1, evaluate=False))


def _minus(term: Expr) -> Expr:
    return (
        _mul(-1, *term.args)
        if term.is_Mul and not term.could_extract_minus_sign()
        else _mul(-1, term)
    )


def _definition(forward: Expr, inputs: tuple[Symbol, ...], index: int = 0) -> Step:
    x = inputs[index]
    shifted = substitute(forward, {x: _add(x, H)})
    return Step(
        _over(_add(shifted, _minus(forward)), H),
        "start from the definition",
        definition_why(forward, inputs, index, H),
        Kind.DEFINITION,
        under_limit=True,
    )


def _step(quotient: Expr, did: str, why: str) -> Step:
    """A step before the limit is taken."""
    return Step(quotient, did, why, under_limit=True)


def _limit(result: Expr, why: str, *uses: LimitUse) -> Step:
    return Step(result, "let h → 0", why, Kind.LIMIT, uses=uses)


_CONSTANT = "what is left does not depend on h"
_CANCEL_H = "h/h = 1, because h ≠ 0 (h tends to 0 but is never 0)"


# -- add, sub, mul, neg, and div by its first input: expand and cancel ---------


def _by_expansion(
    op: str,
    index: int,
    inputs: tuple[Symbol, ...],
    condition: sympy.Basic = sympy.true,
    assume: tuple[tuple[Symbol, Expr], ...] = (),
) -> Derivation:
    """Derivatives of ops that are linear in the input: the terms without h cancel."""
    x = inputs[index]
    forward = FORWARD[op](*inputs)
    expanded = sympy.expand(forward.xreplace({x: x + H}))
    change = sympy.expand(expanded - forward)  # c*h
    slope = sympy.cancel(change / H)
    steps = (
        _definition(forward, inputs, index),
        _step(
            _over(_add(*Add.make_args(expanded), *Add.make_args(sympy.expand(-forward))), H),
            "multiply out",
            "the same expression with the brackets expanded",
        ),
        _step(_over(change, H), "cancel the terms without h", "they appear once with each sign"),
        _step(slope, "divide by h", _CANCEL_H),
        _limit(slope, _CONSTANT),
    )
    return Derivation(op, index, inputs, forward, H, steps, condition, assume)


def _add_cases(index: int) -> tuple[Derivation, ...]:
    return (_by_expansion("add", index, (X, Y)),)


def _sub_cases(index: int) -> tuple[Derivation, ...]:
    return (_by_expansion("sub", index, (X, Y)),)


def _mul_cases(index: int) -> tuple[Derivation, ...]:
    return (_by_expansion("mul", index, (X, Y)),)


def _neg_cases(index: int) -> tuple[Derivation, ...]:
    return (_by_expansion("neg", index, (X,)),)


def _div_cases(index: int) -> tuple[Derivation, ...]:
    condition, assume = sympy.Ne(Y, 0), ((Y, Y_NONZERO),)
    if index == 0:
        return (_by_expansion("div", 0, (X, Y), condition, assume),)
    forward = X / Y
    shifted = _add(Y, H)
    steps = (
        _definition(forward, (X, Y), 1),
        _step(
            _over(_add(_mul(X, Y), _mul(-1, X, shifted)), _mul(H, Y, shifted)),
            "put both fractions over one denominator",
            "a/b - c/d = (a*d - c*b)/(b*d)",
        ),
        _step(
            _over(_mul(-1, X, H), _mul(H, Y, shifted)),
            "multiply out the numerator",
            "x*y - x*(y + h) = -x*h",
        ),
        _step(_over(-X, _mul(Y, shifted)), "cancel h", _CANCEL_H),
        _limit(-X / Y**2, "the rest is continuous at h = 0, because y ≠ 0"),
    )
    return (Derivation("div", 1, (X, Y), forward, H, steps, condition, assume),)


# -- pow: the binomial theorem, or the standard limit ((1 + u)**r - 1)/u → r -------


@functools.cache
def _pow_natural(n: int) -> Derivation:
    """x**n for a whole number n: expand (x + h)**n by the binomial theorem."""
    forward = X**n
    terms = sorted(Add.make_args(sympy.expand((X + H) ** n)), key=lambda t: sympy.degree(t, H))
    with_h = terms[1:] or [sympy.S.Zero]
    steps = (
        _definition(forward, (X,)),
        _step(
            _over(_add(*terms, _mul(-1, forward)), H),
            f"expand (x + h)**{n}",
            f"the binomial theorem: (a + b)**{n} is the sum of "
            f"binomial({n}, k)*a**({n} - k)*b**k for k = 0..{n}",
        ),
        _step(_over(_add(*with_h), H), f"cancel x**{n}", "it appears once with each sign"),
        _step(
            _add(*(sympy.cancel(t / H) for t in with_h)),
            "divide each term by h",
            _CANCEL_H,
        ),
        _limit(n * X ** (n - 1), "every term that still has a factor h tends to 0"),
    )
    return verify(Derivation("pow", 0, (X,), forward, H, steps))


def _pow_general(condition: sympy.Basic, assume: tuple[tuple[Symbol, Expr], ...]) -> Derivation:
    """x**r for any other exponent: take x**r out and use ((1 + u)**r - 1)/u → r."""
    r, u = R, H / X
    forward = X**r
    steps = (
        _definition(forward, (X,)),
        _step(
            _over(_mul(X**r, _add(Pow(_add(1, u), r), -1)), H),
            "take x out of the bracket",
            "x + h = x*(1 + h/x), and a power of a product is the product of the powers "
            "when x > 0 (for a whole-number power, whenever x ≠ 0)",
        ),
        _step(
            _mul(Pow(X, _add(r, -1)), power_limit(r).at(u)),
            "divide by h as (1/x)*(1/(h/x))",
            "h = x*(h/x), and dividing by x lowers the power of x by one",
        ),
        _limit(
            _mul(r, Pow(X, _add(r, -1))),
            "the power of x does not depend on h",
            LimitUse(power_limit(r), u),
        ),
    )
    return Derivation("pow", 0, (X,), forward, H, steps, condition, assume)


def _pow_cases(index: int) -> tuple[Derivation, ...]:
    return (
        _pow_general(sympy.Gt(X, 0), ((X, X_POSITIVE),)),
        _pow_general(sympy.Ne(X, 0), ((X, X_NONZERO), (R, R_NEGATIVE))),
    )


# -- exp, log, tanh, sigmoid: a standard limit each ----------------------------


def _exp_cases(index: int) -> tuple[Derivation, ...]:
    e = sympy.exp
    steps = (
        _definition(e(X), (X,)),
        _step(
            _over(_add(_mul(e(X), e(H)), -e(X)), H),
            "split the exponential",
            "exp(a + b) = exp(a)*exp(b)",
        ),
        _step(_mul(e(X), EXP_LIMIT.at(H)), "take out exp(x)", "exp(x) is a common factor"),
        _limit(e(X), "exp(x) does not depend on h", LimitUse(EXP_LIMIT, H)),
    )
    return (Derivation("exp", 0, (X,), e(X), H, steps),)


def _log_cases(index: int) -> tuple[Derivation, ...]:
    log = sympy.log
    u = H / X
    steps = (
        _definition(log(X), (X,)),
        _step(
            _over(log(_over(_add(X, H), X)), H),
            "combine the logarithms",
            "log(a) - log(b) = log(a/b)",
        ),
        _step(_over(log(_add(1, u)), H), "divide out x", "(x + h)/x = 1 + h/x"),
        _step(
            _mul(_over(1, X), LOG_LIMIT.at(u)),
            "divide by h as (1/x)*(1/(h/x))",
            "h = x*(h/x)",
        ),
        _limit(1 / X, "1/x does not depend on h", LimitUse(LOG_LIMIT, u)),
    )
    return (Derivation("log", 0, (X,), log(X), H, steps, sympy.Gt(X, 0), ((X, X_POSITIVE),)),)


def _tanh_cases(index: int) -> tuple[Derivation, ...]:
    t, th = sympy.tanh(X), sympy.tanh(H)
    denominator = _add(1, _mul(t, th))
    steps = (
        _definition(t, (X,)),
        _step(
            _over(_add(_over(_add(t, th), denominator), -t), H),
            "use the addition formula",
            "tanh(a + b) = (tanh(a) + tanh(b))/(1 + tanh(a)*tanh(b))",
        ),
        _step(
            _over(_add(th, _mul(-1, t**2, th)), _mul(H, denominator)),
            "put everything over one denominator",
            "tanh(x) - tanh(x)*(1 + tanh(x)*tanh(h)) leaves tanh(h) - tanh(x)**2*tanh(h)",
        ),
        _step(
            _mul(TANH_LIMIT.at(H), _over(_add(1, -(t**2)), denominator)),
            "take out tanh(h)/h",
            "tanh(h) is a common factor of the numerator",
        ),
        _limit(
            1 - t**2,
            "tanh(h) → tanh(0) = 0, and the rest is continuous at h = 0",
            LimitUse(TANH_LIMIT, H),
        ),
    )
    return (Derivation("tanh", 0, (X,), t, H, steps),)


def _sigmoid_cases(index: int) -> tuple[Derivation, ...]:
    e = sympy.exp
    e_x, e_xh = e(-X), e(_add(-X, -H), evaluate=False)
    below_x, below_xh = _add(1, e_x), _add(1, e_xh)
    steps = (
        _definition(sigmoid(X), (X,)),
        _step(
            _over(_add(_over(1, below_xh), _mul(-1, _over(1, below_x))), H),
            "write out the sigmoid",
            "sigmoid(t) = 1/(1 + exp(-t))",
        ),
        _step(
            _over(_add(e_x, _mul(-1, e_xh)), _mul(H, below_xh, below_x)),
            "put both fractions over one denominator",
            "1/a - 1/b = (b - a)/(a*b)",
        ),
        _step(
            _mul(_over(_mul(e_x, e(-H)), _mul(below_xh, below_x)), EXP_LIMIT.at(H)),
            "take out (exp(h) - 1)/h",
            "exp(-x) - exp(-x - h) = exp(-x)*exp(-h)*(exp(h) - 1)",
        ),
        _limit(
            _over(e_x, Pow(below_x, 2)),
            "exp(-h) → 1, and the rest is continuous at h = 0",
            LimitUse(EXP_LIMIT, H),
        ),
        Step(
            _mul(_over(1, below_x), _over(e_x, below_x)),
            "split the fraction",
            "a/b**2 = (1/b)*(a/b)",
        ),
        Step(
            _mul(sigmoid(X), _add(1, _mul(-1, sigmoid(X)))),
            "recognise the sigmoid",
            "1/(1 + exp(-x)) = sigmoid(x), and exp(-x)/(1 + exp(-x)) = 1 - sigmoid(x)",
        ),
    )
    return (Derivation("sigmoid", 0, (X,), sigmoid(X), H, steps),)


# -- relu: by the sign of its input ----------------------------------------------


def _relu_cases(index: int) -> tuple[Derivation, ...]:
    forward = relu(X)
    positive = (
        _definition(forward, (X,)),
        _step(
            _over(_add(X, H, -X), H),
            "relu(t) = t for t > 0",
            "x > 0, so x + h > 0 too once h is small enough (|h| < x)",
        ),
        _step(_over(H, H), "cancel x", "x - x = 0"),
        _step(sympy.S.One, "divide by h", _CANCEL_H),
        _limit(sympy.S.One, _CONSTANT),
    )
    negative = (
        _definition(forward, (X,)),
        _step(
            _over(sympy.S.Zero, H),
            "relu(t) = 0 for t < 0",
            "x < 0, so x + h < 0 too once h is small enough (|h| < -x)",
        ),
        _step(sympy.S.Zero, "divide by h", "0/h = 0, because h ≠ 0"),
        _limit(sympy.S.Zero, _CONSTANT),
    )
    at_zero = (
        _definition(forward, (X,)),
        _step(_over(relu(H), H), "put in x = 0", "relu(0 + h) = relu(h), and relu(0) = 0"),
        _step(
            Piecewise((0, H < 0), (1, H > 0)),
            "relu(h) = 0 for h < 0, and relu(h) = h for h > 0",
            "so the quotient is 0/h = 0 on the left of 0 and h/h = 1 on the right",
        ),
        Step(
            sympy.S.Zero,
            "the limit does not exist",
            "relu has no derivative at 0, and the engine, like micrograd, uses 0 there",
            Kind.NO_LIMIT,
            sides=(sympy.S.Zero, sympy.S.One),
        ),
    )
    p, q = Symbol("p", positive=True), Symbol("q", negative=True)
    return (
        Derivation(
            "relu", 0, (X,), forward, H, positive, sympy.Gt(X, 0), ((X, X_POSITIVE),), ((H, p - X),)
        ),
        Derivation(
            "relu", 0, (X,), forward, H, negative, sympy.Lt(X, 0), ((X, X_NEGATIVE),), ((H, q - X),)
        ),
        Derivation("relu", 0, (X,), forward, H, at_zero, sympy.Eq(X, 0), ((X, sympy.S.Zero),)),
    )


# -- the registry ------------------------------------------------------------------

#: For every op of `tutor.engine.ops.OPS`: a builder of its cases, given the input index.
CASES: dict[str, tuple[int, Callable[[int], tuple[Derivation, ...]]]] = {
    "add": (2, _add_cases),
    "sub": (2, _sub_cases),
    "mul": (2, _mul_cases),
    "div": (2, _div_cases),
    "neg": (1, _neg_cases),
    "pow": (1, _pow_cases),
    "tanh": (1, _tanh_cases),
    "exp": (1, _exp_cases),
    "log": (1, _log_cases),
    "relu": (1, _relu_cases),
    "sigmoid": (1, _sigmoid_cases),
}


@functools.cache
def cases(op: str, index: int) -> tuple[Derivation, ...]:
    """The verified derivations of ``d op / d input[index]`` on generic symbols, built once.

    pow's are those for an exponent ``r`` that is not a whole number (see `derivations`).
    """
    arity, build = CASES[op]
    if not 0 <= index < arity:
        raise ValueError(f"{op} has {arity} input(s), not an input {index}")
    return tuple(verify(d) for d in build(index))


def all_derivations() -> list[Derivation]:
    """Every derivation the registry builds, and pow's for the whole exponents 0 to 3."""
    built = [d for op, (arity, _) in CASES.items() for i in range(arity) for d in cases(op, i)]
    return built + [_pow_derivation(Rational(n)) for n in range(4)]


def derivations(
    op: str,
    index: int,
    *,
    exponent: Rational | None = None,
    at: Sequence[Expr] | None = None,
) -> tuple[Derivation, ...]:
    """The derivations that apply, still on the generic inputs (``x``, ``y``).

    pow's derivation depends on its ``exponent``: a whole number expands by the binomial
    theorem, any other is put in for ``r``. With ``at`` (the inputs' values, in
    order) it is the one case that holds there, and values that break its
    condition raise `DerivationError`; without, every case (relu has three).
    """
    options = (_pow_derivation(exponent),) if op == "pow" else cases(op, index)
    if at is None:
        return options
    return select(options, dict(zip(options[0].inputs, at, strict=True)))


def select(options: Sequence[Derivation], values: Mapping[Expr, Expr]) -> tuple[Derivation, ...]:
    """The options whose condition may hold at ``values`` (symbols → numbers): one, when
    the values decide it. Raises `DerivationError`, naming the condition, if none can."""
    possible = tuple(d for d in options if d.holds(values) is not False)
    if not possible:
        options[0].require(values)  # raises: the values break its condition
    return possible


def derivation(
    op: str,
    index: int,
    *,
    exponent: Rational | None = None,
    at: Sequence[Expr] | None = None,
) -> Derivation:
    """The one derivation that applies (see `derivations`); raises `DerivationError` when
    the case depends on a value that was not given."""
    found = derivations(op, index, exponent=exponent, at=at)
    if len(found) > 1:
        raise DerivationError(f"the derivative of {op} depends on the value of its input")
    return found[0]


@functools.cache
def _pow_derivation(exponent: Rational | None) -> Derivation:
    if exponent is None:
        raise ValueError("pow's derivative needs its exponent")
    if exponent.is_integer and exponent >= 0:
        return _pow_natural(int(exponent))
    general, negative_integer = cases("pow", 0)
    chosen = negative_integer if exponent.is_integer else general
    return chosen.specialise({R: exponent})
