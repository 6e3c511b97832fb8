"""The worst inputs a lesson file or an answer can hold, against an ordinary one.

Each line times a hostile input and, as its baseline in the same run, the
ordinary input of the same kind; the ratio says what the hostile one costs.
Before the bounds of issue 12 these ratios were in the millions (20 s and more
for `1e20000000`, minutes for a header full of spaces); now each hostile input
is refused or finished in about the time of an ordinary one. A ratio over
`LIMIT` fails the benchmark.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import tracemalloc
from pathlib import Path

from bench import median_ms
from bench.hostile_render import (
    huge_graph_lesson,
    long_list,
    long_table,
    many_of_lesson,
    say_lesson,
)
from tutor.expr import ExprError, parse
from tutor.lesson import LessonLoadError, load_lesson_text
from tutor.lesson.graph import build_graph, lesson_graph
from tutor.lesson.locate import KeyLines
from tutor.lesson.network import network as net
from tutor.lesson.text import (
    MAX_TABLE_ROWS,
    MAX_TEXT_BLOCKS,
    MAX_TEXT_CHARS,
    MAX_TEXT_DEPTH,
    MAX_TEXT_LINES,
    text_problem,
)
from tutor.render import fit_text

LIMIT = 1000.0  # a hostile input may cost at most this many ordinary ones (was millions)

LESSON = """\
format = 1
id = "bench"
title = "T"
graph = \"\"\"
a = 2
b = log(a)
\"\"\"
[vary]
a = {{ min = {lo}, max = {hi}, step = 1 }}
[[steps]]
ask = "grad"
node = "a"
"""


def _refused(text: str) -> None:
    try:
        parse(text, names=["x"])
    except ExprError:
        return
    raise AssertionError(f"{text[:20]!r} was accepted")


def main(quick: bool) -> int:
    repeat = 5 if quick else 30
    header = "format = 1\n[vary]\na = 1\n"
    spaced = "format = 1\n[vary" + " " * 20_000 + "]\na = 1\n"
    # Every draw leaves log's domain (a <= 0): all of them are tried and fail.
    failing = load_lesson_text(LESSON.format(lo=-99_999, hi=0), "failing.toml")
    ordinary = load_lesson_text(LESSON.format(lo=1, hi=9), "ordinary.toml")
    cases = [
        ("answer 1e999999999", lambda: _refused("1e999999999"), lambda: parse("1.5")),
        ("answer of 999 digits", lambda: _refused("9" * 999), lambda: parse("123456")),
        ("answer 1e-999999999", lambda: _refused("1e-999999999"), lambda: parse("1e-3")),
        (
            "((x**100)**100)**100",
            lambda: _refused("((x**100)**100)**100"),
            lambda: parse("x**2", names=["x"]),
        ),
        ("header of 20,000 spaces", lambda: KeyLines(spaced), lambda: KeyLines(header)),
        (
            "vary: every draw fails",
            lambda: [lesson_graph(failing, seed) for seed in range(1, 6)],
            lambda: [lesson_graph(ordinary, seed) for seed in range(1, 6)],
        ),
    ]
    failed = 0
    print(f"{'input':<26} {'hostile ms':>11} {'ordinary ms':>12} {'ratio':>8}")
    for name, hostile, baseline in cases:
        bad = median_ms(hostile, repeat)
        good = median_ms(baseline, repeat)
        ratio = bad / good if good else float("inf")
        print(f"{name:<26} {bad:>11.3f} {good:>12.3f} {ratio:>7.1f}x")
        if ratio > LIMIT:
            print(f"  {name}: {ratio:.0f}x an ordinary input, over the {LIMIT:g}x limit")
            failed = 1
    return failed | big_lessons(quick) | largest_steps(quick)


# -- big rather than malformed (issue 24): each against an ordinary lesson, time and memory

MEMORY_LIMIT = 1 << 30  # bytes: no case may peak at a GiB
BIG_LIMIT = 100.0  # a big lesson may cost at most this many ordinary ones


def _refused(source: str) -> None:
    try:
        load_lesson_text(source, "hostile.toml")
    except LessonLoadError:
        return
    raise AssertionError("the hostile lesson loaded")


def _peak_bytes(fn) -> int:
    """The most memory Python allocated at once while ``fn`` ran (`tracemalloc`)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def big_lessons(quick: bool) -> int:
    repeat = 3 if quick else 10
    ordinary = Path("lessons/03-manual-backprop.toml").read_text()
    network = lesson_graph(load_lesson_text(Path("lessons/16-learning-rate.toml").read_text()))
    wide = build_graph(net(8, [16, 12, 1], [[0.5] * 8], [1.0]).assignments, "L")
    listed = lesson_graph(load_lesson_text(huge_graph_lesson(20)))  # 4,800 nodes

    def load_ordinary() -> None:
        load_lesson_text(ordinary, "ordinary.toml")

    def draw_network() -> None:
        fit_text(network.output, 80, show_grad=False)

    cases = [
        ("graph script of 24,000 nodes", lambda: _refused(huge_graph_lesson(100)), load_ordinary),
        ("graph of 4,800 nodes, drawn", lambda: fit_text(listed.output, 80), draw_network),
        ("network [16,12,1], drawn", lambda: fit_text(wide.output, 80), draw_network),
        ("298 questions on other `of`", lambda: _refused(many_of_lesson(300, 298)), load_ordinary),
        ("say: 20,000 list items", lambda: _refused(say_lesson(long_list(20_000))), load_ordinary),
        ("say: 9,000 table rows", lambda: _refused(say_lesson(long_table(9_000))), load_ordinary),
    ]
    failed = 0
    print(f"\n{'big lesson':<30} {'ms':>9} {'ordinary ms':>12} {'ratio':>7} {'peak MiB':>9}")
    for name, hostile, baseline in cases:
        bad = median_ms(hostile, repeat)
        good = median_ms(baseline, repeat)
        ratio = bad / good if good else float("inf")
        peak = _peak_bytes(hostile)
        print(f"{name:<30} {bad:>9.1f} {good:>12.1f} {ratio:>6.1f}x {peak / 2**20:>9.1f}")
        if ratio > BIG_LIMIT or peak > MEMORY_LIMIT:
            print(f"  {name}: over the {BIG_LIMIT:g}x or 1 GiB limit")
            failed = 1
    return failed


