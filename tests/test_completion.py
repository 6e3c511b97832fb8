"""Honest completion: a lesson is done when every question is settled and its pass
mark is met; skipped and unreadable answers are stored the same way everywhere."""

from __future__ import annotations

import asyncio
import json

from textual.widgets import OptionList

from tutor.cli import main
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import ProgressStore
from tutor.runtime.recorder import Recorder, standing
from tutor.session import NO_ANSWER, Session
from tutor.tui.app import create_app

COURSE = load_course(bundled_lessons())
LOCAL = COURSE.find("local-derivatives")  # lesson 4: seven questions


def reveal_all(store: ProgressStore, lesson) -> None:
    recorder = Recorder.lesson(store, lesson)
    session = recorder.session
    for index in range(len(lesson.questions)):
        session.goto_question(index)
        session.reveal()
        recorder.revealed(index)


def answer_all(store: ProgressStore, lesson) -> None:
    recorder = Recorder.lesson(store, lesson)
    session = recorder.session
    for index in range(len(lesson.questions)):
        session.goto_question(index)
        question = session.question()
        text = str(question.formula) if question.form == "expression" else question.expected_text
        recorder.answered(index, session.submit(text))


def test_a_session_where_every_question_was_revealed_or_skipped_is_not_done():
    session = Session(LOCAL)
    for index in range(len(LOCAL.questions)):
        session.goto_question(index)
        session.reveal() if index % 2 else session.skip()
    now = session.standing()
    assert now.finished and not now.passed and not now.done
    assert now.status == "in-progress" and now.score == 0


def test_a_lesson_all_revealed_is_finished_below_its_pass_mark(tmp_path):
    with ProgressStore.open(tmp_path / "p.sqlite3") as store:
        reveal_all(store, LOCAL)
        now = standing(store, LOCAL, started=True)
        assert now.finished and not now.done and (now.score, now.total) == (0, 7)
        answer_all(store, COURSE.find("chain-rule"))
        done = standing(store, COURSE.find("chain-rule"), started=True)
        assert done.done and done.score == done.total


def test_the_home_screen_shows_the_score_and_the_pass_mark(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    with ProgressStore.open() as store:
        reveal_all(store, LOCAL)
        answer_all(store, COURSE.find("chain-rule"))

    async def run() -> list[str]:
        app = create_app(bundled_lessons())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            option_list = app.screen.query_one(OptionList)
            return [
                str(option_list.get_option_at_index(i).prompt)
                for i in range(option_list.option_count)
            ]

    lines = asyncio.run(run())
    local = next(line for line in lines if LOCAL.title in line)
    chain = next(line for line in lines if "chain rule" in line.lower())
    assert "✘ 0/7 below 70%" in local and "done" not in local
    assert "✔ done 8/8" in chain


def test_tutor_progress_says_the_same(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    with ProgressStore.open() as store:
        reveal_all(store, LOCAL)
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "finished, 0 of 7 points: below the pass mark (70%)" in out
    assert main(["progress", "--json"]) == 0
    (local,) = [s for s in json.loads(capsys.readouterr().out) if s["lesson_id"] == LOCAL.id]
    assert (local["status"], local["score"], local["total"], local["passed"]) == (
        "in-progress",
        0,
        7,
        False,
    )


def test_a_skip_is_stored_alike_by_the_app_and_by_tutor_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    lesson = COURSE.find("manual-backprop")
    with ProgressStore.open() as store:
        recorder = Recorder.lesson(store, lesson)
        recorder.session.goto_question(0)
        recorder.session.skip()
        recorder.skipped(0)
    answers = tmp_path / "a.answers"
    answers.write_text("-\n")
    assert main(["run", lesson.id, "--answers", str(answers), "--record"]) == 0
    capsys.readouterr()
    with ProgressStore.open() as store:
        rows = [r for r in store.answer_rows(lesson.id) if r["question_index"] == 0]
    assert {(r["mode"], r["verdict"], r["answer"]) for r in rows} == {
        ("lesson", "skipped", NO_ANSWER),
        ("run", "skipped", NO_ANSWER),
    }


def test_an_unreadable_answer_is_stored_with_its_text(tmp_path):
    with ProgressStore.open(tmp_path / "p.sqlite3") as store:
        recorder = Recorder.lesson(store, LOCAL)
        session = recorder.session
        session.goto_question(0)  # dd/dc, where d - 10 is negative
        for text in ("log(d - 10)", "2 +", "1/0*d"):
            verdict = session.submit(text)
            assert not verdict.understood, text
            recorder.answered(0, verdict)
        rows = store.answer_rows(LOCAL.id)
    assert [(r["answer"], r["verdict"]) for r in rows] == [
        ("log(d - 10)", "not-understood"),
        ("2 +", "not-understood"),
        ("1/0*d", "not-understood"),
    ]
