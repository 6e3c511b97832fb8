"""Shown over everything while the terminal is smaller than the layout needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MESSAGE = "Make the terminal larger (needs {need}, now {now})."


class TooSmallScreen(ModalScreen[None]):
    """A plain message instead of a broken layout; it goes when the terminal grows."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__()
        self.width, self.height = width, height

    def compose(self) -> ComposeResult:
        yield Static(self._message(), id="too-small")

    def update_size(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.query_one("#too-small", Static).update(self._message())

    def _message(self) -> str:
        from tutor.tui.app import MIN_HEIGHT, MIN_WIDTH

        return (
            MESSAGE.format(need=f"{MIN_WIDTH}×{MIN_HEIGHT}", now=f"{self.width}×{self.height}")
            + "\n\nCtrl+q quits."
        )
