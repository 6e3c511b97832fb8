"""What each kind of question asks for, computed from a graph at some numbers.

Every function here takes a `Graph` (one variant of a lesson's numbers) and
returns a float, so the same function gives the expected answer at the lesson's
own numbers and at the nearby points where expression answers are tested. The
"mistaken" rules are the common wrong turns of the chain rule, written as
alternative local derivatives and run through the same backward pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tutor.engine import OPS, Value, evaluate, topo_order
from tutor.engine.train import GraphTrainer
from tutor.expr import names, to_engine
from tutor.lesson import Graph
from tutor.lesson.graph import copy_graph, moved_leaves, of_graph
from tutor.lesson.graph import trained as train_copy

LocalRule = Callable[..., object]
#: Local rules to use instead of the op table's: for one node (by its position
#: in the topological order, so that it means the same node at other numbers).
Rules = Mapping[int, LocalRule]


def swapped_product(x: tuple[float, ...], out: float, p: None) -> tuple[float, float]:
    """A product's local derivatives swapped: d(x*y)/dx taken as x instead of y."""
    return x[0], x[1]


def tanh_of_input(x: tuple[float, ...], out: float, p: None) -> tuple[float]:
    """tanh's local derivative taken as 1 - n**2 (its input) instead of 1 - o**2."""
    return (1.0 - x[0] * x[0],)


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
    order, grads = graph.cache["chain"]  # type: ignore[misc]
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
    return order, grads, graph.cache[key]  # type: ignore[return-value]


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
    return graph.cache[key]  # type: ignore[return-value]


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
