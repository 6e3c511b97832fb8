"""`Value`: a scalar that remembers how it was computed, and `backward()`.

Read it next to micrograd's ``engine.py``: the same `Value` (``data``, ``grad``,
the arithmetic operators, ``tanh() exp() log() relu() sigmoid()``,
``backward()``), improved where a comment says "micrograd:".

The one change of structure: micrograd writes each op's local derivative in a
closure stored on the node the op made. Here the node stores *which* op made it
(an entry of the op table, `tutor.engine.ops`), and `backward()` asks that op for
its local derivatives. The same table is what the parser, the symbolic layer and
the tests read, so an op means one thing everywhere; and a node holds no closure
that refers back to the node, so a graph has no reference cycle and is freed by
reference counting alone (micrograd's cycles make the cycle collector take most
of its training step).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import isfinite

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


class Value:
    """A scalar node of an expression graph: a leaf, or an op applied to operands."""

    # Slots: one small object per node for the cycle collector to track, so the
    # operands are two slots rather than a tuple (a second object per node).
    __slots__ = ("_op", "_x", "_y", "data", "grad", "label", "param")

    def __init__(
        self,
        data: float,
        label: str = "",
        _op: Op | None = None,
        _x: Value | None = None,
        _y: Value | None = None,
        _param: float | None = None,
    ):
        # A leaf's number is checked here (micrograd takes anything, even a string);
        # an op's result, by `_binary` or `_unary`.
        self.data = _real(data) if _op is None else data
        self.grad = 0.0
        self.label = label
        self._op = _op  # the op that made it (micrograd: a closure, a cycle); None for a leaf
        self._x = _x  # its operands, in order: micrograd keeps a set, and so
        self._y = _y  # adds gradients up in an order that changes between runs
        self.param = _param  # the op's constant: the exponent of pow, else None

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
    def is_leaf(self) -> bool:
        return self._op is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- building nodes: each operator applies one op of the table --------------------

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return _binary(ADD, self, other)

    def __radd__(self, other: float) -> Value:
        return _binary(ADD, Value(other), self)

    def __sub__(self, other: Value | float) -> Value:  # micrograd: self + (-other), two nodes
        other = other if isinstance(other, Value) else Value(other)
        return _binary(SUB, self, other)

    def __rsub__(self, other: float) -> Value:
        return _binary(SUB, Value(other), self)

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return _binary(MUL, self, other)

    def __rmul__(self, other: float) -> Value:
        return _binary(MUL, Value(other), self)

    def __truediv__(self, other: Value | float) -> Value:  # micrograd: self * other**-1, two nodes
        other = other if isinstance(other, Value) else Value(other)
        return _binary(DIV, self, other)

    def __rtruediv__(self, other: float) -> Value:
        return _binary(DIV, Value(other), self)

    def __neg__(self) -> Value:  # micrograd: self * -1, two nodes
        return _unary(NEG, self)

    def __pow__(self, exponent: object) -> Value:
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a number")
        return _unary(POW, self, _real(exponent))

    def tanh(self) -> Value:  # micrograd's repository has relu only; the lecture adds tanh, exp
        return _unary(TANH, self)

    def exp(self) -> Value:
        return _unary(EXP, self)

    def log(self) -> Value:
        return _unary(LOG, self)

    def relu(self) -> Value:
        return _unary(RELU, self)

    def sigmoid(self) -> Value:
        return _unary(SIGMOID, self)

    # -- the chain rule ----------------------------------------------------------------

    def backward(self, *, accumulate: bool = False) -> None:
        """Set ``grad`` of every node in the graph to d self / d node.

        By default every ``grad`` is reset first, so calling it twice gives the same
        gradients. micrograd resets nothing: each call *adds* to what ``grad``
        already holds. ``accumulate=True`` does exactly what micrograd does. That is
        the classic bug of a training loop that forgets to zero the gradients: a
        fresh forward pass makes fresh inner nodes, but the parameters are the same
        leaves, so their gradients add up step after step (two forward and backward
        passes at the same numbers give twice the gradient). On one graph called
        twice, the inner nodes' leftover gradients flow down again as well.
        """
        backward_over(self, topo_order(self), accumulate=accumulate)


def backward_over(root: Value, order: list[Value], *, accumulate: bool = False) -> None:
    """``root.backward()`` over ``order``, its graph's `topo_order`: for a graph whose
    shape never changes and whose order is kept (a trainer's), so that each step does
    not sort it again."""
    if not accumulate:
        for node in order:  # micrograd: no reset, so a second call adds on top
            node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        op, x, y = node._op, node._x, node._y
        # The op's local derivatives times the upstream gradient, added with +=
        # (a node used twice gets both contributions). Written out for one and
        # two operands: a loop over the operands would double the time of a step.
        # A node with a second operand has a first, and a node with an operand has its
        # op: the types cannot say so, and a check here would cost in every step.
        if y is not None:
            dx, dy = op.local((x.data, y.data), node.data, node.param)  # type: ignore[union-attr]
            x.grad += dx * node.grad  # type: ignore[union-attr]
            y.grad += dy * node.grad
        elif x is not None:
            (dx,) = op.local((x.data,), node.data, node.param)  # type: ignore[union-attr]
            x.grad += dx * node.grad


def _real(data: object) -> float:
    """``data`` as a finite float, or a clear error."""
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
    if not isfinite(x):
        raise ValueError(f"Value expects a finite number, got {x}")
    return x


def _binary(op: Op, x: Value, y: Value) -> Value:
    """The node ``x op y``."""
    data = op.forward((x.data, y.data), None)
    if not isfinite(data):
        raise _overflow(op, (x.data, y.data))
    return Value(data, "", op, x, y)


def _unary(op: Op, x: Value, param: float | None = None) -> Value:
    """The node ``op(x)`` (``x ** param`` for pow)."""
    data = op.forward((x.data,), param)
    if not isfinite(data):
        raise _overflow(op, (x.data,))
    return Value(data, "", op, x, None, param)


def apply(op: Op, operands: Sequence[Value], param: float | None = None) -> Value:
    """The node of ``op`` on ``operands``, as the operators make it (``apply(MUL, (a, b))``
    is ``a * b``): for code that has the op as data, such as the expression parser's."""
    if len(operands) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} operand(s), got {len(operands)}")
    if op.arity == 2:
        return _binary(op, *operands)
    return _unary(op, operands[0], None if param is None else _real(param))


