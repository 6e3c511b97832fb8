"""The op table: each operation's forward value and local derivatives, side by side.

This is the one place where the numeric engine learns what an operation means.
Every op is registered once under its name; `Value` looks ops up here to compute
forward values and `backward()` looks them up to apply the chain rule. The
symbolic layer (`tutor.symbolic`) registers a limit-definition derivation under
the same names, and a test holds the two equal.

Signatures, kept small so the backward loop stays cheap:

* binary ops: ``forward(x, y) -> out`` and ``local(x, y, out) -> (d out/dx, d out/dy)``
* unary ops:  ``forward(x, p) -> out`` and ``local(x, out, p) -> d out/dx``, where
  ``p`` is the op's constant parameter (only ``pow`` has one: the exponent).

Domain problems (log of a non-positive number, division by zero, a negative base
to a non-integer power) raise `EngineError` naming the op and the values.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass


class EngineError(ArithmeticError):
    """An operation that has no real, finite result at the given values."""

    def __init__(self, op: str, message: str, inputs: tuple[float, ...] = ()):
        super().__init__(f"{op}: {message}")
        self.op = op
        self.inputs = inputs


@dataclass(frozen=True, slots=True)
class Op:
    name: str
    arity: int
    symbol: str  # how the op is written: "+", "*", "tanh", ...
    forward: Callable
    local: Callable


def _num(x: float) -> str:
    return repr(x) if x != int(x) or abs(x) >= 1e16 else str(int(x))


def _div(x: float, y: float) -> float:
    if y == 0.0:
        raise EngineError("div", f"division by zero ({_num(x)} / {_num(y)})", (x, y))
    return x / y


def _pow(x: float, p: float) -> float:
    if x == 0.0 and p < 0:
        raise EngineError("pow", f"0 to the negative power {_num(p)} is a division by zero", (x,))
    if x < 0.0 and p != int(p):
        raise EngineError(
            "pow", f"a negative number ({_num(x)}) to the non-integer power {_num(p)}", (x,)
        )
    try:
        return x**p
    except OverflowError:
        raise EngineError("pow", f"{_num(x)} ** {_num(p)} overflows", (x,)) from None


def _pow_local(x: float, out: float, p: float) -> float:
    # p * x**(p-1), written so that x = 0 with p >= 1 does not divide by zero.
    if p == 0:
        return 0.0
    if x == 0.0 and p < 1:
        raise EngineError("pow", f"the slope of x ** {_num(p)} at x = 0 is infinite", (x,))
    try:
        return p * x ** (p - 1)
    except OverflowError:
        raise EngineError(
            "pow", f"the slope of x ** {_num(p)} at {_num(x)} overflows", (x,)
        ) from None


def _exp(x: float, p: object = None) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise EngineError("exp", f"exp({_num(x)}) overflows", (x,)) from None


def _log(x: float, p: object = None) -> float:
    if x <= 0.0:
        raise EngineError("log", f"log of a non-positive number ({_num(x)})", (x,))
    return math.log(x)


def _sigmoid(x: float, p: object = None) -> float:
    # Two forms so that neither exp overflows.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


OPS: dict[str, Op] = {}


def register(op: Op) -> Op:
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is already registered")
    OPS[op.name] = op
    return op


# fmt: off
ADD = register(Op("add", 2, "+", operator.add, lambda x, y, out: (1.0, 1.0)))
SUB = register(Op("sub", 2, "-", operator.sub, lambda x, y, out: (1.0, -1.0)))
MUL = register(Op("mul", 2, "*", operator.mul, lambda x, y, out: (y, x)))
DIV = register(Op("div", 2, "/", _div, lambda x, y, out: (1.0 / y, -out / y)))  # -x/y² = -out/y
NEG = register(Op("neg", 1, "-", lambda x, p: -x, lambda x, out, p: -1.0))
POW = register(Op("pow", 1, "**", _pow, _pow_local))
TANH = register(Op("tanh", 1, "tanh", lambda x, p: math.tanh(x), lambda x, out, p: 1.0 - out * out))
EXP = register(Op("exp", 1, "exp", _exp, lambda x, out, p: out))
LOG = register(Op("log", 1, "log", _log, lambda x, out, p: 1.0 / x))
RELU = register(Op("relu", 1, "relu", lambda x, p: x if x > 0.0 else 0.0,
                   lambda x, out, p: 1.0 if x > 0.0 else 0.0))
SIGMOID = register(Op("sigmoid", 1, "sigmoid", _sigmoid, lambda x, out, p: out * (1.0 - out)))
# fmt: on

#: The functions a lesson script or an answer may call, by name.
FUNCTIONS = ("tanh", "exp", "log", "relu", "sigmoid")
