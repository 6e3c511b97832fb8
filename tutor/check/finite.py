"""Finite differences that know when they can be trusted.

A central difference (f(x + h) - f(x - h)) / 2h is only a good estimate of the
slope when f is smooth between x - h and x + h. A fixed step fails twice:

* near a kink: with ``a = 1e-9`` in ``relu(a * b)``, a step of 1e-6 crosses the
  point where relu's input changes sign, and the estimate is half the slope;
* near a steep point: with ``b = 1e-6`` in ``b ** 0.5``, a step of 1e-6 reaches
  the edge of the domain, where the curve is vertical.

So the step adapts: it starts at a fraction of the node's own size, shrinks
(by 10 each time) while x ± h crosses a relu's kink or leaves an op's domain,
and shrinks further until two estimates, at h and h/2, settle (agree to a few
digits; their Richardson extrapolation is the answer). When no step down to the
limits of floating point does that, the result says why the estimate cannot be
trusted, instead of a number that would look like a disagreement.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass

from tutor.engine import EngineError, Value, evaluate, topo_order
from tutor.numbers import full

START = 1e-4  # the first step, relative to the node's size
SHRINK = 10.0
SMALLEST = 1e-13  # relative to the node's size: below this, rounding swamps the slope
SETTLED = 1e-6  # estimates at h and h/2 agree to this relative distance
EPS = sys.float_info.epsilon


@dataclass(frozen=True)
class Estimate:
    """A slope by finite differences, or why there is none to trust (``value`` None)."""

    value: float | None
    step: float | None = None
    why: str = ""

    @property
    def trusted(self) -> bool:
        return self.value is not None


def slope(root: Value, node: Value) -> Estimate:
    """d root / d node by central differences, with a step that fits the point."""
    x = node.data
    size = abs(x) if x != 0 else 1.0
    kinks = [n.inputs[0] for n in topo_order(root) if n.op == "relu"]
    kinks = [k for k in kinks if k is node or node in topo_order(k)]  # those x moves
    h = START * max(size, 1e-300)
    crossed = edge = None
    previous: list[float] = []
    while h >= SMALLEST * size:
        crossing = _crossed_kink(kinks, node, x, h)
        if crossing is not None:
            crossed, h = crossing, h / SHRINK
            continue
        try:
            wide = _central(root, node, x, h)
            narrow = _central(root, node, x, h / 2)
        except (EngineError, ArithmeticError, ValueError) as exc:
            edge, h = str(exc), h / SHRINK
            continue
        # Rounding error of one estimate: a few ulps of f, divided by the step.
        noise = 8 * EPS * max(abs(root.data), 1e-300) / h
        if abs(wide - narrow) <= SETTLED * abs(narrow) + noise:
            # Richardson: the h² error terms of the two estimates cancel.
            return Estimate((4 * narrow - wide) / 3, h / 2)
        previous.append(narrow)
        h /= SHRINK
    if crossed is not None and not previous:
        return Estimate(
            None,
            why=f"relu's input is {full(crossed)} here: every step small enough for "
            f"floating point crosses its kink",
        )
    if edge is not None and not previous:
        return Estimate(None, why=f"every step leaves the function's domain ({edge})")
    shown = ", ".join(full(v) for v in previous[-3:])
    return Estimate(
        None,
        why=f"the estimates do not settle as the step shrinks (last: {shown}); the "
        f"function is too steep or too curved at this point for finite differences",
    )


def _central(root: Value, node: Value, x: float, h: float) -> float:
    above, below = x + h, x - h  # dividing by their exact distance, not 2h
    result = (evaluate(root, {node: above}) - evaluate(root, {node: below})) / (above - below)
    if not math.isfinite(result):
        raise ArithmeticError("the difference overflows")
    return result


def _crossed_kink(kinks: list[Value], node: Value, x: float, h: float) -> float | None:
    """A relu input whose sign differs at x - h, x or x + h (its value at x), else None."""
    for kink in kinks:
        values: tuple[float, ...]
        if kink is node:
            values = (x - h, x, x + h)
        else:
            try:
                values = tuple(evaluate(kink, {node: v}) for v in (x - h, x, x + h))
            except (EngineError, ArithmeticError):
                continue  # out of a domain: the difference itself will say so
        signs = {v > 0 for v in values}
        if len(signs) > 1 or 0.0 in values:
            return kink.data
    return None
