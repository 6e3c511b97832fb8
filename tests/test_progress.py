"""The progress store's API: answers, positions, quizzes, summaries, resets."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import platformdirs
import pytest

from tutor.progress import ANSWER_COLUMNS, Answer, LessonPosition, ProgressStore, default_path

START = datetime(2026, 11, 26, 12, 45, 1, tzinfo=UTC)


class StepClock:
    """A clock that moves on one second each time it is read."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        now = self.now
        self.now += timedelta(seconds=1)
        return now


@pytest.fixture
def store():
    with ProgressStore.open(clock=StepClock()) as store:
        yield store


def answer(lesson: str = "chain", question: int = 0, verdict: str = "correct", **kw) -> Answer:
    return Answer(lesson, question, 7, "-6", verdict, **kw)


def test_default_path_is_in_tutor_home(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    assert default_path() == tmp_path / "progress.sqlite3"


def test_default_path_without_tutor_home_is_the_user_data_folder(monkeypatch):
    monkeypatch.delenv("TUTOR_HOME")
    assert default_path() == Path(platformdirs.user_data_dir("tutor")) / "progress.sqlite3"


def test_a_new_store_is_saving_in_wal_mode(store):
    assert store.status.saving
    assert store.status.warning is None
    assert store.status.path == default_path()
    with sqlite3.connect(default_path()) as other:
        assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_recorded_answers_come_back_with_every_column(store):
    first = store.record_answer(
        Answer(
            "chain",
            2,
            seed=41,
            text="2*a",
            verdict="incorrect",
            diagnosis="forgot-upstream",
            hints_used=1,
            points=0.5,
            mode="run",
        )
    )
    second = store.record_answer(answer("other"))
    rows = store.answer_rows()
    assert [row["id"] for row in rows] == [first, second]
    assert all(tuple(row) == ANSWER_COLUMNS for row in rows)
    assert rows[0] == {
        "id": first,
        "answered_at": "2026-11-26T12:45:01.000000+00:00",
        "lesson_id": "chain",
        "question_index": 2,
        "seed": 41,
        "answer": "2*a",
        "verdict": "incorrect",
        "diagnosis": "forgot-upstream",
        "hints_used": 1,
        "points": 0.5,
        "mode": "run",
        "quiz_attempt_id": None,
    }
    assert [row["id"] for row in store.answer_rows("other")] == [second]


def test_an_answer_with_an_unknown_verdict_or_mode_is_refused():
    with pytest.raises(ValueError, match="verdict must be one of"):
        answer(verdict="right")
    with pytest.raises(ValueError, match="mode must be one of"):
        answer(mode="exam")


def test_a_new_lesson_has_no_position(store):
    position = store.position("chain")
    assert (position.step, position.done, position.earned) == (0, frozenset(), frozenset())


def test_position_is_kept_across_reopening(store):
    store.set_step("chain", 3)
    store.mark_done("chain", 0)
    store.mark_done("chain", 0)
    store.mark_done("chain", 2)
    store.earn_gradients("chain", ["o", "n"])
    store.earn_gradients("chain", ["n", "x1"])
    store.close()
    with ProgressStore.open() as reopened:
        position = reopened.position("chain")
    assert position.step == 3
    assert position.done == {0, 2}
    assert position.earned == {"o", "n", "x1"}


def test_last_opened_is_the_most_recently_opened_lesson(store):
    assert store.last_opened() is None
    store.open_lesson("a")
    store.open_lesson("b")
    store.set_step("c", 1)
    assert store.last_opened() == "b"
    store.open_lesson("a")
    assert store.last_opened() == "a"


def test_opening_a_lesson_returns_where_the_student_was(store):
    store.set_step("chain", 4)
    store.earn_gradients("chain", ["o"])
    position = store.open_lesson("chain")
    assert (position.step, position.earned) == (4, {"o"})


def test_best_quiz_is_the_highest_fraction_and_the_earliest_of_equals(store):
    results = [(3, 4, True), (1, 2, False), (6, 8, True)]
    ids = [store.start_quiz("chain", seed) for seed in range(len(results))]
    store.start_quiz("chain", 99)  # unfinished: never the best
    for attempt_id, (score, total, passed) in zip(ids, results, strict=True):
        store.finish_quiz(attempt_id, score=score, total=total, passed=passed)
    best = store.best_quiz("chain")
    assert best is not None
    assert (best.id, best.seed, best.score, best.total, best.passed) == (ids[0], 0, 3, 4, True)
    assert best.started_at < best.finished_at
    assert store.best_quiz("other") is None


def test_a_quiz_attempt_is_finished_once(store):
    attempt = store.start_quiz("chain", 1)
    store.finish_quiz(attempt, score=1, total=2, passed=False)
    with pytest.raises(ValueError, match="no unfinished quiz attempt"):
        store.finish_quiz(attempt, score=2, total=2, passed=True)
    with pytest.raises(ValueError, match="no unfinished quiz attempt"):
        store.finish_quiz(attempt + 1, score=2, total=2, passed=True)


def test_an_answer_must_refer_to_an_existing_quiz_attempt(store):
    attempt = store.start_quiz("chain", 1)
    store.record_answer(answer(mode="quiz", quiz_attempt_id=attempt))
    with pytest.raises(sqlite3.IntegrityError):
        store.record_answer(answer(mode="quiz", quiz_attempt_id=attempt + 1))


def test_summaries_give_status_counts_and_best_score(store):
    store.open_lesson("opened")
    for question, verdict in [(0, "incorrect"), (0, "correct"), (1, "revealed"), (2, "correct")]:
        store.record_answer(answer("partly", question, verdict))
    store.mark_done("partly", 0)
    store.mark_done("partly", 1)
    for question in range(2):
        store.record_answer(answer("finished", question))
        store.mark_done("finished", question)
    store.finish_quiz(store.start_quiz("finished", 5), score=2, total=2, passed=True)
    store.start_quiz("finished", 6)

    counts = {"fresh": 3, "opened": 2, "partly": 3, "finished": 2}
    summaries = {s.lesson_id: s for s in store.summaries(counts)}

    assert list(summaries) == list(counts)
    assert summaries["fresh"].status == "not-started"
    assert summaries["opened"].status == "in-progress"
    assert (summaries["partly"].status, summaries["partly"].done) == ("in-progress", 2)
    assert summaries["partly"].correct == 2
    assert asdict(summaries["finished"]) == {
        "lesson_id": "finished",
        "status": "done",
        "questions": 2,
        "done": 2,
        "correct": 2,
        "quiz_attempts": 1,
        "best_score": 2.0,
        "best_total": 2.0,
    }


def test_questions_beyond_the_lessons_count_are_not_counted(store):
    for question in (0, 5):
        store.record_answer(answer("shrunk", question))
        store.mark_done("shrunk", question)
    (summary,) = store.summaries({"shrunk": 2})
    assert (summary.status, summary.done, summary.correct) == ("in-progress", 1, 1)


def fill(store: ProgressStore, lesson: str) -> None:
    store.open_lesson(lesson)
    store.set_step(lesson, 2)
    store.mark_done(lesson, 0)
    store.earn_gradients(lesson, ["o"])
    attempt = store.start_quiz(lesson, 1)
    store.record_answer(answer(lesson, mode="quiz", quiz_attempt_id=attempt))
    store.finish_quiz(attempt, score=1, total=1, passed=True)


def test_reset_lesson_forgets_that_lesson_only(store):
    fill(store, "kept")
    fill(store, "reset")
    store.reset_lesson("reset")
    kept, reset = store.summaries({"kept": 1, "reset": 1})
    assert (kept.status, kept.quiz_attempts) == ("done", 1)
    assert (reset.status, reset.done, reset.quiz_attempts, reset.best_score) == (
        "not-started",
        0,
        0,
        None,
    )
    assert store.position("reset").earned == frozenset()
    assert {row["lesson_id"] for row in store.answer_rows()} == {"kept"}
    assert store.last_opened() == "kept"


def test_reset_all_forgets_everything(store):
    fill(store, "a")
    fill(store, "b")
    store.reset_all()
    assert store.answer_rows() == []
    assert store.last_opened() is None
    assert {s.status for s in store.summaries({"a": 1, "b": 1})} == {"not-started"}
    assert store.position("a") == LessonPosition("a", 0, frozenset(), frozenset())


def test_opening_imports_neither_sympy_nor_textual():
    code = (
        "import sys\n"
        "from tutor.progress import ProgressStore\n"
        "ProgressStore.open().close()\n"
        "print(sorted({'sympy', 'textual'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_store_takes_the_tutors_one_set_of_status_names():
    from typing import get_args

    from tutor import status
    from tutor.progress.models import LessonStatus, StoredVerdict

    assert get_args(StoredVerdict) == status.VERDICTS
    assert get_args(LessonStatus) == status.LESSON_STATUSES
