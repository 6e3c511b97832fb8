"""The lesson screen: one step at a time, with the graph, derivations and plots.

A thin layer over `tutor.session.Session`: every key calls the session, and
`show_step` draws what the session now says. Nothing here grades or computes;
the recorder writes each thing the student does to the progress store at once.
The same screen runs a quiz (``mode = "quiz"``): questions only, fresh numbers,
no reveal, no verdict until the results screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.widgets import ContentSwitcher

from tutor.derivation import Edge, warm_up
from tutor.engine.train import GraphTrainer
from tutor.lesson import Ask, Lesson, Show
from tutor.progress import ProgressStore
from tutor.progress.recorder import Recorder
from tutor.session import CORRECT, OPEN, REVEALED, SKIPPED, Session, SessionError
from tutor.tui import keys
from tutor.tui.errors import guarded
from tutor.tui.screens.base import KeyHelp, TutorScreen
from tutor.tui.screens.confirm import ConfirmScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.derivation_panel import DerivationPanel
from tutor.tui.widgets.feedback import Feedback
from tutor.tui.widgets.footer import Footer
from tutor.tui.widgets.graph_panel import GraphPanel
from tutor.tui.widgets.lesson_bar import LessonBar
from tutor.tui.widgets.narrative import Body, Narrative, Resized
from tutor.tui.widgets.plot_panel import PlotPanel

GRAPH, DERIVATION, PLOT = "graph", "derivation", "plot"

PLACEHOLDERS = {
    "number": "Your answer: a number",
    "expression": "Your answer: an expression in the node names",
    "any": "Your answer: a number, or an expression in the node names",
}
GO_ON = "Press Enter to go on"
HELD = (
    "Your answer is kept: it is graded as soon as the lesson's answers are checked "
    "(the bar shows how long that has taken)."
)
#: What the first ctrl+r on an open question says (the second reveals).
REVEAL_WARNING = (
    "Revealing shows this question's answer, and the question then earns nothing. "
    "Press ctrl+r again to see it."
)
#: The bar says the lesson is being checked once that has taken this long (seconds).
CHECK_SHOWN_AFTER = 0.5
TRAINING = "training"
#: A graph of more named nodes than this is not drawn by default (ctrl+g draws it).
MAX_SHOWN_NODES = 80

SETTLED_WORDS = {
    CORRECT: ("correct", "You answered this one correctly."),
    REVEALED: ("info", "The answer was revealed."),
    SKIPPED: ("info", "You skipped this question."),
}


class LessonScreen(TutorScreen):
    """A lesson, or a quiz on one, over a `Recorder` (session + progress store)."""

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
        Binding(keys.ZOOM, "unbound('zoom')", "Network", show=False),
        Binding(keys.DERIVE, "unbound('derive')", "Derive", show=False),
        Binding(keys.TRAINING, "unbound('training')", "Training", show=False),
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

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(classes="-quiz" if recorder.session.mode == "quiz" else "-lesson")
        self.recorder = recorder
        self.view = GRAPH
        self.edge_choice = 0
        self.diagnosed_edge: tuple[str, str] | None = None
        self._footer_state: tuple | None = None
        self._warned: str | None = None
        #: The step whose question the student was told ctrl+r would reveal.
        self._reveal_warned: int | None = None
        #: The derivation the student was told would count as a reveal.
        self._derive_warned: tuple[int, Edge] | None = None
        #: A derivation step's derivation, not drawn: it gives an open answer away.
        self._withheld: Edge | None = None
        #: The training steps whose view has been opened (Enter then goes on).
        self._trained: set[int] = set()
        #: Each training view's trainers, by step: opened again, it is as it was left.
        self._trainers: dict[int, list[GraphTrainer]] = {}
        #: While the lesson's check runs (`await_check`): when it started, and the
        #: answers typed meanwhile, by step, graded once it passes.
        self._checking_since: float | None = None
        self._held: dict[int, str] = {}
        self._said_waiting = False
        self._warmed = False  # the exact gradients are computed (`_warm_up`)

    @classmethod
    def for_lesson(cls, store: ProgressStore, lesson: Lesson) -> LessonScreen:
        return cls(Recorder.lesson(store, lesson))

    @classmethod
    def for_quiz(cls, store: ProgressStore, lesson: Lesson, seed: int) -> LessonScreen:
        return cls(Recorder.quiz(store, lesson, seed))

    @property
    def session(self) -> Session:
        return self.recorder.session

    @property
    def quiz(self) -> bool:
        return self.session.mode == "quiz"

    # -- the lesson's check: nothing is graded or revealed before it passes ----------

    @property
    def checking(self) -> bool:
        """Whether the lesson's answers are still being checked (three sources)."""
        return self._checking_since is not None

    def await_check(self) -> None:
        """The lesson opened before its check finished: answers wait for it, and
        the bar shows how long it has been running once that is over half a second."""
        self._checking_since = time.monotonic()
        self._check_timer = self.set_interval(0.25, self._show_bar, name="check progress")

    def check_passed(self) -> None:
        """The check passed: grade the answer held for this step, if there is one."""
        if not self.checking:
            return
        self._checking_since = None
        self._check_timer.stop()
        self._show_bar()
        self._warm_up()
        if self._default_view() == DERIVATION:  # drawn once the check allowed it
            self._show_visual()
        self._refresh_footer()
        held = self._held.pop(self.session.position, None)
        record = self.session.record
        if held is not None and record is not None and record.status == OPEN:
            self._submit(held)
        elif self._said_waiting:
            self._show_feedback()  # "wait for the check" no longer applies
        self._said_waiting = False

    def _say_waiting(self, words: str, kind: str = "info") -> None:
        """Say that something waits for the lesson's check (cleared when it passes)."""
        self.query_one(Feedback).say(words, kind)
        self._said_waiting = True

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
        )
        yield Footer(compact=True, show_command_palette=False)

    @guarded
    def on_mount(self) -> None:
        if self.recorder.warning:
            self.notify(self.recorder.warning, title="Progress", severity="warning", timeout=15)
        kept = getattr(self.app, "held_answers", None)
        if kept and not self.quiz:  # typed while checking and left: they were said to be kept
            self._held.update(kept.pop(self.session.lesson.id, {}))
        self.show_step()
        self.query_one(AnswerInput).focus()
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
        if self._needs_symbolic() and not self.checking and not self._warmed:
            self._warmed = True
            graph = self.session.graph
            self.run_worker(lambda: warm_up(graph), thread=True, exit_on_error=False, group="warm")
        if any(isinstance(s, Show) and s.what == PLOT for s in self.session.steps):
            self._preload_plot()

    def on_unmount(self) -> None:
        """Answers held for the lesson's check outlive the screen: the student was told
        they are kept, and they come back (held, or in their box) when it is opened again."""
        kept = getattr(self.app, "held_answers", None)
        if kept is not None and self._held and not self.quiz:
            kept[self.session.lesson.id] = dict(self._held)

    @work(thread=True, exit_on_error=False, group="preload")
    def _preload_plot(self) -> None:
        import textual_plotext  # noqa: F401  (import cost off the UI thread)

    # -- drawing what the session says ----------------------------------------------

    def show_step(self) -> None:
        """Draw the current step: bar, narrative, visual panel, feedback, input."""
        session = self.session
        step = session.step
        record = session.record
        self._show_bar()
        narrative = self.query_one(Narrative)
        text = self._quiz_prompt() if self.quiz and isinstance(step, Ask) else session.text()
        if isinstance(step, Ask) and record is not None:
            question = session.question()
            reveal = session.revealed()
            narrative.show(
                text,
                hints=session.hints_shown(),
                hint_count=len(question.hints),
                answer=reveal.answer if reveal else None,
                explanation=reveal.explanation if reveal else (),
            )
        else:
            narrative.show(text)
        self._show_visual()
        self._show_feedback()
        answer = self.query_one(AnswerInput)
        # an answer typed while the lesson was checked stays in its box (graded on Enter)
        held = self._held.get if self.checking else self._held.pop
        answer.value = held(session.position, "")
        answer.placeholder = self._placeholder()
        self._refresh_footer()
        self.call_after_refresh(self.fit_body)

    def _refresh_footer(self) -> None:
        """Redraw the footer's keys, only when what applies has changed (it is slow)."""
        actions = ("next", "back", "hint", "reveal", "skip", "derive", "zoom", "reset", "training")
        state = tuple(self.check_action(action, ()) for action in actions)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def _quiz_prompt(self) -> str:
        index = self.session.question_index or 0
        count = len(self.session.lesson.questions)
        return f"**Question {index + 1} of {count}.** {self.session.text()}"

    def _show_bar(self) -> None:
        session = self.session
        lesson = session.lesson
        position, count = session.position + 1, len(session.steps)
        if self.quiz:  # counted in questions (a training view belongs to the next one)
            title = f"Quiz: {lesson.title}"
            score = f"{session.settled} of {len(session.records)} answered"
            position, count = (session.upcoming_question or 0) + 1, len(session.records)
        else:
            title = lesson.title
            score = f"{self.recorder.done} of {len(session.records)} done"
        since = self._checking_since
        if since is not None and time.monotonic() - since >= CHECK_SHOWN_AFTER:
            score = f"checking the answers… {time.monotonic() - since:.0f} s"
        self.query_one(LessonBar).show(
            title,
            position,
            count,
            score,
            unit="question" if self.quiz else "step",
        )

    def _show_feedback(self) -> None:
        feedback = self.query_one(Feedback)
        record = self.session.record
        if self._withheld is not None and self.view == DERIVATION:
            edge = self._withheld
            index = self.session.derivation_gives_away(edge.node, edge.wrt)
            if index is not None:
                feedback.say(self._gives_away(edge, index, again=""), "warning")
                return
        if self.session.at_end and not isinstance(self.session.step, Ask):
            feedback.say(self._end_message())
        elif record is not None and self.checking and self.session.position in self._held:
            feedback.say(HELD)
        elif record is None or record.status == OPEN:
            feedback.clear()
        elif self.quiz:
            feedback.say("Answered: your first answer is final. Enter goes on.")
        elif record.status == CORRECT and record.attempts:
            feedback.show_verdict(record.attempts[-1])
        else:
            kind, words = SETTLED_WORDS.get(record.status, ("info", ""))
            feedback.say(words, kind)

    def _end_message(self) -> str:
        session = self.session
        return (
            f"The end of the lesson: {self.recorder.done} of {len(session.records)} questions "
            "done. Enter or Esc goes back to the course."
        )

    def _placeholder(self) -> str:
        step, record = self.session.step, self.session.record
        if isinstance(step, Ask) and record is not None and record.status == OPEN:
            question = self.session.question()  # its examples are never an answer to come
            text = PLACEHOLDERS.get(question.form, PLACEHOLDERS["any"])
            examples = {"number": question.number_examples, "expression": question.examples}
            shown = examples.get(question.form)
            return f"{text}, such as {_either(shown)}" if shown else text
        if self._training_step() is not None and self.session.position not in self._trained:
            return "Press Enter to open the training view"
        return GO_ON

    # -- the training view: a show = "training" step opens it with Enter --------------------

    def _training_step(self) -> Show | None:
        step = self.session.step
        return step if isinstance(step, Show) and step.what == TRAINING else None

    def _open_training(self) -> bool:
        """On a training step seen for the first time, open the training view (Enter
        then goes on); True when it was opened."""
        show = self._training_step()
        if show is None or self.session.position in self._trained:
            return False
        self._trained.add(self.session.position)
        self._show_training(self.session.position)
        self.query_one(AnswerInput).placeholder = GO_ON
        return True

    def _show_training(self, position: int) -> None:
        """Push the training view of step ``position``, as the student last left it."""
        from tutor.lesson.training import trainers
        from tutor.tui.screens.training import TrainingScreen

        if position not in self._trainers:
            show = self.session.steps[position]
            self._trainers[position] = trainers(self.session.lesson, self.session.graph, show)
        first, *others = self._trainers[position]
        title = f"{self.session.lesson.title}: training (Esc goes back)"
        self.app.push_screen(TrainingScreen(first, title, others=others))

    @guarded
    def action_training(self) -> None:
        """On a question read from a training view: that view, as it was left."""
        position = self.session.training_view()
        if position is not None:
            self._show_training(position)

    # -- sharing the rows: the text first, the picture gets the rest -------------------

    @on(Resized)
    def _resized(self, event: Resized) -> None:
        event.stop()
        self.call_after_refresh(self.fit_body)

    def fit_body(self) -> None:
        """Give the step's text every row it needs, and the picture what is left.

        The graph is drawn to fit those rows and takes no more than its drawing
        needs; a picture left fewer than 2 rows steps aside (ctrl+g still shows it).
        """
        visual = self.query_one("#visual")
        if self.maximized is not None or (self._default_view() is None and self.view == GRAPH):
            return
        body = self.query_one("#body")
        room = body.size.height - self.query_one(Narrative).text_height
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

    # -- the visual panel: graph, derivation or plot ------------------------------------

    def _default_view(self) -> str | None:
        step = self.session.step
        if isinstance(step, Show) and step.what in (DERIVATION, PLOT):
            return step.what
        graph = self.session.graph
        if graph is None or self._training_step() is not None:
            return None
        # A network over a data set is hundreds of nodes: ctrl+g shows it when asked.
        big = len(graph.nodes) > MAX_SHOWN_NODES and not isinstance(step, Show)
        return None if big else GRAPH

    def _show_visual(self, view: str | None = None) -> None:
        view = view or self._default_view()
        if view == DERIVATION and self.checking:  # SymPy waits for the budgeted check
            view = GRAPH
        visual = self.query_one("#visual")
        self._withheld = None
        if visual.display != (view is not None) or (view is not None and view != self.view):
            # Drawn whole: after a panel was scrolled, Textual's partial redraw (its
            # scrolling fast path leaves the old layout out of date) left the panel on
            # screen under the next step.
            self.refresh()
        visual.display = view is not None
        if view is None:
            return
        self.view = view
        self.query_one(ContentSwitcher).current = view
        if view == GRAPH:
            self._draw_graph()
        elif view == DERIVATION:
            edge = self._derivation_edge()
            if edge is not None:
                visual.border_title = f"Derivation of {edge.symbol}"
                index = self.session.derivation_gives_away(edge.node, edge.wrt)
                if index is not None:  # stepped back to from the question it answers
                    self._withheld = edge
                    self._derive_warned = (self.session.position, edge)
                    self.query_one(DerivationPanel).withhold(
                        f"Not shown: it ends in the answer of question {index + 1}, still "
                        "open, and seeing it counts as a reveal (ctrl+l shows it)."
                    )
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
        focus = step.node if isinstance(step, Ask) else None
        also = (step.wrt,) if isinstance(step, Ask) and step.spec.edge else ()
        self.query_one(GraphPanel).show(
            session.graph,
            earned=session.shown_earned,
            hidden_values=session.hidden_values(),
            focus=focus,
            also=also,
            edge=self.diagnosed_edge,
        )

    def _draw_plot(self) -> None:
        step = self.session.step
        try:
            data = self.session.plot()
        except ValueError as exc:  # a plot step the loader let through: say so, go on
            self.query_one("#visual").display = False
            self.query_one(Feedback).say(f"This plot cannot be drawn: {exc}.", "warning")
            return
        self.query_one(PlotPanel).show(data, slopes_known=step.node in self.recorder.earned)
        self.query_one("#visual").border_title = f"{data.output} against {data.leaf}"

    def _edges(self) -> list[Edge]:
        """The edges whose local derivative this step can derive (the session says)."""
        return self.session.derivable_edges()

    def _derivation_edge(self) -> Edge | None:
        edges = self._edges()
        return edges[self.edge_choice % len(edges)] if edges else None

    def _needs_symbolic(self) -> bool:
        """Whether SymPy will be wanted: to grade answers, or for a derivation step."""
        return self.session.graph is not None and any(
            isinstance(s, Ask) or (isinstance(s, Show) and s.what == DERIVATION)
            for s in self.session.steps
        )

    # -- the student's moves -------------------------------------------------------------

    def _takes_text(self) -> bool:
        return self.session.takes_answer()

    def _refused(self, _character: str) -> None:
        """A key typed where no answer is taken: said, not dropped unsaid."""
        self.query_one(Feedback).say(self.session.no_answer_here(), "warning")

    @guarded
    def answer_entered(self, value: str) -> None:
        """Enter in the answer box (called at once, before the next key is read)."""
        text = value.strip()
        session, record = self.session, self.session.record
        if not isinstance(session.step, Ask) or record is None:
            if self._open_training():
                return
            if session.at_end:
                self.app.go_home()
            else:
                self._move(session.next)
            return
        if (record.settled and not text) or (record.status == CORRECT and not self.quiz):
            self._after_settled()  # answered right: Enter goes on, whatever was typed
            return
        if not text:
            self.query_one(Feedback).say(
                "Type your answer first, or ask for a hint (ctrl+t).", "warning"
            )
            return
        if self.quiz and record.settled:
            self.query_one(Feedback).say("Your first answer is final. Enter goes on.", "info")
            return
        self._submit(text)

    def _submit(self, text: str) -> None:
        session = self.session
        if self.checking:  # kept, and graded the moment the check passes
            self._held[session.position] = text
            self._say_waiting(HELD)
            return
        index = session.question_index
        verdict = session.submit(text)
        self.recorder.answered(index, verdict)
        self._warn_if_not_saving()
        feedback = self.query_one(Feedback)
        if self.quiz and verdict.understood:
            self._after_quiz_answer()
            return
        self.diagnosed_edge = verdict.edge
        feedback.show_verdict(verdict)
        answer = self.query_one(AnswerInput)
        if verdict.correct:
            answer.value = ""
            answer.placeholder = GO_ON
        else:
            answer.action_select_all()
        self._show_bar()
        if self.view == GRAPH and self._default_view() == GRAPH:  # not a network's: undrawn
            self._draw_graph()
        self._refresh_footer()

    def _after_settled(self) -> None:
        if self.quiz:
            self._after_quiz_answer()
        elif self.session.at_end:
            self.app.go_home()
        else:
            self._move(self.session.next)

    def _after_quiz_answer(self) -> None:
        """In a quiz: on to the next open question, or to the results."""
        session = self.session
        if session.finished:
            self._finish_quiz()
            return
        start = session.question_index or 0
        following = session.next_open_question()
        self._move(lambda: session.approach_question(following))
        self.query_one(Feedback).say(f"Answer to question {start + 1} recorded.")

    def _finish_quiz(self) -> None:
        from tutor.tui.screens.results import ResultsScreen

        self.recorder.finish_quiz()
        self._warn_if_not_saving()
        self.app.switch_screen(ResultsScreen(self.session))

    def go_to(self, position: int) -> None:
        """Show step ``position`` (counted from 0) of the lesson."""
        self._move(lambda: self.session.goto(position))

    def _move(self, how) -> None:
        how()
        self._trained.clear()  # a training step arrived at again opens its view again
        self._reveal_warned = None  # ctrl+r asks again on the next question
        self.recorder.moved()
        self.view = GRAPH
        self.edge_choice = 0
        self.diagnosed_edge = None
        self.show_step()

    def _warn_if_not_saving(self) -> None:
        warning = self.recorder.warning
        if warning and warning != self._warned:
            self._warned = warning
            self.notify(warning, title="Progress", severity="warning", timeout=15)

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        record = session.record
        open_question = record is not None and record.status == OPEN
        match action:
            case "next":
                return not session.at_end or None
            case "back":
                return session.position > 0 or None
            case "hint":
                if record is None:
                    return False
                return (open_question if self.quiz else True) or None
            case "reveal":
                return False if self.quiz or record is None else (open_question or None)
            case "skip":
                return False if record is None else (open_question or None)
            case "derive":
                return not self.quiz and bool(self._edges())
            case "zoom":  # the picture, even when a long text has squeezed it out
                return (self._default_view() is not None or self.view != GRAPH) or None
            case "reset":
                return not self.quiz
            case "training":
                return self.session.training_view() is not None
            case "unbound":  # only where the key's own action does not apply
                return self.check_action(str(parameters[0]), ()) is not True
        return True

    @guarded
    def action_next(self) -> None:
        if self.quiz and self.session.at_end and self.session.finished:
            self._finish_quiz()
        elif not self.session.at_end:
            self._move(self.session.next)

    @guarded
    def action_back(self) -> None:
        if self.session.position > 0:
            self._move(self.session.back)

    @guarded
    def action_hint(self) -> None:
        session = self.session
        question = session.question()
        if question is None:
            return
        hint = session.hint()
        feedback = self.query_one(Feedback)
        if hint is None:
            more = "" if self.quiz else " Ctrl+r reveals the answer."
            feedback.say(f"No more hints for this question.{more}", "info")
            return
        shown = session.hints_shown()
        self.query_one(Narrative).show(
            self._quiz_prompt() if self.quiz else session.text(),
            hints=shown,
            hint_count=len(question.hints),
        )
        cost = f" {session.hint_cost()}" if self.quiz else ""
        feedback.say(f"Hint {len(shown)} of {len(question.hints)} is above.{cost}")

    @guarded
    def action_reveal(self) -> None:
        session = self.session
        index, record = session.question_index, session.record
        if index is None or self.quiz:
            return
        if self.checking and record.status == OPEN:
            self._say_still_checking("reveal")
            return
        was_open = record.status == OPEN
        if was_open and self._reveal_warned != session.position:  # ask once, as ctrl+l does
            self._reveal_warned = session.position
            self.query_one(Feedback).say(REVEAL_WARNING, "warning")
            return
        try:
            reveal = session.reveal()
        except SessionError as exc:
            self.query_one(Feedback).say(str(exc), "warning")
            return
        if was_open:
            self.recorder.revealed(index)
            self._warn_if_not_saving()
        self.show_step()
        self.query_one(Feedback).say(
            f"The answer is {reveal.answer}: how it comes about is above. Enter goes on."
        )
        if session.step.spec.edge:
            self._show_visual(DERIVATION)

    def _say_still_checking(self, what: str) -> None:
        self._say_waiting(
            f"The lesson's answers are still being checked: {what} again in a moment.",
            "warning",
        )

    @guarded
    def action_skip(self) -> None:
        session = self.session
        index, record = session.question_index, session.record
        if index is None or record.settled:
            return
        self._held.pop(session.position, None)  # skipped: no answer of its waits
        session.skip()  # settles the question, and moves on
        self.recorder.skipped(index)
        self._warn_if_not_saving()
        if self.quiz:
            session.goto_question(index)
            self._after_quiz_answer()
        else:
            self._move(lambda: None)

    @guarded
    def action_derive(self) -> None:
        """Show the derivation of this step's edge; again: the next edge, then the graph."""
        edges = self._edges()
        if not edges:
            self.query_one(Feedback).say("This step has no edge to derive.", "info")
        elif self.view != DERIVATION or self._withheld is not None:
            self._derive(edges[self.edge_choice % len(edges)])
        elif self.edge_choice + 1 < len(edges):
            self.edge_choice += 1
            self._derive(edges[self.edge_choice])
        else:
            self.edge_choice = 0
            self._show_visual(GRAPH)
        self._answer_box_keeps_keys()
        self.call_after_refresh(self.fit_body)

    def _derive(self, edge: Edge) -> None:
        """Show an edge's derivation; one that gives the open question's answer is a
        reveal (the session's rule), so the first press says so and the second shows it."""
        session = self.session
        if self.checking:  # SymPy on the lesson's numbers: after its budgeted check
            self._say_still_checking("press ctrl+l")
            return
        index = session.derivation_gives_away(edge.node, edge.wrt)
        if index is not None:
            if self._derive_warned != (session.position, edge):
                self._derive_warned = (session.position, edge)
                self.query_one(Feedback).say(self._gives_away(edge, index), "warning")
                return
            session.see_derivation(edge.node, edge.wrt)
            self.recorder.revealed(index)
            self._warn_if_not_saving()
            self.show_step()
            if index != session.question_index:
                self.query_one(Feedback).say(
                    f"Question {index + 1} counts as revealed: it earns nothing.", "info"
                )
        self._show_visual(DERIVATION)

    def _gives_away(self, edge: Edge, index: int, again: str = " again") -> str:
        """The warning before a derivation that is a reveal of question ``index``."""
        if index == self.session.question_index:
            whose, which = "this question's answer", "the question"
        else:
            whose = f"the answer of question {index + 1}, which you have reached and not answered"
            which = "that question"
        return (
            f"The derivation of {edge.symbol} ends in {whose}: seeing it counts as a reveal, "
            f"and {which} earns nothing. Press ctrl+l{again} to see it."
        )

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
        self.query_one(Feedback).say(why_not(self, key), "info")

    def action_scroll_graph(self, rows: int) -> None:
        panel = self.query_one(ContentSwitcher).visible_content
        if panel is not None:
            panel.scroll_relative(y=rows * 2, animate=False)

    def _answer_box_keeps_keys(self) -> None:
        """Typing goes to the answer box (a panel that took the focus gives it back)."""
        answer = self.query_one(AnswerInput)
        if self.maximized is None:
            answer.focus()
            self.call_after_refresh(answer.focus)  # after Textual's own focus moves

    def on_key(self, event: events.Key) -> None:
        """A key no widget took: it is meant for the answer box.

        (The focus can be on the graph or the text after Tab, or on nothing after a
        panel closes; typing then still answers, and Enter still submits. Where no
        answer is taken, the student is told so.)
        """
        answer = self.query_one(AnswerInput)
        if self.focused is answer:
            return
        if event.key == "enter":
            event.stop()
            if self.maximized is not None:
                self.minimize()
                self.call_after_refresh(self.fit_body)
            answer.focus()
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
        lesson = self.session.lesson

        def reset(confirmed: bool | None) -> None:
            if not confirmed:
                return
            store = self.recorder.store
            try:
                store.reset_lesson(lesson.id)
            except Exception as exc:  # the store failed: say so, keep the lesson
                self.notify(f"Could not reset: {exc}", severity="error")
                return
            self.recorder = Recorder.lesson(store, lesson)
            self._held.clear()  # the answers kept from before the reset go with it
            self._move(lambda: None)
            self.notify(f"{lesson.title}: progress reset.", title="Reset")

        self.app.push_screen(ConfirmScreen.reset_lesson(lesson.title), reset)

    @guarded
    def action_leave(self) -> None:
        """Esc: close the topmost panel (zoom, then a derivation), else leave the lesson."""
        if self.maximized is not None:
            self.minimize()
            self._answer_box_keeps_keys()
            self.call_after_refresh(self.fit_body)
            return
        if self.view == DERIVATION and self._default_view() != DERIVATION:
            self.edge_choice = 0
            self._show_visual(GRAPH)
            self._answer_box_keeps_keys()
            return
        if not self.quiz:
            self.app.go_home()
            return

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                self.app.go_home()

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
        yield from super().key_help()


def _either(items: tuple[str, ...]) -> str:
    """``a, b or c``."""
    return " or ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
