"""The progress file in odd states: missing pieces, empty, read-only; and an
attempt of ``tutor run --record`` that is all or nothing."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import TINY_LESSON

import tutor.progress.opening as opening
from tutor.cli import main
from tutor.progress import Answer, ProgressStore


def make_store(path: Path) -> None:
    with ProgressStore.open(path) as store:
        store.record_answer(Answer("tiny", 0, 0, "-2", "correct", points=1.0))


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        ("DROP TABLE earned_gradient", "the table earned_gradient is missing"),
        ("ALTER TABLE answer DROP COLUMN diagnosis", "the table answer has no column diagnosis"),
    ],
)
def test_a_missing_table_or_column_is_damage_moved_aside(tmp_path, damage, what):
    path = tmp_path / "progress.sqlite3"
    make_store(path)
    with sqlite3.connect(path) as db:
        db.execute(damage)
    db.close()
    with ProgressStore.open(path) as store:
        assert store.status.saving and store.status.moved_aside is not None
        assert "damaged" in store.status.warning
        store.record_answer(Answer("tiny", 0, 0, "1", "incorrect"))  # the new file works
        assert len(store.answer_rows()) == 1
    assert store.status.moved_aside.exists()
    with ProgressStore.open(path) as again:  # and it stays fixed
        assert again.status.warning is None


def test_an_empty_progress_file_says_so(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"")
    with ProgressStore.open(path) as store:
        assert store.status.saving
        assert store.status.warning == (
            f"The progress file {path} was empty (0 bytes): a new one was started."
        )
    with ProgressStore.open(path) as again:
        assert again.status.warning is None


@pytest.fixture
def read_only(monkeypatch):
    """From its call on, progress files open read-only, as chmod 444 does for a user.

    (Root writes through chmod, so the connection itself is made read-only.)
    """
    connect = sqlite3.connect

    def read_only_connect(target, *args, **kwargs):
        if isinstance(target, Path):
            return connect(f"file:{target}?mode=ro", *args, uri=True, **kwargs)
        return connect(target, *args, **kwargs)

    return lambda: monkeypatch.setattr(opening.sqlite3, "connect", read_only_connect)


def test_a_read_only_progress_file_falls_back_to_memory_and_says_so(tmp_path, read_only):
    path = tmp_path / "progress.sqlite3"
    make_store(path)
    before = path.read_bytes()
    read_only()
    with ProgressStore.open(path) as store:
        assert not store.status.saving
        assert store.status.warning.startswith(f"Progress is not being saved: {path} is read-only")
        assert [r["answer"] for r in store.answer_rows()] == ["-2"]  # the old progress shows
        store.record_answer(Answer("tiny", 1, 0, "3", "correct"))  # kept in memory
        assert len(store.answer_rows()) == 2
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through chmod")
def test_a_chmod_read_only_file_falls_back_to_memory(tmp_path):
    path = tmp_path / "progress.sqlite3"
    make_store(path)
    path.chmod(0o444)
    with ProgressStore.open(path) as store:
        assert not store.status.saving and "read-only" in store.status.warning


LESSON = TINY_LESSON


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "tiny.toml").write_text(LESSON)
    answers = tmp_path / "answers.txt"
    answers.write_text("-3\n2\n")
    return folder, answers


def test_run_record_with_a_read_only_file_keeps_the_results_and_says_so(
    capsys, course, read_only, _isolated_home
):
    folder, answers = course
    make_store(_isolated_home / "progress.sqlite3")
    read_only()
    code = main(["--lessons", str(folder), "run", "tiny", "--answers", str(answers), "--record"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "is read-only" in err and "Score: 2 / 2" in out


def test_run_record_writes_an_attempt_all_or_nothing(capsys, course, monkeypatch, _isolated_home):
    folder, answers = course
    calls = []
    record_answer = ProgressStore.record_answer

    def dies_on_the_second(self, answer):
        calls.append(answer)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return record_answer(self, answer)

    monkeypatch.setattr(ProgressStore, "record_answer", dies_on_the_second)
    code = main(["--lessons", str(folder), "run", "tiny", "--answers", str(answers), "--record"])
    out, err = capsys.readouterr()
    assert code == 0 and "Score: 2 / 2" in out
    assert "the attempt was not recorded: disk I/O error" in err
    with ProgressStore.open() as store:
        assert store.answer_rows() == []  # not the first answer alone
        assert store.best_quiz("tiny") is None
        unfinished = store._conn.execute("SELECT COUNT(*) FROM quiz_attempt").fetchone()[0]
    assert unfinished == 0

    monkeypatch.setattr(ProgressStore, "record_answer", record_answer)
    main(["--lessons", str(folder), "run", "tiny", "--answers", str(answers), "--record"])
    with ProgressStore.open() as store:
        rows = store.answer_rows()
        assert [r["answer"] for r in rows] == ["-3", "2"]
        assert {r["quiz_attempt_id"] for r in rows} == {store.best_quiz("tiny").id}


# The pass cache (tutor.runtime.passed) deletes only what it wrote, and follows no link.


@pytest.fixture
def tiny_lesson(tmp_path):
    from tutor.lesson import load_lesson

    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON)
    return load_lesson(path)


def _victim(tmp_path: Path) -> Path:
    """A folder of the user's that looks like the cache's: 32-hex and UUID names."""
    victim = tmp_path / "victim"
    for name in ("0123456789abcdef0123456789abcdef", "12345678-1234-1234-1234-123456789abc"):
        (victim / name).mkdir(parents=True)
        (victim / name / "precious.txt").write_text("keep me")
    empty_looking = victim / ("f" * 32)  # a cache entry's shape, but no marker
    empty_looking.mkdir()
    (empty_looking / ("e" * 64)).touch()
    return victim


def _intact(victim: Path) -> bool:
    return (
        (victim / "0123456789abcdef0123456789abcdef" / "precious.txt").read_text() == "keep me"
        and (victim / "12345678-1234-1234-1234-123456789abc" / "precious.txt").is_file()
        and (victim / ("f" * 32) / ("e" * 64)).is_file()
    )


def test_a_checks_folder_that_is_a_link_is_not_followed(tiny_lesson, tmp_path, monkeypatch):
    from tutor.runtime import passed

    victim = _victim(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    (home / "checks").symlink_to(victim)
    monkeypatch.setenv("TUTOR_HOME", str(home))
    passed.remember(tiny_lesson)
    assert _intact(victim)
    assert sorted(p.name for p in victim.iterdir()) == sorted(
        ["0123456789abcdef0123456789abcdef", "12345678-1234-1234-1234-123456789abc", "f" * 32]
    )  # nothing written through the link either
    assert not passed.passed(tiny_lesson)  # only means checking again


def test_folders_in_checks_the_cache_did_not_write_are_kept(tiny_lesson, tmp_path, monkeypatch):
    """TUTOR_HOME=$HOME with a ~/checks of the user's own: only marked folders go."""
    from tutor.runtime import passed

    home = tmp_path / "home"
    home.mkdir()
    checks = _victim(home).rename(home / "checks")
    outside = _victim(tmp_path)
    (checks / ("a" * 32)).symlink_to(outside / "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.setattr(passed, "_fingerprint", "b" * 32)  # an older version of the code
    passed.remember(tiny_lesson)
    mixed = checks / ("b" * 32)
    (mixed / "notes.txt").write_text("mine")  # a user's file in a marked folder
    monkeypatch.setattr(passed, "_fingerprint", "c" * 32)
    passed.remember(tiny_lesson)
    monkeypatch.setattr(passed, "_fingerprint", "d" * 32)
    passed.remember(tiny_lesson)  # removes c (the cache's alone), keeps b (not only its)
    assert _intact(checks) and _intact(outside)
    assert (checks / ("a" * 32)).is_symlink()
    assert (mixed / "notes.txt").read_text() == "mine"
    assert not (checks / ("c" * 32)).exists()
    assert passed.passed(tiny_lesson)


def test_an_entry_that_is_a_link_is_neither_followed_nor_taken_for_a_pass(
    tiny_lesson, tmp_path, monkeypatch
):
    from tutor.runtime import passed

    passed.remember(dataclasses.replace(tiny_lesson, title="other"))
    here = passed.folder() / passed.code_fingerprint()
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    (here / passed.key(tiny_lesson)).symlink_to(target)
    assert not passed.passed(tiny_lesson)
    passed.remember(tiny_lesson)  # O_NOFOLLOW: refused, the target untouched
    assert target.read_text() == "keep me"
    # a fingerprint folder that is a link, to a folder made to look marked: not used
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / passed.MARKER).write_bytes(passed._MARK)
    (fake / passed.key(tiny_lesson)).touch()
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "h2"))
    (tmp_path / "h2" / "checks").mkdir(parents=True)
    (tmp_path / "h2" / "checks" / passed.code_fingerprint()).symlink_to(fake)
    assert not passed.passed(tiny_lesson)
