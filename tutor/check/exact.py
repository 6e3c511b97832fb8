"""The symbolic source of an answer: SymPy's exact value, and a local derivative's formula.

Imported only when needed (SymPy costs ~0.3 s to import): the app warms these up
in a worker; validation and `tutor run` call them directly.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from tutor import symbolic
from tutor.check.quantities import local_graph
from tutor.engine import Value, topo_order
from tutor.lesson import Graph


def exact_gradients(graph: Graph) -> dict[Value, sympy.Expr]:
    """Exact gradients of the whole graph, checked against sympy.diff (once per graph)."""
    if "exact-gradients" not in graph.cache:
        found = symbolic.check_gradients(graph.output, graph.exact)
        # A node the output does not depend on has gradient 0.
        unused = {node: sympy.S.Zero for node in graph.nodes.values() if node not in found}
        graph.cache["exact-gradients"] = found | unused
    return graph.cache["exact-gradients"]  # type: ignore[return-value]


def exact_value(graph: Graph, node: Value) -> sympy.Expr:
    return symbolic.node_values(node, graph.exact)[node]


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
    return symbolic.graph_gradients(root, values)[env[wrt]]


def local_formula(graph: Graph, node: str, wrt: str) -> sympy.Expr:
    """d node / d wrt as a formula in the node names: ``f`` for L = d*f, and for an op
    of one named input written with its output, as micrograd does (``1 - o**2``)."""
    value = graph.nodes[node]
    inputs = value.inputs
    if len(inputs) == 1 and inputs[0].label == wrt:
        return symbolic.local_derivative(value, 0, use_output=True)
    return symbolic.chain_rule(graph.definitions[node], wrt).result


def symbolic_value(question) -> float | None:
    graph = question.graph
    match question.kind:
        case "value":
            return float(exact_value(graph, graph.nodes[question.node]))
        case "grad":
            return float(exact_gradients(graph)[graph.nodes[question.node]])
        case "local":
            return float(exact_local(graph, question.node, question.wrt))
        case "accumulated":
            # Each backward() without zeroing adds the same gradient once more.
            passes = question.ask.passes or 2
            return float(passes * exact_gradients(graph)[graph.nodes[question.node]])
    return None
