"""The app with someone else's lessons and hostile answers: text stays text, work
that does not end is cut off, and the app keeps answering keys."""

from __future__ import annotations

import asyncio
import functools
import time
from pathlib import Path

from textual import events
from textual.widgets import Static
from tui_pilot import until_lesson

from tutor.tui.app import create_app
from tutor.tui.screens.lesson import LessonScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.feedback import Feedback

SIZE = (100, 30)

MARKUP = """\
format = 1
id = "markup"
title = "Markup [/] [b]bold[/b]"
summary = "[/] [link=http://x]x[/link] [@click=app.quit]quit[/]"
graph = \"\"\"
a = 2.0
b = a * 3
\"\"\"
[[steps]]
say = "Say [/] [@click=app.quit]q[/]"
[[steps]]
ask = "grad"
node = "a"
prompt = "Prompt [/] [red]red[/red] {a}"
hints = ["Hint [/] [link=x]y[/link]"]
"""

SQUARES = (
    'format = 1\nid = "squares"\ntitle = "Squares [/]"\ngraph = """\na = 0.5\n'
    + "\n".join(f"s{i} = {'a' if i == 1 else f's{i - 1}'} ** 2" for i in range(1, 41))
    + '\n"""\n[[steps]]\nask = "grad"\nnode = "a"\n'
)


def pilot_test(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text)
    return folder


@pilot_test
async def test_markup_in_a_lesson_is_shown_as_text(tmp_path):
    app = create_app(folder_with(tmp_path, markup=MARKUP), seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(50):
            if app.course is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        detail = str(app.screen.query_one("#lesson-detail", Static).render())
        assert "[/] [link=http://x]x[/link] [@click=app.quit]quit[/]" in detail
        app.open_lesson("markup")
        screen = await until_lesson(pilot)
        assert isinstance(screen, LessonScreen)
        assert "Markup [/] [b]bold[/b]" in str(screen.query_one("#lesson-title").render())
        screen.action_next()
        await pilot.pause()
        screen.query_one(AnswerInput).value = "[/] [@click=app.quit]x[/]"
        await pilot.press("enter")
        await pilot.pause()
        assert "[/] [@click=app.quit]x[/]" in str(screen.query_one(Feedback).render())
        app.notify("[/] a notification that quotes [b]a file[/b]")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def markup_question(pilot) -> LessonScreen:
    """The markup lesson's question, open (after its first step)."""
    await pilot.pause()
    pilot.app.open_lesson("markup")
    screen = await until_lesson(pilot)
    screen.action_next()
    await pilot.pause()
    return screen


@pilot_test
async def test_a_huge_literal_answer_is_refused_at_once(tmp_path):
    app = create_app(folder_with(tmp_path, markup=MARKUP), seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await markup_question(pilot)
        box = screen.query_one(Feedback)
        for text in ("1e999999999", "9" * 400, "2**-1074"):
            start = time.perf_counter()
            screen.query_one(AnswerInput).value = text
            await pilot.press("enter")
            await pilot.pause()
            assert time.perf_counter() - start < 10
            assert box.has_class("-not-understood"), text
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


@pilot_test
async def test_a_lesson_whose_check_runs_out_of_budget_is_not_shown(tmp_path, monkeypatch):
    import tutor.author.budget as budget

    monkeypatch.setattr(budget, "APP_CHECK_SECONDS", 2.0)
    folder = folder_with(tmp_path, squares=SQUARES, markup=MARKUP)
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if "squares" in app.checked:
                break
        (error,) = app.checked["squares"]
        assert "time budget (2 s)" in error.message
        assert [lesson.id for lesson in app.course.lessons] == ["markup"]
        await pilot.press("ctrl+q")
    assert app.return_code == 0


def big_lesson(lesson_id: str) -> str:
    """About 115 KB: 240 graph lines of long names, 4,500 nodes (near the format's bounds)."""
    lines = ["a = 0.5"]
    for i in range(1, 240):
        prev = "a" if i == 1 else f"n{i - 1}_{'x' * 60}"
        terms = [f"{prev}*{k % 9 + 1}" for k in range(6)]
        lines.append(f"n{i}_{'x' * 60} = ({' + '.join(terms)}) * 0.01")
    graph = "\n".join(lines)
    return (
        f'format = 1\nid = "{lesson_id}"\ntitle = "Big"\ngraph = """\n{graph}\n"""\n'
        '[[steps]]\nask = "grad"\nnode = "a"\n'
    )


@pilot_test
async def test_a_large_folder_loads_in_the_background_and_ctrl_q_quits(tmp_path):
    folder = folder_with(tmp_path, **{f"big{n:02}": big_lesson(f"big{n:02}") for n in range(12)})
    app = create_app(folder, seeds=lambda: 1)
    start = time.perf_counter()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        assert app.course is None  # still loading, and the app answers keys meanwhile
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert time.perf_counter() - start < 10  # not the whole folder's loading time


@pilot_test
async def test_a_large_folder_is_listed_once_loaded(tmp_path):
    folder = folder_with(tmp_path, a=big_lesson("big-a"), b=big_lesson("big-b"))
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.course is not None:
                break
        assert [lesson.id for lesson in app.course.lessons] == ["big-a", "big-b"]
        await pilot.press("ctrl+q")
    assert app.return_code == 0


@pilot_test
async def test_a_pasted_bidi_character_is_named_and_shown_escaped(tmp_path):
    app = create_app(folder_with(tmp_path, markup=MARKUP), seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await markup_question(pilot)
        box = screen.query_one(AnswerInput)
        box.focus()
        box.post_message(events.Paste("\u202e3"))
        await pilot.pause()
        assert box.value == "\u202e3"
        await pilot.press("enter")
        await pilot.pause()
        feedback = screen.query_one(Feedback)
        shown = str(feedback.render())
        assert feedback.has_class("-not-understood")
        assert "U+202E (RIGHT-TO-LEFT OVERRIDE)" in shown
        assert "\\u202e3" in shown and "\u202e" not in shown
        assert app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
