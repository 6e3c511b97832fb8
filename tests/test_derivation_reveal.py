"""The derivation panel (ctrl+l) on an open question: free unless it ends in the asked
answer; then it counts as a reveal, and the app says so before showing it."""

from __future__ import annotations

import asyncio

from conftest import make_app
from tui_pilot import until_lesson

from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import OPEN, REVEALED, Session
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


# The app's warn-then-reveal of ctrl+l is a rule of the lesson run: test_lesson_run.


LOSS = COURSE.find("loss-over-data")  # step 7 derives dL1/dypred1; step 9 asks dL/dypred1


def derivation_step(lesson) -> int:
    return next(
        p for p, step in enumerate(lesson.steps) if getattr(step, "what", None) == "derivation"
    )


def test_a_derivation_step_is_free_on_the_way_to_the_question_it_answers():
    session = Session(LOSS)
    shown = LOSS.steps[derivation_step(LOSS)]
    session.goto(derivation_step(LOSS))
    assert session.derivation_gives_away(shown.node, shown.wrt) is None
    assert not session.see_derivation(shown.node, shown.wrt)
    assert all(record.status == OPEN for record in session.records)


def answered_by_the_derivation(lesson) -> int:
    shown = lesson.steps[derivation_step(lesson)]
    return next(
        i for i, a in enumerate(lesson.questions) if a.kind == "grad" and a.node == shown.wrt
    )


def test_stepping_back_from_a_question_to_the_derivation_that_answers_it_is_a_reveal():
    session = Session(LOSS)
    shown = LOSS.steps[derivation_step(LOSS)]
    asked = answered_by_the_derivation(LOSS)
    session.goto_question(asked)
    assert session.derivation_reveals(shown.node, shown.wrt)  # ctrl+l here warns
    session.goto(derivation_step(LOSS))  # ctrl+b, ctrl+b
    assert session.derivation_gives_away(shown.node, shown.wrt) == asked
    assert session.see_derivation(shown.node, shown.wrt)
    assert session.records[asked].status == REVEALED and session.records[asked].points == 0
    assert session.derivation_gives_away(shown.node, shown.wrt) is None  # nothing left


def test_a_settled_question_stepped_back_to_gives_no_later_answer_away_for_free():
    session = Session(BACKPROP)  # dL/dd (= f), then "nudge d", whose answer is f too
    session.goto_question(1)
    assert session.submit(repr(session.question().expected)).correct
    session.goto_question(2)
    nudge = session.question_index
    session.goto_question(1)  # back: dL/dd is settled, its ctrl+l was free
    assert not session.derivation_reveals("L", "d")
    assert session.derivation_gives_away("L", "d") == nudge


def test_the_app_withholds_a_derivation_step_stepped_back_to_until_asked_twice(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path))
    from tutor.tui.widgets.derivation_panel import DerivationPanel

    async def run():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.checked[LOSS.id] = []
            app.open_lesson(LOSS.id)
            screen = await until_lesson(pilot)
            screen.go_to(screen.session.position_of(answered_by_the_derivation(LOSS)))
            await pilot.pause()
            await pilot.press("ctrl+b", "ctrl+b")
            await pilot.pause()
            panel = str(screen.query_one(DerivationPanel).query_one("#derivation-text").render())
            warned = str(screen.query_one(Feedback).render())
            first = [r.status for r in screen.session.records]
            await pilot.press("ctrl+l")
            await pilot.pause()
            return panel, warned, first, [r.status for r in screen.session.records]

    panel, warned, first, second = asyncio.run(run())
    asked = answered_by_the_derivation(LOSS)
    assert "counts as a reveal" in panel and "lim" not in panel
    assert f"question {asked + 1}," in warned and "Press ctrl+l to see it" in warned
    assert first.count(REVEALED) == 0
    assert second[asked] == REVEALED and second.count(REVEALED) == 1
