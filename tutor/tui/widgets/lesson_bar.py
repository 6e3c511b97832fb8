"""The bar across the top of a lesson: where we are, and how far through."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class LessonBar(Horizontal):
    """``3. Backpropagation by hand   step 4 of 21 ━━━━──── 2 of 14 answered``."""

    def compose(self):
        yield Label(id="lesson-title", markup=False)
        yield Label(id="lesson-step")
        yield ProgressBar(show_eta=False, show_percentage=False, id="lesson-progress")
        yield Label(id="lesson-score")

    def show(self, title: str, step: int, steps: int, score: str, unit: str = "step") -> None:
        """``step`` counts from 1; ``unit`` is what is counted (a step, a question)."""
        self.query_one("#lesson-title", Label).update(title)
        self.query_one("#lesson-step", Label).update(f"{unit} {step} of {steps}")
        self.query_one("#lesson-progress", ProgressBar).update(total=steps, progress=step)
        self.query_one("#lesson-score", Label).update(score)
