"""Go through a lesson as the app and `tutor run` do, so that "ok" means they work.

`tutor.check.validate` proves the answers right; this proves the lesson can be
*used*: it builds a `Session` (the object the app and `tutor run` drive), visits
every step, prepares every question, draws what the app would draw for it (the
graph with the asked node highlighted, the derivations ctrl+l shows, a plot's
data), takes every hint, grades the expected answer (it must be graded correct)
and reveals it. The lesson is run once as a lesson at the file's numbers, and
as a quiz at the file's numbers and at every variant the checker tried.

Each failure is a `LessonError` at the line of the step where the app would
fail, saying what the app would have done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from tutor.check import Question
from tutor.derivation import Edge, derive
from tutor.lesson import Ask, Graph, GraphError, Lesson, LessonError, Say
from tutor.lesson.plot import plot_data
from tutor.lesson.shows import DerivationShow, GraphShow, PlotShow, TrainingShow
from tutor.numbers import full
from tutor.render import render_text
from tutor.session import Session

MAX_FAILURES = 20

T = TypeVar("T")


class _Failures:
    def __init__(self, lesson: Lesson):
        self.lesson = lesson
        self.found: list[LessonError] = []
        self._seen: set[tuple[int | None, str]] = set()

    def add(self, line: int | None, message: str, key: str | None = None) -> None:
        """Report once per ``key`` (default: the message): the same failure at the
        lesson and at the quiz, or at several variants, is one problem."""
        key = key or message
        if (line, key) not in self._seen and len(self.found) < MAX_FAILURES:
            self._seen.add((line, key))
            self.found.append(LessonError(str(self.lesson.path), line, message))

    def attempt(self, line: int | None, what: str, seed: int, action: Callable[..., T]) -> T | None:
        """Run ``action``; a failure becomes an error saying what the app would do."""
        try:
            return action()
        except Exception as exc:
            self.add(line, f"{what} fails at {_where(seed)}: {_describe(exc)}", key=what)
            return None


def rehearse(
    lesson: Lesson, seeds: Iterable[int] = (), graphs: Iterable[Graph] = ()
) -> list[LessonError]:
    """Every way the app or `tutor run` would fail on ``lesson``: as a lesson at the
    file's numbers, and as a quiz at seed 0 and each of ``seeds``.

    ``graphs`` are the lesson's graphs at some of these seeds, as `lesson_graph`
    built them for the checker: a session at the same seed uses the same one
    rather than building it again (its exact gradients cost SymPy a while).
    """
    failures = _Failures(lesson)
    if not lesson.has_graph:
        session = failures.attempt(None, "opening the lesson", 0, lambda: Session(lesson))
        if session is not None:
            _lesson_mode(session, failures)
        return failures.found
    built = {g.seed: g for g in graphs}
    session = _open(lesson, 0, "lesson", failures, built.get(0))
    if session is not None:
        _lesson_mode(session, failures)
    for seed in dict.fromkeys([0, *seeds]):
        _quiz_mode_at(lesson, seed, failures, built.get(seed))
    return failures.found


def rehearse_quiz(lesson: Lesson, seed: int, graph: Graph | None = None) -> list[LessonError]:
    """The quiz at ``seed`` only, as the app is about to show it."""
    failures = _Failures(lesson)
    if lesson.has_graph:
        _quiz_mode_at(lesson, seed, failures, graph)
    return failures.found


def _open(
    lesson: Lesson, seed: int, mode: str, failures: _Failures, graph: Graph | None = None
) -> Session | None:
    try:
        session = Session(lesson, seed=seed, mode=mode)
    except GraphError as exc:
        line = lesson.line_of(exc.name) if exc.name else lesson.graph_line
        failures.add(line, f"opening the {mode} at seed {seed} fails: {exc}")
        return None
    except Exception as exc:
        failures.add(None, f"opening the {mode} at seed {seed} fails: {_describe(exc)}")
        return None
    if graph is not None and graph.seed == seed and _same_numbers(graph, session.graph):
        session.graph = graph  # the same numbers, with SymPy's work already done
    return session


def _graph(session: Session) -> Graph:
    """The session's graph: a step that draws, derives, plots or trains has one."""
    if session.graph is None:
        raise ValueError("the lesson has no graph")
    return session.graph


def _same_numbers(one: Graph, other: Graph | None) -> bool:
    return other is not None and one.values() == other.values()


def _lesson_mode(session: Session, failures: _Failures) -> None:
    """Every step, in order, as the lesson screen shows it."""
    for position, step in enumerate(session.steps):
        session.goto(position)
        line = step.line
        label = f"step {position + 1}"
        failures.attempt(line, f"{label}: its text", 0, session.text)
        match step:
            case Say():
                continue
            case GraphShow():
                failures.attempt(line, f"{label}: drawing the graph", 0, lambda: _draw(session))
            case DerivationShow(node=node, wrt=wrt):
                edge = Edge(node, wrt)
                failures.attempt(
                    line, f"{label}: the derivation", 0, lambda e=edge: derive(_graph(session), e)
                )
            case PlotShow(node=node, range=(low, high), h=h):
                failures.attempt(
                    line,
                    f"{label}: the plot",
                    0,
                    lambda n=node, lo=low, hi=high, hh=h: plot_data(_graph(session), n, lo, hi, hh),
                )
            case TrainingShow():
                failures.attempt(
                    line, f"{label}: the training view", 0, lambda s=step: _train(session, s)
                )
            case Ask():
                index = session.question_index
                assert index is not None  # the step is a question
                _question(session, step, f"question {index + 1}", 0, failures, lesson_mode=True)


