"""An expression tree → engine nodes (the numeric side of a tree)."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from tutor.engine import Value, apply
from tutor.expr.nodes import Expr, Name, Num, operation


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
        op, operands, k = operation(node)
        return apply(op, [build(x) for x in operands], None if k is None else float(k))

    return build(expr)


def evaluate(expr: Expr, values: Mapping[str, float]) -> float:
    """The value of ``expr`` with each name bound to a number."""
    return to_engine(expr, {name: Value(x) for name, x in values.items()}).data
