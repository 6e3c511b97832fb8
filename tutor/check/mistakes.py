"""Known wrong turns: what a mistake is, and the mistakes believed at one op.

A question kind lists the mistakes a student makes on its question
(`tutor.check.kinds`). Some belong to an op rather than to a kind: a product's
local derivatives swapped, tanh's slope computed from its input, a power's factor
dropped (the square's 2), an activation's slope left out (`SKIPPED`). They are
written once here, in `OP_MISTAKES` and `SKIPPED`, and every kind whose answer goes
through local derivatives (a gradient, a local derivative) diagnoses them wherever
the op stands: at one node, and (`OpMistake.on_all`) at every node of the op on the
way, as a student who believes a rule applies it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import tutor.check.quantities as q
from tutor.engine import Value
from tutor.engine.ops import MUL, POW, SIGMOID, TANH
from tutor.lesson import Graph
from tutor.numbers import short

Quantity = Callable[[Graph], float]


class Answered(Protocol):
    """What a mistake known to every question needs of it (a `Question`)."""

    @property
    def at(self) -> Quantity: ...


@dataclass(frozen=True)
class Mistake:
    """A known wrong turn: ``at(graph)`` is the answer it gives there.

    ``names`` are the quantities the explanation tells the wrong answer is made
    of, as `keys` of questions (``("local", "d", "c")`` for "that is dd/dc"): a
    mistake that would tell the answer of a question still to come is not used.
    """

    code: str
    at: Quantity
    explain: str
    edge: tuple[str, str] | None = None
    names: tuple[tuple[object, ...], ...] = ()
    #: A finite nudge taken for the exact slope, or the other way round: close to
    #: the answer by nature, so at a coarse tolerance it may be graded right.
    approximates: bool = False


def wrong_sign(question: Answered) -> Mistake:
    """The right size with the wrong sign: known to every kind of question."""
    return Mistake(
        "wrong-sign",
        lambda g: -question.at(g),
        "the size is right but the sign is wrong. Check the sign of each factor on the way.",
    )


@dataclass(frozen=True)
class OpMistake:
    """A wrong local derivative believed at every node of one op.

    ``rule`` replaces the op table's local derivatives there (same signature as
    `Op.local`). Its words: ``on_path(graph, node)`` for a gradient whose chain
    crosses ``node``; ``on_edge(name, wrt, node, root)`` for the local derivative
    d name / d wrt, whose expression (rooted at ``root``) holds ``node``.
    """

    code: str
    rule: q.LocalRule
    on_path: Callable[[Graph, Value], str]
    on_edge: Callable[[str, str, Value, Value], str]
    #: The same belief at every node of the op on the way (a student who believes a rule
    #: believes it everywhere), in words, given the nodes' owners; None: not diagnosed so.
    on_all: Callable[[list[str]], str] | None = None


def _operands(node: Value) -> str:
    a, b = (x.label or short(x.data) for x in node.inputs)
    return f"{a} * {b}"


def _tanh_input(output: str | None, given: str | None) -> str:
    """The tanh-input mistake in words, without writing the derivative out (it may be
    the answer of a question to come)."""
    which = f" (`{output}` = tanh({given}))" if output and given else ""
    return (
        f"tanh's local derivative is computed from its *output*{which}, not from its "
        "input: squaring the input gives a different number."
    )


def _tanh_on_edge(name: str, wrt: str, node: Value, root: Value) -> str:
    direct = node is root and node.inputs[0].label == wrt
    return _tanh_input(name, wrt) if direct else _tanh_input(None, None)


#: The op-specific mistakes, by op name, in the order they are diagnosed.
OP_MISTAKES: dict[str, OpMistake] = {
    MUL.name: OpMistake(
        "swapped-operand",
        q.swapped_product,
        lambda graph, node: (
            f"at the product {_operands(node)}, the local derivative with respect to one "
            f"factor is the *other* factor; a factor's own value was used instead."
        ),
        lambda name, wrt, node, root: (
            f"the derivative of a product with respect to one factor is the *other* "
            f"factor, not {wrt} itself."
        ),
    ),
    TANH.name: OpMistake(
        "tanh-input",
        q.tanh_of_input,
        lambda graph, node: _tanh_input(node.label, node.inputs[0].label),
        _tanh_on_edge,
        lambda owners: (
            f"at every tanh on the way ({listed(owners)}), tanh's local derivative is "
            "computed from its *output*, not from its input: squaring the input gives a "
            "different number."
        ),
    ),
    POW.name: OpMistake(
        "power-factor",
        q.power_without_factor,
        lambda graph, node: (
            f"at the {_power(node)} in {q.owner(graph, node)} = {_definition(graph, node)}, "
            f"the power rule's factor {_exponent(node)} was dropped: the derivative of "
            f"u**{_exponent(node)} has {_exponent(node)} in front."
        ),
        lambda name, wrt, node, root: (
            f"the power rule's factor {_exponent(node)} was dropped: the derivative of "
            f"u**{_exponent(node)} has {_exponent(node)} in front."
        ),
        lambda owners: (
            f"the power rule's factor was dropped at every power on the way "
            f"({listed(owners)}): the derivative of u**p has the exponent p in front (the "
            "square's 2)."
        ),
    ),
}


def _skipped(name: str) -> OpMistake:
    """``name``'s local derivative left out of the chain, in its words."""

    def on_path(graph: Graph, node: Value) -> str:
        return (
            f"{name}'s local derivative at {node.label or q.owner(graph, node)} = "
            f"{name}({node.inputs[0].label or '…'}) was left out of the chain: the backward "
            f"pass multiplies by it on the way through {name}."
        )

    def on_edge(_name: str, _wrt: str, _node: Value, _root: Value) -> str:
        return (
            f"{name}'s local derivative is not 1: {name} bends, so its output does not move "
            "as much as its input."
        )

    def on_all(owners: list[str]) -> str:
        return (
            f"{name}'s local derivative was left out at every {name} on the way "
            f"({listed(owners)}): the backward pass multiplies by it at each."
        )

    return OpMistake("activation-skipped", q.skipped, on_path, on_edge, on_all)


#: An activation's local derivative left out of the chain (taken as 1), as if the
#: activation were not there on the way back: by op, diagnosed like `OP_MISTAKES`.
SKIPPED: dict[str, OpMistake] = {op.name: _skipped(op.name) for op in (TANH, SIGMOID)}


def _power(node: Value) -> str:
    return "square" if node.param == 2 else "power"


def _exponent(node: Value) -> str:
    return short(node.param) if node.param is not None else "p"


def _definition(graph: Graph, node: Value) -> str:
    from tutor.expr import to_text

    owner = q.owner(graph, node)
    return to_text(graph.definitions[owner]) if owner in graph.definitions else owner


def listed(owners: list[str], most: int = 4) -> str:
    """Names in a list, the first ``most`` of them written out."""
    shown = ", ".join(owners[:most])
    return shown + (f" and {len(owners) - most} more" if len(owners) > most else "")
