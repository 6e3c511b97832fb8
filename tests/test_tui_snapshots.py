"""SVG snapshots of the app's main views (pytest-textual-snapshot).

Fixed numbers (the lessons' own, seed 0), a fresh TUTOR_HOME per test, no clock.
After a deliberate change to the look, review the new pictures and accept them with
``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from conftest import make_app
from tui_pilot import until_lesson

from tutor.tui.widgets.answer_input import AnswerInput

SIZE = (100, 30)


def app():
    return make_app()  # every lesson passes its check at once: the pictures are of layout


def steady_cursor(screen) -> None:
    """A blinking cursor would make the pictures differ from run to run."""
    screen.query_one(AnswerInput).cursor_blink = False


def at_question(lesson_id: str, index: int, *answers: str):
    """A ``run_before`` that opens a lesson at question ``index`` and types ``answers``."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.open_lesson(lesson_id)
        screen = await until_lesson(pilot)
        steady_cursor(screen)
        screen.session.goto_question(index)
        screen.go_to(screen.session.position)
        for text in answers:
            screen.query_one(AnswerInput).value = text
            await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()  # "Checking the lesson…" comes and goes with timing
        await pilot.pause()

    return run_before


def test_home(snap_compare):
    async def loaded(pilot) -> None:
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SIZE, run_before=loaded)


def test_lesson_with_the_graph(snap_compare):
    # dL/dL answered, so its gradient shows; the question is about d.
    async def run_before(pilot) -> None:
        await at_question("manual-backprop", 0, "1")(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_feedback_correct(snap_compare):
    assert snap_compare(
        app(), terminal_size=SIZE, run_before=at_question("manual-backprop", 1, "-2")
    )


def test_feedback_incorrect_with_a_diagnosis(snap_compare):
    assert snap_compare(
        app(), terminal_size=SIZE, run_before=at_question("manual-backprop", 1, "4")
    )


def test_feedback_not_understood(snap_compare):
    assert snap_compare(
        app(), terminal_size=SIZE, run_before=at_question("manual-backprop", 1, "2 +* 3")
    )


def test_derivation_panel(snap_compare):
    # dL/dd with L = d * f: the derivation of the edge d → L ends in the answer, so the
    # first ctrl+l says that seeing it is a reveal, and the second shows it.
    async def run_before(pilot) -> None:
        await at_question("manual-backprop", 1)(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SIZE, run_before=run_before)


def test_plot(snap_compare):
    # at_step waits for the lesson's check (until_lesson) and the plot's workers
    assert snap_compare(app(), terminal_size=SIZE, run_before=at_step("derivative-by-nudging", 3))


# -- at 80×24, the student's terminal ---------------------------------------------------

SMALL = (80, 24)


def at_step(lesson_id: str, position: int):
    """A ``run_before`` that opens a lesson at step ``position`` (counted from 0)."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        pilot.app.open_lesson(lesson_id)
        screen = await until_lesson(pilot)
        steady_cursor(screen)
        screen.go_to(position)
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()
        await pilot.pause()

    return run_before


def test_small_long_say_step(snap_compare):
    # the course's longest text: it shows whole, the graph gives way
    assert snap_compare(app(), terminal_size=SMALL, run_before=at_step("node-used-twice", 6))


def test_small_open_question_with_two_lines_of_feedback(snap_compare):
    assert snap_compare(
        app(), terminal_size=SMALL, run_before=at_question("manual-backprop", 1, "4")
    )


def test_small_neuron_graph(snap_compare):
    # the neuron's graph is wider than 80 columns: compact nodes, folded into bands
    assert snap_compare(app(), terminal_size=SMALL, run_before=at_question("neuron", 1))


def test_small_plot(snap_compare):
    assert snap_compare(app(), terminal_size=SMALL, run_before=at_step("derivative-by-nudging", 3))


def test_small_training_step(snap_compare):
    # a show = "training" step: what it trains, and Enter to open the view
    assert snap_compare(app(), terminal_size=SMALL, run_before=at_step("gradient-descent", 8))


def test_small_training_view_from_a_lesson(snap_compare):
    # Enter opens the training view over the lesson; three steps of the engine's training
    before = at_step("gradient-descent", 8)

    async def run_before(pilot) -> None:
        await before(pilot)
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(3):
            await pilot.press("s")
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SMALL, run_before=run_before)


def test_small_your_engine_view(snap_compare):
    # y in the training view: the same training on the student's recorded rules (here
    # `=` for `+=` in +), beside the tutor's; three steps, two curves
    from tutor.expr.backward import METHODS
    from tutor.progress import Answer

    before = at_step("learning-rate", 2)  # the lecture's network at rate 0.05

    async def run_before(pilot) -> None:
        bodies = [METHODS[op].body() for op in ("add", "mul", "tanh")]
        bodies[0] = "self.grad = out.grad\nother.grad = out.grad"
        for index, body in enumerate(bodies):
            pilot.app.store.record_answer(Answer("write-backward", index, 0, body, "incorrect"))
        await before(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        for _ in range(3):
            await pilot.press("s")
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SMALL, run_before=run_before)


def test_small_code_answer_with_a_diagnosis(snap_compare):
    # the method as the lecture writes it, the body typed with `=`, and its diagnosis
    from tutor.tui.widgets.code_answer import BodyEditor

    async def run_before(pilot) -> None:
        await at_question("write-backward", 1)(pilot)
        editor = pilot.app.screen.query_one(BodyEditor)
        editor.cursor_blink = False
        editor.load_text("self.grad = other.data * out.grad\nother.grad = self.data * out.grad")
        await pilot.press("ctrl+j")
        await pilot.pause()

    assert snap_compare(app(), terminal_size=SMALL, run_before=run_before)
