"""The graph panel: the lesson's expression graph, drawn by `tutor.render`.

The same renderer as ``tutor graph``. A gradient shows only once the student
has earned it, a value only once it is no longer asked for; the node the
question is about has a double border (the renderer's) and the focus colour,
and the two ends of an edge a diagnosis names get the warning colour. Colour
is never the only sign: the feedback line says the same in words.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.geometry import Region
from textual.widgets import Static

from tutor.lesson import Graph
from tutor.render import Box, render_text


class GraphPanel(ScrollableContainer, can_focus=True):
    """A scrollable picture of the graph (arrow keys scroll it when focused)."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "graph-panel--focus",
        "graph-panel--edge",
        "graph-panel--hidden",
    }

    _shown: tuple | None = None
    _picture_size: tuple[int, int] = (0, 0)

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
        node = graph.nodes.get(focus) if focus else None
        highlight = node if node is not None and node.label else None
        picture = render_text(
            graph.output, show_grad=lambda v: v.label in earned, highlight=highlight
        )
        lines = list(picture.lines)
        by_name = {v.label: box for v, box in picture.boxes.items()}
        for name in hidden_values:
            if name in by_name:
                _hide_value(lines, by_name[name])
        text = Text("\n".join(lines), no_wrap=True, end="")
        for name in hidden_values:
            if name in by_name:
                _style_line(
                    text,
                    lines,
                    by_name[name],
                    1,
                    self.get_component_rich_style("graph-panel--hidden"),
                )
        for name in edge or ():
            if name in by_name and name != focus and name not in also:
                _style_box(
                    text, lines, by_name[name], self.get_component_rich_style("graph-panel--edge")
                )
        if focus in by_name:
            _style_box(
                text, lines, by_name[focus], self.get_component_rich_style("graph-panel--focus")
            )
        if focus in by_name:  # keep the node asked about in view when the graph is large
            box = by_name[focus]
            region = Region(box.col, box.row, box.width, box.height)
            self.call_after_refresh(self.scroll_to_region, region, animate=False, immediate=True)
        key = (text.plain, tuple(text.spans))
        if key == self._shown:
            return  # the same picture: leave it (an update costs a layout)
        same_size = self._shown is not None and self._picture_size == (
            picture.width,
            picture.height,
        )
        self._shown, self._picture_size = key, (picture.width, picture.height)
        self.query_one("#graph-picture", Static).update(text, layout=not same_size)


def _offset(lines: list[str], row: int, col: int) -> int:
    """The index in the joined text of ``(row, col)``."""
    return sum(len(line) + 1 for line in lines[:row]) + col


def _style_box(text: Text, lines: list[str], box: Box, style) -> None:
    for row in range(box.row, box.row + box.height):
        start = _offset(lines, row, box.col)
        text.stylize(style, start, start + box.width)


def _style_line(text: Text, lines: list[str], box: Box, line: int, style) -> None:
    start = _offset(lines, box.row + line, box.col + 2)
    text.stylize(style, start, start + box.width - 4)


def _hide_value(lines: list[str], box: Box) -> None:
    """Write ``data ?`` over a box's value: the question still asks for it."""
    row = box.row + 1
    line = lines[row]
    inner = box.width - 4
    if line[box.col + 2 : box.col + 7] != "data ":
        return  # not the layout this was written for: leave the picture alone
    lines[row] = line[: box.col + 2] + "data ?".ljust(inner) + line[box.col + 2 + inner :]
