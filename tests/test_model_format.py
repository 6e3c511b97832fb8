"""Format additions to `[model]`: `loss = "mse"` and explicit initial `weights`."""

from __future__ import annotations

import pytest

from tutor.check.validate import validate
from tutor.lesson import LessonLoadError, lesson_graph, load_lesson_text
from tutor.lesson.network import NetworkError, network

XS = [[1.0, 2.0], [-1.0, 0.5], [0.5, -1.0]]
YS = [1.0, -1.0, 1.0]
WEIGHTS = [[[0.5, -0.3, 0.1], [-0.2, 0.4, 0.0]], [[0.7, -0.6, 0.2]]]


def model_lesson(model: str, steps: str | None = None) -> str:
    steps = steps or (
        '[[steps]]\nask = "grad"\nnode = "w1_1_1"\n\n'
        '[[steps]]\nask = "train"\nrate = 0.1\nsteps = 3\n'
    )
    return (
        'format = 1\nid = "m"\ntitle = "M"\n\n'
        f"[model]\ninputs = 2\nlayers = [2, 1]\n{model}\n"
        f"[data]\nxs = {XS}\nys = {YS}\n\n{steps}"
    )


def test_mse_is_the_mean_of_the_squared_errors():
    graph = lesson_graph(load_lesson_text(model_lesson('loss = "mse"')), 0)
    errors = [graph.value(f"L{e}") for e in (1, 2, 3)]
    assert graph.value("L") == pytest.approx(sum(errors) / 3)
    summed = lesson_graph(load_lesson_text(model_lesson("")), 0)
    assert graph.grad("w1_1_1") == pytest.approx(summed.grad("w1_1_1") / 3)


def test_mse_is_checked_by_the_three_sources_with_training():
    lesson = load_lesson_text(model_lesson('loss = "mse"'))
    report = validate(lesson, variants=0)
    assert report.errors == [], report.errors


def test_one_example_is_its_own_loss_either_way():
    one = network(2, [1], [[1.0, 2.0]], [1.0], loss="mse")
    assert one.script.splitlines()[-1].startswith("L = (ypred1 - y1)**2")


def test_explicit_weights_set_every_parameter():
    weights = "weights = " + str(WEIGHTS)
    graph = lesson_graph(load_lesson_text(model_lesson(weights)), 0)
    values = [graph.value(n) for n in ("w1_1_1", "w1_1_2", "b1_1", "w1_2_2", "w2_1_2", "b2_1")]
    assert values == [0.5, -0.3, 0.1, 0.4, -0.6, 0.2]
    report = validate(load_lesson_text(model_lesson(weights)), variants=0)
    assert report.errors == []


def test_weights_of_a_lone_neuron_take_the_lectures_names():
    built = network(2, [1], [[1.0, 2.0]], [1.0], weights=[[[0.25, -0.5, 1.5]]])
    assert built.script.splitlines()[:3] == ["w1 = 0.25", "w2 = -0.5", "b = 1.5"]


@pytest.mark.parametrize(
    ("model", "line", "message"),
    [
        ('loss = "mean"', 8, "`loss = 'mean'`: choose \"sum\""),
        ("weights = [[[0.5, -0.3, 0.1]]]", 8, "`weights` has 1 layers; the network has 2"),
        (
            "weights = [[[0.5, -0.3, 0.1]], [[0.7, -0.6, 0.2]]]",
            8,
            "layer 1 has 1 neurons; the network's has 2",
        ),
        (
            "weights = [[[0.5, 0.1], [-0.2, 0.4, 0.0]], [[0.7, -0.6, 0.2]]]",
            8,
            "layer 1, neuron 1 has 2 numbers; it takes 2 weights (one per input) and then its "
            "bias: 3",
        ),
        (
            "weights = [[[0.5, -0.3, 0.1], [-0.2, 0.4, 0.0]], [[0.7, 0.2]]]",
            8,
            "layer 2, neuron 1 has 2 numbers; it takes 2 weights",
        ),
        ('weights = [[["a"]]]', 8, "`weights` is a list per layer of rows per neuron"),
        ("weights = [[[1e-301, 0, 0]]]", 8, "`weights` is a list per layer"),
        ("seed = 1\nweights = " + str(WEIGHTS), 8, "`seed` and `weights` both set"),
    ],
)
def test_bad_model_additions_are_errors_at_their_line(model, line, message):
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(model_lesson(model), "m.toml")
    found = [str(e) for e in info.value.errors]
    assert any(e.startswith(f"m.toml:{line}: [model]: ") and message in e for e in found), found


