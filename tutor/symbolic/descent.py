"""Gradient descent by the symbolic source: each step's gradients from the derivations.

The training questions of a lesson (the loss, or a parameter, after k steps at a
rate; with or without zeroing the gradients) are answered by the engine
(`tutor.engine.train.GraphTrainer`). This is the same descent with every
gradient from `graph_gradients`: each op's local derivative derived from the
limit definition, composed by reverse accumulation, at bounded precision
(`DIGITS` digits once a value is not rational). A lesson checker holds the two
(and central differences, `tutor.engine.train.finite_difference_descent`) equal.
On a graph that does not take the whole-expression path (`graph.whole`: a
network), where every number is `DIGITS` digits anyway, each step runs as
`tutor.symbolic.bounded`'s program: the same formulas on libmp's numbers, some 15x
faster than on SymPy Floats.

Values are passed per leaf, never written into the graph: the graph is read only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy
from sympy import Expr

import tutor.symbolic.bounded as bounded
from tutor.symbolic.graph import graph_gradients, node_values, topo_order, whole
from tutor.symbolic.node import DIGITS, LeafValues, Value, exact

MAX_STEPS = 100


@dataclass(frozen=True)
class Descent:
    """What k steps did: the loss before each step, the parameters' values and the
    gradients they held at the last step, and the loss after it."""

    losses: list[Expr]
    values: dict[Value, Expr]
    grads: dict[Value, Expr]
    final_loss: Expr


def descent(
    root: Value,
    params: Sequence[Value],
    rate: float | sympy.Rational,
    steps: int,
    *,
    values: LeafValues | None = None,
    zero_grad: bool = True,
) -> Descent:
    """``steps`` steps of gradient descent on ``params`` (leaves of ``root``'s graph):
    each moves every parameter by ``-rate`` times its gradient, or, with
    ``zero_grad=False``, times the sum of every gradient so far (micrograd's
    accumulating ``backward()`` without ``zero_grad``). Other leaves keep their values
    (from ``values``, else their own)."""
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be 0 to {MAX_STEPS}, not {steps}")
    order = topo_order(root)
    if not whole(order):  # every value a DIGITS-digit number: see `bounded`
        try:
            return _bounded_descent(order, params, rate, steps, values or {}, zero_grad)
        except bounded.Unsupported:
            pass  # an op whose formulas `bounded` does not read: SymPy's numbers
    step = exact(rate)
    current: dict[Value, Expr] = {p: exact((values or {}).get(p, p.data)) for p in params}
    fixed: Mapping[Value, Expr] = {k: exact(v) for k, v in (values or {}).items()}
    held: dict[Value, Expr] = dict.fromkeys(params, sympy.S.Zero)
    losses: list[Expr] = []
    for _ in range(steps):
        at = {**fixed, **current}
        losses.append(node_values(root, at)[root])
        grads = graph_gradients(root, at)
        for p in params:
            g = grads.get(p, sympy.S.Zero)
            held[p] = g if zero_grad else _number(held[p] + g)
            current[p] = _number(current[p] - step * held[p])
    final = node_values(root, {**fixed, **current})[root]
    return Descent(losses, current, held, final)


def _bounded_descent(
    order: list[Value],
    params: Sequence[Value],
    rate: float | sympy.Rational,
    steps: int,
    values: LeafValues,
    zero_grad: bool,
) -> Descent:
    """`descent` on a large graph: the same steps, every number a `DIGITS`-digit mpmath
    number (`tutor.symbolic.bounded`) rather than a SymPy Float of as many digits."""
    number = bounded.number
    program = bounded.Program(order)
    leaves = {n: number(exact(values.get(n, n.data))) for n in order if not n.inputs}
    current = {p: number(exact(values.get(p, p.data))) for p in params}
    held = dict.fromkeys(params, bounded.ZERO)
    minus_step = number(-exact(rate))
    where = {p: i for i, p in enumerate(order) if p in current}
    losses = []
    for _ in range(steps):
        leaves.update((p, v) for p, v in current.items() if p in leaves)
        at = program.values(leaves)
        losses.append(at[-1])
        grads = program.gradients(at)
        for p in params:
            g = grads[where[p]] if p in where else bounded.ZERO
            held[p] = g if zero_grad else bounded.add(held[p], g)
            current[p] = bounded.add(current[p], bounded.mul(minus_step, held[p]))
    leaves.update((p, v) for p, v in current.items() if p in leaves)
    final = program.values(leaves)[-1]
    as_sympy = bounded.to_sympy
    return Descent(
        [as_sympy(x) for x in losses],
        {p: as_sympy(v) for p, v in current.items()},
        {p: as_sympy(g) for p, g in held.items()},
        as_sympy(final),
    )


def _number(value: Expr) -> Expr:
    return value if value.is_Rational or value.is_Float else value.evalf(DIGITS)
