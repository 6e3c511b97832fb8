"""A lesson's graph at one set of numbers: engine nodes built from the script."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from tutor.engine import EngineError, Value, evaluate, topo_order
from tutor.expr import Assignment, Expr, Name
from tutor.expr.convert import to_engine
from tutor.lesson.model import Ask, Lesson

MAX_VARIANT_DRAWS = 50
MAX_DRAW_NODES = 200_000
"""Graph nodes built in all the draws of one variant: a huge graph gets fewer draws,
so a hostile lesson cannot make a quiz take 50 builds of 100,000 nodes to open."""


class GraphError(ValueError):
    """The script cannot be computed at these numbers; ``line`` is the script line."""

    def __init__(self, message: str, line: int | None = None, name: str | None = None):
        super().__init__(message)
        self.line = line
        self.name = name


@dataclass(eq=False)
class Graph:
    """The engine graph of a lesson at one variant, forward and backward done.

    ``nodes`` maps each assigned name to its engine node; ``exact`` gives every
    leaf node (named leaves and number constants) its exact rational value, for
    the symbolic side; ``seed`` is the variant (0: the file's own numbers).
    """

    nodes: dict[str, Value]
    output: Value
    exact: dict[Value, Fraction]
    definitions: dict[str, Expr]
    seed: int = 0
    consumers: dict[Value, list[tuple[Value, int]]] = field(default_factory=dict)
    #: Results computed once per graph by other layers (e.g. exact gradients).
    cache: dict[str, object] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for node in topo_order(self.output):
            for index, child in enumerate(node.inputs):
                self.consumers.setdefault(child, []).append((node, index))

    def value(self, name: str) -> float:
        return self.nodes[name].data

    def grad(self, name: str) -> float:
        return self.nodes[name].grad

    def name_of(self, node: Value) -> str | None:
        return node.label or None

    @property
    def leaves(self) -> dict[str, Value]:
        """Named leaves: the inputs and parameters a student can nudge."""
        return {name: node for name, node in self.nodes.items() if node.is_leaf}

    def values(self) -> dict[str, float]:
        return {name: node.data for name, node in self.nodes.items()}


def build_graph(
    assignments: tuple[Assignment, ...] | list[Assignment],
    output: str,
    values: Mapping[str, Fraction] | None = None,
    seed: int = 0,
) -> Graph:
    """Build and differentiate the graph; ``values`` overrides leaf values.

    Raises `GraphError` naming the line and the op when the numbers leave an
    op's domain (division by zero, log of a non-positive number, overflow).
    """
    values = values or {}
    nodes: dict[str, Value] = {}
    exact: dict[Value, Fraction] = {}
    definitions: dict[str, Expr] = {}

    for a in assignments:
        try:
            if a.is_leaf:
                q = values.get(a.name, a.value)
                node = Value(float(q), label=a.name)
                exact[node] = q
            else:
                if isinstance(a.expr, Name):
                    raise GraphError(
                        f"`{a.name} = {a.expr.id}` only renames `{a.expr.id}`: "
                        "a node needs an operation",
                        a.line,
                        a.name,
                    )
                node = to_engine(a.expr, nodes, exact)
                if node.label or node in exact:
                    raise GraphError(
                        f"`{a.name}` would be the same node as another: write an operation",
                        a.line,
                        a.name,
                    )
                node.label = a.name
                definitions[a.name] = a.expr
        except EngineError as exc:
            shown = ", ".join(f"{n} = {_show(v.data)}" for n, v in nodes.items() if v.is_leaf)
            raise GraphError(f"{exc} (with {shown})", a.line, a.name) from None
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, GraphError):
                raise
            raise GraphError(f"`{a.name}`: {exc}", a.line, a.name) from None
        nodes[a.name] = node
    root = nodes[output]
    try:
        root.backward()
    except EngineError as exc:
        raise GraphError(f"the gradient cannot be computed: {exc}") from None
    return Graph(nodes, root, exact, definitions, seed)


def question_problems(lesson: Lesson, graph: Graph) -> list[tuple[Ask, str]]:
    """Questions whose answer cannot be computed at these numbers.

    A nudge or a step moves values: ``log(x)`` nudged by ``h = -5`` leaves the
    domain of log even though the graph itself is fine.
    """
    problems: list[tuple[Ask, str]] = []
    for ask in lesson.questions:
        if ask.kind == "nudge" and ask.node is not None and ask.h is not None:
            node = graph.nodes[ask.node]
            moved = {node: node.data + ask.h}
            what = f"nudging `{ask.node}` by h = {_show(ask.h)}"
        elif ask.kind == "step" and ask.rate is not None:
            moved = {n: n.data + ask.rate * n.grad for n in graph.leaves.values()}
            what = f"a step with rate {_show(ask.rate)}"
        else:
            continue
        try:
            evaluate(graph.output, moved)
        except EngineError as exc:
            problems.append((ask, f"{what} cannot be computed: {exc}"))
    return problems


def lesson_graph(lesson: Lesson, seed: int = 0) -> Graph:
    """The lesson's graph at variant ``seed`` (0: the file's own numbers).

    A variant's numbers come from a generator seeded by the lesson id and the
    seed, so the same seed always gives the same numbers. Numbers that break
    the graph (an op out of its domain, a relu exactly at 0, where the slope
    does not exist) are drawn again; after `MAX_VARIANT_DRAWS` tries the file's
    own numbers are used.
    """
    if not lesson.has_graph:
        raise GraphError("this lesson has no graph")
    output = lesson.output or lesson.assignments[-1].name
    if seed == 0 or not lesson.vary:
        return build_graph(lesson.assignments, output, seed=0)
    rng = random.Random(f"{lesson.id}/{seed}")
    for _ in range(_draws(lesson)):
        values = {name: spec.draw(rng) for name, spec in sorted(lesson.vary.items())}
        try:
            graph = build_graph(lesson.assignments, output, values, seed)
        except GraphError:
            continue
        if not has_kink(graph) and not question_problems(lesson, graph):
            return graph
    return build_graph(lesson.assignments, output, seed=0)


def _draws(lesson: Lesson) -> int:
    """How many draws a variant may take: `MAX_VARIANT_DRAWS`, fewer for a huge graph."""
    size = sum(_size(a.expr) for a in lesson.assignments)
    return max(1, min(MAX_VARIANT_DRAWS, MAX_DRAW_NODES // max(size, 1)))


def _size(expr: Expr) -> int:
    """The nodes of an expression tree (iteratively: no depth can exhaust the stack)."""
    count, stack = 0, [expr]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(
            child
            for child in (
                getattr(node, attr, None) for attr in ("left", "right", "operand", "base", "arg")
            )
            if child is not None
        )
    return count


def has_kink(graph: Graph) -> bool:
    """True when a relu's input is exactly 0: its slope does not exist there."""
    return any(
        node.op == "relu" and node.inputs[0].data == 0.0 for node in topo_order(graph.output)
    )


def _show(x: float) -> str:
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)
