"""The values the progress store takes and gives back: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from tutor import status

#: A stored answer's verdict: `tutor.status.VERDICTS`, spelled out for the type checker
#: (not `tutor.check.Verdict`, which is a graded answer).
StoredVerdict = Literal["correct", "incorrect", "not-understood", "skipped", "revealed"]
Mode = Literal["lesson", "quiz", "run"]
LessonStatus = Literal["not-started", "in-progress", "done"]

VERDICTS: tuple[StoredVerdict, ...] = status.VERDICTS  # type: ignore[assignment]
MODES: tuple[Mode, ...] = get_args(Mode)


@dataclass(frozen=True)
class Answer:
    """One submitted answer, as the session hands it to the store."""

    lesson_id: str
    question_index: int
    seed: int
    text: str
    verdict: StoredVerdict
    diagnosis: str | None = None
    hints_used: int = 0
    points: float = 0.0
    mode: Mode = "lesson"
    quiz_attempt_id: int | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")


@dataclass(frozen=True)
class LessonPosition:
    """Where the student is in one lesson."""

    lesson_id: str
    step: int
    done: frozenset[int]
    """Indices of the questions the student has finished."""
    earned: frozenset[str]
    """Names of the nodes whose gradient the student has filled in."""


@dataclass(frozen=True)
class QuizAttempt:
    """One quiz attempt; the score fields are None until it is finished."""

    id: int
    lesson_id: str
    seed: int
    started_at: str
    finished_at: str | None
    score: float | None
    total: float | None
    passed: bool | None


@dataclass(frozen=True)
class LessonSummary:
    """One lesson's line in `tutor progress`; `dataclasses.asdict` gives its JSON object."""

    lesson_id: str
    status: LessonStatus
    questions: int
    done: int
    """Questions finished (the "n answered" of an in-progress lesson)."""
    correct: int
    """Questions answered correctly at least once."""
    quiz_attempts: int
    """Finished quiz attempts."""
    best_score: float | None
    best_total: float | None


@dataclass(frozen=True)
class StoreStatus:
    """Whether progress is being saved, and a plain sentence for the UI when it matters."""

    path: Path | None
    """The database file, or None when progress lives in memory only."""
    warning: str | None = None
    moved_aside: Path | None = None
    """Where a damaged database file was moved, if one was."""

    @property
    def saving(self) -> bool:
        return self.path is not None
