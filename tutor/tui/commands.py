"""Command-palette providers: the course's lessons, and the current screen's actions.

`ScreenCommands` turns the bindings of the screen the palette was opened on
into commands, so every key shown in the footer is also a command (and a new
binding needs no second registration). `CourseCommands` jumps to any lesson or
starts its quiz.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tutor.tui.screens.base import Command, Host


class _Commands(Provider):
    """A provider over a list of commands, matched by name."""

    def _commands(self) -> Iterator[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class ScreenCommands(_Commands):
    """The actions of the screen under the palette, named as in the footer."""

    def _commands(self) -> Iterator[Command]:
        commands = getattr(self.screen, "palette_commands", None)
        if commands is not None:
            yield from commands()


class CourseCommands(_Commands):
    """``Open lesson: …`` and ``Quiz: …`` for every lesson of the course."""

    def _commands(self) -> Iterator[Command]:
        app = cast(Host, self.app)
        course = getattr(app, "course", None)
        if course is None:
            return
        for number, lesson in enumerate(course.lessons, start=1):
            yield (
                f"Open lesson {number}: {lesson.title}",
                lesson.summary or lesson.id,
                partial(app.open_lesson, lesson.id),
            )
            if lesson.questions:
                yield (
                    f"Quiz on lesson {number}: {lesson.title}",
                    "Its questions with fresh numbers, for a score",
                    partial(app.start_quiz, lesson.id),
                )
