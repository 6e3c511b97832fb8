"""The worst inputs a lesson file or an answer can hold, against an ordinary one.

Each line times a hostile input and, as its baseline in the same run, the
ordinary input of the same kind; the ratio says what the hostile one costs.
Before the bounds of issue 12 these ratios were in the millions (20 s and more
for `1e20000000`, minutes for a header full of spaces); now each hostile input
is refused or finished in about the time of an ordinary one. A ratio over
`LIMIT` fails the benchmark.

The second table (issue 24) runs each command a hostile lesson can make work
without bound as a process of its own, and the same command on an ordinary lesson:
its time and the peak memory (resident) of the process and its children (the
budgeted checks). A ratio over `COMPUTE_LIMIT` or a peak over `MEMORY_LIMIT` fails.
These take the budgets' time (30 s each for the worst): ``--quick`` leaves them out.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench import median_ms
from bench.hostile_lessons import many_trainings, squares, training_network
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

COMPUTE_LIMIT = 100.0  # a command on a hostile lesson, against the same on an ordinary one
MEMORY_LIMIT = 1024**3  # peak memory of any case, in bytes (resident for a command)
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
    spaced = "format = 1\n[vary" + " " * 20_000 + "]\na = 1\n"
    # Every draw leaves log's domain (a <= 0): all of them are tried and fail.
    failing = load_lesson_text(LESSON.format(lo=-99_999, hi=0), "failing.toml")
    ordinary_text = LESSON.format(lo=1, hi=9)
    ordinary = load_lesson_text(ordinary_text, "ordinary.toml")
    cases = [
        ("answer 1e999999999", lambda: _refused("1e999999999"), lambda: parse("1.5")),
        ("answer of 999 digits", lambda: _refused("9" * 999), lambda: parse("123456")),
        ("answer 1e-999999999", lambda: _refused("1e-999999999"), lambda: parse("1e-3")),
        (
            "((x**100)**100)**100",
            lambda: _refused("((x**100)**100)**100"),
            lambda: parse("x**2", names=["x"]),
        ),
        # against the scan of an ordinary lesson's text, not of a three-line header
        ("header of 20,000 spaces", lambda: KeyLines(spaced), lambda: KeyLines(ordinary_text)),
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
    failed |= big_lessons(quick) | largest_steps(quick)
    if not quick:
        with tempfile.TemporaryDirectory(prefix="bench-hostile-") as root:
            failed |= compute(Path(root))
    return failed


# -- big rather than malformed (issue 24): each against an ordinary lesson, time and memory

BIG_LIMIT = 100.0  # a big lesson may cost at most this many ordinary ones


def _not_loaded(source: str) -> None:
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
        (
            "graph script of 24,000 nodes",
            lambda: _not_loaded(huge_graph_lesson(100)),
            load_ordinary,
        ),
        ("graph of 4,800 nodes, drawn", lambda: fit_text(listed.output, 80), draw_network),
        ("network [16,12,1], drawn", lambda: fit_text(wide.output, 80), draw_network),
        (
            "298 questions on other `of`",
            lambda: _not_loaded(many_of_lesson(300, 298)),
            load_ordinary,
        ),
        (
            "say: 20,000 list items",
            lambda: _not_loaded(say_lesson(long_list(20_000))),
            load_ordinary,
        ),
        (
            "say: 9,000 table rows",
            lambda: _not_loaded(say_lesson(long_table(9_000))),
            load_ordinary,
        ),
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


GOOD = """\
format = 1
id = "good"
title = "T"
graph = \"\"\"
a = 2.0
b = a * 3
\"\"\"
[[steps]]
ask = "grad"
node = "b"
"""

#: Runs a command and prints its time, the peak resident memory of it and its
#: children (KiB, as Linux counts ``ru_maxrss``) and its exit status.
MEASURE = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps([time.perf_counter() - start, peak, code]))
"""

#: The app, headless: opens a lesson (or a quiz on it, ``t``), waits for its check's
#: verdict (or the quiz drawn, at most 2 s), then ctrl+q.
APP = """\
import asyncio, sys
from pathlib import Path
from tutor.tui.app import create_app

folder, lesson, mode = sys.argv[1:4]

async def main():
    app = create_app(Path(folder), seeds=lambda: 1)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.course is None:
            await pilot.pause(0.02)
        if mode == "quiz":
            app.start_quiz(lesson)
            for _ in range(100):
                await pilot.pause(0.02)
                if app._drawing is None:
                    break
        else:
            app.open_lesson(lesson)
            while lesson not in app.checked:
                await pilot.pause(0.05)
            await pilot.pause(0.5)  # what follows a verdict: the warm-up, if any
        await pilot.press("ctrl+q")

asyncio.run(main())
"""

