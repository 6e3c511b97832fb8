"""The training view: step, run, pause and start again change what it shows."""

from __future__ import annotations

import re
import threading

from conftest import make_app, pilot_test
from textual.app import App
from textual_plotext import PlotextPlot
from tui_pilot import answer, until_lesson

from tutor.engine.nn import MLP
from tutor.engine.train import Trainer
from tutor.lesson import Ask, Show, lesson_graph
from tutor.lesson.loader import MAX_COMPARE
from tutor.numbers import short
from tutor.paths import bundled_lessons
from tutor.tui.app import TutorApp
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.results import ResultsScreen
from tutor.tui.screens.training import TrainingScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.training_panel import CURVES, Snapshot, TrainingPanel

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def lecture_trainer(**kwargs) -> Trainer:
    return Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05, **kwargs)


class TrainingApp(App):
    """The smallest app that shows the training screen."""

    def __init__(self, trainer: Trainer, interval: float = 0.0):
        super().__init__()
        self.trainer = trainer
        self.interval = interval

    def on_mount(self) -> None:
        self.push_screen(TrainingScreen(self.trainer, "Gradient descent", interval=self.interval))


def course_app(monkeypatch, **kwargs) -> TutorApp:
    """The app on the bundled course (every lesson passes its check at once)."""
    return make_app(**kwargs)


def text_of(panel: TrainingPanel, name: str) -> str:
    return str(panel.query_one(f"#{name}").render())


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pilot_test
async def test_step_shows_the_step_the_loss_and_the_gradients():
    trainer = lecture_trainer()
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        assert "step 0" in text_of(panel, "training-status")
        assert "ready" in text_of(panel, "training-status")
        assert panel.curve == [(0, trainer.loss())]  # the start: the loss after 0 updates
        await pilot.press("s")
        await settle(pilot)
        assert trainer.steps == 1
        status = text_of(panel, "training-status")
        # step 1 is after 1 update: the loss then, not the loss before it (7.7298)
        after = trainer.loss()
        assert "step 1 (after 1 update)" in status and f"loss {short(after)}" in status
        assert "7.7298" not in status
        params = text_of(panel, "training-param-list")
        first = trainer.parameters()[0]
        assert re.search(rf"{first.name} +{re.escape(short(first.data))}  ∇ +", params)
        assert re.search(rf"∇ +{re.escape(short(first.grad))}\b", params)
        assert not re.search(r"∇[-0-9]", params)  # never jammed: ∇-8.882e-16
        assert "parameters after 1 update" in params
        assert panel.curve == [(0, trainer.losses[0]), (1, after)]
        await pilot.press("f6")  # the function key does the same, from the screen
        await settle(pilot)
        assert trainer.steps == 2
        assert len(panel.curve) == 3
        assert panel.query_one(PlotextPlot) is not None


@pilot_test
async def test_run_pause_and_start_again():
    trainer = lecture_trainer()
    app = TrainingApp(trainer, interval=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await pilot.press("r")
        for _ in range(200):
            await pilot.pause(0.02)
            if panel.snapshot.steps >= 5:
                break
        assert panel.running
        await pilot.press("p")
        await settle(pilot)
        assert not panel.running
        stopped = panel.snapshot.steps
        assert stopped >= 5
        assert "paused" in text_of(panel, "training-status")
        await pilot.pause(0.1)
        assert trainer.steps == panel.snapshot.steps == stopped  # nothing moves while paused
        assert len(panel.curve) == stopped + 1
        assert panel.curve[-1][1] < panel.curve[0][1]  # the loss went down
        await pilot.press("a")
        await settle(pilot)
        assert trainer.steps == 0 and panel.curve == [(0, trainer.loss())]
        assert "step 0" in text_of(panel, "training-status")
        await pilot.press("s")
        await settle(pilot)
        assert panel.curve == [(0, trainer.losses[0]), (1, trainer.loss())]


@pilot_test
async def test_start_again_during_a_run_shows_the_new_start_only():
    trainer = lecture_trainer()
    app = TrainingApp(trainer, interval=0.001)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await pilot.press("r")
        for _ in range(200):
            await pilot.pause(0.01)
            if panel.snapshot.steps >= 3:
                break
        await pilot.press("a")
        await settle(pilot)
        await pilot.pause(0.05)
        assert not panel.running
        assert trainer.steps == panel.snapshot.steps == 0
        assert panel.curve == [(0, trainer.loss())]
        assert "step 0" in text_of(panel, "training-status")


@pilot_test
async def test_a_run_that_diverges_stops_and_says_why():
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=1e308)
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await pilot.press("r")
        await settle(pilot)
        assert not panel.running
        assert "stopped:" in text_of(panel, "training-status")
        assert "overflows" in text_of(panel, "training-status")


