"""What a ``show = "training"`` step trains: one trainer per learning rate, each on a
graph of its own (a copy of the lesson's at the same numbers), moving the lesson's
parameters only. The training view (`tutor.tui.widgets.training_panel`) draws
what they report; the training itself is the engine's (`GraphTrainer`).
"""

from __future__ import annotations

from tutor.engine.train import GraphTrainer
from tutor.lesson.graph import Graph, copy_graph, moved_leaves
from tutor.lesson.model import Lesson
from tutor.lesson.shows import TrainingShow


def trainers(lesson: Lesson, graph: Graph, show: TrainingShow) -> list[GraphTrainer]:
    """The step's trainer at its rate, then one per rate it compares, each from the
    same start: the graph's numbers (never the graph itself, which is not changed)."""
    rate = show.rate
    runs = [(r, show.zero_grad) for r in (rate, *show.compare)]
    if show.compare_zeroing:  # the same training with the other zeroing: a second curve
        runs.append((rate, not show.zero_grad))
    found = []
    for r, zero_grad in runs:
        copy = copy_graph(graph)
        params = list(moved_leaves(copy, lesson.parameters).values())
        found.append(GraphTrainer(copy.output, params, rate=r, zero_grad=zero_grad))
    return found


def describe(lesson: Lesson, show: TrainingShow, output: str) -> str:
    """The step's text: what is trained, and how to open the view."""
    return show.describe(lesson, output)
