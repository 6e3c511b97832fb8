"""A node of an engine graph as the symbolic side reads it, and its numbers made exact.

`tutor.symbolic.graph` (exact, and `DIGITS` digits on a large graph) and
`tutor.symbolic.bounded` (the same numbers as mpmath's) both build on this.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Protocol, TypeAlias

import sympy
from sympy import Rational

#: The significant digits of a number that is not kept exact (see `tutor.symbolic.graph`).
DIGITS = 50


class Value(Protocol):
    """A node of an engine graph (`tutor.engine.Value`), as far as the symbolic side reads it.

    Read through this protocol rather than imported: the symbolic side depends on
    the expression layer only, and stays a source of truth independent of the engine.
    """

    data: float
    label: str

    @property
    def op(self) -> str: ...  # "" for a leaf

    @property
    def inputs(self) -> tuple[Value, ...]: ...

    @property
    def param(self) -> float | None: ...


Exact: TypeAlias = Fraction | Rational
#: Exact values of some leaves, by node. Keyed by any type of node that meets `Value`:
#: a Mapping's key type is invariant, so an engine graph's dict would not be one of Value.
LeafValues: TypeAlias = Mapping[Any, Exact]


def exact(number: Exact | float) -> Rational:
    """A number as an exact SymPy rational (a float by its shortest decimal). A SymPy
    `Float` (a value already computed with bounded precision, such as a parameter
    after a symbolic training step) stays as it is."""
    if isinstance(number, sympy.Float):
        return number
    if isinstance(number, Fraction):
        return Rational(number.numerator, number.denominator)
    if isinstance(number, float):
        return Rational(str(number))
    return Rational(number)


def exponent(node: Value) -> Rational | None:
    """pow's constant exponent, exactly; ``None`` for any other op."""
    return exact(node.param) if node.op == "pow" else None
