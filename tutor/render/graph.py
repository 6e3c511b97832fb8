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

Where room is short (a terminal of 80 columns), `fit_text` draws the same layout
compact, a node on one line (``│d=4 g=?├``), and if that is still too wide it
folds the columns into bands stacked top to bottom, each band after the first
starting again with the nodes that feed it.

A value still asked for is drawn ``?``: in its box, and on every unlabelled wire
value joined to it (``(15)──+ 5─▶ f`` would give ``f`` away).

A graph whose drawing would not fit even in bands (a column of many crossing
wires is wider than the room), or would take more than `MAX_DRAWN_CELLS` cells
or `MAX_SLOTS` places to lay out (a graph of thousands of nodes), is listed
instead: each labelled node on a line of its own, inputs first, with what it is
made of (``o=0.7071 g=? ← tanh(n)``), wrapped to the width. A listing fits any
width of `MIN_WIDTH` or more, and costs a pass over the nodes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from tutor.engine import OPS, Value, topo_order
from tutor.render.notation import format_number, op_symbol

#: Whether a node's gradient is shown: one answer for every node, or one per node.
ShowGrad = bool | Callable[[Value], bool]

_UP, _DOWN, _LEFT, _RIGHT = 1, 2, 4, 8
#: The line glyph for each combination of arms, indexed by the arm bits.
_GLYPHS = " │││─┘┐┤─└┌├─┴┬┼"
_CROSSING = "│"
#: After a node or wire that the next band goes on from.
CONTINUED = "…"
_Span = tuple[int, int]  # the first and last row of a trunk
#: The trunk orders of one gap are all tried up to this many trunks.
_MAX_SEARCH = 5
#: ... and while trying them costs at most this many wire-by-trunk comparisons.
_MAX_SEARCH_WORK = 50_000
#: A comparison of the trunk search counts as this many cells of the budget.
_SEARCH_COST = 20
#: A cell of a line drawn counts as this many (two look-ups and two stores).
_LINE_COST = 4
#: A place laid out (its row, its face, its share of the gap after it) counts as this many.
_SLOT_COST = 40
#: The work a drawing may take before the graph is listed instead (`_Budget`), counted in
#: cells: each cell of a canvas, and each place laid out, line cell drawn and comparison of
#: the trunk search as the cells it costs as much as (about 0.1 µs each). The bundled
#: network lessons take 90,000 at 80 columns, 1,500,000 at 300; a fitting has one budget
#: for full boxes and one for compact nodes and bands (the costliest graph found took
#: 1.3 s on two cores running four times their load, before it was listed).
MAX_DRAWN_CELLS = 2_500_000
#: Places (nodes and wires through columns) a layout may have before it is listed.
MAX_SLOTS = 2_500
#: The narrowest room a listing is wrapped to; a narrower one is given this many columns.
MIN_WIDTH = 12


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of a picture, in character cells."""

    row: int
    col: int
    height: int
    width: int


@dataclass(frozen=True)
class GraphPicture:
    """A drawn graph: its lines, and the box of each labelled node.

    ``values`` is where each labelled node's value is written (one line of cells);
    ``compact`` and ``bands`` say how it was fitted (`fit_text`).
    """

    lines: list[str]
    boxes: dict[Value, Box]
    values: dict[Value, Box] = field(default_factory=dict)
    compact: bool = False
    bands: int = 1
    #: Where a band starts again with a node drawn above it (its box is in ``boxes``).
    repeats: tuple[Box, ...] = ()
    #: Why the graph is listed a node a line instead of drawn (None: it is drawn).
    listed: str | None = None

    @property
    def width(self) -> int:
        return max(map(len, self.lines), default=0)

    @property
    def height(self) -> int:
        return len(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def render_text(
    root: Value,
    *,
    show_grad: ShowGrad = True,
    highlight: Value | None = None,
    hidden: Collection[Value] = (),
    compact: bool = False,
) -> GraphPicture:
    """Draw the graph of ``root``: inputs on the left, ``root`` on the right.

    ``show_grad`` is a bool, or is called with each labelled node; where it is
    false the box shows ``grad ?``. ``highlight``, a labelled node of the graph,
    gets a double border (``ValueError`` for any other node). The values of
    ``hidden`` nodes, and of the unlabelled values wired to them, show as ``?``.
    ``compact`` draws each labelled node on one line: ``│d=4 g=?├``.
    """
    hide = _hidden_with_wires(root, hidden)
    try:
        picture = _draw(
            _columns(root, compact),
            show_grad,
            highlight,
            hide,
            compact,
            places(root, hide),
            _Budget(),
        )
        assert picture is not None  # with no width limit, `_draw` always draws
    except _TooBig:
        picture = _listing(root, None, show_grad, highlight, hide, TOO_BIG)
    return _check_highlight(picture, highlight)


def fit_text(
    root: Value,
    width: int,
    height: int | None = None,
    *,
    show_grad: ShowGrad = True,
    highlight: Value | None = None,
    hidden: Collection[Value] = (),
) -> GraphPicture:
    """The graph drawn to fit ``width`` columns (and ``height`` rows, when given).

    Full boxes if they fit; else compact nodes; else compact nodes folded into
    bands of columns, stacked; else (a band of one column is still too wide, or
    the drawing too big to lay out) listed a node a line, wrapped to ``width``.
    No line is ever wider than ``width`` (or `MIN_WIDTH`, if that is more).
    """
    hide = _hidden_with_wires(root, hidden)
    digits = places(root, hide)
    try:
        full = _draw(
            _columns(root, False), show_grad, highlight, hide, False, digits, _Budget(), width
        )
    except _TooBig:
        full = None
    if full is not None and (height is None or full.height <= height):
        return _check_highlight(full, highlight)
    try:
        return _fold(root, width, show_grad, highlight, hide, digits)
    except _TooBig:
        reason = TOO_BIG
    except _TooWide:
        reason = TOO_WIDE
    return _check_highlight(
        _listing(root, max(width, MIN_WIDTH), show_grad, highlight, hide, reason), highlight
    )


#: Why a graph is listed (`GraphPicture.listed`).
TOO_BIG = "too big to draw"
TOO_WIDE = "too wide to draw in this width"


class _TooBig(Exception):
    """The drawing would take more than the budget of cells or places."""


class _TooWide(Exception):
    """Even a band of one column is wider than the room."""


class _Budget:
    """The cells one fitting may lay out, counted before each canvas is made."""

    def __init__(self, cells: int = MAX_DRAWN_CELLS):
        self.left = cells

    def charge(self, cells: int) -> None:
        self.left -= cells
        if self.left < 0:
            raise _TooBig


def _fold(
    root: Value,
    width: int,
    show_grad: ShowGrad,
    highlight: Value | None,
    hide: set[Value],
    digits: Mapping[Value, int],
) -> GraphPicture:
    """Compact nodes, folded into bands of columns if they do not fit ``width``."""
    budget = _Budget()
    columns = _columns(root, True)
    compact = _draw(columns, show_grad, highlight, hide, True, digits, budget, width)
    if compact is not None:
        return compact

    bands: list[GraphPicture] = []
    start = 0
    while start < len(columns):
        end = start + 1
        band = _draw(
            _band(columns, start, end), show_grad, highlight, hide, True, digits, budget, width
        )
        if band is None:
            raise _TooWide
        while end < len(columns):
            wider = _draw(
                _band(columns, start, end + 1),
                show_grad,
                highlight,
                hide,
                True,
                digits,
                budget,
                width,
            )
            if wider is None:
                break
            band, end = wider, end + 1
        bands.append(band)
        start = end
    return _stack(bands)


def _draw(
    columns: list[list[_Slot]],
    show_grad: ShowGrad,
    highlight: Value | None,
    hidden: Collection[Value],
    compact: bool,
    digits: Mapping[Value, int],
    budget: _Budget,
    limit: int | None = None,
) -> GraphPicture | None:
    """The picture of ``columns``; None, unpainted, when it is wider than ``limit``."""
    budget.charge(_SLOT_COST * sum(map(len, columns)))
    _place_rows(columns)
    shown = show_grad if callable(show_grad) else lambda _node: show_grad
    faces = {
        slot: _face(slot, shown, hidden, compact, digits) for column in columns for slot in column
    }
    box_widths = [
        max((_box_width(faces[s], compact) for s in column if s.is_box), default=0)
        for column in columns
    ]
    widths = [
        max([box_widths[c]] + [len(faces[s][0]) for s in column if not s.is_box])
        for c, column in enumerate(columns)
    ]
    gaps = [_Gap(column, budget) for column in columns[1:]]
    x = 0
    for c, column in enumerate(columns):
        for slot in column:
            slot.x = x
        x += widths[c]
        if c < len(gaps):
            gaps[c].start = x
            x += gaps[c].width

    if limit is not None and columns[-1][0].x >= limit:
        return None  # every slot of the last column draws from its first cell on
    height = max(s.top + s.height for column in columns for s in column)
    budget.charge((x + 1) * height)
    canvas = _Canvas(x + 1, height, budget)
    boxes: dict[Value, Box] = {}
    values: dict[Value, Box] = {}
    for c, column in enumerate(columns):
        for slot in column:
            if slot.is_box:
                draw = _compact_box if compact else _box
                lines = draw(faces[slot], box_widths[c], slot.users > 0, slot.value is highlight)
                box = Box(slot.top, slot.x, len(lines), box_widths[c])
                boxes.setdefault(slot.value, box)
                values.setdefault(slot.value, _value_cells(faces[slot], box, compact))
            else:
                lines = faces[slot]  # a wire's is "", so its wire out starts at x - 1
            for i, line in enumerate(lines):
                canvas.text(slot.top + i, slot.x, line)
            if slot.users:  # the wire out, to the end of the column
                canvas.hline(slot.row, slot.x + len(lines[0]) - 1, slot.x + widths[c])
            if slot.continued:
                canvas.text(slot.row, slot.x + len(lines[0]), CONTINUED)
    for gap in gaps:
        gap.draw(canvas)
    picture = GraphPicture(canvas.lines(), boxes, values, compact=compact)
    return picture if limit is None or picture.width <= limit else None


def _check_highlight(picture: GraphPicture, highlight: Value | None) -> GraphPicture:
    if highlight is not None and highlight not in picture.boxes:
        raise ValueError(f"highlight {highlight!r} is not a labelled node of this graph")
    return picture


def _band(columns: list[list[_Slot]], start: int, end: int) -> list[list[_Slot]]:
    """Columns ``start`` to ``end`` (exclusive) as a picture of their own.

    A band after the first begins with the nodes that feed it, drawn again
    (a wire passing through is drawn as its node), so each band reads alone.
    """
    copies: dict[_Slot, _Slot] = {}
    band: list[list[_Slot]] = []
    if start > 0:
        entry = []
        for slot in columns[start - 1]:
            copy = _Slot(slot.value, is_wire=False, users=slot.users, tall=False)
            copies[slot] = copy
            entry.append(copy)
        band.append(entry)
    for c in range(start, end):
        column = []
        for slot in columns[c]:
            copy = _Slot(
                slot.value,
                slot.is_wire,
                inputs=[copies[s] for s in slot.inputs],
                users=slot.users if c < end - 1 else 0,  # the next band draws it again
                tall=False,
                continued=c == end - 1 and slot.users > 0,
            )
            copies[slot] = copy
            column.append(copy)
        band.append(column)
    return band


def _stack(bands: list[GraphPicture]) -> GraphPicture:
    """Bands one under the other, a blank line between; a node's box is where it is made."""
    lines: list[str] = []
    boxes: dict[Value, Box] = {}
    values: dict[Value, Box] = {}
    repeats: list[Box] = []
    for band in bands:
        if lines:
            lines.append("")
        top = len(lines)
        for node, box in band.boxes.items():
            moved = Box(box.row + top, box.col, box.height, box.width)
            if node in boxes and box.col == 0:  # the repeat at a band's start
                repeats.append(moved)
                continue
            boxes[node] = moved
            cells = band.values[node]
            values[node] = Box(cells.row + top, cells.col, cells.height, cells.width)
        lines += band.lines
    return GraphPicture(
        lines, boxes, values, compact=True, bands=len(bands), repeats=tuple(repeats)
    )


