"""A lesson's graph at one set of numbers: engine nodes built from the script."""

from __future__ import annotations

import contextlib
import math
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from tutor.engine import EngineError, Value, evaluate, topo_order
from tutor.engine.train import GraphTrainer
from tutor.engine.value import recompute
from tutor.expr import Assignment, Expr, Name
from tutor.expr.convert import to_engine
from tutor.expr.script import MAX_NODES, node_count, too_many_nodes
from tutor.lesson.model import Ask, Lesson, Training
from tutor.numbers import full
from tutor.numbers import plain as _show

MAX_VARIANT_DRAWS = 50
MAX_DRAW_NODES = 200_000
"""Graph nodes built in all the draws of one variant: a huge graph gets fewer draws,
so a hostile lesson cannot make a quiz take 50 builds of 100,000 nodes to open."""
MAX_GRAPH_NODES = MAX_NODES
"""Engine nodes (operations and numbers) in one graph (`tutor.expr.script.MAX_NODES`,
which a script's parser stops at): a `[model]`'s script is held to it here. The bundled
network lessons have 360; the largest `[model]` within its bounds about 2,900."""

MAX_TRAINING_WORK = 1_000_000
"""Training work a file's questions may ask for in all, in steps × nodes of the graph
(one update of one node is about a microsecond): four 100-step trainings of the largest
network the format allows. Checked at load, where each training is run once."""
MAX_DRAW_TRAINING_WORK = 2 * MAX_TRAINING_WORK
"""Training work all the draws of one variant may take: each draw trains every training
question again (a draw whose training overflows is refused), so a lesson that trains
much gets fewer draws."""

#: A further test of a drawn graph: a reason to refuse it, or None.
Reject = Callable[["Graph"], str | None]


class Stopped(Exception):
    """Drawing was stopped (`stoppable`): the app is closing, or nobody waits for it."""


_stop = threading.local()


@contextlib.contextmanager
def stoppable(stop: Callable[[], bool]) -> Iterator[None]:
    """In this thread, let ``stop`` end a variant's draws and trainings: asked before
    each draw and each training question (about a second apart at most), raising
    `Stopped`. The app draws a quiz in a worker: ctrl+q does not wait for it."""
    previous = getattr(_stop, "ask", None)
    _stop.ask = stop
    try:
        yield
    finally:
        _stop.ask = previous


