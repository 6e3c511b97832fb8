"""A question made ready to grade: expected answer, likely mistakes, hints.

Everything is computed from the graph, never written per lesson: the expected
answer, the wrong answers that a known mistake would give (each naming the edge
of the graph involved), and the chain-rule hints with the numbers. What differs
from one kind of question to another is its kind's class (`tutor.check.kinds`),
``question.rules``; this module holds what every question shares.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Set
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from tutor.check.finite import Estimate
from tutor.check.mistakes import Mistake, Quantity
from tutor.check.verdict import Verdict
from tutor.engine import topo_order
from tutor.expr import evaluate, names, parse
from tutor.lesson import Ask, Graph, GraphError, Lesson, build_graph, fill
from tutor.lesson.graph import not_finite, of_graph
from tutor.lesson.model import KindSpec
from tutor.numbers import full, short

MAX_DIAGNOSED_NODES = 2_000
"""Graphs up to this many nodes get mistake diagnoses; larger ones are only graded."""

NEIGHBOURS = 5  # extra points at which an expression answer is tested
MAX_EXAMPLE_TRIES = 60  # candidate example expressions looked at
#: Units of the last asked decimal place that working from the screen's rounded
#: numbers may move an answer; beyond this the places are out of reach.
MAX_ALLOWANCE = 10
#: How a number answer may be written, for examples (the first three that are no answer).
NUMBER_EXAMPLES = ("-2", "0.5", "1/2", "-3", "1.5", "-0.25", "2/3", "4", "0.125", "-3/4")


@dataclass(frozen=True)
class Source:
    """One number the student may work from: a node's value or gradient, and how far
    what the student has may be from the true number (`tutor.check.shown`)."""

    what: str  # "value", "grad", or "answer": the asked number itself, as a view shows it
    node: str
    error: float


#: A quantity a question asks for, as the kind's name and what it is about:
#: ``("grad", "d")``, ``("local", "d", "c")`` (see `Mistake.names`).
Key = tuple[object, ...]


class Rules(Protocol):
    """What a kind of question means for grading: the interface of its class
    (`tutor.check.kinds.Kind`, where each method is described)."""

    @property
    def spec(self) -> KindSpec: ...
    @property
    def name(self) -> str: ...
    @property
    def kinks_matter(self) -> bool: ...
    @property
    def graded_exactly(self) -> bool: ...
    @property
    def from_screen(self) -> bool: ...

    def quantity(self, ask: Any, out: str) -> tuple[Quantity, str]: ...
    def keys(self, ask: Any, graph: Graph) -> set[Key]: ...
    def formula(self, question: Question) -> Any: ...
    def edges(self, question: Question) -> list[tuple[str, str]]: ...
    def derivative(self, ask: Any, out: str) -> tuple[str, str] | None: ...
    def exact(self, question: Question) -> float: ...
    def finite(self, question: Question) -> Estimate | None: ...
    def mistakes(self, question: Question) -> list[Mistake]: ...
    def prompt(self, question: Question) -> str: ...
    def hints(self, question: Question) -> list[str]: ...
    def explain(self, question: Question) -> list[str]: ...
    def allowance(self, question: Question) -> float: ...
    def grad_sensitivity(self, question: Question, node: str, held: Set[str]) -> float: ...
    def screen_sources(self, question: Question) -> list[Source]: ...
    def grade_text(self, question: Question, text: str) -> Verdict | None: ...
    def answer_text(self, question: Question) -> str | None: ...
    def code_lines(self, question: Question) -> list[str] | None: ...
    def self_check(self, question: Question) -> list[str]: ...


#: Each kind's one class instance, by name: `tutor.check.kinds` registers them (the
#: package imports it, so they are here before any question is made).
KINDS: dict[str, Rules] = {}


def kind_of(ask: Ask) -> Rules:
    """The kind of ``ask``; an undeclared name (never from the loader) is an error."""
    try:
        return KINDS[ask.kind]
    except KeyError:
        raise ValueError(f"no question kind {ask.kind!r}; see tutor.check.kinds") from None


A = TypeVar("A", bound=Ask)


@dataclass
class Question(Generic[A]):
    """One ``ask`` step of a lesson, at one variant of its numbers (its kind's `Ask`
    class: ``Question[NudgeAsk]`` has the nudge's ``h``)."""

    lesson: Lesson
    ask: A
    index: int  # among the lesson's questions, from 0
    graph: Graph
    at: Quantity  # the expected answer at any variant of the numbers
    symbol: str  # how the quantity is written: "dL/dd", "L after the step", ...
    mistakes: list[Mistake] = field(default_factory=list)
    _values: dict[Quantity, list[float]] = field(default_factory=dict, repr=False)

    @property
    def kind(self) -> str:
        return self.ask.kind

    @property
    def rules(self) -> Rules:
        """Everything particular to this question's kind (`tutor.check.kinds`)."""
        return kind_of(self.ask)

    @property
    def node(self) -> str | None:
        return self.ask.node

    @property
    def wrt(self) -> str | None:
        return self.ask.wrt

    @property
    def output(self) -> str:
        return self.graph.output.label

    @cached_property
    def expected(self) -> float:
        return self.at(self.graph)

    @property
    def expected_text(self) -> str:
        return full(self.expected)

    @property
    def form(self) -> str:
        return self.ask.form

    @property
    def prompt(self) -> str:
        text = fill(self.ask.prompt or self.rules.prompt(self), self.graph.values())
        if self.decimals is not None and asked_places(text) is None:
            how = "as a whole number" if self.decimals == 0 else f"to {places(self.decimals)}"
            text = f"{text.rstrip()} Give it {how}."
        return text

    @cached_property
    def hints(self) -> list[str]:
        own = [fill(h, self.graph.values()) for h in self.ask.hints]
        return own + self.rules.hints(self)

    @cached_property
    def neighbours(self) -> list[Graph]:
        """Nearby variants of the numbers, where expression answers are also tested."""
        return neighbour_graphs(self.lesson, self.graph, seed=self.index)

    @cached_property
    def points(self) -> list[Graph]:
        """Where answers are compared: the current numbers first, then nearby ones."""
        return [self.graph, *self.neighbours]

    def values_at(self, quantity: Quantity, count: int | None = None) -> list[float]:
        """A quantity (the expected answer, or a mistake's) at the first ``count`` points
        (default: every one), each computed once.

        A number is compared at the current numbers only (``count`` 1): then neither the
        nearby points nor the quantity there are computed; what was computed stays for
        the next call. A point where the quantity cannot be computed gives NaN, which
        matches nothing.
        """
        found = self._values.setdefault(quantity, [])
        wanted = len(self.points) if count is None else count
        if len(found) < wanted:
            points = [self.graph] if wanted == 1 else self.points
            found.extend(safely(quantity, g) for g in points[len(found) : wanted])
        return found[:wanted]

    @cached_property
    def is_constant(self) -> bool:
        """True when the expected answer is the same at every nearby point (e.g. 1)."""
        return all(
            abs(self.at(g) - self.expected) <= 1e-12 * max(1.0, abs(self.expected))
            for g in self.neighbours
        )

    @cached_property
    def formula(self):
        """For a question answered with an expression (a local derivative): the
        expected answer as a SymPy expression of the node names (``f``, ``1 - o**2``)."""
        return self.rules.formula(self)

    @property
    def edges(self) -> list[tuple[str, str]]:
        """The edges (node, wrt) whose local derivative a student may derive while
        this question is open."""
        return self.rules.edges(self)

    @property
    def expected_answer(self) -> float | str:
        """What `tutor run --json` reports: the formula for an expression question
        (a local derivative), else a number."""
        text = self.rules.answer_text(self)
        if text is not None:
            return text
        if self.formula is not None:
            return str(self.formula)
        return self.expected

    @cached_property
    def symbolic_expected(self) -> float | None:
        """The symbolic source's exact answer at these numbers, to grade against too
        (None for the kinds that are finite computations rather than derivatives:
        `Kind.graded_exactly`)."""
        rules = self.rules
        return rules.exact(self) if rules.graded_exactly else None

    @property
    def decimals(self) -> int | None:
        return self.ask.decimals

    @cached_property
    def allowance(self) -> float:
        """For a question asking for N decimal places, its rounding band: how far the
        answer moves when it is worked from the numbers the screen shows, not from the
        hidden digits (`tutor.check.shown.band`)."""
        if self.decimals is None:
            return 0.0
        return self.rules.allowance(self)

    @property
    def out_of_reach(self) -> bool:
        """True when the N asked decimal places cannot be had from the screen's numbers:
        worked from them, the answer moves by more than `MAX_ALLOWANCE` units of the
        N-th place (the place before it is then in doubt)."""
        if self.decimals is None:
            return False
        return self.allowance * 10.0**self.decimals > MAX_ALLOWANCE

    def tolerance(self, expected: float) -> float:
        """How far an answer may be from ``expected`` and still count as it.

        With ``decimals = N``: half a unit of the N-th decimal place, plus the
        `allowance` for a student working from the rounded numbers on the screen;
        otherwise ``atol + rtol × |expected|``.
        """
        if self.decimals is not None:
            half = 0.5 * 10.0**-self.decimals
            return half + self.allowance + 1e-9 * max(1.0, abs(expected))
        return self.ask.atol + self.ask.rtol * abs(expected)

    @property
    def ungradable(self) -> str | None:
        """Why no answer can be graded against this question's expected answer (it is
        inf or NaN, or its tolerance is), else None. `within` then accepts nothing;
        `tutor check` reports it at the question's line and `tutor run` refuses it."""
        right = self.expected
        if not math.isfinite(right):
            return not_finite(right)
        if not math.isfinite(self.tolerance(right)):
            return (
                f"the tolerance is not finite (rtol {self.ask.rtol:g} times the answer "
                f"{full(right)}), so every answer would be graded right: lower rtol"
            )
        return None

    def within(self, answer: float, expected: float) -> bool:
        tolerance = self.tolerance(expected)  # inf or NaN: nothing is within it
        return math.isfinite(tolerance) and abs(answer - expected) <= tolerance

    def reaches(self, wrong: float, expected: float) -> bool:
        """Whether a mistake's number, as a student types it (rounded to the asked
        places), is graded as ``expected``: then it cannot be told from the answer."""
        if self.within(wrong, expected):
            return True
        if self.decimals is None or not math.isfinite(wrong):
            return False
        return self.within(round(wrong, self.decimals), expected)

    @cached_property
    def secrets(self) -> list[Question]:
        """This question and every later one in the lesson, at these numbers: the
        answers the feedback on a wrong answer must not tell."""
        later = [
            Question(self.lesson, ask, i, self.graph, *kind_of(ask).quantity(ask, self.output))
            for i, ask in enumerate(self.lesson.questions)
            if i > self.index
        ]
        return [self, *later]

    def shows(self, x: float) -> bool:
        """Whether the number ``x`` is this question's answer, as graded or as written
        (never, for an answer that is code: the derivation of a local derivative, which
        a `_backward` body is made of, is then a help, not a reveal)."""
        if self.rules.answer_text(self) is not None:
            return False
        e = self.expected
        return math.isfinite(x) and (
            self.within(x, e) or short(x) == short(e) or full(x) == full(e)
        )

    def gives_away(self, x: float) -> bool:
        """Whether showing the number ``x`` would tell the answer of this question or a
        later one: it would be graded right there, or it looks the same when written."""
        if not math.isfinite(x):
            return False
        return any(
            secret.within(x, answer) or short(x) == short(answer) or full(x) == full(answer)
            for secret, answer in self._secret_answers
        )

    @cached_property
    def _secret_answers(self) -> list[tuple[Question, float]]:
        found = [(secret, safely(secret.at, self.graph)) for secret in self.secrets]
        return [(secret, answer) for secret, answer in found if math.isfinite(answer)]

    @cached_property
    def examples(self) -> tuple[str, ...]:
        """Two expressions in this lesson's node names to show what an expression answer
        looks like: never the answer of one of the lesson's questions, nor its value."""
        graph = self.graph
        labels = list(graph.nodes)
        pairs = ((x, y) for i, x in enumerate(labels) for y in labels[i + 1 :])
        candidates = (t for x, y in pairs for t in (f"{x} + {y}", f"{x}*{y}"))
        # Expression answers are those of the kinds that allow them; any other answer
        # is one number here, which `gives_away` checks.
        answers = [
            [safely(kind_of(ask).quantity(ask, self.output)[0], g) for g in self.points]
            for ask in self.lesson.questions
            if ask.spec.expression
        ]
        points = [g.values() for g in self.points]
        # Nor made of what this question's own expression answer is made of: d(a*b)/da
        # is b, and "such as `a + b`" would show it.
        definition = graph.definitions.get(self.node or "") if self.ask.spec.expression else None
        avoid = {self.node, *names(definition)} if definition is not None else set()
        found: list[str] = []
        for text in itertools.islice(candidates, MAX_EXAMPLE_TRIES):  # a big graph: bounded
            expr = parse(text, labels)
            if avoid.intersection(names(expr)):
                continue
            try:
                values = [evaluate(expr, at) for at in points]
            except (ArithmeticError, ValueError):
                continue
            if self.gives_away(values[0]) or any(
                all(
                    abs(v - a) <= 1e-9 * max(1.0, abs(v))
                    for v, a in zip(values, answer, strict=True)
                )
                for answer in answers
            ):
                continue
            found.append(text)
            if len(found) == 2:
                break
        return tuple(found)

    @cached_property
    def number_examples(self) -> tuple[str, ...]:
        """Three numbers to show how an answer is written (``-2``, ``0.5``, ``1/2``),
        none of them the answer of this question or of a later one."""
        fits = [t for t in NUMBER_EXAMPLES if not self.gives_away(float(Fraction(t)))]
        return tuple(fits[:3])

    @cached_property
    def later_quantities(self) -> set[tuple[object, ...]]:
        """The quantities this question and the later ones ask for (see `Mistake.names`)."""
        return {
            k
            for ask in self.lesson.questions[self.index :]
            for k in kind_of(ask).keys(ask, self.graph)
        }


def safely(quantity: Quantity, graph: Graph) -> float:
    try:
        return quantity(graph)
    except (ArithmeticError, ValueError):
        return math.nan


def prepare(lesson: Lesson, graph: Graph, ask: Ask, index: int) -> Question:
    """Make a lesson's question ready to grade at the numbers of ``graph``."""
    every = unfiltered(lesson, graph, ask, index)
    graph = every.graph
    right = every.expected
    # Each value at these numbers is kept (`values_at`): grading a number answer then
    # compares it with them and computes nothing again.
    values = {every.at: [right]}
    mistakes = []
    for m in every.mistakes:
        wrong = safely(m.at, graph)
        # A mistake that gives the right answer here is no mistake: drop it.
        # "That is dd/dc" would tell the answer of a question still to come.
        if every.reaches(wrong, right) or every.later_quantities.intersection(m.names):
            continue
        values[m.at] = [wrong]
        mistakes.append(m)
    # `every` was made for this call and nobody else has it: it is finished here rather
    # than copied, so that what it has worked out (its `expected`, `allowance`, ...)
    # stays with it. No question is changed once returned.
    every.mistakes = mistakes
    every._values = values
    return every


def unfiltered(lesson: Lesson, graph: Graph, ask: Ask, index: int) -> Question:
    """The question with every mistake its kind knows, even those that coincide here."""
    # A question on another output (`of = "L1"`) is graded, hinted and explained on
    # the graph of that output.
    graph = of_graph(graph, ask.of)
    at, symbol = kind_of(ask).quantity(ask, graph.output.label)
    bare = Question(lesson, ask, index, graph, at, symbol)  # its mistakes are worked out on it
    # Diagnosing costs a pass over the graph per product or tanh in it: on a
    # huge graph (a hostile lesson) that is hours; it is only graded there.
    small = len(topo_order(graph.output)) <= MAX_DIAGNOSED_NODES
    return replace(bare, mistakes=bare.rules.mistakes(bare) if small else [])


def questions(lesson: Lesson, graph: Graph) -> list[Question]:
    return [prepare(lesson, graph, ask, i) for i, ask in enumerate(lesson.questions)]


def explain(question: Question) -> list[str]:
    """How the expected answer comes about, with the numbers: what "reveal" shows."""
    return question.rules.explain(question)


# -- decimal places in prompts --------------------------------------------------------

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_PLACES = re.compile(
    r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r"|ten)\s+(?:decimal\s+places?|decimals)\b",
    re.IGNORECASE,
)


def asked_places(text: str) -> int | None:
    """The number of decimal places a text asks for ("to four decimal places": 4)."""
    match = _PLACES.search(text)
    if match is None:
        return None
    word = match.group(1).lower()
    return int(word) if word.isdigit() else [*_NUMBER_WORDS, "ten"].index(word)


def places(n: int) -> str:
    return f"{n} decimal place" + ("" if n == 1 else "s")


# -- nearby points ----------------------------------------------------------------------


def neighbour_graphs(lesson: Lesson, graph: Graph, seed: int = 0) -> list[Graph]:
    """The graph at a few nearby numbers: each leaf scaled and shifted a little.

    Points where an op leaves its domain or a relu input changes sign (its slope
    jumps there) are skipped, so an answer right on this side of a kink passes.
    """
    rng = random.Random(f"{lesson.id}/{graph.seed}/{seed}")
    signs = _relu_signs(graph)
    out: list[Graph] = []
    for _ in range(NEIGHBOURS * 4):
        if len(out) == NEIGHBOURS:
            break
        values = {
            name: Fraction(repr(leaf.data * rng.uniform(0.8, 1.25) + rng.uniform(-0.3, 0.3)))
            for name, leaf in graph.leaves.items()
        }
        try:
            near = build_graph(lesson.assignments, graph.output.label, values, graph.seed)
        except GraphError:
            continue
        if _relu_signs(near) == signs:
            out.append(near)
    return out


def _relu_signs(graph: Graph) -> list[bool]:
    return [n.inputs[0].data > 0 for n in topo_order(graph.output) if n.op == "relu"]
