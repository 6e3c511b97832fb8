"""The session: steps, answers, hints, reveal, skip, score, earned gradients."""

from __future__ import annotations

import pytest

from tutor.lesson import load_lesson, load_lesson_text
from tutor.session import CORRECT, REVEALED, SKIPPED, Session, SessionError
from tutor.status import INCORRECT

LESSON = """
format = 1
id = "s"
title = "Session"
pass = 0.5
graph = \"\"\"
a = 2.0
b = -3.0
e = a * b
f = -2.0
L = e * f
\"\"\"
[vary]
a = { choices = [1, 2, 3] }

[[steps]]
say = "e is {e}."
[[steps]]
ask = "grad"
node = "e"
hints = ["Own hint."]
[[steps]]
ask = "grad"
node = "a"
points = 2
[[steps]]
say = "Done."
"""


@pytest.fixture
def lesson():
    return load_lesson_text(LESSON)


def test_walks_the_steps(lesson):
    s = Session(lesson)
    assert s.text() == "e is -6."
    assert s.question() is None
    assert s.next() and s.question_index == 0
    assert s.next() and s.question_index == 1
    assert s.next() and s.at_end
    assert not s.next()
    assert s.back() and s.question_index == 1


def test_correct_answer_scores_and_earns_the_gradient(lesson):
    s = Session(lesson)
    s.goto_question(0)
    assert s.submit("-2").correct
    assert s.record.status == CORRECT
    assert s.score == 1 and s.total == 3
    assert s.earned == {"e"}


def test_wrong_answers_cost_nothing_in_a_lesson(lesson):
    s = Session(lesson)
    s.goto_question(0)
    assert not s.submit("5").correct
    assert s.submit("-2").correct
    assert s.score == 1


def test_hints_cost_a_quarter_each_and_come_one_at_a_time(lesson):
    s = Session(lesson)
    s.goto_question(0)
    first = s.hint()
    assert first == "Own hint."
    second = s.hint()
    assert second.startswith("`L` = e * f uses `e` directly")
    assert s.hints_shown() == [first, second]
    s.submit("-2")
    assert s.score == 0.5


def test_hints_run_out(lesson):
    s = Session(lesson)
    s.goto_question(0)
    while s.hint() is not None:
        pass
    assert s.hint() is None


def test_not_understood_costs_no_attempt(lesson):
    s = Session(lesson)
    s.goto_question(0)
    assert s.submit("2a").status == "not-understood"
    assert s.record.attempts == []


def test_reveal_earns_nothing_but_shows_the_gradient(lesson):
    s = Session(lesson)
    s.goto_question(1)
    reveal = s.reveal()
    assert reveal.answer == "6"
    assert reveal.explanation == ["dL/da = dL/de · de/da", "= (-2) × (-3) = 6"]
    assert s.record.status == REVEALED and s.score == 0
    assert "a" in s.earned
    assert s.submit("6").correct and s.score == 0  # settled: no points afterwards


def test_skip_moves_on(lesson):
    s = Session(lesson)
    s.goto_question(0)
    s.skip()
    assert s.records[0].status == SKIPPED
    assert s.question_index == 1


def test_quiz_has_no_narrative_one_attempt_and_no_early_reveal(lesson):
    s = Session(lesson, seed=2, mode="quiz")
    assert len(s.steps) == 2
    with pytest.raises(SessionError):
        s.reveal()
    q = s.question()
    assert not s.submit(repr(q.expected + 1)).correct
    assert s.record.status == INCORRECT
    assert s.submit(repr(q.expected)).correct  # still graded, but settled as wrong
    assert s.score == 0
    s.next()
    s.submit(repr(s.question().expected))
    assert s.finished and s.score == 2 and s.passed
    assert s.reveal(0).answer == s.question(0).expected_text


def test_same_answers_same_verdicts_in_two_sessions(lesson):
    answers = ["-2", "5", "2a"]
    runs = []
    for _ in range(2):
        s = Session(lesson, seed=3)
        s.goto_question(1)
        runs.append([(v.status, v.diagnosis, v.feedback) for v in map(s.submit, answers)])
    assert runs[0] == runs[1]


# -- what the screen shows: read-only queries ------------------------------------------

VALUES = """
format = 1
id = "v"
title = "Values"
graph = \"\"\"
a = 2.0
b = -3.0
e = a * b
L = e + a
\"\"\"

[[steps]]
ask = "value"
node = "e"
[[steps]]
ask = "local"
node = "e"
wrt = "a"
[[steps]]
ask = "grad"
node = "e"
[[steps]]
show = "derivation"
node = "e"
wrt = "b"
"""


def test_a_revealed_answer_is_read_without_changing_anything(lesson):
    s = Session(lesson)
    s.goto_question(0)
    assert s.revealed() is None  # open: nothing to show, and still open
    assert s.record.status == "open"
    solution = s.solution()
    assert solution.answer == "-2" and s.record.status == "open"
    s.reveal()
    assert s.revealed() == solution
    assert s.record.status == REVEALED


def test_a_quiz_shows_no_answer_until_the_end(lesson):
    s = Session(lesson, seed=1, mode="quiz")
    with pytest.raises(SessionError):
        s.solution(0)
    s.skip()
    assert s.revealed(0) is None  # a quiz's answers are on the results screen
    s.submit("5")
    assert s.solution(0).answer == s.question(0).expected_text


