"""An expression tree → engine nodes (the numeric side of a tree)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from tutor.engine import Value
from tutor.expr.nodes import BinOp, Call, Expr, Name, Neg, Num, Pow

_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": Value.__add__,
    "-": Value.__sub__,
    "*": Value.__mul__,
    "/": Value.__truediv__,
}
_CALLS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}


def to_engine(
    expr: Expr, env: Mapping[str, Value], constants: dict[Value, Fraction] | None = None
) -> Value:
    """Build the engine nodes of ``expr``, with names bound to the nodes in ``env``.

    Each number literal becomes a fresh leaf; when ``constants`` is given, it
    records each one's exact value. Raises `tutor.engine.EngineError` when a
    value leaves an op's domain.
    """

    def build(node: Expr) -> Value:
        match node:
            case Num(value=q):
                leaf = Value(float(q))
                if constants is not None:
                    constants[leaf] = q
                return leaf
            case Name(id=ident):
                return env[ident]
            case Neg(operand=x):
                return -build(x)
            case BinOp(op=op, left=left, right=right):
                return _BINARY[op](build(left), build(right))
            case Pow(base=base, exponent=k):
                return build(base) ** float(k)
            case Call(func=func, arg=arg):
                return _CALLS[func](build(arg))
        raise TypeError(f"not an expression node: {node!r}")

    return build(expr)


def evaluate(expr: Expr, values: Mapping[str, float]) -> float:
    """The value of ``expr`` with each name bound to a number."""
    return to_engine(expr, {name: Value(x) for name, x in values.items()}).data
