"""A screen around the training view: a title, the `TrainingPanel`, and the footer's keys.

A lesson step that trains (phase B of issue 14) pushes it with a `Trainer` the
lesson built; Escape goes back. The panel's function keys (F6 step, F7 run,
F8 pause, F9 start again) are bound here too, so they work wherever focus is, and
so are ↓ ↑ PgDn PgUp, which scroll the parameters (no Tab needed).

A view opened from a lesson also has ``y``, "Your engine": the same training beside
it on the student's own ``_backward`` rules (`tutor.runtime.your_engine`), two curves
named "tutor" and "yours", or a line saying which rules are still to be written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.engine.train import AnyTrainer
from tutor.tui.widgets.training_panel import (
    AGAIN,
    LAST,
    LOG,
    PAUSE,
    RUN,
    STEP,
    WINDOW,
    TrainingPanel,
)

#: What typing in the training view is told.
YOURS = "y"  # the same training on the student's own rules

TYPED_HERE = (
    f"The training view takes no typing: {STEP[0]} steps, {RUN[0]} runs, {PAUSE[0]} pauses, "
    f"{AGAIN[0]} starts again, {LOG} puts the loss on a log scale, {LAST} shows the last "
    f"{WINDOW} steps. Esc goes back to the lesson, where answers are typed."
)


class TrainingScreen(Screen):
    """Train, watch the loss, and come back with Escape."""

    DEFAULT_CSS = """
    TrainingScreen #training-title { height: auto; padding: 0 1; background: $panel; }
    TrainingScreen #training-note { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f6", "panel('step')", "Step", show=False),
        Binding("f7", "panel('run')", "Run", show=False),
        Binding("f8", "panel('pause')", "Pause", show=False),
        Binding("f9", "panel('again')", "Start again", show=False),
        # The parameters scroll from anywhere: the panel keeps the focus (its keys).
        Binding("down", "scroll_params(1)", "Params", key_display="↓"),
        Binding("up", "scroll_params(-1)", "Up", show=False),
        Binding("pagedown", "scroll_params(2)", "Page down", show=False),
        Binding("pageup", "scroll_params(-2)", "Page up", show=False),
        # Named in the title, not the footer, which has no room left at 80 columns.
        Binding(YOURS, "your_engine", "Your engine", show=False),
    ]

    def __init__(
        self,
        trainer: AnyTrainer,
        title: str = "Training",
        *,
        interval: float = 0.05,
        others: Sequence[AnyTrainer] = (),
        names: Sequence[str] = (),
        note: str = "",
        yours: Callable[[], Screen] | None = None,
    ):
        """``names``: each curve's name (`TrainingPanel`); ``note``: a line under the
        title; ``yours``: makes the screen that ``y`` opens, the same training on the
        student's own rules (None: no such key here)."""
        super().__init__()
        self.trainer = trainer
        self.others = list(others)
        self.names = list(names)
        self.note = note
        self.yours = yours
        self.heading = title
        self.interval = interval
        self._told = False  # typing here was said to go nowhere

    def compose(self) -> ComposeResult:
        yield Static(Text(self.heading), id="training-title")  # a Text: titles come from files
        if self.note:
            yield Static(Text(self.note), id="training-note")
        yield TrainingPanel(
            self.trainer, interval=self.interval, others=self.others, names=self.names
        )
        yield Footer(compact=True, show_command_palette=False)  # room for every key

    def on_mount(self) -> None:
        self.query_one(TrainingPanel).focus()

    def on_key(self, event: events.Key) -> None:
        """Text typed here is not taken (nothing asks for an answer): the student is told
        once, not left to find an answer box that kept nothing."""
        if not event.is_printable or event.key in self.active_bindings:
            return  # a key of the panel's (s, r, p, a) or the app's: its binding runs
        event.stop()
        if not self._told:
            self._told = True
            self.notify(TYPED_HERE, title="Training view", timeout=6)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "your_engine":
            return self.yours is not None
        return True

    def action_your_engine(self) -> None:
        """The same training on the student's own ``_backward`` rules, beside the tutor's."""
        if self.yours is not None:
            self.app.push_screen(self.yours())

    def action_panel(self, action: str) -> None:
        getattr(self.query_one(TrainingPanel), f"action_{action}")()

    def action_scroll_params(self, rows: int) -> None:
        self.query_one(TrainingPanel).action_scroll_params(rows)
