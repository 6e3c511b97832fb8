"""The app's link to the progress store: what is written as the student works, and
what comes back when a lesson is opened again (no Textual here)."""

from __future__ import annotations

import sqlite3

import pytest

from tutor.lesson import load_lesson_text
from tutor.progress import ProgressStore
from tutor.runtime.recorder import Recorder
from tutor.session import CORRECT, REVEALED, SKIPPED

LESSON = """
format = 1
id = "t"
title = "Tracked"
graph = \"\"\"
a = 2.0
b = -3.0
e = a * b
f = -2.0
L = e * f
\"\"\"
[vary]
a = { choices = [1, 2, 3] }

[[steps]]
say = "e is {e}."
[[steps]]
ask = "grad"
node = "e"
[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "grad"
node = "b"
[[steps]]
say = "Done."
"""


@pytest.fixture
def lesson():
    return load_lesson_text(LESSON)


@pytest.fixture
def store(tmp_path):
    with ProgressStore.open(tmp_path / "progress.sqlite3") as store:
        yield store


def test_every_answer_is_written_as_given(store, lesson):
    recorder = Recorder.lesson(store, lesson)
    session = recorder.session
    session.goto_question(0)
    for text in ("5", "2 +", "-2"):
        recorder.answered(0, session.submit(text))
    rows = store.answer_rows("t")
    assert [(r["answer"], r["verdict"]) for r in rows] == [
        ("5", "incorrect"),
        ("2 +", "not-understood"),
        ("-2", "correct"),
    ]
    assert rows[-1]["points"] == 1.0 and rows[-1]["mode"] == "lesson"
    assert store.position("t").done == {0}
    assert store.position("t").earned == {"e"}


def test_reopening_restores_the_step_settled_questions_and_gradients(store, lesson):
    first = Recorder.lesson(store, lesson)
    s = first.session
    s.goto_question(0)
    s.hint()
    first.answered(0, s.submit("-2"))
    s.goto_question(1)
    s.reveal()
    first.revealed(1)
    s.goto_question(2)
    first.skipped(2)
    s.skip()
    first.moved()

    again = Recorder.lesson(store, lesson)
    records = again.session.records
    assert [r.status for r in records] == [CORRECT, REVEALED, SKIPPED]
    assert records[0].points == 0.75 and records[0].hints_used == 1
    assert again.session.position == s.position
    assert again.earned == {"e", "a"}
    assert again.session.answered == 1


def test_a_lesson_that_lost_questions_since_is_still_restored(store, lesson):
    store.mark_done("t", 7)
    store.set_step("t", 99)
    recorder = Recorder.lesson(store, lesson)
    assert recorder.session.position == len(lesson.steps) - 1


def test_a_quiz_is_an_attempt_with_its_seed_and_score(store, lesson):
    recorder = Recorder.quiz(store, lesson, seed=5)
    session = recorder.session
    for index in range(3):
        session.goto_question(index)
        recorder.answered(index, session.submit(session.question().expected_text))
    recorder.finish_quiz()
    best = store.best_quiz("t")
    assert best.seed == 5 and best.score == 3 and best.passed
    assert {r["mode"] for r in store.answer_rows("t")} == {"quiz"}
    assert store.position("t").done == set()  # a quiz does not finish the lesson's questions


def test_a_store_failing_mid_lesson_becomes_a_warning(store, lesson, monkeypatch):
    recorder = Recorder.lesson(store, lesson)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "record_answer", broken)
    session = recorder.session
    session.goto_question(0)
    recorder.answered(0, session.submit("-2"))
    assert recorder.warning == "Progress is not being saved: disk I/O error."
    assert session.records[0].status == CORRECT  # the lesson goes on
