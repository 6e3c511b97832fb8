"""The standard limits the derivations take as known, each checked once by SymPy.

A derivation reduces a difference quotient to continuous pieces times one of
these quotients. `check` confirms a standard limit with the two-sided
``sympy.limit(..., dir="+-")`` the first time it is used in a process, so the
20–300 ms that `sympy.limit` may cost is paid once per limit, not per step.
"""

from __future__ import annotations

import functools

import sympy
from sympy import Add, Expr, Mul, Pow, Symbol

from tutor.symbolic.show import show
from tutor.symbolic.steps import DerivationError, StandardLimit

U = Symbol("u", real=True, nonzero=True)


def _standard(numerator: Expr, value: Expr) -> StandardLimit:
    return StandardLimit(U, Mul(numerator, Pow(U, -1, evaluate=False), evaluate=False), value)


EXP_LIMIT = _standard(Add(sympy.exp(U), -1, evaluate=False), sympy.S.One)
TANH_LIMIT = _standard(sympy.tanh(U), sympy.S.One)
LOG_LIMIT = _standard(sympy.log(Add(1, U, evaluate=False)), sympy.S.One)


def power_limit(r: Symbol) -> StandardLimit:
    """((1 + u)**r - 1)/u → r, for the exponent symbol ``r`` (its assumptions matter)."""
    return _standard(Add(Pow(Add(1, U, evaluate=False), r), -1, evaluate=False), r)


@functools.cache
def check(limit: StandardLimit) -> None:
    """Confirm the limit with SymPy's two-sided `sympy.limit`; raise `DerivationError` if not."""
    found = sympy.limit(limit.quotient.doit(), limit.u, 0, dir="+-")
    if found != limit.value:
        raise DerivationError(
            f"the standard limit {show(limit.quotient)} → {show(limit.value)} does not hold: "
            f"SymPy finds {show(found)}"
        )
