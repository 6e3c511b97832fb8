"""The numeric engine on generated graphs: finite differences and micrograd agree with it.

A program is a list of leaf values and steps ``(op name, index, exponent)``: each
step applies the op to the latest node (and, for a binary op, to the node at
``index``, any earlier one or the latest again), so the output depends on every
step and nodes are reused. Programs are generated with every value inside its
op's domain, away from singularities and relu's kink, so that central differences
are a fair reference (`engine_programs`). The same program runs on tutor's `Value` and
on micrograd's.
"""

from __future__ import annotations

import math

import pytest
from engine_programs import APPLY, EXPONENTS, Program, programs
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from micrograd.engine import Value as MGValue

from tutor.engine import OPS, Value, evaluate, numeric_grad, numeric_grads, topo_order

MICROGRAD_OPS = ("add", "sub", "mul", "div", "neg", "pow", "relu")


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)


@given(programs())
def test_gradients_equal_central_differences(program):
    nodes = program.run(Value)
    root = nodes[-1]
    root.backward()
    numeric = numeric_grads(root)
    assert numeric.keys() == set(topo_order(root))
    for node, expected in numeric.items():
        assert close(node.grad, expected), (node, expected)


SAMPLE_POINTS = {
    "log": st.floats(0.1, 20),
    "div": st.floats(0.1, 20),
    "pow": st.floats(0.1, 5),
    "relu": st.floats(0.01, 5) | st.floats(-5, -0.01),
    "exp": st.floats(-5, 5),
}


@pytest.mark.parametrize("name", OPS)
@settings(max_examples=30)
@given(data=st.data())
def test_every_ops_local_derivative_equals_central_differences(name, data):
    point = SAMPLE_POINTS.get(name, st.floats(-5, 5))
    x, y = Value(data.draw(point)), Value(data.draw(point))
    p = data.draw(st.sampled_from(EXPONENTS))
    out = APPLY[name](x, y, p)
    out.backward()
    assert out.op == name
    for operand in out.inputs:
        assert close(operand.grad, numeric_grad(out, operand))


def agree(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@given(programs(MICROGRAD_OPS))
def test_same_values_and_gradients_as_micrograd(program):
    ours, theirs = program.run(Value), program.run(MGValue)
    ours[-1].backward()
    theirs[-1].backward()
    for a, b in zip(ours, theirs, strict=True):
        assert agree(a.data, b.data)
        assert agree(a.grad, b.grad)


# micrograd's sub, div and neg are several nodes (a + (-b), a * b**-1, a * -1), whose
# leftover gradients flow down again on a second backward(); add, mul, pow and relu
# are one node in both engines, so two accumulating passes must agree node for node.
SAME_SHAPE_OPS = ("add", "mul", "pow", "relu")


@given(programs(SAME_SHAPE_OPS))
def test_backward_accumulate_twice_on_one_graph_is_micrograds_backward_twice(program):
    ours, theirs = program.run(Value), program.run(MGValue)
    for _ in range(2):
        ours[-1].backward(accumulate=True)
        theirs[-1].backward()
    for a, b in zip(ours, theirs, strict=True):
        assert agree(a.grad, b.grad)


def run_on(program: Program, leaves: list) -> list:
    """The program's steps on these leaves: a fresh graph over the same leaves."""
    nodes = list(leaves)
    for name, j, p in program.steps:
        nodes.append(APPLY[name](nodes[-1], nodes[j], p))
    return nodes


@given(programs(MICROGRAD_OPS))
def test_forward_and_backward_twice_without_zeroing_double_as_in_micrograd(program):
    # The training loop's bug: a fresh forward pass each time over the same leaves
    # (the parameters), and no zero_grad in between.
    assume(program.steps)  # the output is not itself a leaf, whose grad is set to 1
    ours = [Value(x) for x in program.leaves]
    theirs = [MGValue(x) for x in program.leaves]
    run_on(program, ours)[-1].backward()
    once = [leaf.grad for leaf in ours]
    run_on(program, ours)[-1].backward(accumulate=True)
    for _ in range(2):
        run_on(program, theirs)[-1].backward()
    for leaf, their, grad in zip(ours, theirs, once, strict=True):
        assert agree(leaf.grad, 2 * grad)
        assert agree(leaf.grad, their.grad)


@settings(max_examples=30)
@given(programs())
def test_backward_twice_and_rebuilding_give_bit_identical_gradients(program):
    first, second = program.run(Value), program.run(Value)
    first[-1].backward()
    grads = [node.grad for node in first]
    first[-1].backward()
    second[-1].backward()
    assert [node.grad for node in first] == grads
    assert [node.grad for node in second] == grads


@settings(max_examples=30)
@given(programs())
def test_evaluate_recomputes_every_value_exactly(program):
    nodes = program.run(Value)
    assert all(evaluate(node) == node.data for node in nodes)


@settings(max_examples=30)
@given(programs())
def test_topo_order_lists_each_node_once_after_its_inputs(program):
    root = program.run(Value)[-1]
    order = topo_order(root)
    position = {node: k for k, node in enumerate(order)}
    assert len(position) == len(order)
    assert order[-1] is root
    for node in order:
        assert all(position[x] < position[node] for x in node.inputs)
