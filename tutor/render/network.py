"""A network drawn at the neuron level: layers of neurons, as the lecture draws an MLP.

A lesson's ``[model]`` block writes its network out as a graph of a few hundred
nodes (`tutor.lesson.network`): far too many to draw node by node. This draws one
example's pass through it instead, a column per layer, each neuron as its output
and, once known, its gradient::

    example 1 of 4   L = 4.6312 (L1 + L2 + L3 + L4)
    input        layer 1             layer 2             layer 3          loss
                  o1_1_1  0.7616 ─┐   ...
    x1_1  2 ────┤▶  ∇ ?            │
                ...

Every neuron of a layer takes every output of the layer before: one bus between two
columns stands for all those wires. The selected neuron (the one a question is
about, or a parameter of it) is marked ``◆``, and the lines under the picture give
its weighted sum, its output and its parameters. `neuron_graph` cuts one neuron out
of the graph, its inputs made leaves, for the lecture's neuron graph (`fit_text`).

The picture fits the width it is given: columns side by side when they fit, else one
line a neuron, layer after layer (never wider than 20 columns). Standard library and
`tutor.engine` only, as the rest of `tutor.render`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from tutor.engine import Value
from tutor.numbers import short

#: What the gradients are of, under the picture.
GRAD_KEY = "∇ = dL/d(output), ? = not known yet"
MARK = "◆"

_PARAM = re.compile(r"^[wb](\d+)_(\d+)(?:_\d+)?$")
_NEURON = re.compile(r"^[no](\d+)_(\d+)_(\d+)$")
_PREDICTION = re.compile(r"^ypred(\d+)$")
_EXAMPLE = re.compile(r"^(?:x|y|L|n)(\d+)(?:_\d+)?$")
_SINGLE = re.compile(r"^(?:w\d+|b)$")


@dataclass(frozen=True)
class Neuron:
    """One neuron of the network, on one example: the names of its nodes."""

    layer: int  # from 1
    index: int  # from 1, within its layer
    output: str  # o{l}_{j}_{e}, or ypred{e} in the last layer
    total: str | None  # its weighted sum n{l}_{j}_{e} (none when there is no activation)
    weights: tuple[str, ...]
    bias: str


@dataclass(frozen=True)
class Shape:
    """What a graph's names say about its network: inputs, layer sizes, examples."""

    inputs: int
    sizes: tuple[int, ...]
    examples: int
    single: bool = False  # one neuron, named as the lecture names it (w1, w2, b)

    def neuron(self, layer: int, index: int, example: int) -> Neuron:
        last = layer == len(self.sizes)
        if self.single:
            weights = tuple(f"w{i}" for i in range(1, self.inputs + 1))
            return Neuron(1, 1, f"ypred{example}", f"n{example}", weights, "b")
        nin = self.inputs if layer == 1 else self.sizes[layer - 2]
        output = f"ypred{example}" if last else f"o{layer}_{index}_{example}"
        weights = tuple(f"w{layer}_{index}_{i}" for i in range(1, nin + 1))
        return Neuron(
            layer, index, output, f"n{layer}_{index}_{example}", weights, f"b{layer}_{index}"
        )

    def neurons(self, example: int) -> list[list[Neuron]]:
        return [
            [self.neuron(layer, j, example) for j in range(1, size + 1)]
            for layer, size in enumerate(self.sizes, start=1)
        ]

    def inputs_of(self, neuron: Neuron, example: int) -> list[str]:
        """The names a neuron takes in: the example's inputs, or the layer before's outputs."""
        if neuron.layer == 1:
            return [f"x{example}_{i}" for i in range(1, self.inputs + 1)]
        before = self.neurons(example)[neuron.layer - 2]
        return [n.output for n in before]


def network_shape(nodes: Mapping[str, object]) -> Shape | None:
    """The network a lesson's ``[model]`` wrote, read from its names; None if the
    graph is not one (a hand-written script)."""
    examples = 0
    while f"ypred{examples + 1}" in nodes:
        examples += 1
    inputs = 0
    while f"x1_{inputs + 1}" in nodes:
        inputs += 1
    if not examples or not inputs:
        return None
    if "b" in nodes and all(f"w{i}" in nodes for i in range(1, inputs + 1)):
        return Shape(inputs, (1,), examples, single=True)
    sizes: list[int] = []
    while f"b{len(sizes) + 1}_1" in nodes:
        layer, size = len(sizes) + 1, 0
        while f"b{layer}_{size + 1}" in nodes:
            size += 1
        sizes.append(size)
    if not sizes or sizes[-1] != 1:
        return None
    return Shape(inputs, tuple(sizes), examples)


