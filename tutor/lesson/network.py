"""A network over a data set, written out as a graph script: what a lesson's model block builds.

The lecture runs an MLP on four examples and sums their squared errors. A lesson
cannot ask an author to write that out (41 parameters, about 400 nodes), so this
writes it: the graph script an author would write by hand, line by line, parsed
by the same parser as any other (`tutor.expr.parse`, never run), so every
later layer (the graph, the symbolic check, grading, drawing) treats it as a
script like the others.

The names (all counted from 1):

* parameters, from `tutor.engine.nn` with the given seed: ``w{l}_{j}_{i}`` (layer l,
  neuron j, input i) and ``b{l}_{j}``; a single neuron (one layer of one neuron)
  is written ``w1, w2, ..., b`` as in the lecture;
* data, one row per example e: inputs ``x{e}_{i}``, target ``y{e}``;
* per example, each neuron's weighted sum ``n{l}_{j}_{e}`` and its activation
  ``o{l}_{j}_{e}``; the network's output is ``ypred{e}`` (with ``activation =
  "linear"`` there is no activation: the sum is named ``o{l}_{j}_{e}``/``ypred{e}``);
* the example's squared error ``L{e} = (ypred{e} - y{e})**2``, and the loss
  ``L = L1 + L2 + ...`` (with one example, its squared error is ``L`` itself).

`Network` says which leaves are parameters and which are data, so that a training
step moves the parameters only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tutor.engine.nn import ACTIVATIONS, MLP
from tutor.expr import Assignment, parse

#: Bounds for what a lesson may ask to build: the script stays far below a second to build
#: and check. Every limit is checked before anything is built.
MAX_LAYER = 16
MAX_LAYERS = 4
MAX_INPUTS = 8
MAX_ROWS = 8
MAX_LINES = 600


class NetworkError(ValueError):
    """A model or data set that cannot be built, said in words (no line: the caller knows it)."""


@dataclass(frozen=True)
class Network:
    """The graph script of a network over a data set, and what its names are."""

    script: str
    assignments: list[Assignment]
    parameters: list[str]  # leaves a training step moves
    data: list[str]  # leaves it does not: the inputs and the targets
    predictions: list[str]  # ypred1, ypred2, ...
    losses: list[str]  # L1, L2, ...
    output: str = "L"


#: How the examples' squared errors make the loss ``L``: their sum (the lecture's), or
#: their mean (``(L1 + L2 + ...) / n``).
LOSSES = ("sum", "mse")


def network(
    nin: int,
    sizes: Sequence[int],
    xs: Sequence[Sequence[float]],
    ys: Sequence[float],
    *,
    seed: int = 0,
    activation: str = "tanh",
    loss: str = "sum",
    weights: Sequence[Sequence[Sequence[float]]] | None = None,
) -> Network:
    """``MLP(nin, sizes)`` with initial weights from ``seed`` (or ``weights``: per layer,
    per neuron, its weights then its bias), run on every row of ``xs``, with the summed
    (``loss = "sum"``) or mean (``"mse"``) squared error against ``ys`` as the output ``L``."""
    _check(nin, sizes, xs, ys, activation)
    if loss not in LOSSES:
        raise NetworkError(f"the loss is one of {', '.join(LOSSES)}")
    model = MLP(nin, list(sizes), seed=seed, activation=activation)
    if weights is not None:
        _set_weights(model, nin, sizes, weights)
    single = list(sizes) == [1]
    names = {}
    for p in model.parameters():
        names[p] = _single_name(p.label) if single else p.label
    lines = [f"{names[p]} = {p.data!r}" for p in model.parameters()]
    data: list[str] = []
    predictions: list[str] = []
    losses: list[str] = []
    for e, (row, target) in enumerate(zip(xs, ys, strict=True), start=1):
        inputs = []
        for i, x in enumerate(row, start=1):
            lines.append(f"x{e}_{i} = {float(x)!r}")
            inputs.append(f"x{e}_{i}")
        lines.append(f"y{e} = {float(target)!r}")
        data += [*inputs, f"y{e}"]
        last = len(model.layers)
        for k, layer in enumerate(model.layers, start=1):
            outs = []
            for j, neuron in enumerate(layer.neurons, start=1):
                terms = " + ".join(f"{names[w]}*{x}" for w, x in zip(neuron.w, inputs, strict=True))
                total = f"n{k}_{j}_{e}" if not single else f"n{e}"
                out = f"ypred{e}" if k == last else f"o{k}_{j}_{e}"
                if activation == "linear":  # no activation: the sum is the output
                    lines.append(f"{out} = {names[neuron.b]} + {terms}")
                else:
                    lines.append(f"{total} = {names[neuron.b]} + {terms}")
                    lines.append(f"{out} = {activation}({total})")
                outs.append(out)
            inputs = outs
        predictions.append(f"ypred{e}")
        error = f"L{e}" if len(xs) > 1 else "L"  # one example: its error is the loss
        lines.append(f"{error} = (ypred{e} - y{e})**2")
        losses.append(error)
    if len(xs) > 1 and loss == "mse":
        lines.append(f"L = ({' + '.join(losses)}) / {len(xs)}")
    elif len(xs) > 1:
        lines.append(f"L = {' + '.join(losses)}")
    if len(lines) > MAX_LINES:
        raise NetworkError(f"the network over the data is {len(lines)} lines; at most {MAX_LINES}")
    script = "\n".join(lines)
    return Network(
        script,
        _parse(script),
        [names[p] for p in model.parameters()],
        data,
        predictions,
        losses,
    )


def _set_weights(model: MLP, nin: int, sizes: Sequence[int], weights) -> None:
    """Give every neuron the weights and bias written for it, after checking the shape:
    one list per layer, one row per neuron, its inputs' weights then its bias."""
    if len(weights) != len(sizes):
        raise WeightsError(
            f"`weights` has {len(weights)} layers; the network has {len(sizes)} "
            f"(one list per layer: weights = [[[w1, w2, b], ...], ...])"
        )
    fan_in = nin
    for k, (layer, rows) in enumerate(zip(model.layers, weights, strict=True), start=1):
        if len(rows) != len(layer.neurons):
            raise WeightsError(
                f"`weights`: layer {k} has {len(rows)} neurons; the network's has "
                f"{len(layer.neurons)}"
            )
        for j, (neuron, row) in enumerate(zip(layer.neurons, rows, strict=True), start=1):
            if len(row) != fan_in + 1:
                raise WeightsError(
                    f"`weights`: layer {k}, neuron {j} has {len(row)} numbers; it takes "
                    f"{fan_in} weights (one per input) and then its bias: {fan_in + 1}"
                )
            for value, number in zip([*neuron.w, neuron.b], row, strict=True):
                value.data = float(number)
        fan_in = len(layer.neurons)


