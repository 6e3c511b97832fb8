"""Your engine, trained: the lecture's network on the student's own ``_backward`` rules."""

from __future__ import annotations

import pytest

from tutor.engine.nn import MLP
from tutor.engine.train import GraphTrainer, Trainer
from tutor.expr.backward import METHODS
from tutor.lesson import Show, lesson_graph
from tutor.lesson.folder import load_course
from tutor.lesson.graph import copy_graph, moved_leaves
from tutor.paths import bundled_lessons
from tutor.progress import Answer, ProgressStore
from tutor.runtime.your_engine import (
    LECTURE_LAYERS,
    LECTURE_SEED,
    LECTURE_XS,
    LECTURE_YS,
    WRITTEN,
    EngineRules,
    StudentRules,
    YourGraphTrainer,
    YourTrainer,
    backward_questions,
    lecture_view,
    student_rules,
    your_view,
)
from tutor.status import CORRECT, INCORRECT, NOT_UNDERSTOOD, REVEALED

STEPS = 20

#: The lecture's bodies, as lesson 17 grades them right.
RIGHT = {op: METHODS[op].body() for op in ("add", "mul", "tanh", "pow")}
#: micrograd's bug: `=` where `+=` is needed (lesson 18).
ASSIGNED = "self.grad = 1.0 * out.grad\nother.grad = 1.0 * out.grad"
#: out.grad forgotten in *.
NO_UPSTREAM = "self.grad += other.data\nother.grad += self.data"


@pytest.fixture(scope="module")
def course():
    return load_course(bundled_lessons())


def lesson(course, lesson_id):
    found = course.find(lesson_id)
    assert found is not None, lesson_id
    return found


def network() -> MLP:
    nin, layers = LECTURE_LAYERS
    return MLP(nin, list(layers), seed=LECTURE_SEED)


def tutor_curve(rate=0.05, zero_grad=True) -> list[float]:
    trainer = Trainer(network(), LECTURE_XS, LECTURE_YS, rate=rate, zero_grad=zero_grad)
    return trainer.run(STEPS)


def your_curve(texts, rate=0.05, zero_grad=True) -> YourTrainer:
    trainer = YourTrainer(
        network(), LECTURE_XS, LECTURE_YS, StudentRules(texts), rate=rate, zero_grad=zero_grad
    )
    trainer.run(STEPS)
    return trainer


def gap(a, b) -> float:
    assert len(a) == len(b)
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("zero_grad", [True, False])
def test_the_lecture_rules_give_the_tutors_curve(zero_grad):
    yours = your_curve(RIGHT, zero_grad=zero_grad)
    assert yours.engine.yours == ["mul", "add", "tanh", "pow"]  # in the order met
    assert yours.engine.fallback == ["sub"]  # the loss's `-`: no lesson asks for it
    assert gap(yours.losses, tutor_curve(zero_grad=zero_grad)) < 1e-9


def test_equivalent_rewritings_give_the_tutors_curve_too():
    texts = {
        **RIGHT,
        "mul": "self.grad += out.grad * other.data\nother.grad += out.grad * self.data",
        "tanh": "t = out.data\nself.grad += (1 - t*t) * out.grad",
        "add": "    self.grad += out.grad\n    other.grad += out.grad",
    }
    assert gap(your_curve(texts).losses, tutor_curve()) < 1e-9


def test_assigning_instead_of_adding_trains_another_curve():
    # A weight feeds four examples' graphs: `=` keeps the last use's share only.
    yours = your_curve({**RIGHT, "add": ASSIGNED})
    assert yours.diverged is None
    assert gap(yours.losses, tutor_curve()) > 0.05


def test_forgetting_out_grad_trains_another_curve():
    yours = your_curve({**RIGHT, "mul": NO_UPSTREAM})
    tutor = tutor_curve()
    assert gap(yours.losses, tutor) > 1.0
    assert yours.losses[-1] > 10 * tutor[-1]  # it does not learn what the tutor's does


def test_the_sign_wrong_climbs():
    texts = {**RIGHT, "tanh": "t = out.data\nself.grad -= (1 - t**2) * out.grad"}
    yours = your_curve(texts)
    assert yours.losses[-1] > tutor_curve()[-1] + 1.0


