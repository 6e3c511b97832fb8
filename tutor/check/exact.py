"""The symbolic source of an answer: SymPy's exact values, and a local derivative's formula.

Each kind of question computes its exact answer from these (`Kind.exact`).

Imported only when needed (SymPy costs ~0.3 s to import): the app warms these up
in a worker; validation and `tutor run` call them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, cast

import sympy

from tutor import symbolic
from tutor.check.quantities import local_graph
from tutor.engine import Value, topo_order
from tutor.expr import Assignment, Num
from tutor.lesson import Graph, Lesson, build_graph

if TYPE_CHECKING:
    from tutor.symbolic.graph import LeafValues


def leaf_values(values: Mapping[Value, Fraction]) -> LeafValues:
    """Exact leaf values as the symbolic side reads them: it reads engine nodes through
    its own protocol (`tutor.symbolic.graph.Value`), to which a mapping's key type does
    not widen by itself."""
    return cast("LeafValues", values)


def exact_gradients(graph: Graph) -> dict[Value, sympy.Expr]:
    """Exact gradients of the whole graph, checked against sympy.diff (once per graph)."""
    if "exact-gradients" not in graph.cache:
        found = symbolic.check_gradients(graph.output, leaf_values(graph.exact))
        # A node the output does not depend on has gradient 0.
        unused = {node: sympy.S.Zero for node in graph.nodes.values() if node not in found}
        graph.cache["exact-gradients"] = found | unused
    return graph.cache["exact-gradients"]


def exact_value(graph: Graph, node: Value) -> sympy.Expr:
    return symbolic.node_values(node, leaf_values(graph.exact))[node]


def exact_local(graph: Graph, node: str, wrt: str) -> sympy.Expr:
    """d node / d wrt exactly, by the derivations composed over the node's expression."""
    root, env = local_graph(graph, node)
    values: dict[Value, Fraction] = {
        leaf: graph.exact.get(graph.nodes[name], Fraction(repr(leaf.data)))
        for name, leaf in env.items()
    }
    values.update(
        {n: Fraction(repr(n.data)) for n in topo_order(root) if n.is_leaf and not n.label}
    )
    return symbolic.graph_gradients(root, leaf_values(values))[env[wrt]]


def local_formula(graph: Graph, node: str, wrt: str) -> sympy.Expr:
    """d node / d wrt as a formula in the node names: ``f`` for L = d*f, and for an op
    of one named input written with its output, as micrograd does (``1 - o**2``)."""
    value = graph.nodes[node]
    inputs = value.inputs
    if len(inputs) == 1 and inputs[0].label == wrt:
        return symbolic.local_derivative(value, 0, use_output=True)
    return symbolic.chain_rule(graph.definitions[node], wrt).result


def exact_leaf(graph: Graph, name: str) -> Fraction:
    """A named node's exact value at this variant, as the graph holds it."""
    node = graph.nodes[name]
    return graph.exact.get(node, Fraction(repr(node.data)))


def as_fraction(value) -> Fraction:
    """A SymPy number as a Fraction: exact when rational, else its float's decimal."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return Fraction(repr(float(value)))


def rebuilt(lesson: Lesson, graph: Graph, values: dict[str, Fraction]) -> Graph:
    """The graph at this variant with some nodes (leaves or not) set to exact values."""
    assignments = [
        Assignment(a.name, Num(values[a.name], str(values[a.name])), a.line)
        if a.name in values
        else a
        for a in lesson.assignments
    ]
    current = {name: exact_leaf(graph, name) for name in graph.leaves}
    return build_graph(assignments, graph.output.label, {**current, **values}, graph.seed)
