"""What every screen of the app shares: its actions as palette commands and help lines."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.binding import Binding
from textual.screen import Screen

if TYPE_CHECKING:
    from pathlib import Path

    from tutor.headers import LessonHeader
    from tutor.lesson.folder import Course
    from tutor.progress import ProgressStore

#: A command-palette command: its name, a line of help, what it does.
Command = tuple[str, str, Callable[[], object]]


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help screen: the keys, what they do, a longer word."""

    keys: str
    name: str
    detail: str


def actions(node) -> Iterator[tuple[list[Binding], bool]]:
    """``node``'s bindings grouped by action, with whether each applies now."""
    grouped: dict[str, list[Binding]] = {}
    for _key, binding in node._bindings:
        if binding.description and not binding.system:
            grouped.setdefault(binding.action, []).append(binding)
    for action, bindings in grouped.items():
        yield bindings, bool(node.check_action(action, ()))


class Host(Protocol):
    """The app (`tutor.tui.app.TutorApp`) as far as the screens use it: named here, not
    imported, since the app imports the screens."""

    folder: Path
    course: Course | None
    store: ProgressStore | None

    @property
    def headers(self) -> list[LessonHeader] | None: ...

    def open_lesson(self, lesson_id: str) -> None: ...

    def start_quiz(self, lesson_id: str, seed: int | None = None) -> None: ...

    def go_home(self) -> None: ...


class TutorScreen(Screen):
    """A screen whose bindings are also its command-palette commands."""

    @property
    def host(self) -> Host:
        """The app, with the tutor's own attributes (`Host`)."""
        return cast("Host", self.app)

    def palette_commands(self) -> Iterator[Command]:
        """Every action of this screen that applies now, named as in the footer."""
        for bindings, enabled in actions(self):
            if enabled:
                first = bindings[0]
                keys = ", ".join(self.app.get_key_display(b) for b in bindings)
                help_text = f"{first.tooltip or first.description} ({keys})"
                yield first.description, help_text, partial(self.run_action, first.action)

    def key_help(self) -> Iterator[KeyHelp]:
        """This screen's own keys, then the app's, for the help screen."""
        for node in (self, self.app):
            own = {b.action for b in type(node).BINDINGS if isinstance(b, Binding)}
            for bindings, _ in actions(node):
                first = bindings[0]
                if first.action in own:
                    keys = ", ".join(self.app.get_key_display(b) for b in bindings)
                    yield KeyHelp(keys, first.description, first.tooltip or "")
