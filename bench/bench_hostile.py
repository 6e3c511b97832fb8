"""The worst inputs a lesson file or an answer can hold, against an ordinary one.

Each line times a hostile input and, as its baseline in the same run, the
ordinary input of the same kind; the ratio says what the hostile one costs.
Before the bounds of issue 12 these ratios were in the millions (20 s and more
for `1e20000000`, minutes for a header full of spaces); now each hostile input
is refused or finished in about the time of an ordinary one. A ratio over
`LIMIT` fails the benchmark.
"""

from __future__ import annotations

from bench import median_ms
from tutor.expr import ExprError, parse
from tutor.lesson import load_lesson_text
from tutor.lesson.graph import lesson_graph
from tutor.lesson.locate import KeyLines

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
    return failed
