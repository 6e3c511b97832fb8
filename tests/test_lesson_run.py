"""The lesson's rules as rules: a `LessonRun`, one call per key, no screen.

Moved here from the Pilot tests (test_tui, test_tui_checking, test_tui_keys,
test_derivation_reveal, test_tui_training) with their assertions; what those files
keep is about layout and keys.
"""

from __future__ import annotations

import pytest
from conftest import TINY_LESSON, HeldChecker, InstantChecker

from tutor.lesson import Ask, Show, load_lesson_text
from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.progress import ProgressStore
from tutor.runtime.lesson_run import (
    CONFIRM_LEAVE,
    DERIVATION,
    GO_ON,
    GRAPH,
    HELD,
    HOME,
    OPEN_TRAINING,
    RESULTS,
    LessonRun,
    Words,
    draw_quiz,
    opens_ready,
)
from tutor.session import CORRECT, OPEN, REVEALED

COURSE = load_course(bundled_lessons())
BACKPROP = COURSE.find("manual-backprop")
LOSS = COURSE.find("loss-over-data")  # step 7 derives dL1/dypred1; step 9 asks dL/dypred1
QUIZ_SEED = 7


@pytest.fixture
def store():
    with ProgressStore.open() as store:
        yield store


@pytest.fixture
def tiny():
    return load_lesson_text(TINY_LESSON, "tiny.toml")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def said(outcome) -> str:
    return outcome.say.text if outcome.say is not None else ""


def feedback_text(run: LessonRun) -> str:
    now = run.feedback()
    return now.text if isinstance(now, Words) else ""


def at_question(run: LessonRun, index: int) -> None:
    run.go_to(run.session.position_of(index))


def checking(store, lesson, kept=None) -> LessonRun:
    """A lesson opened before its check passed (the app's `await_check`)."""
    run = LessonRun.for_lesson(store, lesson, kept)
    run.clock = Clock()
    run.start_checking()
    return run


# -- the lesson's check: answers wait for it -----------------------------------------------


def test_an_answer_typed_while_checking_is_held_then_graded_when_the_check_passes(store, tiny):
    run = checking(store, tiny)
    assert run.checking
    assert said(run.enter("-3")) == HELD  # dL/da = b: right, but not graded yet
    assert run.session.record.status == OPEN
    assert "checking" not in run.bar().score
    run.clock.now += 0.7  # over half a second: the bar says what is running
    assert "checking the answers" in run.bar().score
    outcome = run.check_passed()
    assert run.session.record.status == CORRECT
    assert "checking" not in run.bar().score
    assert outcome.verdict is not None and outcome.verdict.correct


def test_reveal_waits_for_the_check(store, tiny):
    run = checking(store, tiny)
    assert "still being checked" in said(run.reveal())
    assert "still being checked" in said(run.reveal())  # asked again: still waits
    assert run.session.record.status == OPEN
    assert run.check_passed().feedback  # the "wait" said is taken back


def test_a_held_answer_waits_on_its_step_while_the_student_moves(store, tiny):
    run = checking(store, tiny)
    run.enter("-3")
    first = run.session.position
    run.next()
    run.check_passed()
    run.back()
    assert run.session.position == first
    # kept in its box, nothing graded behind the student's back
    assert run.box_text() == "-3"
    assert run.session.record.status == OPEN


def test_a_derivation_that_reveals_waits_for_the_check_as_reveal_does(store, tiny):
    # L = a * b: the derivation of a → L ends in dL/da, the open question's answer
    run = checking(store, tiny)
    run.derive()
    outcome = run.derive()  # warned, then asked again
    assert run.session.record.status == OPEN
    assert run.session.revealed() is None
    assert "still being checked" in said(outcome)
    assert run.choose_view(DERIVATION) == GRAPH  # no SymPy before the check
    run.check_passed()
    run.derive()
    outcome = run.derive()  # checked: the derivation shows, as a reveal
    assert outcome.view == DERIVATION
    assert run.session.record.status != OPEN


@pytest.mark.parametrize("passed_meanwhile", [False, True])
def test_a_held_answer_is_kept_when_the_student_leaves_and_comes_back(
    store, tiny, passed_meanwhile
):
    # the student was told "Your answer is kept": leaving the lesson must not lose it
    run = checking(store, tiny)
    run.enter("-3")
    assert run.leave().go == HOME
    kept = run.kept()
    again = LessonRun.for_lesson(store, tiny, kept)
    if passed_meanwhile:  # opened ready: back in its box, graded when Enter says so
        assert not again.checking
        assert again.box_text() == "-3"
        assert again.session.record.status == OPEN
        again.enter("-3")
    else:  # still held, and graded the moment the check passes
        again.start_checking()
        assert feedback_text(again) == HELD
        again.check_passed()
    assert again.session.record.status == CORRECT


