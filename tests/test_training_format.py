"""The format for the lecture's second half: parameters, a model over a data set,
a question on another output, and the training questions (FORMAT.md)."""

from __future__ import annotations

import math

import pytest

from tutor.check import CORRECT, INCORRECT, grade, prepare
from tutor.check.validate import validate
from tutor.engine import Value
from tutor.engine.nn import MLP
from tutor.engine.train import Trainer
from tutor.lesson import LessonLoadError, lesson_graph, load_lesson_text

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]

HAND = """\
format = 1
id = "hand"
title = "A neuron by hand"
graph = \"\"\"
x = 2.0
w = -3.0
b = 1.0
n = x*w + b
L = n**2
\"\"\"
parameters = ["w", "b"]

[[steps]]
ask = "step"
rate = 0.01
"""

MODEL = """\
format = 1
id = "model"
title = "The lecture's MLP"

[model]
inputs = 3
layers = [4, 4, 1]
seed = 0

[data]
xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]]
ys = [1, -1, -1, 1]

[[steps]]
ask = "count"

[[steps]]
ask = "train"
rate = 0.05
steps = 3

[[steps]]
ask = "grad"
node = "w1_1_1"
of = "L1"

[[steps]]
ask = "accumulated"
node = "w1_1_1"
"""


def question(source: str, index: int):
    lesson = load_lesson_text(source)
    graph = lesson_graph(lesson)
    return prepare(lesson, graph, lesson.questions[index], index)


def errors(source: str) -> list[str]:
    with pytest.raises(LessonLoadError) as caught:
        load_lesson_text(source, "x.toml")
    return [str(e) for e in caught.value.errors]


# -- parameters and the step --------------------------------------------------------


def test_a_step_moves_only_the_parameters():
    q = question(HAND, 0)
    # w: -3 → -3 - 0.01 * (-20) = -2.8; b: 1 → 1.1; x stays 2: n = -4.5.
    assert q.expected == pytest.approx(20.25)
    assert grade(q, "20.25").status == CORRECT
    moved_everything = grade(q, repr(q.mistakes[-2].at(q.graph)))
    assert moved_everything.status == INCORRECT
    assert moved_everything.diagnosis == "moved-data"


def test_without_parameters_a_step_moves_every_leaf_as_before():
    source = HAND.replace('parameters = ["w", "b"]\n', "")
    q = question(source, 0)
    # x moves too: x → 2 - 0.01 * 30 = 1.7, so n = 1.7 * -2.8 + 1.1.
    assert q.expected == pytest.approx((1.7 * -2.8 + 1.1) ** 2)


def test_a_parameters_only_step_passes_the_lesson_check():
    report = validate(load_lesson_text(HAND), variants=0)
    assert report.errors == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('parameters = ["w", "n"]', "`n` is not a leaf"),
        ('parameters = ["w", "q"]', "`q` is not a node"),
        ("parameters = []", "must be a list of leaf names"),
        ('parameters = ["w", "w"]', "names a leaf twice"),
    ],
)
def test_parameters_errors_name_the_line(line, message):
    source = HAND.replace('parameters = ["w", "b"]', line)
    found = errors(source)
    assert any(e.startswith("x.toml:11:") and message in e for e in found), found


# -- the model block ------------------------------------------------------------------


