"""Derivations as data: a list of steps, each an expression and why it is equal.

Modelled on SymPy's ``manualintegrate`` rules: a step is a small frozen record
(the expression, what was done, why it is equal to the previous one), built and
verified once (`tutor.symbolic.verify`), and printed by whoever shows it.

A derivation starts from the limit definition of the derivative and ends at the
local derivative. While the limit ``h → 0`` is still to be taken, a step is
``under_limit`` and its expression is the quotient under it; the step of kind
`Kind.LIMIT` takes the limit, naming the standard limits it uses.

Expressions are built unevaluated where the working should show (``h*y/h``
before it cancels to ``y``); `substitute` puts names or numbers into them
without letting SymPy simplify that shape away.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

import sympy
from sympy import Expr, Symbol

from tutor.symbolic.show import show


class Substitution:
    """Puts expressions in for symbols like ``xreplace``, keeping the shape: rebuilt
    sums, products, powers, function calls and comparisons are left unevaluated,
    except plain arithmetic on numbers (``x**(-1 - 1)`` becomes ``x**(-2)``).

    It remembers what it has rebuilt, so the steps of one derivation, which share
    most of their parts, share the work.
    """

    def __init__(self, subs: Mapping[Expr, Expr]):
        self.subs = dict(subs)
        self._done: dict[Expr, Expr] = dict(subs)

    def __call__(self, e: Expr) -> Expr:
        done = self._done.get(e)
        if done is not None:
            return done
        if not e.args:
            return e
        args = tuple(self(a) for a in e.args)
        if all(new is old for new, old in zip(args, e.args, strict=True)):
            new = e
        elif (e.is_Add or e.is_Mul or e.is_Pow) and all(a.is_Number for a in args):
            new = e.func(*args)
        elif e.is_Add or e.is_Mul or e.is_Pow or e.is_Relational or e.is_Function:
            new = e.func(*args, evaluate=False)
        else:
            new = e.func(*args)
        self._done[e] = new
        return new


def substitute(expr: Expr, subs: Mapping[Expr, Expr]) -> Expr:
    """``expr.xreplace(subs)``, keeping the shape (see `Substitution`)."""
    return Substitution(subs)(expr)


class DerivationError(ValueError):
    """A derivation that does not hold: a step that does not follow from the one
    before, or values outside the condition it was derived under."""


class Kind(StrEnum):
    DEFINITION = "definition"  # lim (f(x + h) - f(x))/h
    ALGEBRA = "algebra"  # equal to the previous step for every h ≠ 0 (near 0)
    LIMIT = "limit"  # takes h → 0, using standard limits and continuity
    NO_LIMIT = "no limit"  # the one-sided limits differ: the engine's convention


@dataclass(frozen=True, slots=True)
class StandardLimit:
    """``quotient → value`` as ``u → 0``: a known limit, checked once by `sympy.limit`."""

    u: Symbol
    quotient: Expr  # in u, unevaluated as written
    value: Expr

    def at(self, arg: Expr) -> Expr:
        """The quotient with ``u = arg``, unevaluated so that it reads (and is found) as written."""
        return substitute(self.quotient, {self.u: arg})

    def substitute(self, put: Substitution) -> StandardLimit:
        return StandardLimit(self.u, put(self.quotient), put(self.value))


@dataclass(frozen=True, slots=True)
class LimitUse:
    """A standard limit as a derivation uses it: ``u = arg``, which → 0 as h → 0."""

    limit: StandardLimit
    arg: Expr

    @property
    def quotient(self) -> Expr:
        return self.limit.at(self.arg)

    def describe(self, h: Symbol) -> str:
        value = show(self.limit.value)
        if self.arg == h:
            return f"{show(self.quotient)} → {value}"
        return f"{show(self.limit.quotient)} → {value} as {self.limit.u} = {show(self.arg)} → 0"


@dataclass(frozen=True, slots=True)
class Step:
    expr: Expr  # the expression; while `under_limit`, the quotient whose limit is taken
    did: str  # what was done, in words
    why: str  # why it is equal to the previous step
    kind: Kind = Kind.ALGEBRA
    under_limit: bool = False  # the limit h → 0 is still to be taken
    uses: tuple[LimitUse, ...] = ()  # LIMIT: the standard limits it takes
    #: NO_LIMIT: the limits from the left and from the right
    sides: tuple[Expr, Expr] | tuple[()] = ()

    def show(self, h: Symbol) -> str:
        """The expression on one line, as ``lim[h→0] ...`` while the limit is to be taken.
        Where the limit does not exist the value the engine uses is not shown as its limit."""
        if self.kind is Kind.NO_LIMIT:
            return f"no limit: the engine uses {show(self.expr)} by convention"
        return f"lim[{h}→0] {show(self.expr)}" if self.under_limit else show(self.expr)

    def reason(self, h: Symbol) -> str:
        """`why` in full, with the standard limits or one-sided limits it rests on."""
        if self.kind is Kind.LIMIT and self.uses:
            known = "; ".join(use.describe(h) for use in self.uses)
            kind = "a standard limit" if len(self.uses) == 1 else "standard limits"
            return f"{known} ({kind}); {self.why}"
        if self.kind is Kind.NO_LIMIT:
            left, right = (show(side) for side in self.sides)
            return (
                f"from the left ({h} → 0⁻) the quotient tends to {left}, from the right "
                f"({h} → 0⁺) to {right}: the two-sided limit does not exist; {self.why}"
            )
        return self.why

    def substitute(self, put: Substitution, words: Mapping[str, str]) -> Step:
        """The step with the substitution done, and its texts' ``words`` (names) renamed."""
        return dataclasses.replace(
            self,
            expr=put(self.expr),
            did=_rename(self.did, words),
            why=_rename(self.why, words),
            uses=tuple(LimitUse(use.limit.substitute(put), put(use.arg)) for use in self.uses),
            sides=tuple(put(side) for side in self.sides),
        )


