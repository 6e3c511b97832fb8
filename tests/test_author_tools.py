"""The author's tools: `tutor new --network`, `tutor check --watch` cancelling a stale
check, and `tutor --lesson` opening the app on one lesson."""

from __future__ import annotations

import io
import threading

import pytest

from tutor.author import watch as watching
from tutor.author.checking import check_paths
from tutor.author.new import new_lesson
from tutor.cli import main
from tutor.lesson import load_lesson

# -- tutor new --network ---------------------------------------------------------------


def test_new_network_writes_a_network_lesson_that_checks_clean(tmp_path, capsys):
    folder = tmp_path / "made" / "here"  # --dir is made if missing
    assert main(["new", "net-start", "--network", "--dir", str(folder)]) == 0
    path = folder / "net-start.toml"
    assert f"wrote {path}" in capsys.readouterr().out
    text = path.read_text()
    assert "[model]" in text and "[data]" in text and text.count("#") > 10
    lesson = load_lesson(path)
    assert lesson.parameters is not None and len(lesson.parameters) == 9
    assert [s.what for s in lesson.steps if hasattr(s, "what")] == ["training"]
    assert "train" in [q.kind for q in lesson.questions]
    (result,) = check_paths([path])
    assert result.status == "ok", (result.errors, result.warnings)


def test_new_makes_a_missing_folder_but_not_over_a_file(tmp_path, capsys):
    path = new_lesson("plain", tmp_path / "a" / "b")
    assert path.exists() and load_lesson(path).id == "plain"
    (tmp_path / "file").write_text("x")
    assert main(["new", "x", "--dir", str(tmp_path / "file")]) == 2
    assert "not a folder" in capsys.readouterr().err


# -- tutor check --watch: a save cancels the check running --------------------------------


def test_a_save_during_a_check_cancels_it_and_checks_again_at_once(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("one")
    started, seen = threading.Event(), []

    def check(cancel):
        seen.append(path.read_text())
        if len(seen) == 1:  # the first check is slow: it runs until it is cancelled
            stopped = threading.Event()
            cancel.on_cancel(stopped.set)
            started.set()
            assert stopped.wait(10)
            assert cancel.is_set()

    def sleep(_seconds):
        if path.read_text() == "one":
            assert started.wait(10)
            path.write_text("two, saved during the check")

    count = watching.watch([tmp_path], check, sleep=sleep, rounds=2)
    assert count == 2
    assert seen == ["one", "two, saved during the check"]


def test_a_cancel_runs_its_hooks_and_blocks_what_it_guards():
    cancel = watching.Cancel()
    calls = []
    cancel.on_cancel(lambda: calls.append("closed"))
    assert cancel.unless_cancelled(lambda: calls.append("shown"))
    cancel.set()
    assert not cancel.unless_cancelled(lambda: calls.append("stale"))
    cancel.on_cancel(lambda: calls.append("late"))  # registered after: runs at once
    assert calls == ["shown", "closed", "late"]


def test_watch_raises_what_a_check_raised(tmp_path):
    def check(_cancel):
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        watching.watch([tmp_path], check, sleep=lambda _s: None, rounds=1)


def test_check_watch_prints_no_stale_result_after_a_save(tmp_path, monkeypatch):
    """End to end through `tutor check --watch`: the first check (of the old content)
    hangs in its child until the save kills it; only the new content's result shows."""
    from conftest import TINY_LESSON

    import tutor.runtime.budget as budget

    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON)
    started = threading.Event()

    class SlowFirstChecker:
        calls = 0

        def __init__(self):
            self.closed = threading.Event()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

        def close(self):
            self.closed.set()

        def check(self, lesson, *, seconds, **_job):
            SlowFirstChecker.calls += 1
            if SlowFirstChecker.calls == 1:
                started.set()
                assert self.closed.wait(10)  # as a killed child: the check fails
                return budget.Outcome([budget.LessonError(str(lesson.path), None, "STALE")])
            return budget.Outcome()

    def sleep(_seconds):
        if not path.read_text().endswith("# saved\n"):
            assert started.wait(10)
            path.write_text(TINY_LESSON + "# saved\n")

    monkeypatch.setattr(budget, "Checker", SlowFirstChecker)
    original = watching.watch
    monkeypatch.setattr(
        watching, "watch", lambda paths, check: original(paths, check, sleep=sleep, rounds=2)
    )
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    from tutor.cli import cmd_watch

    assert cmd_watch([path], strict=False, as_json=False, out=out) == 0
    text = out.getvalue()
    assert "STALE" not in text
    assert text.count("-- checking at") == 2
    assert "a file changed during the check: stopped it, checking again" in text
    assert text.strip().endswith(f"({path})") and "ok tiny" in text


# -- tutor --lesson: the app opened on one lesson, reloaded with F6 or by itself ---------

VARIED = """\
format = 1
id = "varied"
title = "Varied"
graph = \"\"\"
a = 2.0
b = -3.0
L = a * b
\"\"\"

[vary]
b = { choices = [-3, 4, 5, 6] }

[[steps]]
say = "L is a times b."

[[steps]]
ask = "grad"
node = "a"
"""


async def until(pilot, condition, what: str):
    for _ in range(500):
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never {what}; the screen is {pilot.app.screen!r}")


def lesson_screen(app):
    """The lesson screen once mounted (an app closed while its screen mounts reports
    the widgets gone from under the screen's first draw)."""
    from tutor.tui.screens.lesson import LessonScreen

    screen = app.screen
    return screen if isinstance(screen, LessonScreen) and screen.is_mounted else None


