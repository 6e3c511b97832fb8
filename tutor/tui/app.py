"""The Textual app: the course on a home screen, lessons, quizzes and their results.

`create_app` is the factory the command line and the tests share; `run_app` is
what `tutor` (no command) runs. Start-up opens the progress store and reads the
lessons' headers (`tutor.headers`) before the first paint, so the first frame
already shows the course with the student's standing; the full load of the lessons
(graphs, scripts, errors) follows that paint, then the lessons' check, in a thread
(measured in `bench/bench_startup.py`). SymPy is never imported on the way.
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import get_current_worker

from tutor.tui import keys

if TYPE_CHECKING:
    from textual.timer import Timer

    from tutor.headers import LessonHeader
    from tutor.lesson import Lesson
    from tutor.lesson.folder import Course
    from tutor.lesson.model import LessonError
    from tutor.progress import ProgressStore
    from tutor.runtime.checker import LessonChecker
    from tutor.tui.screens.base import Host
    from tutor.tui.screens.home import HomeScreen
    from tutor.tui.screens.lesson import LessonScreen

#: A quiz taking longer than this to draw says so (seconds).
QUIZ_SHOWN_AFTER = 0.5
#: For the start-up bench: ``first`` exits as soon as the first screen is painted,
#: ``ready`` once the course is loaded and shown.
EXIT_AFTER_PAINT = "TUTOR_EXIT_AFTER_PAINT"
#: The smallest terminal the layout is made for.
MIN_WIDTH, MIN_HEIGHT = 80, 24

SeedSource = Callable[[], int]


def random_seed() -> int:
    """A fresh variant of a lesson's numbers for a quiz (0 is the file's own)."""
    return random.SystemRandom().randint(1, 2**31 - 1)


def course_commands():
    from tutor.tui.commands import CourseCommands  # imported when the palette opens

    return CourseCommands


def screen_commands():
    from tutor.tui.commands import ScreenCommands

    return ScreenCommands


class TutorApp(App[int]):
    """Learn backpropagation by hand, one lesson at a time."""

    TITLE = "tutor"
    SUB_TITLE = "backpropagation by hand"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {course_commands, screen_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(keys.QUIT, "quit", "Quit", priority=True, tooltip="Leave the tutor"),
        Binding(keys.HELP, "help", "Help", tooltip="Keys and how it works"),
        Binding(keys.THEME, "change_theme", "Theme", show=False, tooltip="Switch the colours"),
        Binding(
            keys.RELOAD,
            "reload",
            "Reload",
            show=False,
            tooltip="Read the lesson files again: a lesson changed on disk opens as it is now",
        ),
    ]

    def __init__(
        self,
        folder: Path,
        *,
        store_path: Path | None = None,
        seeds: SeedSource = random_seed,
        exit_after_paint: str | None = None,
        start: tuple[str, int] | None = None,
        watch: bool = False,
        checker: LessonChecker | None = None,
    ) -> None:
        super().__init__()
        if checker is None:
            from tutor.runtime.checker import ChildChecker

            checker = ChildChecker()
        #: Checks a lesson before anything in it is graded (`tutor.runtime.checker`).
        self.checker = checker
        self.folder = folder
        #: ``tutor --lesson ID_OR_PATH [--seed N]``: the lesson (and quiz variant, 0:
        #: the lesson itself) opened once the course is loaded.
        self.start = start
        #: ``--watch``: a lesson file that changes on disk is reloaded by itself.
        self.watch_files = watch
        self._stamp: dict | None = None
        self.store_path = store_path
        self.seeds = seeds
        self.exit_after_paint = exit_after_paint
        self.course: Course | None = None
        #: The lessons' headers read for the first frame, until the course is loaded.
        self._preview: list[LessonHeader] | None = None
        self._headers: tuple[tuple[int, ...], list[LessonHeader]] | None = None
        self.store: ProgressStore | None = None
        self._loading = False  # a large folder is being read in a worker
        #: Lessons checked at their own numbers (three sources agree), and what failed.
        self.checked: dict[str, list[LessonError]] = {}
        #: Answers typed in a lesson while it was checked, by lesson and step, kept
        #: when the student left it before the check passed (`LessonScreen.on_unmount`).
        self.held_answers: dict[str, dict[int, str]] = {}
        self._closing = False
        #: The terminal's modes before the app (`run_app` sets them): once the app
        #: starts to close, a watchdog ends the process within seconds, putting them back.
        self.terminal_modes: list | None = None
        self.watchdog = False
        self._drawing: Timer | None = None  # says a quiz is being drawn, if that is slow

    def exit(self, result: int | None = None, return_code: int = 0, message=None) -> None:
        """Close the app (ctrl+q, a signal, the terminal gone), and never hang doing it:
        past `tutor.tui.watchdog.EXIT_SECONDS` the process ends (`run_app` only)."""
        self._arm_watchdog(return_code)
        super().exit(result, return_code, message)

    def _fatal_error(self) -> None:
        # An exception ends the app; its bell, written to a terminal that is gone,
        # once blocked the way out for good: the watchdog covers this exit too.
        self._arm_watchdog(1)
        super()._fatal_error()

    def _arm_watchdog(self, code: int) -> None:
        if self.watchdog:
            from tutor.tui import watchdog

            modes = self.terminal_modes
            watchdog.arm(code, restore=lambda: watchdog.restore_terminal(modes))

    # -- start-up ------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        # The home screen is composed with the app, as a bare app's widgets are: pushed
        # from on_mount, it was laid out and drawn once during Textual's start-up batch
        # (a frame never shown), then again.
        from tutor.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.catch_signals()
        if not self.is_headless:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._leave_if_terminal_gone)
        if self.exit_after_paint == "first":
            self.call_after_refresh(self.exit, 0)
            return
        self.open_store()
        if self.preview():  # the first frame shows the course; the full load follows it
            self._show_course()
            self.call_after_refresh(self.call_after_refresh, self.load)
        else:
            self.load()  # before the first paint: the course is in the first frame
        self.check_size()

    def open_store(self) -> None:
        from tutor.progress import ProgressStore

        self.store = ProgressStore.open(self.store_path)
        if self.store.status.warning:
            self.notify(self.store.status.warning, title="Progress", severity="warning", timeout=15)

    def preview(self) -> bool:
        """Read the lessons' headers for the first frame (False: the folder needs a full load)."""
        from tutor.headers import scan_course

        self._preview = scan_course(self.folder)
        return self._preview is not None

    def _show_course(self) -> None:
        home = self.home
        if home is not None and home.is_mounted:  # else it shows the course as it mounts
            home.course_loaded()

    @property
    def headers(self) -> list[LessonHeader] | None:
        """What the course list shows: the loaded course's lessons, else the preview."""
        from tutor.headers import header_of

        if self.course is None:
            return self._preview
        key = tuple(map(id, self.course.lessons))  # the list changes when a check fails
        if self._headers is None or self._headers[0] != key:
            self._headers = (key, [header_of(lesson) for lesson in self.course.lessons])
        return self._headers[1]

    def catch_signals(self) -> None:
        """SIGTERM, SIGHUP and SIGQUIT end the app the way ctrl+q does.

        Their default action kills the process at once, leaving the terminal in
        raw mode on the alternate screen with mouse reporting on and no cursor.
        Handled on the event loop instead, the app exits normally: the terminal
        is restored, and every answer is already committed (the store closes).
        """
        import asyncio
        import contextlib
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP", "SIGQUIT"):
            number = getattr(signal, name, None)
            if number is None:
                continue
            # Not in the main thread (a test's pilot), or no signals on this platform: skip.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self.exit, None, 128 + number)

    def _leave_if_terminal_gone(self) -> None:
        """Exit when the terminal has hung up without a SIGHUP (a process started by
        another that closed the terminal): Textual's input thread would read its end of
        file in a loop, at full CPU, for ever. Answers are committed as they are given."""
        if terminal_gone(sys.stdin):
            self.exit(None, 129)

    def on_unmount(self) -> None:
        """Stop the checks' child processes as the app closes.

        A worker waiting on one returns at once, so quitting never waits for a
        lesson's check to finish (asyncio waits for worker threads on the way out).
        """
        self._closing = True  # a check cut short by this is no verdict on its lesson
        self.checker.close()

    def load(self) -> None:
        """Load the course (before the first paint, or right after the preview's).

        Loading is bounded per file, but a folder may hold up to a thousand of
        them: a large folder loads in a worker, and the screen keeps answering
        keys (ctrl+q) while it does.
        """
        if self.course is not None or self._loading:
            return
        if self.store is None:
            self.open_store()
        if _folder_bytes(self.folder) <= SYNC_LOAD_BYTES:
            self.course_ready(_load(self.folder))  # at once: no "Loading…" flash
        else:
            self._loading = True
            self.load_in_background()

    @work(thread=True, exit_on_error=False, group="load")
    def load_in_background(self) -> None:
        worker = get_current_worker()
        course = _load(self.folder, stop=lambda: worker.is_cancelled or not self.is_running)
        if not worker.is_cancelled:
            self.call_from_thread(self.course_ready, course)

    def course_ready(self, course: Course) -> None:
        self.course = course
        self._loading = False
        self._show_course()
        if self.start is not None:
            self.call_after_refresh(self._open_start)
        if self.watch_files and self._stamp is None:
            from tutor.runtime.files import INTERVAL, stamp

            self._stamp = stamp([self.folder])
            self.set_interval(INTERVAL, self._poll_files)
        if self.exit_after_paint is None:
            # after the course is painted: the check imports SymPy in a thread, and
            # that import holds the interpreter long enough to delay the paint
            self.call_after_refresh(self.call_after_refresh, self.check_course)
            self.call_after_refresh(self.call_after_refresh, self.preload)
        if self.exit_after_paint == "ready":  # after the list has been laid out and painted
            self.call_after_refresh(self.call_after_refresh, self.exit, 0)

    # -- no lesson is shown with a wrong expected answer ------------------------------

    @work(thread=True, exit_on_error=False, group="check")
    def check_course(self) -> None:
        """Check every lesson at its own numbers, in the background (SymPy, the engine
        and finite differences must agree, as `tutor check` does with more variants).

        Lessons that passed before with this code (`tutor.runtime.passed`) are taken
        at once; the checker's child process starts only for the others.
        """
        from tutor.runtime.checker import COURSE, OPEN

        worker = get_current_worker()
        lessons = [
            lesson
            for lesson in (self.course.lessons if self.course else [])
            if lesson.id not in self.checked
        ]
        fresh = [lesson for lesson in lessons if not self.checker.passed(lesson)]
        known = [lesson for lesson in lessons if lesson not in fresh]
        if known and not worker.is_cancelled:
            self.call_from_thread(self.lessons_passed, known)
        if fresh:
            self.checker.warm(OPEN)  # the first lesson opened needs no wait for SymPy's import
        for lesson in fresh:
            if worker.is_cancelled:
                return
            if lesson.id not in self.checked:
                errors = self.checker.check(lesson, 0, COURSE)
                if not (worker.is_cancelled or self._closing):
                    self.call_from_thread(self.lesson_checked, lesson, errors)

    @work(thread=True, exit_on_error=False, group="preload")
    def preload(self) -> None:
        """Import what opening a lesson needs while the student reads the course list:
        the lesson screen, the grader and SymPy (a first open paid ~0.4 s for them)."""
        import tutor.runtime.lesson_run
        import tutor.tui.screens.lesson
        import tutor.tui.screens.training  # noqa: F401  (imported ahead, off the UI thread)

        self.checker.preload()

    def lessons_passed(self, lessons: list[Lesson]) -> None:
        for lesson in lessons:
            self.lesson_checked(lesson, [])

    def lesson_checked(self, lesson: Lesson, errors: list[LessonError]) -> None:
        """A lesson that fails its check leaves the course, its errors on the home screen;
        one that passes lets an open lesson screen on it grade."""
        self.checked[lesson.id] = errors
        if not errors:
            self._release(lesson, 0)
        if not errors or self.course is None or lesson not in self.course.lessons:
            return
        self.course.lessons.remove(lesson)
        self.course.broken[lesson.path] = errors
        self.notify(
            "\n".join(map(str, errors[:3])), title=f"{lesson.title}: not shown", severity="error"
        )
        if self._screen_on(lesson) is not None:
            self.go_home()  # it was open (or a quiz on it): leave it
        elif self.home is not None:
            self.home.refresh_course()

    @work(thread=True, exit_on_error=False, group="open")
    def _check_opened(self, lesson: Lesson, seed: int) -> None:
        errors = self.checker.check(lesson, seed)
        if not (get_current_worker().is_cancelled or self._closing):
            self.call_from_thread(self._opened_checked, lesson, seed, errors)

    def _opened_checked(self, lesson: Lesson, seed: int, errors: list[LessonError]) -> None:
        """The check of a lesson (``seed`` 0) or quiz opened before it was checked."""
        if seed == 0:
            self.lesson_checked(lesson, errors)
        elif errors:
            self.notify(
                "\n".join(map(str, errors[:3])),
                title="These numbers fail the lesson's check",
                severity="error",
            )
            if self._screen_on(lesson, seed) is not None:
                self.go_home()
        else:
            self._release(lesson, seed)

    def _screen_on(self, lesson: Lesson, seed: int | None = None) -> LessonScreen | None:
        """The open screen on ``lesson`` (``seed`` 0) or its quiz at ``seed`` (None: any)."""
        from tutor.tui.screens.lesson import LessonScreen

        for screen in self.screen_stack:
            if (
                isinstance(screen, LessonScreen)
                and screen.session.lesson is lesson
                and (seed is None or screen.session.seed == seed)
            ):
                return screen
        return None

    def _release(self, lesson: Lesson, seed: int) -> None:
        """The lesson passed its check: a screen on it waiting to grade may now."""
        screen = self._screen_on(lesson, seed)
        if screen is not None:
            screen.check_passed()

    @property
    def home(self) -> HomeScreen | None:
        from tutor.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                return screen
        return None

    # -- the terminal's size -------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        # Runs before Textual's own handler has stored the new size: use the event's.
        if self.home is not None:
            self.check_size(event.size)

    def check_size(self, size: Size | None = None) -> None:
        """Cover the app with a plain message while the terminal is below 80×24."""
        from tutor.tui.screens.too_small import TooSmallScreen

        width, height = size or self.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        screen = self.screen
        covering = isinstance(screen, TooSmallScreen)
        if small and not covering:
            self.push_screen(TooSmallScreen(width, height, need=(MIN_WIDTH, MIN_HEIGHT)))
        elif isinstance(screen, TooSmallScreen):
            if small:
                screen.update_size(width, height)
            else:
                self.pop_screen()

    @property
    def too_small(self) -> bool:
        from tutor.tui.screens.too_small import TooSmallScreen

        return isinstance(self.screen, TooSmallScreen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reload":  # from the course list and a lesson, not over a dialog
            from tutor.tui.screens.home import HomeScreen

            # Not imported for it: the first frame comes before the lesson code is imported
            # (no lesson screen can be open before then).
            lesson = sys.modules.get("tutor.tui.screens.lesson")
            screens = (HomeScreen, lesson.LessonScreen) if lesson else (HomeScreen,)
            return isinstance(self.screen, screens) and not self._loading
        # Nothing opens over the "make the terminal larger" message.
        return not (self.too_small and action in ("help", "command_palette", "change_theme"))

    # -- actions -----------------------------------------------------------------------

    def action_help(self) -> None:
        from tutor.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @property
    def _store(self) -> ProgressStore:
        assert self.store is not None  # opened on mount, before any lesson opens
        return self.store

    def open_lesson(self, lesson_id: str) -> None:
        from tutor.tui.screens.lesson import LessonScreen

        lesson = self._lesson(lesson_id)
        if lesson is not None:
            kept = self.held_answers.pop(lesson.id, None)  # typed while it was checked
            self._open(lesson, 0, lambda: LessonScreen.for_lesson(self._store, lesson, kept))

    def start_quiz(self, lesson_id: str, seed: int | None = None) -> None:
        """A quiz on the lesson, at fresh numbers (or at quiz variant ``seed``)."""
        lesson = self._lesson(lesson_id)
        if lesson is None:
            return
        if not lesson.questions:
            self.notify(f"{lesson.title} has no questions to quiz on.", severity="warning")
            return
        seed = self.seeds() if seed is None else seed
        if self._drawing is not None:
            self._drawing.stop()
        # Said only when it takes a while (a large lesson's check and draw).
        self._drawing = self.set_timer(
            QUIZ_SHOWN_AFTER,
            lambda: self.notify(f"Drawing fresh numbers for a quiz on {lesson.title}…"),
        )
        self._draw_quiz(lesson, seed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="quiz")
    def _draw_quiz(self, lesson: Lesson, seed: int) -> None:
        """A quiz's numbers, off the UI thread, once the budgeted check at ``seed`` passed.

        Drawing them trains each training question again, for every draw refused: on
        the UI thread a hostile lesson froze the app for two minutes. The check in its
        child computes the same draw within its budget (a lesson that runs out is
        refused with a notification), and quitting stops it at once (`on_unmount`).
        """
        from tutor.runtime.lesson_run import draw_quiz

        worker = get_current_worker()

        def stop() -> bool:
            return worker.is_cancelled or self._closing or not self.is_running

        drawn = draw_quiz(lesson, seed, self.checker, stop)
        if drawn is not None and not stop():
            self.call_from_thread(self._quiz_drawn, lesson, seed, drawn)

    def _quiz_drawn(self, lesson: Lesson, seed: int, drawn) -> None:
        """The quiz drawn (a session), or why not (its check's errors, a GraphError)."""
        from tutor.runtime.lesson_run import LessonRun
        from tutor.tui.screens.lesson import LessonScreen

        if self._drawing is not None:
            self._drawing.stop()
            self._drawing = None
        if isinstance(drawn, list):
            self._opened_checked(lesson, seed, drawn)
            return
        if isinstance(self.screen, LessonScreen):
            return  # the student went into a lesson meanwhile: it is not taken from them

        def make() -> LessonScreen:
            if isinstance(drawn, Exception):
                raise drawn
            return LessonScreen(LessonRun.for_quiz(self._store, lesson, seed, drawn))

        self._open(lesson, seed, make, checked=True)

    # -- an author's preview: --lesson, reload (F6), --watch -------------------------------

    def _open_start(self) -> None:
        """Open the lesson `start` names (by id or path), at its quiz variant if any."""
        if self.start is None or self.course is None:
            return
        key, seed = self.start
        self.start = None
        lesson = self.course.find(key)
        if lesson is None:
            broken = [str(e) for p, es in self.course.broken.items() for e in es]
            why = f": {broken[0]}" if broken else ""
            self.notify(f"There is no lesson {key!r}{why}", title="--lesson", severity="error")
            return
        if seed:
            self.start_quiz(lesson.id, seed)
        else:
            self.open_lesson(lesson.id)

    def action_reload(self) -> None:
        """Read the lesson files again (F6, and by itself under ``--watch``).

        A lesson whose file changed is checked again and, if it was open, opened
        again as it is now (a quiz at the same variant); the others keep their check.
        """
        from tutor.tui.screens.lesson import LessonScreen

        if self.course is None or self._loading:
            return
        reopen = None
        if isinstance(self.screen, LessonScreen):
            session = self.screen.session
            seed = session.seed if session.mode == "quiz" else 0
            reopen = (str(session.lesson.path), seed)
        for group in ("check", "open", "quiz"):  # their verdicts are on the old files
            self.workers.cancel_group(self, group)
        before: dict[Path, Lesson | None] = {
            lesson.path.resolve(): lesson for lesson in self.course.lessons
        }
        before.update(
            {path.resolve(): None for path in self.course.broken}  # failed: read again
        )
        course = _load(self.folder)
        changed = 0
        for lesson in list(course.lessons):
            if before.get(lesson.path.resolve()) != lesson:
                self.checked.pop(lesson.id, None)
                changed += 1
            elif self.checked.get(lesson.id):  # unchanged, and failed its check before
                course.lessons.remove(lesson)
                course.broken[lesson.path] = self.checked[lesson.id]
        self._pop_to_home()
        self.start = reopen
        self.course_ready(course)
        if self.home is not None:
            self.home.refresh_course()
        files = "file" if changed == 1 else "files"
        self.notify(f"Reloaded the lessons: {changed} changed {files}.", title="Reload")

    def _poll_files(self) -> None:
        """``--watch``: reload when a lesson file changed on disk (polled, as
        ``tutor check --watch`` polls)."""
        from tutor.runtime.files import stamp

        now = stamp([self.folder])
        if now != self._stamp and self.check_action("reload", ()) is not False:
            self._stamp = now
            self.action_reload()

    def go_home(self) -> None:
        """Back to the home screen, whatever is open on top of it."""
        self._pop_to_home()
        home = self.home
        if home is not None:
            home.refresh_course()

    def _pop_to_home(self) -> None:
        home = self.home
        while self.screen is not home and len(self.screen_stack) > 1:
            self.pop_screen()

    def _open(
        self, lesson: Lesson, seed: int, make: Callable[[], LessonScreen], checked: bool = False
    ) -> None:
        """Open a lesson (``seed`` 0) or a quiz on variant ``seed`` at once.

        A lesson is checked before anything in it is graded or revealed: one that
        passed before (this session, or an earlier one with this code) opens ready;
        otherwise it opens checking (its bar says so), answers wait for the check,
        and a lesson that fails it is closed with its errors.
        """
        from tutor.runtime.lesson_run import opens_ready

        ready = opens_ready(lesson, seed, self.checker, self.checked)
        if ready is None:  # failed this session: not shown (`lesson_checked` said why)
            return
        screen = self._push_lesson(lesson, make)
        if screen is None or ready or checked:
            return
        screen.await_check()
        self._check_opened(lesson, seed)

    def _push_lesson(self, lesson: Lesson, make: Callable[[], LessonScreen]) -> LessonScreen | None:
        """Open a lesson or quiz screen straight above the home screen."""
        from tutor.lesson import GraphError

        try:
            screen = make()
        except GraphError as exc:  # numbers the graph cannot be computed at
            where = f"{lesson.path}:{exc.line}" if exc.line else str(lesson.path)
            self.notify(f"{where}: {exc}", title="This lesson cannot open", severity="error")
            return None
        self._pop_to_home()
        self.push_screen(screen)
        return screen

    def _lesson(self, lesson_id: str) -> Lesson | None:
        if self.course is None and self.headers is not None:
            self.load()  # asked for before the full load after the first paint: now
        if self.course is None or self.store is None:
            self.notify("The course is still loading.", severity="warning")
            return None
        lesson = self.course.find(lesson_id)
        if lesson is None:
            self.notify(f"There is no lesson {lesson_id!r}.", severity="error")
        return lesson

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: its message may quote a lesson file (a
        title, an error at PATH:LINE) or an answer, and `[/]` in them is not markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_key_display(self, binding: Binding) -> str:
        """Function keys as on the keyboard (F1), ``?`` as itself."""
        key = binding.key
        if not binding.key_display and key[:1] == "f" and key[1:].isdigit():
            return key.upper()
        return super().get_key_display(binding)

    # -- the command palette -----------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in ("Theme", "Quit", "Screenshot"):
                yield command
        yield SystemCommand("Help", "Keys and how the tutor works (F1)", self.action_help)


#: How often the app looks whether its terminal is still there (`terminal_gone`).
TERMINAL_CHECK_SECONDS = 1.0


def terminal_gone(stream) -> bool:
    """Whether ``stream``'s terminal has hung up (the other end closed)."""
    import select

    if not hasattr(select, "poll"):
        return False  # no poll (Windows): a closed console ends the process anyway
    try:
        poller = select.poll()
        poller.register(stream.fileno(), select.POLLIN)  # hang-ups are always reported
        events = poller.poll(0)
    except (OSError, ValueError):
        return False
    return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events)


