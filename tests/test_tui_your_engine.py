"""The training view on the student's own engine: y in a training view, ctrl+o in the
lesson that asks for ``_backward``; two curves, "tutor" and "yours", at 80×24."""

from __future__ import annotations

from conftest import make_app, pilot_test
from tui_pilot import until_lesson

from tutor.expr.backward import METHODS
from tutor.lesson import Show
from tutor.progress import Answer
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.training import TrainingScreen
from tutor.tui.widgets.training_panel import TrainingPanel

RIGHT = {op: METHODS[op].body() for op in ("add", "mul", "tanh")}
QUESTION = {"add": 0, "mul": 1, "tanh": 2}  # lesson 17's questions, by op


def record_rules(app, texts: dict[str, str], verdict: str = "correct") -> None:
    """The bodies as lesson 17 records them when they are submitted."""
    for op, text in texts.items():
        app.store.record_answer(Answer("write-backward", QUESTION[op], 0, text, verdict))


def text_of(widget, selector: str) -> str:
    return str(widget.query_one(selector).render())


async def training_view(pilot, lesson_id: str) -> TrainingScreen:
    app = pilot.app
    app.checked[lesson_id] = []
    app.open_lesson(lesson_id)
    screen = await until_lesson(pilot)
    position = next(
        i
        for i, s in enumerate(screen.session.steps)
        if isinstance(s, Show) and s.what == "training"
    )
    screen.go_to(position)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, TrainingScreen)
    return app.screen


async def steps(pilot, count: int) -> None:
    for _ in range(count):
        await pilot.press("s")
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pilot_test
async def test_y_trains_the_view_on_the_recorded_rules_beside_the_tutors():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # `=` for `+=` in +: lesson 18's bug, submitted last and graded wrong.
        record_rules(app, RIGHT)
        record_rules(app, {"add": "self.grad = out.grad\nother.grad = out.grad"}, "incorrect")
        view = await training_view(pilot, "zero-the-gradients")
        assert "y: your engine" in text_of(view, "#training-title")
        await pilot.press("y")
        await pilot.pause()
        yours = app.screen
        assert isinstance(yours, TrainingScreen) and yours is not view
        panel = yours.query_one(TrainingPanel)
        assert panel.names == ["tutor", "yours"]
        assert (panel.others[0].rate, panel.others[0].zero_grad) == (0.2, False)  # the view's
        note = text_of(yours, "#training-note")
        assert "your _backward for + * tanh" in note and "the tutor's for - **" in note
        await steps(pilot, 3)
        assert panel.snapshot.steps == 3
        # Two curves, each of 4 points (the start and 3 updates), named in the key.
        assert len(panel.curve) == 4 and [len(c) for _, c in panel.curves] == [4]
        key = text_of(panel, "#training-key")
        assert "tutor" in key and "yours" in key
        status = text_of(panel, "#training-status")
        assert "yours: loss" in status and "apart from the tutor's" in status
        # Each line of the view fits in 80 columns: nothing is cut off.
        assert all(len(line) <= 80 for line in status.splitlines() + note.splitlines())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is view  # back to the lesson's own training view


@pilot_test
async def test_the_right_rules_lie_on_the_tutors_curve():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        record_rules(app, RIGHT)
        await training_view(pilot, "learning-rate")
        await pilot.press("y")
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await steps(pilot, 3)
        assert "(on the tutor's curve)" in text_of(panel, "#training-status")
        ((_, yours),) = panel.curves
        assert max(abs(a[1] - b[1]) for a, b in zip(panel.curve, yours, strict=True)) < 1e-9


@pilot_test
async def test_ctrl_o_in_lesson_17_says_what_to_write_first():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.checked["write-backward"] = []
        app.open_lesson("write-backward")
        lesson = await until_lesson(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        view = app.screen
        assert isinstance(view, TrainingScreen)
        assert "the lecture's network on your engine" in text_of(view, "#training-title")
        note = text_of(view, "#training-note")
        assert "you have not written _backward for + * tanh" in note
        assert "lesson 17 (Write _backward)" in note
        assert view.query_one(TrainingPanel).others == []  # the tutor's curve only
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is lesson and isinstance(lesson, LessonScreen)


@pilot_test
async def test_a_rule_that_fails_stops_the_students_curve_and_says_why():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        record_rules(app, {**RIGHT, "tanh": "self.grad += out.grad / (out.data - out.data)"})
        app.checked["write-backward"] = []
        app.open_lesson("write-backward")
        await until_lesson(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await steps(pilot, 2)
        status = text_of(panel, "#training-status")
        assert panel.snapshot.steps == 2  # the tutor's curve goes on
        assert "yours stopped: your rule for tanh: division by zero" in status
