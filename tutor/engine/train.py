"""Training a network by gradient descent, one step at a time, as the lecture does.

One step of the lecture's loop::

    ypred = [n(x) for x in xs]                                   # forward pass
    loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))  # sum of squared errors
    for p in n.parameters():
        p.grad = 0.0                                             # zero the gradients
    loss.backward()                                              # backward pass
    for p in n.parameters():
        p.data += -0.05 * p.grad                                 # update

`Trainer` runs that step on a network (`tutor.engine.nn`) over rows of data, and
`GraphTrainer` on a graph built once (a lesson's, from its script), moving only
the leaves that are parameters. Each remembers what it saw (the loss at every step), so
that any front end (the app's training view, a lesson's question, a test) can
step, run, look and start again without knowing the maths. With
``zero_grad=False`` it forgets to zero the gradients, the lecture's bug: the
engine's ``backward(accumulate=True)`` then adds each step's gradients to the
last ones, exactly as micrograd does, and the steps grow too large.

Plain Python, standard library only; no step holds a lock, so a front end runs
it in a worker of its own and only reads the results.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.engine.ops import EngineError, Op
from tutor.engine.value import Value, _overflow, backward_over, recompute, topo_order

Model = Callable[[Sequence[float]], Value]

#: Bounds for one data set: a network over it is built once per row and every step
#: walks every node, so these keep a step well under a second.
MAX_ROWS = 200
MAX_PARAMETERS = 2000


@dataclass(frozen=True, slots=True)
class Prediction:
    """One example's prediction beside its target, as a front end shows them."""

    name: str
    value: float
    target: float


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter as a front end shows it: its name, value and gradient."""

    name: str
    data: float
    grad: float


def squared_error(prediction: Value, target: float) -> Value:
    """``(prediction - target)**2``: one example's contribution to the loss."""
    return (prediction - target) ** 2


def total_loss(predictions: Sequence[Value], targets: Sequence[float]) -> Value:
    """The sum of squared errors over the examples, as the lecture writes it."""
    return sum(squared_error(p, t) for p, t in zip(predictions, targets, strict=True))  # type: ignore[return-value]


class _Descent:
    """Gradient descent on some parameters of a loss: what both trainers share.

    A subclass says how the loss is computed at the parameters' current values
    (`_loss`); this class zeroes (or forgets to zero) the gradients, runs backward,
    moves the parameters, and remembers the losses.
    """

    def __init__(self, params: Sequence[Value], rate: float, zero_grad: bool):
        if not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"the learning rate must be a positive number, not {rate}")
        self.params: list[Value] = list(params)
        if len(self.params) > MAX_PARAMETERS:
            raise ValueError(
                f"the model has {len(self.params)} parameters; at most {MAX_PARAMETERS}"
            )
        self.rate = float(rate)
        self.zero_grad = zero_grad
        self._initial = [p.data for p in self.params]
        self.losses: list[float] = []  # the loss before each step, as the lecture prints it
        self.diverged: str | None = None  # why training stopped, if the numbers blew up

    def _loss(self) -> Value:
        """The loss at the parameters' current values, as a graph whose inner nodes
        hold no gradient yet (a fresh forward pass)."""
        raise NotImplementedError

    @property
    def steps(self) -> int:
        """How many steps have been taken."""
        return len(self.losses)

    def loss(self) -> float:
        """The loss at the parameters' current values (no step is taken)."""
        return self._loss().data

    def backward(self) -> Value:
        """A forward and a backward pass, the parameters left where they are: their
        gradients zeroed first, or not (``zero_grad=False``: then two calls leave twice
        the gradient, as two ``backward()`` calls without ``zero_grad`` do in micrograd).
        Returns the loss."""
        loss = self._loss()
        if self.zero_grad:
            for p in self.params:
                p.grad = 0.0
        self._backward(loss)  # micrograd's backward: adds to what grad holds
        return loss

    def _backward(self, loss: Value) -> None:
        loss.backward(accumulate=True)

    def step(self) -> float:
        """One step of gradient descent; returns the loss before it (the lecture's print).

        Raises `EngineError` (and takes no step) when the numbers overflow, as a
        learning rate far too large makes them; `diverged` then says why.
        """
        if self.diverged is not None:
            raise EngineError("train", self.diverged)
        try:
            loss = self.backward()
            moved = [p.data - self.rate * p.grad for p in self.params]
            if not all(math.isfinite(x) for x in moved):
                raise EngineError("train", "a parameter overflows: the learning rate is too large")
        except EngineError as exc:
            self.diverged = exc.message
            raise
        for p, x in zip(self.params, moved, strict=True):
            p.data = x
        self.losses.append(loss.data)
        return loss.data

    def run(self, k: int) -> list[float]:
        """``k`` steps; the loss before each."""
        return [self.step() for _ in range(k)]

    def restart(self) -> None:
        """The parameters back to their first values, gradients 0, no steps taken."""
        for p, x in zip(self.params, self._initial, strict=True):
            p.data = x
            p.grad = 0.0
        self.losses.clear()
        self.diverged = None

    def parameters(self) -> list[Parameter]:
        """Every parameter's name, value and gradient (the gradient of the last step)."""
        return [Parameter(p.label, p.data, p.grad) for p in self.params]

    def outputs(self) -> list[Prediction]:
        """Each example's prediction at the parameters' current values, beside its
        target (none when the trainer does not know its examples)."""
        return []


