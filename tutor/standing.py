"""A lesson's standing from the stored answers: the scoring rules, stdlib only.

`tutor.session.Session` restores an earlier sitting with these rules, and the home
screen reads each lesson's standing with them before its first paint, without
importing the grading code (`tutor.check`) or the lesson model: it needs only the
questions' points and the pass mark. One set of rules, so the course list, the
lesson's header and `tutor progress` agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tutor.status import CORRECT, DONE, IN_PROGRESS, NOT_STARTED, REVEALED, SKIPPED

#: The stored verdicts that settle a question in a lesson, the best first.
SETTLING = (CORRECT, REVEALED, SKIPPED)


@dataclass(frozen=True)
class Standing:
    """How far a student is in a lesson: what the course list and `tutor progress` say."""

    started: bool
    settled: int
    questions: int
    score: float
    total: float
    passed: bool

    @property
    def finished(self) -> bool:
        return self.settled >= self.questions

    @property
    def done(self) -> bool:
        """Every question settled and the pass mark met: all revealed is not done."""
        return self.started and self.finished and self.passed

    @property
    def status(self) -> str:
        if not self.started:
            return NOT_STARTED
        return DONE if self.done else IN_PROGRESS


def settled_history(
    answers: Iterable[Mapping[str, Any]], settled: Iterable[int], questions: int
) -> dict[int, tuple[str, float, int]]:
    """Each question settled in an earlier sitting: index → (status, points, hints used).

    ``answers`` are the stored answers (rows with ``question_index``, ``verdict``,
    ``points``, ``hints_used`` and ``mode``; only the lesson's own count), ``settled``
    the indices of the questions finished then, ``questions`` how many the lesson has
    now. A settled question keeps its best verdict: correct (with its points) before
    revealed before skipped.
    """
    verdicts: dict[int, dict[str, float]] = {}
    hints: dict[int, int] = {}
    for row in answers:
        if row.get("mode", "lesson") != "lesson":
            continue
        index = int(row["question_index"])
        seen = verdicts.setdefault(index, {})
        seen[str(row["verdict"])] = max(
            float(row["points"]),
            seen.get(str(row["verdict"]), 0.0),
        )
        hints[index] = max(hints.get(index, 0), int(row["hints_used"]))
    history: dict[int, tuple[str, float, int]] = {}
    for index in settled:
        if not 0 <= index < questions:
            continue  # the lesson file has changed since
        seen = verdicts.get(index, {})
        status = next((s for s in SETTLING if s in seen), SKIPPED)
        history[index] = (status, seen.get(status, 0.0), hints.get(index, 0))
    return history


def passes(score: float, total: float, pass_mark: float) -> bool:
    """The pass mark (a fraction of the points) is met; a lesson without points passes."""
    return total == 0 or score >= pass_mark * total - 1e-9


def stored_standing(
    store, lesson_id: str, points: Sequence[float], pass_mark: float, started: bool
) -> Standing:
    """A lesson's standing read from the progress ``store`` (read only: the lesson is not
    "opened"); ``points`` are its questions' points, in order."""
    history: dict[int, tuple[str, float, int]] = {}
    if started:
        history = settled_history(
            store.answer_rows(lesson_id), store.position(lesson_id).done, len(points)
        )
    score = sum(p for _, p, _ in history.values())
    total = sum(points)
    return Standing(
        started=started,
        settled=len(history),
        questions=len(points),
        score=score,
        total=total,
        passed=passes(score, total, pass_mark),
    )
