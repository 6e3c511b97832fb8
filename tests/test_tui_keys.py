"""The repros of issue 10, points 2 and 3: no keystroke lost, one truth on every screen.

Keys are pressed for real here (the point is what each key does), at 80×24.
"""

from __future__ import annotations

import asyncio

from conftest import make_app, pilot_test
from textual.events import Key, Paste
from textual.geometry import Region
from tui_pilot import until_course, until_lesson

from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import ProgressStore
from tutor.tui.screens.help import HelpScreen
from tutor.tui.screens.home import HomeScreen
from tutor.tui.screens.lesson import DERIVATION, GRAPH, LessonScreen
from tutor.tui.screens.training import TYPED_HERE, TrainingScreen
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.feedback import Feedback
from tutor.tui.widgets.graph_panel import GraphPanel

SMALL = (80, 24)
#: manual-backprop's question count, from the file (never written out by hand).
BACKPROP_QUESTIONS = len(load_course(bundled_lessons()).find("manual-backprop").questions)


async def open_at(pilot, lesson_id: str, position: int) -> LessonScreen:
    await pilot.pause()
    pilot.app.checked[lesson_id] = []
    pilot.app.open_lesson(lesson_id)
    screen = await until_lesson(pilot)
    screen.go_to(position)
    await pilot.pause()
    return screen


def feedback(screen) -> str:
    return str(screen.query_one(Feedback).render())


@pilot_test
async def test_typing_after_derive_and_tab_still_answers(monkeypatch):
    # "Gradients add up", step 5: ctrl+l, Tab, type 1, Enter. (The repro pressed
    # ctrl+l twice; on this question the derivation ends in the answer, so the
    # second press would now reveal it: see tests/test_derivation_reveal.py.)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "gradients-add-up", 4)
        await pilot.press("ctrl+l", "tab", "1", "enter")
        await pilot.pause()
        assert screen.session.record.status == "correct", feedback(screen)
        assert "Correct" in feedback(screen)


@pilot_test
async def test_typing_while_zoomed_goes_to_the_answer_box(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "gradients-add-up", 4)
        await pilot.press("ctrl+g")
        assert screen.maximized is not None
        await pilot.press("1", "enter")
        await pilot.pause()
        assert screen.maximized is None
        assert screen.session.record.status == "correct"


@pilot_test
async def test_enter_after_a_correct_answer_goes_on_and_grades_nothing(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "manual-backprop", 3)  # dL/dL
        box = screen.query_one(AnswerInput)
        box.value = "1"
        await pilot.press("enter")
        assert "Correct" in feedback(screen)
        await pilot.press("5", "enter")
        await pilot.pause()
        assert screen.session.position == 4, "Enter went on"
        verdicts = [row["verdict"] for row in app.store.answer_rows("manual-backprop")]
        assert verdicts == ["correct"]


@pilot_test
async def test_escape_closes_the_topmost_panel_before_leaving(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "manual-backprop", 5)  # dL/dd: an edge to derive
        await pilot.press("ctrl+l", "ctrl+l")  # the first press warns that it reveals
        assert screen.view == DERIVATION
        await pilot.press("ctrl+g")
        assert screen.maximized is not None
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen and screen.maximized is not None
        await pilot.press("escape")
        assert screen.maximized is None and screen.view == DERIVATION
        await pilot.press("escape")
        assert app.screen is screen and screen.view == GRAPH
        assert screen.focused is screen.query_one(AnswerInput)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_every_lesson_key_says_what_it_does_in_the_help():
    """The help lists every binding of the lesson screen: a key bound twice (ctrl+o's
    view, else the student's engine in lessons 17 and 18) says what each does."""
    from textual.binding import Binding

    bindings = [b for b in LessonScreen.BINDINGS if isinstance(b, Binding)]
    assert [b.description for b in bindings if not b.tooltip] == []
    training = [b.tooltip for b in bindings if b.key == "ctrl+o"]
    assert len(training) == 2 and any("_backward rules" in t for t in training)


