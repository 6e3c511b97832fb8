"""The graph panel: the lesson's expression graph, drawn by `tutor.render`.

The same renderer as ``tutor graph``, fitted to the room the panel has (full
boxes, else one line a node, else folded into bands, else listed a node a line
when even a band is too wide or the graph too big to draw: `tutor.render.fit_text`,
which bounds the work), and drawn again when that room changes; the subtitle
says which. A gradient shows only once the student
has earned it, a value only once it is no longer asked for (nor any unlabelled
value wired to it); the node the question is about has a double border (the
renderer's) and the focus colour, and the two ends of an edge a diagnosis names
get the warning colour. Colour is never the only sign: the feedback line says
the same in words.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.widgets import Static

from tutor.lesson import Graph
from tutor.render import Box, GraphPicture, fit_text

#: Under a compact drawing: how to read a node.
COMPACT_KEY = "name=data g=grad"
#: Under a listing (a graph too big or too wide to draw): why, and how to read a line.
LISTED_KEY = "{reason}: a node a line, name=data g=grad ← made of"


@dataclass(frozen=True)
class _Request:
    graph: Graph
    earned: frozenset[str]
    hidden_values: frozenset[str]
    focus: str | None
    also: frozenset[str]
    edge: tuple[str, str] | None


class GraphPanel(ScrollableContainer, can_focus=True):
    """A scrollable picture of the graph (arrow keys scroll it when focused)."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "graph-panel--focus",
        "graph-panel--edge",
        "graph-panel--hidden",
    }

    _shown: tuple | None = None
    _request: _Request | None = None
    _fitted: tuple | None = None  # (request, width, height) of `picture`
    _focus_box: Box | None = None
    picture: GraphPicture | None = None

    def compose(self):
        yield Static(id="graph-picture")

    def show(
        self,
        graph: Graph,
        *,
        earned: Collection[str] = (),
        hidden_values: Collection[str] = (),
        focus: str | None = None,
        also: Collection[str] = (),
        edge: tuple[str, str] | None = None,
    ) -> None:
        """Draw ``graph``: gradients of ``earned`` nodes, values except ``hidden_values``.

        ``focus`` (the node asked about) gets a double border and the focus colour,
        ``also`` (e.g. the input of a local derivative) the focus colour, and the
        ends of a diagnosed ``edge`` the warning colour.
        """
        self._request = _Request(
            graph, frozenset(earned), frozenset(hidden_values), focus, frozenset(also), edge
        )
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def fit(self, width: int, height: int) -> GraphPicture | None:
        """Draw the graph for ``width`` × ``height`` cells (the room the screen offers)."""
        self._draw((width, height))
        return self.picture

    def _room(self) -> tuple[int, int | None]:
        """The cells the picture may use (a wide guess before the first layout)."""
        width, height = self.scrollable_content_region.size
        if width <= 0:
            return self.app.size.width - 4, None
        return width, max(height, 1)

    def _draw(self, room: tuple[int, int] | None = None) -> None:
        request = self._request
        if request is None:
            return
        graph, focus = request.graph, request.focus
        node = graph.nodes.get(focus) if focus else None
        highlight = node if node is not None and node.label else None
        hidden = [graph.nodes[name] for name in request.hidden_values if name in graph.nodes]
        width, height = room or self._room()
        if self._fitted == (request, width, height) and self.picture is not None:
            picture = self.picture  # drawn for this room already (a resize, a refit)
        else:
            picture = fit_text(
                graph.output,
                width,
                height,
                show_grad=lambda v: v.label in request.earned,
                highlight=highlight,
                hidden=hidden,
            )
            self.picture, self._fitted = picture, (request, width, height)
        lines = picture.lines
        by_name = {v.label: box for v, box in picture.boxes.items()}
        value_at = {v.label: cells for v, cells in picture.values.items()}
        text = Text("\n".join(lines), no_wrap=True, end="")
        muted = self.get_component_rich_style("graph-panel--hidden")
        for name in request.hidden_values:
            if name in value_at:
                _style_box(text, lines, value_at[name], muted)
        warn = self.get_component_rich_style("graph-panel--edge")
        for name in request.edge or ():
            if name in by_name and name != focus and name not in request.also:
                _style_box(text, lines, by_name[name], warn)
        self._focus_box = by_name.get(focus) if focus else None
        if self._focus_box is not None:
            style = self.get_component_rich_style("graph-panel--focus")
            _style_box(text, lines, self._focus_box, style)
        if picture.listed:
            self.border_subtitle = LISTED_KEY.format(reason=picture.listed)
        else:
            self.border_subtitle = COMPACT_KEY if picture.compact else ""
        key = (text.plain, tuple(text.spans))
        if key != self._shown:  # the same picture: leave it (an update costs a layout)
            self._shown = key
            self.query_one("#graph-picture", Static).update(text)
        self.call_after_refresh(self.keep_focus_in_view)

    def keep_focus_in_view(self) -> None:
        """Scroll so the node asked about is whole in view; else to the top left."""
        view_width = self.scrollable_content_region.width
        fitted, picture = self._fitted, self.picture
        if fitted and picture and 0 < view_width < picture.width and fitted[1] != view_width:
            # A scroll bar took columns the picture was fitted to: fit it to what is left.
            self._draw((view_width, fitted[2]))
            return
        box = self._focus_box
        if box is None:
            self.scroll_to(0, 0, animate=False, immediate=True)
            return
        view_width, view_height = self.scrollable_content_region.size
        x = 0 if box.col + box.width <= view_width else box.col
        y = 0 if box.row + box.height <= view_height else box.row
        self.scroll_to(x, y, animate=False, immediate=True)
        self.scroll_to_region(
            Region(box.col, box.row, box.width, box.height), animate=False, immediate=True
        )


def _offset(lines: list[str], row: int, col: int) -> int:
    """The index in the joined text of ``(row, col)``."""
    return sum(len(line) + 1 for line in lines[:row]) + col


def _style_box(text: Text, lines: list[str], box: Box, style) -> None:
    for row in range(box.row, box.row + box.height):
        start = _offset(lines, row, box.col)
        text.stylize(style, start, start + box.width)
