"""Symbolic gradients of a whole engine graph: the "symbolic" source of truth.

`graph_gradients` composes the derivations' local derivatives by the chain rule,
in reverse topological order: each node passes its gradient times the local
derivative to each input, and an input used along several paths adds them up,
which is the sum over paths. Everything is exact: a leaf's value is the exact
number given for it, or the rational of its float's shortest decimal (the float
6.8813735870195432 is ``Rational("6.881373587019543")``), and ``tanh`` of a
rational stays ``tanh(...)`` of it.

Exact values can grow with the depth of the graph (a second layer of neurons
holds ``tanh`` of sums of ``tanh``), and SymPy evaluates a tree without sharing
its repeated parts, so `float()` of a large exact gradient gets slow (65 ms for
one gradient of a 45-node two-layer network). So a value or gradient stays exact
while it has at most `EXACT_OPS` operations, which covers the lecture's graphs
and every one-neuron lesson; beyond that it is replaced by its value to
`DIGITS` significant digits, far more than any comparison needs. ``float()`` of
every gradient then stays cheap.

`graph_expression` and `check_gradients` give an independent check: the output
as one expression of the leaves, differentiated by `sympy.diff`.

Scale. The chain rule here is reverse accumulation, node by node: each node's
gradient is the sum over its users of the user's gradient times the local
derivative, so the work grows with the number of edges, not the number of paths
(which an MLP multiplies layer by layer). What does not scale is exactness and
the whole-expression check: an MLP's output written as one expression of its
leaves repeats each hidden neuron once per path, and `sympy.diff` and evaluating
its result grow with that (a 126-node network took 5 s, the lecture's 400-node one
over 700 s, and a 54-node MLP(1, [2, 2, 2, 1]) 127 s). So a graph of more than
`WHOLE_GRAPH_NODES` nodes, or whose output has more than `WHOLE_EXPRESSION_OPS`
operations written as one expression (`whole`), is computed with
bounded precision throughout (every value and gradient that is not a rational is
a `DIGITS`-digit number as soon as it is made), and instead of the whole
expression, every edge's local derivative is checked against `sympy.diff` of its
op at the same numbers (`check_local_derivatives`). The composition is then the
same reverse accumulation the engine does; the engine and central differences
check it, numerically. On the whole-expression path, the two sides are compared
at 50 digits by `bounded.evaluate`, which evaluates each repeated part once
(SymPy's ``evalf`` evaluates it once per path).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy import Dummy, Expr, Rational, Symbol

import tutor.symbolic.bounded as bounded
from tutor.symbolic.convert import symbol
from tutor.symbolic.derivations import CASES, derivation
from tutor.symbolic.functions import FORWARD
from tutor.symbolic.node import DIGITS, LeafValues, Value, exact, exponent
from tutor.symbolic.show import show
from tutor.symbolic.steps import Derivation, DerivationError

EXACT_OPS = 40
WHOLE_GRAPH_NODES = 60  # larger graphs: bounded precision, and a check per edge
#: The most operations the output may have written as one expression of its leaves
#: (every shared node repeated once per path) for the exact whole-expression path.
WHOLE_EXPRESSION_OPS = 30
_CLOSE = Rational(1, 10**40)  # two values of 50 digits this close (relatively) are equal


class GradientMismatch(DerivationError):
    """The chain rule over the graph and `sympy.diff` of its expression disagree."""

    def __init__(self, node: Value, chain: Expr, diff: Expr):
        super().__init__(
            f"d output/d {_describe(node)}: the chain rule gives {show(chain)} "
            f"≈ {float(chain):.12g}, sympy.diff gives {show(diff)} ≈ {float(diff):.12g}"
        )
        self.node = node


def topo_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, inputs before the nodes that use them (iterative)."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack += [(x, False) for x in reversed(node.inputs)]
    return order


def node_values(
    root: Value, values: LeafValues | None = None, *, order: list[Value] | None = None
) -> dict[Value, Expr]:
    """Every node's value, exact while small: leaves from ``values`` or their data, the
    rest by their op. In a graph of more than `WHOLE_GRAPH_NODES` nodes, every value
    that is not rational is a `DIGITS`-digit number."""
    values = values or {}
    order = order if order is not None else topo_order(root)
    exact_ops = _exact_ops(order)
    out: dict[Value, Expr] = {}
    for node in order:
        if not node.inputs:
            out[node] = exact(values.get(node, node.data))
        else:
            out[node] = _bounded(_apply(node, [out[x] for x in node.inputs]), exact_ops)
    return out


def expression_size(order: Sequence[Value], most: int) -> int:
    """The output's size written as one expression of its leaves (a node used twice
    counts twice), counted up to ``most + 1``: the work of `sympy.diff` and of evaluating
    its result exactly grows with it, not with the number of nodes."""
    size: dict[int, int] = {}
    for node in order:
        size[id(node)] = min(most + 1, 1 + sum(size[id(x)] for x in node.inputs))
    return size[id(order[-1])] if order else 0


def whole(order: Sequence[Value]) -> bool:
    """Whether a graph takes the exact whole-expression path (see the module): at most
    `WHOLE_GRAPH_NODES` nodes, and its output at most `WHOLE_EXPRESSION_OPS` operations
    as one expression. Every other graph is computed with bounded precision and checked
    edge by edge, which costs in proportion to its edges."""
    if len(order) > WHOLE_GRAPH_NODES:
        return False
    return expression_size(order, WHOLE_EXPRESSION_OPS) <= WHOLE_EXPRESSION_OPS


def _exact_ops(order: Sequence[Value]) -> int:
    """How large an exact value may grow before it becomes a number (see the module)."""
    return EXACT_OPS if whole(order) else 0


def _bounded(value: Expr, exact_ops: int = EXACT_OPS) -> Expr:
    """``value`` itself while it is small, else its value to `DIGITS` digits."""
    if value.is_Rational or value.is_Float:
        return value
    if exact_ops and sympy.count_ops(value) <= exact_ops:
        return value
    return value.evalf(DIGITS)


def _apply(node: Value, inputs: list[Expr]) -> Expr:
    if node.op == "pow":
        return FORWARD["pow"](*inputs, exponent(node))
    return FORWARD[node.op](*inputs)


def _derivation(node: Value, index: int, at: list[Expr]) -> Derivation:
    try:
        return derivation(node.op, index, exponent=exponent(node), at=at)
    except DerivationError as error:
        raise DerivationError(f"{_describe(node)}: {error}") from error


def graph_gradients(root: Value, values: LeafValues | None = None) -> dict[Value, Expr]:
    """d root / d node for every node of the graph (leaves and inner nodes), exactly
    while small (see the module's notes).

    Each local derivative is the result of the op's derivation from the limit
    definition, evaluated at the inputs' exact values; the chain rule multiplies
    them along every path and adds the paths up. On a graph of more than
    `WHOLE_GRAPH_NODES` nodes the numbers are `DIGITS`-digit mpmath numbers
    (`tutor.symbolic.bounded`), returned as SymPy Floats. Raises `DerivationError` naming
    the node when a value breaks a derivation's condition.
    """
    order = topo_order(root)
    if not whole(order):  # every number DIGITS digits: mpmath's, faster
        try:
            return bounded.graph_gradients(order, values or {})
        except bounded.Unsupported:
            pass  # an op whose formulas `bounded` does not read: SymPy's numbers
    exact_values = node_values(root, values, order=order)
    exact_ops = _exact_ops(order)
    grads: dict[Value, Expr] = dict.fromkeys(order, sympy.S.Zero)
    grads[root] = sympy.S.One
    for node in reversed(order):
        if not node.inputs:
            continue
        at = [exact_values[x] for x in node.inputs]
        for index, child in enumerate(node.inputs):
            local = _bounded(_local(node, index, at), exact_ops)
            grads[child] = _bounded(grads[child] + grads[node] * local, exact_ops)
    return grads


def _local(node: Value, index: int, at: list[Expr]) -> Expr:
    """d node / d input ``index`` at the inputs' values, from the op's derivation."""
    found = _derivation(node, index, at)
    return found.at(dict(zip(found.inputs, at, strict=True)))


# -- local derivatives in terms of node labels ------------------------------------------


def named(node: Value) -> Expr:
    """How a node is written: its label's symbol; an unlabelled leaf is its exact value,
    an unlabelled inner node the expression of its inputs."""
    if node.label:
        return symbol(node.label)
    if not node.inputs:
        return exact(node.data)
    return _apply(node, [named(x) for x in node.inputs])


def node_derivation(node: Value, index: int, values: LeafValues | None = None) -> Derivation:
    """The derivation of d node / d input ``index``, written with the graph's labels
    (the case that applies at the graph's values, for relu). Its own letters (``h``,
    the function of the definition) are none of the labels of the node and the
    nodes it depends on."""
    exact_values = node_values(node, values)
    at = [exact_values[x] for x in node.inputs]
    found = _derivation(node, index, at)
    names = dict(zip(found.inputs, (named(x) for x in node.inputs), strict=True))
    return found.specialise(names, {x.label for x in exact_values if x.label})


def local_derivative(
    node: Value, index: int, *, use_output: bool = False, values: LeafValues | None = None
) -> Expr:
    """d node / d input ``index`` in terms of the input labels (``1 - tanh(n)**2``); with
    ``use_output`` the node's own output is written as its label (``1 - o**2``)."""
    found = node_derivation(node, index, values)
    return found.in_terms_of_output(named(node)) if use_output else found.result


# -- the independent check --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphExpression:
    """The graph's output as one SymPy expression of its leaves."""

    expr: Expr
    leaves: dict[Value, Symbol]  # each leaf's symbol (its label, when unique)
    values: dict[Symbol, Expr]  # each leaf symbol's exact value


def graph_expression(root: Value, values: LeafValues | None = None) -> GraphExpression:
    """The output in terms of the leaves, which are symbols (labels where unique)."""
    order = topo_order(root)
    leaves = [node for node in order if not node.inputs]
    labels = [leaf.label for leaf in leaves]
    symbols = {
        leaf: symbol(leaf.label)
        if leaf.label and labels.count(leaf.label) == 1
        else Dummy(leaf.label or "c", real=True)
        for leaf in leaves
    }
    exprs: dict[Value, Expr] = dict(symbols)
    for node in order:
        if node.inputs:
            exprs[node] = _apply(node, [exprs[x] for x in node.inputs])
    leaf_values = node_values(root, values)
    return GraphExpression(
        exprs[root], symbols, {symbols[leaf]: leaf_values[leaf] for leaf in leaves}
    )


def check_gradients(root: Value, values: LeafValues | None = None) -> dict[Value, Expr]:
    """`graph_gradients`, after checking each leaf's against `sympy.diff` of
    `graph_expression`; raises `GradientMismatch` naming the first leaf that differs.

    The two exact values are compared exactly when SymPy sees them equal, else at
    50 significant digits (a difference below 1e-40 of their size counts as equal).
    """
    grads = graph_gradients(root, values)
    if not whole(topo_order(root)):
        check_local_derivatives(root, values)
        return grads
    expression = graph_expression(root, values)
    for leaf, x in expression.leaves.items():
        by_diff = sympy.diff(expression.expr, x).xreplace(expression.values)
        if not _same(grads[leaf], by_diff):
            raise GradientMismatch(leaf, grads[leaf], by_diff)
    return grads


class LocalMismatch(DerivationError):
    """An op's derivation and `sympy.diff` of the op disagree at a node's numbers."""

    def __init__(self, node: Value, index: int, derived: Expr, diff: Expr):
        super().__init__(
            f"d {_describe(node)}/d input {index + 1}: the derivation gives "
            f"{float(derived):.12g}, sympy.diff gives {float(diff):.12g}"
        )
        self.node = node


def check_local_derivatives(root: Value, values: LeafValues | None = None) -> None:
    """Check every edge's local derivative, as `graph_gradients` uses it, against
    `sympy.diff` of the op at the same numbers; raise `LocalMismatch` naming the first
    node that differs. The work grows with the number of edges."""
    order = topo_order(root)
    at_values = node_values(root, values, order=order)
    for node in order:
        if not node.inputs:
            continue
        at = [at_values[x] for x in node.inputs]
        for index in range(len(node.inputs)):
            derived = _local(node, index, at)
            generic, slope = _diff(node.op, index, exponent(node))
            by_diff = slope.xreplace(dict(zip(generic, at, strict=True)))
            if not _same(derived, by_diff):  # both SymPy expressions: nothing is parsed
                raise LocalMismatch(node, index, derived, by_diff)


@functools.cache
def _diff(op: str, index: int, power: Rational | None) -> tuple[tuple[Symbol, ...], Expr]:
    """The op on generic symbols, differentiated by `sympy.diff` with respect to one."""
    arity = 1 if op == "pow" else CASES[op][0]
    generic = tuple(Symbol(f"x{k}", real=True) for k in range(arity))
    forward = FORWARD[op](*generic, power) if op == "pow" else FORWARD[op](*generic)
    return generic, sympy.diff(forward, generic[index])


def _same(a: Expr, b: Expr) -> bool:
    difference = a - b
    if difference == 0:
        return True
    try:  # each repeated part once (`bounded.evaluate`), not once per path as evalf does
        x, y = bounded.evaluate(a), bounded.evaluate(b)
    except bounded.Unsupported:
        pass
    else:
        libmp = bounded.libmp
        gap = libmp.mpf_abs(libmp.mpf_sub(x, y))
        size = libmp.mpf_abs(x)
        size = size if libmp.mpf_gt(size, bounded.ONE) else bounded.ONE
        return bool(libmp.mpf_le(gap, libmp.mpf_mul(size, bounded.number(_CLOSE))))
    size = max(abs(a.evalf(50)), 1)
    return bool(abs(difference.evalf(50)) <= size * sympy.Float("1e-40", 50))


def _describe(node: Value) -> str:
    """``o = tanh(n)`` for an inner node, its label (or value) for a leaf."""
    if not node.inputs:
        return node.label or show(named(node))
    computed = show(_apply(node, [named(x) for x in node.inputs]))
    return f"{node.label} = {computed}" if node.label else computed
