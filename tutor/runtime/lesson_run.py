"""One student's time in a lesson or a quiz, below the screen that shows it.

A `LessonRun` owns the session and its recorder, the lesson's check (answers typed
while it runs are held, per step, and graded the moment it passes), quiz
progression, the rules of ctrl+l (a derivation that gives an open answer away is
warned of, then counts as its reveal) and ctrl+r (asks once), and the training
views. Each key the student presses is one method call that returns an `Outcome`:
what to say and what to draw. The lesson screen (`tutor.tui.screens.lesson`) only
lays out, binds keys and renders; the rules are tested here as plain Python.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.check import Verdict
from tutor.derivation import Edge
from tutor.engine.train import GraphTrainer
from tutor.lesson import Ask, GraphError, Lesson, Show
from tutor.lesson.shows import TrainingShow
from tutor.progress import ProgressStore
from tutor.runtime.recorder import Recorder
from tutor.session import CORRECT, OPEN, REVEALED, SKIPPED, Session, SessionError

if TYPE_CHECKING:
    from tutor.lesson.model import LessonError
    from tutor.runtime.checker import LessonChecker

GRAPH, DERIVATION, PLOT, TRAINING = "graph", "derivation", "plot", "training"
#: A graph of more named nodes than this is not drawn by default (ctrl+g draws it).
MAX_SHOWN_NODES = 80

PLACEHOLDERS = {
    "number": "Your answer: a number",
    "expression": "Your answer: an expression in the node names",
    "any": "Your answer: a number, or an expression in the node names",
}
GO_ON = "Press Enter to go on"
OPEN_TRAINING = "Press Enter to open the training view"
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

SETTLED_WORDS = {
    CORRECT: ("correct", "You answered this one correctly."),
    REVEALED: ("info", "The answer was revealed."),
    SKIPPED: ("info", "You skipped this question."),
}

#: Where an `Outcome` sends the student: the course, the quiz's results, or a
#: question whether to leave the quiz unscored.
HOME, RESULTS, CONFIRM_LEAVE = "home", "results", "confirm-leave"


@dataclass(frozen=True)
class Words:
    """Feedback in words, and its kind (info, warning, correct…)."""

    text: str
    kind: str = "info"


@dataclass
class Outcome:
    """What one key did, for the screen to render (in this order): the step drawn
    again, the narrative's hints, the feedback, the answer box, a panel, a screen."""

    #: The step is drawn again, whole (it changed, or what it shows did).
    redraw: bool = False
    #: The narrative again, with the hints taken so far.
    hints: bool = False
    #: Words to say (else ``verdict``'s; else, with ``feedback``, what the run says now).
    say: Words | None = None
    verdict: Verdict | None = None
    feedback: bool = False
    #: The answer box: its new text (None: as it is), whether to select it, its placeholder.
    answer: str | None = None
    select: bool = False
    placeholder: str | None = None
    #: The bar and the graph drawn again (a verdict earned a gradient).
    bar: bool = False
    graph: bool = False
    #: The panel to show (`GRAPH`, `DERIVATION`).
    view: str | None = None
    #: The training view of this step to open.
    training: int | None = None
    #: `HOME`, `RESULTS` or `CONFIRM_LEAVE`.
    go: str | None = None
    #: The progress store stopped saving: said once.
    notice: str | None = None

    @staticmethod
    def saying(text: str, kind: str = "info") -> Outcome:
        return Outcome(say=Words(text, kind))


@dataclass(frozen=True)
class Bar:
    """The lesson bar: title, where the student is (of how many), and the score."""

    title: str
    position: int
    count: int
    score: str
    unit: str


