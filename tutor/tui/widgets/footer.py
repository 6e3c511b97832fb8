"""The footer, redrawn at most once a frame.

Textual's footer rebuilds its keys for every change of focus or bindings, and
opening a lesson makes several in one frame (the screen, the focus, the step's
keys): each rebuild restyles a dozen widgets. This one coalesces them.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """A `textual.widgets.Footer` whose rebuilds are coalesced per frame."""

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
