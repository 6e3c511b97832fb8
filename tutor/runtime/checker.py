"""The lesson checker the app is given (`tutor.tui.app.create_app`, ``checker=``).

Nothing in a lesson is graded or revealed before the lesson passed its check at the
numbers shown (the file's own, or a quiz's seed): SymPy, the engine and finite
differences agree there, within a time and memory budget. `ChildChecker`, the
default, runs that check in a budgeted child process (`tutor.runtime.budget`) and
remembers a pass (`tutor.runtime.passed`). A test gives the app a checker that
answers at once, or when it says so.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tutor.lesson import Lesson
    from tutor.lesson.model import LessonError

#: The checks the app runs side by side: the course in the background, and the
#: lesson or quiz being opened (so a slow lesson in the course never delays it).
COURSE, OPEN = "course", "open"


class LessonChecker(Protocol):
    """What the app asks of a checker. ``check`` blocks (the app calls it in a
    worker thread) and must return at once after ``close``."""

    def passed(self, lesson: Lesson, seed: int = 0) -> bool:
        """Whether ``lesson`` is known to pass at ``seed``, without checking it."""
        ...

    def check(self, lesson: Lesson, seed: int = 0, queue: str = OPEN) -> list[LessonError]:
        """The lesson's problems at its own numbers (``seed`` 0) or a quiz's."""
        ...

    def warm(self, queue: str) -> None:
        """Get ready for checks on ``queue`` (the first lesson opened waits less)."""
        ...

    def preload(self) -> None:
        """What a first ``passed`` needs, while the student reads the course list."""
        ...

    def close(self) -> None:
        """Stop every check running; one waiting returns at once."""
        ...


class ChildChecker:
    """The default: each check in a budgeted child process, each pass remembered."""

    def passed(self, lesson: Lesson, seed: int = 0) -> bool:
        from tutor.runtime import passed

        return passed.passed(lesson, seed)

    def check(self, lesson: Lesson, seed: int = 0, queue: str = OPEN) -> list[LessonError]:
        """Within `tutor.runtime.budget.APP_CHECK_SECONDS` and its memory budget: a
        lesson that asks for unbounded work is refused at its path, and the app never
        waits on it."""
        from tutor.runtime.budget import check_to_use

        return check_to_use(lesson, seed, queue)

    def warm(self, queue: str) -> None:
        from tutor.runtime.budget import shared

        shared(queue).warm()  # its child imports SymPy while nothing waits on it

    def preload(self) -> None:
        from tutor.runtime import passed

        passed.code_fingerprint()

    def close(self) -> None:
        # Not imported to close it: the checker is imported by the first check (after
        # the first paint), and never by an app that quits before.
        budget = sys.modules.get("tutor.runtime.budget")
        if budget is not None:
            budget.close_shared()
