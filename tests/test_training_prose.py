"""What lessons 15 and 16 say about their training holds at every quiz draw.

Their quizzes draw example 1's inputs from a `vary` table; the prose after each
training view tells what the view showed. Here every combination the table can
draw (a few dozen) is trained, and each claim checked.
"""

from __future__ import annotations

import itertools

from tutor.engine.train import GraphTrainer
from tutor.lesson import Choices, build_graph
from tutor.lesson.folder import load_course
from tutor.lesson.graph import copy_graph, moved_leaves
from tutor.paths import bundled_lessons
from tutor.session import Session

COURSE = load_course(bundled_lessons())


def every_draw(lesson):
    """The lesson's graph at every combination of its vary table, the file's first."""
    names = sorted(lesson.vary)
    spaces = [
        spec.choices if isinstance(spec, Choices) else spec.values()
        for spec in (lesson.vary[n] for n in names)
    ]
    output = lesson.output or lesson.assignments[-1].name
    yield build_graph(lesson.assignments, output)
    for combo in itertools.product(*spaces):
        yield build_graph(lesson.assignments, output, dict(zip(names, combo, strict=True)), 1)


def losses(lesson, graph, rate, steps, zero_grad=True):
    """The loss before each update and after the last, as the training view shows them."""
    copy = copy_graph(graph)
    params = list(moved_leaves(copy, lesson.parameters).values())
    trainer = GraphTrainer(copy.output, params, rate=rate, zero_grad=zero_grad)
    return [*trainer.run(steps), trainer.loss()]


def rises(values):
    return any(later > earlier for earlier, later in itertools.pairwise(values))


def falls(values):
    return any(later < earlier for earlier, later in itertools.pairwise(values))


def said(lesson, words: str) -> bool:
    return any(words in " ".join(Session(lesson).text(i).split()) for i in range(len(lesson.steps)))


def test_zero_the_gradients_claims_hold_at_every_draw():
    lesson = COURSE.find("zero-the-gradients")
    assert lesson.vary
    assert said(lesson, "within those 5 updates the loss went **up** at least once")
    assert said(lesson, "for the first few updates the loss falls **faster** than with zeroing")
    count = 0
    for graph in every_draw(lesson):
        count += 1
        assert rises(losses(lesson, graph, 0.2, 5, zero_grad=False)), graph.values()
        summed = losses(lesson, graph, 0.05, 3, zero_grad=False)
        zeroed = losses(lesson, graph, 0.05, 3)
        # the first update is the same; after the second and the third, lower
        assert summed[2] < zeroed[2] and summed[3] < zeroed[3], graph.values()
    assert count > 20


def test_learning_rate_claims_hold_at_every_draw():
    lesson = COURSE.find("learning-rate")
    assert lesson.vary
    view = next(s for s in lesson.steps if getattr(s, "what", None) == "training")
    bold_rate = max(view.compare)
    assert bold_rate == 2.0 and said(lesson, "a cautious 0.001 and a bold 2")
    assert said(lesson, "At 2 the loss went **up**, above where it started, within the first 2")
    assert said(lesson, "After 10 updates it is still more than ten times the loss 0.05 reached")
    assert said(lesson, "after 10 updates its loss is still far above what 0.05 reached")
    for graph in every_draw(lesson):
        bold = losses(lesson, graph, bold_rate, 10)
        assert max(bold[1], bold[2]) > bold[0], graph.values()  # up, above the start
        cautious = losses(lesson, graph, 0.001, 10)
        lecture = losses(lesson, graph, 0.05, 10)
        assert bold[-1] > 10 * lecture[-1], graph.values()
        assert cautious[-1] > 10 * lecture[-1], graph.values()
        assert cautious[-1] < cautious[0], graph.values()
        # the largest rate's curve is the worst of the three, or visibly unstable
        assert bold[-1] > cautious[-1] or rises(bold), graph.values()


def test_learning_rate_text_matches_the_steps_run():
    """The view's steps are updates: the text names the steps its questions read."""
    lesson = COURSE.find("learning-rate")
    for index, step in enumerate(lesson.steps):
        if type(step).__name__ == "Ask" and step.kind == "train":
            count = getattr(step, "steps", None)
            if count:
                text = " ".join(Session(lesson).text(index).split())
                assert f"step {count})" in text, text
