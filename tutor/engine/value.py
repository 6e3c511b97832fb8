"""`Value`: a scalar that remembers how it was computed, and `backward()`.

Compatible with micrograd's `Value` (``data``, ``grad``, the arithmetic operators,
``tanh() exp() log() relu() sigmoid()``, ``backward()``), with these differences:

* ``backward()`` is **idempotent**: it first sets every gradient in the graph to
  zero, then seeds the output with 1. Calling it twice gives the same gradients
  (micrograd accumulates into whatever was there, so a second call doubles them).
* It sorts the graph iteratively, so a chain of a million ops is fine (micrograd's
  recursive sort raises `RecursionError` near 500).
* A node's inputs are kept in operand order (not in a set), so the order of the
  backward pass, and every bit of every gradient, is the same on every run.
* A node is one object holding no closures, so a graph has no reference cycles
  and is freed by reference counting alone; the cycle collector has far less to
  scan (micrograd allocates seven collector-tracked objects per node).
* Each operator is made from its op's entry in the op table (`tutor.engine.ops`),
  and `backward()` applies the same entries' local derivatives.
* Subtraction, division and negation are ops of their own (``sub``, ``div``,
  ``neg``) rather than compositions, so the graph reads the way it was written.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable

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
_new = object.__new__
_marks = itertools.count(1, 2)  # two marks per sort: "inputs pushed" and "placed"
# Marks live on the nodes, so two sorts of one graph must not interleave (the
# app derives in a worker thread while it draws): one sort at a time.
_sorting = threading.Lock()


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


def _overflow(op: Op, inputs: tuple[float, ...]) -> EngineError:
    shown = ", ".join(map(repr, inputs))
    return EngineError(op.name, f"the result overflows (inputs {shown})", inputs)


def _node(op: Op, data: float, x: Value, y: Value | None, param: float | None) -> Value:
    """A new node: ``op`` applied to ``x`` (and ``y``) gave ``data``."""
    if not _isfinite(data):
        raise _overflow(op, (x.data,) if y is None else (x.data, y.data))
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._x = x
    out._y = y
    out._param = param
    out._mark = 0
    return out


def _binary(op: Op, reflected: bool = False) -> Callable[[Value, object], Value]:
    """The operator method for a binary op: ``self op other``, or ``other op self``."""
    forward = op.forward

    def method(self: Value, other: object) -> Value:
        if not isinstance(other, Value):
            other = Value(other)
        if reflected:
            self, other = other, self
        return _node(op, forward(self.data, other.data), self, other, None)

    method.__name__ = method.__qualname__ = f"Value.{op.name}{' (reflected)' if reflected else ''}"
    return method


def _unary(op: Op) -> Callable[[Value], Value]:
    """The method for a unary op without a parameter: ``x.tanh()``, ``-x``."""
    forward = op.forward

    def method(self: Value) -> Value:
        return _node(op, forward(self.data, None), self, None, None)

    method.__name__ = method.__qualname__ = f"Value.{op.name}"
    return method


class Value:
    """A scalar node of an expression graph.

    A leaf has no op; an op's node holds its operands ``_x`` and, for a binary
    op, ``_y`` (two slots rather than a tuple: one object per node, not two).
    """

    __slots__ = ("_mark", "_op", "_param", "_x", "_y", "data", "grad", "label")

    def __init__(self, data: float, label: str = ""):
        self.data = _real(data)
        self.grad = 0.0
        self.label = label
        self._op: Op | None = None
        self._x: Value | None = None
        self._y: Value | None = None
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
        if self._x is None:
            return ()
        return (self._x,) if self._y is None else (self._x, self._y)

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

    __add__ = _binary(ADD)
    __radd__ = _binary(ADD, reflected=True)
    __sub__ = _binary(SUB)
    __rsub__ = _binary(SUB, reflected=True)
    __mul__ = _binary(MUL)
    __rmul__ = _binary(MUL, reflected=True)
    __truediv__ = _binary(DIV)
    __rtruediv__ = _binary(DIV, reflected=True)
    __neg__ = _unary(NEG)
    tanh = _unary(TANH)
    exp = _unary(EXP)
    log = _unary(LOG)
    relu = _unary(RELU)
    sigmoid = _unary(SIGMOID)

    def __pow__(self, exponent: object) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a number")
        p = _real(exponent)
        return _node(POW, POW.forward(self.data, p), self, None, p)

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
            x = node._x
            y = node._y
            if y is None:
                x.grad += op.local(x.data, node.data, node._param) * g
            else:
                dx, dy = op.local(x.data, y.data, node.data)
                x.grad += dx * g
                y.grad += dy * g


def topo_order(root: Value) -> list[Value]:
    """Every node `root` depends on, inputs before the nodes that use them.

    Iterative depth-first post-order, visiting operands left to right, so the
    order is the same on every run and a graph of any depth is fine. A node is
    placed once all its inputs are: the first time it is on top of the stack its
    inputs are pushed above it, the second time they are all placed.
    """
    with _sorting:
        pushed = next(_marks)
        placed = pushed + 1
        order: list[Value] = []
        stack = [root]
        place = order.append
        push = stack.append
        pop = stack.pop
        while stack:
            node = stack[-1]
            mark = node._mark
            if mark == pushed:
                node._mark = placed
                place(node)
                pop()
            elif mark == placed:  # it was an input of two nodes and is placed already
                pop()
            else:
                node._mark = pushed
                y = node._y
                if y is not None and y._mark != placed:
                    push(y)
                x = node._x
                if x is not None and x._mark != placed:
                    push(x)
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
        op = node._op
        if node in overrides:
            values[node] = overrides[node]
        elif op is None:
            values[node] = node.data
        else:
            xs = tuple(values[v] for v in node.inputs)
            out = op.forward(*xs) if op.arity == 2 else op.forward(*xs, node._param)
            if not _isfinite(out):
                raise _overflow(op, xs)
            values[node] = out
    return values[root]


def numeric_grad(root: Value, node: Value, h: float = 1e-6) -> float:
    """d root / d node by central differences: (f(x + h) - f(x - h)) / 2h."""
    x = node.data
    step = h * max(1.0, abs(x))
    above, below = x + step, x - step  # dividing by their exact distance, not 2 * step
    return (evaluate(root, {node: above}) - evaluate(root, {node: below})) / (above - below)


def numeric_grads(
    root: Value, nodes: Iterable[Value] | None = None, h: float = 1e-6
) -> dict[Value, float]:
    """Central-difference gradients of ``root`` with respect to ``nodes``.

    By default every node of the graph, leaves and inner nodes alike.
    """
    targets = list(nodes) if nodes is not None else topo_order(root)
    return {node: numeric_grad(root, node, h) for node in targets}
