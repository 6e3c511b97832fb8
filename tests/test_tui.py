"""The app, driven headless with Textual's pilot: the flows a student goes through.

Keys cost ~80 ms each under the pilot, so answers are typed by setting the
input's value and pressing Enter. Every test gets its own TUTOR_HOME (conftest).
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import QUIZ_SEED, make_app, pilot_test
from rich.console import Console
from rich.text import Text
from textual.widgets import OptionList
from tui_pilot import answer, until_course, until_lesson

from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import ProgressStore
from tutor.runtime.checker import ChildChecker
from tutor.tui.screens.confirm import ConfirmScreen
from tutor.tui.screens.help import HelpScreen
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.screens.results import ResultsScreen
from tutor.tui.screens.too_small import TooSmallScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.feedback import Feedback
from tutor.tui.widgets.graph_panel import GraphPanel
from tutor.tui.widgets.narrative import Narrative

SIZE = (100, 30)
COURSE = load_course(bundled_lessons())  # its counts, never written out by hand
BACKPROP = COURSE.find("manual-backprop")
ROW = {lesson.id: row for row, lesson in enumerate(COURSE.lessons)}  # the course list's order

GOOD = """
format = 1
id = "tiny"
title = "A tiny lesson"
graph = \"\"\"
a = 2.0
b = -3.0
L = a * b
\"\"\"

[[steps]]
say = "L is {L}."

[[steps]]
ask = "grad"
node = "a"
"""

BROKEN = """
format = 1
id = "broken"
title = "Broken"
hint = "a typo"
steps = []
"""


def text_of(widget) -> str:
    """What a widget shows, as plain text."""
    return str(widget.render())


def graph_text(screen) -> str:
    return text_of(screen.query_one("#graph-picture"))


def narrative_text(screen) -> str:
    return screen.query_one(Narrative).query_one("#narrative-text")._markdown


async def open_lesson(pilot, lesson_id: str) -> LessonScreen:
    await pilot.pause()
    pilot.app.open_lesson(lesson_id)
    return await until_lesson(pilot)


async def to_question(pilot, screen: LessonScreen, index: int) -> None:
    """Go straight to the step of question ``index`` (the keys are tested elsewhere)."""
    position = next(
        p
        for p in range(len(screen.session.steps))
        if screen.session._question_of_step.get(p) == index
    )
    screen.go_to(position)
    await pilot.pause()


def feedback(screen) -> Feedback:
    return screen.query_one(Feedback)


def plain(renderable, width: int = 74) -> str:
    """A Rich renderable as the text it shows at ``width`` columns."""
    if isinstance(renderable, Text):
        return str(renderable)  # a broken file's errors: as written, one a line
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text().rstrip("\n")


def rows(app, width: int = 74) -> list[str]:
    """The course list's rows as shown at ``width`` columns (80 less margins and border)."""
    option_list = app.screen.query_one(OptionList)
    return [
        plain(option_list.get_option_at_index(i).prompt, width)
        for i in range(option_list.option_count)
    ]


# -- home --------------------------------------------------------------------------------


@pilot_test
async def test_home_lists_the_course_with_status_and_a_start():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        lines = rows(app)
        assert len(lines) == len(COURSE.lessons)
        assert "Derivative by nudging" in lines[0] and "not started" in lines[0]
        assert "Start with 1. Derivative by nudging" in text_of(app.screen.query_one("#continue"))
        count = sum(len(lesson.questions) for lesson in COURSE.lessons)
        assert f"0 of {count} questions done" in text_of(app.screen.query_one("#course-count"))


FIRST_PAINT = """
import asyncio, sys
from tutor.tui.app import create_app

async def main():
    app = create_app(exit_after_paint="first")
    async with app.run_test() as pilot:
        await pilot.pause()
    print("sympy" in sys.modules, app.return_code)

asyncio.run(main())
"""


def test_the_first_screen_is_painted_before_sympy_is_imported():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "0"]


# -- a lesson --------------------------------------------------------------------------------


