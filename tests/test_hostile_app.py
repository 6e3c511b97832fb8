"""The app with someone else's lessons and hostile answers: text stays text, work
that does not end is cut off, and the app keeps answering keys."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import HeldChecker, pilot_test
from textual import events
from textual.widgets import OptionList, Static
from tui_pilot import until_lesson

from bench.hostile_lessons import OF_OVERFLOW, OF_OVERFLOW_LINE, training_network
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
    import tutor.runtime.budget as budget

    monkeypatch.setattr(budget, "APP_CHECK_SECONDS", 2.0)
    folder = folder_with(tmp_path, squares=SQUARES, markup=MARKUP)
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if "squares" in app.checked:
                break
        (error,) = app.checked["squares"]
        assert "time budget (2 s of CPU time)" in error.message
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


@pilot_test
async def test_no_exact_gradients_in_the_app_before_the_budgeted_check_passes(
    tmp_path, monkeypatch
):
    """The warm-up (SymPy's exact gradients, in a thread of the app) of a lesson whose
    check runs out of its budget never starts: it grew the app to 3.8 GB."""
    import tutor.tui.screens.lesson as lesson_screen
    from tutor.lesson.model import LessonError

    warmed: list[tuple[str, bool]] = []

    def warm_up(graph) -> None:
        screen = app.screen
        warmed.append((graph.output.label, isinstance(screen, LessonScreen) and screen.checking))

    monkeypatch.setattr(lesson_screen, "warm_up", warm_up)
    # the check's verdict, when the test says so (release)
    verdict = HeldChecker(
        lambda lesson: [LessonError(str(lesson.path), None, "the check ran out of its time budget")]
    )
    app = create_app(folder_with(tmp_path, squares=SQUARES), seeds=lambda: 1, checker=verdict)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lesson("squares")
        screen = await until_lesson(pilot, checked=False)
        assert screen.checking
        screen.action_derive()  # SymPy on its numbers waits for the check too
        await pilot.pause(0.3)
        assert "still being checked" in str(screen.query_one(Feedback).render())
        assert warmed == []
        verdict.release.set()
        for _ in range(200):
            await pilot.pause(0.05)
            if "squares" in app.checked:
                break
        assert "time budget" in app.checked["squares"][0].message
        await pilot.pause()
        assert not isinstance(app.screen, LessonScreen)  # closed, never warmed
        await pilot.press("ctrl+q")
    assert warmed == []
    # a real check (the default checker), passed
    (tmp_path / "good").mkdir()
    app = create_app(folder_with(tmp_path / "good", markup=MARKUP), seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_lesson("markup")
        await until_lesson(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+q")
    assert warmed == [("b", False)]  # the good lesson, once its check had passed


@pilot_test
async def test_a_quiz_is_drawn_off_the_ui_thread_and_ctrl_q_quits_at_once(tmp_path):
    """`t` on a lesson whose draws train for minutes froze the app (ctrl+q after 124 s):
    the draw waits for the budgeted check, in a worker, and quitting stops it."""
    app = create_app(folder_with(tmp_path, net=training_network()), seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if app.course is not None:
                break
        start = time.perf_counter()
        app.start_quiz("net-draws")
        await pilot.pause()
        # the UI thread drew nothing (drawing there takes minutes; a loaded machine can
        # hold a frame for a second)
        assert time.perf_counter() - start < 5
        assert not isinstance(app.screen, LessonScreen)
        await pilot.pause(0.7)
        assert "Drawing fresh numbers" in str([n.message for n in app._notifications])
        start = time.perf_counter()
        await pilot.press("ctrl+q")
    assert time.perf_counter() - start < 2
    assert app.return_code == 0


@pilot_test
async def test_closing_the_app_arms_the_exit_watchdog(tmp_path, monkeypatch):
    """Its shutdown once blocked for 78 minutes on a bell to a full writer queue: the
    way out (ctrl+q, a signal, the terminal gone) arms a watchdog first."""
    from tutor.tui import watchdog

    armed: list[int] = []
    monkeypatch.setattr(watchdog, "arm", lambda code, restore=None: armed.append(code))
    app = create_app(folder_with(tmp_path, markup=MARKUP), seeds=lambda: 1)
    app.watchdog = True  # as `run_app` sets it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert armed == []
        app.exit(None, 143)  # as SIGTERM does
        await pilot.pause()
    assert armed == [143]


HOSTILE_TOML = {
    "digits": 'format = 1\nid = "digits"\ntitle = "T"\norder = 1' + "0" * 4300 + "\n",
    "deep": 'format = 1\nid = "deep"\ntitle = "T"\nz = ' + "[" * 1000 + "]" * 1000 + "\n",
    "inline": 'format = 1\nid = "inline"\ntitle = "T"\nz = ' + "{a = " * 1000 + "1" + "}" * 1000,
}


@pilot_test
async def test_hostile_toml_and_a_huge_sparse_file_leave_the_course_listed(tmp_path):
    """A 4301-digit number, TOML nested 1000 deep, a sparse 100 GiB file: the header
    scan gives up on them and the full load reports each at PATH:LINE or by size."""
    folder = folder_with(tmp_path, markup=MARKUP, **HOSTILE_TOML)
    try:
        with open(folder / "huge.toml", "wb") as huge:
            huge.truncate(100 * 1024**3)  # sparse: no disk used, never to be read
    except OSError:
        (folder / "huge.toml").unlink()
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.course is not None:
                break
            await pilot.pause(0.02)
        assert [lesson.id for lesson in app.course.lessons] == ["markup"]
        errors = [str(error) for error in app.course.errors]
        assert any(
            e.startswith(f"{folder / 'digits.toml'}:4: TOML: a whole number") for e in errors
        )
        assert any(
            e.startswith(f"{folder / 'deep.toml'}:4: TOML: tables or arrays") for e in errors
        )
        assert any(e.startswith(f"{folder / 'inline.toml'}:4: TOML: tables or") for e in errors)
        if (folder / "huge.toml").exists():
            assert any(
                e.startswith(f"{folder / 'huge.toml'}: the file is too large") for e in errors
            )
        await pilot.press("ctrl+q")
    assert app.return_code == 0


IMPOSTOR = """\
format = 1
id = "tiny"
title = "Impostor"
[[steps]]
say = "I am not the lesson whose progress you see."
"""


@pilot_test
async def test_a_file_claiming_a_lessons_id_never_takes_over_it_or_its_progress(tmp_path):
    """A stranger's `00-aaa.toml` with the id of a good lesson, sorting first: no file
    with that id is listed, and the errors name both files."""
    from conftest import TINY_LESSON

    from tutor.progress import Answer, ProgressStore

    folder = folder_with(tmp_path, **{"10-tiny": TINY_LESSON, "00-aaa": IMPOSTOR})
    (folder / "20-markup.toml").write_text(MARKUP)
    with ProgressStore.open() as store:
        for index in range(2):
            store.record_answer(Answer("tiny", 0, index, "-3", "correct", points=1.0))
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.course is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert [lesson.id for lesson in app.course.lessons] == ["markup"]
        errors = [str(error) for error in app.course.errors]
        assert any(
            e.startswith(f"{folder / '00-aaa.toml'}:2: duplicate id `tiny` (also in 10-tiny.toml)")
            for e in errors
        )
        assert any(
            e.startswith(f"{folder / '10-tiny.toml'}:2: duplicate id `tiny`") for e in errors
        )
        rows = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert not any("Impostor" in row or "Tiny" in row for row in rows)
        await pilot.press("ctrl+q")
    assert app.return_code == 0


def _titled(lesson_id: str, title: str, summary: str) -> str:
    return (
        MARKUP.replace('id = "markup"', f'id = "{lesson_id}"')
        .replace('title = "Markup [/] [b]bold[/b]"', f'title = "{title}"')
        .replace(
            'summary = "[/] [link=http://x]x[/link] [@click=app.quit]quit[/]"',
            f'summary = "{summary}"',
        )
    )


@pilot_test
async def test_the_course_list_shows_its_lessons_at_80x24_whatever_the_titles(tmp_path):
    """Titles and summaries at their bounds (80 and 300 characters), long file names, a
    1.6 KB title (refused at its line): the lessons stay in view."""
    longest = ("Welcome " * 10).strip()[:80].ljust(80, "x")
    files = {  # a file name of 200 characters makes the detail line wrap too
        f"{n:02}-{'long' * 49}": _titled(f"long-{n}", longest, ("Summary " * 40)[:300])
        for n in range(1, 5)
    }
    files["00-huge"] = _titled("huge", "Welcome " * 200, "s")
    folder = tmp_path / "lessons"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.toml").write_text(text)
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.course is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        assert [lesson.id for lesson in app.course.lessons] == [f"long-{n}" for n in range(1, 5)]
        (error,) = app.course.errors
        assert str(error).startswith(f"{folder / '00-huge.toml'}:3: `title` is too long")
        course_list = app.screen.query_one(OptionList)
        shown = course_list.content_region
        rows = [str(o.prompt) for o in course_list.options]
        assert len(rows) == 5 and shown.bottom <= 23  # above the footer, on screen
        assert shown.height >= len(rows)  # every row in view, none scrolled off
        assert all(f"{n}  Welcome Welcome" in rows[n - 1] for n in range(1, 5))
        await pilot.press("ctrl+q")
    assert app.return_code == 0


@pilot_test
async def test_a_question_whose_answer_overflows_never_crashes_the_app(tmp_path):
    """Another output's gradient that overflows (found by the check, not at load): the
    question can be shown while the check runs, nothing grades it, the check refuses
    the lesson at the question's line and the app goes on."""
    folder = folder_with(tmp_path, of=OF_OVERFLOW, markup=MARKUP)
    app = create_app(folder, seeds=lambda: 1)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.course is not None:
                break
            await pilot.pause(0.02)
        app.open_lesson("of-overflow")
        for _ in range(10):  # to the question while its check runs, as a quick student
            await pilot.pause(0.02)
            if isinstance(app.screen, LessonScreen):
                app.screen.action_next()
        for _ in range(600):
            await pilot.pause(0.05)
            if "of-overflow" in app.checked:
                break
        (error,) = app.checked["of-overflow"]
        assert error.line == OF_OVERFLOW_LINE and "the answer is inf" in error.message
        await pilot.pause()
        assert app.is_running
        assert [lesson.id for lesson in app.course.lessons] == ["markup"]
        await pilot.press("ctrl+q")
    assert app.return_code == 0