class WeightsError(NetworkError):
    """Explicit initial weights of the wrong shape."""


def _parse(script: str) -> list[Assignment]:
    """Each generated line through the expression parser (bounded, never run), as
    `parse_script` does; the hand-written scripts' line limit does not apply (the
    network has its own, `MAX_LINES`)."""
    assignments: list[Assignment] = []
    defined: list[str] = []
    for number, line in enumerate(script.splitlines(), start=1):
        name, _, rhs = line.partition(" = ")
        assignments.append(Assignment(name, parse(rhs, names=defined), number))
        defined.append(name)
    return assignments


def _single_name(label: str) -> str:
    """A lone neuron's parameters as the lecture names them: w1_1_2 -> w2, b1_1 -> b."""
    return "b" if label.startswith("b") else "w" + label.rsplit("_", 1)[1]


def _check(nin, sizes, xs, ys, activation) -> None:
    if not 1 <= nin <= MAX_INPUTS:
        raise NetworkError(f"the network takes 1 to {MAX_INPUTS} inputs, not {nin}")
    if not 1 <= len(sizes) <= MAX_LAYERS:
        raise NetworkError(f"the network has 1 to {MAX_LAYERS} layers, not {len(sizes)}")
    if any(not 1 <= n <= MAX_LAYER for n in sizes):
        raise NetworkError(f"each layer has 1 to {MAX_LAYER} neurons")
    if sizes[-1] != 1:
        raise NetworkError("the last layer has one neuron: the loss compares one prediction")
    if activation not in ACTIVATIONS:
        raise NetworkError(f"the activation is one of {', '.join(ACTIVATIONS)}")
    if not 1 <= len(xs) <= MAX_ROWS:
        raise NetworkError(f"the data set has 1 to {MAX_ROWS} rows, not {len(xs)}")
    if len(ys) != len(xs):
        raise NetworkError(f"{len(xs)} rows of inputs but {len(ys)} targets")
    for e, row in enumerate(xs, start=1):
        if len(row) != nin:
            raise NetworkError(f"row {e} has {len(row)} inputs; the network takes {nin}")