def largest_steps(quick: bool) -> int:
    """The app laying out the largest step text the bounds allow (`tutor.lesson.text`),
    against the longest step of the bundled course: Textual makes a widget of each block."""
    ordinary = max(_course_texts(), key=len)
    items, table = long_list(MAX_TEXT_BLOCKS), long_table(MAX_TABLE_ROWS - 3)
    paragraphs = "\n\n".join(f"A paragraph, number {i}." for i in range(MAX_TEXT_LINES // 2))
    every = f"{items}\n\n{table}\n\n" + "\n\n".join(paragraphs.split("\n\n")[:19])
    quotes = "\n\n".join(["> " * MAX_TEXT_DEPTH + "deep"] * (MAX_TEXT_BLOCKS // MAX_TEXT_DEPTH))
    cases = [
        ("step: items, table, paragraphs", every),
        ("step: list items", items),
        ("step: table rows", table),
        ("step: quotes nested", quotes),
        ("step: lines of paragraphs", paragraphs),
        ("step: characters", ("word " * MAX_TEXT_CHARS)[: MAX_TEXT_CHARS - 10]),
    ]
    for name, text in cases:
        assert text_problem(text) is None, f"{name} is past a bound: {text_problem(text)}"
    results = asyncio.run(_laid_out(ordinary, [text for _, text in cases], 3 if quick else 7))
    failed = 0
    good = results[0][0]
    for (name, _), (bad, peak) in zip(cases, results[1:], strict=True):
        ratio = bad / good if good else float("inf")
        print(f"{name:<30} {bad:>9.1f} {good:>12.1f} {ratio:>6.1f}x {peak / 2**20:>9.1f}")
        if ratio > BIG_LIMIT or peak > MEMORY_LIMIT:
            print(f"  {name}: over the {BIG_LIMIT:g}x or 1 GiB limit")
            failed = 1
    return failed


async def _laid_out(ordinary: str, texts: list[str], repeat: int) -> list[tuple[float, int]]:
    """For the ordinary text and each of ``texts``: the median ms from showing it in the
    narrative to its layout on screen, at 80x24, and the peak memory of one showing."""
    from textual.app import App

    from tutor.tui.widgets.narrative import Narrative

    class Screen(App):
        def compose(self):
            yield Narrative()

    app = Screen()
    found = []
    async with app.run_test(size=(80, 24)) as pilot:
        narrative = app.query_one(Narrative)

        async def show(text: str) -> float:
            start = time.perf_counter()
            await narrative.show(text)
            await pilot.pause()
            spent = (time.perf_counter() - start) * 1000
            await narrative.show("")
            await pilot.pause()
            return spent

        for text in [ordinary, *texts]:
            spent = statistics.median([await show(text) for _ in range(repeat)])
            tracemalloc.start()
            try:
                await show(text)
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            found.append((spent, peak))
    return found


def _course_texts() -> list[str]:
    """Every `say` of the bundled course."""
    from tutor.lesson import Say, load_lesson

    return [
        step.text
        for path in sorted(Path("lessons").glob("*.toml"))
        for step in load_lesson(path).steps
        if isinstance(step, Say)
    ]
