"""How derivations print: one line, terms in the order they were built.

A step such as ``(x + h)*y - x*y`` is built unevaluated so that it reads the
way one writes it by hand. `show` prints it in SymPy's string syntax (which
`tutor.expr.parse` reads back), keeping ``x + h`` as written instead of SymPy's
canonical ``h + x``, and with one pair of brackets where SymPy's printer would
put two around an unevaluated denominator. `unicode` dresses such a line for a
terminal: ``·`` for ``*``, ``−`` for minus, superscript integer powers.
"""

from __future__ import annotations

import re

from sympy import Basic, Expr, Mul, Pow, S
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter


class _Printer(StrPrinter):
    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        # Terms as built; a nested sum needs no brackets (addition is associative).
        out = []
        for term in expr.args:
            text = self._print(term)
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
        top = "*".join(self._factor(f, alone, i == 0) for i, f in enumerate(above)) or "1"
        if not below:
            return sign + top
        if len(below) == 1:
            (only,) = below
            bottom = self._print(only)
            if not (only.is_Atom or only.is_Function or only.is_Pow):
                bottom = f"({bottom})"
        else:
            bottom = "(" + "*".join(self._factor(f, False, False) for f in below) + ")"
        return f"{sign}{top}/{bottom}"

    def _factor(self, factor: Expr, alone: bool, first: bool) -> str:
        """A factor of a product: bracketed unless it cannot be misread."""
        text = self._print(factor)
        if factor.is_Add:
            bracket = not alone
        elif text.startswith("-"):
            bracket = not first
        elif factor.is_Mul:
            bracket = "/" in text and not alone
        else:
            bracket = precedence(factor) < PRECEDENCE["Mul"]
        return f"({text})" if bracket else text

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
