"""The kinds of question a lesson may ask, as a lesson file declares them.

This module and `tutor.check.kinds` are the question-kind registry, one half per
layer, and the only places that know the kinds one by one. Here each kind is one
`KindSpec`: its name (``ask = "grad"``), the keys its ``ask`` step takes and their
defaults, and what the lesson around the question must know of it: what the
graph keeps hidden, which values the question moves. The loader reads only this
half, so loading a lesson needs nothing from `tutor.check`. There, each kind is
one class, registered with its spec: how its answer is computed, its exact value,
its finite-difference check, its known mistakes, its prompt, hints and
explanation. `tutor.check.kinds` says how to add a kind.

Code elsewhere never compares a kind's name: it asks the spec (``ask.spec``) or
the class (``question.rules``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutor.numbers import plain

if TYPE_CHECKING:
    from tutor.engine import Value
    from tutor.lesson.graph import Graph
    from tutor.lesson.model import Ask

#: What a question moves the graph's values to, and those moves in words
#: (``nudging `x` by h = 0.001``): each moved value must be computable. None when
#: the step lacks what it moves by (an error the loader reports already).
Moves = Callable[["Ask", "Graph"], tuple[dict["Value", float], str] | None]
#: The number a question's answer is, where it can overflow though every forward
#: value is finite (a gradient, a difference quotient): the loader refuses a question
#: whose answer is not finite. None where it is not known cheaply here (the check's
#: own computation then refuses it: `tutor.check.question.prepare`).
Answer = Callable[["Ask", "Graph"], float | None]


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One kind of question as a lesson file writes it (``ask = NAME``)."""

    name: str
    #: The keys an ``ask`` step of this kind must have, besides ``ask`` and the keys
    #: every question takes (``prompt``, ``hints``, ``form``, ``rtol``, ...).
    needs: tuple[str, ...]
    #: The ``form`` when the step gives none, and whether ``form = "expression"``
    #: (an answer in the node names) is allowed.
    form: str = "number"
    expression: bool = False
    #: The tolerance when the step gives none.
    rtol: float = 1e-6
    atol: float = 1e-9
    #: The answer is the asked node's forward value, as the graph shows it: the
    #: graph hides that value while the question is open.
    node_value: bool = False
    #: The answer is the asked node's gradient, as the graph shows it: answered or
    #: revealed, the graph shows it from then on.
    node_grad: bool = False
    #: The answer is the local derivative d node / d wrt on one edge: the graph
    #: marks `wrt` too, and a derivation of that edge gives the answer.
    edge: bool = False
    #: For a question that moves values (a nudge, a step): the values it moves to.
    moves: Moves | None = None
    #: For a question whose answer may overflow in backward() or a quotient: the answer.
    answer: Answer | None = None
    #: Keys the step may have besides `needs` (``of``, ``zero_grad``, ``passes``).
    optional: tuple[str, ...] = ()
    #: The answer comes from training (``rate`` above 0, ``steps`` updates): the loader
    #: checks its node is the output or a parameter, and that the training can be
    #: computed at the lesson's numbers.
    trains: bool = False
    #: The asked node must be a leaf (gradients accumulate in the leaves).
    leaf_node: bool = False
    #: The answer counts the lesson's parameters: it must declare some.
    counts_parameters: bool = False
    #: The answer is code: the ``_backward`` body of the op that makes the asked node
    #: (``form = "code"``); the node must be made by one op the tutor asks that of
    #: (`tutor.expr.backward.METHODS`).
    op_node: bool = False


SPECS: dict[str, KindSpec] = {}


def declare(spec: KindSpec) -> KindSpec:
    if spec.name in SPECS:
        raise ValueError(f"question kind {spec.name!r} is declared twice")
    SPECS[spec.name] = spec
    return spec


def _nudged(ask: Ask, graph: Graph) -> tuple[dict[Value, float], str] | None:
    if ask.node is None or ask.h is None:
        return None
    node = graph.nodes[ask.node]
    return {node: node.data + ask.h}, f"nudging `{ask.node}` by h = {plain(ask.h)}"


def _stepped(ask: Ask, graph: Graph) -> tuple[dict[Value, float], str] | None:
    if ask.rate is None:
        return None
    leaves = graph.leaves
    if ask.moves is not None:  # the lesson's parameters only: the data stay
        leaves = {name: leaves[name] for name in ask.moves if name in leaves}
    moved = {n: n.data - ask.rate * n.grad for n in leaves.values()}  # gradient descent
    return moved, f"a gradient-descent step with rate {plain(ask.rate)}"


def _grad(ask: Ask, graph: Graph) -> float | None:
    if ask.node is None or (ask.of is not None and ask.of != graph.output.label):
        return None  # another output's graph is built by the check, not at load
    return graph.grad(ask.node)


def _accumulated(ask: Ask, graph: Graph) -> float | None:
    grad = _grad(ask, graph)
    return None if grad is None else (ask.passes or 2) * grad


def _rise(ask: Ask, graph: Graph) -> float | None:
    from tutor.engine import EngineError, evaluate

    if ask.node is None or not ask.h:
        return None
    node = graph.nodes[ask.node]
    try:
        nudged = evaluate(graph.output, {node: node.data + ask.h})
    except EngineError:
        return None  # the nudge itself cannot be computed: reported as such
    return (nudged - graph.output.data) / ask.h


# The order here is the order the loader lists them in a message.
# fmt: off
VALUE = declare(KindSpec("value", ("node",), node_value=True))
GRAD = declare(
    KindSpec("grad", ("node",), node_grad=True, optional=("of",), answer=_grad)
)
LOCAL = declare(KindSpec("local", ("node", "wrt"), form="any", expression=True, edge=True))
NUDGE = declare(
    KindSpec("nudge", ("node", "h"), rtol=1e-3, atol=1e-6, moves=_nudged, answer=_rise)
)
STEP = declare(KindSpec("step", ("rate",), moves=_stepped))
TRAIN = declare(
    KindSpec(
        "train",
        ("rate", "steps"),
        optional=("node", "zero_grad", "grad", "saturates"),
        trains=True,
    )
)
ACCUMULATED = declare(
    KindSpec(
        "accumulated", ("node",), optional=("passes", "of"), leaf_node=True, answer=_accumulated
    )
)
COUNT = declare(KindSpec("count", (), counts_parameters=True))
BACKWARD = declare(KindSpec("backward", ("node",), form="code", op_node=True))
# fmt: on