def _train(session: Session, show: TrainingShow) -> None:
    """What the training view does when it opens and steps: build each trainer, step it."""
    from tutor.engine import EngineError
    from tutor.lesson.training import trainers

    for trainer in trainers(session.lesson, _graph(session), show):
        # A rate too large overflows: the view says why it stopped, as it should.
        with contextlib.suppress(EngineError):
            trainer.step()


def _quiz_mode_at(
    lesson: Lesson, seed: int, failures: _Failures, graph: Graph | None = None
) -> None:
    """The quiz at ``seed``, as the app's quiz and `tutor run` go through it."""
    session = _open(lesson, seed, "quiz", failures, graph)
    if session is None:
        return
    for index, ask in enumerate(lesson.questions):
        session.approach_question(index)
        if isinstance(session.step, TrainingShow):  # the training views the question is read from
            for position in range(session.position, session.position_of(index)):
                view = session.steps[position]
                failures.attempt(
                    view.line,
                    f"question {index + 1}: the training view before it",
                    seed,
                    lambda v=view: _train(session, v),
                )
        session.goto_question(index)
        _question(session, ask, f"question {index + 1}", seed, failures, lesson_mode=False)
    for index, ask in enumerate(lesson.questions):  # the results screen reveals them all
        failures.attempt(
            ask.line,
            f"question {index + 1}: the quiz results",
            seed,
            lambda i=index: session.reveal(i),
        )
        if ask.spec.edge:  # and derives each local derivative at the quiz's numbers
            failures.attempt(
                ask.line,
                f"question {index + 1}: the derivation on the quiz results",
                seed,
                lambda a=ask: derive(_graph(session), Edge(a.node, a.wrt)).text(),
            )


def _question(
    session: Session, ask: Ask, label: str, seed: int, failures: _Failures, lesson_mode: bool
) -> None:
    line = ask.line
    question: Question | None = failures.attempt(
        line, f"{label}: preparing the question", seed, session.question
    )
    if question is None:
        return
    failures.attempt(line, f"{label}: the prompt", seed, lambda: question.prompt)
    failures.attempt(line, f"{label}: the hints", seed, lambda: question.hints)
    if seed == 0:  # the picture's shape does not depend on the numbers
        failures.attempt(
            line, f"{label}: drawing the graph for it", seed, lambda: _draw(session, ask)
        )
    if lesson_mode:
        for edge in (
            failures.attempt(line, f"{label}: its edges", seed, lambda: _edges(question)) or ()
        ):
            failures.attempt(
                line,
                f"{label}: the derivation of {edge.symbol} (ctrl+l)",
                seed,
                lambda e=edge: derive(_graph(session), e),
            )
        failures.attempt(line, f"{label}: taking the hints", seed, lambda: _take_hints(session))
    answer = failures.attempt(line, f"{label}: its answer", seed, lambda: _answer(question))
    if answer is None:
        return
    verdict = failures.attempt(line, f"{label}: grading", seed, lambda: session.submit(answer))
    if verdict is not None and not verdict.correct:
        failures.add(
            line,
            f"{label}: the expected answer `{answer}` is graded {verdict.status} at "
            f"{_where(seed)} ({verdict.feedback}); a student could not answer this question",
            key=f"{label}: graded",
        )
    if lesson_mode:
        failures.attempt(line, f"{label}: revealing the answer", seed, session.reveal)
    failures.attempt(
        line, f"{label}: the answer `tutor run` reports", seed, lambda: question.expected_answer
    )


def _draw(session: Session, ask: Ask | None = None) -> None:
    """The graph as the app's graph panel draws it: the asked node highlighted."""
    graph = _graph(session)
    node = graph.nodes.get(ask.node) if ask is not None and ask.node else None
    highlight = node if node is not None and node.label else None
    render_text(graph.output, show_grad=lambda v: v.label in session.earned, highlight=highlight)


def _edges(question: Question) -> list[Edge]:
    """The edges ctrl+l derives for a question, as the lesson screen finds them."""
    return [Edge(node, wrt) for node, wrt in question.edges]


def _take_hints(session: Session) -> None:
    while session.hint() is not None:
        pass


def _answer(question: Question) -> str:
    """What a student who knows the answer types: the number, or for a question
    that wants an expression, the formula."""
    text = question.rules.answer_text(question)
    if text is not None:  # code: the lecture's body
        return text
    if question.form == "expression" and not question.is_constant:
        from tutor.symbolic import show

        return show(question.formula)
    return full(question.expected)


def _where(seed: int) -> str:
    return "the file's numbers" if seed == 0 else f"quiz variant {seed}"


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return (
        f"{type(exc).__name__}: {text}"
        if not isinstance(exc, ValueError | ArithmeticError)
        else text
    )
