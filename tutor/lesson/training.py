"""What a ``show = "training"`` step trains: one trainer per learning rate, each on a
graph of its own (a copy of the lesson's at the same numbers), moving the lesson's
parameters only. The training view (`tutor.tui.widgets.training_panel`) draws
what they report; the training itself is the engine's (`GraphTrainer`).
"""

from __future__ import annotations

from tutor.engine.train import GraphTrainer
from tutor.lesson.graph import Graph, copy_graph, moved_leaves
from tutor.lesson.model import Lesson, Show


def trainers(lesson: Lesson, graph: Graph, show: Show) -> list[GraphTrainer]:
    """The step's trainer at its rate, then one per rate it compares, each from the
    same start: the graph's numbers (never the graph itself, which is not changed)."""
    rate = show.rate or 0.05
    runs = [(r, show.zero_grad) for r in (rate, *show.compare)]
    if show.compare_zeroing:  # the same training with the other zeroing: a second curve
        runs.append((rate, not show.zero_grad))
    found = []
    for r, zero_grad in runs:
        copy = copy_graph(graph)
        params = list(moved_leaves(copy, lesson.parameters).values())
        found.append(GraphTrainer(copy.output, params, rate=r, zero_grad=zero_grad))
    return found


def describe(lesson: Lesson, show: Show, output: str) -> str:
    """The step's text: what is trained, and how to open the view."""
    rate = f"{show.rate or 0.05:g}"
    what = "its parameters" if lesson.parameters is not None else "every leaf"
    zero = "" if show.zero_grad else ", **without zeroing the gradients** before each backward()"
    compare = ""
    if show.compare:
        rates = [f"{r:g}" for r in show.compare]
        others = rates[0] if len(rates) == 1 else ", ".join(rates[:-1]) + " and " + rates[-1]
        word = "rate" if len(rates) == 1 else "rates"
        compare = f" Beside it, the same training at {word} {others}, from the same start."
    if show.compare_zeroing:
        other = "without zeroing the gradients" if show.zero_grad else "zeroing the gradients"
        compare += f" Beside it, the same training {other} before each backward()."
    return (
        f"Gradient descent on `{output}`, moving {what} at rate {rate}{zero}.{compare}\n\n"
        "Press **Enter** to open the training view: step, run, pause and start again "
        "there. Its step N is after N updates: the loss shown then is the loss after "
        "them. Esc comes back here, and Enter then goes on."
    )
