"""Fair quiz numbers: fresh numbers, and never a draw where a known mistake scores."""

from __future__ import annotations

import functools

import pytest

from tutor.check import grade, prepare
from tutor.check.question import safely, unfiltered
from tutor.check.validate import validate
from tutor.check.variants import OWN_ANSWERS, draw_quiz, own_answers, quiz_graph
from tutor.cli import main
from tutor.lesson import lesson_graph, load_lesson_text
from tutor.lesson.folder import load_course
from tutor.numbers import full, short
from tutor.paths import bundled_lessons
from tutor.session import Session

COURSE = load_course(bundled_lessons())
VARIED = [lesson for lesson in COURSE.lessons if lesson.vary]


@functools.cache
def quiz_at(lesson_id: str, seed: int) -> Session:
    """One quiz session a lesson and seed, for the tests that read its questions: its graph
    keeps what one question worked out (a training run) for the next test's."""
    return Session(COURSE.find(lesson_id), seed=seed, mode="quiz")


@pytest.mark.parametrize("lesson", VARIED, ids=[lesson.id for lesson in VARIED])
def test_quiz_seeds_give_fresh_numbers_where_no_diagnosed_mistake_scores(lesson):
    own = lesson_graph(lesson, 0)
    file_values = own.values()
    # The mistakes the diagnosis tells apart from the answer at the file's numbers.
    diagnosed = []
    for index, ask in enumerate(lesson.questions):
        at_file = unfiltered(lesson, own, ask, index)
        diagnosed.append(
            [
                not m.approximates and not at_file.within(safely(m.at, own), at_file.expected)
                for m in at_file.mistakes
            ]
        )
    for seed in range(1, 21):
        session = quiz_at(lesson.id, seed)
        graph = session.graph
        assert graph.seed == seed
        assert {n: graph.value(n) for n in lesson.vary} != {n: file_values[n] for n in lesson.vary}
        for index, ask in enumerate(lesson.questions):
            question = unfiltered(lesson, graph, ask, index)
            prepared = session.question(index)
            for mistake, known in zip(question.mistakes, diagnosed[index], strict=True):
                value = safely(mistake.at, graph)
                if not known or value != value:
                    continue
                verdict = grade(prepared, full(value))
                assert not verdict.correct, (seed, index + 1, mistake.code, full(value))


def test_the_quiz_the_app_shows_is_the_quiz_tutor_graph_shows(capsys):
    lesson = COURSE.find("neuron")
    for seed in (1, 7, 123456):
        values = quiz_graph(lesson, seed).values()
        assert Session(lesson, seed=seed, mode="quiz").graph.values() == values
        assert main(["graph", "neuron", "--seed", str(seed), "--width", "200"]) == 0
        drawn = capsys.readouterr().out
        assert f"data {short(values['w1'])} " in drawn
        assert f"data {short(values['o'])} " in drawn


SWAP = """
format = 1
id = "swap"
title = "Swap"
graph = \"\"\"
a = 2.0
b = -3.0
e = a * b
\"\"\"
[vary]
a = { choices = [2, -3] }

[[steps]]
ask = "grad"
node = "a"

[[steps]]
ask = "grad"
node = "b"
"""


def test_a_draw_where_the_swapped_factor_scores_is_dropped_and_every_draw_failing_is_an_error():
    lesson = load_lesson_text(SWAP, "swap.toml")
    quiz = draw_quiz(lesson, 1)
    assert quiz.fell_back  # a = 2 is the file's own, a = -3 = b lets the swap score
    assert "the file's own numbers" in quiz.rejected
    assert "question 1's swapped-operand mistake gives the answer" in quiz.rejected
    report = validate(lesson)
    (error,) = report.errors
    assert "`vary`: every draw fails" in str(error)
    assert "swapped-operand mistake gives the answer" in str(error)
    assert "the file's own numbers" in str(error)


def test_tutor_check_says_how_many_draws_it_dropped_and_why(tmp_path, capsys):
    path = tmp_path / "swap.toml"
    path.write_text(SWAP.replace("choices = [2, -3]", "choices = [2, -3, 4, 5]"))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "ok swap: 2 questions," in out
    assert "draws dropped:" in out and "swapped-operand mistake gives the answer" in out

    path.write_text(SWAP)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "every draw fails" in out and "ok swap" not in out


