"""An edge's derivation from `tutor.symbolic`, laid out as text (no Textual here).

`derive` imports SymPy (about 0.3 s): the app calls it from a thread worker,
never on the UI thread. It asks `tutor.symbolic` for the chain rule over the
node's definition (one op: that op's derivation from the limit definition;
several: each op's, multiplied along the paths), and `tutor.check` for the
value at the current numbers, and only writes them out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tutor.check.quantities import local
from tutor.expr import names, to_text
from tutor.lesson import Graph
from tutor.numbers import short


@dataclass(frozen=True)
class Edge:
    """d ``node`` / d ``wrt``, where ``node``'s definition uses ``wrt``."""

    node: str
    wrt: str

    @property
    def symbol(self) -> str:
        return f"d{self.node}/d{self.wrt}"


@dataclass(frozen=True)
class Line:
    """One step: ``=`` (or ``→`` where h → 0 is taken), the expression, what and why."""

    mark: str
    expr: str
    note: str


@dataclass(frozen=True)
class Block:
    """One op's derivation (``heading`` names it when there are several)."""

    heading: str
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Shown:
    """A derivation ready to print: a title, its blocks, the value at the current numbers."""

    title: str
    blocks: list[Block]
    value: str

    def text(self) -> list[str]:
        """Plain lines (for the quiz results)."""
        out = [self.title]
        for block in self.blocks:
            if block.heading:
                out.append(block.heading)
            out += [f"  {line.mark} {line.expr}\n      {line.note}" for line in block.lines]
        return [*out, self.value]


def derive(graph: Graph, edge: Edge) -> Shown:
    """How d ``edge.node`` / d ``edge.wrt`` comes from the limit definition, at ``graph``."""
    from tutor import symbolic

    definition = graph.definitions[edge.node]
    exact = {
        name: symbolic.node_values(graph.nodes[name], graph.exact)[graph.nodes[name]]
        for name in names(definition)
    }
    chain = symbolic.chain_rule(definition, edge.wrt, exact)
    written = symbolic.unicode(f"{edge.node} = {to_text(definition)}")
    if len(chain.paths) == 1 and len(chain.paths[0]) == 1:
        title = f"{edge.symbol}, from the definition of the derivative ({written}):"
        blocks = [_link_block(chain.links[0])]
    else:
        count = len(chain.paths)
        along = "the path" if count == 1 else f"each of the {count} paths, adding the paths up"
        products = " + ".join(" · ".join(_d(link) for link in path) for path in chain.paths)
        title = (
            f"{edge.symbol} by the chain rule ({written}): multiply the local derivatives "
            f"along {along}:\n  {edge.symbol} = {products}"
        )
        repeated = Counter(_d(link) for link in chain.links)
        blocks = []
        for link in chain.links:
            name = _d(link) + (f" (input {link.index + 1})" if repeated[_d(link)] > 1 else "")
            blocks.append(_link_block(link, f"{name}, the local derivative:"))
    values = ", ".join(f"{name} = {short(graph.value(name))}" for name in names(definition))
    result = _unicode_of(chain.result)
    value = short(local(graph, edge.node, edge.wrt))
    equals = f" = {value}" if value != result else ""
    where = f" at the current numbers ({values})" if values else ""
    return Shown(title, blocks, f"{edge.symbol} = {result}{equals}{where}.")


def _d(link) -> str:
    """``d(d*f)/d(d)``: one op's local derivative, named by its output and input."""
    from tutor.symbolic import show, unicode

    return unicode(f"d({show(link.output)})/d({show(link.input)})")


def _unicode_of(expr) -> str:
    from tutor.symbolic import show, unicode

    return unicode(show(expr))


def _link_block(link, heading: str = "") -> Block:
    """One op's derivation; relu's cases one after the other when its sign is not known."""
    from tutor.symbolic import unicode

    if len(link.cases) == 1:
        return Block(heading, _steps(link.cases[0]))
    lines: list[Line] = []
    for case in link.cases:
        lines.append(Line(" ", f"when {_unicode_of(case.condition)}:", ""))
        lines += _steps(case)
    return Block(unicode(heading), lines)


def _steps(derivation) -> list[Line]:
    from tutor.symbolic import Kind, unicode

    h = derivation.h
    lines = []
    for number, step in enumerate(derivation.steps):
        limit = step.kind in (Kind.LIMIT, Kind.NO_LIMIT)
        mark = " " if number == 0 else "→" if limit else "="
        lines.append(Line(mark, unicode(step.show(h)), unicode(f"{step.did}: {step.reason(h)}")))
    return lines


def warm_up(graph: Graph) -> None:
    """Import SymPy and compute the graph's exact gradients (call from a thread).

    Grading a right answer checks it against SymPy's exact value too, and the
    first one would otherwise pay for the import (~0.3 s) and the exact
    gradients (up to ~0.25 s for the course's largest graph) on the UI thread.
    """
    from tutor.check.exact import exact_gradients

    exact_gradients(graph)
