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
from the numbers on the screen (`Question.out_of_reach`), where a value question's
hidden node equals a node shown next to it (`shown_equal`: the answer on the
screen), and where every number answer is the file's own, within the tolerance it
is graded with (`OWN_ANSWERS`): new leaves need not make new answers (with
``x2 = 0``, no value of ``w2`` changes a gradient), and a quiz there would ask the
lesson's questions with the lesson's answers.

A lesson's draws are kept per lesson object (the numbers and the reasons, not the
graph): the checker, then the app's or `tutor run`'s session at the same seed, draw
them once.

Checking a draw costs about questions × nodes² (one backward pass per mistake,
and a product makes a mistake of every question); a lesson beyond `MAX_WORK`
is drawn without this check (`fairness_checked`), so that a large lesson file
cannot make a quiz hang.
"""

from __future__ import annotations

import weakref

from tutor.check.kinds import kind_of
from tutor.check.question import Question, places, safely, unfiltered
from tutor.engine import topo_order
from tutor.lesson import Draw, Graph, Lesson, build_graph, draw, lesson_graph
from tutor.lesson.graph import of_graph

MAX_WORK = 2_000_000  # questions × nodes², the most a draw's fairness check may cost
#: Why a draw was refused whose number answers are all the file's own.
OWN_ANSWERS = "every number answer is the file's own"


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
    kept = _kept(lesson)
    if seed in kept:
        values, rejected = kept[seed]
        output = lesson.output or lesson.assignments[-1].name
        if values is None:  # no draw was usable: the file's own numbers
            return Draw(lesson_graph(lesson, 0), rejected)
        return Draw(build_graph(lesson.assignments, output, values, seed), rejected)
    found = _draw_quiz(lesson, seed)
    graph = found.graph
    values = None if found.fell_back else {n: graph.exact[leaf] for n, leaf in graph.leaves.items()}
    kept[seed] = (values, found.rejected)
    return found


def _draw_quiz(lesson: Lesson, seed: int) -> Draw:
    if not fairness_checked(lesson):
        return draw(
            lesson,
            seed,
            reject=lambda g: (
                answer_shown(lesson, g) or (OWN_ANSWERS if own_answers(lesson, g) else None)
            ),
        )
    known = _distinct_mistakes(lesson)

    def unfair(graph: Graph) -> str | None:
        for index, ask in enumerate(lesson.questions):
            question = unfiltered(lesson, graph, ask, index)
            right = safely(question.at, graph)
            for position, mistake in enumerate(question.mistakes):
                if position in known[index] and question.reaches(safely(mistake.at, graph), right):
                    return f"question {index + 1}'s {mistake.code} mistake gives the answer"
            if question.out_of_reach:
                where = f"question {index + 1}'s {places(question.decimals or 0)}"
                return f"{where} are out of the screen's reach"
        if shown := answer_shown(lesson, graph):
            return shown
        if own_answers(lesson, graph):
            return OWN_ANSWERS
        return None

    return draw(lesson, seed, reject=unfair)


def answer_shown(lesson: Lesson, graph: Graph) -> str | None:
    """Why a draw shows a question's answer on the screen (`shown_equal`); else None."""
    for index, ask in enumerate(lesson.questions):
        if shown_equal(graph, ask) is not None:
            return f"question {index + 1}'s answer is shown next to it"
    return None


def shown_equal(graph: Graph, ask) -> str | None:
    """For a question on a node's value (which the graph hides while it is open): a
    labelled node drawn next to it (an input, or a node using it) whose value is the
    same, so that the answer is on the screen (``p = e + y`` at ``y = 0``); else None."""
    if not ask.spec.node_value or ask.node is None:
        return None
    node = graph.nodes.get(ask.node)
    if node is None:
        return None
    users = [n for n in graph.nodes.values() if node in n.inputs]
    for other in [*node.inputs, *users]:
        same = abs(other.data - node.data) <= 1e-12 * max(1.0, abs(node.data))
        if other.label and other.label != ask.node and same:
            return other.label
    return None


def own_answers(lesson: Lesson, graph: Graph) -> bool:
    """True when every number answer at ``graph`` is the file's own answer, within the
    tolerance the question is graded with there (a lesson with no number answer that
    depends on the numbers has none to repeat)."""
    file_answers = _file_answers(lesson)
    if not file_answers:
        return False
    for index, own in file_answers.items():
        ask = lesson.questions[index]
        on = of_graph(graph, ask.of)
        question = Question(lesson, ask, index, on, *kind_of(ask).quantity(ask, on.output.label))
        if not question.within(safely(question.at, on), own):
            return False
    return True


def _file_answers(lesson: Lesson) -> dict[int, float]:
    """The file's own answer of each question answered with a number that depends on
    the numbers (not an expression, not a count of the parameters), by index."""
    kept = _kept(lesson)
    if "answers" not in kept:
        graph = lesson_graph(lesson, 0)
        found = {}
        for index, ask in enumerate(lesson.questions):
            if ask.form == "expression" or ask.spec.counts_parameters:
                continue
            on = of_graph(graph, ask.of)
            found[index] = safely(kind_of(ask).quantity(ask, on.output.label)[0], on)
        kept["answers"] = found
    return kept["answers"]


#: What is kept per lesson object (`_kept`), by its id while it lives.
_KEPT: dict[int, dict[object, object]] = {}


def _kept(lesson: Lesson) -> dict:
    """What this lesson's draws worked out and later ones reuse: per seed, the drawn
    leaves (None: the file's own) and the reasons draws were refused; the file's
    answers; the mistakes that differ from them."""
    key = id(lesson)
    found = _KEPT.get(key)
    if found is None:
        found = _KEPT[key] = {}
        weakref.finalize(lesson, _KEPT.pop, key, None)
    return found


def _distinct_mistakes(lesson: Lesson) -> list[set[int]]:
    """For each question, the positions of the mistakes that differ from the answer at
    the file's own numbers (the mistake lists of all variants have the same shape)."""
    kept = _kept(lesson)
    if "distinct" not in kept:
        kept["distinct"] = _find_distinct_mistakes(lesson)
    return kept["distinct"]


def _find_distinct_mistakes(lesson: Lesson) -> list[set[int]]:
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
                and not question.reaches(safely(mistake.at, graph), right)
            }
        )
    return found
