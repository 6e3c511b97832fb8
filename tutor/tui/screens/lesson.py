"""The lesson screen: one step at a time, with the graph, derivations and plots.

A view of a `tutor.runtime.lesson_run.LessonRun`, which owns the lesson's rules:
each key is one call to the run, and `apply` renders the `Outcome` it returns;
`show_step` draws the step as the run now says. Nothing here grades, computes or
decides. The same screen runs a quiz (``mode = "quiz"``): questions only, fresh
numbers, no reveal, no verdict until the results screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.css.query import NoMatches
from textual.widgets import ContentSwitcher

from tutor.derivation import warm_up
from tutor.lesson import Ask, Lesson
from tutor.lesson.shows import PlotShow
from tutor.progress import ProgressStore
from tutor.runtime.lesson_run import (
    CONFIRM_LEAVE,
    DERIVATION,
    GO_ON,
    GRAPH,
    HELD,
    HOME,
    PLOT,
    RESULTS,
    LessonRun,
    Outcome,
    Words,
)
from tutor.session import Session
from tutor.status import OPEN
from tutor.tui import keys
from tutor.tui.errors import guarded
from tutor.tui.screens.base import KeyHelp, TutorScreen
from tutor.tui.screens.confirm import ConfirmScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.code_answer import SUBMIT, BodyEditor, CodeAnswer
from tutor.tui.widgets.derivation_panel import DerivationPanel
from tutor.tui.widgets.feedback import Feedback
from tutor.tui.widgets.footer import Footer
from tutor.tui.widgets.graph_panel import GraphPanel
from tutor.tui.widgets.lesson_bar import LessonBar
from tutor.tui.widgets.narrative import Body, Narrative, Resized
from tutor.tui.widgets.plot_panel import PlotPanel

__all__ = ["DERIVATION", "GO_ON", "GRAPH", "HELD", "PLOT", "LessonScreen"]


class LessonScreen(TutorScreen):
    """A lesson, or a quiz on one: the view of a `LessonRun`."""

    ESCAPE_TO_MINIMIZE = False  # Esc is `action_leave`'s: it closes zoom and gives keys back
    MOVE = Binding.Group("Back/Next", compact=True)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(keys.BACK, "back", "Back", tooltip="The previous step", group=MOVE),
        Binding(keys.NEXT, "next", "Next", tooltip="The next step", group=MOVE),
        Binding(keys.HINT, "hint", "Hint", tooltip="One more hint for this question"),
        Binding(keys.REVEAL, "reveal", "Reveal", tooltip="Show the answer and how it comes about"),
        Binding(keys.SKIP, "skip", "Skip", tooltip="Leave this question and go on"),
        Binding(
            keys.DERIVE,
            "derive",
            "Derive",
            tooltip="Derive this edge's local derivative from the limit definition",
        ),
        Binding(
            keys.ZOOM, "zoom", "Zoom", show=False, tooltip="The graph or plot on the whole screen"
        ),
        # Tried when the keys above do not apply here (Textual tries the next binding
        # of a key): in a network lesson ctrl+g draws the network; else each key says why.
        Binding(
            keys.ZOOM,
            "unbound('zoom')",
            "Network",
            show=False,
            tooltip="In a network lesson, where there is nothing to zoom: the network drawn",
        ),
        Binding(
            keys.DERIVE,
            "unbound('derive')",
            "Derive",
            show=False,
            tooltip="Where there is no edge to derive: why not",
        ),
        Binding(
            keys.TRAINING,
            "unbound('training')",
            "Training",
            show=False,
            tooltip="Where no question is read from a training view: in lessons 17 and 18, "
            "the lecture's network trained on your own _backward rules; elsewhere, why not",
        ),
        Binding(
            keys.TRAINING,
            "training",
            "Training",
            tooltip="The training view this question is read from, as you left it",
        ),
        Binding(
            keys.RESET,
            "reset",
            "Reset lesson",
            show=False,
            tooltip="Forget your progress in this lesson and start it again",
        ),
        Binding(keys.LEAVE, "leave", "Course", tooltip="Back to the list of lessons"),
        Binding(
            keys.SCROLL_UP, "scroll_graph(-1)", "Graph up", show=False, tooltip="Scroll the graph"
        ),
        Binding(
            keys.SCROLL_DOWN,
            "scroll_graph(1)",
            "Graph down",
            show=False,
            tooltip="Scroll the graph",
        ),
    ]

    def __init__(self, run: LessonRun) -> None:
        super().__init__(classes="-quiz" if run.quiz else "-lesson")
        self.run = run
        self._footer_state: tuple | None = None
        self._warmed = False  # the exact gradients are computed (`_warm_up`)

    @classmethod
    def for_lesson(
        cls, store: ProgressStore, lesson: Lesson, kept: dict[int, str] | None = None
    ) -> LessonScreen:
        return cls(LessonRun.for_lesson(store, lesson, kept))

    @classmethod
    def for_quiz(cls, store: ProgressStore, lesson: Lesson, seed: int) -> LessonScreen:
        return cls(LessonRun.for_quiz(store, lesson, seed))

    @property
    def session(self) -> Session:
        return self.run.session

    @property
    def quiz(self) -> bool:
        return self.run.quiz

    @property
    def view(self) -> str | None:
        return self.run.view

    @property
    def diagnosed_edge(self) -> tuple[str, str] | None:
        return self.run.diagnosed_edge

    # -- the lesson's check: nothing is graded or revealed before it passes ----------

    @property
    def checking(self) -> bool:
        """Whether the lesson's answers are still being checked (three sources)."""
        return self.run.checking

    def await_check(self) -> None:
        """The lesson opened before its check finished: answers wait for it, and
        the bar shows how long it has been running once that is over half a second."""
        self.run.start_checking()
        self._check_timer = self.set_interval(0.25, self._show_bar, name="check progress")

    def check_passed(self) -> None:
        """The check passed: grade the answer held for this step, if there is one."""
        if not self.checking:
            return
        outcome = self.run.check_passed()
        self._check_timer.stop()
        self._show_bar()
        self._warm_up()
        if self.run.default_view() == DERIVATION:  # drawn once the check allowed it
            self._show_visual()
        self._refresh_footer()
        self.apply(outcome)

    # -- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield LessonBar(id="lesson-bar")
        with Body(id="body"):  # the text takes what it needs, the picture the rest
            with Container(id="visual"), ContentSwitcher(initial=GRAPH, id="visual-switcher"):
                yield GraphPanel(id=GRAPH)
                yield DerivationPanel(id=DERIVATION)
                yield PlotPanel(id=PLOT)
            yield Narrative(id="narrative")
        yield Feedback(id="feedback")
        yield AnswerInput(
            id="answer",
            entered=self.answer_entered,
            takes_text=self._takes_text,
            refused=self._refused,
            typing_box=self.typing_box,
        )
        yield CodeAnswer(id="code-answer")
        yield Footer(compact=True, show_command_palette=False)

    @guarded
    def on_mount(self) -> None:
        if self.run.recorder.warning:
            self.notify(self.run.recorder.warning, title="Progress", severity="warning", timeout=15)
        self.query_one(BodyEditor).entered = self.code_entered
        self.show_step()
        self.typing_box().focus()
        lesson = self.session.lesson
        if self.quiz and lesson.has_graph and not lesson.vary:  # no other numbers to draw
            self.query_one(Feedback).say(
                "This lesson has no other numbers to draw: the quiz asks its questions on "
                "the lesson's own numbers."
            )
        # After the lesson is on screen: the imports below hold the interpreter long
        # enough to delay its first paint by a few hundred milliseconds.
        self.call_after_refresh(self._warm_up)

    def _warm_up(self) -> None:
        """SymPy and the exact gradients for the first answer, the plot library for a
        plot step: in threads, while the student reads the first step.

        The exact gradients only once the lesson's budgeted check has passed
        (`check_passed` warms them then): that check computed them within its time and
        memory budget, in a child process; before it, a hostile lesson's would grow
        the app without bound."""
        if self.run.needs_symbolic() and not self.checking and not self._warmed:
            self._warmed = True
            graph = self.session.graph
            if graph is not None:
                self.run_worker(
                    lambda: warm_up(graph), thread=True, exit_on_error=False, group="warm"
                )
        if any(isinstance(s, PlotShow) for s in self.session.steps):
            self._preload_plot()

    def on_unmount(self) -> None:
        """Answers held for the lesson's check outlive the screen: the student was told
        they are kept, and they come back (held, or in their box) when it is opened again."""
        kept = getattr(self.app, "held_answers", None)
        if kept is not None and self.run.kept():
            kept[self.session.lesson.id] = self.run.kept()

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload_plot(self) -> None:
        import textual_plotext  # noqa: F401  (import cost off the UI thread)

    # -- drawing what the run says ------------------------------------------------------

    def show_step(self) -> None:
        """Draw the current step: bar, narrative, visual panel, feedback, input."""
        self._show_bar()
        self._show_narrative()
        self._show_visual()
        self._show_feedback()
        answer = self.query_one(AnswerInput)
        answer.value = self.run.box_text()
        answer.placeholder = self.run.placeholder()
        self._show_code_answer()
        self._refresh_footer()
        self.call_after_refresh(self.fit_body)

    def _show_narrative(self, with_answer: bool = True) -> None:
        session = self.session
        narrative = self.query_one(Narrative)
        question = session.question() if session.record is not None else None
        if question is None:
            narrative.show(self.run.prompt())
            return
        reveal = session.revealed() if with_answer else None
        narrative.show(
            self.run.prompt(),
            hints=session.hints_shown(),
            hint_count=len(question.hints),
            answer=reveal.answer if reveal else None,
            explanation=reveal.explanation if reveal else (),
        )

    def apply(self, outcome: Outcome) -> None:
        """Render what a key did (`LessonRun`'s `Outcome`), in its order."""
        if outcome.redraw:
            self.show_step()
        if outcome.hints:
            self._show_narrative(with_answer=False)
        if outcome.say is not None:
            self.query_one(Feedback).say(outcome.say.text, outcome.say.kind)
        elif outcome.verdict is not None:
            self.query_one(Feedback).show_verdict(outcome.verdict)
        elif outcome.feedback:
            self._show_feedback()
        answer = self.query_one(AnswerInput)
        if outcome.answer is not None:
            answer.value = outcome.answer
        if outcome.placeholder is not None:
            answer.placeholder = outcome.placeholder
        if outcome.select:
            answer.action_select_all()
        if outcome.bar:
            self._show_bar()
        if outcome.graph:
            self._draw_graph()
        if outcome.view is not None:
            self._show_visual(outcome.view)
        if outcome.notice:
            self.notify(outcome.notice, title="Progress", severity="warning", timeout=15)
        if not outcome.redraw:
            self._refresh_footer()
        if outcome.training is not None:
            self._show_training(outcome.training)
        if outcome.go == HOME:
            self.host.go_home()
        elif outcome.go == RESULTS:
            from tutor.tui.screens.results import ResultsScreen

            self.app.switch_screen(ResultsScreen(self.session))
        elif outcome.go == CONFIRM_LEAVE:
            self._confirm_leave()

    def _show_code_answer(self) -> None:
        """An open question answered with code: its method's editor instead of the box."""
        session, record = self.session, self.session.record
        open_question = (
            isinstance(session.step, Ask) and record is not None and record.status == OPEN
        )
        question = session.question() if open_question else None
        lines = question.rules.code_lines(question) if question is not None else None
        code, answer = self.query_one(CodeAnswer), self.query_one(AnswerInput)
        code.display, answer.display = lines is not None, lines is None
        if lines is not None:
            code.show(lines, self.run.box_text())
            if self.focused is answer and answer.keys_waiting():
                answer.hand_over()  # keys typed behind Enter wait in the box: in order
            else:
                code.editor.focus()

    def typing_box(self) -> AnswerInput | BodyEditor:
        """Where typing goes: the answer box, or the code editor while it is shown."""
        code = self.query_one(CodeAnswer)
        return code.editor if code.display else self.query_one(AnswerInput)

    @on(CodeAnswer.Submitted)
    def _on_code(self, event: CodeAnswer.Submitted) -> None:
        self.code_entered(event.text)

    def code_entered(self, text: str) -> None:
        """ctrl+j in the editor (called at once, before the next key is read): the body
        is answered as a typed answer is; settled, the step's box comes back."""
        self.answer_entered(text)
        if self.session.record is not None and self.session.record.settled:
            self.show_step()
            self.query_one(AnswerInput).focus()
            # The editor's rows go back to the text and the picture: shared out again
            # once the layout without the editor is in place, not from the one before.
            self.call_after_refresh(self.call_after_refresh, self.fit_body)

    def _refresh_footer(self) -> None:
        """Redraw the footer's keys, only when what applies has changed (it is slow)."""
        actions = ("next", "back", "hint", "reveal", "skip", "derive", "zoom", "reset", "training")
        state = tuple(self.check_action(action, ()) for action in actions)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def _show_bar(self) -> None:
        bar = self.run.bar()
        self.query_one(LessonBar).show(bar.title, bar.position, bar.count, bar.score, unit=bar.unit)

    def _show_feedback(self) -> None:
        feedback = self.query_one(Feedback)
        said = self.run.feedback()
        if said is None:
            feedback.clear()
        elif isinstance(said, Words):
            feedback.say(said.text, said.kind)
        else:
            feedback.show_verdict(said)

    def _show_training(self, position: int) -> None:
        """Push the training view of step ``position``, as the student last left it."""
        from tutor.tui.screens.training import TrainingScreen

        first, *others = self.run.trainers(position)
        title = f"{self.session.lesson.title}: training (Esc goes back, y: your engine)"
        self.app.push_screen(
            TrainingScreen(first, title, others=others, yours=lambda: self._your_engine(position))
        )

    def _your_engine(self, position: int | None):
        """The training view of step ``position`` (None: the lecture's network) on the
        tutor's engine beside the student's own rules (y in a training view, ctrl+o in
        a lesson that asks for them), trained afresh each time."""
        from tutor.tui.screens.training import TrainingScreen

        course = getattr(self.app, "course", None)
        lessons = course.lessons if course is not None else [self.session.lesson]
        view = self.run.your_view(position, lessons)
        first, *others = view.trainers
        what = "your engine" if position is not None else "the lecture's network on your engine"
        title = f"{self.session.lesson.title}: {what} (Esc goes back)"
        return TrainingScreen(first, title, others=others, names=view.names, note=view.note)

    # -- sharing the rows: the text first, the picture gets the rest -------------------

    @on(Resized)
    def _resized(self, event: Resized) -> None:
        event.stop()
        self.call_after_refresh(self.fit_body)

    def fit_body(self, again: bool = True) -> None:
        """Give the step's text every row it needs, and the picture what is left.

        The graph is drawn to fit those rows and takes no more than its drawing
        needs; a picture left fewer than 2 rows steps aside (ctrl+g still shows it).
        The text's height is read from the last layout: one that was not done yet (a
        loaded machine, the code editor just gone) is caught once it is (``again``).
        """
        if again:
            self.call_after_refresh(self._fit_again, 4)
        try:
            visual = self.query_one("#visual")
            body = self.query_one("#body")
            text_height = self.query_one(Narrative).text_height
        except NoMatches:  # asked after a refresh that the screen, left meanwhile, did not see
            return  # (its widgets go one by one: the text may be gone before the picture)
        if self.maximized is not None or (self._default_view() is None and self.view == GRAPH):
            return
        room = body.size.height - text_height
        squeezed = room < 4
        if visual.display == squeezed:
            visual.display = not squeezed
            self.refresh(layout=True)
        if squeezed or body.size.height == 0:
            return
        height = room
        if self.view == GRAPH:
            chrome = visual.styles.gutter.height
            inner = visual.size.width - visual.styles.gutter.width
            if inner > 0:
                picture = self.query_one(GraphPanel).fit(inner, room - chrome)
                if picture is not None:
                    height = min(room, picture.height + chrome)
        if visual.styles.height is None or visual.styles.height.value != height:
            visual.styles.height = height

    def _fit_again(self, tries: int) -> None:
        """The rows shared out again while the text still needs scrolling and the
        picture has rows to give (a few times, a moment apart: a loaded machine can
        take more than one refresh to lay the text out)."""
        try:
            narrative = self.query_one(Narrative)
            visual = self.query_one("#visual")
        except NoMatches:
            return
        if narrative.max_scroll_y > 0 and visual.display and self.is_attached:
            # Its height is laid out from the text's rows without a scrollbar; a
            # scrollbar shown meanwhile narrows the text by a column, and one row more
            # is then never laid out: lay it out again at the width it has now.
            narrative.refresh(layout=True)
            self.fit_body(again=False)
            if tries > 1:
                self.set_timer(0.05, lambda: self._fit_again(tries - 1))

    # -- the visual panel: graph, derivation or plot ------------------------------------

    def _default_view(self) -> str | None:
        return self.run.default_view()

    def _show_visual(self, view: str | None = None) -> None:
        before = self.run.view
        view = self.run.choose_view(view)
        visual = self.query_one("#visual")
        if visual.display != (view is not None) or (view is not None and view != before):
            # Drawn whole: after a panel was scrolled, Textual's partial redraw (its
            # scrolling fast path leaves the old layout out of date) left the panel on
            # screen under the next step.
            self.refresh()
        visual.display = view is not None
        if view is None:
            return
        self.query_one(ContentSwitcher).current = view
        if view == GRAPH:
            self._draw_graph()
        elif view == DERIVATION:
            edge = self.run.derivation_edge()
            if edge is not None and self.session.graph is not None:
                visual.border_title = f"Derivation of {edge.symbol}"
                if self.run.withheld is not None:  # stepped back to from its question
                    self.query_one(DerivationPanel).withhold(self.run.withheld_text())
                    self._show_feedback()
                    return
                self.query_one(DerivationPanel).show(self.session.graph, edge)
                return
        elif view == PLOT:
            self._draw_plot()
            return
        visual.border_title = "Graph"

    def _draw_graph(self) -> None:
        session = self.session
        step = session.step
        if session.graph is None:
            return
        focus = step.node if isinstance(step, Ask) else None
        also = (step.wrt,) if isinstance(step, Ask) and step.spec.edge and step.wrt else ()
        self.query_one(GraphPanel).show(
            session.graph,
            earned=session.shown_earned,
            hidden_values=session.hidden_values(),
            focus=focus,
            also=also,
            edge=self.run.diagnosed_edge,
        )

    def _draw_plot(self) -> None:
        step = self.session.step
        try:
            data = self.session.plot()
        except ValueError as exc:  # a plot step the loader let through: say so, go on
            self.query_one("#visual").display = False
            self.query_one(Feedback).say(f"This plot cannot be drawn: {exc}.", "warning")
            return
        known = isinstance(step, PlotShow) and step.node in self.run.recorder.earned
        self.query_one(PlotPanel).show(data, slopes_known=known)
        self.query_one("#visual").border_title = f"{data.output} against {data.leaf}"

    # -- the student's keys: one call to the run each -------------------------------------

    def _takes_text(self) -> bool:
        return self.session.takes_answer()

    def _refused(self, _character: str) -> None:
        """A key typed where no answer is taken: said, not dropped unsaid."""
        self.apply(self.run.refused())

    @guarded
    def answer_entered(self, value: str) -> None:
        """Enter in the answer box (called at once, before the next key is read)."""
        self.apply(self.run.enter(value))

    def go_to(self, position: int) -> None:
        """Show step ``position`` (counted from 0) of the lesson."""
        self.apply(self.run.go_to(position))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unbound":  # only where the key's own action does not apply
            return self.run.allowed(str(parameters[0])) is not True
        return self.run.allowed(action)

    @guarded
    def action_next(self) -> None:
        self.apply(self.run.next())

    @guarded
    def action_back(self) -> None:
        self.apply(self.run.back())

    @guarded
    def action_hint(self) -> None:
        self.apply(self.run.hint())

    @guarded
    def action_reveal(self) -> None:
        self.apply(self.run.reveal())

    @guarded
    def action_skip(self) -> None:
        self.apply(self.run.skip())

    @guarded
    def action_training(self) -> None:
        """On a question read from a training view: that view, as it was left."""
        self.apply(self.run.training())

    @guarded
    def action_derive(self) -> None:
        """Show the derivation of this step's edge; again: the next edge, then the graph."""
        self.apply(self.run.derive())
        self._answer_box_keeps_keys()
        self.call_after_refresh(self.fit_body)

    @guarded
    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            self._answer_box_keeps_keys()
            self.call_after_refresh(self.fit_body)
            return
        panel = self.query_one(ContentSwitcher).visible_content
        if panel is not None:
            self.query_one("#visual").display = True  # a squeezed picture too
            self.maximize(panel, container=False)
            self._answer_box_keeps_keys()

    @guarded
    def action_unbound(self, key: str) -> None:
        """ctrl+g, ctrl+l or ctrl+o where they have nothing to show: the network, or why not."""
        from tutor.tui.screens.network import open_network, why_not

        if key == "zoom" and open_network(self):
            return
        if key == "training" and self.run.writes_backward():
            self.app.push_screen(self._your_engine(None))
            return
        self.query_one(Feedback).say(why_not(self, key), "info")

    def action_scroll_graph(self, rows: int) -> None:
        panel = self.query_one(ContentSwitcher).visible_content
        if panel is not None:
            panel.scroll_relative(y=rows * 2, animate=False)

    def _answer_box_keeps_keys(self) -> None:
        """Typing goes to the answer box (a panel that took the focus gives it back)."""
        answer = self.typing_box()
        if self.maximized is None:
            answer.focus()
            self.call_after_refresh(answer.focus)  # after Textual's own focus moves

    def on_key(self, event: events.Key) -> None:
        """A key no widget took: it is meant for the answer box.

        (The focus can be on the graph or the text after Tab, or on nothing after a
        panel closes; typing then still answers, and Enter still submits. Where no
        answer is taken, the student is told so.)
        """
        answer = self.typing_box()
        if self.focused is answer:
            return
        if event.key == "enter":
            event.stop()
            if self.maximized is not None:
                self.minimize()
                self.call_after_refresh(self.fit_body)
            answer.focus()
            if isinstance(answer, AnswerInput):  # the code editor only takes the focus
                self.answer_entered(answer.value)
        elif event.is_printable and event.character:
            event.stop()
            if not self.session.takes_answer():
                self._refused(event.character)
                return
            if self.maximized is not None:
                self.minimize()
                self.call_after_refresh(self.fit_body)
            answer.focus()
            answer.insert_text_at_cursor(event.character)

    @guarded
    def action_reset(self) -> None:
        if self.quiz:
            return
        title = self.session.lesson.title

        def reset(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                outcome = self.run.reset()
            except Exception as exc:  # the store failed: say so, keep the lesson
                self.notify(f"Could not reset: {exc}", severity="error")
                return
            self.apply(outcome)
            self.notify(f"{title}: progress reset.", title="Reset")

        self.app.push_screen(ConfirmScreen.reset_lesson(title), reset)

    @guarded
    def action_leave(self) -> None:
        """Esc: close the topmost panel (zoom, then a derivation), else leave the lesson."""
        if self.maximized is not None:
            self.minimize()
            self._answer_box_keeps_keys()
            self.call_after_refresh(self.fit_body)
            return
        outcome = self.run.leave()
        self.apply(outcome)
        if outcome.view is not None:
            self._answer_box_keeps_keys()

    def _confirm_leave(self) -> None:
        def leave(confirmed: bool | None) -> None:
            if confirmed:
                self.host.go_home()

        self.app.push_screen(
            ConfirmScreen(
                "Leave the quiz?",
                "This attempt will not be scored. Your answers so far are kept in your history.",
                yes="Leave",
                no="Keep going",
            ),
            leave,
        )

    def key_help(self) -> Iterator[KeyHelp]:
        yield KeyHelp("Enter", "Answer / go on", "Check the answer, or go on to the next step")
        yield KeyHelp(SUBMIT, "Check code", "In the code editor (Enter is a new line there)")
        yield from super().key_help()