def _hidden_with_wires(root: Value, hidden: Collection[Value]) -> set[Value]:
    """``hidden``, and every unlabelled non-leaf value wired to one of them.

    Such a value sits on a wire into or out of a hidden node, or on a chain of
    unlabelled wires joined to one: ``(15)──+ 5─▶ f`` tells ``f``.
    """
    hidden = set(hidden)
    if not hidden:
        return hidden
    nodes = topo_order(root)
    near: dict[Value, set[Value]] = {node: set() for node in nodes}
    for node in nodes:
        for operand in node.inputs:
            near[node].add(operand)
            near[operand].add(node)
    todo = list(hidden)
    while todo:
        for other in near.get(todo.pop(), ()):
            if other not in hidden and not other.label and not other.is_leaf:
                hidden.add(other)
                todo.append(other)
    return hidden


# -- what is drawn --------------------------------------------------------------

#: Decimal places of a value in the picture, and the most a value gets so that the
#: numbers agree with each other (`places`).
PLACES = 4
MAX_PLACES = 8
#: A graph of more ops than this (a hostile lesson's) is written at `PLACES`: making
#: its numbers agree would cost more than drawing it.
MAX_AGREED = 5_000


def places(root: Value, hidden: Collection[Value] = ()) -> dict[Value, int]:
    """How many decimals each value is written with, so that the shown numbers agree:
    an op's value, written, is what the op gives on its operands as written, rounded
    to its places. ``0.6888 * 2`` is 1.3776, so ``(1.3777)`` for w1·x1 = 1.37769
    does not agree with ``w1 = 0.6888``: the operands get a place more, until they
    agree (``0.68884 * 2`` rounds to 1.3777), at most `MAX_PLACES`. Values not in the
    dict get `PLACES`; a hidden value (``?``) is left alone, and so is a graph of more
    than `MAX_AGREED` ops."""
    found: dict[Value, int] = {}
    ops = [n for n in topo_order(root) if not n.is_leaf and n not in hidden]
    if len(ops) > MAX_AGREED:
        return found
    users: dict[Value, list[Value]] = {}
    for node in ops:
        for x in node.inputs:
            users.setdefault(x, []).append(node)
    todo = list(reversed(ops))  # popped in topological order
    waiting = set(ops)
    while todo:  # each growth is a place more, and places stop at MAX_PLACES
        node = todo.pop()
        waiting.discard(node)
        if any(x in hidden for x in node.inputs) or _agrees(node, found):
            continue
        for v in node.inputs:
            if _is_constant(v) or found.get(v, PLACES) >= MAX_PLACES:
                continue
            found[v] = found.get(v, PLACES) + 1
            for again in (v, *users.get(v, ())):  # what compares v's written value
                if again in waiting or again.is_leaf or again in hidden:
                    continue
                waiting.add(again)
                todo.append(again)
    return found