@pilot_test
async def test_skip_back_and_answer_later_agree_with_home_and_progress(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "manual-backprop", 3)
        await pilot.press("ctrl+s")  # skip dL/dL
        await pilot.pause()
        header = str(screen.query_one("#lesson-score").render())
        assert header == f"1 of {BACKPROP_QUESTIONS} done"
        await pilot.press("ctrl+b")
        screen.query_one(AnswerInput).value = "1"  # and answer it after all
        await pilot.press("enter")
        await pilot.pause()
        header = str(screen.query_one("#lesson-score").render())
        count = BACKPROP_QUESTIONS
        summary = {s.lesson_id: s for s in app.store.summaries({"manual-backprop": count})}
        done = summary["manual-backprop"].done
        assert header == f"{done} of {count} done" == f"1 of {count} done"
        await pilot.press("escape")
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        row = home.query_one("#course-list").get_option("manual-backprop").prompt
        assert f"1 of {BACKPROP_QUESTIONS} questions" in str(row)


@pilot_test
async def test_continue_offers_the_next_unfinished_lesson(monkeypatch, tmp_path):
    store = ProgressStore.open(None)
    store.open_lesson("derivative-by-nudging")
    for index in range(5):
        store.mark_done("derivative-by-nudging", index)
    store.set_step("derivative-by-nudging", 13)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#continue").render())
        assert "2. The expression graph" in shown and "step 14" not in shown
        await pilot.press("c")
        screen = await until_lesson(pilot)
        assert screen.session.lesson.id == "expression-graph"


