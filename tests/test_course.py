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


def test_a_hint_on_a_question_read_from_a_training_view_names_ctrl_o():
    # ctrl+o opens the view a question is read from, as it was left, in a lesson and
    # a quiz alike; "step back with ctrl+b" took a step, not always to the view
    import re

    from tutor.tui import keys

    course = load_course(bundled_lessons())
    named = set(
        re.findall(
            r"ctrl\+[a-z]", " ".join(vars(keys).get(k, "") for k in dir(keys) if k.isupper())
        )
    )
    found = 0
    for lesson in course.lessons:
        session = Session(lesson)
        for index in range(len(lesson.questions)):
            question = session.question(index)
            text = " ".join(question.hints)
            for key in re.findall(r"ctrl\+[a-z]", text):
                assert key in named, f"{lesson.id} question {index + 1}: {key} is bound to nothing"
            if "open the view" in text:
                found += 1
                assert keys.TRAINING in text, f"{lesson.id} question {index + 1}: {text}"
    assert found >= 2