@dataclass
class LessonRun:
    """A lesson (``session.mode == "lesson"``) or a quiz on one, over its recorder."""

    recorder: Recorder
    #: When the lesson's check started, while it runs (`start_checking`).
    checking_since: float | None = None
    #: Answers typed while the lesson is checked, by step: graded once it passes.
    held: dict[int, str] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    #: The panel shown, the edge derived (of `edges`), and the edge a verdict names.
    view: str | None = GRAPH
    edge_choice: int = 0
    diagnosed_edge: tuple[str, str] | None = None
    #: A derivation step's derivation, not drawn: it gives an open answer away.
    withheld: Edge | None = None
    _said_waiting: bool = False
    _warned: str | None = None
    #: The step whose question the student was told ctrl+r would reveal.
    _reveal_warned: int | None = None
    #: The derivation the student was told would count as a reveal.
    _derive_warned: tuple[int, Edge] | None = None
    #: The training steps whose view has been opened (Enter then goes on).
    _trained: set[int] = field(default_factory=set)
    #: Each training view's trainers, by step: opened again, it is as it was left.
    _trainers: dict[int, list[GraphTrainer]] = field(default_factory=dict)

    @classmethod
    def for_lesson(
        cls, store: ProgressStore, lesson: Lesson, kept: dict[int, str] | None = None
    ) -> LessonRun:
        """``lesson`` where the student left it, with the answers ``kept`` from a
        time it was left while checked (they were said to be kept)."""
        return cls(Recorder.lesson(store, lesson), held=dict(kept or {}))

    @classmethod
    def for_quiz(
        cls, store: ProgressStore, lesson: Lesson, seed: int, session: Session | None = None
    ) -> LessonRun:
        """A quiz on variant ``seed`` (``session``: drawn already)."""
        return cls(Recorder.quiz(store, lesson, seed, session))

    @property
    def session(self) -> Session:
        return self.recorder.session

    @property
    def quiz(self) -> bool:
        return self.session.mode == "quiz"

    def kept(self) -> dict[int, str]:
        """The answers still held, to give back when the lesson is opened again."""
        return {} if self.quiz else dict(self.held)

    # -- the lesson's check: nothing is graded or revealed before it passes ----------

    @property
    def checking(self) -> bool:
        """Whether the lesson's answers are still being checked (three sources)."""
        return self.checking_since is not None

    def start_checking(self) -> None:
        self.checking_since = self.clock()

    def check_passed(self) -> Outcome:
        """The check passed: the answer held for this step is graded, if there is one."""
        if not self.checking:
            return Outcome()
        self.checking_since = None
        held = self.held.pop(self.session.position, None)
        record = self.session.record
        said, self._said_waiting = self._said_waiting, False
        if held is not None and record is not None and record.status == OPEN:
            return self.submit(held)
        return Outcome(feedback=said)  # "wait for the check" no longer applies

    def _still_checking(self, what: str) -> Outcome:
        self._said_waiting = True
        return Outcome.saying(
            f"The lesson's answers are still being checked: {what} again in a moment.",
            "warning",
        )

    # -- what is shown --------------------------------------------------------------------

    def prompt(self) -> str:
        session = self.session
        if not (self.quiz and isinstance(session.step, Ask)):
            return session.text()
        index = session.question_index or 0
        return f"**Question {index + 1} of {len(session.lesson.questions)}.** {session.text()}"

    def bar(self) -> Bar:
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
        since = self.checking_since
        if since is not None and self.clock() - since >= CHECK_SHOWN_AFTER:
            score = f"checking the answers… {self.clock() - since:.0f} s"
        return Bar(title, position, count, score, "question" if self.quiz else "step")

    def feedback(self) -> Words | Verdict | None:
        """What the feedback line says of the step as it stands (None: nothing)."""
        session = self.session
        record = session.record
        if self.withheld is not None and self.view == DERIVATION:
            edge = self.withheld
            index = session.derivation_gives_away(edge.node, edge.wrt)
            if index is not None:
                return Words(self._gives_away(edge, index, again=""), "warning")
        if session.at_end and not isinstance(session.step, Ask):
            return Words(
                f"The end of the lesson: {self.recorder.done} of {len(session.records)} "
                "questions done. Enter or Esc goes back to the course."
            )
        if record is not None and self.checking and session.position in self.held:
            return Words(HELD)
        if record is None or record.status == OPEN:
            return None
        if self.quiz:
            return Words("Answered: your first answer is final. Enter goes on.")
        if record.status == CORRECT and record.attempts:
            return record.attempts[-1]
        kind, words = SETTLED_WORDS.get(record.status, ("info", ""))
        return Words(words, kind)

    def box_text(self) -> str:
        """What the answer box holds on arriving at the step: an answer typed while the
        lesson was checked stays in its box (graded on Enter) once the check passed."""
        position = self.session.position
        return self.held.get(position, "") if self.checking else self.held.pop(position, "")

    def placeholder(self) -> str:
        session = self.session
        step, record = session.step, session.record
        if isinstance(step, Ask) and record is not None and record.status == OPEN:
            question = session.question()  # its examples are never an answer to come
            if question is not None:
                text = PLACEHOLDERS.get(question.form, PLACEHOLDERS["any"])
                examples = {"number": question.number_examples, "expression": question.examples}
                shown = examples.get(question.form)
                return f"{text}, such as {_either(shown)}" if shown else text
        if self.training_step() is not None and session.position not in self._trained:
            return OPEN_TRAINING
        return GO_ON

    def allowed(self, action: str) -> bool | None:
        """Whether a key applies here: True, False (hidden) or None (shown, dimmed)."""
        session = self.session
        record = session.record
        open_question = record is not None and record.status == OPEN
        match action:
            case "next":
                return not session.at_end or None
            case "back":
                return session.position > 0 or None
            case "hint":  # an answered question has no hint left to earn or need
                return False if record is None else (open_question or None)
            case "reveal":
                return False if self.quiz or record is None else (open_question or None)
            case "skip":
                return False if record is None else (open_question or None)
            case "derive":
                return not self.quiz and bool(self.edges())
            case "zoom":  # the picture, even when a long text has squeezed it out
                return (self.default_view() is not None or self.view != GRAPH) or None
            case "reset":
                return not self.quiz
            case "training":
                return session.training_view() is not None
        return True

    def default_view(self) -> str | None:
        """The step's own panel: its derivation or plot, else the graph (None: none)."""
        step = self.session.step
        if isinstance(step, Show) and step.spec.panel:
            return step.what
        graph = self.session.graph
        if graph is None or self.training_step() is not None:
            return None
        # A network over a data set is hundreds of nodes: ctrl+g shows it when asked.
        big = len(graph.nodes) > MAX_SHOWN_NODES and not isinstance(step, Show)
        return None if big else GRAPH

    def choose_view(self, view: str | None = None) -> str | None:
        """The panel to show now (default: the step's own): a derivation waits for the
        lesson's check, and one that would give an open answer away is `withheld`."""
        view = view or self.default_view()
        if view == DERIVATION and self.checking:  # SymPy waits for the budgeted check
            view = GRAPH
        self.withheld = None
        if view is None:
            return None
        self.view = view
        edge = self.derivation_edge()
        if view == DERIVATION and edge is not None:
            index = self.session.derivation_gives_away(edge.node, edge.wrt)
            if index is not None:  # stepped back to from the question it answers
                self.withheld = edge
                self._derive_warned = (self.session.position, edge)
        return view

    def withheld_text(self) -> str:
        edge = self.withheld
        index = self.session.derivation_gives_away(edge.node, edge.wrt) if edge else None
        return (
            f"Not shown: it ends in the answer of question {(index or 0) + 1}, still "
            "open, and seeing it counts as a reveal (ctrl+l shows it)."
        )

    def edges(self) -> list[Edge]:
        """The edges whose local derivative this step can derive (the session says)."""
        return self.session.derivable_edges()

    def derivation_edge(self) -> Edge | None:
        edges = self.edges()
        return edges[self.edge_choice % len(edges)] if edges else None

    def needs_symbolic(self) -> bool:
        """Whether SymPy will be wanted: to grade answers, or for a derivation step."""
        return self.session.graph is not None and any(
            isinstance(s, Ask) or (isinstance(s, Show) and s.spec.symbolic)
            for s in self.session.steps
        )

    def training_step(self) -> TrainingShow | None:
        step = self.session.step
        return step if isinstance(step, TrainingShow) else None

    def trainers(self, position: int) -> list[GraphTrainer]:
        """The training view of step ``position``, as the student last left it."""
        from tutor.lesson.training import trainers

        if position not in self._trainers:
            session, step = self.session, self.session.steps[position]
            assert session.graph is not None and isinstance(step, TrainingShow)
            self._trainers[position] = trainers(session.lesson, session.graph, step)
        return self._trainers[position]

    def your_view(self, position: int | None, lessons: Sequence[Lesson]):
        """The training view of step ``position`` (None: the lecture's network) on the
        tutor's engine beside the student's (`tutor.runtime.your_engine`), with the
        rules last written in any of ``lessons`` as the progress store holds them
        (none, if it cannot say)."""
        from tutor.runtime.your_engine import lecture_view, student_rules, your_view

        session = self.session
        rows = self.recorder._guard(self.recorder.store.answer_rows) or []
        rules = student_rules(rows, lessons)
        if position is None:
            return lecture_view(rules)
        return your_view(session.lesson, session.graph, session.steps[position], rules)

    def writes_backward(self) -> bool:
        """A lesson that asks for ``_backward`` bodies: ctrl+o, where no training view
        comes before, trains the lecture's network on the student's rules."""
        from tutor.runtime.your_engine import backward_questions

        return not self.quiz and bool(backward_questions(self.session.lesson))

    # -- the student's moves: one call per key -----------------------------------------

    def enter(self, value: str) -> Outcome:
        """Enter in the answer box: grade, go on, or open the training view."""
        text = value.strip()
        session, record = self.session, self.session.record
        if not isinstance(session.step, Ask) or record is None:
            if self.training_step() is not None and session.position not in self._trained:
                self._trained.add(session.position)  # seen: Enter now goes on
                return Outcome(training=session.position, placeholder=GO_ON)
            if session.at_end:
                return Outcome(go=HOME)
            return self._move(session.next)
        if (record.settled and not text) or (record.status == CORRECT and not self.quiz):
            return self._after_settled()  # answered right: Enter goes on, whatever was typed
        if not text:
            return Outcome.saying("Type your answer first, or ask for a hint (ctrl+t).", "warning")
        if self.quiz and record.settled:
            return Outcome.saying("Your first answer is final. Enter goes on.")
        return self.submit(text)

    def submit(self, text: str) -> Outcome:
        """Grade ``text``, or hold it while the lesson is checked."""
        session = self.session
        if self.checking:  # kept, and graded the moment the check passes
            self.held[session.position] = text
            self._said_waiting = True
            return Outcome.saying(HELD)
        index = session.question_index
        verdict = session.submit(text)
        assert index is not None  # `submit` graded a question
        self.recorder.answered(index, verdict)
        notice = self._notice()
        if self.quiz and verdict.understood:
            return self._after_quiz_answer(notice)
        self.diagnosed_edge = verdict.edge
        return Outcome(
            verdict=verdict,
            answer="" if verdict.correct else None,
            placeholder=GO_ON if verdict.correct else None,
            select=not verdict.correct,
            bar=True,
            graph=self.view == GRAPH and self.default_view() == GRAPH,  # not a network's
            notice=notice,
        )

    def refused(self) -> Outcome:
        """A key typed where no answer is taken: said, not dropped unsaid."""
        return Outcome.saying(self.session.no_answer_here(), "warning")

    def next(self) -> Outcome:
        if self.quiz and self.session.at_end and self.session.finished:
            return self.finish_quiz()
        if not self.session.at_end:
            return self._move(self.session.next)
        return Outcome()

    def back(self) -> Outcome:
        return self._move(self.session.back) if self.session.position > 0 else Outcome()

    def go_to(self, position: int) -> Outcome:
        """Step ``position`` (counted from 0) of the lesson."""
        return self._move(lambda: self.session.goto(position))

    def hint(self) -> Outcome:
        session = self.session
        question = session.question()
        if question is None:
            return Outcome()
        if session.hint() is None:
            more = "" if self.quiz else " Ctrl+r reveals the answer."
            return Outcome.saying(f"No more hints for this question.{more}")
        cost = f" {session.hint_cost()}" if self.quiz else ""
        shown = len(session.hints_shown())
        return Outcome(
            hints=True, say=Words(f"Hint {shown} of {len(question.hints)} is above.{cost}")
        )

    def reveal(self) -> Outcome:
        """Ctrl+r: asks once on an open question, then shows its answer (it earns nothing)."""
        session = self.session
        index, record = session.question_index, session.record
        if index is None or record is None or self.quiz:
            return Outcome()
        if self.checking and record.status == OPEN:
            return self._still_checking("reveal")
        was_open = record.status == OPEN
        if was_open and self._reveal_warned != session.position:  # ask once, as ctrl+l does
            self._reveal_warned = session.position
            return Outcome.saying(REVEAL_WARNING, "warning")
        try:
            reveal = session.reveal()
        except SessionError as exc:
            return Outcome.saying(str(exc), "warning")
        notice = None
        if was_open:
            self.recorder.revealed(index)
            notice = self._notice()
        return Outcome(
            redraw=True,
            say=Words(
                f"The answer is {reveal.answer}: how it comes about is above. Enter goes on."
            ),
            view=DERIVATION if isinstance(session.step, Ask) and session.step.spec.edge else None,
            notice=notice,
        )

    def skip(self) -> Outcome:
        session = self.session
        index, record = session.question_index, session.record
        if index is None or record is None or record.settled:
            return Outcome()
        self.held.pop(session.position, None)  # skipped: no answer of its waits
        session.skip()  # settles the question, and moves on
        self.recorder.skipped(index)
        notice = self._notice()
        if self.quiz:
            session.goto_question(index)
            return self._after_quiz_answer(notice)
        outcome = self._move(lambda: None)
        outcome.notice = notice
        return outcome

    def derive(self) -> Outcome:
        """Ctrl+l: this step's edge's derivation; again: the next edge, then the graph."""
        edges = self.edges()
        if not edges:
            return Outcome.saying("This step has no edge to derive.")
        if self.view != DERIVATION or self.withheld is not None:
            return self._derive(edges[self.edge_choice % len(edges)])
        if self.edge_choice + 1 < len(edges):
            self.edge_choice += 1
            return self._derive(edges[self.edge_choice])
        self.edge_choice = 0
        return Outcome(view=GRAPH)

    def _derive(self, edge: Edge) -> Outcome:
        """An edge's derivation; one that gives an open question's answer is a reveal
        (the session's rule), so the first press says so and the second shows it."""
        session = self.session
        if self.checking:  # SymPy on the lesson's numbers: after its budgeted check
            return self._still_checking("press ctrl+l")
        index = session.derivation_gives_away(edge.node, edge.wrt)
        if index is None:
            return Outcome(view=DERIVATION)
        if self._derive_warned != (session.position, edge):
            self._derive_warned = (session.position, edge)
            return Outcome.saying(self._gives_away(edge, index), "warning")
        session.see_derivation(edge.node, edge.wrt)
        self.recorder.revealed(index)
        outcome = Outcome(redraw=True, view=DERIVATION, notice=self._notice())
        if index != session.question_index:
            outcome.say = Words(f"Question {index + 1} counts as revealed: it earns nothing.")
        return outcome

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

    def training(self) -> Outcome:
        """Ctrl+o: on a question read from a training view, that view as it was left."""
        return Outcome(training=self.session.training_view())

    def leave(self) -> Outcome:
        """Esc (no panel zoomed): close a derivation the step did not open with, else
        leave the lesson (a quiz asks first: it will not be scored)."""
        if self.view == DERIVATION and self.default_view() != DERIVATION:
            self.edge_choice = 0
            return Outcome(view=GRAPH)
        return Outcome(go=CONFIRM_LEAVE if self.quiz else HOME)

    def reset(self) -> Outcome:
        """Forget the lesson's progress (the store's error, if any, is raised) and start
        it again; the answers held from before go with it."""
        store, lesson = self.recorder.store, self.session.lesson
        store.reset_lesson(lesson.id)
        self.recorder = Recorder.lesson(store, lesson)
        self.held.clear()
        return self._move(lambda: None)

    def finish_quiz(self) -> Outcome:
        """Record the quiz's score; on to its results."""
        self.recorder.finish_quiz()
        return Outcome(go=RESULTS, notice=self._notice())

    def _after_settled(self) -> Outcome:
        if self.quiz:
            return self._after_quiz_answer()
        if self.session.at_end:
            return Outcome(go=HOME)
        return self._move(self.session.next)

    def _after_quiz_answer(self, notice: str | None = None) -> Outcome:
        """In a quiz: on to the next open question, or to the results."""
        session = self.session
        if session.finished:
            outcome = self.finish_quiz()
            outcome.notice = outcome.notice or notice
            return outcome
        start = session.question_index or 0
        following = session.next_open_question()
        assert following is not None  # the quiz is not finished
        outcome = self._move(lambda: session.approach_question(following))
        outcome.say = Words(f"Answer to question {start + 1} recorded.")
        outcome.notice = notice
        return outcome

    def _move(self, how: Callable[[], object]) -> Outcome:
        how()
        self._trained.clear()  # a training step arrived at again opens its view again
        self._reveal_warned = None  # ctrl+r asks again on the next question
        self.recorder.moved()
        self.view = GRAPH
        self.edge_choice = 0
        self.diagnosed_edge = None
        return Outcome(redraw=True)

    def _notice(self) -> str | None:
        """The recorder's warning, the first time it is this one."""
        warning = self.recorder.warning
        if warning and warning != self._warned:
            self._warned = warning
            return warning
        return None