def _agrees(node: Value, digits: Mapping[Value, int]) -> bool:
    """Whether ``node``'s value as written is its op on its operands as written."""
    try:
        written = tuple(float(format_number(x.data, digits.get(x, PLACES))) for x in node.inputs)
        op = node._op
        assert op is not None  # only inner nodes are compared
        again = op.forward(written, node.param)
    except (ArithmeticError, ValueError):
        return True  # nothing to compare: the written operands leave the op's domain
    places_ = digits.get(node, PLACES)
    return format_number(again, places_) == format_number(node.data, places_)


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
    tall: bool = True  # a labelled node drawn as a box of four lines (else one)
    continued: bool = False  # used in the next band: drawn with "…" after it
    is_box: bool = False
    top: int = 0
    x: int = 0

    def __post_init__(self) -> None:
        self.is_box = not self.is_wire and bool(self.value.label)

    @property
    def height(self) -> int:
        return 4 if self.is_box and self.tall else 1

    @property
    def port(self) -> int:
        """Where wires enter and leave, counted from the top: a box's data line."""
        return 1 if self.is_box and self.tall else 0

    @property
    def row(self) -> int:
        return self.top + self.port

    @property
    def is_pair(self) -> bool:
        """An op whose two operands are the same node, as in ``a + a``."""
        return len(self.inputs) == 2 and self.inputs[0] is self.inputs[1]


