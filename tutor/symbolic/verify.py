"""Checking a derivation: every step must follow from the one before.

* The first step must be the definition, ``lim (f(x + h) - f(x))/h``, of the
  derivation's own op.
* An algebra step must equal the previous one for every ``h ≠ 0`` (under the
  derivation's assumptions, and with ``h`` kept near 0 when it says so).
* The limit step may replace the standard limits it names by their values (each
  confirmed by ``sympy.limit``, see `tutor.symbolic.limits`) and must then be
  what is left at ``h = 0``, which must be finite: the rest is continuous.
* A "no limit" step must show one-sided limits that really differ.

Equality is decided without `sympy.simplify` (slow, and it may not terminate):
``tanh``, ``sigmoid`` and ``exp`` are written as rational functions of fresh
positive symbols (``exp(x + h)`` becomes ``e1*e2``), logarithms of products are
split, and what is left is an identity of rational functions in those symbols
and the remaining atoms, which SymPy's rational function field decides exactly.
A step is accepted only when that proves it; anything else is rejected.
"""

from __future__ import annotations

from itertools import pairwise

import sympy
from sympy import Dummy, Expr, Piecewise, Symbol
from sympy.polys.fields import sfield

import tutor.symbolic.limits as limits
from tutor.symbolic.functions import relu, sigmoid
from tutor.symbolic.steps import Derivation, DerivationError, Kind, Step

_INFINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def verify(derivation: Derivation) -> Derivation:
    """Return ``derivation`` if every step follows; raise `DerivationError` naming the first
    step that does not. Only for derivations on generic symbols, before `specialise`."""
    h = derivation.h
    assume = dict(derivation.assume)
    near = {**assume, **{k: v.xreplace(assume) for k, v in derivation.near}}
    steps = derivation.steps

    def fail(number: int, message: str) -> DerivationError:
        step = steps[number - 1]
        return DerivationError(
            f"{derivation.op}, input {derivation.index}, step {number} ({step.did}): {message}"
        )

    first = steps[0]
    if first.kind is not Kind.DEFINITION or not first.under_limit:
        raise fail(1, "a derivation starts from the definition lim (f(x + h) - f(x))/h")
    x = derivation.wrt
    quotient = (derivation.forward.xreplace({x: x + h}) - derivation.forward) / h
    if not _equal(first.expr, quotient, near, h):
        raise fail(1, "this is not the difference quotient of the op")

    for number, (prev, step) in enumerate(pairwise(steps), start=2):
        if step.kind is Kind.DEFINITION:
            raise fail(number, "only the first step is the definition")
        if step.kind is Kind.ALGEBRA:
            if prev.under_limit != step.under_limit:
                raise fail(number, "an algebra step neither takes nor undoes the limit")
            if not _equal(prev.expr, step.expr, near if step.under_limit else assume, h):
                raise fail(number, "not equal to the previous step")
        else:
            problem = (
                "there is no limit left to take"
                if not prev.under_limit or step.under_limit
                else _limit_problem(prev.expr, step, assume, h)
                if step.kind is Kind.LIMIT
                else _no_limit_problem(prev.expr, step, assume, h)
            )
            if problem:
                raise fail(number, problem)
    if steps[-1].under_limit or steps[-1].expr.has(h):
        raise fail(len(steps), "a derivation ends with the limit taken")
    return derivation


def _limit_problem(before: Expr, step: Step, assume: dict, h: Symbol) -> str | None:
    known = {}
    for use in step.uses:
        limits.check(use.limit)
        arg = use.arg.xreplace(assume)
        if arg.subs(h, 0) != 0 or arg.is_zero is not False:
            return f"{use.arg} does not tend to 0 through non-zero values as {h} → 0"
        if not before.has(use.quotient):
            return f"the previous step does not contain {use.quotient}"
        known[use.quotient] = use.limit.value
    at_zero = before.xreplace(known).xreplace(assume).doit().subs(h, 0)
    if at_zero.has(*_INFINITE):
        return f"what is left is not continuous at {h} = 0"
    if not _equal(at_zero, step.expr, assume, h):
        return f"the limit is {at_zero}, not {step.expr}"
    return None


def _no_limit_problem(before: Expr, step: Step, assume: dict, h: Symbol) -> str | None:
    sides = []
    for side in (Symbol(h.name, negative=True), Symbol(h.name, positive=True)):
        value = before.xreplace(assume).xreplace({h: side}).doit()
        if value.has(side):
            return "the quotient is not constant on each side of 0"
        sides.append(value)
    if list(step.sides) != sides:
        return f"the one-sided limits are {sides[0]} and {sides[1]}"
    if sides[0] == sides[1]:
        return "the one-sided limits agree, so the limit exists"
    if not step.expr.is_number or step.expr.has(*_INFINITE):
        return "the value used where the limit does not exist must be a finite number"
    return None


def _equal(a: Expr, b: Expr, subs: dict, h: Symbol) -> bool:
    return _is_zero((a.xreplace(subs) - b.xreplace(subs)).doit(), h)


def _is_zero(d: Expr, h: Symbol) -> bool:
    if d == 0:
        return True
    if d.has(relu, Piecewise) and d.has(h):
        # Equal for h ≠ 0: for h < 0 and for h > 0, where relu and Piecewise resolve.
        sides = (Symbol(h.name, negative=True), Symbol(h.name, positive=True))
        return all(_is_zero(d.xreplace({h: side}).doit(), h) for side in sides)
    if sfield(d)[1] == 0:  # an identity with every function value as an unknown
        return True
    if d.has(sympy.log):
        d = sympy.expand_log(d.replace(sympy.log, lambda a: sympy.log(sympy.together(a))))
    return sfield(_exponentials(d))[1] == 0


def _exponentials(d: Expr) -> Expr:
    """``d`` with tanh, sigmoid and exp written as rational functions of fresh positive
    symbols, one for each exponential ``exp(t)`` of a term ``t`` of their arguments."""
    atoms: dict[Expr, Dummy] = {}

    def e(argument: Expr) -> Expr:
        out = sympy.S.One
        for term in sympy.Add.make_args(sympy.expand(argument)):
            coeff, rest = term.as_coeff_Mul()
            out *= atoms.setdefault(rest, Dummy("e", positive=True)) ** coeff
        return out

    rational: dict[Expr, Expr] = {}
    for f in d.atoms(sympy.exp, sympy.tanh, sigmoid):
        (a,) = f.args
        if isinstance(f, sympy.exp):
            rational[f] = e(a)
        elif isinstance(f, sympy.tanh):
            rational[f] = (e(2 * a) - 1) / (e(2 * a) + 1)
        else:
            rational[f] = 1 / (1 + e(-a))
    return d.xreplace(rational)
