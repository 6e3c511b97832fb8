"""The kinds of question a lesson may ask, as a lesson file declares them.

This module and `tutor.check.kinds` are the question-kind registry, one half per
layer, and the only places that know the kinds one by one. Here each kind is one
declaration: a frozen `Ask` subclass, decorated with `declare`, whose ``spec`` is
its `KindSpec` (its name, ``ask = "grad"``, its defaults and what the lesson around
the question must know of it) and whose fields are the keys its ``ask`` step takes,
each typed and bounded with `key` (a key without a default is required). The loader
reads the keys of a step from these fields alone (`tutor.lesson.loader`), so loading
a lesson needs nothing from `tutor.check`. There, each kind is one class, registered
with its spec: how its answer is computed, its exact value, its finite-difference
check, its known mistakes, its prompt, hints and explanation. `tutor.check.kinds`
says how to add a kind.

Code elsewhere never compares a kind's name: it asks the spec (``ask.spec``), the
class (``question.rules``) or the step's type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from tutor.lesson.model import Ask, KindSpec, Show, Training
from tutor.numbers import plain

if TYPE_CHECKING:
    from tutor.engine import Value
    from tutor.lesson.graph import Graph

MAX_TRAIN_STEPS = 100
MAX_PASSES = 10

# -- the types of a key -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeKey:
    """A node of the lesson's graph (``node = "d"``)."""


@dataclass(frozen=True, slots=True)
class InputKey:
    """A direct input of the step's `node` (``wrt = "c"``)."""


@dataclass(frozen=True, slots=True)
class OutputKey:
    """Another output: a node that reaches the lesson's output (``of = "L1"``)."""


@dataclass(frozen=True, slots=True)
class NumberKey:
    """A finite number; ``nonzero``: not 0; ``positive``: above 0, else this message
    (of the number given) follows the step's label."""

    nonzero: bool = False
    positive: Callable[[float], str] | None = None


@dataclass(frozen=True, slots=True)
class WholeKey:
    """A whole number from ``low`` to ``high``."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class FlagKey:
    """``true`` or ``false``."""


@dataclass(frozen=True, slots=True)
class ParametersKey:
    """No key of the file: the leaves a training step moves, the lesson's parameters
    (None: every leaf)."""


KeyType = NodeKey | InputKey | OutputKey | NumberKey | WholeKey | FlagKey | ParametersKey


def key(kind: object, default: Any = MISSING) -> Any:
    """A field of a step's class (an `Ask`, a `Show`) that is a key of the step, of the
    type ``kind`` (`NodeKey`, ...): required without a default."""
    return field(default=default, metadata={"key": kind})


def declared_keys(cls: type[Ask] | type[Show]) -> list[tuple[str, Any, bool]]:
    """A step class's keys, in order: (name, type, required)."""
    found = []
    for f in fields(cls):
        kind = f.metadata.get("key")
        if kind is not None:
            found.append((f.name, kind, _required(f)))
    return found


def _required(f: Field[Any]) -> bool:
    return f.default is MISSING and f.default_factory is MISSING


# -- the registry ---------------------------------------------------------------------

SPECS: dict[str, KindSpec] = {}
#: Each kind's `Ask` class, by name (the same order as `SPECS`).
ASKS: dict[str, type[Ask]] = {}

A = TypeVar("A", bound=type[Ask])


def declare(cls: A) -> A:
    """Declare a kind: its `Ask` class, with its spec and its keys."""
    spec = cls.spec
    if spec.name in SPECS:
        raise ValueError(f"question kind {spec.name!r} is declared twice")
    SPECS[spec.name] = spec
    ASKS[spec.name] = cls
    return cls


# -- the kinds ------------------------------------------------------------------------
# The order here is the order the loader lists them in a message.


def _descends(rate: float) -> str:
    # A step descends, as `train` and the training view do: p -= rate × its gradient.
    # It used to climb for a positive rate (p += rate × gradient), so a file written
    # then wrote a descent as a negative rate: say what changed.
    fix = f"write `rate = {plain(-rate)}`" if rate < 0 else "give a rate above 0"
    return (
        "a `step` descends now, as `train` and the training view do: every "
        "parameter moves by −rate × its gradient (p -= rate × grad), so `rate` is above "
        "0. Before, a step climbed (p += rate × grad) and a negative rate descended: "
        f"{fix} for the same descent. A step up the gradient is no longer asked"
    )