def _columns(root: Value, compact: bool = False) -> list[list[_Slot]]:
    """The slots of each column, left to right, each column in drawing order."""
    depth = {root: 0}  # the longest path to the root, over the drawn wires
    for node in reversed(topo_order(root)):
        if node in depth:
            for operand in _wired(node):
                depth[operand] = max(depth.get(operand, 0), depth[node] + 1)
    last = max(depth.values())
    home = {node: last - d for node, d in depth.items()}
    slots = {
        (node, col): _Slot(node, is_wire=False, tall=not compact) for node, col in home.items()
    }

    reach = dict(home)  # the last column each node is carried to so far

    def carrier(node: Value, col: int) -> _Slot:
        """The slot carrying ``node`` in column ``col``, adding wires as needed."""
        slot = slots[node, min(col, reach[node])]
        for c in range(reach[node] + 1, col + 1):
            slot = slots[node, c] = _Slot(node, is_wire=True, inputs=[slot], tall=not compact)
        reach[node] = max(reach[node], col)
        if len(slots) > MAX_SLOTS:
            raise _TooBig
        return slot

    if len(slots) > MAX_SLOTS:
        raise _TooBig

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

    def __init__(self, column: list[_Slot], budget: _Budget):
        self.targets = [slot for slot in column if slot.inputs]
        self.trunks = _order_trunks(self.targets, budget)
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


