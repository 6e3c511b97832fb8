"""The answer box: an `Input` that says what Enter will do.

Enter answers a question, and moves on from a step that asks nothing (or a
question already settled); the lesson screen decides which, and the
placeholder says so. (Enter is left out of the crowded footer: the box itself
is the prompt.)
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class AnswerInput(Input):
    """Where the student types answers: numbers, or expressions over node names."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Answer", show=False, tooltip="Check the answer, or go on")
    ]