def test_a_question_skipped_during_the_check_drops_its_kept_answer(store, tiny):
    run = checking(store, tiny)
    run.enter("-3")
    position = run.session.position
    run.skip()
    run.check_passed()
    run.go_to(position)
    assert run.session.records[0].status == "skipped"  # not graded after all
    assert run.box_text() == ""


def test_a_quiz_keeps_no_answers_past_its_screen(store):
    run = LessonRun.for_quiz(store, BACKPROP, QUIZ_SEED)
    run.start_checking()
    run.enter("1")
    assert run.kept() == {}


def test_a_lesson_opens_ready_checking_or_not_at_all(tiny):
    from tutor.lesson.model import LessonError

    failed = {"tiny": [LessonError("tiny.toml", 9, "the engine disagrees")]}
    assert opens_ready(tiny, 0, InstantChecker(), failed) is None  # failed this session
    assert opens_ready(tiny, 0, HeldChecker(), {"tiny": []}) is True  # passed this session
    assert opens_ready(tiny, 0, InstantChecker(), {}) is True  # passed before
    assert opens_ready(tiny, 0, HeldChecker(), {}) is False  # opens checking
    assert opens_ready(tiny, 5, HeldChecker(), {"tiny": []}) is False  # a quiz: its own numbers


def test_a_quiz_is_drawn_only_once_its_check_passed(tiny):
    from tutor.lesson.model import LessonError

    drawn = draw_quiz(tiny, 5, InstantChecker(), stop=lambda: False)
    assert drawn.mode == "quiz" and drawn.seed == 5
    error = LessonError("tiny.toml", None, "the check ran out of its time budget")
    refused = HeldChecker([error])
    refused.release.set()
    assert draw_quiz(tiny, 5, refused, stop=lambda: False) == [error]
    assert refused.calls == [("tiny", 5)]
    assert draw_quiz(tiny, 5, InstantChecker(), stop=lambda: True) is None  # closing


# -- answers, hints and reveals ------------------------------------------------------------


def test_right_wrong_and_unreadable_answers_each_say_so(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 0)  # dL/dL
    assert run.enter("1").verdict.correct
    at_question(run, 1)  # dL/dd = f = -2
    wrong = run.enter("4")
    assert wrong.verdict.status == "incorrect" and wrong.select and wrong.answer is None
    assert run.diagnosed_edge == ("d", "L")
    assert wrong.graph  # drawn again with the edge the diagnosis names
    # committed as given: another connection sees it at once
    with ProgressStore.open() as other:
        assert [r["answer"] for r in other.answer_rows("manual-backprop")] == ["1", "4"]
    assert run.enter("2 +* 3").verdict.status == "not-understood"
    right = run.enter("-2")
    assert right.verdict.correct and right.answer == "" and right.placeholder == GO_ON
    recorded = [row["verdict"] for row in store.answer_rows("manual-backprop")]
    assert recorded == ["correct", "incorrect", "not-understood", "correct"]
    at_question(run, 2)
    assert "Type your answer first" in said(run.enter("  "))


def test_hints_one_at_a_time_then_reveal_asks_once(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 1)
    first = run.hint()
    assert first.hints and said(first).startswith("Hint 1 of")
    assert said(run.hint()).startswith("Hint 2 of")
    assert run.session.hints_shown()[:2] == list(run.session.question().hints[:2])

    asked = run.reveal()  # the first press asks
    assert "Press ctrl+r again" in said(asked) and asked.say.kind == "warning"
    assert run.session.record.status == "open"
    shown = run.reveal()
    assert shown.redraw and "The answer is -2" in said(shown)
    assert run.session.revealed().answer == "-2"
    verdicts = [row["verdict"] for row in store.answer_rows("manual-backprop")]
    assert verdicts == ["revealed"]
    assert run.allowed("reveal") is None  # settled: greyed out
    run.enter("")  # settled and nothing typed: go on
    assert run.session.question_index == 2


def test_ctrl_r_asks_again_on_the_next_question(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 1)
    run.reveal()
    run.next()
    run.back()  # a move: the warning was for then
    assert "Press ctrl+r again" in said(run.reveal())
    assert run.session.record.status == OPEN


def test_no_more_hints_says_so(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 1)
    for _ in run.session.question().hints:
        run.hint()
    assert said(run.hint()) == "No more hints for this question. Ctrl+r reveals the answer."