def _rename(text: str, words: Mapping[str, str]) -> str:
    """Replace whole words of ``text``; a replacement that is not a single name or call
    is bracketed unless the word already stands alone in brackets."""
    if not words:
        return text

    def put(match: re.Match[str]) -> str:
        new = words[match[0]]
        start, end = match.span()
        alone = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        return new if alone or _one_term(new) else f"({new})"

    return re.sub(r"\b(" + "|".join(map(re.escape, words)) + r")\b", put, text)


def _one_term(text: str) -> bool:
    """A name, a number, or one call such as ``tanh(x*w + b)``."""
    call = re.match(r"[\w.]+", text)
    if call is None:
        return False
    rest, depth = text[call.end() :], 0
    for i, char in enumerate(rest):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(rest) - 1:
            return False
    return depth == 0 and (not rest or rest[0] == "(")


_SPARE_H = ("δ", "ε", "η")
_FUNCTION_NAMES = ("f", "g", "F", "G", "φ", "ψ")
_ARGUMENT_NAMES = ("t", "u", "s", "τ")


def _unused(names: tuple[str, ...], taken: Collection[str]) -> str:
    """The first of ``names`` not taken, else the first one numbered (``f1``, ``f2``, ...)."""
    numbered = (f"{names[0]}{k}" for k in itertools.count(1))
    return next(name for name in itertools.chain(names, numbered) if name not in taken)


def definition_why(
    forward: Expr,
    inputs: tuple[Expr, ...],
    index: int,
    h: Symbol,
    put: Substitution | None = None,
    reserved: Collection[str] = (),
) -> str:
    """Why the first step holds: the definition, with the function named and defined.

    ``forward`` is the op on its generic ``inputs`` and ``put`` what puts names in for
    them (see `Derivation.specialise`). The function gets a letter that no name shown
    uses, nor any of ``reserved`` (a graph's other nodes): ``(f(c + h) - f(c))/h``
    for ``c + e``, ``(g(f + h) - g(f))/h`` for ``d*f``. It is defined as a function
    of the input that moves (``f(bottom) = top/bottom``); when the other input is
    the same, it is written with a fresh argument (``f(t) = t*x`` for ``x*x``), so
    that only the one input moves.
    """
    put = put or Substitution({})
    shown = tuple(put(x) for x in inputs)
    moving, others = shown[index], shown[:index] + shown[index + 1 :]
    step = put(h).name  # names, not symbols, in f-strings: str() of a symbol is slow
    taken = {s.name for x in shown for s in x.free_symbols} | {step, *reserved}
    function = _unused(_FUNCTION_NAMES, taken)
    variable = show(moving)
    quotient = f"({function}({variable} + {step}) - {function}({variable}))/{step}"
    text = f"the derivative is the limit of the difference quotient {quotient} as {step} → 0"
    if any(moving == x or moving.free_symbols & x.free_symbols for x in others):
        generic = inputs[index]
        rest = inputs[:index] + inputs[index + 1 :]
        if not generic.is_Symbol or any(generic in x.free_symbols for x in rest):
            return text  # already specialised: the moving input cannot be told apart
        argument = _unused(_ARGUMENT_NAMES, taken | {function})
        body = Substitution({**put.subs, generic: Symbol(argument, real=True)})(forward)
        return f"{text}, where {function}({argument}) = {show(body)}"
    return f"{text}, where {function}({variable}) = {show(put(forward))}"