def locate(shape: Shape, name: str | None) -> tuple[tuple[int, int] | None, int | None]:
    """The neuron (layer, index) a name belongs to, and its example, where it says."""
    if not name:
        return None, None
    last = len(shape.sizes)
    if shape.single and (_SINGLE.match(name) or re.match(r"^n\d+$", name)):
        found = re.match(r"^n(\d+)$", name)
        return (1, 1), int(found.group(1)) if found else None
    if m := _NEURON.match(name):
        return (int(m.group(1)), int(m.group(2))), int(m.group(3))
    if m := _PARAM.match(name):
        return (int(m.group(1)), int(m.group(2))), None
    if m := _PREDICTION.match(name):
        return (last, 1), int(m.group(1))
    if m := _EXAMPLE.match(name):
        return None, int(m.group(1))
    return None, None


@dataclass
class NetworkPicture:
    """The drawn network: its lines, and where each drawn name sits (row, column)."""

    lines: list[str]
    places: dict[str, tuple[int, int]] = field(default_factory=dict)
    marked: str | None = None  # the selected neuron's output name
    wide: bool = True  # columns side by side (else one line a neuron)

    @property
    def width(self) -> int:
        return max(map(len, self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)


ShowGrad = bool | Callable[[str], bool]


def render_network(
    nodes: Mapping[str, Value],
    shape: Shape,
    width: int,
    *,
    example: int = 1,
    show_grad: ShowGrad = False,
    hidden: Collection[str] = (),
    selected: tuple[int, int] | None = None,
    asked: str | None = None,
) -> NetworkPicture:
    """One example's pass through the network, fitted to ``width`` columns.

    ``show_grad`` (a bool, or called with a name) says whose gradient is known; a
    name in ``hidden`` has its value written ``?``. The ``selected`` neuron (layer,
    index) is marked and described under the picture; ``asked`` names what the
    question is about.
    """
    grad_known = show_grad if callable(show_grad) else (lambda _name: bool(show_grad))
    draw = _Drawing(nodes, shape, example, grad_known, hidden_downstream(shape, hidden))
    picture = draw.columns(selected) if width >= 40 else None
    if picture is None or picture.width > width:
        picture = draw.listed(selected, width)
    picture.lines += draw.notes(selected, asked, width)
    return picture


class _Drawing:
    def __init__(self, nodes, shape: Shape, example: int, grad_known, hidden: frozenset[str]):
        self.nodes, self.shape, self.example = nodes, shape, example
        self.grad_known, self.hidden = grad_known, hidden

    def value(self, name: str | None) -> str:
        if name is None or name not in self.nodes:
            return "–"
        return "?" if name in self.hidden else short(self.nodes[name].data)

    def grad(self, name: str) -> str:
        if name not in self.nodes or not self.grad_known(name):
            return "∇ ?"
        return f"∇ {short(self.nodes[name].grad)}"

    def heading(self) -> str:
        shape, e = self.shape, self.example
        if shape.examples > 1:
            losses = " + ".join(f"L{k}" for k in range(1, shape.examples + 1))
            if shape.examples > 4:
                losses = f"L1 + … + L{shape.examples}"
            return f"example {e} of {shape.examples}   L = {self.value('L')} ({losses})"
        return f"one example   L = {self.value('L')}"

    # -- side by side: a column per layer, joined by buses ------------------------

    def columns(self, selected) -> NetworkPicture:
        shape, e = self.shape, self.example
        layers = shape.neurons(e)
        # Each column: its title, and its entries (name, first line, second line or None).
        inputs: list[tuple[str, str, str | None]] = [
            (f"x{e}_{i}", f"x{e}_{i} {self.value(f'x{e}_{i}')}", None)
            for i in range(1, shape.inputs + 1)
        ]
        cols: list[tuple[str, list[tuple[str, str, str | None]]]] = [("input", inputs)]
        for number, layer in enumerate(layers, start=1):
            entries: list[tuple[str, str, str | None]] = [
                (n.output, f"{n.output} {self.value(n.output)}", f" {self.grad(n.output)}")
                for n in layer
            ]
            cols.append((f"layer {number}", entries))
        loss = f"L{e}" if shape.examples > 1 else "L"
        target = f"y{e} = {self.value(f'y{e}')}"
        cols.append(("loss", [(loss, f"{loss} {self.value(loss)}", f" {target}")]))
        marked = _marked(layers, selected)
        # Rows: an entry of two lines takes three (a blank between), of one line two.
        steps = [3 if any(b is not None for _, _, b in entries) else 2 for _, entries in cols]
        counts = [len(entries) for _, entries in cols]
        spans = [step * n - (step - 1) for n, step in zip(counts, steps, strict=True)]
        ends = zip(spans, steps, strict=True)  # a second line below the last entry
        height = max(span + (1 if step == 3 else 0) for span, step in ends)
        rows_of = [
            [(height - span) // 2 + k * step for k in range(len(entries))]
            for (_, entries), span, step in zip(cols, spans, steps, strict=True)
        ]
        lines = [""] * height
        title = ""
        places: dict[str, tuple[int, int]] = {}
        last = len(cols) - 1
        for c, (heading, entries) in enumerate(cols):
            rows = rows_of[c]
            if c:  # the bus from the column before: every output feeds every neuron
                left, right = set(rows_of[c - 1]), set(rows)
                low, high = min(left | right), max(left | right)
                for r in range(height):
                    bus = (
                        _bus(r in left, r in right, low < r, r < high) if low <= r <= high else " "
                    )
                    lines[r] += bus + ("▶" if r in right else " ")
                title += "  "
            width = max(len(heading), *(max(len(a) + 1, len(b or "") + 1) for _, a, b in entries))
            cells: dict[int, str] = {}
            for (name, first, second), r in zip(entries, rows, strict=True):
                cells[r] = (MARK if name == marked else " ") + first
                places[name] = (r, len(lines[r]) + 1)
                if second is not None:
                    cells[r + 1] = " " + second
            for r in range(height):
                cell = cells.get(r, "")
                if r in rows and c < last:  # the wire to the next bus
                    lines[r] += (cell + " ").ljust(width + 2, "─")
                else:
                    lines[r] += cell.ljust(width + 2)
            title += (" " + heading).ljust(width + 2)
        top = 2  # the heading and the titles above the grid
        places = {name: (r + top, col) for name, (r, col) in places.items()}
        out = [self.heading(), title.rstrip(), *(line.rstrip() for line in lines)]
        return NetworkPicture(out, places, marked, True)

    # -- narrow: one line a neuron, layer after layer ------------------------------

    def listed(self, selected, width: int) -> NetworkPicture:
        shape, e = self.shape, self.example
        layers = shape.neurons(e)
        marked = _marked(layers, selected)
        out = [*_wrap(self.heading(), width), "input"]
        places: dict[str, tuple[int, int]] = {}
        for i in range(1, shape.inputs + 1):
            places[f"x{e}_{i}"] = (len(out), 2)
            out.append(f"  x{e}_{i} {self.value(f'x{e}_{i}')}")
        for number, layer in enumerate(layers, start=1):
            said = f"layer {number}: each takes every output above"
            out.append(said if len(said) <= width else f"layer {number}")
            for n in layer:
                mark = MARK if n.output == marked else " "
                places[n.output] = (len(out), 2)
                first = f" {mark}{n.output} {self.value(n.output)}"
                both = f"{first}  {self.grad(n.output)}"
                if len(both) <= width:
                    out.append(both)
                else:
                    out += [first, f"    {self.grad(n.output)}"]
        loss = f"L{e}" if shape.examples > 1 else "L"
        out.append("loss")
        places[loss] = (len(out), 2)
        out.append(f"  {loss} {self.value(loss)}")
        out.append(f"  y{e} = {self.value(f'y{e}')}")
        out = [line if len(line) <= width else line[: width - 1] + "…" for line in out]
        return NetworkPicture(out, places, marked, False)

    # -- under the picture: the selected neuron, what is asked, the key -------------

    def notes(self, selected, asked: str | None, width: int) -> list[str]:
        shape, e = self.shape, self.example
        lines = []
        if selected is not None:
            layer, index = selected
            if 1 <= layer <= len(shape.sizes) and 1 <= index <= shape.sizes[layer - 1]:
                n = shape.neuron(layer, index, e)
                parts = []
                if n.total in self.nodes:
                    parts.append(f"{n.total} = {self.value(n.total)}")
                parts.append(f"{n.output} = {self.value(n.output)}")
                head = f"{MARK} layer {layer}, neuron {index}: " + ", ".join(parts)
                lines += _wrap(head, width)
                params = [f"{name} {self.value(name)}" for name in (*n.weights, n.bias)]
                lines += _wrap("  " + ", ".join(params), width, indent="  ")
        if asked:
            lines += _wrap(f"asked: {asked}", width)
        lines += _wrap(GRAD_KEY, width)
        return lines


def hidden_downstream(shape: Shape, hidden: Collection[str]) -> frozenset[str]:
    """``hidden``, and every value computed from a hidden one: a neuron fed a hidden
    output, the losses after a hidden prediction (``L1`` would give ``ypred1`` away)."""
    found = set(hidden)
    for e in range(1, shape.examples + 1):
        for layer in shape.neurons(e):
            for n in layer:
                feeds = [n.total, *shape.inputs_of(n, e)]
                if any(name in found for name in feeds):
                    found.add(n.output)
        loss = f"L{e}" if shape.examples > 1 else "L"
        if f"ypred{e}" in found:
            found.add(loss)
    if any(f"L{e}" in found for e in range(1, shape.examples + 1)):
        found.add("L")
    return frozenset(found)


def _marked(layers: list[list[Neuron]], selected: tuple[int, int] | None) -> str | None:
    """The output name of the selected neuron, if it is one of the network's."""
    if selected is None:
        return None
    layer, index = selected
    if 1 <= layer <= len(layers) and 1 <= index <= len(layers[layer - 1]):
        return layers[layer - 1][index - 1].output
    return None


def _bus(left: bool, right: bool, up: bool, down: bool) -> str:
    """The box-drawing character joining the wires that meet at one cell of a bus."""
    return _BOX.get((left, right, up, down), "│")


_BOX = {
    (True, True, True, True): "┼",
    (True, True, False, True): "┬",
    (True, True, True, False): "┴",
    (True, True, False, False): "─",
    (True, False, True, True): "┤",
    (True, False, False, True): "┐",
    (True, False, True, False): "┘",
    (False, True, True, True): "├",
    (False, True, False, True): "┌",
    (False, True, True, False): "└",
    (False, False, True, True): "│",
    (True, False, False, False): "─",
    (False, True, False, False): "─",
}


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` on lines of at most ``width`` cells, broken at spaces (a word longer
    than a line is cut with …, never left to overflow)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = indent + word
    lines.append(line)
    return [x if len(x) <= width else x[: max(1, width - 1)] + "…" for x in lines]


def neuron_graph(
    nodes: Mapping[str, Value], shape: Shape, layer: int, index: int, example: int
) -> Value:
    """One neuron cut out of the graph, as the lecture draws a neuron: its inputs and
    parameters as leaves, then the products, the sum with the bias, the activation.

    The nodes are copies with the same names, values and gradients: drawing it
    changes nothing in the lesson's graph.
    """
    neuron = shape.neuron(layer, index, example)
    root = nodes[neuron.output]
    own = {neuron.output, neuron.total}
    copies: dict[Value, Value] = {}

    def copy(node: Value) -> Value:
        found = copies.get(node)
        if found is not None:
            return found
        if node.is_leaf or (node.label and node.label not in own):
            made = Value(node.data, node.label)  # an input of the neuron: a leaf here
        else:
            x = copy(node._x) if node._x is not None else None
            y = copy(node._y) if node._y is not None else None
            made = Value(node.data, node.label, node._op, x, y, node.param)
        made.grad = node.grad
        copies[node] = made
        return made

    return copy(root)


def render_network_dot(
    nodes: Mapping[str, Value],
    shape: Shape,
    *,
    example: int = 1,
    show_grad: ShowGrad = False,
    hidden: Collection[str] = (),
    selected: tuple[int, int] | None = None,
) -> str:
    """The same picture as Graphviz DOT: a cluster per layer, a record per neuron
    (``{ o1_1_1 | data 0.7616 | grad ? }``), an edge from every output of a layer to
    every neuron of the next; the selected neuron drawn bold."""
    from tutor.render.dot import _RECORD_SPECIALS, _escape, _fixed

    grad_known = show_grad if callable(show_grad) else (lambda _name: bool(show_grad))
    hide = hidden_downstream(shape, hidden)
    e = example
    layers = shape.neurons(e)
    marked = _marked(layers, selected)

    def record(name: str, grad: bool = True) -> str:
        node = nodes.get(name)
        data = "?" if node is None or name in hide else _fixed(node.data)
        fields = [_escape(name, _RECORD_SPECIALS), f"data {data}"]
        if grad:
            known = _fixed(node.grad) if node is not None and grad_known(name) else "?"
            fields.append(f"grad {known}")
        bold = ", penwidth=3, style=bold" if name == marked else ""
        return f'    "{_escape(name)}" [shape=record, label="{{ {" | ".join(fields)} }}"{bold}];'

    title = f"example {e} of {shape.examples}" if shape.examples > 1 else "one example"
    lines = ["digraph {", "  rankdir=LR;", f'  label="{title}";']
    inputs = [f"x{e}_{i}" for i in range(1, shape.inputs + 1)]
    columns = [("input", inputs, False)]
    columns += [
        (f"layer {k}", [n.output for n in layer], True) for k, layer in enumerate(layers, 1)
    ]
    loss = f"L{e}" if shape.examples > 1 else "L"
    columns.append(("loss", [f"y{e}", loss], False))
    for k, (label, names, grads) in enumerate(columns):
        lines += [f"  subgraph cluster_{k} {{", f'    label="{label}";']
        lines += [record(name, grads) for name in names]
        lines.append("  }")
    for (_, before, _), (_, after, _) in itertools.pairwise(columns[:-1]):
        lines += [f'  "{a}" -> "{b}";' for a in before for b in after]
    lines += [f'  "ypred{e}" -> "{loss}";', f'  "y{e}" -> "{loss}";', "}"]
    return "\n".join(lines) + "\n"
