"""The home screen: the course, how far the student is, and where to continue."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, Label, OptionList, ProgressBar, Static

from tutor import numbers
from tutor.headers import LessonHeader
from tutor.standing import stored_standing
from tutor.status import NOT_STARTED
from tutor.tui import keys
from tutor.tui.errors import guarded
from tutor.tui.screens.base import KeyHelp, TutorScreen
from tutor.tui.widgets.course_list import CourseList, LessonRow
from tutor.tui.widgets.footer import Footer

if TYPE_CHECKING:
    from tutor.progress import ProgressStore

LOADING = "Loading the course…"


class HomeScreen(TutorScreen):
    """The lessons with their status; Enter opens one where the student left it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            keys.CONTINUE,
            "continue",
            "Continue",
            tooltip="Open the lesson to continue: the last one, or the next unfinished",
        ),
        Binding(keys.QUIZ, "quiz", "Quiz", tooltip="A quiz on the highlighted lesson"),
        Binding(
            keys.RESET_HOME,
            "reset",
            "Reset",
            tooltip="Forget your progress in the highlighted lesson",
        ),
        Binding(keys.THEME, "app.change_theme", "Theme", tooltip="Switch the colours"),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: Each lesson's standing (score, pass mark met, done), by lesson id.
        self.standings: dict = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="∂")
        with Horizontal(id="course-head"):
            yield Label(LOADING, id="course-count", markup=False)
            yield ProgressBar(show_eta=False, id="course-progress")
        yield Static(id="store-warning", markup=False)
        yield Static(id="continue", markup=False)
        yield CourseList(id="course-list")
        yield Static(id="lesson-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#store-warning").display = False
        course_list = self.query_one(CourseList)
        course_list.border_title = "Lessons"
        course_list.focus()

    def on_screen_resume(self) -> None:
        self.refresh_course()

    # -- filling in ------------------------------------------------------------

    def course_loaded(self) -> None:
        """The app has loaded the course (after the preview of its headers)."""
        self.refresh_course()

    @guarded
    def refresh_course(self) -> None:
        """Show the course with the student's progress (again, after a lesson)."""
        app = self.host
        lessons, course, store = app.headers, app.course, app.store
        if lessons is None or store is None:
            return
        warning = self.query_one("#store-warning", Static)
        warning.display = bool(store.status.warning)
        warning.update(f"! {store.status.warning}" if store.status.warning else "")
        counts = {lesson.id: lesson.questions for lesson in lessons}
        summaries = {s.lesson_id: s for s in store.summaries(counts)}
        self.standings = {
            lesson.id: stored_standing(
                store,
                lesson.id,
                lesson.points,
                lesson.pass_mark,
                summaries[lesson.id].status != NOT_STARTED,
            )
            for lesson in lessons
        }
        rows = []
        for number, lesson in enumerate(lessons, start=1):
            summary, now = summaries[lesson.id], self.standings[lesson.id]
            rows.append(
                LessonRow(
                    lesson.id,
                    str(number),
                    lesson.title,
                    _status(summary, now, lesson.pass_mark),
                    self._quiz(lesson.id),
                    now.done,
                )
            )
        if course is not None:
            for errors in course.broken.values():
                rows.append(LessonRow(None, "✖", "\n".join(map(str, errors))))
            for error in course.errors:
                if not any(error in errors for errors in course.broken.values()):
                    rows.append(LessonRow(None, "✖", str(error)))
        last = store.last_opened()
        self.query_one(CourseList).show(rows, highlight=last)
        total = sum(counts.values())
        done = sum(min(s.done, s.questions) for s in summaries.values())
        self.query_one("#course-count", Label).update(
            f"{_count(len(lessons), 'lesson')} · {done} of {total} questions done"
            if lessons
            else "No lessons"
        )
        self.query_one("#course-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self._show_continue(last)
        self._show_detail()

    @property
    def _store(self) -> ProgressStore:
        store = self.host.store
        assert store is not None  # opened before the course is shown
        return store

    def _quiz(self, lesson_id: str) -> str:
        best = self._store.best_quiz(lesson_id)
        if best is None or not best.total or best.score is None:
            return ""
        mark = "passed" if best.passed else "not passed"
        return f"quiz {numbers.score(best.score)}/{numbers.score(best.total)} {mark}"

    def _show_continue(self, last: str | None) -> None:
        lessons, store = self.host.headers, self._store
        widget = self.query_one("#continue", Static)
        if not lessons:
            widget.update(
                f"There are no lessons to show from {self.host.folder}. Point the tutor at a "
                "folder of lesson files: tutor --lessons DIR (see lessons/FORMAT.md)."
            )
            return
        lesson = self._next_lesson()
        if lesson is None:
            widget.update("✔ Every lesson done. Open any to go over it, or t for a quiz.")
            return
        number = lessons.index(lesson) + 1
        if lesson.id != last and not store.position(lesson.id).done:
            verb = "Start with" if last is None else "Next:"
            widget.update(f"▶ {verb} {number}. {lesson.title} (press c)")
            return
        step = min(store.position(lesson.id).step, lesson.steps - 1) + 1
        widget.update(
            f"▶ Continue with {number}. {lesson.title} at step {step} of {lesson.steps} (press c)"
        )

    def _next_lesson(self):
        """The lesson to continue: the last one opened if unfinished, else the next
        unfinished one after it (in course order, going round); None when all are done."""
        lessons, store = self.host.headers or [], self._store
        counts = {lesson.id: lesson.questions for lesson in lessons}
        unfinished = {s.lesson_id for s in store.summaries(counts) if s.status != "done"}
        last = _find(lessons, store.last_opened())
        start = lessons.index(last) if last in lessons else 0
        for lesson in lessons[start:] + lessons[:start]:
            if lesson.id in unfinished:
                return lesson
        return None

    def on_option_list_option_highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        lesson = self._highlighted()
        detail = self.query_one("#lesson-detail", Static)
        if lesson is None:
            detail.update("")
            return
        questions = lesson.questions
        now = self.standings.get(lesson.id)
        score = (
            f"score {numbers.score(now.score)}/{numbers.score(now.total)} · "
            if now is not None and now.started and now.total
            else ""
        )
        detail.update(
            f"{lesson.summary}\n{lesson.steps} steps, {questions} questions · "
            f"{score}pass mark {numbers.percent(lesson.pass_mark)} · {lesson.path.name}"
        )

    def _highlighted(self) -> LessonHeader | None:
        option_list = self.query_one(CourseList)
        if option_list.highlighted is None:
            return None
        option = option_list.get_option_at_index(option_list.highlighted)
        return _find(self.host.headers or [], option.id)

    def key_help(self):
        yield KeyHelp("↑ ↓, Enter", "Open", "Choose a lesson and open it where you left it")
        yield from super().key_help()

    # -- actions -----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("continue", "quiz", "reset"):
            return bool(self.host.headers) or None
        return True

    @guarded
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.host.open_lesson(event.option.id)

    @guarded
    def action_continue(self) -> None:
        if not self.host.headers:
            return
        lesson = self._next_lesson()
        if lesson is None:
            self.notify("Every lesson is done: pick one to go over, or t for a quiz.")
            return
        self.host.open_lesson(lesson.id)

    @guarded
    def action_quiz(self) -> None:
        lesson = self._highlighted()
        if lesson is not None:
            self.host.start_quiz(lesson.id)

    @guarded
    def action_reset(self) -> None:
        lesson = self._highlighted()
        if lesson is None:
            return

        def reset(confirmed: bool | None) -> None:
            if confirmed:
                self._store.reset_lesson(lesson.id)
                self.refresh_course()
                self.notify(f"{lesson.title}: progress reset.", title="Reset")

        from tutor.tui.screens.confirm import ConfirmScreen  # not before the first paint

        self.app.push_screen(ConfirmScreen.reset_lesson(lesson.title), reset)


def _find(lessons: list[LessonHeader], lesson_id: str | None) -> LessonHeader | None:
    return next((lesson for lesson in lessons if lesson.id == lesson_id), None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _status(summary, now, pass_mark: float) -> str:
    """Short (it shares a line): done only with the pass mark met, and the score."""
    if not now.started:
        return "not started"
    if not now.finished:
        return f"{summary.done} of {summary.questions} questions"
    score = f" {numbers.score(now.score)}/{numbers.score(now.total)}" if now.total else ""
    if now.passed:
        return f"✔ done{score}"
    return f"✘{score} below {numbers.percent(pass_mark)}"
