"""How derivations print: one line, terms in the order they were built.

A step such as ``(x + h)*y - x*y`` is built unevaluated so that it reads the
way one writes it by hand. `show` prints it in SymPy's string syntax, which
`tutor.expr.parse` reads back to the same maths, keeping ``x + h`` as written
instead of SymPy's canonical ``h + x``, with one pair of brackets where SymPy's
printer would put two around an unevaluated denominator, and powers written as
powers (``x**(1/2)``, not ``sqrt(x)``, which a student cannot type back).
`unicode` dresses such a line for a terminal: ``·`` for ``*``, ``−`` for minus,
superscript integer powers.

Unevaluated expressions have shapes SymPy's own printer never meets (a sum
subtracted as a whole, ``-(-y)``, a fraction in a denominator), so brackets are
decided by how a printed part will be read back (`_reads`): a part gets them
wherever, unbracketed, it would be read otherwise.
"""

from __future__ import annotations

import re

from sympy import Basic, Expr, Mul, Pow, S
from sympy.printing.str import StrPrinter

# How a printed part reads at its top level, outside any brackets (see `_reads`).
SUM = "sum"  # a binary + or -: ``a + b``, ``-a + b``
SIGN = "sign"  # a leading minus: ``-a``, ``-a*b``, ``-2``
PRODUCT = "product"  # a ``*``
QUOTIENT = "quotient"  # a ``/``
POWER = "power"  # a ``**``
LOOSE = "loose"  # a comparison, ``if``, ``or``, ``and``, a ``;``: looser than any arithmetic

_LOOSE_WORDS = (" if ", " or ", " and ", " < ", " > ", " <= ", " >= ", " == ", " != ", "; ")
_INNERMOST = re.compile(r"[(\[{][^()\[\]{}]*[)\]}]")


def _reads(text: str) -> frozenset[str]:
    """What a printed part is at its top level: which of `SUM`, `SIGN`, `PRODUCT`,
    `QUOTIENT`, `POWER` and `LOOSE` occur outside its brackets. Nothing for a name,
    a non-negative number or a call, which need no brackets anywhere."""
    top, inner = text, _INNERMOST.sub("_", text)
    while inner != top:  # each bracket, innermost first, becomes one name-like "_"
        top, inner = inner, _INNERMOST.sub("_", inner)
    found = {SIGN} if top.startswith("-") else set()
    if " + " in top or " - " in top:
        found.add(SUM)
    if "**" in top:
        found.add(POWER)
    if "*" in top.replace("**", ""):
        found.add(PRODUCT)
    if "/" in top:
        found.add(QUOTIENT)
    if any(word in top for word in _LOOSE_WORDS):
        found.add(LOOSE)
    return frozenset(found)


def _bracket(text: str, unless: frozenset[str] | set[str] = frozenset()) -> str:
    """``text`` in brackets if it reads as anything but a name, a number, a call,
    or what ``unless`` allows."""
    return f"({text})" if _reads(text) - unless else text


class _Printer(StrPrinter):
    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        # Terms as built; a nested sum needs no brackets (addition is associative),
        # and a term that starts with a minus is subtracted without it.
        out = []
        for term in expr.args:
            text = self._print(term)
            if LOOSE in _reads(text):
                text = f"({text})"
            sign, text = ("-", text[1:]) if text.startswith("-") else ("+", text)
            out += [sign, text]
        first = out.pop(0)
        return ("-" if first == "-" else "") + " ".join(out)

    def _print_Mul(self, expr: Mul) -> str:
        factors = list(expr.args)
        sign = ""
        if factors[0].is_Number and factors[0].is_negative and len(factors) > 1:
            sign = "-"
            factors[0] = -factors[0]
            if factors[0] == 1:
                factors.pop(0)
        above: list[Expr] = []
        below: list[Expr] = []
        for factor in factors:
            if factor.is_Pow and factor.exp.is_Rational and factor.exp.is_negative:
                below.append(factor.base if factor.exp == -1 else Pow(factor.base, -factor.exp))
            elif factor.is_Rational and factor.q != 1:
                above += [S(factor.p)] if factor.p != 1 else []
                below.append(S(factor.q))
            else:
                above.append(factor)
        alone = len(above) == 1 and not below and not sign
        top = "*".join(self._factor(f, alone, i == 0 and not sign) for i, f in enumerate(above))
        top = top or "1"
        if not below:
            return sign + top
        if len(below) == 1:
            bottom = self._denominator(below[0])
        else:
            bottom = "(" + "*".join(self._factor(f, False, False) for f in below) + ")"
        return f"{sign}{top}/{bottom}"

    def _factor(self, factor: Expr, alone: bool, first: bool) -> str:
        """A factor of a product: bracketed unless it cannot be misread. A product with
        its own denominator is bracketed too, to be read as one factor."""
        text = self._print(factor)
        reads = _reads(text)
        misread = bool(reads & {SUM, LOOSE}) and not alone
        misread |= SIGN in reads and not first
        misread |= QUOTIENT in reads and not alone
        misread |= factor.is_Mul and "/" in text and not alone
        return f"({text})" if misread else text

    def _denominator(self, divisor: Expr) -> str:
        """What follows a ``/``: only a name, a number, a call or a power stands alone."""
        return _bracket(self._print(divisor), unless={POWER})

    def _print_Pow(self, expr: Pow, rational: bool = False) -> str:
        base, exponent = expr.base, expr.exp
        if exponent.is_Rational and exponent in (-1, -S.Half):
            return f"1/{self._denominator(base if exponent == -1 else Pow(base, -exponent))}"
        return f"{_bracket(self._print(base))}**{_bracket(self._print(exponent))}"

    def _print_Exp1(self, expr: Expr) -> str:
        return "exp(1)"  # as the parser reads it (it knows no constant ``E``)

    def _print_Piecewise(self, expr: Expr) -> str:
        cases = "; ".join(f"{self._print(e)} if {self._print(c)}" for e, c in expr.args)
        return "{" + cases + "}"

    def _print_Or(self, expr: Expr) -> str:
        return " or ".join(self._print(a) for a in expr.args)

    def _print_And(self, expr: Expr) -> str:
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Relational(self, expr: Expr) -> str:
        return f"{self._print(expr.lhs)} {expr.rel_op} {self._print(expr.rhs)}"


_PRINTER = _Printer({"order": "none"})


def show(expr: Basic) -> str:
    """One line, in SymPy's string syntax (``(tanh(x + h) - tanh(x))/h``)."""
    return _PRINTER.doprint(expr)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def unicode(text: str) -> str:
    """A line of `show` output, or of prose around it, as Unicode maths for a terminal."""
    power = r"\*\*(?:(-?\d+)|\((-?\d+)\))"
    text = re.sub(power, lambda m: (m[1] or m[2]).translate(_SUPERSCRIPT), text)
    text = text.replace("**", "^").replace("*", "·")
    for ascii_, symbol in (("!=", "≠"), (">=", "≥"), ("<=", "≤"), ("==", "=")):
        text = text.replace(ascii_, symbol)
    return re.sub(r"(^|[\s(\[=])-(?=[\s\w(.])", lambda m: m[1] + "−", text)
