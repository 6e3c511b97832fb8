"""Your engine, trained: the lecture's MLP on the student's interpreted ``_backward`` rules.

What the student waits for (issue 23, item 4): pressing y in a training view (or
ctrl+o in lesson 17) reads the rules back from the progress store, parses them,
copies the lesson's graph twice and builds both trainers; then each step of the view
takes a step of the tutor's engine and one of the student's. Targets: opening the
view p95 under 200 ms, a step of the student's engine p95 under 50 ms (a run steps
every 50 ms). The baseline printed beside is the tutor's own step on the same graph,
so the ratio says what interpreting the rules costs.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from tutor.engine.train import Trainer
from tutor.expr.backward import METHODS
from tutor.lesson import Show, lesson_graph
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import Answer, ProgressStore
from tutor.runtime.your_engine import (
    LECTURE_LAYERS,
    LECTURE_SEED,
    LECTURE_XS,
    LECTURE_YS,
    StudentRules,
    YourTrainer,
    student_rules,
    your_view,
)

OPEN_MS = 200.0
STEP_MS = 50.0
STEPS = 100


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def main(quick: bool) -> int:
    repeat = 5 if quick else 30
    course = load_course(bundled_lessons())
    lesson = course.find("learning-rate")
    graph = lesson_graph(lesson)
    show = next(s for s in lesson.steps if isinstance(s, Show) and s.what == "training")
    failed = 0
    with tempfile.TemporaryDirectory() as home:
        path = Path(home) / "progress.sqlite3"
        with ProgressStore.open(path) as store:
            for answers in range(40):  # a student who tried each rule a few times
                op = ("add", "mul", "tanh", "exp", "pow")[answers % 5]
                store.record_answer(
                    Answer("write-backward", answers % 5, 0, METHODS[op].body(), "correct")
                )
            opened: list[float] = []
            for _ in range(repeat):
                start = time.perf_counter()
                rules = student_rules(store.answer_rows(), course.lessons)
                view = your_view(lesson, graph, show, rules)
                view.trainers[0].loss()  # the view's first snapshot: a forward pass each
                view.trainers[1].loss()
                opened.append(_ms(start))
    tutor, yours = view.trainers
    theirs: list[float] = []
    mine: list[float] = []
    for _ in range(STEPS):
        start = time.perf_counter()
        tutor.step()
        theirs.append(_ms(start))
        start = time.perf_counter()
        yours.step()
        mine.append(_ms(start))
    gap = max(abs(a - b) for a, b in zip(tutor.losses, yours.losses, strict=True))
    print(
        f"open the view (store, parse, two trainers): p50 {statistics.median(opened):.1f} ms, "
        f"p95 {_p95(opened):.1f} ms"
    )
    print(
        f"a step on {lesson.id}'s graph ({len(yours._order)} nodes): yours p95 "
        f"{_p95(mine):.2f} ms, the tutor's p95 {_p95(theirs):.2f} ms; ratio "
        f"{statistics.median(mine) / statistics.median(theirs):.1f}x; {STEPS} steps "
        f"{sum(mine):.0f} ms against {sum(theirs):.0f} ms; curves apart by {gap:.1e}"
    )
    # The lecture's network as ctrl+o in lesson 17 trains it: a fresh graph each step.
    from tutor.engine.nn import MLP

    nin, layers = LECTURE_LAYERS
    rules = StudentRules({op: METHODS[op].body() for op in ("add", "mul", "tanh", "pow")})
    start = time.perf_counter()
    Trainer(MLP(nin, list(layers), seed=LECTURE_SEED), LECTURE_XS, LECTURE_YS).run(STEPS)
    plain = _ms(start)
    start = time.perf_counter()
    network = MLP(nin, list(layers), seed=LECTURE_SEED)
    YourTrainer(network, LECTURE_XS, LECTURE_YS, rules).run(STEPS)
    interpreted = _ms(start)
    print(
        f"the lecture's MLP, {STEPS} steps: yours {interpreted:.0f} ms, the tutor's "
        f"{plain:.0f} ms ({interpreted / plain:.1f}x)"
    )
    if _p95(opened) > OPEN_MS:
        print(f"  opening p95 {_p95(opened):.1f} ms is over the {OPEN_MS} ms target")
        failed = 1
    if _p95(mine) > STEP_MS:
        print(f"  a step's p95 {_p95(mine):.2f} ms is over the {STEP_MS} ms target")
        failed = 1
    if gap > 1e-9:
        print(f"  the lecture's rules train another curve (apart by {gap})")
        failed = 1
    return failed