def test_network_refuses_an_unknown_loss():
    with pytest.raises(NetworkError, match="the loss is one of sum, mse"):
        network(2, [1], [[1.0, 2.0]], [1.0], loss="l1")


# -- the gradient after k updates: `ask = "train"` with `grad = true` ------------------------

GRAD_AFTER = """
[[steps]]
ask = "train"
rate = 0.1
steps = 3
node = "w1_1_1"
grad = true
"""


def by_hand(zero_grad: bool) -> float:
    """micrograd's loop on the same network, written out: w1_1_1.grad after 3 updates."""
    from tutor.engine.nn import MLP

    model = MLP(2, [2, 1], seed=0)
    params = model.parameters()
    for _ in range(3):
        loss = sum(((model(x) - y) ** 2 for x, y in zip(XS, YS, strict=True)), 0.0) / 3
        if zero_grad:
            for p in params:
                p.grad = 0.0
        loss.backward(accumulate=True)  # micrograd's: adds to what grad holds
        for p in params:
            p.data -= 0.1 * p.grad
    return params[0].grad


@pytest.mark.parametrize("zero_grad", [True, False])
def test_grad_after_k_updates_is_what_the_loop_leaves_and_three_sources_agree(zero_grad):
    steps = GRAD_AFTER + ("" if zero_grad else "zero_grad = false\n")
    lesson = load_lesson_text(model_lesson('loss = "mse"', steps))
    from tutor.session import Session

    question = Session(lesson, mode="quiz").question(0)
    assert question.expected == pytest.approx(by_hand(zero_grad), rel=1e-9)
    assert "`w1_1_1.grad` after them" in question.prompt
    assert validate(lesson, variants=0).errors == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('node = "w1_1_1"\ngrad = 1', "`grad` is true or false"),
        ("grad = true", "`grad = true` asks for the gradient a parameter holds"),
        ('node = "L"\ngrad = true', "`grad = true` asks for the gradient a parameter holds"),
    ],
)
def test_bad_grad_after_training_is_an_error_at_its_line(extra, message):
    steps = f'[[steps]]\nask = "train"\nrate = 0.1\nsteps = 3\n{extra}\n'
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(model_lesson("", steps), "m.toml")
    found = [str(e) for e in info.value.errors]
    assert any(message in e and e.startswith("m.toml:1") for e in found), found


# -- a training view comparing zeroing with not zeroing: `compare_zeroing = true` ----------

ZEROING_VIEW = """
[[steps]]
show = "training"
rate = 0.05
compare_zeroing = true

[[steps]]
ask = "train"
rate = 0.05
steps = 3
zero_grad = false
decimals = 3
"""


def test_compare_zeroing_trains_both_from_the_same_start():
    from tutor.lesson.training import describe, trainers

    lesson = load_lesson_text(model_lesson("", ZEROING_VIEW))
    view = lesson.steps[0]
    assert view.compare_zeroing
    zeroed, not_zeroed = trainers(lesson, lesson_graph(lesson, 0), view)
    assert (zeroed.rate, zeroed.zero_grad) == (0.05, True)
    assert (not_zeroed.rate, not_zeroed.zero_grad) == (0.05, False)
    assert zeroed.run(3)[0] == not_zeroed.run(3)[0]  # the same start
    assert zeroed.losses[-1] != not_zeroed.losses[-1]
    assert "the same training without zeroing the gradients" in describe(lesson, view, "L")


def test_a_question_on_the_unzeroed_curve_is_read_from_that_view():
    from tutor.check.kinds import kind_of
    from tutor.session import Session

    lesson = load_lesson_text(model_lesson("", ZEROING_VIEW))
    question = Session(lesson, mode="quiz").question(0)
    assert kind_of(question.ask).screen_sources(question) != []
    assert validate(lesson, variants=0).errors == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("compare_zeroing = 1", "`compare_zeroing` is true or false"),
        (
            "compare = [0.1, 0.2, 0.3, 0.4]\ncompare_zeroing = true",
            "with it, `compare` holds at most 3 rates",
        ),
    ],
)
def test_bad_compare_zeroing_is_an_error_at_its_line(extra, message):
    steps = f'[[steps]]\nshow = "training"\n{extra}\n'
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(model_lesson("", steps), "m.toml")
    found = [str(e) for e in info.value.errors]
    line = 15 + extra.count("\n")
    assert any(e.startswith(f"m.toml:{line}: step 1: ") and message in e for e in found), found
