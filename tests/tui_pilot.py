"""Helpers for the app's pilot tests (not a test module)."""

from __future__ import annotations

from tutor.tui.screens.lesson import LessonScreen


async def until_lesson(pilot, *, checked: bool = True) -> LessonScreen:
    """The lesson screen, once open and (``checked``) once its check has passed.

    A lesson opens at once; its check runs in a worker, and answers wait for it.
    """
    for _ in range(400):
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, LessonScreen) and not (checked and screen.checking):
            return screen
        await pilot.pause(0.02)
    raise AssertionError(f"no checked lesson screen; the screen is {pilot.app.screen!r}")


async def answer(pilot, text: str) -> None:
    """Type ``text`` into the answer box (as a paste would) and press Enter."""
    from tutor.tui.widgets.answer_input import AnswerInput

    pilot.app.screen.query_one(AnswerInput).value = text
    await pilot.press("enter")
    await pilot.pause()


async def until_course(pilot):
    """The course, once loaded: the first frame shows the lessons' headers, and the full
    load follows two refreshes later (on a loaded machine, more than one pause)."""
    for _ in range(400):
        await pilot.pause()
        if pilot.app.course is not None:
            return pilot.app.course
        await pilot.pause(0.02)
    raise AssertionError("the course did not load")
