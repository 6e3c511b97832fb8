"""The code answer: an op's method as the lecture writes it, with an editor for the
body of its ``_backward``.

Shown instead of the one-line answer box for a question answered with code
(``ask = "backward"``). The method's first lines (its ``def``, its forward line,
``def _backward():``) are drawn above a multi-line editor (Textual's `TextArea`,
Python highlighting) where the student types the body; the editor sits indented
under ``def _backward():`` and the text is dedented before it is graded. Enter is a
new line; ctrl+j (`SUBMIT`) checks the code, and the footer says so.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea

#: The key that checks the code (Enter is a new line in the editor); a terminal sends
#: ctrl+j as a line feed, which Textual reads as this key, not as Enter.
SUBMIT = "ctrl+j"


class BodyEditor(TextArea):
    """The editor of the ``_backward`` body."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer (it is full at 80 columns): the editor's border says it.
        Binding(SUBMIT, "submit", "Check code", show=False, tooltip="Check the body of _backward"),
    ]

    #: Takes the dedented body at once when ctrl+j is pressed (the screen sets it), so
    #: that the keys typed after ctrl+j find the step it leads to; without it, a
    #: `CodeAnswer.Submitted` message is posted.
    entered: Callable[[str], None] | None = None

    async def _on_key(self, event: events.Key) -> None:
        """ctrl+j and Esc act the moment they are read, in typing order, as the answer
        box's Enter does; a key that reaches the editor once it is hidden (the body was
        checked and the step moved on) goes on to wherever typing goes now."""
        if self.parent is not None and not self.parent.display:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key == SUBMIT:
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key == "escape":  # TextArea's own Esc only moves the focus away
            binding = self.screen.active_bindings.get("escape")
            if binding is not None and binding.enabled:
                event.stop()
                event.prevent_default()
                await self.app.run_action(binding.binding.action, binding.node)
                return
        await super()._on_key(event)

    def action_submit(self) -> None:
        text = textwrap.dedent(self.text)
        if self.entered is not None:
            self.entered(text)
        else:
            self.post_message(CodeAnswer.Submitted(text))

    def insert_text_at_cursor(self, text: str) -> None:
        """As the answer box's: a key typed while the focus was elsewhere lands here."""
        self.insert(text)


class CodeAnswer(Vertical):
    """The method around the body, and the body's editor."""

    DEFAULT_CSS = """
    CodeAnswer {
        height: auto;
        padding: 0 1;
    }
    CodeAnswer > #code-head {
        height: auto;
        color: $text-muted;
    }
    CodeAnswer > BodyEditor {
        height: 6;
        margin: 0 0 0 8;
    }
    """

    class Submitted(Message):
        """The student asked to check the body (dedented)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self) -> ComposeResult:
        yield Static(id="code-head")
        yield BodyEditor.code_editor(
            "", language="python", id="code-body", soft_wrap=False, show_line_numbers=False
        )

    def on_mount(self) -> None:
        self.editor.border_subtitle = "ctrl+j checks the code · Enter: a new line"

    @property
    def editor(self) -> BodyEditor:
        return self.query_one(BodyEditor)

    def show(self, lines: list[str], body: str = "") -> None:
        """The method's lines up to ``def _backward():``, and the body so far."""
        head = []
        for line in lines:
            head.append(line)
            if line.strip().startswith("def _backward"):
                break
        self.query_one("#code-head", Static).update(Text("\n".join(head)))  # never markup
        if self.editor.text != body:
            self.editor.load_text(body)
