"""Draw an expression graph as text, the way micrograd's ``draw_dot`` draws it.

Each labelled node is a box (label, data, grad) and each op's symbol sits on the
wire just before its result. An unlabelled intermediate is its value in brackets,
``(-6)``; a constant operand is written into its op's symbol (``2 *``, ``- 1``),
so the graph reads like the script.

The layout is a small layered drawing:

1. column = longest path to the output, so a leaf sits next to the op using it;
2. an edge that skips columns becomes a wire through each column in between;
3. each column is ordered by where its nodes are used, operands in order, so a
   tree draws without crossings and an op's first operand is above its second;
4. rows: top to bottom in that order, each node centred on its inputs;
5. between two columns, each op gathers its inputs on a vertical trunk, and the
   trunks are ordered to cross as few wires as possible.

Where two wires cross without joining, the horizontal one is broken (``│``), so
a ``┼`` is always a junction.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tutor.engine import Value, topo_order
from tutor.render.notation import format_number, op_symbol

#: Whether a node's gradient is shown: one answer for every node, or one per node.
ShowGrad = bool | Callable[[Value], bool]

_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8
#: The line glyph for each combination of arms, indexed by the arm bits.
_GLYPHS = " │││─┘┐┤─└┌├─┴┬┼"
_CROSSING = "│"
_Span = tuple[int, int]  # the first and last row of a trunk
#: The trunk orders of one gap are all tried up to this many trunks.
_MAX_SEARCH = 5


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of a picture, in character cells."""

    row: int
    col: int
    height: int
    width: int


