"""The list of lessons on the home screen: number, title, status, best quiz score.

A lesson file that does not load is a line of its own, greyed out, with its
error as ``PATH:LINE: message``, so one broken file never hides the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

#: The status column's width: "12 of 13 questions" fits, and so does "✔ done".
STATUS_WIDTH = 18
#: Room kept for the quiz column (a best score, or another short status).
QUIZ_WIDTH = 20


@dataclass(frozen=True)
class LessonRow:
    """One line of the list; ``lesson_id`` is None for a file that did not load."""

    lesson_id: str | None
    number: str
    title: str
    status: str = ""
    quiz: str = ""
    done: bool = False


class CourseList(OptionList):
    """Lessons in course order; Enter opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the highlighted lesson")
    ]

    _rows: Sequence[LessonRow] = ()
    _width = 0

    def show(self, rows: Sequence[LessonRow], highlight: str | None = None) -> None:
        self._rows = rows
        self._width = self._room()
        self.clear_options()
        self.add_options(
            Option(_line(row, self._width), id=row.lesson_id, disabled=row.lesson_id is None)
            for row in rows
        )
        ids = [row.lesson_id for row in rows]
        if highlight is not None and highlight in ids:
            self.highlighted = ids.index(highlight)
        elif any(ids):
            self.highlighted = next(i for i, x in enumerate(ids) if x is not None)
        self.call_after_refresh(self.scroll_to_highlight)  # once the new rows are laid out

    def _room(self) -> int:
        """The columns a row may take (a guess from the terminal before the first layout)."""
        width = self.scrollable_content_region.width
        return width if width > 0 else self.app.size.width - 8

    def on_resize(self, event: events.Resize) -> None:
        if self._rows and self._room() != self._width:
            highlighted = self.highlighted
            chosen = self.get_option_at_index(highlighted).id if highlighted is not None else None
            self.show(self._rows, chosen)
        else:  # fewer rows (a longer summary below took them): the highlighted one stays seen
            self.scroll_to_highlight()


def _line(row: LessonRow, width: int) -> Text:
    """One row, on one line of ``width`` cells: the title gives way (…) to the columns
    after it (the status, and a short quiz score or other status)."""
    if row.lesson_id is None:  # a file that did not load: its errors, one a line
        text = Text(f"{row.number:>3}  ", style="bold")
        text.append(row.title.replace("\n", "\n" + " " * 5))
        return text
    quiz = _cut(row.quiz, QUIZ_WIDTH)
    after = 2 + STATUS_WIDTH + (2 + len(quiz) if quiz else 0)
    title_width = max(8, width - 5 - after)
    text = Text(f"{row.number:>3}  ")
    text.append(_cut(row.title, title_width).ljust(title_width), style="bold")
    text.append("  " + _cut(row.status, STATUS_WIDTH).ljust(STATUS_WIDTH))
    if quiz:
        text.append("  " + quiz)
    return text


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
