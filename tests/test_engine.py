"""The numeric engine on known numbers: the lecture's graphs, reuse, errors, memory."""

from __future__ import annotations

import gc
import inspect
import math
import random
import subprocess
import sys
import textwrap

import pytest
from micrograd.engine import Value as MGValue

from tutor.engine import (
    OPS,
    EngineError,
    Value,
    apply,
    evaluate,
    numeric_grad,
    recompute,
    topo_order,
)

# -- the lecture ----------------------------------------------------------------


def lecture_graph() -> dict[str, Value]:
    """L = (a*b + c) * f, as built in the lecture."""
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    d = e + c
    L = d * f
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "L": L}


def test_lecture_expression_values_and_gradients():
    nodes = lecture_graph()
    nodes["L"].backward()
    assert nodes["L"].data == -8.0
    grads = {name: node.grad for name, node in nodes.items()}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0, "L": 1.0}


def neuron(activation) -> dict[str, Value]:
    """The lecture's neuron, o = activation(x1*w1 + x2*w2 + b), after backward()."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = activation(n)
    o.backward()
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "n": n, "o": o}


def tanh_from_exp(n: Value) -> Value:
    e = (2 * n).exp()
    return (e - 1) / (e + 1)


@pytest.mark.parametrize("activation", [Value.tanh, tanh_from_exp], ids=["tanh", "exp"])
def test_lecture_neuron(activation):
    nodes = neuron(activation)
    assert round(nodes["o"].data, 4) == 0.7071
    expected = {"n": 0.5, "b": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for name, grad in expected.items():
        assert nodes[name].grad == pytest.approx(grad, abs=1e-12), name


# -- reuse, idempotence, determinism ------------------------------------------------


def test_a_node_used_twice_gets_both_contributions():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_nodes_reused_along_several_paths_sum_their_contributions():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)


def test_backward_is_idempotent_where_micrograds_accumulates():
    ours, theirs = Value(3.0), MGValue(3.0)
    for x in (ours, theirs):
        y = x * x
        y.backward()
        y.backward()
    assert ours.grad == 6.0
    assert theirs.grad == 12.0


def test_backward_accumulate_adds_on_top_as_micrograds_does():
    ours, theirs = Value(3.0), MGValue(3.0)
    y, their_y = ours * ours, theirs * theirs
    for _ in range(2):
        y.backward(accumulate=True)
        their_y.backward()
    assert ours.grad == theirs.grad == 12.0
    y.backward()  # the default resets: the true gradient again
    assert ours.grad == 6.0


def test_backward_from_an_inner_node_resets_what_an_earlier_backward_left():
    nodes = lecture_graph()
    nodes["L"].backward()
    nodes["d"].backward()
    assert (nodes["a"].grad, nodes["c"].grad, nodes["d"].grad) == (-3.0, 1.0, 1.0)


def test_recompute_brings_a_graph_up_to_date_after_its_leaves_move():
    nodes = lecture_graph()
    nodes["a"].data = 3.0
    recompute(nodes["L"])
    assert (nodes["e"].data, nodes["d"].data, nodes["L"].data) == (-9.0, 1.0, -2.0)
    x = Value(4.0)
    y = x.log()
    x.data = -1.0
    with pytest.raises(EngineError, match="log"):
        recompute(y)
    assert y.data == math.log(4.0)  # left as it was


def order_sensitive_gradients() -> list[str]:
    """Leaf gradients, in hex, of a graph where their last bits depend on the order
    in which contributions are added up: many reused nodes, numbers with no short
    binary form (micrograd, adding in set order, varies between runs here)."""
    rng = random.Random(7)
    leaves = [Value(rng.uniform(-1, 1)) for _ in range(6)]
    nodes = list(leaves)
    for _ in range(300):
        x, y = rng.choice(nodes), rng.choice(nodes)
        nodes.append((x * y + 0.1).tanh() if rng.random() < 0.5 else x + y * 0.3)
    sum(nodes[-40:]).backward()
    return [node.grad.hex() for node in leaves]


def test_same_program_gives_bit_identical_gradients():
    assert order_sensitive_gradients() == order_sensitive_gradients()


def test_same_program_gives_bit_identical_gradients_across_processes():
    script = "\n".join(
        [
            "import random",
            "from tutor.engine import Value",
            inspect.getsource(order_sensitive_gradients),
            "print(order_sensitive_gradients())",
        ]
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1] == f"{order_sensitive_gradients()}\n"


# -- size and memory ----------------------------------------------------------------


@pytest.fixture
def no_cycle_collector():
    """Build big graphs at full speed: the cycle collector is not under test."""
    gc.disable()
    yield
    gc.enable()


@pytest.mark.usefixtures("no_cycle_collector")
def test_a_chain_of_a_million_ops_backpropagates_without_recursion():
    x, c = Value(0.0), Value(1.0)
    out = x
    for _ in range(1_000_000):
        out = out + c
    out.backward()
    assert out.data == 1_000_000.0
    assert (x.grad, c.grad) == (1.0, 1_000_000.0)


def garbage_left_by(build) -> int:
    """Objects the cycle collector finds after `build()`'s graph is dropped."""
    gc.collect()
    gc.disable()
    try:
        build()
        return gc.collect()
    finally:
        gc.enable()


