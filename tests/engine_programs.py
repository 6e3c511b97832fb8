"""Generated programs on the numeric engine, for the property tests (not a test module).

A program is a list of leaf values and steps ``(op name, index, exponent)``: each
step applies the op to the latest node (and, for a binary op, to the node at
``index``, any earlier one or the latest again), so the output depends on every
step and nodes are reused. Programs are generated with every value inside its
op's domain, away from singularities and relu's kink, so that central differences
are a fair reference.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from hypothesis import strategies as st

from tutor.engine import OPS, Value

EXPONENTS = (0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5)

APPLY: dict[str, Callable] = {
    "add": lambda x, y, p: x + y,
    "sub": lambda x, y, p: x - y,
    "mul": lambda x, y, p: x * y,
    "div": lambda x, y, p: x / y,
    "neg": lambda x, y, p: -x,
    "pow": lambda x, y, p: x**p,
    "tanh": lambda x, y, p: x.tanh(),
    "exp": lambda x, y, p: x.exp(),
    "log": lambda x, y, p: x.log(),
    "relu": lambda x, y, p: x.relu(),
    "sigmoid": lambda x, y, p: x.sigmoid(),
}

BOUND = 50.0  # no value beyond this, so finite differences stay accurate
MARGIN = 0.25  # no operand this close to a singularity or a kink


def in_domain(name: str, x: float, y: float, p: float) -> bool:
    """Whether the op is smooth, and its slope moderate, around these operands."""
    if name == "div":
        return abs(y) >= MARGIN
    if name == "log":
        return x >= MARGIN
    if name == "relu":
        return abs(x) >= MARGIN
    if name == "exp":
        return x <= math.log(BOUND)
    if name == "pow":
        if p != int(p):
            return x >= MARGIN  # a real power of a positive number only
        return p >= 1 or abs(x) >= MARGIN  # x**0, x**-1, x**-2: away from 0
    return True


@dataclass(frozen=True)
class Program:
    leaves: tuple[float, ...]
    steps: tuple[tuple[str, int, float], ...]

    def run(self, value: type) -> list:
        """Every node, leaves first; the last one is the output."""
        nodes = [value(x) for x in self.leaves]
        for name, j, p in self.steps:
            nodes.append(APPLY[name](nodes[-1], nodes[j], p))
        return nodes


@st.composite
def programs(draw, ops: tuple[str, ...] = tuple(OPS), max_steps: int = 16) -> Program:
    """A program whose every step is in its op's domain and within `BOUND`."""
    leaves = draw(st.lists(st.floats(-3, 3), min_size=1, max_size=4))
    nodes = [Value(x) for x in leaves]
    steps = []
    for _ in range(draw(st.integers(2, max_steps))):
        name = draw(st.sampled_from(ops))
        j = draw(st.integers(0, len(nodes) - 1))
        p = draw(st.sampled_from(EXPONENTS))
        if not in_domain(name, nodes[-1].data, nodes[j].data, p):
            continue
        out = APPLY[name](nodes[-1], nodes[j], p)
        if abs(out.data) <= BOUND:
            nodes.append(out)
            steps.append((name, j, p))
    return Program(tuple(leaves), tuple(steps))
