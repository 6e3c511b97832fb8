"""Grading latency, lesson loading and `tutor check` on the bundled course.

Targets (issue 4): p95 grading latency under 5 ms for numeric and expression
answers once a lesson is loaded. The baseline printed beside each figure is
parsing the same answer alone, so the ratio says what grading adds to parsing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from tutor.check import grade, prepare
from tutor.derivation import warm_up
from tutor.expr import parse
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import Session

TARGET_MS = 5.0


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _fresh(question):
    """``question`` prepared anew, as `Session.question` prepares it when the question
    is shown (its prompt needs it), before the student types: the expected answer and
    each mistake's value at the current numbers are computed there, and timed apart
    (`_shown`). Its graph was warmed as the app warms it when the lesson opens
    (`warm_up`, in a worker), and nothing else: what the first answer to it computes
    (the nearby numbers, SymPy's exact answer, ...) is timed each time, as the student
    waits for it."""
    return prepare(question.lesson, question.graph, question.ask, question.index)


def main(quick: bool) -> int:
    repeat = 30 if quick else 300
    course = load_course(bundled_lessons())
    cases = {"numeric": [], "expression": []}
    for lesson in course.lessons:
        session = Session(lesson)
        if session.graph is not None:
            warm_up(session.graph)  # what the lesson screen runs in a worker when it opens
        for index, ask in enumerate(lesson.questions):
            if ask.form == "code":  # a `_backward` body: bench_backward
                continue
            question = session.question(index)
            if ask.kind == "local":
                answers = ("1 - o**2", "f", "b*2", "a + b")
                names = list(question.graph.nodes)
                cases["expression"] += [(question, a) for a in answers if _parses(a, names)]
            cases["numeric"] += [(question, question.expected_text), (question, "-1.5")]
    failed = 0
    print(
        "grading: from Enter to the verdict, the first answer to a question prepared when "
        "it was shown, its lesson's graph warmed as the app warms it"
    )
    print(
        f"{'grading':<12} {'answers':>8} {'p50 ms':>8} {'p95 ms':>8} {'parse p95':>10} {'ratio':>6}"
    )
    for kind, items in cases.items():
        graded = []
        parsed = []
        for question, answer in items:
            names = list(question.graph.nodes)
            for _ in range(max(1, repeat // 30)):  # a fresh question each time: no cache
                fresh = _fresh(question)
                graded += _time(lambda q=fresh, a=answer: grade(q, a), 1)
            parsed += _time(lambda a=answer, n=names: parse(a, n), max(1, repeat // 30))
        p95, parse95 = _p95(graded), _p95(parsed)
        ratio = p95 / parse95 if parse95 else float("inf")
        print(
            f"{kind:<12} {len(items):>8} {statistics.median(graded):>8.3f} {p95:>8.3f} "
            f"{parse95:>10.3f} {ratio:>5.1f}x"
        )
        if p95 > TARGET_MS:
            print(f"  {kind} grading p95 {p95:.2f} ms is over the {TARGET_MS} ms target")
    _shown(course, quick)
    load = _time(lambda: load_course(bundled_lessons()), 3 if quick else 10)
    print(f"load the course ({len(course.lessons)} lessons): {statistics.median(load):.1f} ms")
    start = time.perf_counter()
    check = subprocess.run(
        [sys.executable, "-m", "tutor", "check"], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    print(f"tutor check on the course (fresh process): {elapsed:.2f} s, exit {check.returncode}")
    if check.returncode != 0:
        print(check.stdout[-2000:], check.stderr[-2000:])
        failed = 1
    failed |= _author_check(course, quick)
    return failed


def _shown(course, quick: bool) -> None:
    """What showing a question costs, before the student types (not in the grading
    figures): preparing it on a new session's graph, the questions of a lesson in
    order as the app shows them, so that each pays only what the ones before it did not
    compute (a training run is made once per graph). The baseline is making the session
    (its graph), which the app does when the lesson opens."""
    shown: list[tuple[float, str]] = []
    opened: list[float] = []
    for _ in range(1 if quick else 5):
        for lesson in course.lessons:
            start = time.perf_counter()
            session = Session(lesson)
            opened.append((time.perf_counter() - start) * 1000)
            for index, ask in enumerate(lesson.questions):
                start = time.perf_counter()
                session.question(index)
                elapsed = (time.perf_counter() - start) * 1000
                shown.append((elapsed, f"{lesson.id} question {index + 1}, {ask.kind}"))
    times = [t for t, _ in shown]
    slowest, which = max(shown)
    p95, open95 = _p95(times), _p95(opened)
    print(
        f"show a question (prepare it, before the student types; not in the grading "
        f"figures): {len(times)} shown, p50 {statistics.median(times):.2f} ms, p95 "
        f"{p95:.2f} ms, max {slowest:.1f} ms ({which}); open a lesson p95 {open95:.2f} ms; "
        f"ratio {p95 / open95:.1f}x"
    )


def _author_check(course, quick: bool) -> int:
    """What `tutor check` adds to the three-sources validation (the baseline, in the
    same run): going through every step as the app does, and the lints; and what
    adaptive finite differences cost beside the engine's fixed-step ones."""
    from tutor.author.checking import FileResult, check_lesson
    from tutor.check.finite import slope
    from tutor.check.validate import validate
    from tutor.engine import numeric_grad
    from tutor.lesson import lesson_graph

    lessons = course.lessons if not quick else course.lessons[:4]
    start = time.perf_counter()
    for lesson in lessons:
        validate(lesson)
    validated = time.perf_counter() - start
    start = time.perf_counter()
    results = [FileResult(str(lesson.path), lesson) for lesson in lessons]
    for result in results:
        check_lesson(result)
    checked = time.perf_counter() - start
    print(
        f"author check of {len(lessons)} lessons: {checked:.2f} s; validation alone "
        f"{validated:.2f} s; ratio {checked / validated:.2f}x"
    )
    pairs = [
        (graph.output, graph.nodes[ask.node])
        for lesson in lessons
        for graph in [lesson_graph(lesson)]
        for ask in lesson.questions
        if ask.kind == "grad"
    ]
    repeat = 3 if quick else 20
    fixed = min(_time(lambda: [numeric_grad(r, n) for r, n in pairs], repeat))
    adaptive = min(_time(lambda: [slope(r, n) for r, n in pairs], repeat))
    print(
        f"finite differences on {len(pairs)} gradients: adaptive {adaptive:.2f} ms, "
        f"fixed step {fixed:.2f} ms; ratio {adaptive / fixed:.1f}x"
    )
    return int(any(r.errors or r.warnings for r in results))


def _parses(answer: str, names: list[str]) -> bool:
    try:
        parse(answer, names)
    except ValueError:
        return False
    return True
