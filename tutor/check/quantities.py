"""What each kind of question asks for, computed from a graph at some numbers.

Every function here takes a `Graph` (one variant of a lesson's numbers) and
returns a float, so the same function gives the expected answer at the lesson's
own numbers and at the nearby points where expression answers are tested. The
"mistaken" rules are the common wrong turns of the chain rule, written as
alternative local derivatives and run through the same backward pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from fractions import Fraction

from tutor.engine import OPS, Value, evaluate, topo_order
from tutor.engine.train import GraphTrainer
from tutor.expr import BinOp, Expr, Name, Num, names, to_engine
from tutor.lesson import Graph
from tutor.lesson.graph import copy_graph, moved_leaves, of_graph
from tutor.lesson.graph import trained as train_copy

LocalRule = Callable[..., tuple[float, ...]]
#: Local rules to use instead of the op table's: for one node (by its position
#: in the topological order, so that it means the same node at other numbers).
Rules = Mapping[int, LocalRule]


def swapped_product(x: tuple[float, ...], out: float, p: None) -> tuple[float, float]:
    """A product's local derivatives swapped: d(x*y)/dx taken as x instead of y."""
    return x[0], x[1]


def tanh_of_input(x: tuple[float, ...], out: float, p: None) -> tuple[float]:
    """tanh's local derivative taken as 1 - n**2 (its input) instead of 1 - o**2."""
    return (1.0 - x[0] * x[0],)


def power_without_factor(x: tuple[float, ...], out: float, p: float) -> tuple[float]:
    """A power's local derivative without the power rule's factor: x**(p-1), not
    p * x**(p-1) (the square's 2 forgotten)."""
    return (x[0] ** (p - 1),)


def skipped(x: tuple[float, ...], out: float, p: None) -> tuple[float]:
    """An activation's local derivative left out of the chain: taken as 1."""
    return (1.0,)


def gradients(root: Value, rules: Rules | None = None) -> dict[Value, float]:
    """d root / d node for every node, by the chain rule, with some local rules replaced.

    With no ``rules`` this is the engine's ``backward()`` without touching the
    graph; with rules it is what a student who believes them would compute.
    """
    rules = rules or {}
    order = topo_order(root)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for position in range(len(order) - 1, -1, -1):
        node = order[position]
        if node.is_leaf:
            continue
        local = rules.get(position, OPS[node.op].local)
        inputs = node.inputs
        partials = local(tuple(v.data for v in inputs), node.data, node.param)
        for v, d in zip(inputs, partials, strict=True):
            grads[v] += d * grads[node]
    return grads


def ruled_grad(graph: Graph, node: str, position: int, rule: LocalRule) -> float:
    """`grad` with the local rule of one node (at ``position`` in the topological order)
    replaced, as ``grad(graph, node, {position: rule})`` gives it, without a backward
    pass of its own.

    The chain rule is linear: believing another local derivative at that node P changes
    only what flows from P into each input x, by (believed - true) × dout/dP, and that
    change reaches ``node`` multiplied by dx/dnode. So the answer is the true gradient
    plus those changes; the gradients and every dx/dnode (one forward-mode pass) are
    made once per graph and node, and a question diagnosing this mistake at each of a
    big graph's products and tanhs costs one pass, not one per place.
    """
    order, grads, tangent = _chain(graph, node)
    target = grads.get(graph.nodes[node], 0.0)
    if position >= len(order) or order[position].is_leaf:
        return target  # no local rule there to believe (as `gradients` does)
    at = order[position]
    inputs = at.inputs
    x = tuple(v.data for v in inputs)
    true = OPS[at.op].local(x, at.data, at.param)
    believed = rule(x, at.data, at.param)
    change = sum(
        (b - t) * tangent.get(v, 0.0) for v, b, t in zip(inputs, believed, true, strict=True)
    )
    return target + grads[at] * change


def _chain(graph: Graph, node: str) -> tuple[list[Value], dict[Value, float], dict[Value, float]]:
    """The output's topological order and d output / d x for every x (made once per
    graph), and d x / d node for every x that depends on ``node`` (once per node)."""
    if "chain" not in graph.cache:
        graph.cache["chain"] = (topo_order(graph.output), gradients(graph.output))
    order, grads = graph.cache["chain"]
    key = f"tangent:{node}"
    if key not in graph.cache:
        start = graph.nodes[node]
        tangent = {start: 1.0}
        for v in order:
            if v.is_leaf or v is start or not any(x in tangent for x in v.inputs):
                continue
            inputs = v.inputs
            partials = OPS[v.op].local(tuple(x.data for x in inputs), v.data, v.param)
            tangent[v] = sum(p * tangent.get(x, 0.0) for x, p in zip(inputs, partials, strict=True))
        graph.cache[key] = tangent
    return order, grads, graph.cache[key]


