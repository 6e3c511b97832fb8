"""The course list's first frame: lesson headers read without the lesson code, and
standings from the store with the session's own scoring rules."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList

from tutor.headers import MAX_FILE_BYTES, MAX_FILES, header_of, scan_course
from tutor.lesson import load_lesson_text
from tutor.lesson.folder import MAX_FILES as LOADER_MAX_FILES
from tutor.lesson.folder import load_course
from tutor.lesson.loader import MAX_FILE_BYTES as LOADER_MAX_FILE_BYTES
from tutor.paths import bundled_lessons
from tutor.progress import Answer, ProgressStore
from tutor.session import Session
from tutor.standing import stored_standing
from tutor.tui.app import create_app

LESSON = """
format = 1
id = "{id}"
title = "  {title}  "
summary = "What it is about."
{extra}
graph = \"\"\"
a = 2.0
b = -3.0
L = a * b
\"\"\"

[[steps]]
say = "L is {{L}}."
[[steps]]
ask = "grad"
node = "a"
points = 2
[[steps]]
ask = "grad"
node = "b"
[[steps]]
ask = "value"
node = "L"
points = 0.5
"""


def lesson_text(lesson_id: str, title: str, extra: str = "") -> str:
    return LESSON.format(id=lesson_id, title=title, extra=extra)


def loaded_headers(folder: Path):
    return [header_of(lesson) for lesson in load_course(folder).lessons]


def test_the_bundled_course_scans_as_it_loads():
    headers = scan_course(bundled_lessons())
    assert headers is not None and len(headers) == 18
    assert headers == loaded_headers(bundled_lessons())


def test_order_pass_mark_and_points_are_read_as_the_loader_reads_them(tmp_path):
    (tmp_path / "01-a.toml").write_text(lesson_text("a", "First file", "order = 2\npass = 0.5"))
    (tmp_path / "02-b.toml").write_text(lesson_text("b", "Second file", "order = 1"))
    (tmp_path / "03-c.toml").write_text(lesson_text("c", "Third file"))
    headers = scan_course(tmp_path)
    assert headers == loaded_headers(tmp_path)
    assert [h.id for h in headers] == ["b", "a", "c"]
    first = headers[1]
    assert (first.title, first.steps, first.points, first.pass_mark) == (
        "First file",
        4,
        (2.0, 1.0, 0.5),
        0.5,
    )


@pytest.mark.parametrize(
    "text",
    [
        "format = 1\nid = [",  # not TOML
        lesson_text("a", "x").replace('title = "  x  "', ""),  # no title
        lesson_text("a", "x", "pass = true"),  # a pass mark of the wrong type
        lesson_text("a", "x").replace("points = 2", 'points = "two"'),
        lesson_text("a", "x").replace("[[steps]]", "[steps]", 1),  # steps not an array
        lesson_text("a", "x\\u001b]2;t\\u0007"),  # the loader refuses it: never shown
        lesson_text("a", "x\u202e"),
        lesson_text("a", "x").replace("What it", "\\u2067What it"),
    ],
)
def test_a_file_the_scan_is_not_sure_of_leaves_the_folder_to_the_full_load(tmp_path, text):
    (tmp_path / "01-good.toml").write_text(lesson_text("good", "Good"))
    (tmp_path / "02-odd.toml").write_text(text)
    assert scan_course(tmp_path) is None


def test_duplicate_ids_a_large_file_or_no_file_leave_it_to_the_full_load(tmp_path):
    assert scan_course(tmp_path) is None  # empty
    assert scan_course(tmp_path / "missing") is None
    (tmp_path / "01-a.toml").write_text(lesson_text("a", "One"))
    (tmp_path / "02-a.toml").write_text(lesson_text("a", "Two"))
    assert scan_course(tmp_path) is None
    (tmp_path / "02-a.toml").write_text(lesson_text("b", "Two") + "#" * MAX_FILE_BYTES)
    assert scan_course(tmp_path) is None


def test_the_scan_limits_are_the_loaders():
    assert (MAX_FILES, MAX_FILE_BYTES) == (LOADER_MAX_FILES, LOADER_MAX_FILE_BYTES)
    from tutor import headers
    from tutor.lesson import loader

    assert (headers.MAX_TITLE, headers.MAX_SUMMARY) == (loader.MAX_TITLE, loader.MAX_SUMMARY)
    assert headers.MAX_ID == loader.MAX_ID


def test_a_standing_from_the_store_is_the_sessions(tmp_path):
    lesson = load_lesson_text(lesson_text("s", "Scored", "pass = 0.6"))
    points = [ask.points for ask in lesson.questions]

    def both(store):
        session = Session(lesson)
        session.restore_history(store.answer_rows("s"), store.position("s").done)
        expected = session.standing(True)
        assert stored_standing(store, "s", points, lesson.pass_mark, True) == expected
        return expected

    def answer(store, index, verdict, points=0.0, hints=0, mode="lesson"):
        store.record_answer(Answer("s", index, 0, "x", verdict, None, hints, points, mode))

    with ProgressStore.open(tmp_path / "p.sqlite3") as store:
        assert both(store).settled == 0
        answer(store, 0, "incorrect")
        answer(store, 0, "correct", 1.5, hints=2)
        store.mark_done("s", 0)
        answer(store, 1, "correct", 1.0, mode="quiz")  # a quiz answer: not the lesson's
        answer(store, 1, "skipped")
        store.mark_done("s", 1)
        store.mark_done("s", 7)  # a question the file no longer has
        now = both(store)
        assert (now.settled, now.score, now.total, now.passed) == (2, 1.5, 3.5, False)
        answer(store, 2, "correct", 0.5)
        store.mark_done("s", 2)
        now = both(store)
        assert now.finished and now.score == 2.0 and now.passed is False


FIRST_FRAME = """
import asyncio, sys
import tutor.cli  # `tutor` alone: the entry point, then the app
from tutor.tui.app import TutorApp, create_app