@pilot_test
async def test_right_wrong_and_unreadable_answers_each_say_so_in_words():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 0)  # dL/dL
        picture = graph_text(screen)
        assert "grad ?" in picture and "grad 1" not in picture
        assert "╔ L ═" in picture  # the renderer's double border on the asked node
        await answer(pilot, "1")
        assert "grad 1" in graph_text(screen)  # earned: now it shows

        await to_question(pilot, screen, 1)  # dL/dd = f = -2
        box = feedback(screen)
        await answer(pilot, "4")
        assert box.has_class("-incorrect")
        assert "✘ Not quite" in text_of(box) and "other" in text_of(box)
        assert screen.diagnosed_edge == ("d", "L")
        # committed as given: another connection sees it at once
        with ProgressStore.open() as other:
            assert [r["answer"] for r in other.answer_rows("manual-backprop")] == ["1", "4"]

        await answer(pilot, "2 +* 3")
        assert box.has_class("-not-understood")
        assert "? Not understood" in text_of(box)
        assert "^" in text_of(box)

        await answer(pilot, "-2")
        assert box.has_class("-correct")
        assert "✔ Correct: dL/dd = -2" in text_of(box)
        assert "grad -2" in graph_text(screen)

        recorded = [row["verdict"] for row in app.store.answer_rows("manual-backprop")]
        assert recorded == ["correct", "incorrect", "not-understood", "correct"]

        # a plain q is typed into the answer box (of the next open question: this one
        # is answered right, and its box takes no more typing); ctrl+q quits
        await to_question(pilot, screen, 2)
        assert screen.query_one(AnswerInput).has_focus
        await pilot.press("q")
        assert app.is_running and screen.query_one(AnswerInput).value == "q"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_hints_one_at_a_time_then_reveal_with_the_explanation():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 1)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Hint 1 of" in narrative_text(screen)
        assert "Hint 2 of" not in narrative_text(screen)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert "Hint 2 of" in narrative_text(screen)

        await pilot.press("ctrl+r")  # the first press asks
        assert "Press ctrl+r again" in text_of(feedback(screen))
        assert screen.session.record.status == "open"
        await pilot.press("ctrl+r")
        await pilot.pause()
        shown = narrative_text(screen)
        assert "Answer: `-2`" in shown and "dL/dd" in shown
        # a revealed gradient is shown too (in a full box, or a compact one where room is short)
        assert re.search(r"grad -2|d=4 g=-2", graph_text(screen))
        assert "Hint 1 of" in shown
        verdicts = [row["verdict"] for row in app.store.answer_rows("manual-backprop")]
        assert verdicts == ["revealed"]
        assert screen.check_action("reveal", ()) is None  # settled: greyed out

        await pilot.press("enter")  # settled and nothing typed: go on
        assert screen.session.question_index == 2


@pilot_test
async def test_next_back_skip_and_enter_move_through_the_steps():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        assert screen.session.position == 0
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.session.position == 2
        await pilot.press("ctrl+b")
        assert screen.session.position == 1
        await to_question(pilot, screen, 0)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.session.records[0].status == "skipped"
        assert screen.session.position == 4
        assert f"step 5 of {len(BACKPROP.steps)}" in text_of(screen.query_one("#lesson-step"))

        await pilot.press("enter")  # a step without a question: Enter goes on
        assert screen.session.position == 5
        screen.go_to(len(screen.session.steps) - 1)
        await pilot.pause()
        assert "end of the lesson" in text_of(feedback(screen))
        await pilot.press("enter")  # ... and at the end, back to the course
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_a_plot_step_draws_the_curve_with_its_caption():
    from textual_plotext import PlotextPlot

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "derivative-by-nudging")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+n")
        await pilot.pause()
        assert screen.view == "plot"
        assert screen.query(PlotextPlot)
        caption = text_of(screen.query_one("#plot-caption"))
        assert "x = 3, f = 20" in caption
        assert "slope df/dx = ?" in caption  # not earned yet


