"""The engine's ops as SymPy expressions.

`relu` and `sigmoid` are named SymPy functions, so that expressions print the
way a student writes them (``sigmoid(n)*(1 - sigmoid(n))``), `sympy.diff` knows
their derivatives, and ``float()`` / ``evalf()`` evaluate them. `relu`'s
derivative is ``Heaviside(x, 0)``: 1 for x > 0 and 0 for x ≤ 0, the engine's
(and micrograd's) convention at the kink.

`FORWARD` maps every op name of `tutor.engine.ops.OPS` to the function that
builds the op's output from its inputs; `pow` takes its constant exponent as a
second argument.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy import Expr, Function, Heaviside, S, exp


class relu(Function):
    """max(0, x), evaluated when the sign of x is known."""

    is_real = True
    is_nonnegative = True

    @classmethod
    def eval(cls, arg: Expr) -> Expr | None:
        if arg.is_positive:
            return arg
        if arg.is_nonpositive:
            return S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        return Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, arg: Expr, **hints: object) -> Expr:
        return sympy.Max(0, arg)

    def _eval_evalf(self, prec: int) -> Expr:
        return sympy.Max(0, self.args[0])._eval_evalf(prec)


class sigmoid(Function):
    """1 / (1 + exp(-x))."""

    @classmethod
    def eval(cls, arg: Expr) -> Expr | None:
        return S.Half if arg.is_zero else None

    def fdiff(self, argindex: int = 1) -> Expr:
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg: Expr, **hints: object) -> Expr:
        return 1 / (1 + exp(-arg))

    def _eval_evalf(self, prec: int) -> Expr:
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_real


FORWARD: dict[str, Callable[..., Expr]] = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "neg": lambda x: -x,
    "pow": lambda x, r: x**r,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "relu": relu,
    "sigmoid": sigmoid,
}