def _overflow(op: Op, x: tuple[float, ...]) -> EngineError:
    shown = ", ".join(map(repr, x))
    return EngineError(op.name, f"the result overflows (inputs {shown})", x)


def topo_order(root: Value) -> list[Value]:
    """Every node `root` depends on, inputs before the nodes that use them.

    micrograd sorts recursively, and raises RecursionError near 500 chained ops:
    this is the same depth-first post-order with a stack, so any depth is fine.
    A node stays on the stack until its operands are placed, then is placed
    itself. Operands are visited left to right, so the order is the same on
    every run. The set of placed nodes is local: two threads may sort one graph.
    """
    order: list[Value] = []
    placed: set[Value] = set()
    stack = [root]
    while stack:
        node = stack[-1]
        x, y = node._x, node._y
        if y is not None and y not in placed:  # pushed first, so x is visited first
            stack.append(y)
            if x not in placed:
                stack.append(x)  # type: ignore[arg-type]  # with a second operand, a first
        elif x is not None and x not in placed:
            stack.append(x)
        else:  # its operands are placed (or it has none): place it, once
            stack.pop()
            if node not in placed:
                placed.add(node)
                order.append(node)
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
        elif op is None:  # a leaf
            values[node] = node.data
        else:
            x = tuple(values[v] for v in node.inputs)
            values[node] = op.forward(x, node.param)
            if not isfinite(values[node]):
                raise _overflow(op, x)
    return values[root]


def recompute(root: Value, order: list[Value] | None = None) -> None:
    """Recompute every inner node's ``data`` in place from the leaves' current ``data``.

    micrograd runs the forward pass again after a training step, making a new graph;
    a lesson's graph is built once from its script, so after its parameters move it
    is brought up to date here instead. Raises `EngineError` (the graph is then left
    as it was) if a value leaves an op's domain. ``order``: the graph's `topo_order`,
    when the caller keeps it.
    """
    order = topo_order(root) if order is None else order
    before = [node.data for node in order]
    try:
        for node in order:
            op, x, y = node._op, node._x, node._y
            if x is None:  # a leaf
                continue
            operands = (x.data,) if y is None else (x.data, y.data)
            # A node with an operand has its op (see `backward_over`).
            out = op.forward(operands, node.param)  # type: ignore[union-attr]
            if not isfinite(out):
                raise _overflow(op, operands)  # type: ignore[arg-type]
            node.data = out
    except BaseException:
        for node, data in zip(order, before, strict=True):
            node.data = data
        raise


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