def _order_trunks(targets: list[_Slot], budget: _Budget) -> dict[_Slot, int]:
    """Each trunk's place among the gap's trunks, crossing as few wires as possible."""
    spans = {t: _span(t) for t in targets if _needs_trunk(t)}
    trunked = sorted(spans, key=lambda t: spans[t][1] - spans[t][0])
    if len(trunked) > _MAX_SEARCH:
        return _pack(trunked, spans)
    users: dict[_Slot, list[_Slot]] = {}
    for target in targets:
        for source in set(target.inputs):
            users.setdefault(source, []).append(target)
    work = math.factorial(len(trunked)) * (len(users) + len(trunked)) * 2
    if work > _MAX_SEARCH_WORK:
        return _pack(trunked, spans)
    budget.charge(work * _SEARCH_COST)
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


def _face(
    slot: _Slot,
    shown: Callable[[Value], bool],
    hidden: Collection[Value],
    compact: bool,
    digits: Mapping[Value, int],
) -> list[str]:
    """A box's label, data and grad lines, or the one line of any other slot."""
    node = slot.value
    if slot.is_wire:
        return [""]
    data = "?" if node in hidden else format_number(node.data, digits.get(node, PLACES))
    if not slot.is_box:
        return [data if node.is_leaf else f"({data})"]
    grad = format_number(node.grad) if shown(node) else "?"
    if compact:
        return [f"{node.label}={data} g={grad}"]
    return [node.label, f"data {data}", f"grad {grad}"]


def _box_width(face: list[str], compact: bool = False) -> int:
    if compact:
        return len(face[0]) + 2
    label, data, grad = face
    return max(len(label) + 5, len(data) + 4, len(grad) + 4)


def _value_cells(face: list[str], box: Box, compact: bool) -> Box:
    """Where a box writes its node's value."""
    if compact:
        line = face[0]
        start = line.index("=") + 1
        return Box(box.row, box.col + 1 + start, 1, line.index(" g=") - start)
    return Box(box.row + 1, box.col + 7, 1, len(face[1]) - 5)


def _compact_box(face: list[str], width: int, has_users: bool, highlighted: bool) -> list[str]:
    """A labelled node on one line: ``│d=4 g=?├`` (``║…╟`` when highlighted)."""
    v, port = "║╟" if highlighted else "│├"
    return [f"{v}{face[0].ljust(width - 2)}" + (port if has_users else v)]


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

    def __init__(self, width: int, height: int, budget: _Budget | None = None):
        self.width = width
        self.height = height
        self.budget = budget or _Budget()  # each line's cells are charged as drawn
        self.texts: list[tuple[int, int, str]] = []
        self.arms: dict[tuple[int, int], int] = {}
        self.junctions: set[tuple[int, int]] = set()

    def text(self, row: int, col: int, text: str) -> None:
        self.texts.append((row, col, text))

    def hline(self, row: int, x0: int, x1: int) -> None:
        """A line from cell ``x0`` right to cell ``x1``."""
        self.budget.charge(_LINE_COST * (x1 - x0))
        arms = self.arms
        for x in range(x0, x1):
            arms[row, x] = arms.get((row, x), 0) | _RIGHT
            arms[row, x + 1] = arms.get((row, x + 1), 0) | _LEFT

    def vline(self, col: int, y0: int, y1: int) -> None:
        """A line between rows ``y0`` and ``y1``, joining the lines at both ends."""
        y0, y1 = sorted((y0, y1))
        self.budget.charge(_LINE_COST * (y1 - y0))
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


