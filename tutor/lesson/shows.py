"""The kinds of ``show`` step, declared as the question kinds are (`tutor.lesson.kinds`).

Each kind is one frozen `Show` subclass, decorated with `declare_show`, whose ``spec``
is its `ShowSpec` (its name, ``show = "plot"``, and what the app does with it) and
whose fields are the keys its step takes, each typed and bounded with `key`. The
loader reads a step from that declaration alone; code elsewhere asks the step's type
or its spec, never its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from tutor.lesson.kinds import (
    FlagKey,
    InputKey,
    NodeKey,
    NumberKey,
    key,
)
from tutor.lesson.model import Lesson, Show, ShowSpec

#: The learning rate of a training view that gives none.
RATE = 0.05
#: Other rates a training view compares, at most.
MAX_COMPARE = 4


@dataclass(frozen=True, slots=True)
class RangeKey:
    """``[MIN, MAX]``, two finite numbers with MIN < MAX."""


@dataclass(frozen=True, slots=True)
class RatesKey:
    """A list of at most ``most`` learning rates, each above 0."""

    most: int


SHOWS: dict[str, type[Show]] = {}

S = TypeVar("S", bound=type[Show])


def declare_show(cls: S) -> S:
    """Declare a kind of ``show`` step: its `Show` class, with its spec and its keys."""
    name = cls.spec.name
    if name in SHOWS:
        raise ValueError(f"show kind {name!r} is declared twice")
    SHOWS[name] = cls
    return cls


def _learning_rate(rate: float) -> str:
    return "a learning `rate` is above 0 (each step descends)"


@declare_show
@dataclass(frozen=True, slots=True, kw_only=True)
class GraphShow(Show):
    """``show = "graph"``: the expression graph."""

    spec = ShowSpec("graph")

    def describe(self, lesson: Lesson, output: str) -> str:
        return "The expression graph."


@declare_show
@dataclass(frozen=True, slots=True, kw_only=True)
class DerivationShow(Show):
    """``show = "derivation"``: d ``node`` / d ``wrt`` from the limit definition."""

    spec = ShowSpec("derivation", panel=True, symbolic=True)
    node: str = key(NodeKey())
    wrt: str = key(InputKey())

    def describe(self, lesson: Lesson, output: str) -> str:
        return f"Deriving d{self.node}/d{self.wrt} from the limit definition."


@declare_show
@dataclass(frozen=True, slots=True, kw_only=True)
class PlotShow(Show):
    """``show = "plot"``: the output as a function of the leaf ``node`` over ``range``,
    with the slope by a nudge of ``h`` where given."""

    spec = ShowSpec("plot", panel=True, leaf_node=True)
    node: str = key(NodeKey())
    range: tuple[float, float] = key(RangeKey())
    h: float | None = key(NumberKey(nonzero=True), None)

    def describe(self, lesson: Lesson, output: str) -> str:
        return f"{output} as a function of {self.node}."


@declare_show
@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingShow(Show):
    """``show = "training"``: the training view, at ``rate``, zeroing the gradients or
    not, with other rates on the same curve (``compare``) and, with
    ``compare_zeroing``, the same training with the other zeroing beside it."""

    spec = ShowSpec("training", trains=True)
    rate: float = key(NumberKey(positive=_learning_rate), RATE)
    zero_grad: bool = key(FlagKey(), True)
    compare: tuple[float, ...] = key(RatesKey(MAX_COMPARE), ())
    compare_zeroing: bool = key(FlagKey(), False)

    @property
    def rates(self) -> tuple[float, ...]:
        """Every rate the view shows: its own first."""
        return (self.rate, *self.compare)

    def describe(self, lesson: Lesson, output: str) -> str:
        """The step's text: what is trained, and how to open the view."""
        rate = f"{self.rate:g}"
        what = "its parameters" if lesson.parameters is not None else "every leaf"
        zero = (
            "" if self.zero_grad else ", **without zeroing the gradients** before each backward()"
        )
        compare = ""
        if self.compare:
            rates = [f"{r:g}" for r in self.compare]
            others = rates[0] if len(rates) == 1 else ", ".join(rates[:-1]) + " and " + rates[-1]
            word = "rate" if len(rates) == 1 else "rates"
            compare = f" Beside it, the same training at {word} {others}, from the same start."
        if self.compare_zeroing:
            other = "without zeroing the gradients" if self.zero_grad else "zeroing the gradients"
            compare += f" Beside it, the same training {other} before each backward()."
        return (
            f"Gradient descent on `{output}`, moving {what} at rate {rate}{zero}.{compare}\n\n"
            "Press **Enter** to open the training view: step, run, pause and start again "
            "there. Its step N is after N updates: the loss shown then is the loss after "
            "them. Esc comes back here, and Enter then goes on."
        )
