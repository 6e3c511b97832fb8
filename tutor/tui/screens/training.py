"""A screen around the training view: a title, the `TrainingPanel`, and the footer's keys.

A lesson step that trains (phase B of issue 14) pushes it with a `Trainer` the
lesson built; Escape goes back. The panel's function keys (F6 step, F7 run,
F8 pause, F9 start again) are bound here too, so they work wherever focus is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.engine.train import Trainer
from tutor.tui.widgets.training_panel import TrainingPanel


class TrainingScreen(Screen):
    """Train, watch the loss, and come back with Escape."""

    DEFAULT_CSS = """
    TrainingScreen #training-title { height: auto; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f6", "panel('step')", "Step", show=False),
        Binding("f7", "panel('run')", "Run", show=False),
        Binding("f8", "panel('pause')", "Pause", show=False),
        Binding("f9", "panel('again')", "Start again", show=False),
    ]

    def __init__(
        self,
        trainer: Trainer,
        title: str = "Training",
        *,
        interval: float = 0.05,
        others: Sequence[Trainer] = (),
    ):
        super().__init__()
        self.trainer = trainer
        self.others = list(others)
        self.heading = title
        self.interval = interval

    def compose(self) -> ComposeResult:
        yield Static(Text(self.heading), id="training-title")  # a Text: titles come from files
        yield TrainingPanel(self.trainer, interval=self.interval, others=self.others)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TrainingPanel).focus()

    def action_panel(self, action: str) -> None:
        getattr(self.query_one(TrainingPanel), f"action_{action}")()