def reached(graph: Graph, node: str) -> set[Value]:
    """The nodes whose value depends on ``node`` (itself included)."""
    return set(_chain(graph, node)[2])


def value(graph: Graph, node: str) -> float:
    return graph.value(node)


def grad(graph: Graph, node: str, rules: Rules | None = None) -> float:
    if not rules:
        return graph.grad(node)
    # A node the output does not depend on gets no gradient: 0.
    return gradients(graph.output, rules).get(graph.nodes[node], 0.0)


def local(graph: Graph, node: str, wrt: str, rules: Rules | None = None) -> float:
    """d node / d wrt, holding the node's other inputs fixed."""
    out, env = local_graph(graph, node)
    return gradients(out, rules)[env[wrt]]


def first_local(graph: Graph, node: str) -> float:
    """d node / d its first operand, by the op table, the other operand held still."""
    value = graph.nodes[node]
    x = tuple(v.data for v in value.inputs)
    return OPS[value.op].local(x, value.data, value.param)[0]


def local_graph(graph: Graph, node: str) -> tuple[Value, dict[str, Value]]:
    """The node's own expression, with its inputs as fresh leaves at their values."""
    expr = graph.definitions[node]
    env = {name: Value(graph.value(name), label=name) for name in names(expr)}
    return to_engine(expr, env), env


def positions(root: Value, op: str) -> list[tuple[int, Value]]:
    """Where the nodes of one op stand in the topological order."""
    return [(i, node) for i, node in enumerate(topo_order(root)) if node.op == op]


def rise_over_run(graph: Graph, node: str, h: float) -> float:
    """(output(node + h) - output(node)) / h: the slope measured by nudging."""
    n = graph.nodes[node]
    return (evaluate(graph.output, {n: n.data + h}) - graph.output.data) / h


def nudged_output(graph: Graph, node: str, h: float) -> float:
    n = graph.nodes[node]
    return evaluate(graph.output, {n: n.data + h})


def after_step(graph: Graph, rate: float, moves: tuple[str, ...] | None = None) -> float:
    """The output after every parameter (``moves``; None: every named leaf) moves by
    ``rate`` times its gradient (a gradient-descent step passes ``-ask.rate``)."""
    leaves = moved_leaves(graph, moves).values()
    moved = {leaf: leaf.data + rate * leaf.grad for leaf in leaves}
    return evaluate(graph.output, moved)


def linear_estimate(graph: Graph, rate: float, moves: tuple[str, ...] | None = None) -> float:
    """The first-order prediction of `after_step`: L + rate * sum(grad**2)."""
    leaves = moved_leaves(graph, moves).values()
    return graph.output.data + rate * sum(leaf.grad**2 for leaf in leaves)


def grad_of(graph: Graph, node: str, of: str) -> float:
    """d of / d node: the gradient of another node than the output (one example's loss)."""
    return of_graph(graph, of).grad(node)


def trained(
    graph: Graph, rate: float, steps: int, zero_grad: bool, moves: tuple[str, ...] | None
) -> tuple[list[float], dict[str, float], float]:
    """``steps`` steps of gradient descent by the engine on a copy of the graph: the loss
    before each step, each parameter's value after them, and the loss after them
    (`tutor.lesson.graph.trained`: the loader's check of the training made it already)."""
    return train_copy(graph, rate, steps, zero_grad, moves)


def after_training(
    graph: Graph,
    rate: float,
    steps: int,
    zero_grad: bool = True,
    node: str | None = None,
    moves: tuple[str, ...] | None = None,
) -> float:
    """The output (``node`` None or the output), or a parameter, after ``steps`` steps."""
    _, values, final = trained(graph, rate, steps, zero_grad, moves)
    if node is None or node == graph.output.label:
        return final
    return values[node]


def grad_after_training(
    graph: Graph,
    rate: float,
    steps: int,
    zero_grad: bool = True,
    node: str | None = None,
    moves: tuple[str, ...] | None = None,
) -> float:
    """The gradient the parameter ``node`` holds after ``steps`` steps of the engine's
    descent on a copy: the one the last update used (without zeroing, their sum)."""
    key = f"trained-grad:{rate!r}:{steps}:{zero_grad}:{moves}"
    if key not in graph.cache:
        copy = copy_graph(graph)
        params = moved_leaves(copy, moves)
        trainer = GraphTrainer(copy.output, list(params.values()), rate=rate, zero_grad=zero_grad)
        trainer.run(steps)
        graph.cache[key] = {name: leaf.grad for name, leaf in params.items()}
    return graph.cache[key][node]


