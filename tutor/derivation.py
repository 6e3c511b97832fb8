"""The derivation presenter: an edge's derivation at a lesson's numbers, as text.

Used by the app's derivation panel, the quiz results and `tutor check`'s
rehearsal. `derive` imports SymPy (about 0.3 s): the app calls it from a thread
worker, never on the UI thread. It asks `tutor.symbolic` for the chain rule over
the node's definition (one op: that op's derivation from the limit definition;
several: each op's, multiplied along the paths), and `tutor.check` for the value
at the current numbers, and only writes them out: the title, each derivation's
rows and lines come from `tutor.symbolic.text`, which `tutor derive` prints
too, so that the panel, the quiz results and the command read the same.
"""

from __future__ import annotations

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
    """One row: a step's number, its expression, and what was done and why under it;
    or, with no number and no note, words between steps (``When x > 0:``)."""

    mark: str
    expr: str
    note: str


@dataclass(frozen=True)
class Block:
    """One op's derivation (``heading`` names it when there are several): its rows,
    and the same as the lines of text `tutor derive` prints."""

    heading: str
    lines: list[Line] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Shown:
    """A derivation ready to print: a title, its blocks, the value at the current numbers."""

    title: str
    blocks: list[Block]
    value: str

    def text(self) -> list[str]:
        """Plain lines (for the quiz results), laid out as `tutor derive` prints them."""
        out = [self.title]
        for block in self.blocks:
            if block.heading:
                out.append(block.heading)
            out += block.text
        return [*out, self.value]


def derive(graph: Graph, edge: Edge) -> Shown:
    """How d ``edge.node`` / d ``edge.wrt`` comes from the limit definition, at ``graph``.

    The words and the layout are `tutor.symbolic.text`'s, as `tutor derive` prints
    them; the derivations use no letter that names a node of the graph (``f`` is a
    node of the lecture's graph, so the definition's function is ``g`` there).
    """
    from tutor import symbolic
    from tutor.symbolic import text

    definition = graph.definitions[edge.node]
    exact = {
        name: symbolic.node_values(graph.nodes[name], graph.exact)[graph.nodes[name]]
        for name in names(definition)
    }
    chain = symbolic.chain_rule(definition, edge.wrt, exact, reserved=graph.nodes)
    unicode = symbolic.unicode
    written = unicode(f"{edge.node} = {to_text(definition)}")
    title = unicode(text.derivation_title(chain, edge.symbol, written, edge.node))
    if text.single_op(chain):
        blocks = [_block(chain.links[0].cases)]
    else:
        link_names = text.link_names(chain)
        products = unicode(text.chain_paths(chain, link_names))
        title += f"\n  {edge.symbol} = {products}"
        blocks = [
            _block(link.cases, unicode(text.link_heading(link, link_names[id(link)])))
            for link in chain.links
        ]
    values = ", ".join(
        f"{name} = {unicode(short(graph.value(name)))}" for name in names(definition)
    )
    result = unicode(symbolic.show(chain.result))
    value = unicode(short(local(graph, edge.node, edge.wrt)))
    equals = f" = {value}" if value != result else ""
    where = f" at the current numbers ({values})" if values else ""
    return Shown(title, blocks, f"{edge.symbol} = {result}{equals}{where}.")


def _block(cases, heading: str = "") -> Block:
    """One op's derivation; relu's cases one after the other when its sign is not known."""
    from tutor.symbolic import text, unicode

    lines = [
        Line(row.label, unicode(row.text), unicode(row.why)) for row in text.derivation_rows(cases)
    ]
    shown = [unicode(line) for line in text.format_derivation(cases, indent="  ")]
    return Block(heading, lines, shown)


def warm_up(graph: Graph) -> None:
    """Import SymPy and compute the graph's exact gradients (call from a thread).

    Grading a right answer checks it against SymPy's exact value too, and the
    first one would otherwise pay for the import (~0.3 s) and the exact
    gradients (up to ~0.25 s for the course's largest graph) on the UI thread.
    """
    from tutor.check.exact import exact_gradients

    exact_gradients(graph)
