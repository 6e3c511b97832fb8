"""Every step of every bundled lesson, read at 80×24: its whole text (with every
hint taken), the feedback, the answer box and the help and quit keys are on
screen, not merely mounted.

One app per lesson, the session driven directly (``go_to``), each question
answered with the lesson's right answer from ``tests/answers`` (value + Enter).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from conftest import make_app
from textual.geometry import Region
from textual.widgets._footer import FooterKey
from tui_pilot import until_lesson

from tutor.cli import read_answers
from tutor.lesson import Ask
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.tui.widgets.answer_input import AnswerInput
from tutor.tui.widgets.code_answer import BodyEditor, CodeAnswer
from tutor.tui.widgets.feedback import Feedback
from tutor.tui.widgets.narrative import Narrative

ANSWERS = Path(__file__).parent / "answers"
LESSONS = [lesson.id for lesson in load_course(bundled_lessons()).lessons]
SMALL = (80, 24)


def whole_on_screen(widget, screen: Region) -> bool:
    region = widget.region
    return bool(region.area) and screen.contains_region(region)


def problems(screen, where: str) -> list[str]:
    """What a student at this step cannot see, in words (empty: all is there)."""
    found = []
    area = Region(0, 0, *screen.app.size)
    narrative = screen.query_one(Narrative)
    if not whole_on_screen(narrative, area):
        found.append(f"{where}: the text is not on screen ({narrative.region})")
    elif narrative.max_scroll_y > 0:
        found.append(
            f"{where}: the text needs scrolling ({narrative.max_scroll_y} more rows;"
            f" text {narrative.text_height} rows in {narrative.size.height},"
            f" visual {screen.query_one('#visual').size.height},"
            f" body {screen.query_one('#body').size.height},"
            f" feedback {screen.query_one(Feedback).size.height}:"
            f" {screen.query_one(Feedback).render()!s:.300})"
        )
    feedback = screen.query_one(Feedback)
    if feedback.display and not whole_on_screen(feedback, area):
        found.append(f"{where}: the feedback is off screen ({feedback.region})")
    box = screen.query_one(AnswerInput)
    if not box.display:  # a code answer: the method's editor instead
        box = screen.query_one(CodeAnswer)
    if not whole_on_screen(box, area):
        found.append(f"{where}: the answer box is off screen")
    keys = {key.key: key for key in screen.query(FooterKey)}
    for key in ("f1", "ctrl+q"):
        if key not in keys or not whole_on_screen(keys[key], area):
            found.append(f"{where}: the footer does not show {key}")
    return found


async def settled(pilot) -> None:
    """A new text is laid out, then the rows shared out again: two refreshes; and the
    footer, recomposed when the keys that apply change, has its keys back (on a busy
    machine that takes more than the two refreshes: waited for, not slept)."""
    await pilot.pause()
    await pilot.pause()
    for _ in range(100):
        if {"f1", "ctrl+q"} <= {key.key for key in pilot.app.screen.query(FooterKey)}:
            return
        await pilot.pause()


async def problems_once_settled(pilot, screen, where: str) -> list[str]:
    """`problems` once the screen has settled: the footer's keys are composed again a
    refresh or more after a step changes, later on a loaded machine."""
    for _ in range(100):  # a loaded machine lays out a changed step more slowly
        found = problems(screen, where)
        if not found:
            return []
        await pilot.pause()
    return found


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_step_reads_whole_at_80x24(lesson_id, monkeypatch):
    answers = iter(read_answers(ANSWERS / f"{lesson_id}.answers"))
    # The lessons' checks are tested elsewhere (test_course, test_tui): skip them here.

    async def walk() -> list[str]:
        app = make_app()
        found: list[str] = []
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.checked[lesson_id] = []
            app.open_lesson(lesson_id)
            screen = await until_lesson(pilot)
            for position in range(len(screen.session.steps)):
                screen.go_to(position)
                where = f"{lesson_id} step {position + 1}"
                if not isinstance(screen.session.step, Ask):
                    found += await problems_once_settled(pilot, screen, where)
                else:  # with its hints and the feedback it shows more than when it opened
                    for _ in screen.session.question().hints:  # every hint, under the text
                        screen.action_hint()
                    box = screen.query_one(AnswerInput)
                    if screen.query_one(CodeAnswer).display:  # code: typed in its editor
                        editor = screen.query_one(BodyEditor)
                        editor.load_text(next(answers))
                        editor.action_submit()  # what ctrl+j does
                    else:
                        box.value = next(answers)
                        await box.action_submit()  # what Enter does, without the key's ~80 ms
                    await settled(pilot)
                    assert screen.session.record.status == "correct", where
                    found += await problems_once_settled(
                        pilot, screen, f"{where}, with its hints, answered"
                    )
        return found

    assert asyncio.run(walk()) == []


def longest_reveal() -> tuple[str, int]:
    """The bundled question whose revealed answer and explanation are the longest."""
    from tutor.session import Session

    sizes = []
    for lesson in load_course(bundled_lessons()).lessons:
        if not lesson.has_graph:
            continue
        for index in range(len(lesson.questions)):
            reveal = Session(lesson).reveal(index)
            sizes.append((sum(map(len, reveal.explanation)), lesson.id, index))
    _, lesson_id, index = max(sizes)
    return lesson_id, index


def test_a_revealed_answer_shows_whole_at_80x24(monkeypatch):
    lesson_id, index = longest_reveal()

    async def reveal() -> list[str]:
        app = make_app()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.checked[lesson_id] = []
            app.open_lesson(lesson_id)
            screen = await until_lesson(pilot)
            screen.session.goto_question(index)
            screen.go_to(screen.session.position)
            await pilot.press("ctrl+t", "ctrl+r", "ctrl+r")  # ctrl+r asks once, then reveals
            await settled(pilot)
            assert "Answer:" in screen.query_one(Narrative).query_one("#narrative-text")._markdown
            return problems(screen, f"{lesson_id} question {index + 1}, revealed")

    assert asyncio.run(reveal()) == []


def test_rows_shared_out_after_the_text_has_gone_are_left_alone():
    # Leaving a lesson removes its widgets one by one; the sharing-out queued by the last
    # refresh ran when the text was gone and the picture not yet, and its NoMatches
    # ended the app (seen under load: Esc right after a lesson opened)
    from tutor.tui.widgets.narrative import NarrativeText

    async def leave() -> None:
        app = make_app()
        async with app.run_test(size=SMALL) as pilot:
            await pilot.pause()
            app.checked["chain-rule"] = []
            app.open_lesson("chain-rule")
            screen = await until_lesson(pilot)
            await screen.query_one(NarrativeText).remove()
            screen.fit_body()
            await pilot.pause()
            assert app.is_running

    asyncio.run(leave())


def test_a_text_fence_folds_lines_too_long_for_the_screen():
    # a fence never wraps: a training answer's list of losses ran off an 80-column
    # screen in the reveal and the quiz results, its last numbers out of reach
    from tutor.tui.widgets.narrative import FENCE_MARGIN, fence

    losses = ", ".join(f"7.{i:04d}" for i in range(12))
    lines = [f"L before each of the 10 updates: {losses}; after the last: 7.6522.", "  short"]
    text = fence(lines, 80)
    inner = text.splitlines()[1:-1]
    assert text.startswith("```text\n") and text.endswith("\n```")
    assert all(len(line) <= 80 - FENCE_MARGIN for line in inner)
    assert inner[-1] == "  short" and inner[1].startswith("  ")  # the rest, indented
    assert " ".join(part.strip() for part in inner[:-1]) == lines[0]  # nothing lost
    assert fence(["a", "b"], 80) == "```text\na\nb\n```"