def test_the_lessons_own_coincidences_do_not_block_its_quizzes():
    # x2 = 0 makes do/dw2 = 0, its own negative: the file's numbers have it, so it is
    # the lesson's point (w2 does not matter), not a flaw of a draw.
    lesson = COURSE.find("neuron")
    graph = lesson_graph(lesson, 0)
    w2 = next(i for i, a in enumerate(lesson.questions) if a.kind == "grad" and a.node == "w2")
    assert prepare(lesson, graph, lesson.questions[w2], w2).expected == 0
    assert not draw_quiz(lesson, 1).fell_back


def test_a_lesson_too_large_to_check_each_draw_is_drawn_without_the_check(monkeypatch):
    import tutor.check.variants as variants

    lesson = load_lesson_text(SWAP.replace("choices = [2, -3]", "choices = [2, -3, 4]"), "s.toml")
    assert variants.fairness_checked(lesson)
    monkeypatch.setattr(variants, "MAX_WORK", 1)
    assert not variants.fairness_checked(lesson)
    drawn = {quiz_graph(lesson, seed).value("a") for seed in range(1, 30)}
    assert drawn == {-3.0, 4.0}  # -3 = b is no longer refused
    assert "not checked for mistakes that score" in validate(lesson).dropped_text()


def _number_questions(lesson) -> list[int]:
    return [
        i
        for i, ask in enumerate(lesson.questions)
        if ask.form != "expression" and not ask.spec.counts_parameters
    ]


@pytest.mark.parametrize("lesson", VARIED, ids=[lesson.id for lesson in VARIED])
def test_the_files_own_answers_never_pass_a_whole_quiz(lesson):
    numbered = _number_questions(lesson)
    assert numbered
    own = Session(lesson)
    answers = {i: full(own.question(i).expected) for i in numbered}
    for seed in range(1, 25):
        quiz = quiz_at(lesson.id, seed)
        passed = [grade(quiz.question(i), answers[i]).correct for i in numbered]
        assert not all(passed), f"seed {seed}: the file's answers are every answer"


@pytest.mark.parametrize(
    ("lesson_id", "seeds"), [("tanh-from-pieces", (4, 13, 19, 20)), ("expression-graph", (11,))]
)
def test_a_draw_with_the_files_answers_is_drawn_again(lesson_id, seeds):
    # x2 = 0: w2 moves no answer of tanh-from-pieces; a = -2, b = 3 multiply to a·b = -6
    lesson = COURSE.find(lesson_id)
    for seed in seeds:
        quiz = draw_quiz(lesson, seed)
        assert OWN_ANSWERS in quiz.rejected
        assert not quiz.fell_back
        assert not own_answers(lesson, quiz.graph)
        again = draw_quiz(lesson, seed)  # kept: the same numbers and reasons
        assert again.graph.values() == quiz.graph.values() and again.rejected == quiz.rejected
        assert again.graph is not quiz.graph


def test_a_vary_table_that_moves_no_answer_is_an_error(tmp_path, capsys):
    # b = -3 whatever a is: the one question's answer is always the file's
    path = tmp_path / "still.toml"
    path.write_text(
        SWAP.replace("choices = [2, -3]", "choices = [4, 5]").split("[[steps]]")[0]
        + '[[steps]]\nask = "grad"\nnode = "a"\n'
    )
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "every draw fails" in out and "every number answer is the file's own" in out


@pytest.mark.parametrize("lesson_id", ["zero-the-gradients", "learning-rate"])
def test_the_training_lessons_quiz_on_fresh_numbers(lesson_id):
    lesson = COURSE.find(lesson_id)
    assert lesson.vary
    own = Session(lesson)
    for seed in (1, 2, 3):
        quiz = Session(lesson, seed=seed, mode="quiz")
        assert quiz.graph.seed == seed
        assert quiz.graph.value("L") != own.graph.value("L")
        assert quiz.question(0).prompt != own.question(0).prompt  # its numbers, filled in
        assert [quiz.question(i).expected for i in range(len(lesson.questions))] != [
            own.question(i).expected for i in range(len(lesson.questions))
        ]