def mlp_like_graph(value) -> None:
    ws = [value(0.1 * i) for i in range(8)]
    out = sum(((w * value(2.0) + w).relu() for w in ws), value(0.0))
    out.backward()


def test_a_graph_is_freed_by_reference_counting_alone():
    assert garbage_left_by(lambda: mlp_like_graph(Value)) == 0
    assert garbage_left_by(lambda: mlp_like_graph(MGValue)) > 0  # closures: cycles


# -- errors -----------------------------------------------------------------------


@pytest.mark.parametrize("data", ["abc", None, True, 1j, [1.0]])
def test_value_of_a_non_number_says_what_was_expected(data):
    with pytest.raises(TypeError, match=r"Value expects a real number \(int or float\), got"):
        Value(data)


@pytest.mark.parametrize("data", [math.inf, -math.inf, math.nan, 10**400])
def test_value_of_a_non_finite_number_is_refused(data):
    with pytest.raises(ValueError):
        Value(data)


def test_an_int_becomes_a_float():
    assert type(Value(3).data) is float


@pytest.mark.parametrize(
    ("compute", "op", "inputs", "words"),
    [
        (lambda: Value(0).log(), "log", (0.0,), "log of a non-positive number (0)"),
        (lambda: Value(-2.5).log(), "log", (-2.5,), "(-2.5)"),
        (lambda: Value(1.5) / Value(0), "div", (1.5, 0.0), "division by zero (1.5 / 0)"),
        (lambda: 1 / Value(0.0), "div", (1.0, 0.0), "division by zero (1 / 0)"),
        (lambda: Value(0) ** -1, "pow", (0.0,), "0 to the negative power -1"),
        (lambda: Value(-8) ** (1 / 3), "pow", (-8.0,), "negative number (-8) to the non-integer"),
        (lambda: Value(10) ** 400, "pow", (10.0,), "10 ** 400 overflows"),
        (lambda: Value(1000).exp(), "exp", (1000.0,), "exp(1000) overflows"),
        (lambda: Value(1e308) * 10, "mul", (1e308, 10.0), "overflows (inputs 1e+308, 10.0)"),
        (lambda: Value(1e308) + 1e308, "add", (1e308, 1e308), "overflows"),
        (lambda: Value(-1e308) - 1e308, "sub", (-1e308, 1e308), "overflows"),
        (lambda: Value(1e300) / 1e-300, "div", (1e300, 1e-300), "overflows"),
    ],
)
def test_leaving_an_ops_domain_raises_an_engine_error_naming_op_and_values(
    compute, op, inputs, words
):
    with pytest.raises(EngineError) as caught:
        compute()
    assert caught.value.op == op
    assert caught.value.inputs == inputs
    assert str(caught.value).startswith(f"{op}: ")
    assert words in str(caught.value)
    assert isinstance(caught.value, ArithmeticError)


@pytest.mark.parametrize(
    ("x", "p", "words"),
    [(0.0, 0.5, "at x = 0 is infinite"), (1e-310, 0.001, "at 1e-310 overflows")],
)
def test_a_slope_of_pow_that_is_infinite_or_overflows_raises_in_backward(x, p, words):
    out = Value(x) ** p
    with pytest.raises(EngineError, match=words) as caught:
        out.backward()
    assert caught.value.op == "pow"


def test_value_to_a_value_power_is_refused():
    with pytest.raises(TypeError, match="exponent must be a number"):
        Value(2.0) ** Value(3.0)


def test_division_by_a_tiny_number_has_finite_gradients():
    x, y = Value(1e-200), Value(1e-200)
    (x / y).backward()
    assert (x.grad, y.grad) == (1e200, -1e200)


