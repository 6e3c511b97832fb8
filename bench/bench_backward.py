"""Grading a code answer: the body of `_backward` (``ask = "backward"``).

Target (issue 23): p95 under 50 ms from Enter to the verdict, for the lecture's bodies,
their equivalent rewritings, each known mistake and a refused body, on every backward
question of the bundled course, each question prepared afresh and its lesson's graph
warmed as the app warms it. The baseline printed beside is reading the body alone
(`tutor.expr.backward`), so the ratio says what proving, running and diagnosing add.
"""

from __future__ import annotations

import contextlib
import statistics
import time

from tutor.check import grade, prepare
from tutor.check.backward import mutations, op_of
from tutor.derivation import warm_up
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.session import Session

TARGET_MS = 50.0
HOSTILE = "self.grad += " + "(" * 39 + "out.grad" + ")" * 39 + " * " + "x" * 1900


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _answers(question) -> list[str]:
    node = question.graph.nodes[question.node]
    op = op_of(node)
    body = op.method.body()
    found = [body, body.replace(" * out.grad", "").replace("+= ", "+= out.grad * ")]
    found += [text for _, text in mutations(op.method, op.exponent)]
    return [*found, "self.grad += self * 2", HOSTILE]


def main(quick: bool) -> int:
    repeat = 2 if quick else 10
    graded: list[float] = []
    parsed: list[float] = []
    slowest = (0.0, "")
    for lesson in load_course(bundled_lessons()).lessons:
        session = Session(lesson)
        if session.graph is None:
            continue
        warm_up(session.graph)  # what the lesson screen runs in a worker when it opens
        for index, ask in enumerate(lesson.questions):
            if ask.form != "code":
                continue
            question = session.question(index)
            op = op_of(question.graph.nodes[question.node])
            for answer in _answers(question):
                for _ in range(repeat):
                    fresh = prepare(lesson, question.graph, ask, index)  # no cache
                    start = time.perf_counter()
                    grade(fresh, answer)
                    elapsed = (time.perf_counter() - start) * 1000
                    graded.append(elapsed)
                    slowest = max(slowest, (elapsed, f"{lesson.id} question {index + 1}"))
                    start = time.perf_counter()
                    with contextlib.suppress(ValueError):  # a refused body
                        op.parse(answer)
                    parsed.append((time.perf_counter() - start) * 1000)
    if not graded:
        print("no backward questions in the course")
        return 1
    p95, parse95 = _p95(graded), _p95(parsed)
    print(
        f"grade a _backward body: {len(graded)} gradings, p50 {statistics.median(graded):.2f} "
        f"ms, p95 {p95:.2f} ms, max {slowest[0]:.1f} ms ({slowest[1]}); read alone p95 "
        f"{parse95:.3f} ms; ratio {p95 / parse95:.1f}x"
    )
    if p95 > TARGET_MS:
        print(f"  p95 {p95:.2f} ms is over the {TARGET_MS} ms target")
        return 1
    return 0
