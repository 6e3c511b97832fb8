"""A question made ready to grade: expected answer, likely mistakes, hints.

Everything is computed from the graph, never written per lesson: the expected
answer, the wrong answers that a known mistake would give (each naming the edge
of the graph involved), and the chain-rule hints with the numbers.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, partial

from tutor.check import quantities as q
from tutor.engine import Value, topo_order
from tutor.expr import evaluate, names, parse, to_text
from tutor.lesson import Ask, Graph, GraphError, Lesson, build_graph, fill
from tutor.lesson.graph import moved_leaves, of_graph
from tutor.numbers import full, short

MAX_DIAGNOSED_NODES = 2_000
"""Graphs up to this many nodes get mistake diagnoses; larger ones are only graded."""

NEIGHBOURS = 5  # extra points at which an expression answer is tested
MAX_EXAMPLE_TRIES = 60  # candidate example expressions looked at
#: Units of the last asked decimal place that working from the screen's rounded
#: numbers may move an answer; beyond this the places are out of reach.
MAX_ALLOWANCE = 2
#: How a number answer may be written, for examples (the first three that are no answer).
NUMBER_EXAMPLES = ("-2", "0.5", "1/2", "-3", "1.5", "-0.25", "2/3", "4", "0.125", "-3/4")

Quantity = Callable[[Graph], float]


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


@dataclass
class Question:
    """One ``ask`` step of a lesson, at one variant of its numbers."""

    lesson: Lesson
    ask: Ask
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
        text = fill(self.ask.prompt or default_prompt(self), self.graph.values())
        if self.decimals is not None and asked_places(text) is None:
            how = "as a whole number" if self.decimals == 0 else f"to {places(self.decimals)}"
            text = f"{text.rstrip()} Give it {how}."
        return text

    @cached_property
    def hints(self) -> list[str]:
        own = [fill(h, self.graph.values()) for h in self.ask.hints]
        return own + generated_hints(self)

    @cached_property
    def neighbours(self) -> list[Graph]:
        """Nearby variants of the numbers, where expression answers are also tested."""
        return neighbour_graphs(self.lesson, self.graph, seed=self.index)

    @cached_property
    def points(self) -> list[Graph]:
        """Where answers are compared: the current numbers first, then nearby ones."""
        return [self.graph, *self.neighbours]

    def values_at(self, quantity: Quantity) -> list[float]:
        """A quantity (the expected answer, or a mistake's) at every point, computed once.

        A point where the quantity cannot be computed gives NaN, which matches nothing.
        """
        if quantity not in self._values:
            self._values[quantity] = [safely(quantity, g) for g in self.points]
        return self._values[quantity]

    @cached_property
    def is_constant(self) -> bool:
        """True when the expected answer is the same at every nearby point (e.g. 1)."""
        return all(
            abs(self.at(g) - self.expected) <= 1e-12 * max(1.0, abs(self.expected))
            for g in self.neighbours
        )

    @cached_property
    def formula(self):
        """For a ``local`` question: the expected derivative as a SymPy expression
        of the node names (``f``, ``1 - o**2``), from the limit-definition derivations."""
        return formula(self) if self.kind == "local" else None

    @property
    def expected_answer(self) -> float | str:
        """What `tutor run --json` reports: the formula for a local question, else a number."""
        if self.formula is not None:
            return str(self.formula)
        return self.expected

    @cached_property
    def symbolic_expected(self) -> float | None:
        """The symbolic source's exact answer at these numbers (None for ``nudge``
        and ``step``, which are finite computations rather than derivatives)."""
        from tutor.check.exact import symbolic_value

        return symbolic_value(self)

    @property
    def decimals(self) -> int | None:
        return self.ask.decimals

    @cached_property
    def allowance(self) -> float:
        """For a question asking for N decimal places: how far the answer moves when it is
        computed from the numbers as the screen shows them (4 decimals), not exactly."""
        if self.decimals is None or self.kind in ("train", "count"):
            # Training is the engine's (the training view shows its numbers, computed
            # exactly), and a count has no rounding: no one works them from the screen.
            return 0.0
        try:
            shown = q.as_shown(self.lesson.assignments, self.graph)
        except (ArithmeticError, ValueError):
            return 0.0
        moved = [safely(self.at, g) for g in shown]
        return max((abs(m - self.expected) for m in moved if math.isfinite(m)), default=0.0)

    @property
    def out_of_reach(self) -> bool:
        """True when the N asked decimal places cannot be had from the screen's numbers:
        worked from them, the answer moves by more than `MAX_ALLOWANCE` units of the
        N-th place."""
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

    def within(self, answer: float, expected: float) -> bool:
        return abs(answer - expected) <= self.tolerance(expected)

    @cached_property
    def secrets(self) -> list[Question]:
        """This question and every later one in the lesson, at these numbers: the
        answers the feedback on a wrong answer must not tell."""
        later = [
            Question(self.lesson, ask, i, self.graph, *quantity(ask, self.output))
            for i, ask in enumerate(self.lesson.questions)
            if i > self.index
        ]
        return [self, *later]

    def shows(self, x: float) -> bool:
        """Whether the number ``x`` is this question's answer, as graded or as written."""
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
        # Expression answers are local derivatives; any other answer is one number
        # here, which `gives_away` checks.
        answers = [
            [safely(quantity(ask, self.output)[0], g) for g in self.points]
            for ask in self.lesson.questions
            if ask.kind == "local"
        ]
        points = [g.values() for g in self.points]
        found: list[str] = []
        for text in itertools.islice(candidates, MAX_EXAMPLE_TRIES):  # a big graph: bounded
            expr = parse(text, labels)
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
        return {k for ask in self.lesson.questions[self.index :] for k in keys(ask, self.graph)}


