"""The bundled course: every lesson scores 100% with its answers file, its typical
wrong answers get the intended diagnosis, and the whole course passes `tutor check`."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tutor.check import grade
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import Session

ANSWERS = Path(__file__).parent / "answers"
COURSE = load_course(bundled_lessons())
IDS = [lesson.id for lesson in COURSE.lessons]


def test_the_course_loads_without_errors():
    assert COURSE.errors == []
    assert len(COURSE.lessons) >= 10


@pytest.mark.parametrize("lesson_id", IDS)
def test_answers_file_scores_full_marks(lesson_id):
    from tutor.cli import read_answers

    lesson = COURSE.find(lesson_id)
    answers = read_answers(ANSWERS / f"{lesson_id}.answers")
    assert len(answers) == len(lesson.questions)
    session = Session(lesson, mode="quiz")
    for index, answer in enumerate(answers):
        session.goto_question(index)
        verdict = session.submit(answer)
        assert verdict.correct, (index + 1, answer, verdict.feedback)
    assert session.score == session.total


@pytest.mark.parametrize("lesson_id", IDS)
def test_typical_wrong_answers_get_their_diagnosis(lesson_id):
    lesson = COURSE.find(lesson_id)
    with open(ANSWERS / f"{lesson_id}.wrong.toml", "rb") as file:
        cases = tomllib.load(file)["case"]
    assert cases
    session = Session(lesson)
    for case in cases:
        verdict = grade(session.question(case["question"] - 1), case["answer"])
        assert not verdict.correct, case
        assert verdict.diagnosis == case.get("diagnosis"), (case, verdict.feedback)


def test_the_course_passes_tutor_check(capsys):
    from tutor.cli import main

    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.count("three sources agree") == len(COURSE.lessons)
    # and every step works as in the app, with no lint to report
    assert out.count("every step works as in the app") == len(COURSE.lessons)
    assert "warning" not in out
