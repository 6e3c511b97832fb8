"""The lesson model: what a lesson file says, checked and typed (lessons/FORMAT.md)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from tutor.expr import Assignment
from tutor.lesson.kinds import SPECS, KindSpec

SHOW_KINDS = ("graph", "derivation", "plot", "training")
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
class Show:
    what: str  # "graph" | "derivation" | "plot"
    node: str | None = None
    wrt: str | None = None
    range: tuple[float, float] | None = None
    h: float | None = None
    line: int | None = None
    #: ``show = "training"``: the learning rate, whether each step zeroes the
    #: gradients, and other rates to compare on the same curve.
    rate: float | None = None
    zero_grad: bool = True
    compare: tuple[float, ...] = ()
    #: Beside the training, the same one with the other `zero_grad` (a second curve).
    compare_zeroing: bool = False


@dataclass(frozen=True, slots=True)
class Ask:
    kind: str  # the name of a declared kind (`tutor.lesson.kinds.SPECS`)
    node: str | None = None
    wrt: str | None = None
    h: float | None = None
    rate: float | None = None
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
    #: Another node than the lesson's output whose gradient is asked (``of = "L1"``).
    of: str | None = None
    #: Training questions: how many steps (``train``) or backward passes (``accumulated``),
    #: and whether each step zeroes the gradients first.
    steps: int | None = None
    passes: int | None = None
    zero_grad: bool = True
    #: The leaves a step or training moves: the lesson's parameters (None: every leaf).
    moves: tuple[str, ...] | None = None
    #: ``train`` with ``grad = true``: the answer is the gradient the parameter ``node``
    #: holds after the ``steps`` updates (micrograd's ``p.grad`` after the loop).
    grad: bool = False
    #: ``train`` with ``saturates = true``: the author means the training to get stuck
    #: on tanh's flat ends (a rate too bold), and the check holds it to that.
    saturates: bool = False

    @property
    def spec(self) -> KindSpec:
        """What this question's kind declares: its keys, defaults, what it hides."""
        return SPECS[self.kind]


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