def test_a_model_builds_the_lectures_network_over_the_data():
    lesson = load_lesson_text(MODEL)
    assert lesson.output == "L"
    assert len(lesson.parameters) == 41
    graph = lesson_graph(lesson)
    model = MLP(3, [4, 4, 1], seed=0)
    predictions = [model(x) for x in XS]
    loss = sum((p - y) ** 2 for p, y in zip(predictions, YS, strict=True))
    assert graph.value("L") == pytest.approx(loss.data, rel=1e-12)
    assert graph.value("ypred1") == pytest.approx(predictions[0].data, rel=1e-12)
    # The data do not move: they are not parameters.
    assert "x1_1" not in lesson.parameters and "y1" not in lesson.parameters


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("inputs = 3", "inputs = 2", 11, "row 1 has 3 inputs; the network takes 2"),
        ("layers = [4, 4, 1]", "layers = [4, 4, 2]", 5, "the last layer has one neuron"),
        ("layers = [4, 4, 1]", 'layers = "big"', 7, "`layers` must be a list"),
        ("seed = 0", "seed = -1", 8, "`seed` must be a whole number"),
        ("seed = 0", "sede = 0", 8, "unknown key `sede` in [model]"),
        ("ys = [1, -1, -1, 1]", "ys = [1, -1]", 11, "4 rows of inputs but 2 targets"),
        ("ys = [1, -1, -1, 1]", 'ys = ["a"]', 12, "`ys` must be a list of finite numbers"),
        ("[data]", "[dada]", 10, "unknown key `dada`"),
    ],
)
def test_model_errors_name_the_line(old, new, line, message):
    found = errors(MODEL.replace(old, new))
    assert any(e.startswith(f"x.toml:{line}:") and message in e for e in found), found
    # One mistake, one message: the steps do not each say that the graph is missing.
    assert not any("need a `graph`" in e or "is missing" in e for e in found), found


def test_a_model_and_a_graph_are_one_too_many():
    source = MODEL.replace("[model]", 'graph = "a = 1"\n\n[model]')
    assert any("`graph` and `[model]` both make the graph" in e for e in errors(source))


def test_a_bigger_model_than_the_bounds_is_refused_at_its_line():
    source = MODEL.replace("layers = [4, 4, 1]", "layers = [16, 16, 16, 1]")
    assert any(e.startswith("x.toml:5:") and "lines; at most" in e for e in errors(source))


# -- the training questions --------------------------------------------------------------


def test_count_is_the_models_parameters():
    q = question(MODEL, 0)
    assert q.expected == 41
    assert grade(q, "41").status == CORRECT
    assert grade(q, "40").status == INCORRECT


def test_the_loss_after_k_steps_is_the_engines_training():
    q = question(MODEL, 1)
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05)
    trainer.run(3)
    assert q.expected == pytest.approx(trainer.loss(), rel=1e-12)
    # The loss printed before the third update is a known slip, not the answer.
    printed = trainer.losses[-1]
    verdict = grade(q, repr(printed))
    assert verdict.status == INCORRECT and verdict.diagnosis == "last-printed"
    # said in the training view's steps: step N is after N updates
    assert "before update 3" in verdict.feedback and "step 2" in verdict.feedback
    assert "after 3 updates (step 3)" in verdict.feedback


def test_a_parameter_after_k_steps():
    source = MODEL.replace("steps = 3\n", 'steps = 3\nnode = "b3_1"\n')
    q = question(source, 1)
    model = MLP(3, [4, 4, 1], seed=0)
    Trainer(model, XS, YS, rate=0.05).run(3)
    assert q.expected == pytest.approx(model.layers[2].neurons[0].b.data, rel=1e-12)


def test_training_without_zeroing_matches_micrograds_loop():
    source = MODEL.replace("steps = 3\n", "steps = 3\nzero_grad = false\n")
    q = question(source, 1)
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05, zero_grad=False)
    trainer.run(3)
    assert q.expected == pytest.approx(trainer.loss(), rel=1e-12)
    zeroed = question(MODEL, 1).expected
    assert not math.isclose(q.expected, zeroed)


def test_a_gradient_of_another_output():
    q = question(MODEL, 2)
    graph = q.graph
    assert graph.output.label == "L1"
    model = MLP(3, [4, 4, 1], seed=0)
    l1 = (model(XS[0]) - YS[0]) ** 2
    l1.backward()
    assert q.expected == pytest.approx(model.parameters()[0].grad, rel=1e-9)
    assert q.symbol == "dL1/dw1_1_1"
    # The whole loss's gradient is another number (every example adds to it).
    assert not math.isclose(q.expected, lesson_graph(load_lesson_text(MODEL)).grad("w1_1_1"))