@pytest.mark.parametrize(("x", "expected"), [(-1000.0, 0.0), (1000.0, 1.0), (0.0, 0.5)])
def test_sigmoid_of_large_numbers_does_not_overflow(x, expected):
    assert Value(x).sigmoid().data == expected


def test_relu_at_its_kink_has_slope_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


# -- the graph as data ---------------------------------------------------------------


def test_op_table_has_every_op_once_with_its_arity():
    assert {name: op.arity for name, op in OPS.items()} == {
        "add": 2, "sub": 2, "mul": 2, "div": 2,
        "neg": 1, "pow": 1, "tanh": 1, "exp": 1, "log": 1, "relu": 1, "sigmoid": 1,
    }  # fmt: skip
    assert all(name == op.name for name, op in OPS.items())


def test_nodes_know_their_op_inputs_and_parameter():
    a, b = Value(2.0, "a"), Value(3.0)
    s, p, r = a - b, a**3, 1 - a
    assert (a.op, a.inputs, a.param, a.is_leaf, a.label) == ("", (), None, True, "a")
    assert (s.op, s.inputs, s.param, s.is_leaf) == ("sub", (a, b), None, False)
    assert (p.op, p.inputs, p.param, p.data) == ("pow", (a,), 3.0, 8.0)
    assert (r.op, r.inputs[0].data, r.inputs[1], r.data) == ("sub", 1.0, a, -1.0)
    assert ((-a).op, (-a).inputs) == ("neg", (a,))


def test_repr_shows_data_grad_and_label():
    assert repr(Value(2.5, "x")) == "Value(data=2.5, grad=0.0, label='x')"
    assert repr(Value(2.5)) == "Value(data=2.5, grad=0.0)"


def test_topo_order_puts_inputs_first_left_to_right_once_each():
    nodes = lecture_graph()
    order = topo_order(nodes["L"])
    names = {node: name for name, node in nodes.items()}
    assert [names[node] for node in order] == ["a", "b", "e", "c", "d", "f", "L"]


def test_evaluate_recomputes_and_overrides_any_node():
    nodes = lecture_graph()
    L = nodes["L"]
    assert evaluate(L) == -8.0
    assert evaluate(L, {nodes["a"]: 4.0}) == 4.0  # (4 * -3 + 10) * -2
    assert evaluate(L, {nodes["d"]: 1.0}) == -2.0
    assert nodes["a"].data == 2.0 and L.data == -8.0


def test_evaluate_raises_when_an_override_leaves_an_ops_domain():
    x = Value(1.0)
    with pytest.raises(EngineError, match="log of a non-positive number"):
        evaluate(x.log(), {x: -1.0})
    with pytest.raises(EngineError, match=r"overflows \(inputs 1e\+308, 1e\+308\)"):
        evaluate(x * x, {x: 1e308})


def test_numeric_grad_matches_the_lecture():
    nodes = lecture_graph()
    for name, expected in {"a": 6.0, "b": -4.0, "d": -2.0, "f": 4.0}.items():
        assert numeric_grad(nodes["L"], nodes[name]) == pytest.approx(expected, rel=1e-8)


def test_importing_the_engine_imports_neither_sympy_nor_textual():
    script = textwrap.dedent("""
        import sys
        import tutor.engine
        heavy = {"sympy", "textual"}
        print(sorted(name for name in sys.modules if name.split(".")[0] in heavy))
        print("tutor.engine" in sys.modules)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["[]", "True"]


@pytest.mark.parametrize("name", OPS)
def test_every_op_has_one_signature_with_a_local_derivative_per_operand(name):
    op = OPS[name]
    x = (0.5, 2.0)[: op.arity]
    p = 3.0 if name == "pow" else None
    out = op.forward(x, p)
    assert isinstance(out, float)
    assert len(op.local(x, out, p)) == op.arity


def test_apply_makes_the_node_the_operator_makes():
    a, b = Value(2.0), Value(3.0)
    assert (apply(OPS["mul"], (a, b)).data, apply(OPS["mul"], (a, b)).inputs) == (6.0, (a, b))
    cube = apply(OPS["pow"], (a,), 3)
    assert (cube.op, cube.param, cube.data) == ("pow", 3.0, 8.0)
    with pytest.raises(TypeError, match="tanh takes 1 operand"):
        apply(OPS["tanh"], (a, b))
