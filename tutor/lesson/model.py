"""The lesson model: what a lesson file says, checked and typed (lessons/FORMAT.md)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from tutor.expr import Assignment

if TYPE_CHECKING:
    from tutor.engine import Value

FORMS = ("number", "expression", "any", "code")

# The defaults of what a file may leave out (lessons/FORMAT.md), here only: the
# loader fills them in from these.
PASS_MARK = 0.7  # `pass`: the fraction of the points that passes a lesson
POINTS = 1.0  # a question's `points`
RTOL, ATOL = 1e-6, 1e-9  # a question's tolerance, unless its kind says otherwise


@dataclass(frozen=True, slots=True)
class LessonError:
    """One problem in a lesson file, reported as ``PATH:LINE: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class LessonLoadError(Exception):
    """A lesson file that cannot be used; ``errors`` holds every problem found."""

    def __init__(self, errors: list[LessonError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Say:
    text: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class ShowSpec:
    """What a kind of ``show`` step means to the app (``show = NAME``).

    Its keys are the fields of its `Show` class (`tutor.lesson.shows`)."""

    name: str
    #: It has a panel of its own beside the text (a derivation, a plot).
    panel: bool = False
    #: It is worked out by SymPy (a derivation): the app warms it up.
    symbolic: bool = False
    #: It opens the training view.
    trains: bool = False
    #: Its `node` must be a leaf (an input).
    leaf_node: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Show:
    """What every ``show`` step has. Each kind is a subclass (`tutor.lesson.shows`)
    whose fields are the keys of its step, typed, and whose ``spec`` says the rest."""

    spec: ClassVar[ShowSpec]
    line: int | None = None

    @property
    def what(self) -> str:
        """The kind's name, as the file writes it (``show = "plot"``)."""
        return self.spec.name

    def describe(self, lesson: Lesson, output: str) -> str:
        """The step's text in the app."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What a kind of question means to the lesson around it (``ask = NAME``).

    Its keys are not here: they are the fields of its `Ask` class
    (`tutor.lesson.kinds`), each with its type and bounds.
    """

    name: str
    #: The ``form`` when the step gives none, and whether ``form = "expression"``
    #: (an answer in the node names) is allowed.
    form: str = "number"
    expression: bool = False
    #: The tolerance when the step gives none.
    rtol: float = RTOL
    atol: float = ATOL
    #: The answer is the asked node's forward value, as the graph shows it: the
    #: graph hides that value while the question is open.
    node_value: bool = False
    #: The answer is the asked node's gradient, as the graph shows it: answered or
    #: revealed, the graph shows it from then on.
    node_grad: bool = False
    #: The answer is the local derivative d node / d wrt on one edge: the graph
    #: marks `wrt` too, and a derivation of that edge gives the answer.
    edge: bool = False
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


@dataclass(frozen=True, slots=True)
class Training:
    """What a training question trains: ``steps`` updates at ``rate``."""

    rate: float
    steps: int
    zero_grad: bool = True
    #: The leaves it moves: the lesson's parameters (None: every leaf).
    moves: tuple[str, ...] | None = None
    #: The author means the training to get stuck on tanh's flat ends.
    saturates: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Ask:
    """What every question has. Each kind is a subclass (`tutor.lesson.kinds`) whose
    fields are the keys of its ``ask`` step, typed, and whose ``spec`` says the rest."""

    spec: ClassVar[KindSpec]
    prompt: str | None = None
    hints: tuple[str, ...] = ()
    form: str = "number"
    rtol: float = RTOL
    atol: float = ATOL
    points: float = POINTS
    line: int | None = None
    #: The number of decimal places asked for; when set it is the tolerance
    #: (half a unit of the last place), and ``rtol``/``atol`` are not used.
    decimals: int | None = None

    @property
    def kind(self) -> str:
        """The kind's name, as the file writes it (``ask = "grad"``)."""
        return self.spec.name

    # What a question is about, for code that serves every kind; a kind whose step
    # names these keys has them as fields.
    @property
    def node(self) -> str | None:
        """The node the question is about, if one."""
        return None

    @property
    def wrt(self) -> str | None:
        """The input of `node` a local derivative is taken with respect to, if one."""
        return None

    @property
    def of(self) -> str | None:
        """Another node than the lesson's output whose gradient is asked, if one."""
        return None

    def moved(self, graph: Any) -> tuple[dict[Value, float], str] | None:
        """For a question that moves values (a nudge, a step): the values it moves the
        graph's to, and those moves in words; None for the others."""
        return None

    def answer(self, graph: Any) -> float | None:
        """The answer, where it can overflow though every forward value is finite (a
        gradient, a difference quotient): the loader refuses one that is not finite.
        None where it is not known cheaply at load (the check computes it)."""
        return None

    def training(self) -> Training | None:
        """For a training question: what it trains; None for the others."""
        return None


Step = Say | Show | Ask

#: What an answer test expects (``expect = ...`` in ``[[tests]]``, or ``=> ...`` in an
#: answers file), and the verdict status each stands for (`tutor.status`).
EXPECTS = {"right": "correct", "wrong": "incorrect", "not-understood": "not-understood"}


@dataclass(frozen=True, slots=True)
class AnswerTest:
    """One ``[[tests]]`` entry: an answer to a question and the verdict it must get.

    ``question`` counts the lesson's questions from 0; ``expect`` is a key of
    `EXPECTS`; ``diagnosis`` (with ``wrong``) is a mistake id (``wrong-sign``) or a
    piece of the feedback the verdict must hold; ``seed`` is the quiz variant
    (0: the file's numbers) the answer is graded at.
    """

    question: int
    answer: str
    expect: str
    diagnosis: str | None = None
    seed: int = 0
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Range:
    """``{min, max, step}``: the values min, min + step, ... up to max."""

    min: Fraction
    max: Fraction
    step: Fraction

    def values(self) -> list[Fraction]:
        count = int((self.max - self.min) / self.step)
        return [self.min + k * self.step for k in range(count + 1)]

    def draw(self, rng: random.Random) -> Fraction:
        """One value at random, without building the list of all of them.

        Draws the same value as ``rng.choice(self.values())`` would.
        """
        count = int((self.max - self.min) / self.step) + 1
        return self.min + rng.randrange(count) * self.step


@dataclass(frozen=True, slots=True)
class Choices:
    choices: tuple[Fraction, ...]

    def values(self) -> list[Fraction]:
        return list(self.choices)

    def draw(self, rng: random.Random) -> Fraction:
        return rng.choice(self.choices)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    path: Path
    steps: tuple[Step, ...]
    summary: str = ""
    order: int | None = None
    assignments: tuple[Assignment, ...] = ()
    output: str | None = None
    vary: dict[str, Range | Choices] = field(default_factory=dict)
    pass_mark: float = PASS_MARK
    #: File lines (1-based) of the `id` key and of the graph script's first line,
    #: so that later checks can point at PATH:LINE.
    id_line: int | None = None
    graph_line: int = 1
    #: For each step, the file line of each of its keys (``{"prompt": 31, ...}``).
    step_lines: tuple[dict[str, int], ...] = ()
    #: The leaves a training step moves (``parameters``, or a model's); None: every leaf.
    parameters: tuple[str, ...] | None = None
    #: The file line of ``[model]`` when a model block wrote the graph script (its
    #: generated lines have no line of their own in the file).
    model_line: int | None = None
    #: The answer tests (``[[tests]]``): `tutor check` and `tutor run --expect` run them.
    tests: tuple[AnswerTest, ...] = ()

    def key_line(self, step: Step, key: str) -> int | None:
        """The file line of ``key`` in ``step``, else the step's own line."""
        for index, candidate in enumerate(self.steps):
            if candidate is step and index < len(self.step_lines):
                return self.step_lines[index].get(key, step.line)
        return step.line

    def line_of(self, name: str) -> int | None:
        """The file line where the graph assigns ``name``."""
        if self.model_line is not None:
            return self.model_line if name in self.names else None
        for a in self.assignments:
            if a.name == name:
                return self.graph_line + a.line - 1
        return None

    @property
    def questions(self) -> list[Ask]:
        return [step for step in self.steps if isinstance(step, Ask)]

    @property
    def has_graph(self) -> bool:
        return bool(self.assignments)

    @property
    def leaves(self) -> dict[str, Fraction]:
        """The file's own leaf values, by name."""
        return {a.name: a.value for a in self.assignments if a.is_leaf}

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.assignments]

    def assignment(self, name: str) -> Assignment:
        for a in self.assignments:
            if a.name == name:
                return a
        raise KeyError(name)