def accumulated(graph: Graph, node: str, passes: int = 2, of: str | None = None) -> float:
    """The gradient a leaf holds after ``passes`` forward and backward passes without
    zeroing (micrograd's ``backward()``, the engine's ``accumulate=True``), on a copy."""
    key = f"accumulated:{node}:{passes}:{of}"
    if key not in graph.cache:
        copy = copy_graph(graph, of or graph.output.label)
        leaf = copy.nodes[node]
        trainer = GraphTrainer(copy.output, [leaf], rate=1.0, zero_grad=False)
        for _ in range(passes):
            trainer.backward()
        graph.cache[key] = leaf.grad
    return graph.cache[key]


def count(graph: Graph, moves: tuple[str, ...] | None) -> float:
    """How many parameters the lesson's graph has (the leaves a step moves)."""
    return float(len(moved_leaves(graph, moves)))


def uses(graph: Graph, node: str) -> list[tuple[Value, int]]:
    """Every place the node is an operand: (consumer, operand index)."""
    return graph.consumers.get(graph.nodes[node], [])


def owner(graph: Graph, node: Value) -> str:
    """The named node whose expression contains ``node`` (itself, if it is named)."""
    while not node.label:
        # An unnamed node lives inside one expression, so it has exactly one consumer.
        node = graph.consumers[node][0][0]
    return node.label


def share(graph: Graph, consumer: Value, index: int) -> float:
    """One use's contribution to the gradient: local derivative × upstream gradient."""
    x = tuple(v.data for v in consumer.inputs)
    return OPS[consumer.op].local(x, consumer.data, consumer.param)[index] * consumer.grad


# -- a network's structure, and forward passes that forget a step ------------------------

#: The activations a neuron applies to its weighted sum (`tutor.engine.nn.ACTIVATIONS`).
ACTIVATIONS = frozenset({"tanh", "relu", "sigmoid"})


def forward_without(graph: Graph, node: str, skip: Callable[[Value], bool]) -> float:
    """The value of ``node`` by a forward pass in which every node ``skip`` picks (an
    activation, a square: one operand) passes its operand on unchanged."""
    values: dict[Value, float] = {}
    for v in topo_order(graph.nodes[node]):
        if v.is_leaf:
            values[v] = v.data
            continue
        x = tuple(values[i] for i in v.inputs)
        values[v] = x[0] if skip(v) else OPS[v.op].forward(x, v.param)
    return values[graph.nodes[node]]


def is_activation(v: Value) -> bool:
    return v.op in ACTIVATIONS


def is_square(v: Value) -> bool:
    return v.op == "pow" and v.param == 2


def terms(expr: Expr) -> list[Expr]:
    """The terms a sum adds up (``a + b + c``: a, b, c); an expression that is no sum is
    its own one term."""
    if isinstance(expr, BinOp) and expr.op == "+":
        return terms(expr.left) + terms(expr.right)
    return [expr]


def examples(graph: Graph) -> list[str]:
    """The per-example losses the output adds up (``L = L1 + L2 + ...``: L1, L2, ...), in
    order; [] when the output is no sum of two or more named nodes."""
    found = terms(graph.definitions.get(graph.output.label, Num(Fraction(0), "0")))
    if len(found) < 2 or not all(isinstance(t, Name) for t in found):
        return []
    return [t.id for t in found]  # type: ignore[union-attr]


def depends(graph: Graph, node: str, on: str) -> bool:
    """Whether ``node``'s value depends on the node ``on``."""
    return graph.nodes[on] in topo_order(graph.nodes[node])


#: A parameter's name as `tutor.lesson.network` writes it: w{layer}_{neuron}_{input},
#: b{layer}_{neuron}; a lone neuron's w1, w2, ..., b.
_WEIGHT = re.compile(r"w(\d+)_(\d+)_(\d+)|w(\d+)")
_BIAS = re.compile(r"b(\d+)_(\d+)|b")


def layers(moves: tuple[str, ...] | None) -> list[tuple[int, int, int]] | None:
    """A model's layers from its parameters' names: (neurons, inputs, parameters) of each
    layer in order; None when the names are not a model's."""
    weights: dict[int, set[tuple[int, int]]] = {}
    biases: dict[int, set[int]] = {}
    for name in moves or ():
        if m := _WEIGHT.fullmatch(name):
            if m[4] is not None:
                weights.setdefault(1, set()).add((1, int(m[4])))
            else:
                weights.setdefault(int(m[1]), set()).add((int(m[2]), int(m[3])))
        elif m := _BIAS.fullmatch(name):
            biases.setdefault(int(m[1]) if m[1] else 1, set()).add(int(m[2]) if m[2] else 1)
        else:
            return None
    if not weights or set(weights) != set(biases):
        return None
    found = []
    for layer in sorted(weights):
        neurons = {j for j, _ in weights[layer]}
        if neurons != biases[layer]:
            return None
        inputs = len(weights[layer]) // len(neurons)
        found.append((len(neurons), inputs, len(weights[layer]) + len(biases[layer])))
    return found