def test_an_op_not_written_runs_the_tutors_rule_and_says_so():
    texts = {op: RIGHT[op] for op in WRITTEN}  # no power rule: the loss's ** is the tutor's
    yours = your_curve(texts)
    assert "pow" in yours.engine.fallback and "sub" in yours.engine.fallback
    note = yours.engine.note()
    assert "your _backward for + * tanh" in note
    assert "the tutor's for - ** (you wrote none)" in note
    assert gap(yours.losses, tutor_curve()) < 1e-9


def test_a_rule_that_cannot_be_read_here_falls_back_and_says_why():
    # Written for `**2` as a bare number, read again for the loss's `**2`: fine; but
    # a body naming `other.data` for a power cannot be read for any power.
    rules = StudentRules({**RIGHT, "pow": "self.grad += other.data * out.grad"})
    engine = EngineRules.for_nodes(rules, [_loss_node()])
    assert engine.fallback == ["pow"]
    assert "your rule for ** cannot be read" in engine.note()


def _loss_node():
    from tutor.engine import Value

    return Value(1.5) ** 2


def test_a_rule_that_fails_stops_the_training_and_names_the_op():
    from tutor.engine import EngineError

    texts = {**RIGHT, "tanh": "self.grad += out.grad / (out.data - out.data)"}
    trainer = YourTrainer(network(), LECTURE_XS, LECTURE_YS, StudentRules(texts), rate=0.05)
    with pytest.raises(EngineError):
        trainer.step()
    assert (
        trainer.diverged is not None and "your rule for tanh: division by zero" in trainer.diverged
    )
    assert trainer.losses == []


def test_a_rule_that_overflows_stops_the_training():
    texts = {**RIGHT, "mul": "self.grad += other.data * out.grad * 1e300 * 1e300"}
    trainer = YourTrainer(network(), LECTURE_XS, LECTURE_YS, StudentRules(texts), rate=0.05)
    with pytest.raises(ArithmeticError):
        trainer.step()
    assert "your rule for *: it gives inf" in trainer.diverged


def test_the_lecture_network_is_the_lessons(course):
    # lecture_view trains what lessons 15 and 16 train: the same network, data and loss.
    for lesson_id in ("zero-the-gradients", "learning-rate"):
        found = lesson(course, lesson_id)
        graph = lesson_graph(found)
        copy = copy_graph(graph)
        params = list(moved_leaves(copy, found.parameters).values())
        trainer = GraphTrainer(copy.output, params, rate=0.05)
        assert gap(trainer.run(STEPS), tutor_curve()) < 1e-9


def test_backward_questions_name_each_ops(course):
    assert backward_questions(lesson(course, "write-backward")) == {
        0: "add",
        1: "mul",
        2: "tanh",
        3: "exp",
        4: "pow",
    }
    assert backward_questions(lesson(course, "the-plus-equals-bug"))
    assert backward_questions(lesson(course, "zero-the-gradients")) == {}


def record(store, index, text, verdict, lesson_id="write-backward"):
    store.record_answer(Answer(lesson_id, index, 0, text, verdict))


def test_the_last_rule_submitted_per_op_is_read_back_after_a_restart(course, tmp_path):
    path = tmp_path / "progress.sqlite3"
    with ProgressStore.open(path) as store:
        record(store, 0, RIGHT["add"], CORRECT)
        record(store, 0, ASSIGNED, INCORRECT)  # the later, wrong one is the student's rule
        record(store, 1, NO_UPSTREAM, INCORRECT)
        record(store, 1, "self.grad += ", NOT_UNDERSTOOD)  # not a rule: the earlier stands
        record(store, 2, "", REVEALED)  # a reveal is no rule
        record(store, 2, RIGHT["tanh"], CORRECT)
    with ProgressStore.open(path) as store:  # the app started again
        rules = student_rules(store.answer_rows(), course.lessons)
    assert rules.texts == {"add": ASSIGNED, "mul": NO_UPSTREAM, "tanh": RIGHT["tanh"]}
    assert rules.complete


def test_no_rules_without_their_lesson(course):
    rows = [
        {"lesson_id": "write-backward", "question_index": 0, "answer": RIGHT["add"],
         "verdict": CORRECT},
    ]  # fmt: skip
    assert student_rules(rows, []).texts == {}
    assert student_rules(rows, course.lessons).missing() == ["mul", "tanh"]


def training_step(found) -> Show:
    return next(s for s in found.steps if isinstance(s, Show) and s.what == "training")