@pilot_test
async def test_the_forgotten_zero_grad_is_said():
    app = TrainingApp(lecture_trainer(zero_grad=False))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        assert "gradients not zeroed" in text_of(panel, "training-status")


def test_training_view_at_80x24(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.pause()
        for _ in range(12):
            await pilot.press("s")
            await settle(pilot)

    assert snap_compare(
        TrainingApp(lecture_trainer()), terminal_size=(80, 24), run_before=run_before
    )


class CompareApp(App):
    """The training screen with lesson 16's rates: 0.05, and 0.001 and 2 beside it."""

    def __init__(self):
        super().__init__()
        rates = (0.001, 2.0)
        self.others = [Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=r) for r in rates]

    def on_mount(self) -> None:
        screen = TrainingScreen(lecture_trainer(), "Rates", interval=0.0, others=self.others)
        self.push_screen(screen)


def test_compared_rates_at_80x24(snap_compare):
    # No legend over the first steps, where the rates differ: a key under the plot.
    async def run_before(pilot) -> None:
        await pilot.pause()
        for _ in range(12):
            await pilot.press("s")
            await settle(pilot)

    assert snap_compare(CompareApp(), terminal_size=(80, 24), run_before=run_before)


@pilot_test
async def test_the_key_names_each_rates_marker_and_the_plot_has_no_legend():
    app = CompareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        assert text_of(panel, "training-key") == (
            "loss after each update:   ⠒⠒ rate 0.05   •• rate 0.001   xx rate 2"
        )
        for _ in range(3):
            await pilot.press("s")
            await settle(pilot)
        plotted = panel.query_one(PlotextPlot).plt.build()
        assert "rate" not in plotted  # no legend drawn over the curves
        assert "•" in plotted and "x" in plotted  # the compared rates' markers


def test_each_compared_rate_has_its_own_marker():
    markers = [marker for _, marker in CURVES]
    assert len(set(markers)) == len(CURVES) > MAX_COMPARE
    assert all(marker == "braille" or len(marker) == 1 for marker in markers)


@pilot_test
async def test_one_rate_has_no_key_but_what_the_plot_shows():
    app = TrainingApp(lecture_trainer())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        key = text_of(app.screen.query_one(TrainingPanel), "training-key")
        assert key == "loss after each update"


@pilot_test
async def test_a_lesson_step_opens_the_training_view(monkeypatch):
    app = course_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.checked["gradient-descent"] = []
        app.open_lesson("gradient-descent")
        screen = await until_lesson(pilot)
        steps = screen.session.steps
        position = next(
            i for i, s in enumerate(steps) if isinstance(s, Show) and s.what == "training"
        )
        screen.go_to(position)
        await pilot.pause()
        graph_loss = screen.session.graph.value("L")
        await pilot.press("enter")
        await pilot.pause()
        training = app.screen
        assert isinstance(training, TrainingScreen)
        panel = training.query_one(TrainingPanel)
        # The lesson's parameters only, at the step's rate: the data are not trained.
        assert [p.name for p in panel.trainer.parameters()] == ["w1", "w2", "b"]
        assert panel.trainer.rate == 0.01
        await pilot.press("s")
        await settle(pilot)
        assert panel.snapshot.steps == 1
        assert panel.snapshot.losses[0] == graph_loss
        # The lesson's own graph is not the one trained.
        assert screen.session.graph.value("L") == graph_loss
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert screen.session.position == position
        await pilot.press("enter")  # the view was seen: Enter goes on
        await pilot.pause()
        assert screen.session.position == position + 1


@pilot_test
async def test_compared_rates_train_beside_it():
    first, *others = (lecture_trainer(), Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.3))

    class CompareApp(App):
        def on_mount(self) -> None:
            self.push_screen(TrainingScreen(first, "Rates", interval=0.0, others=others))

    app = CompareApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        for _ in range(3):
            await pilot.press("s")
            await settle(pilot)
        assert first.steps == others[0].steps == 3
        status = text_of(panel, "training-status")
        assert "rate 0.3: loss" in status
        assert [rate for rate, _ in panel.curves] == [0.3]
        assert panel.curves[0][1] == list(enumerate([*others[0].losses, others[0].loss()]))
        await pilot.press("a")
        await settle(pilot)
        assert others[0].steps == 0


