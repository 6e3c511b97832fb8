"""One run through a lesson, whatever drives it (the app, `tutor run`, a quiz).

The session knows the current step, grades answers through `tutor.check`,
hands out hints one at a time, reveals, skips, moves back and forth, keeps the
score and the set of gradients the student has earned. It imports no UI: the
Textual app and the scripted runner drive the same object, so the same answers
get the same verdicts in both.

Scoring (also in the README):

* Every question is worth its ``points`` (default 1).
* A correct answer earns the points less a quarter for each hint taken, never
  below zero. Wrong answers cost nothing in a lesson: try again.
* In a quiz the first answer that can be read is final, and reveal waits for
  the end. An answer that cannot be read ("not understood") never counts. A quiz
  keeps the lesson's training views that come before a question (`quiz_steps`).
* Revealed and skipped questions earn nothing.
* A lesson is done when every question is settled and its score reaches the
  lesson's pass mark (`Standing`); all revealed or skipped is not done.
* On an open question, a derivation that ends in the asked answer counts as a
  reveal (`derivation_reveals`): the app says so first. So does seeing it on an
  earlier step, stepped back to from that question (`derivation_gives_away`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from tutor import numbers
from tutor.check import NOT_UNDERSTOOD, Question, Verdict, explain, grade, prepare
from tutor.check.quantities import local
from tutor.check.variants import quiz_graph
from tutor.derivation import Edge
from tutor.lesson import Ask, Graph, Lesson, Say, Show, Step, fill
from tutor.lesson.plot import PlotData, plot_data
from tutor.lesson.shows import DerivationShow, PlotShow, TrainingShow
from tutor.standing import (  # the scoring rules, shared with the home screen
    Standing,
    passes,
    settled_history,
)
from tutor.status import CORRECT, INCORRECT, OPEN, REVEALED, SKIPPED

HINT_COST = 0.25
#: How a fraction of a question's points is said (`Session.hint_cost`).
FRACTION_WORDS = {Fraction(1, 2): "half", Fraction(1, 3): "a third", Fraction(1, 4): "a quarter"}


@dataclass
class Record:
    """What happened to one question in this session."""

    status: str = OPEN
    attempts: list[Verdict] = field(default_factory=list)
    hints_used: int = 0
    points: float = 0.0

    @property
    def settled(self) -> bool:
        return self.status != OPEN


@dataclass(frozen=True)
class Reveal:
    answer: str
    explanation: list[str]


#: The answer text stored for a question skipped or revealed, by the app and by
#: `tutor run --record` alike (an answer the tutor could not read keeps its text).
NO_ANSWER = ""


class SessionError(Exception):
    """An action that does not apply now (e.g. reveal during a quiz)."""


class Session:
    """A lesson in progress: ``mode`` is "lesson" or "quiz" (questions only)."""

    def __init__(self, lesson: Lesson, seed: int = 0, mode: str = "lesson"):
        if mode not in ("lesson", "quiz"):
            raise ValueError(f"unknown mode {mode!r}")
        self.lesson = lesson
        self.seed = seed
        self.mode = mode
        self.graph: Graph | None = quiz_graph(lesson, seed) if lesson.has_graph else None
        self.steps: tuple[Step, ...] = lesson.steps if mode == "lesson" else quiz_steps(lesson)
        #: The furthest step reached (`derivation_gives_away` looks back from it).
        self.reached = 0
        self.position = 0
        self.records: list[Record] = [Record() for _ in lesson.questions]
        self._questions: dict[int, Question] = {}
        self._earned_before: set[str] = set()
        self._question_of_step: dict[int, int] = {}
        index = 0
        for i, step in enumerate(self.steps):
            if isinstance(step, Ask):
                self._question_of_step[i] = index
                index += 1

    # -- where we are --------------------------------------------------------

    @property
    def position(self) -> int:
        """The current step, counted from 0."""
        return self._position

    @position.setter
    def position(self, position: int) -> None:
        self._position = position
        self.reached = max(self.reached, position)

    @property
    def step(self) -> Step:
        return self.steps[self.position]

    @property
    def at_end(self) -> bool:
        return self.position == len(self.steps) - 1

    @property
    def question_index(self) -> int | None:
        """The index (among the lesson's questions) of the current step, if a question."""
        return self._question_of_step.get(self.position)

    def question(self, index: int | None = None) -> Question | None:
        """The prepared question ``index`` (default: the current step's)."""
        index = self.question_index if index is None else index
        if index is None or self.graph is None:
            return None
        if index not in self._questions:
            ask = self.lesson.questions[index]
            self._questions[index] = prepare(self.lesson, self.graph, ask, index)
        return self._questions[index]

    @property
    def record(self) -> Record | None:
        index = self.question_index
        return self.records[index] if index is not None else None

    def text(self, position: int | None = None) -> str:
        """The Markdown of a step (default: the current one) with ``{NAME}`` filled in."""
        position = self.position if position is None else position
        step = self.steps[position]
        values = self.graph.values() if self.graph else {}
        match step:
            case Say(text=text):
                return fill(text, values)
            case Ask():
                question = self.question(self._question_of_step[position])
                return question.prompt if question else ""
            case Show():
                return step.describe(self.lesson, self.output)
        return ""

    @property
    def output(self) -> str:
        return self.graph.output.label if self.graph else ""

    # -- moving ----------------------------------------------------------------

    def next(self) -> bool:
        if self.position + 1 < len(self.steps):
            self.position += 1
            return True
        return False

    def back(self) -> bool:
        if self.position > 0:
            self.position -= 1
            return True
        return False

    def goto(self, position: int) -> None:
        self.position = max(0, min(position, len(self.steps) - 1))

    def goto_question(self, index: int) -> None:
        """Move to the step of the lesson's question ``index``."""
        self.position = self.position_of(index)

    def approach_question(self, index: int) -> None:
        """Move to where a quiz takes up question ``index``: the training views just
        before it (the curves it is read from), else the question itself."""
        position = self.position_of(index)
        while position > 0 and _is_training(self.steps[position - 1]):
            position -= 1
        self.position = position

    def position_of(self, index: int) -> int:
        """The step (counted from 0) of the lesson's question ``index``."""
        for position, question_index in self._question_of_step.items():
            if question_index == index:
                return position
        raise IndexError(f"no question {index}")

    def training_view(self) -> int | None:
        """The step of the training view the current question is read from: the nearest
        one before it (None: no view comes before it, or this step is not a question)."""
        if not isinstance(self.step, Ask):
            return None
        return next(
            (p for p in range(self.position - 1, -1, -1) if _is_training(self.steps[p])), None
        )

    @property
    def upcoming_question(self) -> int | None:
        """The current step's question, else the next question's (a quiz counts the
        training view before a question as part of it)."""
        for position in range(self.position, len(self.steps)):
            if position in self._question_of_step:
                return self._question_of_step[position]
        return None

    # -- answering ------------------------------------------------------------------

    def takes_answer(self) -> bool:
        """Whether the current step takes a typed answer: a question still open, or in a
        lesson one revealed or skipped (answered again, for practice). A step that asks
        nothing does not, nor a question answered right in a lesson, nor one answered in
        a quiz (the first answer is final): Enter goes on from them."""
        record = self.record
        if record is None:
            return False
        return record.status == OPEN or (self.mode == "lesson" and record.status != CORRECT)

    def no_answer_here(self) -> str:
        """Why typing is not taken here (`takes_answer` is False), and what Enter does."""
        record = self.record
        if record is None:
            return "This step asks for no answer, so typing goes nowhere: Enter goes on."
        if self.mode == "quiz":
            return "Your first answer is final, so typing goes nowhere: Enter goes on."
        return "You answered this one right, so typing goes nowhere: Enter goes on."

    def submit(self, text: str) -> Verdict:
        question, record = self._current()
        verdict = grade(question, text)
        if verdict.status == NOT_UNDERSTOOD or record.settled:
            return verdict
        record.attempts.append(verdict)
        if verdict.correct:
            record.status = CORRECT
            record.points = question.ask.points * max(0.0, 1 - HINT_COST * record.hints_used)
        elif self.mode == "quiz":
            record.status = INCORRECT
        return verdict

    def hint(self) -> str | None:
        """The next hint for the current question, or None when there are no more."""
        question, record = self._current()
        if record.hints_used >= len(question.hints):
            return None
        hint = question.hints[record.hints_used]
        if not record.settled:  # a hint costs points only while the answer is to come
            record.hints_used += 1
        return hint

    def restore(self, index: int, status: str, points: float = 0.0, hints_used: int = 0) -> None:
        """Settle question ``index`` as it was settled in an earlier sitting."""
        if status not in (CORRECT, INCORRECT, REVEALED, SKIPPED):
            raise ValueError(f"not a settled status: {status!r}")
        record = self.records[index]
        record.status, record.points, record.hints_used = status, points, hints_used

    def restore_history(
        self,
        answers: Iterable[Mapping[str, object]],
        settled: Iterable[int],
        earned: Iterable[str] = (),
    ) -> None:
        """Settle the lesson's questions as an earlier sitting left them.

        ``answers`` are the stored answers (rows with ``question_index``, ``verdict``,
        ``points``, ``hints_used`` and ``mode``; only the lesson's own count),
        ``settled`` the indices of the questions finished then, and ``earned`` the
        nodes whose gradient was shown. A settled question keeps its best verdict:
        correct (with its points) before revealed before skipped.
        """
        for index, (status, points, hints_used) in settled_history(
            answers, settled, len(self.records)
        ).items():
            self.restore(index, status, points, hints_used)
        self.restore_earned(set(earned))

    def standing(self, started: bool = True) -> Standing:
        """The lesson's standing after this session (``started``: anything was recorded)."""
        return Standing(
            started=started,
            settled=self.settled,
            questions=len(self.records),
            score=self.score,
            total=self.total,
            passed=self.passed,
        )

    def restore_earned(self, nodes: set[str] | frozenset[str]) -> None:
        """Gradients earned in an earlier sitting (shown in the graph again)."""
        self._earned_before |= set(nodes) & set(self.graph.nodes if self.graph else ())

    def hints_shown(self) -> list[str]:
        question, record = self._current()
        return question.hints[: record.hints_used]

    def solution(self, index: int | None = None) -> Reveal:
        """The answer and how it comes about, changing nothing (the quiz results,
        a question revealed earlier); `reveal` is the student asking for it."""
        if self.mode == "quiz" and not self.finished:
            raise SessionError("answers are revealed at the end of the quiz")
        question = self.question(index)
        if question is None:
            raise SessionError("this step is not a question")
        code = question.rules.answer_text(question)  # code: its lines, on one line
        answer = question.expected_text if code is None else "; ".join(code.split("\n"))
        return Reveal(answer, explain(question))

    def revealed(self, index: int | None = None) -> Reveal | None:
        """The answer to show with a lesson's question that was revealed, else None."""
        index = self.question_index if index is None else index
        if self.mode == "quiz" or index is None or self.records[index].status != REVEALED:
            return None
        return self.solution(index)

    def reveal(self, index: int | None = None) -> Reveal:
        """The answer and how it comes about; the question then earns nothing."""
        shown = self.solution(index)
        at = self.question_index if index is None else index
        assert at is not None  # `solution` found the question
        record = self.records[at]
        if not record.settled:
            record.status = REVEALED
            record.points = 0.0
        return shown

    def derivation_reveals(self, node: str, wrt: str, index: int | None = None) -> bool:
        """Whether the derivation of d ``node`` / d ``wrt`` would give the answer of open
        question ``index`` (default: the current one): it is the asked local derivative,
        or its value at these numbers is the asked value (dL/dd when L = d * f uses d
        directly)."""
        question = self.question(index)
        if question is None or self.graph is None or self.records[question.index].settled:
            return False
        if question.ask.spec.edge and (question.node, question.wrt) == (node, wrt):
            return True
        try:  # the value the derivation ends with
            value = local(self.graph, node, wrt)
        except (ArithmeticError, ValueError, KeyError):
            return False
        return question.shows(value)

    def derivation_gives_away(self, node: str, wrt: str) -> int | None:
        """The open question whose answer the derivation of d ``node`` / d ``wrt`` would
        give (`derivation_reveals`): the current one, else one further on that the
        student has already reached, so that stepping back to an earlier step that
        shows it is no way round a reveal. None: seeing it here is free (on the way
        to a question, before reaching it, a lesson's derivation step teaches)."""
        if self.derivation_reveals(node, wrt):
            return self.question_index
        for position in range(self.position + 1, self.reached + 1):
            index = self._question_of_step.get(position)
            if index is not None and self.derivation_reveals(node, wrt, index):
                return index
        return None

    def see_derivation(self, node: str, wrt: str) -> bool:
        """The derivation of d ``node`` / d ``wrt`` is shown. If it gives an open
        question's answer (`derivation_gives_away`), that is a reveal of that question
        (it earns nothing): True then."""
        index = self.derivation_gives_away(node, wrt)
        if index is None:
            return False
        self.reveal(index)
        return True

    def skip(self) -> None:
        """Give up on the current question (it earns nothing) and move on."""
        _, record = self._current()
        if not record.settled:
            record.status = SKIPPED
        self.next()

    def _current(self) -> tuple[Question, Record]:
        question = self.question()
        if question is None:
            raise SessionError("this step is not a question")
        return question, self.records[question.index]

    # -- what the screen shows (read only) -------------------------------------------

    def next_open_question(self) -> int | None:
        """The first open question after the current one, going round; None if all
        are settled (a quiz goes on to it after each answer)."""
        start = self.question_index
        start = -1 if start is None else start
        count = len(self.records)
        order = [*range(start + 1, count), *range(start + 1)]
        return next((i for i in order if not self.records[i].settled), None)

    def hidden_values(self) -> set[str]:
        """Nodes whose value the graph must not show: the answers of value questions
        still open (in a quiz, all of them: the verdicts wait for the end)."""
        return {
            ask.node
            for ask, record in zip(self.lesson.questions, self.records, strict=True)
            if ask.node is not None
            and ask.spec.node_value
            and (self.mode == "quiz" or record.status == OPEN)
        }

    @property
    def shown_earned(self) -> set[str]:
        """Gradients the graph shows: those earned, none during a quiz."""
        return set() if self.mode == "quiz" else self.earned

    def derivable_edges(self) -> list[Edge]:
        """The edges whose local derivative this step can derive: a derivation step's,
        a local question's, or the edges into a gradient question's node (a lesson's)."""
        step = self.step
        if self.graph is None:
            return []
        if isinstance(step, DerivationShow):
            return [Edge(step.node, step.wrt)]
        if not isinstance(step, Ask) or self.mode == "quiz":
            return []
        question = self.question()
        return [] if question is None else [Edge(node, wrt) for node, wrt in question.edges]

    def plot(self) -> PlotData:
        """The curve of a plot step (ValueError: it cannot be drawn, and why)."""
        step = self.step
        if not isinstance(step, PlotShow) or self.graph is None:
            raise SessionError("this step is not a plot")
        low, high = step.range
        return plot_data(self.graph, step.node, low, high, step.h)

    @staticmethod
    def hint_cost() -> str:
        """What a hint costs, in words: ``Each hint costs a quarter of this question's points.``"""
        cost = Fraction(HINT_COST).limit_denominator(100)
        words = FRACTION_WORDS.get(cost, numbers.percent(float(cost)))
        return f"Each hint costs {words} of this question's points."

    # -- how it is going -----------------------------------------------------------

    @property
    def settled(self) -> int:
        """How many questions are settled."""
        return sum(r.settled for r in self.records)

    @property
    def percent(self) -> float:
        """The score as a percentage of the total (100 when there is nothing to score)."""
        return 100 * self.score / self.total if self.total else 100.0

    @property
    def score(self) -> float:
        return sum(r.points for r in self.records)

    @property
    def total(self) -> float:
        return sum(a.points for a in self.lesson.questions)

    @property
    def passed(self) -> bool:
        return passes(self.score, self.total, self.lesson.pass_mark)

    @property
    def answered(self) -> int:
        return sum(r.status == CORRECT for r in self.records)

    @property
    def finished(self) -> bool:
        return all(r.settled for r in self.records)

    @property
    def earned(self) -> set[str]:
        """Nodes whose gradient the student has found (or had revealed)."""
        return self._earned_before | {
            ask.node
            for ask, record in zip(self.lesson.questions, self.records, strict=True)
            # `of = "L1"` found another output's gradient, not the one the graph shows
            if ask.spec.node_grad
            and record.status in (CORRECT, REVEALED)
            and ask.node
            and ask.of is None
        }


def quiz_steps(lesson: Lesson) -> tuple[Step, ...]:
    """A quiz's steps: the lesson's questions, and the training views that come before
    one of them (a question on training is read from the curve, as in the lesson; the
    views after the last question teach, and are left out with the lesson's text)."""
    steps = lesson.steps
    last = max((i for i, step in enumerate(steps) if isinstance(step, Ask)), default=-1)
    return tuple(
        step
        for i, step in enumerate(steps)
        if isinstance(step, Ask) or (_is_training(step) and i < last)
    )


def _is_training(step: Step) -> bool:
    return isinstance(step, TrainingShow)