SYNC_LOAD_BYTES = 256 * 1024
"""A folder of lesson files up to this size (a course; about a second at worst) loads
before the list is drawn; a larger one loads in a worker, the screen answering keys."""


def _folder_bytes(folder: Path) -> int:
    """The size of the folder's lesson files (a huge number when it cannot be read)."""
    total = 0
    try:
        for path in folder.glob("*.toml"):
            total += path.lstat().st_size
            if total > SYNC_LOAD_BYTES:
                break
    except OSError:
        return 0  # load_course reports it, at once
    return total


def _load(folder: Path, stop: Callable[[], bool] | None = None) -> Course:
    from tutor.lesson.folder import Course, load_course
    from tutor.lesson.model import LessonError

    try:
        return load_course(folder, stop)
    except Exception as exc:  # a folder that cannot be read at all
        return Course(folder, errors=[LessonError(str(folder), None, str(exc))])


def create_app(
    folder: Path | None = None,
    *,
    store_path: Path | None = None,
    seeds: SeedSource = random_seed,
    exit_after_paint: str | None = None,
    start: tuple[str, int] | None = None,
    watch: bool = False,
    checker: LessonChecker | None = None,
) -> TutorApp:
    """The app for a folder of lessons (default: ``--lessons``/$TUTOR_LESSONS/bundled);
    ``start`` (a lesson id or path, a quiz variant) opens that lesson at once, and
    ``watch`` reloads lesson files that change on disk.

    ``checker`` checks each lesson before anything in it is graded; the default runs
    the check in a budgeted child process and remembers passes
    (`tutor.runtime.checker.ChildChecker`)."""
    from tutor.paths import lessons_dir

    if exit_after_paint is None:
        exit_after_paint = os.environ.get(EXIT_AFTER_PAINT) or None
    return TutorApp(
        folder if folder is not None else lessons_dir(),
        store_path=store_path,
        seeds=seeds,
        exit_after_paint=exit_after_paint,
        start=start,
        watch=watch,
        checker=checker,
    )


def run_app(folder: Path, start: tuple[str, int] | None = None, watch: bool = False) -> int:
    """Run the app on ``folder``; the exit code for the shell. ``start`` and ``watch``:
    an author's preview (`create_app`)."""
    from tutor.tui.watchdog import terminal_modes

    app = create_app(folder, start=start, watch=watch)
    app.terminal_modes = terminal_modes()
    app.watchdog = True
    try:
        app.run()
    finally:
        app.checker.close()  # a check still running is abandoned, not waited for
    return app.return_code or 0


if TYPE_CHECKING:

    def _meets_host(app: TutorApp) -> Host:  # the screens' view of the app (mypy checks it)
        return app