@pilot_test
async def test_the_asked_node_stays_whole_in_view_through_resizes(monkeypatch):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_at(pilot, "tanh-from-pieces", 0)
        position = max(
            p for p, q in screen.session._question_of_step.items() if screen.session.steps[p].node
        )
        screen.go_to(position)
        await pilot.pause()
        panel = screen.query_one(GraphPanel)
        for size in [(80, 24), (120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            box = panel._focus_box
            assert box is not None
            view = Region(
                int(panel.scroll_x), int(panel.scroll_y), *panel.scrollable_content_region.size
            )
            assert view.contains_region(Region(box.col, box.row, box.width, box.height)), size
            assert panel.picture.width <= panel.scrollable_content_region.width, "no box cut"


@pilot_test
async def test_up_and_down_scroll_the_graph_from_the_answer_box(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "tanh-from-pieces", 0)
        await pilot.press("ctrl+g", "escape")  # zoom in and out: the keys stay with the box
        panel = screen.query_one(GraphPanel)
        panel.styles.height = 3  # a panel shorter than its picture
        await pilot.pause()
        assert panel.max_scroll_y > 0
        assert screen.focused is screen.query_one(AnswerInput)
        await pilot.press("down")
        assert panel.scroll_y > 0
        await pilot.press("up")
        assert panel.scroll_y == 0


def test_a_course_row_never_wraps_at_80_or_100_columns():
    import io

    from rich.console import Console

    from tutor.tui.widgets.course_list import LessonRow, _line

    async def widths() -> list[int]:
        found = []
        for size in [(80, 24), (100, 30)]:
            app = make_app()
            async with app.run_test(size=size) as pilot:
                await pilot.pause()
                found.append(app.screen.query_one("#course-list").scrollable_content_region.width)
        return found

    row = LessonRow(
        "local-derivatives",
        "11",
        "Local derivatives from the limit definition, and a longer title still",
        "12 of 13 questions",
        "quiz 6.75/8 not passed",
    )
    for width in asyncio.run(widths()):
        console = Console(width=width, file=io.StringIO(), record=True)
        console.print(_line(row, width))
        lines = console.export_text().rstrip("\n").split("\n")
        assert len(lines) == 1, lines
        assert "12 of 13 questions" in lines[0] and "quiz 6.75/8" in lines[0], lines


# -- issue 19, point 4: no key lost across a step change -------------------------------------

KEY_NAMES = {".": "full_stop", "-": "minus", "\r": "enter"}


def burst(app, text: str) -> None:
    """``text`` as key events all queued at once, as a terminal hands over a fast typist's
    keys (``\\r`` is Enter): the pilot's `press` waits for each key, and so hides a race."""
    for character in text:
        app.post_message(Key(KEY_NAMES.get(character, character), character))


async def settle(pilot) -> None:
    for _ in range(5):
        await pilot.pause()


@pilot_test
async def test_a_burst_across_a_step_change_lands_whole_in_the_next_box(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "loss-over-data", 2)  # asks L1, then step 4 asks L2
        values = screen.session.graph.values()
        first, second = f"{values['L1']:.4f}", f"{values['L2']:.4f}"
        burst(app, f"{first}\r\r{second}")
        await settle(pilot)
        assert screen.session.position == 3
        assert screen.session.records[0].status == "correct", feedback(screen)
        assert screen.query_one(AnswerInput).value == second


@pilot_test
async def test_backspace_and_a_step_key_keep_their_place_among_typed_keys(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "manual-backprop", 3)  # dL/dL, then a reading step
        burst(app, "12")
        app.post_message(Key("backspace", None))
        burst(app, "3")
        await settle(pilot)
        assert screen.query_one(AnswerInput).value == "13"
        app.post_message(Key("ctrl+b", None))  # back to a step that asks nothing
        burst(app, "7")
        await settle(pilot)
        assert screen.session.position == 2
        assert screen.query_one(AnswerInput).value == ""
        assert "asks for no answer" in feedback(screen)


@pilot_test
async def test_typing_where_no_answer_is_taken_is_said(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "manual-backprop", 0)  # a step that asks nothing
        await pilot.press("5")
        assert screen.query_one(AnswerInput).value == ""
        assert "asks for no answer" in feedback(screen) and "Enter goes on" in feedback(screen)
        screen.query_one(Feedback).clear()
        app.post_message(Paste("0.5"))  # pasted, the same
        await settle(pilot)
        assert screen.query_one(AnswerInput).value == ""
        assert "asks for no answer" in feedback(screen)

        screen.go_to(3)  # dL/dL, answered right: Enter goes on, typing is not taken
        await pilot.pause()
        screen.query_one(AnswerInput).value = "1"
        await pilot.press("enter", "4")
        assert screen.query_one(AnswerInput).value == ""
        assert "answered this one right" in feedback(screen)


@pilot_test
async def test_typing_in_the_training_view_is_said_to_go_nowhere(monkeypatch):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, "gradient-descent", 0)
        view = next(
            p
            for p, step in enumerate(screen.session.steps)
            if getattr(step, "what", None) == "training"
        )
        screen.go_to(view)
        await pilot.pause()
        await pilot.press("enter")  # opens the training view
        assert isinstance(app.screen, TrainingScreen)
        app.clear_notifications()
        await pilot.press("5", "5")
        said = [n.message for n in app._notifications]
        assert said == [TYPED_HERE], "said once"


def highlighted_row_in_view(course_list) -> bool:
    """Whether the course list's highlighted row lies inside the rows it shows."""
    first = round(course_list.scroll_offset.y)
    shown = course_list.scrollable_content_region.height
    return first <= course_list.highlighted < first + shown  # one line a lesson


@pilot_test
async def test_after_leaving_a_lesson_its_row_in_the_course_list_is_in_view(monkeypatch):
    from tutor.tui.widgets.course_list import CourseList

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        lessons = [lesson.id for lesson in (await until_course(pilot)).lessons]
        for lesson_id in lessons:
            app.checked[lesson_id] = []
            app.open_lesson(lesson_id)
            await until_lesson(pilot)
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)
            course_list = app.screen.query_one(CourseList)
            for _ in range(20):  # laid out, with the summary of the lesson below
                await pilot.pause()
                if highlighted_row_in_view(course_list):
                    break
            assert course_list.highlighted == lessons.index(lesson_id)
            assert highlighted_row_in_view(course_list), lesson_id