@pilot_test
async def test_a_quiz_on_training_opens_the_view_each_question_is_read_from(monkeypatch):
    app = course_app(monkeypatch, seeds=lambda: 3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_quiz("zero-the-gradients")
        screen = await until_lesson(pilot)
        session = screen.session
        # fresh numbers, drawn from the vary table: example 1's inputs are not the file's
        own = lesson_graph(session.lesson, 0)
        assert session.graph.seed == 3
        assert [session.graph.value(f"x1_{i}") for i in (1, 2, 3)] != [
            own.value(f"x1_{i}") for i in (1, 2, 3)
        ]
        assert "lesson's own numbers" not in str(screen.query_one("#feedback").render())

        await answer(pilot, "0")
        await answer(pilot, "0")
        # on to question 3 by way of the curve it is read from
        assert isinstance(session.step, Show) and session.step.what == "training"
        assert "question 3 of 4" in str(screen.query_one("#lesson-step").render())
        assert "training view" in screen.query_one(AnswerInput).placeholder
        await pilot.press("enter")
        await pilot.pause()
        training = app.screen
        assert isinstance(training, TrainingScreen)
        trainer = training.query_one(TrainingPanel).trainer
        assert (trainer.rate, trainer.zero_grad) == (0.2, False)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and isinstance(session.step, Ask)
        question = session.question()
        assert session.question_index == 2 and question.kind == "train"
        await answer(pilot, question.expected_text)
        assert isinstance(session.step, Show) and session.step.zero_grad  # question 4's view
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one(TrainingPanel).trainer.zero_grad
        await pilot.press("escape", "enter")
        await pilot.pause()
        await answer(pilot, "0")  # the last answer: the results
        assert isinstance(app.screen, ResultsScreen)
        assert session.records[2].status == "correct"


@pilot_test
async def test_a_quiz_on_a_lesson_without_vary_says_it_asks_on_the_lessons_numbers(
    monkeypatch, tmp_path
):

    text = (bundled_lessons() / "09-node-used-twice.toml").read_text(encoding="utf-8")
    head, _, rest = text.partition("[vary]")
    (tmp_path / "09-node-used-twice.toml").write_text(
        head + rest[rest.index("[[steps]]") :], encoding="utf-8"
    )
    app = make_app(tmp_path, seeds=lambda: 3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.start_quiz("node-used-twice")
        screen = await until_lesson(pilot)
        assert not screen.session.lesson.vary and screen.session.graph.seed == 0
        assert "lesson's own numbers" in str(screen.query_one("#feedback").render())


@pilot_test
async def test_a_question_reopens_the_view_it_is_read_from_as_it_was_left(monkeypatch):
    app = course_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_lesson("learning-rate")
        screen = await until_lesson(pilot)
        session = screen.session
        view = next(i for i, s in enumerate(session.steps) if getattr(s, "what", "") == "training")
        screen.go_to(view)
        await pilot.pause()
        assert screen.check_action("training", ()) is False  # a view, not a question on one
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(3):
            await pilot.press("s")
            await settle(pilot)
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(session.step, Ask) and session.training_view() == view
        await pilot.press("ctrl+o")
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        assert panel.snapshot.steps == 3 and len(panel.curve) == 4  # as it was left
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@pilot_test
async def test_every_press_of_s_takes_a_step_however_quick():
    """A press while a step is under way queues another (it used to cancel it: ten
    quick presses took three steps), and the view ends showing the last of them."""
    trainer = lecture_trainer()
    step, pressed = trainer.step, threading.Event()

    def slow_step():  # the first step lasts until every press is in, as on a loaded machine
        pressed.wait(5)
        step()

    trainer.step = slow_step
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        await pilot.press(*["s"] * 10)
        pressed.set()
        await settle(pilot)
        assert trainer.steps == 10
        assert panel.snapshot.steps == 10 and len(panel.curve) == 11
        assert "step 10" in text_of(panel, "training-status")


@pilot_test
async def test_the_plot_counts_steps_in_whole_numbers():
    trainer = lecture_trainer()
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        for count in (3, 7):
            while trainer.steps < count:
                await pilot.press("s")
                await settle(pilot)
            plot = panel.query_one(PlotextPlot)
            plot.plt.plotsize(60, 12)
            axis = re.sub(r"\x1b\[[0-9;]*m", "", plot.plt.build().splitlines()[-1])
            assert "0.5" not in axis and ".0" not in axis, axis
            assert str(count - 1) in axis.split()


@pilot_test
async def test_answering_in_a_network_lesson_draws_no_graph(monkeypatch):
    # A network's graph is not shown; drawing it anyway after each answer took over a
    # second of the student's wait for the verdict.
    from tutor.tui.widgets.graph_panel import GraphPanel

    drawn = []
    monkeypatch.setattr(GraphPanel, "show", lambda panel, *a, **k: drawn.append(a))
    app = course_app(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_lesson("loss-over-data")
        screen = await until_lesson(pilot)
        screen.go_to(screen.session.position_of(0))
        await pilot.pause()
        for text in ("1", str(screen.session.question().expected)):
            screen.query_one(AnswerInput).value = text
            await pilot.press("enter")
            await pilot.pause()
        assert screen.session.records[0].status == "correct"
        assert drawn == []


@pilot_test
async def test_every_parameter_is_reached_with_down_and_page_down_at_once():
    """No Tab first: ↓ and PgDn scroll the parameters from the moment the view opens,
    down to the last of the 41."""
    trainer = lecture_trainer()
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#training-params")
        assert box.max_scroll_y > 0  # 41 parameters do not fit at 80×24
        await pilot.press("down")
        await pilot.pause()
        assert box.scroll_y == 1
        for _ in range(10):
            await pilot.press("pagedown")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        last = trainer.parameters()[-1].name
        bottom = text_of(app.screen.query_one(TrainingPanel), "training-param-list")
        assert bottom.splitlines()[-1].startswith(last)
        await pilot.press("pageup", "up")
        await pilot.pause()
        assert box.scroll_y < box.max_scroll_y
        shown = app.screen.active_bindings["down"].binding
        assert shown.show and shown.key_display == "↓"  # the footer says so


@pilot_test
async def test_the_curve_on_a_log_scale_or_its_last_steps_with_a_key():
    trainer = lecture_trainer()
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(TrainingPanel)
        plotted = []
        plot = panel.query_one(PlotextPlot)
        plot_call = plot.plt.plot
        plot.plt.plot = lambda xs, ys, **kw: (plotted.append(xs), plot_call(xs, ys, **kw))
        scales = []
        scale_call = plot.plt.yscale
        plot.plt.yscale = lambda scale: (scales.append(scale), scale_call(scale))
        trainer.run(120)
        panel.draw(Snapshot.of(trainer))
        assert plotted[-1][0] == 0 and plotted[-1][-1] == 120
        await pilot.press("w")
        await pilot.pause()
        assert "last 50 steps" in text_of(panel, "training-key")
        assert plotted[-1][0] == 70 and plotted[-1][-1] == 120
        await pilot.press("l")
        await pilot.pause()
        assert "log scale" in text_of(panel, "training-key")
        assert scales[-1] == "log"
        await pilot.press("w", "l")
        await pilot.pause()
        assert text_of(panel, "training-key") == "loss after each update"
        assert plotted[-1][0] == 0 and scales[-1] == "linear"


@pilot_test
async def test_predictions_after_training_stand_beside_the_targets():
    trainer = lecture_trainer()
    app = TrainingApp(trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for _ in range(2):
            await pilot.press("s")
            await settle(pilot)
        params = text_of(app.screen.query_one(TrainingPanel), "training-param-list")
        assert "predictions after 2 updates" in params
        for e, (y, prediction) in enumerate(zip(YS, trainer.outputs(), strict=True), start=1):
            assert prediction.target == y
            assert f"ypred{e} {short(prediction.value)} (target {short(y)})" in params


def test_training_view_scrolled_to_the_last_parameters_at_80x24(snap_compare):
    async def run_before(pilot) -> None:
        await pilot.pause()
        for _ in range(3):
            await pilot.press("s")
            await settle(pilot)
        for _ in range(4):
            await pilot.press("pagedown")
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(
        TrainingApp(lecture_trainer()), terminal_size=(80, 24), run_before=run_before
    )