def test_the_accumulated_gradient_is_passes_times_the_gradient():
    q = question(MODEL, 3)
    once = lesson_graph(load_lesson_text(MODEL)).grad("w1_1_1")
    assert q.expected == pytest.approx(2 * once, rel=1e-12)
    verdict = grade(q, repr(once))
    assert verdict.status == INCORRECT and verdict.diagnosis == "one-pass"
    # By micrograd's accumulate mode directly, as a check of the engine itself.
    # Two forward and backward passes, as a training loop makes them.
    w = Value(2.0, "w")
    for _ in range(2):
        loss = (w * 3.0) ** 2
        loss.backward(accumulate=True)
    assert w.grad == 2 * 36.0


def test_the_three_sources_agree_on_every_training_question():
    source = MODEL.replace("steps = 3", "steps = 2")
    report = validate(load_lesson_text(source), variants=0)
    assert report.errors == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("steps = 3", "steps = 0", "`steps` must be a whole number from 1 to 100"),
        ("steps = 3", "steps = 1000", "`steps` must be a whole number from 1 to 100"),
        ("rate = 0.05", "rate = -0.05", "a learning `rate` is above 0"),
        ('node = "w1_1_1"\n"""', 'node = "w1_1_1"\npasses = 1\n"""', "`passes` must be"),
        ('of = "L1"', 'of = "nope"', "`of = 'nope'` is not a node"),
        ('of = "L1"', 'of = "L1"\nwrt = "x"', "unknown key `wrt`"),
    ],
)
def test_training_question_errors_name_the_line(old, new, message):
    found = errors((MODEL + '"""').replace(old, new, 1).removesuffix('"""'))
    assert any(message in e and e.startswith("x.toml:") for e in found), found


def test_count_needs_parameters():
    source = HAND.replace('parameters = ["w", "b"]\n', "").replace(
        'ask = "step"\nrate = 0.01', 'ask = "count"'
    )
    assert any('`ask = "count"` counts the parameters' in e for e in errors(source))


def test_a_training_question_on_a_data_leaf_is_an_error():
    source = MODEL.replace("steps = 3\n", 'steps = 3\nnode = "x1_1"\n')
    assert any("neither" in e for e in errors(source))


def test_a_training_that_overflows_is_an_error_at_its_line():
    source = HAND.replace('ask = "step"\nrate = 0.01', 'ask = "train"\nrate = 1e10\nsteps = 100')
    found = errors(source)
    assert any(e.startswith("x.toml:13:") and "cannot be computed" in e for e in found), found


def test_a_show_training_step_and_its_errors():
    source = HAND + '\n[[steps]]\nshow = "training"\nrate = 0.1\ncompare = [0.01]\n'
    show = load_lesson_text(source).steps[-1]
    assert (show.what, show.rate, show.zero_grad, show.compare) == ("training", 0.1, True, (0.01,))
    for bad, message in (
        ("rate = 0", "a learning `rate` is above 0"),
        ("compare = [0, 1]", "`compare` is a list of at most 4"),
        ("zero_grad = 1", "`zero_grad` is true or false"),
        ('node = "w"', "unknown key `node`"),
    ):
        broken = HAND + f'\n[[steps]]\nshow = "training"\n{bad}\n'
        assert any(e.startswith("x.toml:19:") and message in e for e in errors(broken)), bad


def test_a_gradient_of_another_output_does_not_show_on_the_graph():
    from tutor.session import Session

    session = Session(load_lesson_text(MODEL))
    session.goto_question(2)  # dL1/dw1_1_1: the graph shows dL/dw1_1_1, another number
    assert session.submit(repr(session.question(2).expected)).correct
    assert "w1_1_1" not in session.earned