seen = {}
load = TutorApp.load

def spy(self):
    if not seen:
        option_list = self.screen.query_one("#course-list")
        seen["rows"] = option_list.option_count
        seen["heavy"] = sorted(
            m for m in ("tutor.lesson", "tutor.check", "tutor.session", "sympy", "argparse")
            if m in sys.modules
        )
    load(self)

TutorApp.load = spy

async def main():
    app = create_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.pause()
        print(seen["rows"], ",".join(seen["heavy"]) or "-", app.course is not None)

asyncio.run(main())
"""


def test_the_course_is_listed_before_the_lesson_code_is_imported():
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["18", "-", "True"]


def test_a_file_that_scans_but_does_not_load_turns_into_its_error_once_loaded(tmp_path):
    (tmp_path / "01-good.toml").write_text(lesson_text("good", "Good"))
    # valid TOML with the keys the list needs, but a node the graph does not have
    (tmp_path / "02-bad.toml").write_text(lesson_text("bad", "Bad").replace('"b"', '"zz"'))
    assert [h.id for h in scan_course(tmp_path)] == ["good", "bad"]
    shown: list[list[str]] = []

    async def run():
        app = create_app(tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            option_list = app.screen.query_one(OptionList)
            shown.append([str(o.prompt) for o in option_list.options])  # the first frame
            for _ in range(20):
                await pilot.pause()
                if app.course is not None:
                    break
            await pilot.pause()
            shown.append([str(o.prompt) for o in option_list.options])

    asyncio.run(run())
    first, loaded = shown
    assert len(first) == 2 and "Bad" in first[1]
    assert "Good" in loaded[0] and "02-bad.toml:" in loaded[1] and "zz" in loaded[1]


def test_the_home_screen_is_the_apps_default_screen():
    # Composed with the app, as a bare app's widgets are: pushed from on_mount it was
    # laid out and drawn during Textual's start-up batch, a frame never shown.
    from tutor.tui.screens.home import HomeScreen

    async def run():
        app = create_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert [type(screen) for screen in app.screen_stack] == [HomeScreen]
            assert app.home is app.screen

    asyncio.run(run())


RUN_APP = """
import sys
from tutor.paths import lessons_dir
from tutor.tui.app import TutorApp, run_app

seen = []
heavy = ("tutor.lesson", "tutor.check", "tutor.runtime.budget", "sympy")
TutorApp.run = lambda self, *a, **k: seen.extend(m for m in heavy if m in sys.modules)
run_app(lessons_dir())
print(",".join(seen) or "-")
"""


def test_run_app_imports_no_lesson_code_before_the_app_starts():
    # The checker's module pulls in the lesson code (~50 ms): importing it in run_app,
    # before the first paint, cost 1.77x against 1.49x a bare app's first paint.
    result = subprocess.run(
        [sys.executable, "-c", RUN_APP], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["-"]


@pytest.mark.parametrize(
    "text",
    [
        lesson_text("a", "x").replace("title", "order = 1" + "0" * 4300 + "\ntitle"),
        lesson_text("a", "x") + "z = " + "[" * 1000 + "]" * 1000 + "\n",
        lesson_text("a", "x") + "z = " + "{a = " * 1000 + "1" + "}" * 1000 + "\n",
    ],
    ids=["4301-digits", "deep-array", "deep-inline-table"],
)
def test_a_file_that_breaks_the_toml_reader_leaves_it_to_the_full_load(tmp_path, text):
    (tmp_path / "01-good.toml").write_text(lesson_text("good", "Good"))
    (tmp_path / "02-odd.toml").write_text(text)
    assert scan_course(tmp_path) is None


def test_a_sparse_huge_file_is_refused_by_its_size_unread(tmp_path, monkeypatch):
    import tutor.headers as headers

    (tmp_path / "01-good.toml").write_text(lesson_text("good", "Good"))
    with open(tmp_path / "02-huge.toml", "wb") as huge:
        huge.truncate(3 * 1024**3)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
    assert headers.scan_course(tmp_path) is None