def safely(quantity: Quantity, graph: Graph) -> float:
    try:
        return quantity(graph)
    except (ArithmeticError, ValueError):
        return math.nan


def formula(question: Question):
    from tutor.check.exact import local_formula

    return local_formula(question.graph, question.node, question.wrt)


def quantity(ask: Ask, out: str) -> tuple[Quantity, str]:
    """What ``ask`` asks for, as a function of the graph, and how it is written."""
    n, w = ask.node, ask.wrt
    match ask.kind:
        case "value":
            return partial(q.value, node=n), n
        case "grad" if ask.of is not None:
            return partial(q.grad_of, node=n, of=ask.of), f"d{ask.of}/d{n}"
        case "grad":
            return partial(q.grad, node=n), f"d{out}/d{n}"
        case "train":
            at = partial(
                q.after_training,
                rate=ask.rate,
                steps=ask.steps,
                zero_grad=ask.zero_grad,
                node=n,
                moves=ask.moves,
            )
            what = n if n is not None and n != out else out
            return at, f"{what} after {ask.steps} steps"
        case "accumulated":
            of = ask.of or out
            at = partial(q.accumulated, node=n, passes=ask.passes or 2, of=ask.of)
            return at, f"{n}.grad after {ask.passes or 2} backward() calls on {of}"
        case "count":
            return partial(q.count, moves=ask.moves), "the number of parameters"
        case "local":
            return partial(q.local, node=n, wrt=w), f"d{n}/d{w}"
        case "nudge":
            return partial(q.rise_over_run, node=n, h=ask.h), f"the rise over run of {out}"
    return partial(q.after_step, rate=ask.rate, moves=ask.moves), f"{out} after the step"


def keys(ask: Ask, graph: Graph) -> set[tuple[object, ...]]:
    """A question's quantity, to compare with what a mistake's explanation names
    (`Mistake.names`); a local derivative of the output is also the gradient of an
    input that only the output uses."""
    match ask.kind:
        case "local":
            found = {("local", ask.node, ask.wrt)}
            if ask.node == graph.output.label and all(
                q.owner(graph, consumer) == ask.node for consumer, _ in q.uses(graph, ask.wrt)
            ):
                found.add(("grad", ask.wrt))
            return found
        case "nudge":
            return {("nudge", ask.node, ask.h)}
        case "step":
            return {("step", ask.rate)}
        case "train":
            return {("train", ask.rate, ask.steps, ask.zero_grad, ask.node)}
        case "grad" if ask.of is not None:
            return {("grad-of", ask.of, ask.node)}
    return {(ask.kind, ask.node)}