def test_the_lesson_option_opens_the_app_on_that_lesson(tmp_path, monkeypatch):
    import asyncio

    from conftest import make_app

    (tmp_path / "varied.toml").write_text(VARIED)

    async def scenario(start, check):
        app = make_app(tmp_path, start=start)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: lesson_screen(app) is not None, "a lesson screen")
            check(lesson_screen(app).session)

    def lesson(session):
        assert (session.lesson.id, session.mode, session.seed) == ("varied", "lesson", 0)

    def quiz(session):
        assert (session.lesson.id, session.mode, session.seed) == ("varied", "quiz", 3)

    asyncio.run(scenario(("varied", 0), lesson))
    asyncio.run(scenario((str(tmp_path / "varied.toml"), 3), quiz))


def test_f6_reloads_a_changed_lesson_and_reopens_it(tmp_path):
    import asyncio

    from conftest import make_app

    path = tmp_path / "varied.toml"
    path.write_text(VARIED)

    async def scenario():
        app = make_app(tmp_path, start=("varied", 0))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: lesson_screen(app) is not None, "a lesson screen")
            first = lesson_screen(app)
            await pilot.press("ctrl+n")  # on to step 2: the reload comes back to it
            await until(pilot, lambda: first.session.position == 1, "step 2")
            path.write_text(VARIED.replace('title = "Varied"', 'title = "Saved again"'))
            await pilot.press("f6")
            await until(
                pilot,
                lambda: lesson_screen(app) not in (None, first),
                "the lesson opened again",
            )
            assert lesson_screen(app).session.lesson.title == "Saved again"
            assert lesson_screen(app).session.position == 1
            assert app.course.find("varied").title == "Saved again"

    asyncio.run(scenario())


def test_watch_reloads_by_itself(tmp_path):
    import asyncio

    from conftest import make_app

    path = tmp_path / "varied.toml"
    path.write_text(VARIED)

    async def scenario():
        app = make_app(tmp_path, watch=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.course is not None, "the course loaded")
            path.write_text(VARIED.replace('title = "Varied"', 'title = "Changed on disk"'))
            await until(
                pilot,
                lambda: (
                    app.course is not None and app.course.find("varied").title == "Changed on disk"
                ),
                "the change read",
            )

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lesson", "nowhere/x.toml"], "no such lesson file"),
        (["--seed", "2"], "--seed opens a quiz variant"),
        (["--lesson", "x", "--seed", "-1"], "--seed must be 0 or more"),
        (["--lesson", "x", "lessons"], "open the app: give them without `lessons`"),
        (["--watch", "check"], "open the app: give them without `check`"),
    ],
)
def test_bad_preview_options_are_usage_errors(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_the_lesson_option_starts_the_app_on_the_files_folder(tmp_path, monkeypatch):
    import tutor.tui.app as app_module

    calls = []
    monkeypatch.setattr(app_module, "run_app", lambda *a, **k: calls.append((a, k)) or 0)
    path = tmp_path / "varied.toml"
    path.write_text(VARIED)
    assert main(["--lesson", str(path), "--seed", "4", "--watch"]) == 0
    assert calls == [((tmp_path,), {"start": (str(path), 4), "watch": True})]
    calls.clear()
    assert main(["--lessons", str(tmp_path), "--lesson", "varied"]) == 0
    assert calls == [((tmp_path,), {"start": ("varied", 0), "watch": False})]


def test_the_training_view_names_the_zeroed_and_the_unzeroed_curve():
    import asyncio

    from textual.app import App

    from tutor.engine.nn import MLP
    from tutor.engine.train import Trainer
    from tutor.tui.screens.training import TrainingScreen
    from tutor.tui.widgets.training_panel import TrainingPanel

    xs, ys = [[2.0, 3.0], [1.0, -1.0]], [1.0, -1.0]

    def trainer(zero_grad):
        return Trainer(MLP(2, [2, 1], seed=0), xs, ys, rate=0.05, zero_grad=zero_grad)

    class ZeroingApp(App):
        def on_mount(self):
            others = [trainer(False)]
            self.push_screen(TrainingScreen(trainer(True), "Zeroing", interval=0.0, others=others))

    async def scenario():
        app = ZeroingApp()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            panel = app.screen.query_one(TrainingPanel)
            key = str(panel.query_one("#training-key").render())
            assert (
                key == "loss after each update:   ⠒⠒ rate 0.05, zeroed   •• rate 0.05, not zeroed"
            )
            for _ in range(3):
                await pilot.press("s")
                await app.workers.wait_for_complete()
                await pilot.pause()
            status = str(panel.query_one("#training-status").render())
            assert "rate 0.05, not zeroed: loss" in status

    asyncio.run(scenario())


def test_ctrl_c_during_a_check_stops_it_quietly(tmp_path, monkeypatch):
    """Ctrl+C while a check runs: the check's child is stopped, nothing of it is
    printed, and it is not said to be a file that changed."""
    from conftest import TINY_LESSON

    import tutor.runtime.budget as budget

    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON)
    started, closed = threading.Event(), threading.Event()

    class HangingChecker:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

        def close(self):
            closed.set()

        def check(self, lesson, *, seconds, **_job):
            started.set()
            assert closed.wait(10)
            return budget.Outcome([budget.LessonError(str(lesson.path), None, "STALE")])

    def interrupt(_seconds):
        assert started.wait(10)
        raise KeyboardInterrupt

    monkeypatch.setattr(budget, "Checker", HangingChecker)
    monkeypatch.setattr(watching, "_sleep", interrupt)
    out = io.StringIO()
    from tutor.cli import cmd_watch

    assert cmd_watch([path], strict=False, as_json=False, out=out) == 0
    assert closed.is_set()
    text = out.getvalue()
    assert "STALE" not in text and "a file changed" not in text
    assert text.count("-- checking at") == 1