def test_a_training_step_beside_the_students_engine(course):
    found = lesson(course, "zero-the-gradients")
    show = training_step(found)  # rate 0.2, not zeroed: the view's own settings
    graph = lesson_graph(found)
    view = your_view(found, graph, show, StudentRules(RIGHT))
    tutor, yours = view.trainers
    assert view.names == ["tutor", "yours"]
    assert isinstance(yours, YourGraphTrainer)
    assert (yours.rate, yours.zero_grad) == (tutor.rate, tutor.zero_grad) == (0.2, False)
    assert gap(tutor.run(10), yours.run(10)) < 1e-9
    wrong = your_view(found, graph, show, StudentRules({**RIGHT, "add": ASSIGNED}))
    assert gap(wrong.trainers[0].run(10), wrong.trainers[1].run(10)) > 0.05


def test_without_the_rules_the_view_says_what_to_do(course):
    found = lesson(course, "zero-the-gradients")
    view = your_view(found, lesson_graph(found), training_step(found), StudentRules(RIGHT))
    assert len(view.trainers) == 2
    rows = [
        {"lesson_id": "write-backward", "question_index": 0, "answer": RIGHT["add"],
         "verdict": CORRECT},
    ]  # fmt: skip
    rules = student_rules(rows, course.lessons)
    view = your_view(found, lesson_graph(found), training_step(found), rules)
    assert len(view.trainers) == 1 and view.names == []
    assert "you have not written _backward for * tanh yet" in view.note
    # The lesson that asks for them, by its number and title, as the course list shows it.
    assert "Write the rules for + * tanh in lesson 17 (Write _backward)" in view.note
    assert len(lecture_view(StudentRules()).trainers) == 1
    assert lecture_view(StudentRules(RIGHT)).names == ["tutor", "yours"]


def test_a_graph_without_tanh_needs_no_tanh_rule(course):
    """Lesson 14's linear neuron is made of + * - **: the student's + and * train it."""
    found = lesson(course, "gradient-descent")
    graph, show = lesson_graph(found), training_step(found)
    plus_times = StudentRules({"add": RIGHT["add"], "mul": RIGHT["mul"]})
    view = your_view(found, graph, show, plus_times)
    assert view.names == ["tutor", "yours"]
    assert "your _backward for + *;" in view.note
    tutor, yours = view.trainers
    assert gap(tutor.run(10), yours.run(10)) < 1e-9
    alone = your_view(found, graph, show, StudentRules({"add": RIGHT["add"]}))
    assert len(alone.trainers) == 1
    assert "you have not written _backward for * yet" in alone.note
    assert "Write the rules for + * in" in alone.note  # not tanh: this graph has none
    # The lecture's network has tanh: there it is still wanted.
    assert len(lecture_view(plus_times).trainers) == 1


def heavy_rule() -> str:
    """A body at the bounds of a code answer: temporaries that double, then 8 statements
    of about 640 operations each (the reader's limit is 800 a statement)."""
    lines = ["t1 = out.grad" + " * 1.0" * 39, "t2 = t1 * t1", "t3 = t2 * t2", "t4 = t3 * t3"]
    lines += ["self.grad += t4 * 0", "other.grad += t4 * 0"] * 4
    return "\n".join(lines)


def test_a_rule_too_long_to_train_with_runs_the_tutors_and_says_so():
    from tutor.expr.backward import parse_backward
    from tutor.runtime.your_engine import MAX_WORK

    body = heavy_rule()  # it reads as a body for *: within the bounds of a code answer
    assert len(parse_backward(body, binary=True).statements) == 8
    yours = YourTrainer(
        network(), LECTURE_XS, LECTURE_YS, StudentRules({**RIGHT, "mul": body}), rate=0.05
    )
    assert "mul" in yours.engine.fallback and "mul" not in yours.engine.yours
    note = yours.engine.note()
    assert "your rule for * is too long to train with here" in note
    assert f"at most {MAX_WORK:,}" in note
    assert gap(yours.run(STEPS), tutor_curve()) < 1e-9  # the tutor's * ran


def test_the_lecture_rules_are_far_within_the_work_bound():
    from tutor.engine import topo_order
    from tutor.runtime.your_engine import MAX_WORK

    yours = YourTrainer(network(), LECTURE_XS, LECTURE_YS, StudentRules(RIGHT))
    assert not yours.engine.problems
    _, loss = yours.forward()
    work = sum(
        sum(s.size for s in yours.engine.plans.get((n.op, n.param), ())) for n in topo_order(loss)
    )
    assert 0 < work < MAX_WORK / 20  # the bound is for hostile bodies only
