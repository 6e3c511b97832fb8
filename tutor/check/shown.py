"""Right for what the student saw: the numbers an answer can be worked from, and how
far their rounding can move it.

A student works from the numbers on the screen, not from the hidden digits. For a
question asking for some decimal places, the tutor knows the shown numbers its answer
can be worked from (`sources`):

* what the kind shows itself (`Kind.screen_sources`): the training view's loss, read
  off to 4 decimals, for a question on that training;
* the student's own earlier answers on the same output (a value, a gradient), as
  rounded to the places asked (a quiz shows nothing better), or as the graph shows
  them once settled (to 4 decimals) where that is coarser;
* the numbers the lesson's text shows up to and with the question: the ``{NAME}``
  placeholders of its prompt and hints and of the earlier steps (tables included),
  each written to 4 decimals (`tutor.numbers.short`);
* the graph's values the answer is worked from (`_graph_values`), to 4 decimals (the
  graph writes some with more, `tutor.render.graph.places`: 4 is the coarsest).

How far each number moves the answer is its sensitivity, d answer / d number, with the
other shown numbers held: by a forward difference on a copy of the graph with that one
value changed (an inner node keeps its inputs and passes its new value on), or from
the chain rule for a shown gradient (`Kind.grad_sensitivity`). The same pass gives how
each other shown number would move, were it worked out again rather than copied.

A student takes one **route** through them: each shown intermediate (a value that is
not a leaf, or a gradient) is either copied as shown or worked out again from the
shown numbers it comes from; a leaf is always copied. For a route the answer moves, to
first order, by

    sum over the numbers copied of |d answer / d number along the route| × |shown − true|

(the coefficients composed by the chain rule through the numbers worked out again:
`_worst`). The band is the largest of these over the routes (× `MARGIN`): the nearest
route copies every shown number (the numbers further back then move nothing), a far one
works ``ypred1`` out again from ``w1``, ``w2`` and ``b`` as shown. Past `MAX_ROUTES`
routes, each shown intermediate gets the larger of its own rounding and the bound of
the numbers it is worked from, the sum of the |coefficients| × their bounds
(`_relaxed`): interval arithmetic, never below the worst route.

`Question.allowance` adds the band to half a unit of the asked place.
"""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from tutor.check.question import Source
from tutor.engine import OPS, topo_order
from tutor.expr import names
from tutor.lesson import Ask, Graph, GraphError
from tutor.lesson.graph import copy_graph
from tutor.lesson.model import Say
from tutor.lesson.text import placeholders
from tutor.numbers import short

if TYPE_CHECKING:
    from tutor.check.question import Question

#: The first-order bound is widened by this factor for what it leaves out (the
#: second-order terms, the float noise of the finite differences).
MARGIN = 1.25
#: Shown numbers followed for one question at most (each costs a forward and a backward
#: pass): a huge graph's are bounded, the kind's own and the earlier answers first.
MAX_SOURCES = 100
#: Sources × graph nodes followed for one question at most.
MAX_WORK = 200_000
#: A step or a nudge is worked from the leaves the graph shows up to this many.
MAX_LEAVES = 12
#: Routes through the shown numbers followed one by one at most (2 ** the shown
#: intermediates); past it, the bound of `_relaxed`.
MAX_ROUTES = 256


def displayed(x: float) -> float:
    """How far a number written by `short` (4 decimals) is from the number."""
    if not math.isfinite(x):
        return 0.0
    return abs(float(short(x)) - x)