def _stop_if_asked() -> None:
    ask = getattr(_stop, "ask", None)
    if ask is not None and ask():
        raise Stopped


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
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    #: The script it was built from, so that a copy can be built (`copy_graph`).
    assignments: tuple[Assignment, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        for node in topo_order(self.output):
            for index, child in enumerate(node.inputs):
                self.consumers.setdefault(child, []).append((node, index))

    def value(self, name: str) -> float:
        return self.nodes[name].data

    def grad(self, name: str) -> float:
        return self.nodes[name].grad

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

    count = 0
    for a in assignments:
        count += 1 if a.is_leaf else node_count(a.expr)
        if count > MAX_GRAPH_NODES:
            raise GraphError(too_many_nodes(), a.line, a.name)
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
    return Graph(nodes, root, exact, definitions, seed, assignments=tuple(assignments))


MAX_OTHER_OUTPUT_NODES = 10_000
"""Nodes of the graphs of other outputs (`of`) in all: each other output a question
asks about is graded on a graph of its own (`of_graph`), so 298 questions each on
another output of a 300-line graph were 298 graphs (minutes, gigabytes)."""


def graph_size(assignments: Iterable[Assignment]) -> int:
    """The engine nodes a script builds: its leaves, operations and numbers."""
    return sum(1 if a.is_leaf else node_count(a.expr) for a in assignments)


def other_outputs_problem(
    assignments, output: str | None, asked: Iterable[str]
) -> tuple[int, str] | None:
    """The first of the other outputs ``asked`` about (in step order) past
    `MAX_OTHER_OUTPUT_NODES`, by its position in ``asked``, and why; else None."""
    size, seen = graph_size(assignments), {output}
    for position, of in enumerate(asked):
        if of in seen:
            continue
        seen.add(of)
        if (len(seen) - 1) * size > MAX_OTHER_OUTPUT_NODES:
            return position, (
                f"`of = {of!r}` is other output number {len(seen) - 1} asked about: each is "
                f"graded on a graph of its own ({size:,} nodes), and these graphs have at most "
                f"{MAX_OTHER_OUTPUT_NODES:,} nodes in all; ask about fewer outputs"
            )
    return None


def copy_graph(graph: Graph, output: str | None = None) -> Graph:
    """The same graph at the same numbers, built again (with another ``output`` if
    given): a graph of its own to train or to take another node's gradients on,
    the one being graded left as it is. Made once per output and graph."""
    output = output or graph.output.label
    values = {
        name: graph.exact.get(leaf, Fraction(repr(leaf.data)))
        for name, leaf in graph.leaves.items()
    }
    return build_graph(graph.assignments, output, values, graph.seed)


def of_graph(graph: Graph, of: str | None) -> Graph:
    """The graph with ``of`` as its output (``of = "L1"``: one example's loss), built
    once per graph; the graph itself when ``of`` is its output or None."""
    if of is None or of == graph.output.label:
        return graph
    key = f"of:{of}"
    if key not in graph.cache:
        graph.cache[key] = copy_graph(graph, of)
    return graph.cache[key]


def moved_leaves(graph: Graph, moves: tuple[str, ...] | None) -> dict[str, Value]:
    """The named leaves a step moves: the lesson's parameters, or every leaf (None)."""
    leaves = graph.leaves
    if moves is None:
        return leaves
    return {name: leaves[name] for name in moves if name in leaves}


def question_problems(lesson: Lesson, graph: Graph) -> list[tuple[Ask, str]]:
    """Questions whose answer cannot be computed at these numbers.

    A nudge or a step moves values: ``log(x)`` nudged by ``h = -5`` leaves the
    domain of log even though the graph itself is fine.
    """
    problems: list[tuple[Ask, str]] = []
    for ask in lesson.questions:
        training = ask.training()
        if training is not None:
            _stop_if_asked()
            problem = training_problem(graph, training) or training_trouble(graph, training)
            if problem is not None:
                problems.append((ask, problem))
            continue
        found = ask.moved(graph)
        if found is None:
            continue
        moved, what = found
        try:
            evaluate(graph.output, moved)
        except EngineError as exc:
            problems.append((ask, f"{what} cannot be computed: {exc}"))
    return problems + answer_problems(lesson, graph)


def answer_problems(lesson: Lesson, graph: Graph) -> list[tuple[Ask, str]]:
    """Questions whose answer is no finite number at these numbers, though every forward
    value is: a gradient that overflows in backward() (``inf``, or ``inf - inf``, NaN),
    twice a gradient near the largest float, a nudge's quotient. Graded against ``inf``
    every answer would be right (its tolerance is ``inf`` too); against NaN, none."""
    problems: list[tuple[Ask, str]] = []
    for ask in lesson.questions:
        value = ask.answer(graph)
        if value is not None and not math.isfinite(value):
            problems.append((ask, not_finite(value)))
    return problems


def training_work(lesson: Lesson, graph: Graph) -> list[tuple[Ask, int]]:
    """Each training question with the work of its training (steps × the graph's nodes,
    unnamed ones too): what loading, a check and every draw of a variant pay for it."""
    trains = [(ask, t) for ask in lesson.questions if (t := ask.training()) is not None]
    if not trains:
        return []
    nodes = len(topo_order(graph.output))
    return [(ask, t.steps * nodes) for ask, t in trains]


def too_much_training(lesson: Lesson, graph: Graph) -> tuple[Ask, str] | None:
    """The first training question past `MAX_TRAINING_WORK` in all, and why; else None."""
    total = 0
    for ask, work in training_work(lesson, graph):
        total += work
        if total > MAX_TRAINING_WORK:
            return ask, (
                f"too much training in one file: the training questions up to this one "
                f"train {total:,} node updates (steps × the graph's nodes) in all; at most "
                f"{MAX_TRAINING_WORK:,}: ask fewer training questions, fewer steps, or on a "
                "smaller network"
            )
    return None


def not_finite(value: float) -> str:
    """Why an answer of ``value`` (inf or NaN) cannot be asked."""
    what = "NaN (inf - inf)" if math.isnan(value) else repr(value)
    return (
        f"the answer is {what} at these numbers: a gradient or quotient overflows although "
        f"every value of the graph is finite, and no answer can be graded against it; "
        f"use smaller numbers"
    )


def training_problem(graph: Graph, ask: Training) -> str | None:
    """Why the training cannot be computed at these numbers (a rate so large the
    parameters overflow), else None; trains a copy, never ``graph`` (`trained`)."""
    try:
        trained(graph, ask.rate, ask.steps, ask.zero_grad, ask.moves)
    except (EngineError, ValueError) as exc:
        return f"training at rate {_show(ask.rate)} for {ask.steps} steps cannot be computed: {exc}"
    return None


#: A loss that grows past its start by this factor (of at least 1) within a training
#: question's steps has diverged; one flat to this relative change, with a tanh this
#: close to ±1, is stuck on tanh's flat ends.
DIVERGED_FACTOR = 1000.0
FLAT = 1e-6
SATURATED = 1e-6


#: How `training_trouble`'s reasons end, so that a draw refused for one is counted as such.
_DIVERGES_END = "; lower the rate (or take fewer steps)"
_SATURATES_END = "; lower the rate"
_NOT_SATURATED_END = "; drop `saturates`, or raise the rate or the steps"
_TROUBLE_ENDS = (
    _DIVERGES_END,
    _SATURATES_END + " (or, where that is the lesson, say `saturates = true`)",
    _NOT_SATURATED_END,
)


def training_trouble(graph: Graph, ask: Training) -> str | None:
    """Why the training, though it can be computed, teaches nothing a student can
    answer: the loss diverges (grows past its start by `DIVERGED_FACTOR`, or stops being
    a finite number) or is stuck (flat while a tanh is saturated: the gradients are 0
    and the loss stays where the saturated network left it). None if neither."""
    try:
        losses, _, final = trained(graph, ask.rate, ask.steps, ask.zero_grad, ask.moves)
    except (EngineError, ValueError):
        return None  # `training_problem`'s to report
    seen = [*losses, final]
    where = f"training at rate {_show(ask.rate)} for {ask.steps} steps"
    start = seen[0]
    if not all(math.isfinite(x) for x in seen):
        return f"{where} diverges: the loss is no finite number within the steps{_DIVERGES_END}"
    peak = max(seen)
    if peak > DIVERGED_FACTOR * max(abs(start), 1.0):
        return (
            f"{where} diverges: the loss grows from {full(start)} to {full(peak)} within "
            f"the steps{_DIVERGES_END}"
        )
    tail = seen[len(seen) // 2 :]  # flat over the second half, of 3 losses at least
    flat = len(tail) >= 3 and max(tail) - min(tail) <= FLAT * max(abs(final), 1e-12)
    stuck = flat and abs(final) > FLAT and _saturated(graph, ask)
    if stuck and not ask.saturates:
        return (
            f"{where} saturates: a tanh is stuck at ±1, its slope 0, and the loss stays at "
            f"{full(final)}{_SATURATES_END} (or, where that is the lesson, say "
            "`saturates = true`)"
        )
    if ask.saturates and not stuck:
        return (
            f"{where} does not saturate, though the question says `saturates = true`: the "
            f"loss ends at {full(final)}, not flat on a tanh stuck at ±1{_NOT_SATURATED_END}"
        )
    return None


def _saturated(graph: Graph, ask: Training) -> bool:
    """Whether a tanh of the trained graph is within `SATURATED` of ±1."""
    _, values, _ = trained(graph, ask.rate, ask.steps, ask.zero_grad, ask.moves)
    copy = copy_graph(graph)
    overrides = {copy.leaves[name]: value for name, value in values.items()}
    for leaf, value in overrides.items():
        leaf.data = value
    try:
        recompute(copy.output)
    except EngineError:
        return False
    return any(n.op == "tanh" and abs(n.data) > 1 - SATURATED for n in topo_order(copy.output))


def trained(
    graph: Graph, rate: float, steps: int, zero_grad: bool, moves: tuple[str, ...] | None
) -> tuple[list[float], dict[str, float], float]:
    """``steps`` steps of gradient descent by the engine (`GraphTrainer`) on a copy of the
    graph: the loss before each step, each moved leaf's value after them, and the loss
    after them. Made once per graph and training (a training that fails raises
    `EngineError` or `ValueError` each time)."""
    key = f"trained:{rate!r}:{steps}:{zero_grad}:{moves}"
    if key not in graph.cache:
        # One training per rate runs on as longer ones are asked for (the answer after
        # 10 updates, then a mistake's after 11); a shorter one starts it again.
        # The trainer is shared, so a thread (the app prepares in workers) has it alone.
        run = f"training:{rate!r}:{zero_grad}:{moves}"
        with _TRAINING:
            if run not in graph.cache:
                copy = copy_graph(graph)
                params = moved_leaves(copy, moves)
                trainer = GraphTrainer(
                    copy.output, list(params.values()), rate=rate, zero_grad=zero_grad
                )
                graph.cache[run] = (trainer, params)
            trainer, params = graph.cache[run]
            if trainer.steps > steps:
                trainer.restart()
            try:
                trainer.run(steps - trainer.steps)
            except BaseException:
                del graph.cache[run]  # a failed training fails again, from the start
                raise
            values = {name: leaf.data for name, leaf in params.items()}
            graph.cache[key] = (list(trainer.losses), values, trainer.loss())
    return graph.cache[key]


_TRAINING = threading.Lock()


def lesson_graph(lesson: Lesson, seed: int = 0) -> Graph:
    """The lesson's graph at variant ``seed`` (0: the file's own numbers); see `draw`."""
    return draw(lesson, seed).graph


#: Why a draw of a variant's numbers was not used (`Draw.rejected`).
OWN_NUMBERS = "the file's own numbers"
OUT_OF_DOMAIN = "an operation cannot be computed"
KINK = "a relu input is exactly 0"
MOVED_OUT_OF_DOMAIN = "a nudge or a step cannot be computed"
TRAINING_TROUBLE = "a training question's training diverges or saturates"
ANSWER_NOT_FINITE = "an answer is not a finite number"


@dataclass(frozen=True)
class Draw:
    """A variant's graph, and why each draw before it was refused."""

    graph: Graph
    rejected: tuple[str, ...] = ()

    @property
    def fell_back(self) -> bool:
        """True when no draw was usable and the graph has the file's own numbers."""
        return self.graph.seed == 0


def draw(lesson: Lesson, seed: int = 0, reject: Reject | None = None) -> Draw:
    """The lesson's graph at variant ``seed`` (0: the file's own numbers).

    A variant's numbers come from a generator seeded by the lesson id and the
    seed, so the same seed always gives the same numbers. A draw is refused, and
    another drawn, when it repeats the file's own numbers, breaks the graph (an
    op out of its domain, a relu exactly at 0, where the slope does not exist, a
    nudge or step that cannot be computed), or when ``reject`` gives a reason.
    After `MAX_VARIANT_DRAWS` refused draws the file's own numbers are used.
    """
    if not lesson.has_graph:
        raise GraphError("this lesson has no graph")
    output = lesson.output or lesson.assignments[-1].name
    if seed == 0 or not lesson.vary:
        return Draw(build_graph(lesson.assignments, output, seed=0))
    rng = random.Random(f"{lesson.id}/{seed}")
    own = {name: lesson.leaves[name] for name in lesson.vary}
    rejected: list[str] = []
    for _ in range(_draws(lesson)):
        _stop_if_asked()
        values = {name: spec.draw(rng) for name, spec in sorted(lesson.vary.items())}
        if values == own:
            rejected.append(OWN_NUMBERS)
            continue
        try:
            graph = build_graph(lesson.assignments, output, values, seed)
        except GraphError:
            rejected.append(OUT_OF_DOMAIN)
            continue
        if has_kink(graph):
            reason = KINK
        elif answer_problems(lesson, graph):
            reason = ANSWER_NOT_FINITE
        elif problems := question_problems(lesson, graph):
            trouble = any(
                isinstance(found, tuple) and found[1].endswith(_TROUBLE_ENDS) for found in problems
            )
            reason = TRAINING_TROUBLE if trouble else MOVED_OUT_OF_DOMAIN
        else:
            reason = None
        if reason is None and reject is not None:
            reason = reject(graph)
        if reason is None:
            return Draw(graph, tuple(rejected))
        rejected.append(reason)
    return Draw(build_graph(lesson.assignments, output, seed=0), tuple(rejected))


def _draws(lesson: Lesson) -> int:
    """How many draws a variant may take: `MAX_VARIANT_DRAWS`, fewer for a huge graph."""
    size = sum(_size(a.expr) for a in lesson.assignments)
    draws = min(MAX_VARIANT_DRAWS, MAX_DRAW_NODES // max(size, 1))
    trains = [t for ask in lesson.questions if (t := ask.training()) is not None]
    if trains:  # every draw trains each of them again: steps × about the script's size
        work = sum(t.steps for t in trains) * size
        draws = min(draws, MAX_DRAW_TRAINING_WORK // max(work, 1))
    return max(1, draws)


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
