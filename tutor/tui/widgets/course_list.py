"""The list of lessons on the home screen: number, title, status, best quiz score.

A lesson file that does not load is a line of its own, greyed out, with its
error as ``PATH:LINE: message``, so one broken file never hides the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

TITLE_WIDTH = 44
STATUS_WIDTH = 18


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

    def show(self, rows: Sequence[LessonRow], highlight: str | None = None) -> None:
        self.clear_options()
        self.add_options(
            Option(_line(row), id=row.lesson_id, disabled=row.lesson_id is None) for row in rows
        )
        ids = [row.lesson_id for row in rows]
        if highlight is not None and highlight in ids:
            self.highlighted = ids.index(highlight)
        elif any(ids):
            self.highlighted = next(i for i, x in enumerate(ids) if x is not None)


def _line(row: LessonRow) -> Text:
    if row.lesson_id is None:  # a file that did not load: its errors, one a line
        text = Text(f"{row.number:>3}  ", style="bold")
        text.append(row.title.replace("\n", "\n" + " " * 5))
        return text
    title = row.title if len(row.title) <= TITLE_WIDTH else row.title[: TITLE_WIDTH - 1] + "…"
    text = Text(f"{row.number:>3}  ")
    text.append(title.ljust(TITLE_WIDTH + 2), style="bold")
    text.append(row.status.ljust(STATUS_WIDTH + 2))
    text.append(row.quiz)
    return text