def sources(question: Question) -> list[Source]:
    """The shown numbers ``question``'s answer can be worked from (see the module)."""
    graph, lesson, ask = question.graph, question.lesson, question.ask
    found: dict[tuple[str, str], float] = {}

    def add(what: str, node: str, error: float) -> None:
        if what != "answer" and node not in graph.nodes:
            return
        if not error > 0.0 or not math.isfinite(error):
            return
        if (what, node) == _asked(question):
            return  # the answer itself is not shown while it is asked
        key = (what, node)
        found[key] = max(found.get(key, 0.0), error)

    for source in question.rules.screen_sources(question):
        add(source.what, source.node, source.error)
    for earlier in lesson.questions[: question.index]:
        what = _what(earlier)
        if what is None or earlier.node is None:
            continue
        if (earlier.of or _main_output(lesson)) == question.output:
            add(what, earlier.node, _accepted(question, earlier))
    for name in _placeholders(lesson.steps, ask):
        if name in graph.nodes:
            add("value", name, displayed(graph.value(name)))
    later = {a.node for a in lesson.questions[question.index + 1 :] if a.spec.node_value}
    for name in _graph_values(question):
        if name not in later:  # still asked: the graph hides it
            add("value", name, displayed(graph.value(name)))
    # Each source costs a pass over the graph: a huge graph (a hostile lesson's) gets few.
    limit = min(MAX_SOURCES, max(1, MAX_WORK // len(topo_order(graph.output))))
    return [Source(what, node, error) for (what, node), error in found.items()][:limit]


def band(question: Question) -> float:
    """How far the answer moves, at most to first order (× `MARGIN`), when it is worked
    from the shown numbers of `sources` along any route (see the module): the student
    may copy ``ypred1`` as shown, or work it out again from the shown ``w1``, ``w2``
    and ``b``; copy dL/dn as shown, or work it out again from the values. Made once per
    graph and question (a question's feedback asks for the later questions'
    tolerances too)."""
    key = f"band:{question.index}"
    if key not in question.graph.cache:
        question.graph.cache[key] = _band(question)
    return question.graph.cache[key]


@dataclass
class Links:
    """The shown numbers of a question in the order they are worked out (values from
    the leaves on, then gradients from the output back), each's rounding ``error``,
    d answer / d it (``answer``) and d (another one, worked out again) / d it
    (``feeds``: index → coefficient), every other shown number held."""

    error: list[float]
    answer: list[float]
    feeds: list[dict[int, float]]
    #: The ones a student may work out again rather than copy (an inner value, a
    #: gradient, with a shown number it comes from); a leaf is always copied.
    choices: list[int]


def _band(question: Question) -> float:
    links = _links(question)
    if not links.error:
        return 0.0
    size = len(links.error) + sum(len(f) for f in links.feeds)
    routes = 2 ** len(links.choices)
    if routes <= MAX_ROUTES and routes * size <= MAX_WORK:
        return MARGIN * _worst(links)
    return MARGIN * _relaxed(links)


def _links(question: Question) -> Links:
    graph = question.graph
    position = {v: i for i, v in enumerate(topo_order(graph.output))}
    found = sources(question)
    order = {"value": 0, "grad": 1, "answer": 2}

    def rank(source: Source) -> tuple[int, int]:
        at = position.get(graph.nodes[source.node], 0) if source.node in graph.nodes else 0
        # Values from the leaves on; gradients from the output back.
        return order[source.what], at if source.what == "value" else -at

    found.sort(key=rank)
    index = {(s.what, s.node): i for i, s in enumerate(found)}
    values = {s.node for s in found if s.what == "value"}
    grads = {s.node for s in found if s.what == "grad"}
    answer = [0.0] * len(found)
    feeds: list[dict[int, float]] = [{} for _ in found]
    # Each link between two shown gradients costs a pass over the graph: a huge one's
    # (a hostile lesson's) are followed up to `MAX_WORK` nodes, the rest left out (the
    # gradient is then taken as copied, as the nearest route does).
    tangents = MAX_WORK // max(1, len(position))
    for i, source in enumerate(found):
        if source.what == "answer":
            answer[i] = 1.0
        elif source.what == "grad":
            others = grads - {source.node}
            answer[i] = question.rules.grad_sensitivity(question, source.node, others)
            for other in sorted(others):
                if tangents <= 0:
                    break
                tangents -= 1
                # d (the gradient of `other`, worked out) / d (this one, as shown): the
                # chain rule down to `other`, no other shown gradient on the way.
                d = tangent(graph, other, source.node, others - {other})
                if d and math.isfinite(d):
                    feeds[i][index["grad", other]] = d
        else:
            answer[i], moved = _value_links(question, source.node, values, grads)
            for (what, node), d in moved.items():
                j = index.get((what, node))
                if j is not None and j != i and d and math.isfinite(d):
                    feeds[i][j] = d
    fed = {j for f in feeds for j in f}
    choices = [
        i
        for i, s in enumerate(found)
        if i in fed and (s.what == "grad" or not graph.nodes[s.node].is_leaf)
    ]
    answer = [a if math.isfinite(a) else 0.0 for a in answer]
    return Links([s.error for s in found], answer, feeds, choices)


def _value_links(
    question: Question, name: str, values: Set[str], grads: Set[str]
) -> tuple[float, dict[tuple[str, str], float]]:
    """d answer / d (the value of ``name``), and d (each other shown value or gradient,
    worked out again from its inputs) / d it, every other shown number held: by a
    forward difference (0 where it cannot be computed)."""
    graph = question.graph
    x = graph.value(name)
    step = 1e-6 * max(1.0, abs(x))
    seen: dict[tuple[str, str], float] = {}
    try:
        moved = shifted(graph, name, step, values - {name}, grads, seen)
        to_answer = (question.at(moved) - question.expected) / step
    except (ArithmeticError, ValueError, KeyError):
        return 0.0, {}
    base = {"value": graph.value, "grad": graph.grad}
    moves = {}
    for (what, node), again in seen.items():
        was = base[what](node)
        if not math.isclose(again, was, rel_tol=1e-12, abs_tol=1e-300):  # not float noise
            moves[what, node] = (again - was) / step
    return to_answer, moves


def _worst(links: Links) -> float:
    """The largest first-order move over every route: for each, which of the
    ``choices`` are worked out again, the coefficient of each copied number by reverse
    accumulation (``adjoint``: d answer / d it along the route), then the sum of
    |coefficient| × its rounding."""
    n = len(links.error)
    worst = 0.0
    for route in range(2 ** len(links.choices)):
        again = {c for bit, c in enumerate(links.choices) if route >> bit & 1}
        adjoint = list(links.answer)
        total = 0.0
        for i in reversed(range(n)):
            for j, d in links.feeds[i].items():
                if j in again:
                    adjoint[i] += d * adjoint[j]
            if i not in again:
                total += abs(adjoint[i]) * links.error[i]
        worst = max(worst, total)
    return worst


def _relaxed(links: Links) -> float:
    """A bound over every route when they are too many to follow: each shown number's
    move at most its rounding if copied, or the sum of |d it / d input| × the inputs'
    bounds if worked out again, the larger of the two (interval arithmetic, in the
    order the numbers are worked out)."""
    n = len(links.error)
    bound = list(links.error)
    into: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i in range(n):
        for j, d in links.feeds[i].items():
            into[j].append((i, d))
    choices = set(links.choices)
    for j in range(n):
        if j in choices:
            again = sum(abs(d) * bound[i] for i, d in into[j])
            bound[j] = max(bound[j], again)
    return sum(abs(a) * b for a, b in zip(links.answer, bound, strict=True))


def shifted(
    graph: Graph,
    name: str,
    step: float,
    held: Set[str] = frozenset(),
    grads: Set[str] = frozenset(),
    seen: dict[tuple[str, str], float] | None = None,
) -> Graph:
    """A copy of ``graph`` with ``name``'s value moved by ``step``: each node after it
    is computed again from it (a ``held`` one keeps its value), then the gradients,
    each of ``grads`` kept as it is in ``graph`` and passed on from there. ``seen``
    gets what each held value and each kept gradient would be if worked out again
    here (a held value only where one of its inputs moved)."""
    copy = _scratch(graph)
    start = copy.nodes[name]
    start.data += step
    if start.is_leaf:  # a copy of the copy (a training run) starts from `exact`
        copy.exact[start] = Fraction(repr(start.data))
    kept = {copy.nodes[n]: n for n in held if n in copy.nodes}
    order = topo_order(copy.output)
    changed = {start}
    for v in order:
        if v.is_leaf or v is start or not any(x in changed for x in v.inputs):
            continue
        if v in kept:
            if seen is not None:
                again = OPS[v.op].forward(tuple(x.data for x in v.inputs), v.param)
                seen["value", kept[v]] = again
            continue
        v.data = OPS[v.op].forward(tuple(x.data for x in v.inputs), v.param)
        if not math.isfinite(v.data):
            raise GraphError(f"`{name}` moved by {step} overflows")
        changed.add(v)
    fixed = {copy.nodes[n]: (n, graph.grad(n)) for n in grads if n in copy.nodes}
    for v in order:
        v.grad = 0.0
    copy.output.grad = 1.0
    for v in reversed(order):
        if v in fixed:
            label, shown = fixed[v]
            if seen is not None:
                seen["grad", label] = v.grad
            v.grad = shown
        if v.is_leaf:
            continue
        inputs = v.inputs
        partials = OPS[v.op].local(tuple(x.data for x in inputs), v.data, v.param)
        for x, d in zip(inputs, partials, strict=True):
            x.grad += d * v.grad
    return copy


def _scratch(graph: Graph) -> Graph:
    """A copy of ``graph`` at its numbers, made once per graph and set back to them
    (values, gradients, exact leaves; nothing worked out on it kept) for each use:
    building a network's graph again for each shown number would cost more than
    all the rest."""
    if "scratch" not in graph.cache:
        copy = copy_graph(graph)
        pairs = list(zip(topo_order(graph.output), topo_order(copy.output), strict=True))
        graph.cache["scratch"] = (copy, pairs)
    copy, pairs = graph.cache["scratch"]
    for node, twin in pairs:
        twin.data, twin.grad = node.data, node.grad
        if node in graph.exact:
            copy.exact[twin] = graph.exact[node]
    copy.cache.clear()
    return copy


def tangent(graph: Graph, node: str, target: str, stops: Set[str] = frozenset()) -> float:
    """d target / d node along the paths that pass through none of ``stops``: how a
    gradient shown at ``target`` reaches ``node`` by the chain rule when the ``stops``
    are taken as shown too."""
    start, end = graph.nodes[node], graph.nodes[target]
    blocked = {graph.nodes[n] for n in stops if n in graph.nodes} - {end}
    d = {start: 1.0}
    for v in topo_order(end):
        if v.is_leaf or v is start or v in blocked or not any(x in d for x in v.inputs):
            continue
        inputs = v.inputs
        partials = OPS[v.op].local(tuple(x.data for x in inputs), v.data, v.param)
        d[v] = sum(p * d.get(x, 0.0) for x, p in zip(inputs, partials, strict=True))
    return d.get(end, 0.0)


# -- where the numbers come from -------------------------------------------------------


def _graph_values(question: Question) -> list[str]:
    """The named nodes whose values the graph shows that the answer is worked from: a
    value from its definition's inputs; a gradient from the values on its way to the
    output (the nodes there and their inputs, for the local derivatives); a step or a
    nudge of a small graph from its leaves. None for what is not worked by hand."""
    if not question.rules.from_screen:
        return []
    graph, ask, node = question.graph, question.ask, question.node
    if ask.spec.node_value and node in graph.definitions:
        return names(graph.definitions[node])
    if ask.spec.node_grad and node in graph.nodes:
        start = graph.nodes[node]
        after = {start}
        for v in topo_order(graph.output):
            if any(x in after for x in v.inputs):
                after.add(v)
        found: list[str] = []
        for name, definition in graph.definitions.items():
            if graph.nodes[name] in after:
                found += [name, *names(definition)]
        return list(dict.fromkeys(found))
    leaves = graph.leaves
    return list(leaves) if len(leaves) <= MAX_LEAVES else []


def _asked(question: Question) -> tuple[str, str] | None:
    what = _what(question.ask)
    return None if what is None or question.node is None else (what, question.node)


def _what(ask: Ask) -> str | None:
    """Whether an earlier answer is a node's value or gradient (else it is no number a
    later answer is worked from)."""
    spec = ask.spec
    if spec.node_value:
        return "value"
    if spec.node_grad:
        return "grad"
    return None


def _main_output(lesson) -> str:
    return lesson.output or lesson.assignments[-1].name


def _placeholders(steps, ask: Ask) -> list[str]:
    """The names whose values the text shows up to and with ``ask``'s step."""
    found: list[str] = []
    for step in steps:
        texts: list[str] = []
        if isinstance(step, Say):
            texts = [step.text]
        elif isinstance(step, Ask):
            texts = [step.prompt or "", *step.hints]
        for text in texts:
            try:
                found += placeholders(text)
            except ValueError:
                continue  # the loader reports it
        if step is ask:
            break
    return list(dict.fromkeys(found))


def _accepted(question: Question, earlier: Ask) -> float:
    """How far an earlier answer the student has may be from the true number: as
    rounded to the places that question asked (a quiz hides the values asked and
    shows no gradient: the student has only their own answers), and at least as the
    graph shows it once settled in a lesson (4 decimals)."""
    graph, node = question.graph, earlier.node or ""
    if node not in graph.nodes:
        return 0.0
    rounded = 0.5 * 10.0**-earlier.decimals if earlier.decimals is not None else 0.0
    if earlier.spec.node_value or earlier.of is None:
        shown = graph.grad(node) if earlier.spec.node_grad else graph.value(node)
        return max(rounded, displayed(shown))
    return rounded