@pilot_test
async def test_values_asked_for_are_hidden_in_the_graph_until_answered():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "expression-graph")
        await to_question(pilot, screen, 0)  # e = a * b
        assert screen.query_one(GraphPanel).display  # the graph is on the screen...
        assert "data 2" in graph_text(screen) and "data -3" in graph_text(screen)
        assert "data -6" not in graph_text(screen)  # ... but not the value asked for
        await answer(pilot, "-6")
        assert "data -6" in graph_text(screen)


@pilot_test
async def test_continue_after_restart_at_the_same_step_with_earned_gradients():
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 1)
        await answer(pilot, "-2")
        await pilot.press("enter")  # on to the next question
        await pilot.pause()
        position = screen.session.position
        await pilot.press("ctrl+q")

    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"at step {position + 1} of" in text_of(second.screen.query_one("#continue"))
        assert f"1 of {len(BACKPROP.questions)} questions" in rows(second)[ROW["manual-backprop"]]
        await pilot.press("c")
        screen = await until_lesson(pilot)
        assert screen.session.position == position
        assert screen.session.records[1].status == "correct"
        assert "grad -2" in graph_text(screen)  # dL/dd, earned last time


@pilot_test
async def test_reset_lesson_asks_first_then_forgets():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 0)
        await answer(pilot, "1")
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no
        await pilot.pause()
        assert app.store.answer_rows("manual-backprop")
        await pilot.press("f5")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.store.answer_rows("manual-backprop") == []
        assert app.screen.session.position == 0
        assert "grad 1" not in graph_text(app.screen)


# -- a quiz ------------------------------------------------------------------------------------


@pilot_test
async def test_quiz_to_its_results_and_the_best_score_on_home():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = ROW["chain-rule"]
        await pilot.press("t")
        screen = await until_lesson(pilot)
        assert screen.quiz
        session = screen.session
        assert session.seed == QUIZ_SEED and session.mode == "quiz"
        assert screen.check_action("reveal", ()) is False
        count = len(session.records)
        for index in range(count):
            assert session.question_index == index
            expected = session.question().expected_text
            await answer(pilot, expected if index else "12345")
            if index < count - 1:
                # no verdict before the end: only that the answer was recorded
                assert "recorded" in text_of(feedback(screen))
        await pilot.pause()
        results = app.screen
        assert isinstance(results, ResultsScreen)
        await app.workers.wait_for_complete()  # the derivations of the local derivatives
        report = results.report()
        assert f"Score **{count - 1:g} of {count:g}**" in report
        assert "✘ incorrect" in report and "your answer `12345`" in report.lower()
        assert "✔ correct" in report
        assert "from the definition of the derivative" in report

        best = app.store.best_quiz("chain-rule")
        assert best is not None and best.seed == QUIZ_SEED and best.score == count - 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert f"quiz {count - 1}/{count} passed" in rows(app)[ROW["chain-rule"]]


@pilot_test
async def test_a_quiz_answer_is_final_and_leaving_asks_first():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_quiz("manual-backprop")
        screen = await until_lesson(pilot)
        await answer(pilot, "5")
        assert screen.session.question_index == 1
        await pilot.press("ctrl+b")
        await answer(pilot, "1")
        assert "final" in text_of(feedback(screen))
        assert screen.session.records[0].status == "incorrect"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# -- folders, errors, sizes ------------------------------------------------------------------


@pilot_test
async def test_a_broken_lesson_shows_its_error_and_the_others_still_open(tmp_path):
    (tmp_path / "01-good.toml").write_text(GOOD)
    (tmp_path / "02-broken.toml").write_text(BROKEN)
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = rows(app)
        assert "A tiny lesson" in lines[0]
        assert "02-broken.toml" in lines[1] and "02-broken.toml:5" in lines[1]
        assert "hint" in lines[1]
        await pilot.press("enter")
        await until_lesson(pilot)


LOOSE = (
    GOOD.replace('id = "tiny"', 'id = "loose"')
    .replace('title = "A tiny lesson"', 'title = "Too loose"')
    .replace('node = "a"', 'node = "a"\nrtol = 0.9')
)