def opens_ready(
    lesson: Lesson, seed: int, checker: LessonChecker, checked: dict[str, list[LessonError]]
) -> bool | None:
    """How a lesson (``seed`` 0) or a quiz on variant ``seed`` opens: ready (True) when
    it passed its check (this session: ``checked``, or before with this code: the
    checker knows); checking (False) otherwise, answers waiting for the check; not at
    all (None) when it failed its check this session."""
    errors = checked.get(lesson.id) if seed == 0 else None
    if errors:
        return None
    return errors is not None or checker.passed(lesson, seed)


def draw_quiz(
    lesson: Lesson, seed: int, checker: LessonChecker, stop: Callable[[], bool]
) -> Session | list[LessonError] | GraphError | None:
    """A quiz's numbers at ``seed``, drawn once the budgeted check there passed: the
    session; else the check's errors, or the `GraphError` the draw raised; None when
    ``stop`` said to stop (the app is closing).

    Drawing trains each training question again, for every draw refused: the check in
    its child computed the same draw within its budget, so this one is bounded by it."""
    from tutor.lesson.graph import Stopped, stoppable

    errors = checker.check(lesson, seed)
    if stop():
        return None
    if errors:
        return errors
    try:
        with stoppable(stop):
            return Session(lesson, seed=seed, mode="quiz")
    except GraphError as exc:  # reported as opening a lesson reports it
        return exc
    except Stopped:
        return None


def _either(items: tuple[str, ...]) -> str:
    """``a, b or c``."""
    return " or ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)
