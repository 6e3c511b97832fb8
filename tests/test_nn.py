"""The lecture's second half on the engine: Neuron, Layer, MLP, the loss, training, the bug."""

from __future__ import annotations

import itertools
import math
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from micrograd.nn import MLP as MGMLP

from tutor.engine import EngineError, Value, numeric_grads
from tutor.engine.nn import MLP, Layer, Neuron
from tutor.engine.train import Trainer, total_loss

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


# -- the network ----------------------------------------------------------------


def test_the_lectures_mlp_has_41_parameters():
    assert len(MLP(3, [4, 4, 1]).parameters()) == 41
    assert len(Layer(3, 4).parameters()) == 16
    assert len(Neuron(2).parameters()) == 3


def test_parameters_are_named_by_where_they_sit():
    names = [p.label for p in MLP(3, [4, 4, 1]).parameters()]
    assert len(set(names)) == 41
    assert names[:5] == ["w1_1_1", "w1_1_2", "w1_1_3", "b1_1", "w1_2_1"]
    assert names[-5:] == ["w3_1_1", "w3_1_2", "w3_1_3", "w3_1_4", "b3_1"]
    assert [p.label for p in Neuron(2).parameters()] == ["w1", "w2", "b"]
    assert all(p.is_leaf for p in MLP(2, [3, 1]).parameters())


def test_initial_weights_come_from_the_seed_in_micrograds_order():
    # The lecture's Neuron: w = [uniform(-1, 1) for each input], then b = uniform(-1, 1).
    rng = random.Random(5)
    expected = [rng.uniform(-1, 1) for _ in range(41)]
    assert [p.data for p in MLP(3, [4, 4, 1], seed=5).parameters()] == expected
    # Pinned: Python's Mersenne Twister and uniform() are the same on every platform.
    assert MLP(3, [4, 4, 1], seed=0).parameters()[0].data.hex() == "0x1.60b01f314fb7cp-1"
    assert MLP(3, [4, 4, 1], seed=1).parameters()[0].data != expected[0]


def test_the_same_seed_gives_the_same_network_in_another_process():
    script = (
        "from tutor.engine.nn import MLP\n"
        "print([p.data.hex() for p in MLP(3, [4, 4, 1], seed=3).parameters()])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {f"{[p.data.hex() for p in MLP(3, [4, 4, 1], seed=3).parameters()]}\n"}


def test_forward_pass_is_tanh_of_the_weighted_sum_layer_by_layer():
    model = MLP(3, [4, 4, 1], seed=0)
    for row in XS:
        x = row
        for layer in model.layers:
            x = [
                math.tanh(n.b.data + sum(w.data * xi for w, xi in zip(n.w, x, strict=True)))
                for n in layer.neurons
            ]
        out = model(row)
        assert isinstance(out, Value)
        assert out.data == pytest.approx(x[0], rel=1e-14)
        assert -1 < out.data < 1


def test_a_layer_gives_one_value_for_one_neuron_and_a_list_for_more():
    assert isinstance(Layer(3, 1)(XS[0]), Value)
    assert len(Layer(3, 4)(XS[0])) == 4


def test_bad_sizes_and_activations_are_refused():
    with pytest.raises(ValueError, match="at least one input"):
        Neuron(0)
    with pytest.raises(ValueError, match="at least one neuron"):
        Layer(3, 0)
    with pytest.raises(ValueError, match="at least one layer"):
        MLP(3, [])
    with pytest.raises(ValueError, match="activation"):
        Neuron(2, activation="softmax")
    with pytest.raises(ValueError, match="takes 3 inputs"):
        Neuron(3)([1.0, 2.0])


# -- the loss and its gradients -----------------------------------------------------


def test_the_loss_is_the_sum_of_squared_errors():
    model = MLP(3, [4, 4, 1], seed=0)
    predictions = [model(x) for x in XS]
    loss = total_loss(predictions, YS)
    by_hand = sum((p.data - y) ** 2 for p, y in zip(predictions, YS, strict=True))
    assert loss.data == pytest.approx(by_hand, rel=1e-15)


def test_dloss_dprediction_is_twice_the_error():
    model = MLP(3, [4, 4, 1], seed=0)
    predictions = [model(x) for x in XS]
    total_loss(predictions, YS).backward()
    for p, y in zip(predictions, YS, strict=True):
        assert p.grad == pytest.approx(2 * (p.data - y), rel=1e-15)


@settings(max_examples=15)
@given(
    seed=st.integers(0, 2**32),
    rows=st.lists(
        st.tuples(st.lists(st.floats(-2, 2), min_size=3, max_size=3), st.floats(-1, 1)),
        min_size=1,
        max_size=4,
    ),
)
def test_every_parameters_gradient_equals_central_differences(seed, rows):
    model = MLP(3, [4, 4, 1], seed=seed)
    loss = total_loss([model(x) for x, _ in rows], [y for _, y in rows])
    loss.backward()
    numeric = numeric_grads(loss, model.parameters())
    for p, expected in numeric.items():
        assert math.isclose(p.grad, expected, rel_tol=1e-5, abs_tol=1e-7), p.label


# -- training ------------------------------------------------------------------------


def test_the_loss_goes_down_at_the_lectures_rate():
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05)
    losses = trainer.run(20)
    assert trainer.steps == 20
    assert losses == trainer.losses
    assert all(b < a for a, b in itertools.pairwise(losses))
    assert losses[-1] < losses[0] / 20
    # The predictions move towards the targets' signs.
    assert [math.copysign(1, p) for p in trainer.predictions] == YS


