"""A lesson opens at once; its check runs meanwhile, and nothing is graded or revealed
before it passes (an answer typed meanwhile is kept and graded then). A lesson that
passed before, with this code, opens ready, with no check at all."""

from __future__ import annotations

import contextlib
import time

import pytest
from conftest import TINY_LESSON, HeldChecker, make_app, pilot_test
from tui_pilot import answer, until_lesson

from tutor.runtime import passed
from tutor.runtime.budget import Checker
from tutor.runtime.checker import ChildChecker
from tutor.session import CORRECT, OPEN
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.lesson import HELD, LessonScreen
from tutor.tui.widgets.feedback import Feedback

SIZE = (100, 30)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY_LESSON)
    return tmp_path


def bar_score(screen) -> str:
    return str(screen.query_one("#lesson-score").render())


async def until(pilot, condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


@contextlib.asynccontextmanager
async def opened_checking(folder, monkeypatch, errors=()):
    """The tiny lesson opened while its check (held until released) runs."""
    check = HeldChecker(errors)
    app = make_app(folder, checker=check)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lesson("tiny")
        screen = await until_lesson(pilot, checked=False)
        try:
            yield app, pilot, screen, check
        finally:
            check.release.set()


@pilot_test
async def test_a_lesson_opens_before_its_check_and_grades_a_held_answer_after(folder, monkeypatch):
    async with opened_checking(folder, monkeypatch) as (_, pilot, screen, check):
        assert screen.checking
        await answer(pilot, "-3")  # dL/da = b: right, but not graded yet
        assert screen.session.record.status == OPEN
        assert HELD in str(screen.query_one(Feedback).render())
        # over half a second: the bar says what is running
        await until(pilot, lambda: "checking the answers" in bar_score(screen))
        check.release.set()
        await until(pilot, lambda: not screen.checking)
        await pilot.pause()
        assert screen.session.record.status == CORRECT
        assert "checking" not in bar_score(screen)
        assert "Correct" in str(screen.query_one(Feedback).render())


@pilot_test
async def test_a_lesson_that_fails_its_check_while_open_is_closed_with_its_errors(
    folder, monkeypatch
):
    from tutor.lesson.model import LessonError

    async with opened_checking(
        folder, monkeypatch, [LessonError(str(folder / "tiny.toml"), 9, "the engine disagrees")]
    ) as (app, pilot, screen, check):
        await answer(pilot, "-3")
        check.release.set()
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert screen.session.record.status == OPEN  # never graded
        assert app.course.find("tiny") is None
        assert any("tiny.toml:9" in str(n.message) for n in app._notifications)


@pilot_test
async def test_a_lesson_that_passed_before_opens_ready_without_a_check(folder, monkeypatch):
    app = make_app(folder, checker=ChildChecker())
    async with app.run_test(size=SIZE) as pilot:  # the first time: checked for real
        await pilot.pause()
        app.open_lesson("tiny")
        lesson = (await until_lesson(pilot)).session.lesson
    assert passed.passed(lesson)

    def no_check(*args, **kwargs):
        raise AssertionError("a lesson that passed before was checked again")

    monkeypatch.setattr(Checker, "check", no_check)
    again = make_app(folder, checker=ChildChecker())
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        again.open_lesson("tiny")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, LessonScreen) and not screen.checking
        await answer(pilot, "-3")
        assert screen.session.record.status == CORRECT
        await again.workers.wait_for_complete()
        assert again.checked == {"tiny": []}  # the course check took it as passed too


@pytest.mark.parametrize("passed_meanwhile", [False, True])
@pilot_test
async def test_a_held_answer_is_kept_when_the_student_leaves_and_comes_back(
    folder, monkeypatch, passed_meanwhile
):
    # the student was told "Your answer is kept": leaving the lesson must not lose it
    async with opened_checking(folder, monkeypatch) as (app, pilot, screen, check):
        await answer(pilot, "-3")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        if passed_meanwhile:
            check.release.set()
            await until(pilot, lambda: "tiny" in app.checked)
        app.open_lesson("tiny")
        again = await until_lesson(pilot, checked=False)
        assert again is not screen
        if passed_meanwhile:  # opened ready: back in its box, graded when Enter says so
            assert not again.checking
            assert again.query_one("#answer").value == "-3"
            assert again.session.record.status == OPEN
            await pilot.press("enter")
            await pilot.pause()
        else:  # still held, and graded the moment the check passes
            assert again.checking
            assert HELD in str(again.query_one(Feedback).render())
            check.release.set()
            await until(pilot, lambda: not again.checking)
            await pilot.pause()
        assert again.session.record.status == CORRECT