def test_the_next_open_question_goes_round_to_the_first_open_one(lesson):
    s = Session(lesson, seed=1, mode="quiz")
    s.goto_question(1)
    assert s.next_open_question() == 0  # round from the last
    s.submit("5")
    assert s.next_open_question() == 0
    s.goto_question(0)
    assert s.next_open_question() == 0  # itself, the only one still open
    s.submit("5")
    assert s.finished and s.next_open_question() is None


def test_values_asked_for_are_hidden_until_answered_and_always_in_a_quiz():
    lesson = load_lesson_text(VALUES)
    s = Session(lesson)
    assert s.hidden_values() == {"e"}
    s.goto_question(0)
    assert s.submit("-6").correct
    assert s.hidden_values() == set()
    quiz = Session(lesson, seed=1, mode="quiz")
    quiz.goto_question(0)
    quiz.submit("123")
    assert quiz.hidden_values() == {"e"}
    assert quiz.shown_earned == set()


def test_the_edges_a_step_can_derive():
    lesson = load_lesson_text(VALUES)
    s = Session(lesson)
    assert s.derivable_edges() == []  # a value question has no edge
    s.goto_question(1)
    assert [(e.node, e.wrt) for e in s.derivable_edges()] == [("e", "a")]
    s.goto_question(2)  # the edges into e from the nodes whose definition uses it
    assert [(e.node, e.wrt) for e in s.derivable_edges()] == [("L", "e")]
    s.goto(3)
    assert [(e.node, e.wrt) for e in s.derivable_edges()] == [("e", "b")]
    quiz = Session(lesson, seed=1, mode="quiz")
    quiz.goto_question(1)
    assert quiz.derivable_edges() == []  # no derivations during a quiz


def test_the_hint_cost_and_the_percentage_come_from_the_scoring_rule(lesson, monkeypatch):
    assert Session.hint_cost() == "Each hint costs a quarter of this question's points."
    monkeypatch.setattr("tutor.session.HINT_COST", 0.5)
    assert Session.hint_cost() == "Each hint costs half of this question's points."
    s = Session(lesson)
    assert s.percent == 0
    s.goto_question(0)
    s.submit("-2")
    assert s.percent == pytest.approx(100 / 3)
    assert s.settled == 1


def test_a_plot_step_gives_its_curve_and_another_step_none():
    from tutor.lesson.folder import load_course
    from tutor.paths import bundled_lessons

    lesson = load_course(bundled_lessons()).find("derivative-by-nudging")
    s = Session(lesson)
    with pytest.raises(SessionError):
        s.plot()
    s.goto(next(i for i, step in enumerate(s.steps) if getattr(step, "what", "") == "plot"))
    data = s.plot()
    assert (data.output, data.leaf) == (s.output, s.step.node)
    assert sum(len(piece) for piece in data.pieces) > 2
    assert data.point == (s.graph.value(data.leaf), s.graph.value(data.output))


def test_a_quiz_keeps_the_training_views_its_questions_are_read_from():
    from tutor.lesson import Ask, Show
    from tutor.paths import bundled_lessons

    lesson = load_lesson(bundled_lessons() / "15-zero-the-gradients.toml")
    quiz = Session(lesson, mode="quiz")
    kinds = [s.kind if isinstance(s, Ask) else s.what for s in quiz.steps]
    assert kinds == ["grad", "accumulated", "training", "train", "training", "train"]
    train = kinds.index("train")
    index = quiz._question_of_step[train]
    quiz.approach_question(index)  # the view before it, then the question
    assert isinstance(quiz.step, Show) and quiz.upcoming_question == index
    quiz.next()
    assert quiz.question_index == index
    quiz.goto_question(index)
    assert quiz.position == quiz.position_of(index) == train
    # a view after the last question teaches: left out, as the lesson's text is
    descent = load_lesson(bundled_lessons() / "14-gradient-descent.toml")
    assert all(isinstance(s, Ask) for s in Session(descent, mode="quiz").steps)
    rates = load_lesson(bundled_lessons() / "16-learning-rate.toml")
    assert isinstance(Session(rates, mode="quiz").step, Show)  # the quiz opens on its curve


def test_a_question_after_a_training_view_is_read_from_the_nearest_one():
    from tutor.paths import bundled_lessons

    lesson = load_lesson(bundled_lessons() / "15-zero-the-gradients.toml")
    session = Session(lesson)
    views = [i for i, s in enumerate(session.steps) if getattr(s, "what", "") == "training"]
    for index in range(len(lesson.questions)):
        session.goto_question(index)
        before = [v for v in views if v < session.position]
        assert session.training_view() == (before[-1] if before else None)
    session.goto(views[0])
    assert session.training_view() is None  # a view itself, not a question on one


def test_typing_is_taken_only_where_an_answer_can_still_be_given(lesson):
    s = Session(lesson)
    assert not s.takes_answer() and "asks for no answer" in s.no_answer_here()
    s.goto_question(0)
    assert s.takes_answer()
    assert not s.submit("1").correct and s.takes_answer()  # wrong: try again
    assert s.submit(repr(s.question().expected)).correct
    assert not s.takes_answer() and "answered this one right" in s.no_answer_here()
    s.goto_question(1)
    s.reveal()
    assert s.takes_answer(), "a revealed question may still be answered, for practice"

    quiz = Session(lesson, seed=2, mode="quiz")
    assert quiz.takes_answer()
    quiz.submit("12345")  # wrong, and final
    assert not quiz.takes_answer() and "first answer is final" in quiz.no_answer_here()
