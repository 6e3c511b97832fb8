"""The list of lessons on the home screen: number, title, status, best quiz score.

A lesson file that does not load is a line of its own, greyed out, with its
error as ``PATH:LINE: message``, so one broken file never hides the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
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


def _line(row: LessonRow) -> RenderableType:
    """One row, on one line at any width: the title gives way (…) to the columns after it."""
    if row.lesson_id is None:  # a file that did not load: its errors, one a line
        text = Text(f"{row.number:>3}  ", style="bold")
        text.append(row.title.replace("\n", "\n" + " " * 5))
        return text
    grid = Table.grid(expand=True, padding=(0, 0, 0, 2), pad_edge=False)
    grid.add_column(width=3, justify="right", no_wrap=True)
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=STATUS_WIDTH + 2, no_wrap=True, overflow="ellipsis")
    grid.add_column(max_width=QUIZ_WIDTH + 2, no_wrap=True, overflow="ellipsis", justify="right")
    grid.add_row(row.number, Text(row.title, style="bold"), row.status, row.quiz)
    return grid