#: ``tutor derive`` killed with SIGKILL once its child is at work; prints how long
#: the orphaned child goes on (seconds; at most 30, its budget).
ORPHAN = """\
import os, signal, subprocess, sys, time
from pathlib import Path

def children(pid):
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []

def running(pid):
    try:
        return "State:\\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False

parent = subprocess.Popen([sys.executable, "-m", "tutor", "derive", *sys.argv[1:]],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
found = []
while not found and parent.poll() is None:
    found = children(parent.pid)
    time.sleep(0.01)
time.sleep(0.5)  # at work
parent.kill()
parent.wait()
start = time.monotonic()
while any(map(running, found)) and time.monotonic() - start < 40:
    time.sleep(0.01)
for pid in found:
    if running(pid):
        os.kill(pid, signal.SIGKILL)
print(time.monotonic() - start)
"""


def _measure(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Seconds, peak resident bytes (the process and its children), exit status."""
    env = {**os.environ, "TUTOR_HOME": str(cwd / "home")}  # no pass remembered yet
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak, code = json.loads(done.stdout)
    return seconds, peak, code


def _folder(root: Path, name: str, **files: str) -> Path:
    folder = root / name
    folder.mkdir()
    for stem, text in files.items():
        (folder / f"{stem}.toml").write_text(text)
    return folder


def compute(root: Path) -> int:
    """The second table: commands on hostile lessons against ordinary ones."""
    course = Path(__file__).resolve().parent.parent / "lessons"
    descent = (course / "14-gradient-descent.toml").read_text()
    rate = (course / "16-learning-rate.toml").read_text()
    good = _folder(root, "good", good=GOOD)
    tower = _folder(root, "tower", squares=squares(), good=GOOD)
    net = _folder(root, "net", net=training_network())
    ordinary_net = _folder(root, "descent", descent=descent)
    trains = _folder(root, "trains", trains=many_trainings(500), good=GOOD)
    ordinary_trains = _folder(root, "rate", rate=rate, good=GOOD)
    answers = root / "answers.txt"
    answers.write_text("0\n" * 10)
    tutor = [sys.executable, "-m", "tutor"]
    app = [sys.executable, "-c", APP]

    def run(folder: Path, lesson: str, *more: str) -> list[str]:
        return [*tutor, "--lessons", str(folder), "run", lesson, "--answers", str(answers), *more]

    cases = [
        ("run: exponent tower", run(tower, "squares"), run(good, "good")),
        (
            "run --seed 1: draws train",
            run(net, "net-draws", "--seed", "1"),
            run(ordinary_net, "gradient-descent", "--seed", "1"),
        ),
        (
            "lessons: 500 trainings",
            [*tutor, "--lessons", str(trains), "lessons"],
            [*tutor, "--lessons", str(ordinary_trains), "lessons"],
        ),
        (
            "app: open exponent tower",
            [*app, str(tower), "squares", "open"],
            [*app, str(good), "good", "open"],
        ),
        (
            "app: t, draws train",
            [*app, str(net), "net-draws", "quiz"],
            [*app, str(ordinary_net), "gradient-descent", "quiz"],
        ),
        (
            "derive: exp tower",
            [*tutor, "derive", "exp(" * 38 + "x" + ")" * 38, "--wrt", "x", "--at", "x=1"],
            [*tutor, "derive", "x*y", "--wrt", "x", "--at", "x=1"],
        ),
    ]
    failed = 0
    print(f"\n{'command':<26} {'hostile s':>10} {'ordinary s':>11} {'ratio':>7} {'peak MiB':>9}")
    for name, hostile, ordinary in cases:
        bad, bad_peak, code = _measure(hostile, root)
        good_s, good_peak, _ = _measure(ordinary, root)
        ratio = bad / good_s if good_s else float("inf")
        peak = max(bad_peak, good_peak)
        print(f"{name:<26} {bad:>10.2f} {good_s:>11.2f} {ratio:>6.1f}x {peak / 1024**2:>9.0f}")
        if ratio > COMPUTE_LIMIT or peak > MEMORY_LIMIT or code not in (0, 1, 2):
            print(f"  {name}: exit {code}, {ratio:.0f}x, {peak / 1024**2:.0f} MiB: over a limit")
            failed = 1
    if sys.platform.startswith("linux"):
        orphan = subprocess.run(
            [sys.executable, "-c", ORPHAN, "exp(" * 38 + "x" + ")" * 38, "--wrt", "x"],
            capture_output=True,
            text=True,
            check=True,
        )
        left = float(orphan.stdout)
        print(f"derive killed: its child ended {left:.2f} s later")
        if left > 5:
            failed = 1
    return failed
