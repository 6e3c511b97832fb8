"""What the training view and the network drawing cost per frame (issue 20).

1. `Snapshot.of` after a step of the lecture's MLP(3, [4, 4, 1]) over its four
   examples: since "step N" shows the loss and predictions after N updates, each
   snapshot runs one forward pass more (and one for the predictions). Beside it, the
   step itself; target: a snapshot under 20 ms (a run draws one every 50 ms).
2. Lesson 16's three trainers (rates 0.05, 0.001, 2), a step of all three and their
   snapshot, as the view takes them.
3. `render_network` of lesson 13's network at 78 columns, as ctrl+g draws it at each
   key; target under 50 ms.
"""

from __future__ import annotations

import time

from tutor.engine.nn import MLP
from tutor.engine.train import Trainer
from tutor.lesson.folder import load_course
from tutor.lesson.training import trainers
from tutor.paths import bundled_lessons
from tutor.render.network import network_shape, render_network
from tutor.session import Session
from tutor.tui.widgets.training_panel import Snapshot

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]
SNAPSHOT_TARGET_MS = 20.0
RENDER_TARGET_MS = 50.0


def _ms(action, times: int) -> float:
    start = time.perf_counter()
    for _ in range(times):
        action()
    return 1000 * (time.perf_counter() - start) / times


def main(quick: bool) -> int:
    times = 10 if quick else 50
    failed = 0
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05)
    step = _ms(trainer.step, times)
    snap = _ms(lambda: Snapshot.of(trainer), times)
    print(f"MLP(3, [4, 4, 1]) over 4 examples: step {step:.2f} ms, snapshot {snap:.2f} ms")
    failed += snap > SNAPSHOT_TARGET_MS
    course = load_course(bundled_lessons())
    lesson = course.find("learning-rate")
    session = Session(lesson)
    show = next(s for s in lesson.steps if getattr(s, "what", "") == "training")
    first, *others = trainers(lesson, session.graph, show)
    both = _ms(lambda: [t.step() for t in (first, *others)], times)
    snap = _ms(lambda: Snapshot.of(first, others), times)
    print(f"lesson 16, three rates: a step of each {both:.2f} ms, snapshot {snap:.2f} ms")
    failed += snap > SNAPSHOT_TARGET_MS
    graph = Session(course.find("loss-over-data")).graph
    shape = network_shape(graph.nodes)
    draw = _ms(
        lambda: render_network(graph.nodes, shape, 78, show_grad=True, selected=(1, 1)), times
    )
    print(f"render_network, lesson 13 at 78 columns: {draw:.2f} ms (target {RENDER_TARGET_MS:.0f})")
    failed += draw > RENDER_TARGET_MS
    return int(failed > 0)
