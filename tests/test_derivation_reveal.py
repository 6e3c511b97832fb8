"""The derivation panel (ctrl+l) on an open question: free unless it ends in the asked
answer; then it counts as a reveal, and the app says so before showing it."""

from __future__ import annotations

import asyncio

from tui_pilot import until_lesson

from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import ProgressStore
from tutor.session import OPEN, REVEALED, Session
from tutor.tui.app import create_app
from tutor.tui.widgets.feedback import Feedback

COURSE = load_course(bundled_lessons())
BACKPROP = COURSE.find("manual-backprop")  # questions: dL/dL, dL/dd, nudge d, dL/df, ...


def test_a_derivation_that_ends_in_the_answer_is_a_reveal():
    session = Session(BACKPROP)
    session.goto_question(1)  # dL/dd, and L = d * f uses d directly: dL/dd = f
    assert session.derivation_reveals("L", "d")
    assert session.see_derivation("L", "d")
    assert session.records[1].status == REVEALED and session.records[1].points == 0
    assert not session.derivation_reveals("L", "d")  # settled: nothing more to give away


def test_a_derivation_of_another_edge_is_free():
    session = Session(BACKPROP)
    c = next(i for i, a in enumerate(BACKPROP.questions) if a.kind == "grad" and a.node == "c")
    session.goto_question(c)  # dL/dc = -2; the edge c → d has dd/dc = 1
    assert not session.derivation_reveals("d", "c")
    assert not session.see_derivation("d", "c")
    assert session.records[c].status == OPEN


def test_the_asked_local_derivative_is_a_reveal_whatever_its_value():
    lesson = COURSE.find("local-derivatives")
    session = Session(lesson)
    session.goto_question(0)  # dd/dc
    assert session.derivation_reveals("d", "c")


def test_the_app_warns_first_then_shows_and_records_the_reveal(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))

    async def run():
        app = create_app(bundled_lessons())
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            app.open_lesson(BACKPROP.id)
            screen = await until_lesson(pilot)
            session = screen.session
            session.goto_question(1)
            screen.show_step()
            await pilot.press("ctrl+l")
            await pilot.pause()
            warned = str(screen.query_one(Feedback).render())
            first = (session.records[1].status, screen.view)
            await pilot.press("ctrl+l")
            await pilot.pause()
            return warned, first, (session.records[1].status, screen.view)

    warned, first, second = asyncio.run(run())
    assert "counts as a reveal" in warned and "Press ctrl+l again" in warned
    assert first == (OPEN, "graph")
    assert second == (REVEALED, "derivation")
    with ProgressStore.open() as store:
        rows = store.answer_rows(BACKPROP.id)
    assert [(r["question_index"], r["verdict"]) for r in rows] == [(1, "revealed")]
