"""Whole-graph symbolic gradients, checked against the engine and against sympy.diff."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.engine import Value
from tutor.symbolic import (
    DerivationError,
    GradientMismatch,
    check_gradients,
    graph_expression,
    graph_gradients,
    local_derivative,
    node_derivation,
    node_values,
    show,
    symbol,
)
from tutor.symbolic import graph as graph_module


def neuron() -> dict[str, Value]:
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1w1"
    x2w2 = x2 * w2
    x2w2.label = "x2w2"
    s = x1w1 + x2w2
    s.label = "x1w1x2w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {v.label: v for v in (x1, x2, w1, w2, b, x1w1, x2w2, s, n, o)}


def test_the_neuron_gradients_are_exact_and_match_the_lecture():
    nodes = neuron()
    grads = check_gradients(nodes["o"])
    # b enters as the shortest decimal of its float, 6.881373587019543, so n is exactly:
    tanh_n = sympy.tanh(sympy.Rational("0.881373587019543"))
    assert grads[nodes["n"]] == 1 - tanh_n**2
    assert grads[nodes["w2"]] == 0
    assert sympy.expand(grads[nodes["x1"]] - (-3) * (1 - tanh_n**2)) == 0
    lecture = {"n": 0.5, "b": 0.5, "x1w1": 0.5, "x2": 0.5, "x1": -1.5, "w1": 1.0, "w2": 0.0}
    for label, value in lecture.items():
        assert float(grads[nodes[label]]) == pytest.approx(value, abs=1e-12)


def test_a_node_used_twice_adds_up_both_paths():
    a = Value(3.0, "a")
    b = a * a
    grads = check_gradients(b)
    assert grads[a] == 6


def test_leaf_values_can_be_given_exactly():
    a, b = Value(0.1, "a"), Value(0.2, "b")
    c = a * b
    grads = graph_gradients(c, {a: Fraction(1, 3), b: sympy.Rational(2, 7)})
    assert grads[a] == sympy.Rational(2, 7)
    assert grads[b] == sympy.Rational(1, 3)
    assert node_values(c)[c] == sympy.Rational(1, 50)  # exactly 0.1 * 0.2, unlike the float


def test_a_value_outside_a_condition_names_the_node():
    x = Value(2.0, "x")
    y = x.log()
    y.label = "y"
    with pytest.raises(DerivationError, match=r"y = log\(x\): .*needs x > 0, but x = -1"):
        graph_gradients(y, {x: Fraction(-1)})


def test_relu_at_its_kink_uses_the_engines_zero():
    x = Value(0.0, "x")
    y = x.relu()
    y.label = "y"
    grads = check_gradients(y)
    y.backward()
    assert grads[x] == 0 == x.grad
    steps = node_derivation(y, 0).steps
    assert "does not exist" in steps[-1].reason(sympy.Symbol("h"))


def test_local_derivatives_in_terms_of_the_inputs_or_the_output():
    nodes = neuron()
    o, n, e = symbol("o"), symbol("n"), symbol("x1w1")
    assert local_derivative(nodes["o"], 0) == 1 - sympy.tanh(n) ** 2
    assert local_derivative(nodes["o"], 0, use_output=True) == 1 - o**2
    assert local_derivative(nodes["x1w1"], 0) == symbol("w1")
    assert local_derivative(nodes["n"], 1) == 1
    assert local_derivative(nodes["x1w1"], 1, use_output=True) == symbol("x1")
    assert e not in local_derivative(nodes["x1w1"], 1, use_output=True).free_symbols


def test_an_unlabelled_constant_is_written_as_its_value():
    x = Value(1.5, "x")
    y = 2 * x + 1
    y.label = "y"
    assert local_derivative(y.inputs[0], 1) == 2
    assert show(node_derivation(y, 0).steps[0].expr) == "(2*x + h + 1 - (2*x + 1))/h"


def test_node_derivations_read_with_the_labels():
    found = node_derivation(neuron()["o"], 0)
    assert found.steps[0].show(found.h) == "lim[h→0] (tanh(n + h) - tanh(n))/h"
    assert show(found.result) == "1 - tanh(n)**2"


def test_graph_expression_is_the_output_in_terms_of_the_leaves():
    nodes = neuron()
    whole = graph_expression(nodes["o"])
    x1, w1, x2, w2, b = (symbol(k) for k in ("x1", "w1", "x2", "w2", "b"))
    assert whole.expr == sympy.tanh(x1 * w1 + x2 * w2 + b)
    assert whole.values[w1] == -3
    assert set(whole.leaves.values()) == {x1, w1, x2, w2, b}


def test_check_gradients_fails_when_the_chain_rule_is_wrong(monkeypatch):
    nodes = neuron()
    right = graph_gradients

    def doubled(root, values=None):
        return {node: 2 * g for node, g in right(root, values).items()}

    monkeypatch.setattr(graph_module, "graph_gradients", doubled)
    with pytest.raises(GradientMismatch, match="d output/d x1: the chain rule gives"):
        check_gradients(nodes["o"])


# -- random graphs: the chain rule over the graph equals the engine and sympy.diff -----

UNARY = ["tanh", "exp", "sigmoid", "relu", "neg", "square"]
BINARY = ["+", "-", "*"]


@st.composite
def graphs(draw) -> Value:
    """A small graph of 2-3 leaves, mixing ops and reusing nodes."""
    leaves = [
        Value(draw(st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))), f"a{i}")
        for i in range(draw(st.integers(2, 3)))
    ]
    nodes = list(leaves)
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.booleans()):
            x = draw(st.sampled_from(nodes))
            op = draw(st.sampled_from(UNARY))
            new = x**2 if op == "square" else -x if op == "neg" else getattr(x, op)()
        else:
            x, y = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
            new = {"+": x + y, "-": x - y, "*": x * y}[draw(st.sampled_from(BINARY))]
        nodes.append(new)
    return nodes[-1]


@settings(max_examples=25)
@given(graphs())
def test_random_graphs_agree_with_the_engine_and_with_diff(root):
    grads = check_gradients(root)
    root.backward()
    for node, exact in grads.items():
        assert float(exact) == pytest.approx(node.grad, rel=1e-9, abs=1e-9)


def test_a_two_layer_network_stays_cheap_and_right():
    """Values too large to keep exact become 50-digit numbers, and still agree."""
    inputs = [Value(v, f"x{i}") for i, v in enumerate((0.5, -0.3, 0.8))]

    def neuron(xs: list[Value], weights: tuple[float, ...], bias: float) -> Value:
        total = Value(bias)
        for x, w in zip(xs, weights, strict=True):
            total = total + Value(w) * x
        return total.tanh()

    hidden = [neuron(inputs, (0.2 * k, -0.4, 0.7), 0.1 * k) for k in range(1, 4)]
    loss = (neuron(hidden, (0.5, -0.6, 0.9), -0.2) - 1) ** 2
    grads = check_gradients(loss)
    loss.backward()
    assert any(isinstance(g, sympy.Float) for g in grads.values())
    for node, g in grads.items():
        assert float(g) == pytest.approx(node.grad, rel=1e-12, abs=1e-15)
