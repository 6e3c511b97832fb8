"""The narrative: the current step's Markdown, the hints taken, a revealed answer."""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Markdown


class Resized(Message):
    """The text or the room for it changed size: the screen shares out its rows again."""


class NarrativeText(Markdown):
    def on_resize(self, event: events.Resize) -> None:
        self.post_message(Resized())


class Body(Vertical):
    """The picture above the text; the screen decides how many rows the picture gets."""

    def on_resize(self, event: events.Resize) -> None:
        self.post_message(Resized())


class Narrative(VerticalScroll, can_focus=True):
    """What the lesson says at this step (scrolls only when it cannot fit at all)."""

    def compose(self):
        yield NarrativeText(id="narrative-text")

    @property
    def text_height(self) -> int:
        """The rows the whole text needs at the current width."""
        return self.query_one(NarrativeText).outer_size.height

    def show(
        self,
        text: str,
        *,
        hints: Sequence[str] = (),
        hint_count: int = 0,
        answer: str | None = None,
        explanation: Sequence[str] = (),
    ):
        """Show a step: its text, then any hints taken, then a revealed answer."""
        parts = [text.strip()]
        for number, hint in enumerate(hints, start=1):
            parts.append(f"> **Hint {number} of {hint_count}.** {hint.strip()}")
        if answer is not None:
            parts.append(f"**Answer: `{answer}`**")
            if explanation:
                parts.append("```text\n" + "\n".join(explanation) + "\n```")
        self.scroll_home(animate=False)
        return self.query_one("#narrative-text", Markdown).update("\n\n".join(parts))
