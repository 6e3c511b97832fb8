"""`Value`: a scalar that remembers how it was computed, and `backward()`.

Compatible with micrograd's `Value` (``data``, ``grad``, the arithmetic operators,
``tanh() exp() log() relu() sigmoid()``, ``backward()``), with these differences:

* ``backward()`` is **idempotent**: it first sets every gradient in the graph to
  zero, then seeds the output with 1. Calling it twice gives the same gradients
  (micrograd accumulates into whatever was there, so a second call doubles them).
* It sorts the graph iteratively, so a chain of a million ops is fine (micrograd's
  recursive sort raises `RecursionError` near 500).
* A node's inputs are a tuple in operand order, so the order of the backward pass,
  and every bit of every gradient, is the same on every run.
* Nodes hold no closures, so a graph has no reference cycles and is freed by
  reference counting alone; the cycle collector has far less to scan.
* Subtraction, division and negation are ops of their own (``sub``, ``div``,
  ``neg``) rather than compositions, so the graph reads the way it was written.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from tutor.engine.ops import (
    ADD,
    DIV,
    EXP,
    LOG,
    MUL,
    NEG,
    POW,
    RELU,
    SIGMOID,
    SUB,
    TANH,
    EngineError,
    Op,
)

_isfinite = math.isfinite
_marks = itertools.count(1)


def _real(data: object) -> float:
    if type(data) is float:
        x = data
    elif isinstance(data, int | float) and not isinstance(data, bool):
        try:
            x = float(data)
        except OverflowError:
            raise ValueError(f"Value: {data} is too large for a float") from None
    else:
        raise TypeError(
            f"Value expects a real number (int or float), got {type(data).__name__} {data!r}"
        )
    if not _isfinite(x):
        raise ValueError(f"Value expects a finite number, got {x}")
    return x


class Value:
    """A scalar node of an expression graph."""

    __slots__ = ("_mark", "_op", "_param", "_prev", "data", "grad", "label")

    def __init__(self, data: float, label: str = ""):
        self.data = _real(data)
        self.grad = 0.0
        self.label = label
        self._op: Op | None = None
        self._prev: tuple[Value, ...] = ()
        self._param: float | None = None
        self._mark = 0

    # -- introspection -------------------------------------------------------

    @property
    def op(self) -> str:
        """The op's name (``"add"``, ``"tanh"``, ...); ``""`` for a leaf."""
        return self._op.name if self._op is not None else ""

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The op's operands, in order; ``()`` for a leaf."""
        return self._prev

    @property
    def param(self) -> float | None:
        """The op's constant parameter: the exponent of ``pow``, else ``None``."""
        return self._param

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- building nodes ------------------------------------------------------

    @staticmethod
    def _node(op: Op, data: float, prev: tuple[Value, ...], param: float | None) -> Value:
        if not _isfinite(data):
            inputs = tuple(v.data for v in prev)
            shown = ", ".join(repr(x) for x in inputs)
            raise EngineError(op.name, f"the result overflows (inputs {shown})", inputs)
        out = Value.__new__(Value)
        out.data = data
        out.grad = 0.0
        out.label = ""
        out._op = op
        out._prev = prev
        out._param = param
        out._mark = 0
        return out

    def _binary(self, op: Op, other: object) -> Value:
        if not isinstance(other, Value):
            other = Value(other)
        return Value._node(op, op.forward(self.data, other.data), (self, other), None)

    def _rbinary(self, op: Op, other: object) -> Value:
        return Value(other)._binary(op, self)

    def _unary(self, op: Op, param: float | None = None) -> Value:
        return Value._node(op, op.forward(self.data, param), (self,), param)

    def __add__(self, other: object) -> Value:
        return self._binary(ADD, other)

    def __radd__(self, other: object) -> Value:
        return self._rbinary(ADD, other)

    def __sub__(self, other: object) -> Value:
        return self._binary(SUB, other)

    def __rsub__(self, other: object) -> Value:
        return self._rbinary(SUB, other)

    def __mul__(self, other: object) -> Value:
        return self._binary(MUL, other)

    def __rmul__(self, other: object) -> Value:
        return self._rbinary(MUL, other)

    def __truediv__(self, other: object) -> Value:
        return self._binary(DIV, other)

    def __rtruediv__(self, other: object) -> Value:
        return self._rbinary(DIV, other)

    def __neg__(self) -> Value:
        return self._unary(NEG)

    def __pow__(self, exponent: object) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a number")
        return self._unary(POW, _real(exponent))

    def tanh(self) -> Value:
        return self._unary(TANH)

    def exp(self) -> Value:
        return self._unary(EXP)

    def log(self) -> Value:
        return self._unary(LOG)

    def relu(self) -> Value:
        return self._unary(RELU)

    def sigmoid(self) -> Value:
        return self._unary(SIGMOID)

    # -- the chain rule --------------------------------------------------------

    def backward(self) -> None:
        """Set ``grad`` of every node in the graph to d self / d node.

        Idempotent: every gradient is reset to zero first, so a second call gives
        the same gradients (unlike micrograd, which would add them up again).
        """
        order = topo_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            g = node.grad
            if op.arity == 2:
                a, b = node._prev
                da, db = op.local(a.data, b.data, node.data)
                a.grad += da * g
                b.grad += db * g
            else:
                a = node._prev[0]
                a.grad += op.local(a.data, node.data, node._param) * g


def topo_order(root: Value) -> list[Value]:
    """Every node `root` depends on, inputs before the nodes that use them.

    Iterative depth-first post-order, visiting operands left to right, so the
    order is the same on every run and a graph of any depth is fine.
    """
    mark = next(_marks)
    order: list[Value] = []
    stack: list[tuple[Value, bool]] = [(root, False)]
    push = stack.append
    pop = stack.pop
    while stack:
        node, expanded = pop()
        if expanded:
            order.append(node)
            continue
        if node._mark == mark:
            continue
        node._mark = mark
        push((node, True))
        for child in reversed(node._prev):
            if child._mark != mark:
                push((child, False))
    return order


def evaluate(root: Value, overrides: dict[Value, float] | None = None) -> float:
    """Recompute ``root`` from its leaves without touching the graph.

    ``overrides`` replaces the value of any node (a leaf or an inner node, whose
    own inputs are then ignored): this is how finite differences nudge one node.
    Raises `EngineError` if the nudged values leave an op's domain.
    """
    overrides = overrides or {}
    values: dict[Value, float] = {}
    for node in topo_order(root):
        if node in overrides:
            values[node] = overrides[node]
            continue
        op = node._op
        if op is None:
            values[node] = node.data
        elif op.arity == 2:
            a, b = node._prev
            values[node] = op.forward(values[a], values[b])
        else:
            values[node] = op.forward(values[node._prev[0]], node._param)
        if not _isfinite(values[node]):
            raise EngineError(op.name if op else "leaf", "the result overflows")
    return values[root]


def numeric_grad(root: Value, node: Value, h: float = 1e-6) -> float:
    """d root / d node by central differences: (f(x + h) - f(x - h)) / 2h."""
    x = node.data
    step = h * max(1.0, abs(x))
    up = evaluate(root, {node: x + step})
    down = evaluate(root, {node: x - step})
    return (up - down) / (2 * step)


def numeric_grads(
    root: Value, nodes: Iterable[Value] | None = None, h: float = 1e-6
) -> dict[Value, float]:
    """Central-difference gradients of ``root`` with respect to ``nodes``.

    By default every node of the graph, leaves and inner nodes alike.
    """
    targets = list(nodes) if nodes is not None else topo_order(root)
    return {node: numeric_grad(root, node, h) for node in targets}
