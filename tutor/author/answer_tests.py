"""Answer tests: answers with the verdict they must get, as STACK's question tests.

A lesson carries them in ``[[tests]]`` (`tutor.lesson.model.AnswerTest`); an
answers file for ``tutor run --expect`` writes one after an answer
(``2 => wrong: wrong-sign``). `tutor check` runs a lesson's tests and reports a
failing one at its ``PATH:LINE``; ``tutor run --expect`` exits 1 when a verdict
differs from what the answers file or the lesson's tests expect, so a course
can test itself in CI.

An expectation is ``right``, ``wrong`` or ``not-understood``; ``wrong`` may name
the diagnosis the answer must get: a mistake id (``wrong-sign``,
``swapped-operand``, as `tutor run --json` reports them) or a piece of the
feedback's words (matched ignoring case).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tutor.check.grade import Verdict, grade
from tutor.lesson import Graph, GraphError, Lesson, LessonError
from tutor.lesson.model import EXPECTS, AnswerTest
from tutor.status import CORRECT, INCORRECT, NOT_UNDERSTOOD

#: The separator between an answer and its expectation on an answers file's line:
#: never part of an answer (an expression has no `=` and no `>`).
ARROW = "=>"

#: A verdict's status in an expectation's words.
WORDS = {CORRECT: "right", INCORRECT: "wrong", NOT_UNDERSTOOD: "not-understood"}


@dataclass(frozen=True, slots=True)
class Expectation:
    """What an answer must be graded: a key of `EXPECTS`, and a diagnosis for ``wrong``."""

    expect: str
    diagnosis: str | None = None

    def __str__(self) -> str:
        return f"{self.expect} ({self.diagnosis})" if self.diagnosis else self.expect


def parse_expectation(text: str) -> Expectation:
    """``right``, ``wrong``, ``wrong: DIAGNOSIS`` or ``not-understood``; a ValueError
    saying what is allowed otherwise."""
    word, colon, diagnosis = text.strip().partition(":")
    word, diagnosis = word.strip().lower(), diagnosis.strip()
    if word not in EXPECTS:
        choices = ", ".join(EXPECTS)
        raise ValueError(f"`{text.strip()}` is no expectation: write {choices} or wrong: DIAGNOSIS")
    if colon and not diagnosis:
        raise ValueError("a diagnosis after `:` is missing: wrong: wrong-sign")
    if diagnosis and word != "wrong":
        raise ValueError(f"a diagnosis names the mistake of a wrong answer, not of a {word} one")
    return Expectation(word, diagnosis or None)


def unmet(expectation: Expectation, verdict: Verdict) -> str | None:
    """How ``verdict`` differs from ``expectation``, in words; None when it meets it."""
    got = WORDS.get(verdict.status, verdict.status)
    if EXPECTS[expectation.expect] != verdict.status:
        return f"expected {expectation}, graded {got}: {_one_line(verdict.feedback)}"
    wanted = expectation.diagnosis
    if wanted and not (
        verdict.diagnosis == wanted or wanted.casefold() in verdict.feedback.casefold()
    ):
        which = f"diagnosed {verdict.diagnosis}" if verdict.diagnosis else "with no diagnosis"
        return f"expected {expectation}, graded wrong {which}: {_one_line(verdict.feedback)}"
    return None


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_tests(
    lesson: Lesson, graphs: Iterable[Graph] = (), seed: int | None = None
) -> list[LessonError]:
    """The lesson's answer tests that fail, each at its line (only those at quiz
    variant ``seed``, if given). ``graphs`` are graphs already built at some seeds
    (the checker's), used rather than built again."""
    from tutor.session import Session

    built = {g.seed: g for g in graphs}
    sessions: dict[int, Session | None] = {}
    failures: list[LessonError] = []
    path = str(lesson.path)
    for number, test in enumerate(lesson.tests, start=1):
        if seed is not None and test.seed != seed:
            continue
        label = _label(number, test)
        if test.seed not in sessions:
            try:
                session = Session(lesson, seed=test.seed, mode="quiz")
            except GraphError as exc:
                failures.append(LessonError(path, test.line, f"{label}: {exc}"))
                sessions[test.seed] = None
                continue
            graph = built.get(test.seed)
            if (
                graph is not None
                and session.graph is not None
                and graph.values() == session.graph.values()
            ):
                session.graph = graph  # the same numbers, with SymPy's work done
            sessions[test.seed] = session
        ready = sessions[test.seed]
        if ready is None:
            continue
        problem = grade_test(ready, test)
        if problem:
            failures.append(LessonError(path, test.line, f"{label}: {problem}"))
    return failures


def grade_test(session, test: AnswerTest) -> str | None:
    """Grade one test's answer in ``session`` (left as it was); what is wrong, or None."""
    question = session.question(test.question)
    verdict = grade(question, test.answer)
    return unmet(Expectation(test.expect, test.diagnosis), verdict)


def _label(number: int, test: AnswerTest) -> str:
    at = f", quiz variant {test.seed}" if test.seed else ""
    return f"test {number} (question {test.question + 1}, answer `{test.answer}`{at})"
