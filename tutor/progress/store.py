"""The progress store: answers, lesson positions, quiz attempts and their summaries.

Every method that changes something has committed it when it returns, so a
crash loses nothing that was recorded. Opening never raises: see `status`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from tutor.progress.models import (
    Answer,
    LessonPosition,
    LessonStatus,
    LessonSummary,
    QuizAttempt,
    StoreStatus,
)
from tutor.progress.opening import Clock, default_path, open_database
from tutor.progress.schema import transaction
from tutor.status import DONE, IN_PROGRESS, NOT_STARTED

ANSWER_COLUMNS = (
    "id",
    "answered_at",
    "lesson_id",
    "question_index",
    "seed",
    "answer",
    "verdict",
    "diagnosis",
    "hints_used",
    "points",
    "mode",
    "quiz_attempt_id",
)
"""The keys of `answer_rows()`, in order: the columns of `tutor progress --csv`."""

_LESSON_TABLES = ("answer", "quiz_attempt", "done_question", "earned_gradient", "lesson_state")
"""Every table keyed by lesson, children before parents (answers refer to quiz attempts)."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ProgressStore:
    """One connection to the progress database (or, failing that, to memory)."""

    def __init__(self, conn: sqlite3.Connection, status: StoreStatus, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock
        self.status = status

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock = _utc_now) -> ProgressStore:
        """Open (creating or upgrading) the database at `path`, default `default_path()`."""
        conn, status = open_database(path or default_path(), clock)
        return cls(conn, status, clock)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Answers

    def record_answer(self, answer: Answer) -> int:
        """Store one submitted answer, stamped with the time; returns its id."""
        cursor = self._conn.execute(
            """INSERT INTO answer (lesson_id, question_index, seed, answer, verdict, diagnosis,
                hints_used, points, mode, quiz_attempt_id, answered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                answer.lesson_id,
                answer.question_index,
                answer.seed,
                answer.text,
                answer.verdict,
                answer.diagnosis,
                answer.hints_used,
                answer.points,
                answer.mode,
                answer.quiz_attempt_id,
                self._now(),
            ),
        )
        rowid = cursor.lastrowid
        assert rowid is not None  # an INSERT sets it
        return rowid

    def answer_rows(self, lesson_id: str | None = None) -> list[dict[str, Any]]:
        """Every answer (of one lesson, if given) in the order given, keyed by ANSWER_COLUMNS."""
        rows = self._conn.execute(
            f"SELECT {', '.join(ANSWER_COLUMNS)} FROM answer"
            " WHERE ?1 IS NULL OR lesson_id = ?1 ORDER BY id",
            (lesson_id,),
        )
        return [dict(zip(ANSWER_COLUMNS, row, strict=True)) for row in rows]

    # Lesson positions

    def open_lesson(self, lesson_id: str) -> LessonPosition:
        """Note that the student opened `lesson_id` now; returns where they were in it."""
        self._conn.execute(
            """INSERT INTO lesson_state (lesson_id, opened_at) VALUES (?1, ?2)
            ON CONFLICT (lesson_id) DO UPDATE SET opened_at = ?2""",
            (lesson_id, self._now()),
        )
        return self.position(lesson_id)

    def last_opened(self) -> str | None:
        """The lesson opened most recently, to offer "continue"; None if none was."""
        row = self._conn.execute(
            "SELECT lesson_id FROM lesson_state WHERE opened_at IS NOT NULL"
            " ORDER BY opened_at DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def position(self, lesson_id: str) -> LessonPosition:
        """Step reached, questions done and gradients earned in `lesson_id`."""
        row = self._conn.execute(
            "SELECT step FROM lesson_state WHERE lesson_id = ?", (lesson_id,)
        ).fetchone()
        return LessonPosition(
            lesson_id=lesson_id,
            step=row[0] if row else 0,
            done=frozenset(self._column("done_question", "question_index", lesson_id)),
            earned=frozenset(self._column("earned_gradient", "node", lesson_id)),
        )

    def set_step(self, lesson_id: str, step: int) -> None:
        """Remember that the student is at `step` of `lesson_id`."""
        self._conn.execute(
            """INSERT INTO lesson_state (lesson_id, step) VALUES (?1, ?2)
            ON CONFLICT (lesson_id) DO UPDATE SET step = ?2""",
            (lesson_id, step),
        )

    def mark_done(self, lesson_id: str, question_index: int) -> None:
        """Remember that question `question_index` of `lesson_id` is finished."""
        self._conn.execute(
            "INSERT OR IGNORE INTO done_question (lesson_id, question_index) VALUES (?, ?)",
            (lesson_id, question_index),
        )

    def earn_gradients(self, lesson_id: str, nodes: Iterable[str]) -> None:
        """Add `nodes` to the gradients the student has earned in `lesson_id`."""
        with transaction(self._conn):
            self._conn.executemany(
                "INSERT OR IGNORE INTO earned_gradient (lesson_id, node) VALUES (?, ?)",
                [(lesson_id, node) for node in nodes],
            )

    # Quizzes

    def start_quiz(self, lesson_id: str, seed: int) -> int:
        """Begin a quiz attempt on the variant `seed` of `lesson_id`; returns its id."""
        cursor = self._conn.execute(
            "INSERT INTO quiz_attempt (lesson_id, seed, started_at) VALUES (?, ?, ?)",
            (lesson_id, seed, self._now()),
        )
        rowid = cursor.lastrowid
        assert rowid is not None  # an INSERT sets it
        return rowid

    def record_attempt(
        self,
        lesson_id: str,
        seed: int,
        answers: Iterable[Answer],
        *,
        score: float,
        total: float,
        passed: bool,
    ) -> int:
        """A whole quiz attempt at once (``tutor run --record``): in one transaction.

        A kill part-way leaves nothing, never an attempt with half its answers
        that looks finished. Each answer's ``quiz_attempt_id`` is set here.
        """
        with transaction(self._conn):
            attempt = self.start_quiz(lesson_id, seed)
            for answer in answers:
                self.record_answer(replace(answer, quiz_attempt_id=attempt))
            self.finish_quiz(attempt, score=score, total=total, passed=passed)
        return attempt

    def finish_quiz(self, attempt_id: int, *, score: float, total: float, passed: bool) -> None:
        """Record the result of an unfinished attempt; ValueError if there is none."""
        cursor = self._conn.execute(
            """UPDATE quiz_attempt SET score = ?, total = ?, passed = ?, finished_at = ?
            WHERE id = ? AND finished_at IS NULL""",
            (score, total, passed, self._now(), attempt_id),
        )
        if cursor.rowcount != 1:
            raise ValueError(f"no unfinished quiz attempt with id {attempt_id}")

    def best_quiz(self, lesson_id: str) -> QuizAttempt | None:
        """The finished attempt with the highest score/total (the earliest of equals)."""
        row = self._conn.execute(
            """SELECT id, lesson_id, seed, started_at, finished_at, score, total, passed
            FROM quiz_attempt WHERE lesson_id = ? AND finished_at IS NOT NULL
            ORDER BY CASE WHEN total > 0 THEN score / total ELSE 0 END DESC, id
            LIMIT 1""",
            (lesson_id,),
        ).fetchone()
        if row is None:
            return None
        id_, lesson, seed, started_at, finished_at, score, total, passed = row
        return QuizAttempt(
            id_, lesson, seed, started_at, finished_at, score, total, passed=bool(passed)
        )

    # Summaries

    def summaries(self, question_counts: Mapping[str, int]) -> list[LessonSummary]:
        """One summary per lesson of `question_counts` (lesson id → number of questions)."""
        return [self._summary(lesson_id, n) for lesson_id, n in question_counts.items()]

    def _summary(self, lesson_id: str, questions: int) -> LessonSummary:
        done = sum(i < questions for i in self.position(lesson_id).done)
        correct = self._conn.execute(
            """SELECT COUNT(DISTINCT question_index) FROM answer
            WHERE lesson_id = ? AND verdict = 'correct' AND question_index < ?""",
            (lesson_id, questions),
        ).fetchone()[0]
        quizzes = self._conn.execute(
            "SELECT COUNT(*) FROM quiz_attempt WHERE lesson_id = ? AND finished_at IS NOT NULL",
            (lesson_id,),
        ).fetchone()[0]
        best = self.best_quiz(lesson_id)
        status: LessonStatus
        if not self._started(lesson_id):
            status = NOT_STARTED
        else:
            status = DONE if done >= questions else IN_PROGRESS
        return LessonSummary(
            lesson_id=lesson_id,
            status=status,
            questions=questions,
            done=done,
            correct=correct,
            quiz_attempts=quizzes,
            best_score=best.score if best else None,
            best_total=best.total if best else None,
        )

    def _started(self, lesson_id: str) -> bool:
        return any(
            self._conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE lesson_id = ?)", (lesson_id,)
            ).fetchone()[0]
            for table in _LESSON_TABLES
        )

    # Reset

    def reset_lesson(self, lesson_id: str) -> None:
        """Forget everything about `lesson_id`: answers, position, gradients, quizzes."""
        with transaction(self._conn):
            for table in _LESSON_TABLES:
                self._conn.execute(f"DELETE FROM {table} WHERE lesson_id = ?", (lesson_id,))

    def reset_all(self) -> None:
        """Forget everything about every lesson."""
        with transaction(self._conn):
            for table in _LESSON_TABLES:
                self._conn.execute(f"DELETE FROM {table}")

    # Helpers

    def _now(self) -> str:
        return self._clock().isoformat(timespec="microseconds")

    def _column(self, table: str, column: str, lesson_id: str) -> list[Any]:
        rows = self._conn.execute(f"SELECT {column} FROM {table} WHERE lesson_id = ?", (lesson_id,))
        return [value for (value,) in rows]
