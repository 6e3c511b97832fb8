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

    screen = pilot.app.screen
    box = screen.query_one(AnswerInput)
    box.value = text
    before = _answer_state(screen)
    await pilot.press("enter")
    await pilot.pause()
    # On a loaded machine the Enter can be read a few frames later: wait until it
    # has done something visible (bounded: an Enter that does nothing is a result too).
    for _ in range(40):
        if _answer_state(pilot.app.screen) != before:
            return
        await pilot.pause(0.01)


def _answer_state(screen) -> tuple:
    """What an Enter in the answer box changes: the screen, the step, the records,
    what the feedback says and the box's text."""
    session = getattr(screen, "session", None)
    if session is None:
        return (id(screen),)
    from tutor.tui.widgets.answer_input import AnswerInput

    try:
        feedback = str(screen.query_one("#feedback").render())
        typed = screen.query_one(AnswerInput).value
    except Exception:  # the screen is being taken down
        feedback = typed = None
    records = tuple((r.status, len(r.attempts)) for r in getattr(session, "records", ()))
    return (id(screen), session.position, records, feedback, typed)


async def until_course(pilot):
    """The course, once loaded: the first frame shows the lessons' headers, and the full
    load follows two refreshes later (on a loaded machine, more than one pause)."""
    for _ in range(400):
        await pilot.pause()
        if pilot.app.course is not None:
            return pilot.app.course
        await pilot.pause(0.02)
    raise AssertionError("the course did not load")