@pilot_test
async def test_a_lesson_that_fails_its_check_is_never_opened(tmp_path):
    (tmp_path / "01-good.toml").write_text(GOOD)
    (tmp_path / "02-loose.toml").write_text(LOOSE)
    app = make_app(tmp_path, checker=ChildChecker())  # the check itself, for real
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # loaded after the first paint (of the headers)
            await pilot.pause()
            if app.course is not None:
                break
        assert app.course is not None
        app.open_lesson("loose")  # before or after the background check: never shown
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)
        lines = rows(app)
        assert "A tiny lesson" in lines[0]
        assert "02-loose.toml:" in lines[1] and "too loose" in lines[1]
        assert app.course.find("loose") is None


@pytest.mark.parametrize("kind", ["empty", "missing"])
@pilot_test
async def test_an_empty_or_missing_folder_says_so(tmp_path, kind):
    folder = tmp_path if kind == "empty" else tmp_path / "nowhere"
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "There are no lessons" in text_of(app.screen.query_one("#continue"))
        if kind == "missing":
            assert "no such folder" in rows(app)[0]
        await pilot.press("c", "t", "enter")
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_too_small_a_terminal_gets_a_message_until_it_grows():
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "needs 80×24, now 70×20" in text_of(app.screen.query_one("#too-small"))
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.handler_error
@pilot_test
async def test_an_exception_in_a_handler_is_a_message_not_a_crash(monkeypatch):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 0)

        def boom(text):
            raise RuntimeError("kaboom")

        monkeypatch.setattr(screen.session, "submit", boom)
        await answer(pilot, "1")
        assert app.is_running and app.screen is screen
        messages = [n.message for n in app._notifications]
        assert any("kaboom" in m and "answers so far are saved" in m for m in messages)


@pilot_test
async def test_a_damaged_progress_file_is_moved_aside_and_said(_isolated_home):
    (_isolated_home / "progress.sqlite3").write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        warning = text_of(app.screen.query_one("#store-warning"))
        assert "damaged" in warning and "moved to" in warning


@pilot_test
async def test_progress_that_cannot_be_saved_is_said_plainly(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("TUTOR_HOME", str(blocker / "home"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Progress is not being saved" in text_of(app.screen.query_one("#store-warning"))
        screen = await open_lesson(pilot, "manual-backprop")
        await to_question(pilot, screen, 0)
        await answer(pilot, "1")  # still works, in memory
        assert feedback(screen).has_class("-correct")


# -- help and commands -----------------------------------------------------------------------


@pilot_test
async def test_help_and_the_palette_list_every_action_of_the_screen():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_lesson(pilot, "manual-backprop")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        entries = {entry.name: entry.keys for entry in app.screen.entries()}
        for word in (
            "Hint",
            "Reveal",
            "Skip",
            "Derive",
            "Zoom",
            "Reset lesson",
            "Quit",
            "Commands",
        ):
            assert word in entries
        assert entries["Hint"] == "^t" and entries["Help"] == "F1, ?"
        await pilot.press("escape")
        screen = app.screen
        assert isinstance(screen, LessonScreen)

        # every action of the screen is a palette command, doing what its key does
        await to_question(pilot, screen, 1)
        names = {name for name, _, _ in screen.palette_commands()}
        assert {"Back", "Next", "Hint", "Reveal", "Skip", "Derive", "Zoom", "Reset lesson"} <= names
        assert "Course" in names
        hint = next(c for n, _, c in screen.palette_commands() if n == "Hint")
        await hint()
        await pilot.pause()
        assert "Hint 1 of" in narrative_text(screen)


@pilot_test
async def test_course_commands_jump_to_any_lesson():
    from tutor.tui.commands import CourseCommands

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until_course(pilot)
        provider = CourseCommands(app.screen)
        names = [name for name, _, _ in provider._commands()]
        assert "Open lesson 7: A neuron" in names
        assert "Quiz on lesson 7: A neuron" in names
        callback = dict((n, c) for n, _, c in provider._commands())["Open lesson 7: A neuron"]
        callback()
        await until_lesson(pilot)
        assert app.screen.session.lesson.id == "neuron"