def prepare(lesson: Lesson, graph: Graph, ask: Ask, index: int) -> Question:
    """Make a lesson's question ready to grade at the numbers of ``graph``."""
    question = unfiltered(lesson, graph, ask, index)
    graph = question.graph
    right = question.expected
    question.mistakes = [
        m
        for m in question.mistakes
        # A mistake that gives the right answer here is no mistake: drop it.
        if not question.within(safely(m.at, graph), right)
        # "That is dd/dc" would tell the answer of a question still to come.
        and not question.later_quantities.intersection(m.names)
    ]
    return question


def unfiltered(lesson: Lesson, graph: Graph, ask: Ask, index: int) -> Question:
    """The question with every mistake its kind knows, even those that coincide here."""
    # A question on another output (`of = "L1"`) is graded, hinted and explained on
    # the graph of that output.
    graph = of_graph(graph, ask.of)
    at, symbol = quantity(ask, graph.output.label)
    question = Question(lesson, ask, index, graph, at, symbol)
    # Diagnosing costs a pass over the graph per product or tanh in it: on a
    # huge graph (a hostile lesson) that is hours; it is only graded there.
    small = len(topo_order(graph.output)) <= MAX_DIAGNOSED_NODES
    question.mistakes = _known_mistakes(question) if small else []
    return question


def questions(lesson: Lesson, graph: Graph) -> list[Question]:
    return [prepare(lesson, graph, ask, i) for i, ask in enumerate(lesson.questions)]


# -- the mistakes, by kind of question ------------------------------------------


def _known_mistakes(question: Question) -> list[Mistake]:
    match question.kind:
        case "grad":
            return _grad_mistakes(question)
        case "local":
            return _local_mistakes(question)
        case "nudge":
            return _nudge_mistakes(question)
        case "step":
            return _step_mistakes(question)
        case "train":
            return _train_mistakes(question)
        case "accumulated":
            return _accumulated_mistakes(question)
        case "count":
            return []
    return [_wrong_sign(question)]


def _wrong_sign(question: Question) -> Mistake:
    return Mistake(
        "wrong-sign",
        lambda g: -question.at(g),
        "the size is right but the sign is wrong. Check the sign of each factor on the way.",
    )


def _grad_mistakes(question: Question) -> list[Mistake]:
    g, node, out = question.graph, question.node, question.output
    found: list[Mistake] = []
    uses = q.uses(g, node)
    if len(uses) > 1:
        for position, (consumer, _) in enumerate(uses):
            parent = q.owner(g, consumer)
            found.append(
                Mistake(
                    "one-path",
                    # The same use at other numbers: graphs share their structure.
                    lambda g2, p=position: q.share(g2, *q.uses(g2, node)[p]),
                    f"that is only the share that flows along {node} → {parent}. "
                    f"`{node}` is used more than once, and the gradients from every use "
                    f"add up: d{out}/d{node} is their sum.",
                    (node, parent),
                )
            )
    for parent in named_parents(question):
        found.append(
            Mistake(
                "forgot-upstream",
                partial(q.local, node=parent, wrt=node),
                f"that is d{parent}/d{node}, the local derivative on the edge {node} → {parent} "
                f"alone. The chain rule multiplies it by the gradient arriving at {parent} "
                f"from above, d{out}/d{parent}.",
                (node, parent),
                (("local", parent, node),),
            )
        )
        found.append(
            Mistake(
                "upstream-only",
                partial(q.grad, node=parent),
                f"that is d{out}/d{parent}, the gradient arriving at {parent}. It still has to "
                f"be multiplied by the local derivative on the edge {node} → {parent}, "
                f"d{parent}/d{node}.",
                (node, parent),
                (("grad", parent),),
            )
        )
    for position, product in q.positions(g.output, "mul"):
        found.append(
            Mistake(
                "swapped-operand",
                partial(q.grad, node=node, rules={position: q.swapped_product}),
                f"at the product {_operands(g, product)}, the local derivative with respect "
                f"to one factor is the *other* factor; a factor's own value was used instead.",
                _edge(g, product, node),
            )
        )
    for position, tanh in q.positions(g.output, "tanh"):
        found.append(
            Mistake(
                "tanh-input",
                partial(q.grad, node=node, rules={position: q.tanh_of_input}),
                _tanh_input(tanh.label, tanh.inputs[0].label),
                _edge(g, tanh, node),
            )
        )
    for h in _nudges_of(question):
        found.append(
            Mistake(
                "used-nudge",
                partial(q.rise_over_run, node=node, h=h),
                f"that is the rise over run with h = {short(h, 6)}, which only approximates "
                f"the slope. The gradient is the limit as h → 0: d{out}/d{node} exactly.",
                names=(("nudge", node, h),),
                approximates=True,
            )
        )
    found.append(
        Mistake(
            "forward-value",
            partial(q.value, node=node),
            f"that is the value of {node} from the forward pass. The question asks for "
            f"its gradient, d{out}/d{node}: how much {out} moves when {node} is nudged.",
            names=(("value", node),),
        )
    )
    found.append(_wrong_sign(question))
    return found