@dataclass(frozen=True)
class GraphPicture:
    """A drawn graph: its lines, and the box of each labelled node."""

    lines: list[str]
    boxes: dict[Value, Box]

    @property
    def width(self) -> int:
        return max(map(len, self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def render_text(
    root: Value, *, show_grad: ShowGrad = True, highlight: Value | None = None
) -> GraphPicture:
    """Draw the graph of ``root``: inputs on the left, ``root`` on the right.

    ``show_grad`` is a bool, or is called with each labelled node; where it is
    false the box shows ``grad ?``. ``highlight``, a labelled node of the graph,
    gets a double border (``ValueError`` for any other node).
    """
    columns = _columns(root)
    _place_rows(columns)
    shown = show_grad if callable(show_grad) else lambda _node: show_grad
    faces = {slot: _face(slot, shown) for column in columns for slot in column}
    box_widths = [
        max((_box_width(faces[s]) for s in column if s.is_box), default=0) for column in columns
    ]
    widths = [
        max([box_widths[c]] + [len(faces[s][0]) for s in column if not s.is_box])
        for c, column in enumerate(columns)
    ]
    gaps = [_Gap(column) for column in columns[1:]]
    x = 0
    for c, column in enumerate(columns):
        for slot in column:
            slot.x = x
        x += widths[c]
        if c < len(gaps):
            gaps[c].start = x
            x += gaps[c].width

    canvas = _Canvas(x, max(s.top + s.height for column in columns for s in column))
    boxes = {}
    for c, column in enumerate(columns):
        for slot in column:
            if slot.is_box:
                lines = _box(faces[slot], box_widths[c], slot.users > 0, slot.value is highlight)
                boxes[slot.value] = Box(slot.top, slot.x, len(lines), box_widths[c])
            else:
                lines = faces[slot]  # a wire's is "", so its wire out starts at x - 1
            for i, line in enumerate(lines):
                canvas.text(slot.top + i, slot.x, line)
            if slot.users:  # the wire out, to the end of the column
                canvas.hline(slot.row, slot.x + len(lines[0]) - 1, slot.x + widths[c])
    for gap in gaps:
        gap.draw(canvas)
    if highlight is not None and highlight not in boxes:
        raise ValueError(f"highlight {highlight!r} is not a labelled node of this graph")
    return GraphPicture(canvas.lines(), boxes)


# -- what is drawn --------------------------------------------------------------


def _is_constant(node: Value) -> bool:
    return node.is_leaf and not node.label


def _folded(node: Value) -> int | None:
    """Which operand of ``node`` is written into its op symbol, if any.

    A constant operand of a binary op is, unless both operands are constants.
    """
    constants = [_is_constant(x) for x in node.inputs]
    return constants.index(True) if len(constants) == 2 and constants.count(True) == 1 else None


def _wired(node: Value) -> tuple[Value, ...]:
    """The operands drawn as wires into ``node``."""
    folded = _folded(node)
    return node.inputs if folded is None else node.inputs[1 - folded : 2 - folded]


def _op_text(node: Value) -> str:
    """The op written on the wire into ``node``, with a folded constant: ``2 *``."""
    folded = _folded(node)
    if folded is None:
        return op_symbol(node)
    constant = format_number(node.inputs[folded].data)
    return f"{constant} {op_symbol(node)}" if folded == 0 else f"{op_symbol(node)} {constant}"


# -- layout ---------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Slot:
    """A node's place in its column, or a wire passing through a column."""

    value: Value
    is_wire: bool
    inputs: list[_Slot] = field(default_factory=list)
    users: int = 0  # how many slots of the next column use this one
    is_box: bool = False
    top: int = 0
    x: int = 0

    def __post_init__(self) -> None:
        self.is_box = not self.is_wire and bool(self.value.label)

    @property
    def height(self) -> int:
        return 4 if self.is_box else 1

    @property
    def port(self) -> int:
        """Where wires enter and leave, counted from the top: a box's data line."""
        return 1 if self.is_box else 0

    @property
    def row(self) -> int:
        return self.top + self.port

    @property
    def is_pair(self) -> bool:
        """An op whose two operands are the same node, as in ``a + a``."""
        return len(self.inputs) == 2 and self.inputs[0] is self.inputs[1]


def _columns(root: Value) -> list[list[_Slot]]:
    """The slots of each column, left to right, each column in drawing order."""
    depth = {root: 0}  # the longest path to the root, over the drawn wires
    for node in reversed(topo_order(root)):
        if node in depth:
            for operand in _wired(node):
                depth[operand] = max(depth.get(operand, 0), depth[node] + 1)
    last = max(depth.values())
    home = {node: last - d for node, d in depth.items()}
    slots = {(node, col): _Slot(node, is_wire=False) for node, col in home.items()}

    def carrier(node: Value, col: int) -> _Slot:
        """The slot carrying ``node`` in column ``col``, adding wires as needed."""
        slot = slots[node, home[node]]
        for c in range(home[node] + 1, col + 1):
            slot = slots.setdefault((node, c), _Slot(node, is_wire=True, inputs=[slot]))
        return slot

    for node, col in home.items():
        slots[node, col].inputs = [carrier(x, col - 1) for x in _wired(node)]
    columns = [[slots[root, last]]]
    for _ in range(last):
        users = columns[0]
        for user in users:
            for slot in set(user.inputs):
                slot.users += 1
        columns.insert(0, list(dict.fromkeys(s for user in users for s in user.inputs)))
    return columns


def _place_rows(columns: list[list[_Slot]]) -> None:
    """Stack each column top to bottom, centring each node on its inputs."""
    sources: dict[int, _Slot] = {}  # the previous column's slots by the row they leave on
    for column in columns:
        free = 0
        for slot in column:
            rows = [s.row for s in slot.inputs]
            wanted = (min(rows) + max(rows)) // 2 if rows else 0
            row = max(wanted, free + slot.port)
            while _blocked(slot, sources.get(row)):
                row += 1
            slot.top = row - slot.port
            free = slot.top + slot.height
        sources = {slot.row: slot for slot in column}


def _blocked(slot: _Slot, source: _Slot | None) -> bool:
    """Whether ``slot`` must not take the row on which ``source``'s wire leaves.

    It may when that wire runs straight into it, unless the wire is one of two
    operands and also feeds another node (the two would look merged), or is both
    operands (its two wires need a row to meet on).
    """
    if source is None or not slot.inputs:
        return False
    if source not in slot.inputs:
        return True
    return len(slot.inputs) == 2 and (slot.is_pair or source.users > 1)


class _Gap:
    """The wiring between a column and the next: trunks, op symbols, arrows.

    From left to right: one cell where wires leave their column, the trunks a
    cell apart, then ``─op─▶`` into each op.
    """

    def __init__(self, column: list[_Slot]):
        self.targets = [slot for slot in column if slot.inputs]
        self.trunks = _order_trunks(self.targets)
        ops = [_op_text(t.value) for t in self.targets if not t.is_wire]
        self.label_width = max(map(len, ops), default=0)
        self.region = max(1, 2 * max(self.trunks.values(), default=-1) + 2)
        self.width = self.region + (self.label_width + 3 if ops else 0)
        self.start = 0  # the first cell's column, once the columns are placed

    def draw(self, canvas: _Canvas) -> None:
        region = self.start + self.region
        for target in self.targets:
            if target in self.trunks:
                x = self.start + 1 + 2 * self.trunks[target]
                for source in set(target.inputs):
                    canvas.hline(source.row, self.start, x)
                    canvas.vline(x, source.row, target.row)
                if target.is_pair:  # the second wire comes down two cells to the left
                    canvas.vline(x - 2, target.inputs[0].row, target.row)
                    canvas.hline(target.row, x - 2, x)
                canvas.hline(target.row, x, region)
            else:
                canvas.hline(target.row, self.start, region)
            if target.is_wire:
                text = "─" * (self.width - self.region)
            else:
                text = "─" + _op_text(target.value).rjust(self.label_width, "─") + "─▶"
            canvas.text(target.row, region, text)


def _needs_trunk(target: _Slot) -> bool:
    """Whether a wire comes in from another row (``_blocked`` sees to it for a pair)."""
    return any(s.row != target.row for s in target.inputs)


def _span(target: _Slot) -> _Span:
    """The rows a target's trunk runs over: its inputs' rows and its own."""
    rows = [target.row] + [s.row for s in target.inputs]
    return min(rows), max(rows)


def _order_trunks(targets: list[_Slot]) -> dict[_Slot, int]:
    """Each trunk's place among the gap's trunks, crossing as few wires as possible."""
    spans = {t: _span(t) for t in targets if _needs_trunk(t)}
    trunked = sorted(spans, key=lambda t: spans[t][1] - spans[t][0])
    if len(trunked) > _MAX_SEARCH:
        return _pack(trunked, spans)
    users: dict[_Slot, list[_Slot]] = {}
    for target in targets:
        for source in set(target.inputs):
            users.setdefault(source, []).append(target)
    packings = (_pack(order, spans) for order in itertools.permutations(trunked))
    return min(
        packings,
        key=lambda places: (_crossings(places, spans, users), max(places.values(), default=0)),
    )


def _pack(order: Iterable[_Slot], spans: dict[_Slot, _Span]) -> dict[_Slot, int]:
    """Trunk places: in this order left to right where their rows overlap, else shared."""
    taken: list[tuple[int, int, int]] = []
    places = {}
    for target in order:
        lo, hi = spans[target]
        place = max((p + 1 for p, a, b in taken if a <= hi and lo <= b), default=0)
        if target.is_pair:  # its second wire takes the place before
            taken.append((place, lo, hi))
            place += 1
        taken.append((place, lo, hi))
        places[target] = place
    return places


def _crossings(
    places: dict[_Slot, int], spans: dict[_Slot, _Span], users: dict[_Slot, list[_Slot]]
) -> int:
    """How many times a wire crosses a trunk it does not join."""
    verticals = [(p, *spans[t], t) for t, p in places.items()]
    verticals += [(p - 1, *spans[t], t) for t, p in places.items() if t.is_pair]
    count = 0
    for target, place in places.items():  # its wire from its trunk on to the op
        y = target.row
        count += sum(p > place and lo < y < hi for p, lo, hi, t in verticals if t is not target)
    straight = len(places) * 2  # a wire straight into an op runs past every trunk
    for source, targets in users.items():  # its wire on to its last trunk
        y = source.row
        end = max(places.get(t, straight) for t in targets)
        count += sum(p < end and lo < y < hi for p, lo, hi, t in verticals if t not in targets)
    return count


# -- drawing --------------------------------------------------------------------


def _face(slot: _Slot, shown: Callable[[Value], bool]) -> list[str]:
    """A box's label, data and grad lines, or the one line of any other slot."""
    node = slot.value
    if slot.is_wire:
        return [""]
    if not slot.is_box:
        return [format_number(node.data) if node.is_leaf else f"({format_number(node.data)})"]
    grad = format_number(node.grad) if shown(node) else "?"
    return [node.label, f"data {format_number(node.data)}", f"grad {grad}"]


def _box_width(face: list[str]) -> int:
    label, data, grad = face
    return max(len(label) + 5, len(data) + 4, len(grad) + 4)


def _box(face: list[str], width: int, has_users: bool, highlighted: bool) -> list[str]:
    """A labelled node's box: the label in its top border, then data and grad."""
    tl, tr, bl, br, h, v, port = "╔╗╚╝═║╟" if highlighted else "┌┐└┘─│├"
    label, data, grad = face
    return [
        f"{tl} {label} ".ljust(width - 1, h) + tr,
        f"{v} {data.ljust(width - 4)} " + (port if has_users else v),
        f"{v} {grad.ljust(width - 4)} {v}",
        bl + h * (width - 2) + br,
    ]


class _Canvas:
    """Text and lines on a grid of cells; text wins where both are drawn.

    A line cell remembers which of its four sides it joins (its arms) and is
    drawn, at the end, with the glyph for those arms.
    """

    def __init__(self, width: int, height: int):
        self.width = width
        self.height = height
        self.texts: list[tuple[int, int, str]] = []
        self.arms: dict[tuple[int, int], int] = {}
        self.junctions: set[tuple[int, int]] = set()

    def text(self, row: int, col: int, text: str) -> None:
        self.texts.append((row, col, text))

    def hline(self, row: int, x0: int, x1: int) -> None:
        """A line from cell ``x0`` right to cell ``x1``."""
        arms = self.arms
        for x in range(x0, x1):
            arms[row, x] = arms.get((row, x), 0) | _RIGHT
            arms[row, x + 1] = arms.get((row, x + 1), 0) | _LEFT

    def vline(self, col: int, y0: int, y1: int) -> None:
        """A line between rows ``y0`` and ``y1``, joining the lines at both ends."""
        y0, y1 = sorted((y0, y1))
        arms = self.arms
        for y in range(y0, y1):
            arms[y, col] = arms.get((y, col), 0) | _DOWN
            arms[y + 1, col] = arms.get((y + 1, col), 0) | _UP
        self.junctions |= {(y0, col), (y1, col)}

    def lines(self) -> list[str]:
        grid = [[" "] * self.width for _ in range(self.height)]
        for (row, col), arms in self.arms.items():
            crossing = arms == 15 and (row, col) not in self.junctions
            grid[row][col] = _CROSSING if crossing else _GLYPHS[arms]
        for row, col, text in self.texts:
            grid[row][col : col + len(text)] = text
        return ["".join(row).rstrip() for row in grid]
