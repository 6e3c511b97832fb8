"""A network over a data set written out as a graph script (what a model block will build)."""

from __future__ import annotations

import pytest

from tutor.engine.nn import MLP
from tutor.engine.train import GraphTrainer, Trainer, total_loss
from tutor.lesson.graph import build_graph
from tutor.lesson.network import MAX_ROWS, NetworkError, network

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def test_the_lectures_network_names_its_parameters_data_and_losses():
    built = network(3, [4, 4, 1], XS, YS)
    assert built.parameters == [p.label for p in MLP(3, [4, 4, 1]).parameters()]
    assert len(built.parameters) == 41
    assert built.data[:4] == ["x1_1", "x1_2", "x1_3", "y1"] and len(built.data) == 16
    assert built.predictions == ["ypred1", "ypred2", "ypred3", "ypred4"]
    assert built.losses == ["L1", "L2", "L3", "L4"]
    assert built.output == "L"
    names = [a.name for a in built.assignments]
    assert names[-1] == "L" and len(names) == len(set(names))
    leaves = {a.name for a in built.assignments if a.is_leaf}
    assert leaves == set(built.parameters) | set(built.data)


def test_its_graph_computes_what_the_engines_network_computes():
    built = network(3, [4, 4, 1], XS, YS, seed=3)
    graph = build_graph(built.assignments, built.output)
    model = MLP(3, [4, 4, 1], seed=3)
    loss = total_loss([model(x) for x in XS], YS)
    loss.backward()
    assert graph.output.data == loss.data == Trainer(MLP(3, [4, 4, 1], seed=3), XS, YS).loss()
    for name, p in zip(built.parameters, model.parameters(), strict=True):
        assert graph.value(name) == p.data
        assert graph.grad(name) == pytest.approx(p.grad, rel=1e-12, abs=1e-15), name
    for e, x in enumerate(XS, start=1):
        assert graph.value(f"ypred{e}") == model(x).data


def test_a_lone_neuron_is_named_as_in_the_lecture():
    built = network(2, [1], [[2.0, 0.0]], [1.0])
    assert built.parameters == ["w1", "w2", "b"]
    assert "n1 = b + w1*x1_1 + w2*x1_2" in built.script.splitlines()
    assert "ypred1 = tanh(n1)" in built.script.splitlines()
    assert built.script.splitlines()[-1] == "L = (ypred1 - y1)**2"
    assert built.losses == ["L"]


def test_a_linear_activation_writes_no_function():
    built = network(2, [2, 1], [[1.0, 2.0]], [0.5], activation="linear")
    # No activation: the weighted sum is the output itself (a line `ypred1 = n2_1_1`
    # would only rename a node, which a graph script refuses).
    assert "ypred1 = b2_1 + w2_1_1*o1_1_1 + w2_1_2*o1_2_1" in built.script.splitlines()
    assert "tanh" not in built.script
    from tutor.lesson import build_graph

    assert build_graph(built.assignments, "L").value("L") >= 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, [1], [[]], [1.0]), "1 to 8 inputs, not 0"),
        ((3, [], XS, YS), "1 to 4 layers, not 0"),
        ((3, [4, 4, 4, 4, 1], XS, YS), "1 to 4 layers, not 5"),
        ((3, [17, 1], XS, YS), "1 to 16 neurons"),
        ((3, [4, 2], XS, YS), "the last layer has one neuron"),
        ((3, [4, 1], [], []), "1 to 8 rows, not 0"),
        ((3, [4, 1], XS * 3, YS * 3), f"1 to {MAX_ROWS} rows, not 12"),
        ((3, [4, 1], XS, YS[:3]), "4 rows of inputs but 3 targets"),
        ((3, [4, 1], [[1.0, 2.0], *XS[1:]], YS), "row 1 has 2 inputs; the network takes 3"),
    ],
)
def test_what_cannot_be_built_is_said_in_words(args, message):
    with pytest.raises(NetworkError, match=message):
        network(*args)


def test_a_network_too_large_for_a_lesson_is_refused_before_it_is_parsed():
    rows = [[0.5] * 8 for _ in range(8)]
    with pytest.raises(NetworkError, match="lines; at most 600"):
        network(8, [16, 16, 16, 1], rows, [1.0] * 8)


def test_an_unknown_activation_is_refused():
    with pytest.raises(NetworkError, match="activation is one of tanh"):
        network(3, [1], XS, YS, activation="softmax")


@pytest.mark.parametrize("zero_grad", [True, False], ids=["zero_grad", "forgot"])
def test_training_the_lessons_graph_moves_only_the_parameters_as_the_engines_loop(zero_grad):
    built = network(3, [4, 4, 1], XS, YS, seed=1)
    graph = build_graph(built.assignments, built.output)
    data = {name: graph.value(name) for name in built.data}
    on_graph = GraphTrainer(
        graph.output, [graph.nodes[p] for p in built.parameters], rate=0.05, zero_grad=zero_grad
    )
    on_model = Trainer(MLP(3, [4, 4, 1], seed=1), XS, YS, rate=0.05, zero_grad=zero_grad)
    assert on_graph.run(6) == pytest.approx(on_model.run(6), rel=1e-12)
    assert [p.data for p in on_graph.params] == pytest.approx(
        [p.data for p in on_model.params], rel=1e-12
    )
    assert [p.grad for p in on_graph.params] == pytest.approx(
        [p.grad for p in on_model.params], rel=1e-11, abs=1e-14
    )
    assert {name: graph.value(name) for name in built.data} == data
    on_graph.restart()
    assert graph.output.data == on_graph.loss() == on_model.losses[0]


def test_a_graph_trainer_trains_leaves_of_its_graph_only():
    built = network(2, [1], [[2.0, 0.0]], [1.0])
    graph = build_graph(built.assignments, built.output)
    with pytest.raises(ValueError, match="n1 is not a leaf"):
        GraphTrainer(graph.output, [graph.nodes["n1"]])


def test_two_backward_passes_without_zeroing_on_a_lessons_graph_double_the_gradients():
    built = network(3, [4, 4, 1], XS, YS)
    graph = build_graph(built.assignments, built.output)
    once = {name: graph.grad(name) for name in built.parameters}
    trainer = GraphTrainer(
        graph.output, [graph.nodes[p] for p in built.parameters], zero_grad=False
    )
    trainer.backward()
    assert {name: graph.grad(name) for name in built.parameters} == once
    trainer.backward()
    twice = {name: graph.grad(name) for name in built.parameters}
    assert twice == pytest.approx({name: 2 * g for name, g in once.items()}, rel=1e-14)
    assert trainer.steps == 0  # nothing moved
