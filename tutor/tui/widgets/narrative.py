"""The narrative: the current step's Markdown, the hints taken, a revealed answer."""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import VerticalScroll
from textual.widgets import Markdown


class Narrative(VerticalScroll, can_focus=True):
    """What the lesson says at this step (scrolls when it is long)."""

    def compose(self):
        yield Markdown(id="narrative-text")

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
