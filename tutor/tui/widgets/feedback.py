"""The feedback line under the narrative: what became of the last answer, in words.

Each kind also has a colour (set in app.tcss), but the words and the mark in
front (✔ ✘ ?) say it on their own, for any terminal and any eyes.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.widgets import Static

from tutor.check import Verdict

#: The mark and the CSS class of each kind of message.
KINDS = {
    "correct": "✔",
    "incorrect": "✘",
    "not-understood": "?",
    "info": "›",
    "warning": "!",
}


class Feedback(Static):
    """One message at a time; empty (and not drawn) when there is nothing to say."""

    def show_verdict(self, verdict: Verdict) -> None:
        """An answer's verdict; a caret under the answer where it could not be read."""
        words = verdict.feedback
        if verdict.edge and "→" not in words:  # the graph marks it in colour; say it too
            words += f" (The edge {verdict.edge[0]} → {verdict.edge[1]}, marked in the graph.)"
        text = inline_markdown(f"{KINDS[verdict.status]} {words}")
        if verdict.caret:
            text.append("\n")
            text.append(_indent(verdict.caret), style="bold")
        self._set(verdict.status, text)

    def say(self, message: str, kind: str = "info") -> None:
        self._set(kind, inline_markdown(f"{KINDS[kind]} {message}"))

    def clear(self) -> None:
        self._set(None, Text(""))

    def _set(self, kind: str | None, text: Text) -> None:
        for name in KINDS:
            self.set_class(name == kind, f"-{name}")
        self.display = kind is not None
        self.update(text)


_INLINE = re.compile(
    r"(?<![\w*])\*\*(\w.*?)\*\*(?![\w*])|(?<![\w*])\*(\w[^*]*?)\*(?![\w*])|`([^`]+)`"
)


def inline_markdown(source: str) -> Text:
    """``**bold**``, ``*emphasis*`` and ```code``` as styles; everything else as written."""
    text = Text()
    position = 0
    for match in _INLINE.finditer(source):
        text.append(source[position : match.start()])
        bold, emphasis, code = match.groups()
        if bold is not None:
            text.append(bold, style="bold")
        elif emphasis is not None:
            text.append(emphasis, style="italic")
        else:
            text.append(code, style="bold")
        position = match.end()
    text.append(source[position:])
    return text


def _indent(caret: str) -> str:
    """The answer and the caret under it, indented past the mark."""
    return "\n".join(f"  {line}" for line in caret.splitlines())