# -- listing: a node a line ------------------------------------------------------

#: How tightly each op binds, for the parentheses of a listing (a function: 5).
_BINDING = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
#: Unlabelled ops written out within one expression, before it is cut short with ``…``.
_MAX_WRITTEN = 2_000
_MAX_DEPTH = 50


def _listing(
    root: Value,
    width: int | None,
    show_grad: ShowGrad,
    highlight: Value | None,
    hidden: Collection[Value],
    reason: str,
) -> GraphPicture:
    """Each labelled node (and the output) on a line, inputs first: ``name=data g=grad``,
    then ``← what it is made of`` for an op; ``▶`` marks ``highlight``. Lines longer than
    ``width`` are wrapped, the rest of the line indented."""
    shown = show_grad if callable(show_grad) else lambda _node: show_grad
    lines: list[str] = []
    boxes: dict[Value, Box] = {}
    values: dict[Value, Box] = {}
    for node in topo_order(root):
        if not node.label and (node is not root or node.is_leaf):
            continue
        name = node.label or "output"
        data = "?" if node in hidden else format_number(node.data)
        grad = format_number(node.grad) if shown(node) else "?"
        mark = "▶ " if node is highlight else "  "
        text = f"{mark}{name}={data} g={grad}"
        if not node.is_leaf:
            text += " ← " + _written(node)
        parts = _wrap(text, width)
        row = len(lines)
        lines += parts
        if node.label:
            boxes[node] = Box(row, 0, 1, len(parts[0]))
            start = len(mark) + len(name) + 1
            if start + len(data) <= len(parts[0]):
                values[node] = Box(row, start, 1, len(data))
    return GraphPicture(lines, boxes, values, compact=True, listed=reason)


def _written(node: Value) -> str:
    """What ``node`` is made of, as a script writes it: its labelled inputs by name, its
    constants as numbers, its unlabelled inputs written out (``b + w1*x1 + w2*x2``)."""
    budget = [_MAX_WRITTEN]

    def operand(v: Value, depth: int) -> tuple[str, int]:
        """``v`` written, and how tightly it binds."""
        if v.label:
            return v.label, 9
        if v.is_leaf:
            text = format_number(v.data)
            return text, 0 if text.startswith("-") else 9
        budget[0] -= 1
        if depth > _MAX_DEPTH or budget[0] < 0:
            return "…", 9
        return op(v, depth + 1)

    def op(v: Value, depth: int) -> tuple[str, int]:
        info = OPS.get(v.op)
        binding = _BINDING.get(v.op, 5)
        args = [operand(x, depth) for x in v.inputs]
        if info is None or info.is_function or len(args) not in (1, 2):
            symbol = info.symbol if info is not None else v.op
            return f"{symbol}({', '.join(text for text, _ in args)})", 9
        if v.op == "pow" and v.param is not None:
            (base, tight), power = args[0], format_number(v.param)
            return f"{_paren(base, tight <= binding)}**{power}", binding
        if len(args) == 1:
            (text, tight) = args[0]
            return f"{info.symbol}{_paren(text, tight < binding)}", binding
        (left, lt), (right, rt) = args
        # a - (b - c) and a / (b * c) need their parentheses; a + (b + c) does not.
        tighter = rt <= binding if v.op in ("sub", "div") else rt < binding
        return f"{_paren(left, lt < binding)} {info.symbol} {_paren(right, tighter)}", binding

    return op(node, 0)[0]


def _paren(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


def _wrap(text: str, width: int | None) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at a space where one is
    in the second half of a line; each line after the first indented (by four spaces)."""
    if width is None or len(text) <= width:
        return [text]
    width = max(width, 1)
    indent = "    " if width >= 20 else "  " if width > 8 else ""
    lines: list[str] = []
    rest, prefix = text, ""
    while len(prefix) + len(rest) > width:
        room = width - len(prefix)
        cut = rest.rfind(" ", room // 2, room + 1)
        cut = cut if cut > 0 else room
        lines.append(prefix + rest[:cut].rstrip())
        rest, prefix = rest[cut:].lstrip(), indent
    lines.append(prefix + rest)
    return lines
