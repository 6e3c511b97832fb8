"""The code answer at 80×24: the method as the lecture writes it, an editor for the
body of `_backward`, ctrl+j to check it; a wrong body is diagnosed, a fixed one passes."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.geometry import Region
from textual.keys import _character_to_key
from tui_pilot import until_lesson

from tutor.paths import bundled_lessons
from tutor.session import CORRECT
from tutor.tui.app import TutorApp, create_app
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.code_answer import BodyEditor, CodeAnswer
from tutor.tui.widgets.feedback import Feedback

SMALL = (80, 24)
WRONG = "self.grad = other.data * out.grad\nother.grad = self.data * out.grad"


def on_screen(widget) -> bool:
    return bool(widget.region.area) and Region(0, 0, *SMALL).contains_region(widget.region)


async def at_mul_question(pilot):
    await pilot.pause()
    pilot.app.checked["write-backward"] = []  # its check is tested elsewhere (test_course)
    pilot.app.open_lesson("write-backward")
    screen = await until_lesson(pilot)
    screen.session.goto_question(1)  # xw = x * w
    screen.go_to(screen.session.position)
    await pilot.pause()
    return screen


async def type_body(pilot, text: str) -> None:
    for line_number, line in enumerate(text.split("\n")):
        if line_number:
            await pilot.press("enter")  # a new line, not an answer
        await pilot.press(*line)


@pytest.fixture(autouse=True)
def _no_course_check(monkeypatch):
    monkeypatch.setattr(TutorApp, "check_course", lambda app: None)


def test_a_wrong_body_is_diagnosed_then_the_fixed_one_passes():
    async def run() -> None:
        app = create_app(bundled_lessons())
        async with app.run_test(size=SMALL) as pilot:
            screen = await at_mul_question(pilot)
            code = screen.query_one(CodeAnswer)
            editor = screen.query_one(BodyEditor)
            assert code.display and not screen.query_one(AnswerInput).display
            assert screen.focused is editor
            head = str(screen.query_one("#code-head").render())
            assert "def __mul__(self, other):" in head and "def _backward():" in head
            assert on_screen(editor)

            await type_body(pilot, WRONG)
            assert editor.text == WRONG  # Enter made a new line; nothing was submitted
            assert screen.session.record.attempts == []
            await pilot.press("ctrl+j")
            await pilot.pause()
            feedback = screen.query_one(Feedback)
            words = str(feedback.render())
            assert "✘" in words and "`=`" not in words and "self.grad = …" in words
            assert "b = a * a" in words and on_screen(feedback)
            assert screen.session.record.attempts[-1].diagnosis == "assigned-not-added"

            editor.select_all()
            await pilot.press("backspace")
            await type_body(pilot, WRONG.replace(" = ", " += "))
            await pilot.press("ctrl+j")
            await pilot.pause()
            assert screen.session.record.status == CORRECT
            assert "✔" in str(screen.query_one(Feedback).render())
            # settled: the answer box is back, and Enter goes on
            assert not code.display and screen.query_one(AnswerInput).display
            position = screen.session.position
            await pilot.press("enter")
            await pilot.pause()
            assert screen.session.position == position + 1

    asyncio.run(run())


def test_a_body_that_cannot_be_read_shows_its_caret():
    async def run() -> None:
        app = create_app(bundled_lessons())
        async with app.run_test(size=SMALL) as pilot:
            screen = await at_mul_question(pilot)
            await type_body(pilot, "self.grad += other.data * out.grad\nother.grad += self * 2")
            await pilot.press("ctrl+j")
            await pilot.pause()
            words = str(screen.query_one(Feedback).render())
            assert "line 2" in words and "^" in words
            assert screen.session.record.attempts == []  # not understood: no attempt spent

    asyncio.run(run())


def test_typing_goes_to_the_editor_after_a_panel_took_the_focus():
    async def run() -> None:
        app = create_app(bundled_lessons())
        async with app.run_test(size=SMALL) as pilot:
            screen = await at_mul_question(pilot)
            editor = screen.query_one(BodyEditor)
            await pilot.press("s", "e")
            await pilot.press("ctrl+l")  # the derivation shows; the focus stays for typing
            await pilot.pause()
            assert screen.view == "derivation"
            screen.query_one("#graph").focus()  # as Tab would
            await pilot.pause()
            await pilot.press("l", "f")
            assert editor.text == "self" and screen.focused is editor
            assert screen.query_one(AnswerInput).value == ""

    asyncio.run(run())


@pytest.mark.parametrize("pasted", [False, True], ids=["typed", "pasted"])
def test_a_burst_behind_the_enter_into_a_code_question_lands_in_its_editor_in_order(pasted):
    # Lesson 18: the answer to db/da, Enter (right), Enter (a reading step), Enter (the
    # code question) and a body, all in the app's queue before the first is read. The
    # app hands each key to the widget focused when it reads it: the keys behind the
    # last Enter waited in the one-line box, hidden once the editor showed, while the
    # ones read after the focus moved went straight to the editor.
    body = "self.grad += 1.0 * out.grad\nother.grad += 1.0 * out.grad"
    keys = ["2", "enter", "enter", "enter"]
    if not pasted:
        keys += ["enter" if c == "\n" else c for c in body]

    async def run() -> None:
        app = create_app(bundled_lessons())
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.checked["the-plus-equals-bug"] = []
            app.open_lesson("the-plus-equals-bug")
            screen = await until_lesson(pilot)
            screen.session.goto_question(0)
            screen.go_to(screen.session.position)
            await pilot.pause()
            answer, editor = screen.query_one(AnswerInput), screen.query_one(BodyEditor)
            assert screen.focused is answer
            for key in keys:  # one burst, as a terminal hands it over
                if key == "enter":
                    app.post_message(events.Key("enter", "\r"))
                else:
                    app.post_message(events.Key(_character_to_key(key), key))
            if pasted:
                app.post_message(events.Paste(body))
            for _ in range(200):
                await pilot.pause()
                if editor.text == body and screen.focused is editor:
                    break
            assert editor.text == body
            assert screen.focused is editor and not answer.display
            assert screen.session.records[0].status == CORRECT  # "2" was graded first
            assert screen.session.record.attempts == []  # the body is not submitted

    asyncio.run(run())