def _local_mistakes(question: Question) -> list[Mistake]:
    node, wrt, out = question.node, question.wrt, question.output
    root, _ = q.local_graph(question.graph, node)
    found = [
        Mistake(
            "with-upstream",
            lambda g2: q.local(g2, node, wrt) * g2.grad(node),
            f"that is the local derivative times the gradient from above, d{out}/d{node}. "
            f"The question asks only for the local derivative d{node}/d{wrt}, on the edge "
            f"{wrt} → {node}.",
            (wrt, node),
            # With one use of wrt, that product is d out / d wrt.
            (("grad", node), ("grad", wrt))
            if len(q.uses(question.graph, wrt)) == 1
            else (("grad", node),),
        )
    ]
    for position, _ in q.positions(root, "mul"):
        found.append(
            Mistake(
                "swapped-operand",
                partial(q.local, node=node, wrt=wrt, rules={position: q.swapped_product}),
                f"the derivative of a product with respect to one factor is the *other* "
                f"factor, not {wrt} itself.",
                (wrt, node),
            )
        )
    for position, tanh in q.positions(root, "tanh"):
        direct = tanh is root and tanh.inputs[0].label == wrt
        found.append(
            Mistake(
                "tanh-input",
                partial(q.local, node=node, wrt=wrt, rules={position: q.tanh_of_input}),
                _tanh_input(node, wrt) if direct else _tanh_input(None, None),
                (wrt, node),
            )
        )
    found.append(_wrong_sign(question))
    return found


def _nudge_mistakes(question: Question) -> list[Mistake]:
    node, out, h = question.node, question.output, question.ask.h
    return [
        Mistake(
            "used-gradient",
            partial(q.grad, node=node),
            f"that is the exact slope d{out}/d{node}. The question asks for the rise over "
            f"run with a finite h = {short(h, 6)}, which differs from it a little.",
            names=(("grad", node),),
            approximates=True,
        ),
        Mistake(
            "rise-only",
            lambda g2: q.rise_over_run(g2, node, h) * h,
            f"that is the rise, how much {out} moved. Divide it by the run h = {short(h, 6)}.",
        ),
        Mistake(
            "forward-value",
            partial(q.nudged_output, node=node, h=h),
            f"that is {out} after the nudge. Subtract the old {out} and divide by h.",
        ),
        _wrong_sign(question),
    ]


def _step_mistakes(question: Question) -> list[Mistake]:
    out, rate = question.output, question.ask.rate
    what = "leaf" if question.ask.moves is None else "parameter"
    return [
        Mistake(
            "unchanged",
            lambda g2: g2.output.data,
            f"that is {out} before the step. Move every leaf first, then run the forward "
            f"pass again.",
            names=(("value", out),),
        ),
        Mistake(
            "descended",
            partial(q.after_step, rate=-rate, moves=question.ask.moves),
            f"each {what} moved against its gradient. The step is {what} += "
            f"{short(rate, 6)} × its gradient.",
        ),
        Mistake(
            "linear-estimate",
            partial(q.linear_estimate, rate=rate, moves=question.ask.moves),
            f"that is the first-order estimate {out} + rate × Σ grad². Close, but the question "
            f"asks for {out} recomputed by the forward pass at the new values.",
        ),
        *(
            [
                Mistake(
                    "moved-data",
                    partial(q.after_step, rate=rate),
                    "every leaf moved, the data too. A training step moves the parameters "
                    "only: the inputs and targets are the data set, not something to learn.",
                )
            ]
            if question.ask.moves is not None
            else []
        ),
        _wrong_sign(question),
    ]


