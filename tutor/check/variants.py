"""A quiz's numbers: a variant of the lesson where every known mistake still shows.

A quiz draws fresh numbers from the lesson's ``vary`` table (`tutor.lesson.draw`).
Some draws would make the quiz unfair: at ``a = b`` the swapped-factor mistake
gives the right answer, so a student who makes it scores. Such a draw is refused
and another drawn. The mistakes compared are the ones the diagnosis knows
(`tutor.check.question`) and can tell apart from the answer at the file's own
numbers; a mistake that coincides with the answer there (``-0`` for a gradient
of 0) belongs to the lesson, not to the draw. Approximations (a rise over run
with a small h taken for the exact slope, or the other way round) are close to
the answer by nature and are not compared: at a coarse tolerance they may pass.

A draw is also refused where a question's asked decimal places cannot be reached
from the numbers on the screen (`Question.out_of_reach`).

Checking a draw costs about questions × nodes² (one backward pass per mistake,
and a product makes a mistake of every question); a lesson beyond `MAX_WORK`
is drawn without this check (`fairness_checked`), so that a large lesson file
cannot make a quiz hang.
"""

from __future__ import annotations

from tutor.check.question import places, safely, unfiltered
from tutor.engine import topo_order
from tutor.lesson import Draw, Graph, Lesson, draw, lesson_graph

MAX_WORK = 2_000_000  # questions × nodes², the most a draw's fairness check may cost


def fairness_checked(lesson: Lesson) -> bool:
    """Whether quiz draws of this lesson are checked for mistakes that score."""
    if not lesson.has_graph:
        return True
    nodes = len(topo_order(lesson_graph(lesson, 0).output))  # unnamed ones too
    return len(lesson.questions) * nodes * nodes <= MAX_WORK


def quiz_graph(lesson: Lesson, seed: int) -> Graph:
    """The graph of variant ``seed`` (0: the file's own numbers) as a quiz shows it."""
    return draw_quiz(lesson, seed).graph


def draw_quiz(lesson: Lesson, seed: int) -> Draw:
    """Variant ``seed`` of the lesson, with why each refused draw was refused."""
    if seed == 0 or not lesson.vary:
        return Draw(lesson_graph(lesson, 0))
    if not fairness_checked(lesson):
        return draw(lesson, seed)
    known = _distinct_mistakes(lesson)

    def unfair(graph: Graph) -> str | None:
        for index, ask in enumerate(lesson.questions):
            question = unfiltered(lesson, graph, ask, index)
            right = safely(question.at, graph)
            for position, mistake in enumerate(question.mistakes):
                if position in known[index] and question.within(safely(mistake.at, graph), right):
                    return f"question {index + 1}'s {mistake.code} mistake gives the answer"
            if question.out_of_reach:
                where = f"question {index + 1}'s {places(question.decimals or 0)}"
                return f"{where} are out of the screen's reach"
        return None

    return draw(lesson, seed, reject=unfair)


def _distinct_mistakes(lesson: Lesson) -> list[set[int]]:
    """For each question, the positions of the mistakes that differ from the answer at
    the file's own numbers (the mistake lists of all variants have the same shape)."""
    graph = lesson_graph(lesson, 0)
    found = []
    for index, ask in enumerate(lesson.questions):
        question = unfiltered(lesson, graph, ask, index)
        right = question.expected
        found.append(
            {
                position
                for position, mistake in enumerate(question.mistakes)
                if not mistake.approximates
                and not question.within(safely(mistake.at, graph), right)
            }
        )
    return found
