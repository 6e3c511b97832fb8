"""The op table: each operation's forward value and local derivatives, side by side.

This is the one place where the numeric engine learns what an operation means.
Every op is registered once under its name; `Value` looks ops up here to compute
forward values and `backward()` looks them up to apply the chain rule. The
expression parser folds constants with the same forward values, and the names a
student may write (``+``, ``tanh``, ...) are read from here too. The symbolic
layer (`tutor.symbolic`) registers a limit-definition derivation under the same
names, and a test holds the two equal.

Every op has the same two functions, whatever its number of operands:

* ``forward(x, p) -> out``: ``x`` holds the operands' values in order
  (``x[0]``, and ``x[1]`` for a binary op), ``p`` the op's constant parameter
  (only ``pow`` has one: the exponent; else ``None``);
* ``local(x, out, p) -> (d out/d x[0], ...)``: one local derivative per operand.

Domain problems (log of a non-positive number, division by zero, a negative base
to a non-integer power) raise `EngineError` naming the op and the values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast


class EngineError(ArithmeticError):
    """An operation that has no real, finite result at the given values."""

    def __init__(self, op: str, message: str, inputs: tuple[float, ...] = ()):
        super().__init__(f"{op}: {message}")
        self.op = op
        self.message = message
        self.inputs = inputs


Values = Sequence[float]
Forward = Callable[[Values, float | None], float]
Local = Callable[[Values, float, float | None], tuple[float, ...]]


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    arity: int
    symbol: str  # how the op is written: "+", "*", "tanh", ...
    forward: Forward
    local: Local

    @property
    def is_function(self) -> bool:
        """Written as a call, ``tanh(x)``, rather than with an operator sign."""
        return self.symbol.isidentifier()


def _num(x: float) -> str:
    return repr(x) if x != int(x) or abs(x) >= 1e16 else str(int(x))


def _div(x: Values, p: float | None) -> float:
    if x[1] == 0:
        raise EngineError("div", f"division by zero ({_num(x[0])} / {_num(x[1])})", tuple(x))
    return x[0] / x[1]


def _pow(x: Values, p: float) -> float:
    (base,) = x
    if base == 0.0 and p < 0:
        raise EngineError(
            "pow", f"0 to the negative power {_num(p)} is a division by zero", (base,)
        )
    if base < 0.0 and p != int(p):
        raise EngineError(
            "pow", f"a negative number ({_num(base)}) to the non-integer power {_num(p)}", (base,)
        )
    try:
        return base**p
    except OverflowError:
        raise EngineError("pow", f"{_num(base)} ** {_num(p)} overflows", (base,)) from None


def _pow_local(x: Values, out: float, p: float) -> tuple[float]:
    # p * x**(p-1), written so that x = 0 with p >= 1 does not divide by zero.
    (base,) = x
    if p == 0:
        return (0.0,)
    if base == 0.0 and p < 1:
        raise EngineError("pow", f"the slope of x ** {_num(p)} at x = 0 is infinite", (base,))
    try:
        return (p * base ** (p - 1),)
    except OverflowError:
        raise EngineError(
            "pow", f"the slope of x ** {_num(p)} at {_num(base)} overflows", (base,)
        ) from None


def _exp(x: Values, p: float | None) -> float:
    try:
        return math.exp(x[0])
    except OverflowError:
        raise EngineError("exp", f"exp({_num(x[0])}) overflows", (x[0],)) from None


def _log(x: Values, p: float | None) -> float:
    if x[0] <= 0.0:
        raise EngineError("log", f"log of a non-positive number ({_num(x[0])})", (x[0],))
    return math.log(x[0])


def _sigmoid(x: Values, p: float | None) -> float:
    # Two forms so that neither exp overflows.
    if x[0] >= 0.0:
        return 1.0 / (1.0 + math.exp(-x[0]))
    z = math.exp(x[0])
    return z / (1.0 + z)


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is already registered")
    OPS[op.name] = op
    return op


# Each op: its name, its number of operands, how it is written, its forward value
# and its local derivatives. d(x/y)/dy = -x/y² is written -out/y.
# fmt: off
ADD = register(Op("add", 2, "+", lambda x, p: x[0] + x[1], lambda x, out, p: (1.0, 1.0)))
SUB = register(Op("sub", 2, "-", lambda x, p: x[0] - x[1], lambda x, out, p: (1.0, -1.0)))
MUL = register(Op("mul", 2, "*", lambda x, p: x[0] * x[1], lambda x, out, p: (x[1], x[0])))
DIV = register(Op("div", 2, "/", _div, lambda x, out, p: (1.0 / x[1], -out / x[1])))
NEG = register(Op("neg", 1, "-", lambda x, p: -x[0], lambda x, out, p: (-1.0,)))
# pow is the op with a parameter, and every caller gives it the exponent.
POW = register(Op("pow", 1, "**", cast(Forward, _pow), cast(Local, _pow_local)))
TANH = register(Op("tanh", 1, "tanh", lambda x, p: math.tanh(x[0]),
                   lambda x, out, p: (1.0 - out * out,)))
EXP = register(Op("exp", 1, "exp", _exp, lambda x, out, p: (out,)))
LOG = register(Op("log", 1, "log", _log, lambda x, out, p: (1.0 / x[0],)))
RELU = register(Op("relu", 1, "relu", lambda x, p: x[0] if x[0] > 0.0 else 0.0,
                   lambda x, out, p: (1.0 if x[0] > 0.0 else 0.0,)))
SIGMOID = register(Op("sigmoid", 1, "sigmoid", _sigmoid, lambda x, out, p: (out * (1.0 - out),)))
# fmt: on

#: The functions a lesson script or an answer may call, by name: the ops written as calls.
FUNCTIONS = tuple(name for name, op in OPS.items() if op.is_function)

#: The ops written with an operator sign between two operands, by sign: ``"+"`` -> add.
BINARY = {op.symbol: op for op in OPS.values() if op.arity == 2}
