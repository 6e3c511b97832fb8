"""The derivation panel: SymPy's derivation of one edge's local derivative.

`tutor.symbolic` derives it from the limit definition, step by step, each step
with what was done and why it is equal to the one before. Importing SymPy takes
about 0.3 s, so the derivation is made in a thread worker, never on the UI
thread; the lesson screen starts that import early (`preload`, after the first
paint) so that a derivation is usually there at once.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from tutor.derivation import Edge, Shown, derive
from tutor.lesson import Graph


class DerivationPanel(VerticalScroll, can_focus=True):
    """Steps of a derivation; says "deriving…" while the worker runs."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "derivation-panel--title",
        "derivation-panel--note",
        "derivation-panel--value",
    }

    def compose(self):
        yield Static(id="derivation-text")

    def show(self, graph: Graph, edge: Edge) -> None:
        self._set(Text(f"Deriving {edge.symbol} from the limit definition…"))
        self._derive(graph, edge)

    def withhold(self, words: str) -> None:
        """Say why the derivation is not shown (it would give an open answer away)."""
        self.workers.cancel_group(self, "derive")  # a derivation on its way is not shown
        self._set(Text(words))

    @work(thread=True, exclusive=True, exit_on_error=False, group="derive")
    def _derive(self, graph: Graph, edge: Edge) -> None:
        worker = get_current_worker()
        try:
            shown: Shown | str = derive(graph, edge)
        except Exception as exc:  # a message in the panel, never a crash
            shown = f"No derivation to show for {edge.symbol}: {exc}"
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_result, shown)

    def _show_result(self, shown: Shown | str) -> None:
        self._set(Text(shown) if isinstance(shown, str) else self._format(shown))

    def _format(self, shown: Shown) -> Group:
        """Each step's expression, with what was done and why on the line below."""
        style = self.get_component_rich_style
        parts: list[RenderableType] = [Text(shown.title, style=style("derivation-panel--title"))]
        for block in shown.blocks:
            if block.heading:
                parts.append(Text(f"\n{block.heading}", style=style("derivation-panel--title")))
            steps = Table.grid(padding=(0, 1))
            steps.add_column(no_wrap=True, width=2, justify="right")
            steps.add_column(ratio=1)
            for line in block.lines:
                steps.add_row(Text(line.mark), Text(line.expr))
                if line.note:
                    steps.add_row("", Text(line.note, style=style("derivation-panel--note")))
            parts.append(steps)
        parts.append(Text(shown.value, style=style("derivation-panel--value")))
        return Group(*parts)

    def _set(self, renderable: RenderableType) -> None:
        self.query_one("#derivation-text", Static).update(renderable)
        self.scroll_home(animate=False)
