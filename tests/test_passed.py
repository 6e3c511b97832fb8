"""Passed checks remembered (`tutor.runtime.passed`): keyed by the lesson as loaded,
its variant and the code; only a cache, so nothing can make a lesson pass that did not."""

from __future__ import annotations

import dataclasses
import os

import pytest
from conftest import TINY_LESSON

from tutor.lesson import load_lesson
from tutor.runtime import passed


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON)
    return load_lesson(path)


def test_a_pass_is_remembered_for_that_lesson_only(tiny, tmp_path):
    assert not passed.passed(tiny)
    passed.remember(tiny)
    assert passed.passed(tiny)
    other = tmp_path / "other.toml"
    other.write_text(TINY_LESSON.replace("a = 2.0", "a = 2.5"))
    assert not passed.passed(load_lesson(other))  # one number changed: checked again
    assert not passed.passed(dataclasses.replace(tiny, title="Tiny!"))


def test_quizzes_share_an_entry_only_where_every_seed_draws_the_same_numbers(tiny, tmp_path):
    passed.remember(tiny, 11)  # no vary: every quiz is on the file's numbers
    assert passed.passed(tiny, 12) and not passed.passed(tiny, 0)
    varied = tmp_path / "varied.toml"
    varied.write_text(TINY_LESSON + "\n[vary]\na = { min = 1.0, max = 5.0, step = 0.5 }\n")
    lesson = load_lesson(varied)
    passed.remember(lesson, 11)  # fresh numbers: never met again, not kept
    assert not passed.passed(lesson, 11)


def test_another_version_of_the_code_checks_again_and_its_entries_go(tiny, monkeypatch):
    passed.remember(tiny)
    old = passed.folder() / passed.code_fingerprint()
    monkeypatch.setattr(passed, "_fingerprint", "f" * 32)
    assert not passed.passed(tiny)
    passed.remember(tiny)
    assert passed.passed(tiny) and not old.exists()


def test_the_folder_is_bounded(tiny, monkeypatch):
    monkeypatch.setattr(passed, "MAX_ENTRIES", 3)
    here = passed.folder() / passed.code_fingerprint()
    passed.remember(dataclasses.replace(tiny, title="first"))  # makes the marked folder
    for name in "abc":
        (here / (name * 64)).touch()
    (here / "notes.txt").write_text("mine")  # not the cache's: kept
    passed.remember(tiny)
    assert sorted(p.name for p in here.iterdir()) == sorted(
        [passed.MARKER, passed.key(tiny), "notes.txt"]
    )


def test_an_unwritable_or_unusable_folder_only_means_checking_again(tiny, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("TUTOR_HOME", str(blocker))  # checks/ would be under a file
    passed.remember(tiny)  # no error
    assert not passed.passed(tiny)


def test_other_folders_beside_the_entries_are_left_alone(tiny, monkeypatch):
    root = passed.folder()
    mine = root / "notes"
    mine.mkdir(parents=True)
    passed.remember(tiny)
    assert mine.is_dir()


def test_the_code_fingerprint_reads_the_tutors_sources():
    fingerprint = passed.code_fingerprint()
    assert len(fingerprint) == 32 and set(fingerprint) <= set("0123456789abcdef")
    assert os.environ["TUTOR_HOME"] in str(passed.folder())