@dataclass(frozen=True, slots=True)
class Derivation:
    """The local derivative of ``op`` with respect to input ``index``, from the definition.

    ``inputs`` are the op's operands in order (generic symbols ``x``, ``y``, or
    whatever `specialise` put there), ``forward`` the op applied to them, and the
    result is the last step's expression. ``condition`` says where the derivation
    holds (``x > 0`` for log). ``assume`` and ``near`` are used only to verify it:
    the generic symbols replaced by symbols with the condition's assumptions, and
    ``h`` replaced so that it stays close to 0 when a step holds only there.
    """

    op: str
    index: int
    inputs: tuple[Expr, ...]
    forward: Expr
    h: Symbol
    steps: tuple[Step, ...]
    condition: sympy.Basic = sympy.true
    assume: tuple[tuple[Symbol, Expr], ...] = ()
    near: tuple[tuple[Symbol, Expr], ...] = ()

    @property
    def wrt(self) -> Expr:
        return self.inputs[self.index]

    @property
    def result(self) -> Expr:
        return self.steps[-1].expr

    def in_terms_of_output(self, output: Expr) -> Expr:
        """The result with the op's own output written as ``output`` (``1 - o**2`` for tanh)."""
        return self.result.xreplace({self.forward: output})

    def holds(self, values: Mapping[Expr, Expr]) -> bool | None:
        """Whether ``condition`` holds at these values; ``None`` while symbols remain."""
        if any(not values.get(x, x).is_number for x in self.condition.free_symbols):
            return None
        condition = self.condition.xreplace(values)
        if condition in (sympy.true, sympy.false):
            return bool(condition)
        # An exact irrational value SymPy cannot order: decide at 50 digits.
        return bool(condition.func(*(side.evalf(50) for side in condition.args)))

    def require(self, values: Mapping[Expr, Expr]) -> None:
        """Raise `DerivationError` if the values break the derivation's condition."""
        if self.holds(values) is False:
            named = self.condition.free_symbols
            given = ", ".join(f"{show(k)} = {show(v)}" for k, v in values.items() if k in named)
            raise DerivationError(
                f"the derivative of {self.op} needs {show(self.condition)}, but {given}"
            )

    def at(self, values: Mapping[Expr, Expr]) -> Expr:
        """The local derivative's exact value at ``values`` (symbols → numbers)."""
        self.require(values)
        return self.result.xreplace(values)

    def specialise(self, subs: Mapping[Expr, Expr], reserved: Collection[str] = ()) -> Derivation:
        """The same derivation with ``subs`` put in for its symbols (node labels, numbers).

        Substitution only (`substitute`): the steps keep the shape they were built
        with, and their texts name the new symbols. If a substituted expression
        uses the name ``h``, or it is one of the ``reserved`` names (a graph's other
        nodes), the derivation's ``h`` is renamed, and the definition names its
        function with a letter that is neither (`definition_why`). Raises
        `DerivationError` if ``subs`` breaks the condition.
        """
        self.require(subs)
        taken = {s.name for value in subs.values() for s in value.free_symbols}
        taken |= set(reserved)
        if self.h.name in taken:
            spare = _unused(_SPARE_H, taken)
            subs = {**subs, self.h: Symbol(spare, real=True, nonzero=True)}
        words = {k.name: show(v) for k, v in subs.items() if isinstance(k, Symbol)}
        put = Substitution(subs)
        first, *rest = self.steps
        if first.kind is Kind.DEFINITION:  # its words are written anew: they name more
            why = definition_why(self.forward, self.inputs, self.index, self.h, put, reserved)
            first = dataclasses.replace(first.substitute(put, {}), why=why)
        else:
            first = first.substitute(put, words)
        steps = (first, *(step.substitute(put, words) for step in rest))
        return Derivation(
            op=self.op,
            index=self.index,
            inputs=tuple(put(x) for x in self.inputs),
            forward=put(self.forward),
            h=put(self.h),
            steps=steps,
            condition=put(self.condition),
        )