class Trainer(_Descent):
    """Gradient descent on ``model`` over the rows ``xs`` with targets ``ys``.

    ``model`` is anything with ``__call__(row) -> Value`` and ``parameters()`` (a
    `tutor.engine.nn` module). ``rate`` is the learning rate: each step moves every
    parameter by ``-rate * grad``. The parameters' values at construction are kept,
    so `restart` starts the same run again. Each step runs the forward pass again,
    a new graph over the same parameters, as the lecture's loop does.
    """

    def __init__(
        self,
        model,
        xs: Sequence[Sequence[float]],
        ys: Sequence[float],
        *,
        rate: float = 0.05,
        zero_grad: bool = True,
    ):
        if len(xs) != len(ys):
            raise ValueError(f"{len(xs)} rows of inputs but {len(ys)} targets")
        if not xs:
            raise ValueError("the data set has no rows")
        if len(xs) > MAX_ROWS:
            raise ValueError(f"the data set has {len(xs)} rows; at most {MAX_ROWS}")
        super().__init__(model.parameters(), rate, zero_grad)
        self.model = model
        self.xs = [[float(x) for x in row] for row in xs]
        self.ys = [float(y) for y in ys]
        self.predictions: list[float] = []  # each row's prediction at the last step

    def forward(self) -> tuple[list[Value], Value]:
        """The predictions for every row, and the loss: a fresh graph, built once per row."""
        predictions = [self.model(row) for row in self.xs]
        return predictions, total_loss(predictions, self.ys)

    def _loss(self) -> Value:
        predictions, loss = self.forward()
        self._last = predictions
        return loss

    def step(self) -> float:
        loss = super().step()
        self.predictions = [p.data for p in self._last]
        return loss

    def restart(self) -> None:
        super().restart()
        self.predictions.clear()

    def outputs(self) -> list[Prediction]:
        predictions, _ = self.forward()
        return [
            Prediction(f"ypred{e}", p.data, y)
            for e, (p, y) in enumerate(zip(predictions, self.ys, strict=True), start=1)
        ]


class GraphTrainer(_Descent):
    """Gradient descent on one graph built once, moving only the leaves ``params``.

    For a lesson's graph, built from its script: the data leaves (inputs, targets)
    stay where they are. Each step brings the graph up to date with the moved
    parameters (`recompute`) and clears its inner nodes' gradients, which is what a
    fresh forward pass does; so with ``zero_grad=False`` the parameters' gradients
    add up exactly as in `Trainer` and micrograd.

    It changes the graph's values and gradients as it goes: train a graph of its
    own (build it again), not one that is being graded.
    """

    def __init__(
        self, loss: Value, params: Sequence[Value], *, rate: float = 0.05, zero_grad: bool = True
    ):
        order = topo_order(loss)
        in_graph = set(order)
        for p in params:
            if not p.is_leaf or p not in in_graph:
                name = p.label or repr(p)
                raise ValueError(f"{name} is not a leaf of the loss's graph")
        super().__init__(params, rate, zero_grad)
        self.root = loss
        self._order = order  # the graph's shape never changes: sorted once
        self._inner = [node for node in order if not node.is_leaf]
        for p in self.params:  # training starts from no gradient, as a new network does
            p.grad = 0.0

    def _loss(self) -> Value:
        recompute(self.root, self._order)
        for node in self._inner:
            node.grad = 0.0
        return self.root

    def _backward(self, loss: Value) -> None:
        backward_over(loss, self._order, accumulate=True)

    def restart(self) -> None:
        super().restart()
        recompute(self.root, self._order)

    def outputs(self) -> list[Prediction]:
        """The graph's predictions ``ypred1``, ``ypred2``, ... beside the targets
        ``y1``, ``y2``, ... (a lesson's network names them so), in example order."""
        recompute(self.root, self._order)
        by_name = {node.label: node for node in self._order if node.label}
        found = []
        for e in range(1, len(by_name) + 1):
            prediction, target = by_name.get(f"ypred{e}"), by_name.get(f"y{e}")
            if prediction is None or target is None or not target.is_leaf:
                break
            found.append(Prediction(prediction.label, prediction.data, target.data))
        return found


