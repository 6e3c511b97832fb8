"""The narrative: the current step's Markdown, the hints taken, a revealed answer."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from textual import events
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Markdown

#: Columns a text fence takes beside its text, in the narrative and the quiz results.
FENCE_MARGIN = 10


def fence(lines: Sequence[str], width: int) -> str:
    """``lines`` as a Markdown text fence, each folded to fit ``width`` columns of
    screen. A fence never wraps: a line longer than the screen (a training answer's
    list of losses) was cut, its end out of reach. A folded line's rest is indented
    under its start, two columns further in."""
    room = max(30, width - FENCE_MARGIN)
    folded: list[str] = []
    for line in lines:
        if len(line) <= room:
            folded.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        folded += textwrap.wrap(
            line,
            room,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=True,
            break_on_hyphens=False,
        ) or [line]
    return "```text\n" + "\n".join(folded) + "\n```"


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
                parts.append(fence(explanation, self.app.size.width))
        self.scroll_home(animate=False)
        return self.query_one("#narrative-text", Markdown).update("\n\n".join(parts))
