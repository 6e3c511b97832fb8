"""The progress store survives kills, concurrent writers, damaged files and unwritable folders."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tutor.progress import SCHEMA_VERSION, Answer, ProgressStore, default_path

MOMENT = datetime(2026, 11, 26, 12, 45, 1, tzinfo=UTC)
MOVED_NAME = "progress.sqlite3.corrupt-20261126T124501"


def at_moment() -> datetime:
    return MOMENT


def answer(lesson: str, question: int) -> Answer:
    return Answer(lesson, question, 0, str(question), "correct")


def run_python(code: str, *args: str) -> subprocess.Popen[str]:
    """Start `code` in a new interpreter; it inherits TUTOR_HOME from the test."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


RECORD_THEN_HANG = """
import sys, time
from tutor.progress import Answer, ProgressStore
store = ProgressStore.open()
for i in range(int(sys.argv[1])):
    store.record_answer(Answer("killed", i, 0, str(i), "correct"))
print("done", flush=True)
time.sleep(60)
"""


def test_answers_survive_sigkill_right_after_they_are_recorded():
    worker = run_python(RECORD_THEN_HANG, "25")
    try:
        assert worker.stdout.readline() == "done\n"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert worker.returncode == -signal.SIGKILL
    with ProgressStore.open() as store:
        assert store.status.warning is None
        assert [row["question_index"] for row in store.answer_rows("killed")] == list(range(25))


WRITE_WHEN_TOLD = """
import sys
from tutor.progress import Answer, ProgressStore
lesson, count = sys.argv[1], int(sys.argv[2])
store = ProgressStore.open()
if not store.status.saving:
    sys.exit(store.status.warning)
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    store.record_answer(Answer(lesson, i, 0, str(i), "correct"))
    if i % 20 == 0:
        store.earn_gradients(lesson, [f"n{i}"])
store.close()
"""


def test_two_processes_writing_at_once_lose_nothing():
    workers = [run_python(WRITE_WHEN_TOLD, lesson, "200") for lesson in ("left", "right")]
    try:
        assert [w.stdout.readline() for w in workers] == ["ready\n", "ready\n"]
        for w in workers:
            w.stdin.write("go\n")
            w.stdin.flush()
        assert [w.wait(timeout=60) for w in workers] == [0, 0]
    finally:
        for w in workers:
            w.kill()
            w.wait()
    with ProgressStore.open() as store:
        for lesson in ("left", "right"):
            rows = store.answer_rows(lesson)
            assert [row["question_index"] for row in rows] == list(range(200))
            assert len(store.position(lesson).earned) == 10


def database_bytes() -> bytes:
    """The bytes of a real progress database of several pages."""
    with ProgressStore.open() as store:
        for i in range(40):
            store.record_answer(Answer("chain", i, 0, "x" * 1000, "incorrect"))
    data = default_path().read_bytes()
    default_path().unlink()
    return data


@pytest.mark.parametrize(
    "make_bytes",
    [
        pytest.param(lambda: random.Random(7).randbytes(8192), id="random-bytes"),
        pytest.param(lambda: b"my notes, not a database\n" * 40, id="text-file"),
        pytest.param(lambda: database_bytes()[:50], id="truncated-header"),
        pytest.param(lambda: (d := database_bytes())[: len(d) // 2], id="truncated-half"),
        pytest.param(lambda: database_bytes()[:-4096], id="last-page-missing"),
    ],
)
def test_a_damaged_file_is_moved_aside_and_a_new_one_started(make_bytes):
    damaged = make_bytes()
    default_path().write_bytes(damaged)

    with ProgressStore.open(clock=at_moment) as store:
        moved = default_path().with_name(MOVED_NAME)
        assert store.status.moved_aside == moved
        assert store.status.saving
        assert str(moved) in store.status.warning
        assert moved.read_bytes() == damaged
        store.record_answer(answer("chain", 0))

    with ProgressStore.open() as store:
        assert store.status.warning is None
        assert len(store.answer_rows()) == 1


def test_a_second_damaged_file_does_not_overwrite_the_first():
    default_path().write_text("first")
    ProgressStore.open(clock=at_moment).close()
    default_path().write_text("second")
    with ProgressStore.open(clock=at_moment) as store:
        assert store.status.moved_aside == default_path().with_name(MOVED_NAME + "-2")
    assert default_path().with_name(MOVED_NAME).read_text() == "first"
    assert default_path().with_name(MOVED_NAME + "-2").read_text() == "second"


def assert_works_in_memory(store: ProgressStore, reason: str) -> None:
    assert not store.status.saving
    assert store.status.path is None
    assert store.status.warning.startswith("Progress is not being saved: ")
    assert reason in store.status.warning
    store.record_answer(answer("chain", 0))
    store.mark_done("chain", 0)
    assert len(store.answer_rows()) == 1
    assert store.position("chain").done == {0}


def test_a_data_folder_that_cannot_be_created_keeps_progress_in_memory(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TUTOR_HOME", str(blocker / "sub"))
    with ProgressStore.open() as store:
        assert_works_in_memory(store, f"Not a directory: {blocker / 'sub'}")
    assert blocker.read_text() == ""


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes into a read-only folder, so chmod proves nothing"
)
def test_a_read_only_data_folder_keeps_progress_in_memory():
    folder = default_path().parent
    folder.chmod(0o500)
    try:
        with ProgressStore.open() as store:
            assert_works_in_memory(store, "unable to open database file")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def write_future_database(path: Path) -> bytes:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("INSERT INTO future VALUES (1)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    return path.read_bytes()


def test_a_database_from_a_newer_tutor_is_left_alone():
    before = write_future_database(default_path())
    with ProgressStore.open() as store:
        assert_works_in_memory(store, "written by a newer version of tutor")
    assert default_path().read_bytes() == before
    assert store.status.moved_aside is None