#: Either trainer: what the training view shows and steps.
AnyTrainer = Trainer | GraphTrainer


def finite_difference_descent(
    loss: Value,
    params: Sequence[Value],
    rate: float,
    steps: int,
    *,
    zero_grad: bool = True,
    h: float = 1e-6,
    grads: dict[Value, float] | None = None,
) -> tuple[list[float], dict[Value, float]]:
    """The same descent as `GraphTrainer`, with every gradient by central differences
    on the forward pass (no backward at all): an independent check of a training
    question. The graph is only read. Returns the loss before each step and the
    parameters' values after the last; ``grads``, if given, receives the gradients
    they held at the last step (summed over the steps without ``zero_grad``)."""
    forward = _Forward(loss, params)
    current = {p: p.data for p in params}
    held = dict.fromkeys(params, 0.0)
    losses = []
    for _ in range(steps):
        base = forward.values(current)
        losses.append(base[-1])
        for p in params:
            x = current[p]
            nudge = h * max(1.0, abs(x))
            above = forward.moved(base, p, x + nudge)
            below = forward.moved(base, p, x - nudge)
            g = (above - below) / ((x + nudge) - (x - nudge))
            held[p] = g if zero_grad else held[p] + g
        current = {p: current[p] - rate * held[p] for p in params}
    if grads is not None:
        grads.update(held)
    return losses, current


def _getter(positions: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """The values at ``positions`` of a list, as a tuple (one value too)."""
    if len(positions) == 1:
        (only,) = positions
        return lambda values: (values[only],)
    return operator.itemgetter(*positions)


#: An inner node of `_Forward`: its op, its operands' positions, its param.
_Step = tuple[Op, list[int], float | None]


class _Forward:
    """The forward pass of one graph, over and over at other values of some leaves:
    the order is found once, and moving one leaf recomputes only the nodes that
    depend on it (what `evaluate` would give, in a fraction of the time)."""

    def __init__(self, root: Value, params: Sequence[Value]):
        order = topo_order(root)
        if order[-1] is not root:
            order = [n for n in order if n is not root] + [root]
        self.order = order
        self.at = {node: i for i, node in enumerate(order)}
        # For each node: the op, its operands' positions and its param (None for a leaf).
        self.steps: list[_Step | None] = [
            None if node._op is None else (node._op, [self.at[v] for v in node.inputs], node.param)
            for node in order
        ]
        inner = {i: step for i, step in enumerate(self.steps) if step is not None}
        users: list[list[int]] = [[] for _ in order]
        for i, step in inner.items():
            for j in step[1]:
                users[j].append(i)
        self.cone: dict[Value, list[int]] = {}  # each parameter's dependants, in topological order
        for p in params:
            seen: set[int] = set()
            todo = [self.at[p]]
            while todo:
                for k in users[todo.pop()]:
                    if k not in seen:
                        seen.add(k)
                        todo.append(k)
            self.cone[p] = sorted(seen)
        # Each parameter's dependants as (position, forward, operands' getter, param),
        # the getter giving the operands as the tuple the op takes.
        self.plan = {
            p: [(i, inner[i][0].forward, _getter(inner[i][1]), inner[i][2]) for i in cone]
            for p, cone in self.cone.items()
        }

    def values(self, leaves: dict[Value, float]) -> list[float]:
        values = [leaves.get(node, node.data) for node in self.order]
        for i, step in enumerate(self.steps):
            if step is not None:
                self._compute(values, i, step)
        return values

    def moved(self, base: list[float], p: Value, x: float) -> float:
        """The root's value with the leaf ``p`` at ``x``, the others as in ``base``."""
        values = list(base)
        values[self.at[p]] = x
        isfinite = math.isfinite
        for i, forward, operands, param in self.plan[p]:
            y = forward(operands(values), param)
            if not isfinite(y):
                step = self.steps[i]
                assert step is not None  # a leaf's dependants are inner nodes
                raise _overflow(step[0], operands(values))
            values[i] = y
        return values[-1]

    @staticmethod
    def _compute(values: list[float], i: int, step: _Step) -> None:
        op, inputs, param = step
        x = tuple(values[j] for j in inputs)
        values[i] = op.forward(x, param)
        if not math.isfinite(values[i]):
            raise _overflow(op, x)