# -- moving through the steps ------------------------------------------------------------


def test_next_back_skip_and_enter_move_through_the_steps(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    assert run.session.position == 0
    run.next()
    run.next()
    assert run.session.position == 2
    run.back()
    assert run.session.position == 1
    at_question(run, 0)
    run.skip()
    assert run.session.records[0].status == "skipped"
    assert run.session.position == 4
    assert (run.bar().position, run.bar().count) == (5, len(BACKPROP.steps))
    assert run.enter("").redraw  # a step without a question: Enter goes on
    assert run.session.position == 5
    run.go_to(len(run.session.steps) - 1)
    assert "end of the lesson" in feedback_text(run)
    assert run.enter("").go == HOME  # ... and at the end, back to the course


def test_enter_after_a_correct_answer_goes_on_and_grades_nothing(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    run.go_to(3)  # dL/dL
    assert run.enter("1").verdict.correct
    run.enter("5")
    assert run.session.position == 4, "Enter went on"
    verdicts = [row["verdict"] for row in store.answer_rows("manual-backprop")]
    assert verdicts == ["correct"]


def test_skip_back_and_answer_later_count_once(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    count = len(BACKPROP.questions)
    run.go_to(3)
    run.skip()  # skip dL/dL
    assert run.bar().score == f"1 of {count} done"
    run.back()
    run.enter("1")  # and answer it after all
    summary = {s.lesson_id: s for s in store.summaries({"manual-backprop": count})}
    assert run.bar().score == f"{summary['manual-backprop'].done} of {count} done"
    assert run.bar().score == f"1 of {count} done"


def test_typing_where_no_answer_is_taken_is_said(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    assert not run.session.takes_answer()  # a step that asks nothing
    refused = run.refused()
    assert refused.say.kind == "warning"
    assert "asks for no answer" in said(refused) and "Enter goes on" in said(refused)
    run.go_to(3)  # dL/dL, answered right: Enter goes on, typing is not taken
    run.enter("1")
    assert not run.session.takes_answer()
    assert "answered this one right" in said(run.refused())


def test_continue_where_the_student_left_with_earned_gradients(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 1)
    run.enter("-2")
    run.enter("")  # on to the next question
    position = run.session.position
    again = LessonRun.for_lesson(store, BACKPROP)
    assert again.session.position == position
    assert again.session.records[1].status == "correct"
    assert "d" in again.recorder.earned


def test_reset_forgets_the_lesson(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    at_question(run, 0)
    run.enter("1")
    assert store.answer_rows("manual-backprop")
    assert run.reset().redraw
    assert store.answer_rows("manual-backprop") == []
    assert run.session.position == 0
    assert run.recorder.earned == set()


def test_escape_closes_a_derivation_before_leaving(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    run.go_to(5)  # dL/dd: an edge to derive
    run.derive()  # the first press warns that it reveals
    assert run.derive().view == DERIVATION
    run.choose_view(DERIVATION)
    assert run.view == DERIVATION
    assert run.leave().view == GRAPH
    run.choose_view(GRAPH)
    assert run.leave().go == HOME


# -- a quiz ------------------------------------------------------------------------------


def test_a_quiz_to_its_results_and_the_best_score(store):
    run = LessonRun.for_quiz(store, COURSE.find("chain-rule"), QUIZ_SEED)
    session = run.session
    assert run.quiz and session.seed == QUIZ_SEED and session.mode == "quiz"
    assert run.allowed("reveal") is False
    assert run.allowed("derive") is False
    count = len(session.records)
    for index in range(count):
        assert session.question_index == index
        assert run.prompt().startswith(f"**Question {index + 1} of {count}.**")
        expected = session.question().expected_text
        outcome = run.enter(expected if index else "12345")
        if index < count - 1:
            # no verdict before the end: only that the answer was recorded
            assert outcome.verdict is None and "recorded" in said(outcome)
    assert outcome.go == RESULTS
    best = store.best_quiz("chain-rule")
    assert best is not None and best.seed == QUIZ_SEED and best.score == count - 1


def test_a_quiz_answer_is_final_and_leaving_asks_first(store):
    run = LessonRun.for_quiz(store, BACKPROP, QUIZ_SEED)
    run.enter("5")
    assert run.session.question_index == 1
    run.back()
    assert "final" in said(run.enter("1"))
    assert run.session.records[0].status == "incorrect"
    assert run.leave().go == CONFIRM_LEAVE


# -- ctrl+l: a derivation that gives an answer away is a reveal ----------------------------


def test_a_derivation_warns_first_then_shows_and_records_the_reveal(store):
    run = LessonRun.for_lesson(store, BACKPROP)
    run.session.goto_question(1)
    warned = run.derive()
    assert "counts as a reveal" in said(warned) and "Press ctrl+l again" in said(warned)
    assert (run.session.records[1].status, warned.view) == (OPEN, None)
    shown = run.derive()
    assert (run.session.records[1].status, shown.view) == (REVEALED, DERIVATION)
    rows = store.answer_rows(BACKPROP.id)
    assert [(r["question_index"], r["verdict"]) for r in rows] == [(1, "revealed")]


def answered_by_the_derivation(lesson) -> tuple[int, int]:
    """The derivation step, and the question its derivation answers."""
    step = next(p for p, s in enumerate(lesson.steps) if getattr(s, "what", None) == DERIVATION)
    shown = lesson.steps[step]
    asked = next(
        i for i, a in enumerate(lesson.questions) if a.kind == "grad" and a.node == shown.wrt
    )
    return step, asked


def test_a_derivation_step_stepped_back_to_is_withheld_until_asked_twice(store):
    step, asked = answered_by_the_derivation(LOSS)
    run = LessonRun.for_lesson(store, LOSS)
    at_question(run, asked)
    while run.session.position > step:  # ctrl+b, ctrl+b
        run.back()
    assert run.choose_view() == DERIVATION and run.withheld is not None
    assert "counts as a reveal" in run.withheld_text()
    warned = feedback_text(run)
    assert f"question {asked + 1}," in warned and "Press ctrl+l to see it" in warned
    assert [r.status for r in run.session.records].count(REVEALED) == 0
    shown = run.derive()  # warned already (by the panel): ctrl+l shows it
    assert shown.view == DERIVATION
    statuses = [r.status for r in run.session.records]
    assert statuses[asked] == REVEALED and statuses.count(REVEALED) == 1
    assert run.choose_view() == DERIVATION and run.withheld is None


# -- training views ---------------------------------------------------------------------


def training_step(lesson) -> int:
    return next(i for i, s in enumerate(lesson.steps) if getattr(s, "what", "") == "training")


def test_enter_on_a_training_step_opens_its_view_then_goes_on(store):
    lesson = COURSE.find("gradient-descent")
    run = LessonRun.for_lesson(store, lesson)
    position = training_step(lesson)
    run.go_to(position)
    assert run.placeholder() == OPEN_TRAINING
    assert run.default_view() is None  # the view is its own screen
    opened = run.enter("")
    assert opened.training == position and opened.placeholder == GO_ON
    # The lesson's parameters only, at the step's rate: the data are not trained.
    first, *_ = run.trainers(position)
    assert [p.name for p in first.parameters()] == ["w1", "w2", "b"]
    assert first.rate == 0.01
    run.enter("")  # the view was seen: Enter goes on
    assert run.session.position == position + 1


def test_a_question_reopens_the_view_it_is_read_from_as_it_was_left(store):
    lesson = COURSE.find("learning-rate")
    run = LessonRun.for_lesson(store, lesson)
    view = training_step(lesson)
    run.go_to(view)
    assert run.allowed("training") is False  # a view, not a question on one
    first, *_ = run.trainers(run.enter("").training)
    for _ in range(3):
        first.step()
    run.enter("")
    assert isinstance(run.session.step, Ask) and run.session.training_view() == view
    again = run.training()
    assert again.training == view
    assert run.trainers(view)[0] is first and first.steps == 3  # as it was left


def test_a_quiz_on_training_opens_the_view_each_question_is_read_from(store):
    run = LessonRun.for_quiz(store, COURSE.find("zero-the-gradients"), 3)
    session = run.session
    run.enter("0")
    run.enter("0")
    # on to question 3 by way of the curve it is read from
    assert isinstance(session.step, Show) and session.step.what == "training"
    assert (run.bar().position, run.bar().count, run.bar().unit) == (3, 4, "question")
    assert "training view" in run.placeholder()
    trainer = run.trainers(run.enter("").training)[0]
    assert (trainer.rate, trainer.zero_grad) == (0.2, False)
    run.enter("")
    assert isinstance(session.step, Ask)
    question = session.question()
    assert session.question_index == 2 and question.kind == "train"
    run.enter(question.expected_text)
    assert isinstance(session.step, Show) and session.step.zero_grad  # question 4's view
    assert run.trainers(run.enter("").training)[0].zero_grad
    run.enter("")
    assert run.enter("0").go == RESULTS  # the last answer: the results
    assert session.records[2].status == "correct"
