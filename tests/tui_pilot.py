"""Helpers for the app's pilot tests (not a test module)."""

from __future__ import annotations

from tutor.tui.screens.lesson import LessonScreen


async def until_lesson(pilot) -> LessonScreen:
    """The lesson screen, once the lesson's check (in a worker) has let it open."""
    for _ in range(200):
        await pilot.pause()
        if isinstance(pilot.app.screen, LessonScreen):
            return pilot.app.screen
        await pilot.pause(0.02)
    raise AssertionError(f"no lesson screen; the screen is {pilot.app.screen!r}")
