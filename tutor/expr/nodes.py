"""The checked expression tree that every piece of text becomes.

Small, immutable and exact: a number keeps the exact rational of its decimal
text, so SymPy sees ``6.8813735870195432`` as that decimal and not as the
nearest binary float. Nothing here evaluates anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from tutor.engine.ops import BINARY, NEG, OPS, POW, Op


@dataclass(frozen=True, slots=True)
class Num:
    """A number literal: ``value`` is exact, ``text`` is how it was written."""

    value: Fraction
    text: str

    def __float__(self) -> float:
        return float(self.value)


@dataclass(frozen=True, slots=True)
class Name:
    """A node name (or, in `tutor derive`, a free variable)."""

    id: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr


@dataclass(frozen=True, slots=True)
class BinOp:
    """``left OP right`` with OP one of ``+ - * /``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Pow:
    """``base ** exponent`` where the exponent is a constant, folded exactly."""

    base: Expr
    exponent: Fraction


@dataclass(frozen=True, slots=True)
class Call:
    """One of the lesson functions (``tanh exp log relu sigmoid``) of one argument."""

    func: str
    arg: Expr


Expr = Num | Name | Neg | BinOp | Pow | Call


def operation(node: Expr) -> tuple[Op, tuple[Expr, ...], Fraction | None]:
    """The op of the engine's table that a tree node applies, its operands in order,
    and its constant parameter (the exponent of ``**``, else None).

    The one place where the tree's syntax meets the op table: ``a + b`` is the op
    whose sign is ``+``, ``tanh(a)`` the op named ``tanh``.
    """
    match node:
        case BinOp(op=sign, left=left, right=right):
            return BINARY[sign], (left, right), None
        case Neg(operand=x):
            return NEG, (x,), None
        case Pow(base=base, exponent=k):
            return POW, (base,), k
        case Call(func=func, arg=arg):
            return OPS[func], (arg,), None
    raise TypeError(f"not an operation: {node!r}")


def names(expr: Expr) -> list[str]:
    """The names an expression uses, in order of first appearance."""
    seen: dict[str, None] = {}
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        match node:
            case Name(id=ident):
                seen.setdefault(ident, None)
            case Neg(operand=x) | Pow(base=x) | Call(arg=x):
                stack.append(x)
            case BinOp(left=left, right=right):
                stack.append(right)
                stack.append(left)
    return list(seen)


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def to_text(expr: Expr) -> str:
    """Write an expression back as text the parser accepts (minimal parentheses)."""

    def fmt_fraction(q: Fraction) -> str:
        return str(q.numerator) if q.denominator == 1 else f"({q.numerator}/{q.denominator})"

    def go(node: Expr, parent: int) -> str:
        match node:
            case Num(text=text):
                return f"({text})" if text.startswith("-") and parent > 0 else text
            case Name(id=ident):
                return ident
            case Neg(operand=x):
                s = "-" + go(x, 3)
                return f"({s})" if parent >= 2 else s
            case BinOp(op=op, left=left, right=right):
                p = _PRECEDENCE[op]
                s = f"{go(left, p)} {op} {go(right, p + 1)}"
                return f"({s})" if p < parent else s
            case Pow(base=base, exponent=k):
                k_text = fmt_fraction(k) if k >= 0 else f"({fmt_fraction(k)})"
                return f"{go(base, 4)}**{k_text}"
            case Call(func=func, arg=arg):
                return f"{func}({go(arg, 0)})"
        raise TypeError(f"not an expression node: {node!r}")

    return go(expr, 0)
