"""Shown over everything while the terminal is smaller than the layout needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MESSAGE = "Make the terminal larger (needs {need}, now {now})."


class TooSmallScreen(ModalScreen[None]):
    """A plain message instead of a broken layout; it goes when the terminal grows."""

    def __init__(self, width: int, height: int, need: tuple[int, int]) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.need = need  # the smallest size the layout fits, given by the app

    def compose(self) -> ComposeResult:
        yield Static(self._message(), id="too-small")

    def update_size(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.query_one("#too-small", Static).update(self._message())

    def _message(self) -> str:
        need = "×".join(map(str, self.need))
        return MESSAGE.format(need=need, now=f"{self.width}×{self.height}") + "\n\nCtrl+q quits."