def test_a_step_moves_every_parameter_by_minus_rate_times_its_gradient():
    model = MLP(3, [4, 4, 1], seed=0)
    trainer = Trainer(model, XS, YS, rate=0.05)
    before = [p.data for p in model.parameters()]
    loss = trainer.step()
    for p, x in zip(model.parameters(), before, strict=True):
        assert p.data == x - 0.05 * p.grad
    # The loss returned is the one before the step, as the lecture prints it.
    fresh = MLP(3, [4, 4, 1], seed=0)
    assert loss == total_loss([fresh(x) for x in XS], YS).data


def test_training_is_deterministic():
    def run() -> list[str]:
        trainer = Trainer(MLP(3, [4, 4, 1], seed=2), XS, YS, rate=0.05)
        return [x.hex() for x in trainer.run(10)]

    assert run() == run()


def test_restart_gives_the_same_run_again():
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05)
    first = trainer.run(5)
    first_params = trainer.parameters()
    trainer.restart()
    assert trainer.steps == 0 and trainer.losses == [] and trainer.predictions == []
    assert all(p.grad == 0.0 for p in trainer.parameters())
    assert trainer.run(5) == first
    assert trainer.parameters() == first_params


def test_too_large_a_rate_stops_training_with_a_clear_error():
    trainer = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=1e308)
    with pytest.raises(EngineError, match="overflows"):
        for _ in range(5):
            trainer.step()
    assert trainer.steps < 5
    assert "overflows" in trainer.diverged
    before = [p.data for p in trainer.params]
    with pytest.raises(EngineError):
        trainer.step()
    assert [p.data for p in trainer.params] == before
    trainer.restart()
    assert trainer.diverged is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"xs": XS, "ys": YS[:3]}, "4 rows of inputs but 3 targets"),
        ({"xs": [], "ys": []}, "no rows"),
        ({"xs": XS, "ys": YS, "rate": 0.0}, "positive"),
        ({"xs": XS, "ys": YS, "rate": math.nan}, "positive"),
    ],
)
def test_bad_training_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Trainer(MLP(3, [4, 4, 1]), **kwargs)


# -- forgetting to zero the gradients -------------------------------------------------


def test_two_backward_passes_without_zeroing_double_every_parameters_gradient():
    model = MLP(3, [4, 4, 1], seed=0)
    total_loss([model(x) for x in XS], YS).backward()
    once = [p.grad for p in model.parameters()]
    # A fresh forward pass at the same numbers, and backward without zeroing.
    total_loss([model(x) for x in XS], YS).backward(accumulate=True)
    # Twice, up to rounding: each contribution is added on top of the first pass's.
    assert [p.grad for p in model.parameters()] == pytest.approx([2 * g for g in once], rel=1e-14)
    # The default backward() resets first, so the same again gives the gradient once.
    total_loss([model(x) for x in XS], YS).backward()
    assert [p.grad for p in model.parameters()] == once


def test_without_zero_grad_each_step_uses_the_sum_of_all_gradients_so_far():
    buggy = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05, zero_grad=False)
    reference = MLP(3, [4, 4, 1], seed=0)
    held = [0.0] * 41
    for _ in range(4):
        # The true gradient at the current parameters, by the idempotent backward().
        for p, q in zip(reference.parameters(), buggy.params, strict=True):
            p.data = q.data
        total_loss([reference(x) for x in XS], YS).backward()
        held = [h + p.grad for h, p in zip(held, reference.parameters(), strict=True)]
        buggy.step()
        assert [p.grad for p in buggy.params] == pytest.approx(held, rel=1e-12, abs=1e-15)
    good = Trainer(MLP(3, [4, 4, 1], seed=0), XS, YS, rate=0.05)
    good.run(4)
    assert [p.data for p in good.params] != [p.data for p in buggy.params]


def micrograd_copy(model: MLP) -> MGMLP:
    """micrograd's own MLP (relu, a linear last layer) with ``model``'s weights."""
    theirs = MGMLP(3, [4, 4, 1])
    for mine, their in zip(model.parameters(), theirs.parameters(), strict=True):
        their.data = mine.data
    return theirs


@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "forgot"])
def test_training_matches_micrograds_own_mlp_step_by_step(zero_grad):
    model = MLP(3, [4, 4, 1], seed=4, activation="relu", last="linear")
    theirs = micrograd_copy(model)
    trainer = Trainer(model, XS, YS, rate=0.05, zero_grad=zero_grad)
    for _ in range(5):
        ypred = [theirs(x) for x in XS]
        loss = sum((yout - ygt) ** 2 for ygt, yout in zip(YS, ypred, strict=True))
        if zero_grad:
            theirs.zero_grad()
        loss.backward()
        for p in theirs.parameters():
            p.data += -0.05 * p.grad
        assert trainer.step() == pytest.approx(loss.data, rel=1e-12)
        mine = [x for p in model.parameters() for x in (p.data, p.grad)]
        their = [x for p in theirs.parameters() for x in (p.data, p.grad)]
        assert mine == pytest.approx(their, rel=1e-12, abs=1e-15)