def _train_mistakes(question: Question) -> list[Mistake]:
    ask, out = question.ask, question.output
    what = ask.node if ask.node is not None else out
    found = [
        Mistake(
            "unchanged",
            lambda g: g.value(what),
            f"that is {what} before any update. Training moves the parameters "
            f"{ask.steps} times, and {what} moves with them.",
            names=(("value", what),),
        )
    ]
    if ask.steps and ask.steps > 1 and (ask.node is None or ask.node == out):
        found.append(
            Mistake(
                "last-printed",
                lambda g: q.trained(g, ask.rate, ask.steps, ask.zero_grad, ask.moves)[0][-1],
                f"that is {out} before the last step, as the training loop prints it. The "
                f"question asks for {out} after {ask.steps} updates.",
            )
        )
    other = not ask.zero_grad
    found.append(
        Mistake(
            "zeroing" if other else "not-zeroing",
            partial(
                q.after_training,
                rate=ask.rate,
                steps=ask.steps,
                zero_grad=other,
                node=ask.node,
                moves=ask.moves,
            ),
            "that is the training with the gradients zeroed before each backward(); this "
            "one forgets to zero them."
            if other
            else "that is the training without zeroing the gradients: they added up. Zero "
            "them before each backward().",
        )
    )
    return found


def _accumulated_mistakes(question: Question) -> list[Mistake]:
    ask = question.ask
    return [
        Mistake(
            "one-pass",
            partial(q.accumulated, node=ask.node, passes=1, of=ask.of),
            "that is the gradient of one backward() call. Without zeroing, each call adds "
            "its gradient to what the leaf's grad already holds.",
        ),
        _wrong_sign(question),
    ]


def _tanh_input(output: str | None, given: str | None) -> str:
    """The tanh-input mistake in words, without writing the derivative out (it may be
    the answer of a question to come)."""
    which = f" (`{output}` = tanh({given}))" if output and given else ""
    return (
        f"tanh's local derivative is computed from its *output*{which}, not from its "
        "input: squaring the input gives a different number."
    )


def named_parents(question: Question) -> list[str]:
    node = question.node
    return [
        name
        for name, expr in question.graph.definitions.items()
        if node in names(expr) and name != node
    ]


def _operands(graph: Graph, node: Value) -> str:
    a, b = (x.label or short(x.data) for x in node.inputs)
    return f"{a} * {b}"


def _edge(graph: Graph, node: Value, towards: str) -> tuple[str, str]:
    """The edge into ``node`` on the way from the node ``towards``, by labelled ends."""
    target = graph.nodes[towards]
    for x in node.inputs:
        if x is target or target in topo_order(x):
            return (x.label or q.owner(graph, node)), q.owner(graph, node)
    return towards, q.owner(graph, node)


def _nudges_of(question: Question) -> list[float]:
    hs = [
        a.h
        for a in question.lesson.questions
        if a.kind == "nudge" and a.node == question.node and a.h is not None
    ]
    return hs or [0.001]


# -- prompts and hints -------------------------------------------------------------

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


def default_prompt(question: Question) -> str:
    n, w, out = question.node, question.wrt, question.output
    match question.kind:
        case "value":
            return f"What is the value of `{n}`?"
        case "grad":
            return f"What is d{out}/d{n}, the gradient of `{out}` with respect to `{n}`?"
        case "local":
            text = f"What is d{n}/d{w}, the local derivative of `{n}` with respect to `{w}`?"
            if question.form == "expression":
                text += " Answer with an expression in the node names."
            return text
        case "nudge":
            h = short(question.ask.h, 6)
            return (
                f"Nudge `{n}` up by h = {h}. What is the rise over run, "
                f"({out} with {n} + h, minus {out}) / h?"
            )
        case "train":
            return _train_prompt(question)
        case "accumulated":
            passes = question.ask.passes or 2
            return (
                f"Call backward() on `{out}` {passes} times without zeroing the gradients in "
                f"between. What does `{n}.grad` hold then?"
            )
        case "count":
            return "How many parameters does the model have (weights and biases)?"
    rate = short(question.ask.rate, 6)
    what = "parameter" if question.ask.moves is not None else "leaf"
    return (
        f"Move every {what} by {rate} × its gradient and run the forward pass again. "
        f"What is `{out}` now?"
    )