def _learning_rate(rate: float) -> str:
    return "a learning `rate` is above 0 (each step descends)"


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class ValueAsk(Ask):
    """``ask = "value"``: the forward value of ``node``."""

    spec = KindSpec("value", node_value=True)
    node: str = key(NodeKey())


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class GradAsk(Ask):
    """``ask = "grad"``: d output / d ``node`` (or d ``of`` / d ``node``)."""

    spec = KindSpec("grad", node_grad=True)
    node: str = key(NodeKey())
    of: str | None = key(OutputKey(), None)

    def answer(self, graph: Graph) -> float | None:
        if self.of is not None and self.of != graph.output.label:
            return None  # another output's graph is built by the check, not at load
        return graph.grad(self.node)


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class LocalAsk(Ask):
    """``ask = "local"``: d ``node`` / d ``wrt``, on one edge."""

    spec = KindSpec("local", form="any", expression=True, edge=True)
    node: str = key(NodeKey())
    wrt: str = key(InputKey())


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeAsk(Ask):
    """``ask = "nudge"``: the rise over run of the output when ``node`` moves by ``h``."""

    spec = KindSpec("nudge", rtol=1e-3, atol=1e-6)
    node: str = key(NodeKey())
    h: float = key(NumberKey(nonzero=True))

    def moved(self, graph: Graph) -> tuple[dict[Value, float], str] | None:
        node = graph.nodes[self.node]
        return {node: node.data + self.h}, f"nudging `{self.node}` by h = {plain(self.h)}"

    def answer(self, graph: Graph) -> float | None:
        from tutor.engine import EngineError, evaluate

        node = graph.nodes[self.node]
        try:
            nudged = evaluate(graph.output, {node: node.data + self.h})
        except EngineError:
            return None  # the nudge itself cannot be computed: reported as such
        return (nudged - graph.output.data) / self.h


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class StepAsk(Ask):
    """``ask = "step"``: the output after one gradient-descent step at ``rate``."""

    spec = KindSpec("step")
    rate: float = key(NumberKey(positive=_descends))
    moves: tuple[str, ...] | None = key(ParametersKey(), None)

    def moved(self, graph: Graph) -> tuple[dict[Value, float], str] | None:
        leaves = graph.leaves
        if self.moves is not None:  # the lesson's parameters only: the data stay
            leaves = {name: leaves[name] for name in self.moves if name in leaves}
        moved = {n: n.data - self.rate * n.grad for n in leaves.values()}  # gradient descent
        return moved, f"a gradient-descent step with rate {plain(self.rate)}"


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class TrainAsk(Ask):
    """``ask = "train"``: the loss, or a parameter (or its gradient, ``grad = true``),
    after ``steps`` updates at ``rate``."""

    spec = KindSpec("train", trains=True)
    rate: float = key(NumberKey(positive=_learning_rate))
    steps: int = key(WholeKey(1, MAX_TRAIN_STEPS))
    node: str | None = key(NodeKey(), None)
    zero_grad: bool = key(FlagKey(), True)
    #: The answer is the gradient the parameter ``node`` holds after the ``steps``
    #: updates (micrograd's ``p.grad`` after the loop).
    grad: bool = key(FlagKey(), False)
    #: The author means the training to get stuck on tanh's flat ends (a rate too
    #: bold), and the check holds it to that.
    saturates: bool = key(FlagKey(), False)
    moves: tuple[str, ...] | None = key(ParametersKey(), None)

    def training(self) -> Training:
        return Training(self.rate, self.steps, self.zero_grad, self.moves, self.saturates)


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class AccumulatedAsk(Ask):
    """``ask = "accumulated"``: a leaf's gradient after ``passes`` backward passes
    without zeroing."""

    spec = KindSpec("accumulated", leaf_node=True)
    node: str = key(NodeKey())
    passes: int = key(WholeKey(2, MAX_PASSES), 2)
    of: str | None = key(OutputKey(), None)

    def answer(self, graph: Graph) -> float | None:
        if self.of is not None and self.of != graph.output.label:
            return None  # another output's graph is built by the check, not at load
        return self.passes * graph.grad(self.node)


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class CountAsk(Ask):
    """``ask = "count"``: how many parameters the model has."""

    spec = KindSpec("count", counts_parameters=True)
    moves: tuple[str, ...] | None = key(ParametersKey(), None)


@declare
@dataclass(frozen=True, slots=True, kw_only=True)
class BackwardAsk(Ask):
    """``ask = "backward"``: the ``_backward`` body of the op that makes ``node``."""

    spec = KindSpec("backward", form="code", op_node=True)
    node: str = key(NodeKey())


VALUE = ValueAsk.spec
GRAD = GradAsk.spec
LOCAL = LocalAsk.spec
NUDGE = NudgeAsk.spec
STEP = StepAsk.spec
TRAIN = TrainAsk.spec
ACCUMULATED = AccumulatedAsk.spec
COUNT = CountAsk.spec
BACKWARD = BackwardAsk.spec
