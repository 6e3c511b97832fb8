"""How numbers and ops are written for a student: short, and never misleading."""

from __future__ import annotations

from tutor.engine import OPS, Value
from tutor.numbers import short

#: Numbers in the picture: at most 4 decimals (one rule for the whole tutor).
format_number = short


def op_symbol(node: Value) -> str:
    """How ``node``'s op is written: ``+``, ``tanh``, ``** 2``; ``""`` for a leaf."""
    if node.is_leaf:
        return ""
    symbol = OPS[node.op].symbol
    return symbol if node.param is None else f"{symbol} {format_number(node.param)}"