def _train_prompt(question: Question) -> str:
    ask, out = question.ask, question.output
    rate = short(ask.rate, 6)
    zero = "zeroing" if ask.zero_grad else "without zeroing"
    loop = (
        f"Train by gradient descent at rate {rate}, {zero} the gradients before each "
        f"backward(): {ask.steps} updates, each moving every parameter by −{rate} × its "
        "gradient."
    )
    if ask.node is None or ask.node == out:
        return f"{loop} What is `{out}` after the {ask.steps} updates?"
    return f"{loop} What is the parameter `{ask.node}` after them?"


def generated_hints(question: Question) -> list[str]:
    g, n, w, out = question.graph, question.node, question.wrt, question.output
    match question.kind:
        case "value":
            if g.nodes[n].is_leaf:
                return [f"`{n}` is a leaf: its value is set in the graph."]
            inputs = ", ".join(f"{x} = {short(g.value(x))}" for x in names(g.definitions[n]))
            return [f"Compute `{n}` from its inputs ({inputs}) as the graph defines it."]
        case "grad":
            return _grad_hints(question)
        case "local":
            return [
                f"Nudge `{w}` by a tiny h with the other inputs of `{n}` held still: "
                f"({n}({w} + h) - {n}({w})) / h, and let h go to 0.",
                "For + the local derivative is 1; for * it is the other factor; for tanh it "
                "is 1 - (its output)**2.",
            ]
        case "nudge":
            h = question.ask.h
            now, moved = g.output.data, q.nudged_output(g, n, h)
            return [
                f"Run the forward pass again with {n} + h, subtract the old {out}, "
                f"and divide by h.",
                f"{out} is {short(now, 6)} now and {short(moved, 9)} with {n} + h.",
            ]
        case "train":
            return [
                "Each update: forward pass, zero the gradients, backward(), then every "
                "parameter moves by −rate × its gradient. The engine does this in the "
                "training view; count the updates, not the prints.",
            ]
        case "accumulated":
            return [
                f"One backward() gives `{n}` its gradient, {short(g.grad(n))}. Without "
                "zeroing, the next call adds its own gradient on top.",
            ]
        case "count":
            return [
                "Each neuron has one weight per input and one bias; add them up layer by layer.",
            ]
    moves = ", ".join(
        f"{name} → {short(leaf.data + question.ask.rate * leaf.grad, 6)}"
        for name, leaf in moved_leaves(g, question.ask.moves).items()
    )
    return [
        "Each parameter moves by rate × its gradient; then the forward pass runs again."
        if question.ask.moves is not None
        else "Each leaf moves by rate × its gradient; then the forward pass runs again.",
        f"The new values: {moves}.",
    ]


def _grad_hints(question: Question) -> list[str]:
    g, n, out = question.graph, question.node, question.output
    if n == out:
        return [f"If {out} changes by a tiny h, how much does {out} change?"]
    parents = named_parents(question)
    if parents == [out]:
        definition = to_text(g.definitions[out])
        return [
            f"`{out}` = {definition} uses `{n}` directly: d{out}/d{n} is the local derivative "
            f"of {out} with respect to {n} (and d{out}/d{out} = 1).",
            f"From the graph: nudge {n} with everything else in {definition} held still; "
            f"the local derivative is {short(q.local(g, out, n))}.",
        ]
    terms = [
        f"∂{out}/∂{n} (the local part, since {out} uses {n} directly)"
        if p == out
        else f"d{out}/d{p} · d{p}/d{n}"
        for p in parents
    ]
    rule = f"The chain rule: d{out}/d{n} = " + " + ".join(terms) + "."
    if len(parents) > 1 or len(q.uses(g, n)) > 1:
        rule += f" `{n}` is used more than once: add up the contribution of every use."
    numbers = "; ".join(
        f"d{out}/d{p} = {short(g.grad(p))} and d{p}/d{n} = {short(q.local(g, p, n))}"
        for p in parents
    )
    return [rule, f"From the graph: {numbers}."]


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
