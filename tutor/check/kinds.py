"""The kinds of question, one class each: everything a kind means for grading.

In the manner of SymPy's manualintegrate rules, a kind of question is one small
class that owns what is particular to it:

* ``spec``: its name, keys and defaults, as a lesson file declares them
  (`tutor.lesson.kinds`, the loader's half of this registry);
* ``quantity``: how its answer is computed from a graph, and how it is written;
* ``exact``: the symbolic source's exact answer (SymPy), and ``finite``: the
  same answer by finite differences, where that is meaningful;
* ``mistakes``: the wrong answers a known mistake gives, and what they are;
* ``prompt``, ``hints`` and ``explain``: its words, with the numbers.

`KINDS` maps each kind's name to its one instance; a `Question` finds its own as
``question.rules``. Nothing else in `tutor` tells kinds apart by name: code that
needs to ask about a kind asks its spec (``ask.spec``), its class here, or the type of
its `Ask` (``isinstance(ask, TrainAsk)``, which also types the kind's keys). `Kind`
and `Question` are generic in that type: ``Question[NudgeAsk]`` has a float ``h``.

To add a kind of question:

1. declare it in `tutor/lesson/kinds.py`: one frozen `Ask` subclass, decorated
   with `declare`, whose ``spec`` is its `KindSpec` (its name, defaults, what the
   lesson must know of it) and whose fields are its keys, each typed and bounded
   with `key` (`NodeKey`, `NumberKey`, `WholeKey`, `FlagKey`, ...); the loader reads
   and checks them from that declaration alone, new keys included;
2. write one class here, decorated with `register`, whose ``spec`` is that
   `KindSpec`: it must define `quantity`, `exact`, `prompt`, `hints` and
   `explain`, and overrides what differs from `Kind`'s defaults (`finite`,
   `mistakes`, `keys`, `edges`, ...);
3. document the kind and its keys in ``lessons/FORMAT.md``.

A spec without a class, or a class without a spec, stops the import of this
module (see the end of the file): no kind can fall through to another's rules.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from fractions import Fraction
from functools import partial
from typing import Any, ClassVar, Generic, TypeVar

import tutor.check.quantities as q
from tutor.check.finite import Estimate, slope
from tutor.check.mistakes import (
    OP_MISTAKES,
    SKIPPED,
    Mistake,
    OpMistake,
    Quantity,
    listed,
    wrong_sign,
)
from tutor.check.question import KINDS, Key, Question, Source, kind_of
from tutor.check.verdict import Verdict
from tutor.engine import OPS, Value, apply, evaluate, topo_order
from tutor.engine.train import finite_difference_descent
from tutor.expr import Name, names, to_text
from tutor.lesson import Ask, Graph
from tutor.lesson.graph import moved_leaves
from tutor.lesson.kinds import (
    ACCUMULATED,
    BACKWARD,
    COUNT,
    GRAD,
    LOCAL,
    NUDGE,
    SPECS,
    STEP,
    TRAIN,
    VALUE,
    AccumulatedAsk,
    BackwardAsk,
    CountAsk,
    GradAsk,
    KindSpec,
    LocalAsk,
    NudgeAsk,
    StepAsk,
    TrainAsk,
    ValueAsk,
)
from tutor.lesson.shows import TrainingShow
from tutor.numbers import full, short

__all__ = ["KINDS", "Kind", "kind_of", "named_parents", "register"]

A = TypeVar("A", bound=Ask)


class Kind(Generic[A]):
    """What one kind of question means; subclasses are registered with `register`."""

    spec: ClassVar[KindSpec]
    #: Whether the answer goes through slopes, so that a relu input exactly at 0
    #: (where relu has no slope) breaks it.
    kinks_matter: ClassVar[bool] = True
    #: Whether a right answer is also checked against `exact` when graded; the
    #: finite computations (a nudge, a step) are checked by `tutor check` only.
    graded_exactly: ClassVar[bool] = True
    #: Whether a student works the answer by hand from the graph's values (so that
    #: asked decimal places get an allowance for their rounding: `tutor.check.shown`);
    #: training is the engine's, read off its view (`screen_sources`), and a count has
    #: nothing to round.
    from_screen: ClassVar[bool] = True

    @property
    def name(self) -> str:
        return self.spec.name

    # -- what is asked ---------------------------------------------------------

    def quantity(self, ask: A, out: str) -> tuple[Quantity, str]:
        """What ``ask`` asks for, as a function of the graph, and how it is written."""
        raise NotImplementedError

    def keys(self, ask: A, graph: Graph) -> set[Key]:
        """The quantities the question asks for, to compare with what a mistake's
        explanation names (`Mistake.names`)."""
        return {(self.name, ask.node)}

    def formula(self, question: Question[A]):
        """The expected answer as a SymPy expression of the node names, for a kind
        answered with an expression; else None."""
        return None

    def edges(self, question: Question[A]) -> list[tuple[str, str]]:
        """The edges (node, wrt) whose local derivative the question lets a student
        derive while it is open."""
        return []

    def derivative(self, ask: A, out: str) -> tuple[str, str] | None:
        """For a derivative d top / d bottom: (top, bottom); else None."""
        return None

    # -- the other sources -------------------------------------------------------

    def exact(self, question: Question[A]) -> float:
        """The symbolic source's exact answer at the question's numbers."""
        raise NotImplementedError

    def finite(self, question: Question[A]) -> Estimate | None:
        """The answer by central differences, where that is meaningful."""
        return None

    # -- teaching ------------------------------------------------------------------

    def mistakes(self, question: Question[A]) -> list[Mistake]:
        """Every mistake the kind knows, even those that give the answer here."""
        return [wrong_sign(question)]

    def prompt(self, question: Question[A]) -> str:
        """The question's text when the lesson gives no ``prompt``."""
        raise NotImplementedError

    def hints(self, question: Question[A]) -> list[str]:
        """Hints with the numbers, after the lesson's own ``hints``."""
        raise NotImplementedError

    def explain(self, question: Question[A]) -> list[str]:
        """How the expected answer comes about, with the numbers: what "reveal" shows."""
        raise NotImplementedError

    # -- what the student saw (`tutor.check.shown`) ---------------------------------

    def allowance(self, question: Question[A]) -> float:
        """For a question asking for decimal places, the rounding band of working it
        from the numbers the screen shows (`tutor.check.shown.band`)."""
        from tutor.check.shown import band

        return band(question)

    def grad_sensitivity(self, question: Question[A], node: str, held: Set[str]) -> float:
        """d answer / d (the gradient of ``node``, as the student has it), the ``held``
        gradients taken as shown too: how the answer moves when it is worked from that
        gradient as shown. 0: not worked from it."""
        return 0.0

    def screen_sources(self, question: Question[A]) -> list[Source]:
        """Numbers the kind's own view shows that the answer is read from."""
        return []

    # -- a kind whose answer is not a number or an expression ---------------------------

    def grade_text(self, question: Question[A], text: str) -> Verdict | None:
        """The verdict on ``text`` (as typed, unstripped) for a kind that reads its own
        answers (code); None: it is read as a number or an expression."""
        return None

    def answer_text(self, question: Question[A]) -> str | None:
        """The expected answer as a student types it, for a kind whose answer is text
        (what `tutor run --json` reports and `tutor check` types); else None."""
        return None

    def code_lines(self, question: Question[A]) -> list[str] | None:
        """For a kind answered with code: the code around the answer as the student sees
        it (the method whose ``_backward`` body is asked); else None."""
        return None

    def self_check(self, question: Question[A]) -> list[str]:
        """Problems `tutor check` reports with the kind's own grading at these numbers
        (its expected answer graded wrong, a mistake not diagnosed); none by default."""
        return []


K = TypeVar("K", bound="Kind[Any]")


def register(cls: type[K]) -> type[K]:
    """Register the one instance of a kind's class under its spec's name."""
    name = cls.spec.name
    if SPECS.get(name) is not cls.spec:
        raise ValueError(f"question kind {name!r} is not declared in tutor.lesson.kinds")
    if name in KINDS:
        raise ValueError(f"question kind {name!r} has two classes")
    KINDS[name] = cls()
    return cls


def named_parents(question: Question) -> list[str]:
    """The named nodes whose definition uses the question's node directly."""
    node = question.node
    return [
        name
        for name, expr in question.graph.definitions.items()
        if node in names(expr) and name != node
    ]


# -- the kinds ------------------------------------------------------------------------


@register
class ForwardValue(Kind[ValueAsk]):
    """``ask = "value"``: the forward value of a node."""

    spec = VALUE
    kinks_matter = False

    def quantity(self, ask: ValueAsk, out: str) -> tuple[Quantity, str]:
        return partial(q.value, node=ask.node), ask.node

    def exact(self, question: Question[ValueAsk]) -> float:
        from tutor.check.exact import exact_value

        graph = question.graph
        return float(exact_value(graph, graph.nodes[question.ask.node]))

    def mistakes(self, question: Question[ValueAsk]) -> list[Mistake]:
        return [wrong_sign(question), *_forward_mistakes(question)]

    def prompt(self, question: Question[ValueAsk]) -> str:
        return f"What is the value of `{question.ask.node}`?"

    def hints(self, question: Question[ValueAsk]) -> list[str]:
        g, n = question.graph, question.ask.node
        if g.nodes[n].is_leaf:
            return [f"`{n}` is a leaf: its value is set in the graph."]
        inputs = ", ".join(f"{x} = {short(g.value(x))}" for x in names(g.definitions[n]))
        return [f"Compute `{n}` from its inputs ({inputs}) as the graph defines it."]

    def explain(self, question: Question[ValueAsk]) -> list[str]:
        g, n, answer = question.graph, question.ask.node, question.expected_text
        if g.nodes[n].is_leaf:
            return [f"{n} is a leaf: {n} = {answer}."]
        return [f"{n} = {to_text(g.definitions[n])} = {answer}."]


@register
class Gradient(Kind[GradAsk]):
    """``ask = "grad"``: d output / d node, by the chain rule."""

    spec = GRAD

    def quantity(self, ask: GradAsk, out: str) -> tuple[Quantity, str]:
        if ask.of is not None:  # another output's gradient: one example's loss
            return partial(q.grad_of, node=ask.node, of=ask.of), f"d{ask.of}/d{ask.node}"
        return partial(q.grad, node=ask.node), f"d{out}/d{ask.node}"

    def keys(self, ask: GradAsk, graph: Graph) -> set[Key]:
        if ask.of is not None and ask.of != graph.output.label:
            return {(self.name, ask.node, ask.of)}
        return {(self.name, ask.node)}

    def edges(self, question: Question[GradAsk]) -> list[tuple[str, str]]:
        return [(parent, question.ask.node) for parent in named_parents(question)]

    def derivative(self, ask: GradAsk, out: str) -> tuple[str, str] | None:
        return ask.of or out, ask.node  # `of = "L1"`: d L1 / d node

    def exact(self, question: Question[GradAsk]) -> float:
        from tutor.check.exact import exact_gradients

        graph = question.graph
        return float(exact_gradients(graph)[graph.nodes[question.ask.node]])

    def finite(self, question: Question[GradAsk]) -> Estimate | None:
        graph = question.graph
        return slope(graph.output, graph.nodes[question.ask.node])

    def grad_sensitivity(self, question: Question[GradAsk], node: str, held: Set[str]) -> float:
        # The chain rule through `node`: its gradient times d node / d asked node, on
        # the paths that no nearer shown gradient takes first.
        from tutor.check.shown import tangent

        return tangent(question.graph, question.ask.node, node, held)

    def mistakes(self, question: Question[GradAsk]) -> list[Mistake]:
        g, node, out = question.graph, question.ask.node, question.output
        found: list[Mistake] = _one_example(question)
        uses = q.uses(g, node)
        # Each use in an example of its own: the one-example diagnosis names it better.
        if len(uses) > 1 and len(found) < len(uses):
            for position, (consumer, _) in enumerate(uses):
                parent = q.owner(g, consumer)
                found.append(
                    Mistake(
                        "one-path",
                        # The same use at other numbers: graphs share their structure.
                        partial(_share_of_use, node=node, position=position),
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
                    f"that is d{parent}/d{node}, the local derivative on {_way(g, node, parent)} "
                    f"alone. The chain rule multiplies it by the gradient arriving at "
                    f"{parent} from above, d{out}/d{parent}.",
                    (node, parent),
                    ((LOCAL.name, parent, node),),
                )
            )
            if len(uses) > 1 and q.local(g, parent, node) == 1:
                continue  # d parent/d node = 1: that is one use's share, named above
            found.append(
                Mistake(
                    "upstream-only",
                    partial(q.grad, node=parent),
                    f"that is d{out}/d{parent}, the gradient arriving at {parent}. It still has "
                    f"to be multiplied by the local derivative on {_way(g, node, parent)}, "
                    f"d{parent}/d{node}.",
                    (node, parent),
                    ((GRAD.name, parent),),
                )
            )
        for op, mistake in _op_mistakes():
            for position, at in q.positions(g.output, op):
                found.append(
                    Mistake(
                        mistake.code,
                        partial(q.ruled_grad, node=node, position=position, rule=mistake.rule),
                        mistake.on_path(g, at),
                        _edge(g, at, node),
                    )
                )
            found += _believed_everywhere(question, op, mistake)
        for h in _nudges_of(question):
            found.append(
                Mistake(
                    "used-nudge",
                    partial(q.rise_over_run, node=node, h=h),
                    f"that is the rise over run with h = {short(h, 6)}, which only "
                    f"approximates the slope. The gradient is the limit as h → 0: "
                    f"d{out}/d{node} exactly.",
                    names=((NUDGE.name, node, h),),
                    approximates=True,
                )
            )
        found.append(
            Mistake(
                "forward-value",
                partial(q.value, node=node),
                f"that is the value of {node} from the forward pass. The question asks for "
                f"its gradient, d{out}/d{node}: how much {out} moves when {node} is nudged.",
                names=((VALUE.name, node),),
            )
        )
        found.append(wrong_sign(question))
        return found

    def prompt(self, question: Question[GradAsk]) -> str:
        n, out = question.ask.node, question.output
        return f"What is d{out}/d{n}, the gradient of `{out}` with respect to `{n}`?"

    def hints(self, question: Question[GradAsk]) -> list[str]:
        g, n, out = question.graph, question.ask.node, question.output
        if n == out:
            return [f"If {out} changes by a tiny h, how much does {out} change?"]
        parents = named_parents(question)
        if parents == [out]:
            definition = to_text(g.definitions[out])
            return [
                f"`{out}` = {definition} uses `{n}` directly: d{out}/d{n} is the local "
                f"derivative of {out} with respect to {n} (and d{out}/d{out} = 1).",
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

    def explain(self, question: Question[GradAsk]) -> list[str]:
        g, n, out, answer = (
            question.graph,
            question.ask.node,
            question.output,
            question.expected_text,
        )
        if n == out:
            return [f"d{out}/d{out} = 1: the output moves exactly as much as itself."]
        terms = [(p, g.grad(p), q.local(g, p, n)) for p in named_parents(question)]
        # The output's own use is its local derivative alone: "dL/dL · dL/dd" would
        # explain dL/dd by itself.
        symbols = " + ".join(
            f"∂{out}/∂{n}" if p == out else f"d{out}/d{p} · d{p}/d{n}" for p, _, _ in terms
        )
        numbers = " + ".join(
            f"({short(lo)})" if p == out else f"({short(up)}) × ({short(lo)})"
            for p, up, lo in terms
        )
        direct = f"{out} = {to_text(g.definitions[out])} uses {n} directly"
        if [p for p, _, _ in terms] == [out]:
            return [f"d{out}/d{n} = ∂{out}/∂{n}, the local derivative: {direct}", f"= {answer}"]
        lines = [f"d{out}/d{n} = {symbols}", f"= {numbers} = {answer}"]
        if any(p == out for p, _, _ in terms):
            lines.append(f"(∂{out}/∂{n}: {direct}; its local derivative there.)")
        return lines


@register
class LocalDerivative(Kind[LocalAsk]):
    """``ask = "local"``: d node / d wrt, for a direct input ``wrt`` of ``node``."""

    spec = LOCAL

    def quantity(self, ask: LocalAsk, out: str) -> tuple[Quantity, str]:
        n, w = ask.node, ask.wrt
        return partial(q.local, node=n, wrt=w), f"d{n}/d{w}"

    def keys(self, ask: LocalAsk, graph: Graph) -> set[Key]:
        # A local derivative of the output is also the gradient of an input that
        # only the output uses.
        found: set[Key] = {(self.name, ask.node, ask.wrt)}
        if ask.node == graph.output.label and all(
            q.owner(graph, consumer) == ask.node for consumer, _ in q.uses(graph, ask.wrt)
        ):
            found.add((GRAD.name, ask.wrt))
        return found

    def formula(self, question: Question[LocalAsk]):
        """d node / d wrt as a SymPy expression of the node names (``f``, ``1 - o**2``),
        from the limit-definition derivations."""
        from tutor.check.exact import local_formula

        return local_formula(question.graph, question.ask.node, question.ask.wrt)

    def edges(self, question: Question[LocalAsk]) -> list[tuple[str, str]]:
        return [(question.ask.node, question.ask.wrt)]

    def derivative(self, ask: LocalAsk, out: str) -> tuple[str, str] | None:
        return ask.node, ask.wrt

    def exact(self, question: Question[LocalAsk]) -> float:
        from tutor.check.exact import exact_local

        return float(exact_local(question.graph, question.ask.node, question.ask.wrt))

    def finite(self, question: Question[LocalAsk]) -> Estimate | None:
        root, env = q.local_graph(question.graph, question.ask.node)
        return slope(root, env[question.ask.wrt])

    def mistakes(self, question: Question[LocalAsk]) -> list[Mistake]:
        node, wrt, out = question.ask.node, question.ask.wrt, question.output
        root, _ = q.local_graph(question.graph, node)
        found = [
            Mistake(
                "with-upstream",
                lambda g2: q.local(g2, node, wrt) * g2.grad(node),
                f"that is the local derivative times the gradient from above, "
                f"d{out}/d{node}. The question asks only for the local derivative "
                f"d{node}/d{wrt}, on the edge {wrt} → {node}.",
                (wrt, node),
                # With one use of wrt, that product is d out / d wrt.
                ((GRAD.name, node), (GRAD.name, wrt))
                if len(q.uses(question.graph, wrt)) == 1
                else ((GRAD.name, node),),
            )
        ]
        for op, mistake in _op_mistakes():
            for position, at in q.positions(root, op):
                found.append(
                    Mistake(
                        mistake.code,
                        partial(q.local, node=node, wrt=wrt, rules={position: mistake.rule}),
                        mistake.on_edge(node, wrt, at, root),
                        (wrt, node),
                    )
                )
        found.append(wrong_sign(question))
        return found

    def prompt(self, question: Question[LocalAsk]) -> str:
        n, w = question.ask.node, question.ask.wrt
        text = f"What is d{n}/d{w}, the local derivative of `{n}` with respect to `{w}`?"
        if question.form == "expression":
            text += " Answer with an expression in the node names."
        return text

    def hints(self, question: Question[LocalAsk]) -> list[str]:
        n, w = question.ask.node, question.ask.wrt
        return [
            f"Nudge `{w}` by a tiny h with the other inputs of `{n}` held still: "
            f"({n}({w} + h) - {n}({w})) / h, and let h go to 0.",
            "For + the local derivative is 1; for * it is the other factor; for tanh it "
            "is 1 - (its output)**2.",
        ]

    def explain(self, question: Question[LocalAsk]) -> list[str]:
        n, w, answer = question.ask.node, question.ask.wrt, question.expected_text
        formula = str(question.formula)
        if formula == answer:
            return [f"d{n}/d{w} = {answer}."]
        return [f"d{n}/d{w} = {formula} = {answer} at the current numbers."]


@register
class RiseOverRun(Kind[NudgeAsk]):
    """``ask = "nudge"``: (output with node + h, minus output) / h, for a finite h."""

    spec = NUDGE
    graded_exactly = False

    def quantity(self, ask: NudgeAsk, out: str) -> tuple[Quantity, str]:
        return partial(q.rise_over_run, node=ask.node, h=ask.h), f"the rise over run of {out}"

    def keys(self, ask: NudgeAsk, graph: Graph) -> set[Key]:
        return {(self.name, ask.node, ask.h)}

    def exact(self, question: Question[NudgeAsk]) -> float:
        from tutor.check.exact import exact_leaf, exact_value, rebuilt

        graph, node = question.graph, question.ask.node
        h = Fraction(repr(question.ask.h))
        after = rebuilt(question.lesson, graph, {node: exact_leaf(graph, node) + h})
        rise = exact_value(after, after.output) - exact_value(graph, graph.output)
        return float(rise / h)

    def mistakes(self, question: Question[NudgeAsk]) -> list[Mistake]:
        node, out, h = question.ask.node, question.output, question.ask.h
        return [
            Mistake(
                "used-gradient",
                partial(q.grad, node=node),
                f"that is the exact slope d{out}/d{node}. The question asks for the rise over "
                f"run with a finite h = {short(h, 6)}, which differs from it a little.",
                names=((GRAD.name, node),),
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
            wrong_sign(question),
        ]

    def prompt(self, question: Question[NudgeAsk]) -> str:
        n, out, h = question.ask.node, question.output, short(question.ask.h, 6)
        return (
            f"Nudge `{n}` up by h = {h}. What is the rise over run, "
            f"({out} with {n} + h, minus {out}) / h?"
        )

    def hints(self, question: Question[NudgeAsk]) -> list[str]:
        g, n, out, h = question.graph, question.ask.node, question.output, question.ask.h
        now, moved = g.output.data, q.nudged_output(g, n, h)
        return [
            f"Run the forward pass again with {n} + h, subtract the old {out}, and divide by h.",
            f"{out} is {short(now, 6)} now and {short(moved, 9)} with {n} + h.",
        ]

    def explain(self, question: Question[NudgeAsk]) -> list[str]:
        g, n, out, h = question.graph, question.ask.node, question.output, question.ask.h
        moved = q.nudged_output(g, n, h)
        return [
            f"{out} with {n} + {short(h, 6)} is {full(moved)}; {out} is {full(g.output.data)}.",
            f"({full(moved)} - {full(g.output.data)}) / {short(h, 6)} = {question.expected_text}",
        ]


@register
class GradientStep(Kind[StepAsk]):
    """``ask = "step"``: the output after one step of gradient descent, every parameter
    moving by −rate × its gradient (as `train` and the training view move them)."""

    spec = STEP
    graded_exactly = False

    def quantity(self, ask: StepAsk, out: str) -> tuple[Quantity, str]:
        return partial(q.after_step, rate=-ask.rate, moves=ask.moves), f"{out} after the step"

    def keys(self, ask: StepAsk, graph: Graph) -> set[Key]:
        return {(self.name, ask.rate)}

    def exact(self, question: Question[StepAsk]) -> float:
        from tutor.check.exact import (
            as_fraction,
            exact_gradients,
            exact_leaf,
            exact_value,
            rebuilt,
        )

        graph = question.graph
        grads = exact_gradients(graph)
        rate = Fraction(repr(question.ask.rate))
        # Each parameter (each leaf, if the lesson names none) moves by −rate × its
        # gradient (exact, where the gradient is rational); the data stay.
        moved = {
            name: exact_leaf(graph, name) - rate * as_fraction(grads[leaf])
            for name, leaf in moved_leaves(graph, question.ask.moves).items()
        }
        after = rebuilt(question.lesson, graph, moved)
        return float(exact_value(after, after.output))

    def grad_sensitivity(self, question: Question[StepAsk], node: str, held: Set[str]) -> float:
        # A moved parameter's gradient as shown moves it by −rate × that: d after / d p
        # at the moved values, by a forward difference, times −rate.
        graph, rate = question.graph, question.ask.rate
        leaves = moved_leaves(graph, question.ask.moves)
        if node not in leaves:
            return 0.0
        moved = {leaf: leaf.data - rate * leaf.grad for leaf in leaves.values()}
        leaf = leaves[node]
        step = 1e-6 * max(1.0, abs(moved[leaf]))
        try:
            nudged = evaluate(graph.output, {**moved, leaf: moved[leaf] + step})
            return -rate * (nudged - evaluate(graph.output, moved)) / step
        except ArithmeticError:
            return 0.0

    def mistakes(self, question: Question[StepAsk]) -> list[Mistake]:
        out, rate, moves = question.output, question.ask.rate, question.ask.moves
        what = _moved(question)
        found = [
            Mistake(
                "unchanged",
                lambda g2: g2.output.data,
                f"that is {out} before the step. Move every {what} first, then run the "
                f"forward pass again.",
                names=((VALUE.name, out),),
            ),
            Mistake(
                "wrong-way",
                partial(q.after_step, rate=rate, moves=moves),
                f"each {what} moved *with* its gradient, uphill (by +{short(rate, 6)} × its "
                f"gradient), which makes {out} larger. A gradient-descent step moves each "
                f"{what} against its gradient: by -{short(rate, 6)} × it.",
            ),
            Mistake(
                "linear-estimate",
                partial(q.linear_estimate, rate=-rate, moves=moves),
                f"that is the first-order estimate {out} − rate × Σ grad². Close, but the "
                f"question asks for {out} recomputed by the forward pass at the new values.",
            ),
        ]
        leaves = list(moved_leaves(question.graph, moves))
        if len(leaves) > 1:
            for leaf in leaves:
                others = [x for x in leaves if x != leaf]
                found.append(
                    Mistake(
                        "one-parameter",
                        partial(q.after_step, rate=rate, moves=(leaf,)),
                        f"only {leaf} moved. A step moves every {what} at once: "
                        f"{listed(others)} too, each by {short(rate, 6)} × its own gradient.",
                    )
                )
        if moves is not None:
            found.append(
                Mistake(
                    "moved-data",
                    partial(q.after_step, rate=-rate),
                    "every leaf moved, the data too. A training step moves the parameters "
                    "only: the inputs and targets are the data set, not something to learn.",
                )
            )
        return [*found, wrong_sign(question)]

    def prompt(self, question: Question[StepAsk]) -> str:
        rate = short(question.ask.rate, 6)
        return (
            f"Take one gradient-descent step: move every {_moved(question)} by −{rate} × its "
            f"gradient and run the forward pass again. What is `{question.output}` now?"
        )

    def hints(self, question: Question[StepAsk]) -> list[str]:
        moves = ", ".join(
            f"{name} → {short(leaf.data - question.ask.rate * leaf.grad, 6)}"
            for name, leaf in moved_leaves(question.graph, question.ask.moves).items()
        )
        return [
            f"Each {_moved(question)} moves by -{short(question.ask.rate, 6)} × its gradient "
            "(downhill); then the forward pass runs again.",
            f"The new values: {moves}.",
        ]

    def explain(self, question: Question[StepAsk]) -> list[str]:
        rate = question.ask.rate
        moves = ", ".join(
            f"{name}: {short(leaf.data)} → {short(leaf.data - rate * leaf.grad, 6)}"
            for name, leaf in moved_leaves(question.graph, question.ask.moves).items()
        )
        return [
            f"Each {_moved(question)} moves by −{short(rate, 6)} × its gradient: {moves}.",
            f"Then {question.output} = {question.expected_text}.",
        ]


@register
class Training(Kind[TrainAsk]):
    """``ask = "train"``: the output, or a parameter, after ``steps`` updates of gradient
    descent at ``rate`` (zeroing the gradients before each backward(), or not)."""

    spec = TRAIN
    graded_exactly = False  # the symbolic descent takes seconds: `tutor check` runs it
    from_screen = False

    def quantity(self, ask: TrainAsk, out: str) -> tuple[Quantity, str]:
        at = partial(
            q.grad_after_training if ask.grad else q.after_training,
            rate=ask.rate,
            steps=ask.steps,
            zero_grad=ask.zero_grad,
            node=ask.node,
            moves=ask.moves,
        )
        what = ask.node if ask.node is not None else out
        if ask.grad:
            return at, f"{what}.grad after {ask.steps} steps"
        return at, f"{what} after {ask.steps} steps"

    def keys(self, ask: TrainAsk, graph: Graph) -> set[Key]:
        return {(self.name, ask.rate, ask.steps, ask.zero_grad, ask.node, ask.grad)}

    def screen_sources(self, question: Question[TrainAsk]) -> list[Source]:
        # Read off a training view shown before it, at this rate: the view writes the
        # loss and each parameter to 4 decimals (`training_panel`).
        from tutor.check.shown import Source, displayed

        ask = question.ask
        for step in question.lesson.steps:
            if step is ask:
                return []
            if isinstance(step, TrainingShow) and (
                (step.zero_grad == ask.zero_grad and ask.rate in (step.rate or 0.05, *step.compare))
                or (step.compare_zeroing and ask.rate == (step.rate or 0.05))
            ):
                return [Source("answer", "", displayed(question.expected))]
        return []

    def exact(self, question: Question[TrainAsk]) -> float:
        """The same training by `tutor.symbolic.descent`: every step's gradients from
        the derivations, the graph only read. The lesson's questions on the loss after
        k updates of the same training share one run (`_run_for`)."""
        from tutor.check.exact import leaf_values
        from tutor.symbolic.descent import descent

        ask, graph = question.ask, question.graph
        if ask.grad:  # the gradients the parameters held at the last update
            grad_key = ("symbolic-descent-grads", ask.rate, ask.zero_grad, ask.moves, ask.steps)
            if grad_key not in graph.cache:
                params = list(moved_leaves(graph, ask.moves).values())
                graph.cache[grad_key] = descent(
                    graph.output,
                    params,
                    Fraction(repr(ask.rate)),
                    ask.steps,
                    values=leaf_values(graph.exact),
                    zero_grad=ask.zero_grad,
                ).grads
            return float(graph.cache[grad_key][graph.nodes[_parameter(ask)]])
        steps = _run_for(question)
        key = ("symbolic-descent", ask.rate, ask.zero_grad, ask.moves, ask.node, steps)
        if key not in graph.cache:
            params = list(moved_leaves(graph, ask.moves).values())
            graph.cache[key] = descent(
                graph.output,
                params,
                Fraction(repr(ask.rate)),
                steps,
                values=leaf_values(graph.exact),
                zero_grad=ask.zero_grad,
            )
        result = graph.cache[key]
        if ask.node is None or ask.node == graph.output.label:
            return float(result.losses[ask.steps] if ask.steps < steps else result.final_loss)
        return float(result.values[graph.nodes[ask.node]])

    def finite(self, question: Question[TrainAsk]) -> Estimate | None:
        """The same training with every gradient by central differences (shared as
        `exact` shares its run)."""
        ask, graph = question.ask, question.graph
        if ask.grad:  # the gradients held at the last of exactly `steps` updates
            grad_key = ("finite-descent-grads", ask.rate, ask.zero_grad, ask.moves, ask.steps)
            if grad_key not in graph.cache:
                params = list(moved_leaves(graph, ask.moves).values())
                held: dict = {}
                finite_difference_descent(
                    graph.output, params, ask.rate, ask.steps, zero_grad=ask.zero_grad, grads=held
                )
                graph.cache[grad_key] = held
            return Estimate(graph.cache[grad_key][graph.nodes[_parameter(ask)]])
        steps = _run_for(question)
        key = ("finite-descent", ask.rate, ask.zero_grad, ask.moves, ask.node, steps)
        if key not in graph.cache:
            params = list(moved_leaves(graph, ask.moves).values())
            graph.cache[key] = finite_difference_descent(
                graph.output, params, ask.rate, steps, zero_grad=ask.zero_grad
            )
        losses, current = graph.cache[key]
        if ask.node is None or ask.node == graph.output.label:
            if ask.steps < steps:
                return Estimate(losses[ask.steps])
            return Estimate(evaluate(graph.output, current))
        return Estimate(current[graph.nodes[ask.node]])

    def mistakes(self, question: Question[TrainAsk]) -> list[Mistake]:
        ask, out = question.ask, question.output
        what = ask.node if ask.node is not None else out
        if ask.grad:
            return self._grad_mistakes(question)
        found = [
            Mistake(
                "unchanged",
                lambda g: g.value(what),
                f"that is {what} before any update. Training moves the parameters "
                f"{ask.steps} times, and {what} moves with them.",
                names=((VALUE.name, what),),
            )
        ]
        if ask.steps > 1 and what == out:
            found.append(
                Mistake(
                    "last-printed",
                    lambda g: q.trained(g, ask.rate, ask.steps, ask.zero_grad, ask.moves)[0][-1],
                    f"that is {out} before update {ask.steps}, as the lecture's loop prints it "
                    f"(the training view's step {ask.steps - 1}). The question asks for {out} "
                    f"after {ask.steps} updates (step {ask.steps}).",
                )
            )
        found.append(
            _other_zeroing(
                ask,
                q.after_training,
                ask.node,
                zeroed="that is the loop that zeroes the gradients before each backward(), "
                "read as this one. This loop never zeroes them: each update steps with every "
                "gradient so far, added up.",
                not_zeroed="that is the loop that never zeroes the gradients, read as this one: "
                "there they added up. This loop zeroes them before each backward().",
            )
        )
        return found + _miscounted(question) + _other_rates(question)

    def _grad_mistakes(self, question: Question[TrainAsk]) -> list[Mistake]:
        """``grad = true``: the gradient held after the updates, and its wrong turns."""
        ask, node = question.ask, _parameter(question.ask)
        return [
            wrong_sign(question),
            Mistake(
                "unchanged",
                lambda g: g.grad(node),
                f"that is the gradient of {node} before any update. After {ask.steps} "
                f"updates the parameters have moved, and so has the gradient.",
                names=((GRAD.name, node),),
            ),
            _other_zeroing(
                ask,
                q.grad_after_training,
                node,
                zeroed="that is the gradient with the gradients zeroed before each backward(); "
                "without zeroing, .grad holds the sum of every step's gradients.",
                not_zeroed="that is the sum of every step's gradients, as without zeroing. "
                "Zeroed before each backward(), .grad holds the last step's gradient only.",
            ),
        ]

    def prompt(self, question: Question[TrainAsk]) -> str:
        ask, out = question.ask, question.output
        rate = short(ask.rate, 6)
        zero = "zeroing" if ask.zero_grad else "without zeroing"
        loop = (
            f"Train by gradient descent at rate {rate}, {zero} the gradients before each "
            f"backward(): {ask.steps} updates, each moving every parameter by −{rate} × its "
            "gradient."
        )
        if ask.grad:
            return (
                f"{loop} What is `{ask.node}.grad` after them: the gradient the last update used?"
            )
        if ask.node is None or ask.node == out:
            return f"{loop} What is `{out}` after the {ask.steps} updates?"
        return f"{loop} What is the parameter `{ask.node}` after them?"

    def hints(self, question: Question[TrainAsk]) -> list[str]:
        return [
            "Each update: forward pass, zero the gradients, backward(), then every parameter "
            "moves by −rate × its gradient. The engine does this in the training view; count "
            "the updates, not the prints.",
        ]

    def explain(self, question: Question[TrainAsk]) -> list[str]:
        ask, out = question.ask, question.output
        losses, _, final = q.trained(question.graph, ask.rate, ask.steps, ask.zero_grad, ask.moves)
        shown = ", ".join(short(x) for x in losses[:8]) + (", …" if len(losses) > 8 else "")
        lines = [
            f"{out} before each of the {ask.steps} updates: {shown}; after the last: "
            f"{short(final)}."
        ]
        if ask.grad:
            lines.append(
                f"{ask.node}.grad after the {ask.steps} updates (what the last update "
                f"used{'' if ask.zero_grad else ', summed over every step'}): "
                f"{question.expected_text}."
            )
        elif ask.node is not None and ask.node != out:
            lines.append(f"{ask.node} after the {ask.steps} updates: {question.expected_text}.")
        return lines


@register
class AccumulatedGradient(Kind[AccumulatedAsk]):
    """``ask = "accumulated"``: the gradient a leaf holds after ``passes`` forward and
    backward passes without zeroing (micrograd's ``backward()`` adds)."""

    spec = ACCUMULATED

    def quantity(self, ask: AccumulatedAsk, out: str) -> tuple[Quantity, str]:
        passes = ask.passes or 2
        at = partial(q.accumulated, node=ask.node, passes=passes, of=ask.of)
        return at, f"{ask.node}.grad after {passes} backward() calls on {ask.of or out}"

    def keys(self, ask: AccumulatedAsk, graph: Graph) -> set[Key]:
        return {(self.name, ask.node, ask.passes, ask.of)}

    def exact(self, question: Question[AccumulatedAsk]) -> float:
        from tutor.check.exact import exact_gradients

        graph = question.graph  # the graph of `of`, if the question names one
        passes = question.ask.passes or 2
        # Each backward() without zeroing adds the same gradient once more.
        return float(passes * exact_gradients(graph)[graph.nodes[question.ask.node]])

    def grad_sensitivity(
        self, question: Question[AccumulatedAsk], node: str, held: Set[str]
    ) -> float:
        # The gradient found once, added ``passes`` times.
        return float(question.ask.passes or 2) if node == question.ask.node else 0.0

    def finite(self, question: Question[AccumulatedAsk]) -> Estimate | None:
        graph = question.graph
        once = slope(graph.output, graph.nodes[question.ask.node])
        if once.value is None:
            return once
        return Estimate((question.ask.passes or 2) * once.value, once.step)

    def mistakes(self, question: Question[AccumulatedAsk]) -> list[Mistake]:
        ask = question.ask
        return [
            Mistake(
                "one-pass",
                partial(q.accumulated, node=ask.node, passes=1, of=ask.of),
                f"that is what {ask.node}.grad holds after one backward(), as if the second "
                f"replaced the first. Without zeroing, the second adds its gradient to what "
                f"{ask.node}.grad already holds.",
                names=((GRAD.name, ask.node),),
            ),
            wrong_sign(question),
        ]

    def prompt(self, question: Question[AccumulatedAsk]) -> str:
        passes = question.ask.passes or 2
        return (
            f"Call backward() on `{question.output}` {passes} times without zeroing the "
            f"gradients in between. What does `{question.ask.node}.grad` hold then?"
        )

    def hints(self, question: Question[AccumulatedAsk]) -> list[str]:
        g, n = question.graph, question.ask.node
        return [
            f"One backward() gives `{n}` its gradient, {short(g.grad(n))}. Without zeroing, "
            "the next call adds its own gradient on top.",
        ]

    def explain(self, question: Question[AccumulatedAsk]) -> list[str]:
        g, n, out = question.graph, question.ask.node, question.output
        passes = question.ask.passes or 2
        once = short(g.grad(n))
        return [
            f"One backward() gives d{out}/d{n} = {once}; {passes} calls without zeroing add "
            f"it {passes} times: {passes} × {once} = {question.expected_text}.",
        ]


@register
class ParameterCount(Kind[CountAsk]):
    """``ask = "count"``: how many parameters the lesson's model has."""

    spec = COUNT
    from_screen = False
    kinks_matter = False

    def quantity(self, ask: CountAsk, out: str) -> tuple[Quantity, str]:
        return partial(q.count, moves=ask.moves), "the number of parameters"

    def keys(self, ask: CountAsk, graph: Graph) -> set[Key]:
        return {(self.name,)}

    def exact(self, question: Question[CountAsk]) -> float:
        # The parameters the lesson declares (a model: one weight per input and one bias
        # per neuron), against the engine's count of the graph's leaves among them.
        return float(len(question.ask.moves or ()))

    def mistakes(self, question: Question[CountAsk]) -> list[Mistake]:
        shape = q.layers(question.ask.moves)
        if shape is None:  # parameters the lesson lists itself: no layers to miscount
            return []
        total = sum(size for _, _, size in shape)
        biases = sum(neurons for neurons, _, _ in shape)
        found = [
            Mistake(
                "no-biases",
                lambda g: float(total - biases),
                "that counts the weights only. Each neuron also has a bias, and parameters() "
                "lists it with the weights: self.w + [self.b].",
            )
        ]
        if len(shape) > 1:
            for layer, (neurons, inputs, size) in enumerate(shape, start=1):
                found.append(
                    Mistake(
                        "missing-layer",
                        _constant(float(total - size)),
                        f"that leaves out layer {layer} (its {_neurons(neurons)} of {inputs} "
                        f"input{'s' if inputs > 1 else ''} each). n.parameters() gathers the "
                        "parameters of every layer.",
                    )
                )
        return found

    def prompt(self, question: Question[CountAsk]) -> str:
        return "How many parameters does the model have (weights and biases)?"

    def hints(self, question: Question[CountAsk]) -> list[str]:
        return ["Each neuron has one weight per input and one bias; add them up layer by layer."]

    def explain(self, question: Question[CountAsk]) -> list[str]:
        return [
            f"One weight per input and one bias per neuron: {question.expected_text} parameters."
        ]


@register
class BackwardBody(Kind[BackwardAsk]):
    """``ask = "backward"``: the body of ``_backward`` for the op that makes ``node``, as
    micrograd writes it; read (never run), proved against the derivation and run as data
    by `tutor.check.backward`. Its number, for the checks every kind shares, is the local
    derivative of the node with respect to its first operand."""

    spec = BACKWARD
    kinks_matter = False
    from_screen = False

    def quantity(self, ask: BackwardAsk, out: str) -> tuple[Quantity, str]:
        return partial(q.first_local, node=ask.node), f"the `_backward` of `{ask.node}`"

    def edges(self, question: Question[BackwardAsk]) -> list[tuple[str, str]]:
        # ctrl+l derives the local derivatives the body is made of.
        node = question.graph.nodes[question.ask.node]
        return [(question.ask.node, x.label) for x in dict.fromkeys(node.inputs) if x.label]

    def exact(self, question: Question[BackwardAsk]) -> float:
        from tutor.check.exact import leaf_values
        from tutor.symbolic.derivations import derivation
        from tutor.symbolic.graph import exponent, node_values

        node = question.graph.nodes[question.ask.node]
        values = node_values(node, leaf_values(question.graph.exact))
        at = [values[x] for x in node.inputs]
        found = derivation(node.op, 0, exponent=exponent(node), at=at)
        return float(found.at(dict(zip(found.inputs, at, strict=True))))

    def finite(self, question: Question[BackwardAsk]) -> Estimate | None:
        node = question.graph.nodes[question.ask.node]
        fresh = [Value(x.data) for x in node.inputs]
        return slope(apply(OPS[node.op], fresh, node.param), fresh[0])

    def mistakes(self, question: Question[BackwardAsk]) -> list[Mistake]:
        return []  # diagnosed on the body itself: `tutor.check.backward`

    def grade_text(self, question: Question[BackwardAsk], text: str) -> Verdict | None:
        from tutor.check.backward import verdict

        return verdict(question, text)

    def answer_text(self, question: Question[BackwardAsk]) -> str:
        from tutor.check.backward import asked_op

        return asked_op(question.graph.nodes[question.ask.node]).method.body()

    def code_lines(self, question: Question[BackwardAsk]) -> list[str] | None:
        from tutor.check.backward import asked_op

        node = question.graph.nodes[question.ask.node]
        k = None if node.param is None else Fraction(repr(node.param))
        return asked_op(node).method.lines(k)

    def self_check(self, question: Question[BackwardAsk]) -> list[str]:
        from tutor.check.backward import self_check

        return self_check(question)

    def prompt(self, question: Question[BackwardAsk]) -> str:
        n = question.ask.node
        return (
            f"`{n} = {to_text(question.graph.definitions[n])}`. Write the body of `_backward` "
            "for the op that makes it, as micrograd does: give each operand its share of the "
            "gradient."
        )

    def hints(self, question: Question[BackwardAsk]) -> list[str]:
        return [
            "Each operand's gradient gets its share: the local derivative d out/d operand, "
            "times `out.grad`, the gradient that reached the op's output.",
            "Derive the local derivative with ctrl+l. A Value may be used more than once: "
            "add its share with `+=`.",
        ]

    def explain(self, question: Question[BackwardAsk]) -> list[str]:
        return [
            "The lecture's `_backward`, each operand's local derivative times out.grad:",
            *self.answer_text(question).split("\n"),
        ]


# -- helpers of the kinds ----------------------------------------------------------------


def _edge(graph: Graph, node: Value, towards: str) -> tuple[str, str] | None:
    """The edge into ``node`` on the way from the node ``towards``, where the graph draws
    it: both ends named. None where an unnamed node stands between (the product
    w1 * x1_1 inside ypred1, the error inside L1 = (ypred1 - y1)**2): then the
    explanation names the place itself, and no edge the drawing lacks is marked."""
    target = graph.nodes[towards]
    if not node.label:
        return None
    for x in node.inputs:
        if x is target or target in topo_order(x):
            return (x.label, node.label) if x.label else None
    return None


def _moved(question: Question[StepAsk]) -> str:
    """What a step moves, in a word: the lesson's parameters, or every leaf."""
    return "leaf" if question.ask.moves is None else "parameter"


def _nudges_of(question: Question[GradAsk]) -> list[float]:
    """The h of every nudge question about the same node in the lesson (else 0.001)."""
    hs = [
        a.h
        for a in question.lesson.questions
        if isinstance(a, NudgeAsk) and a.node == question.ask.node
    ]
    return hs or [0.001]


def _op_mistakes() -> list[tuple[str, OpMistake]]:
    """The wrong local derivatives believed at one op, with the op's name."""
    return [*OP_MISTAKES.items(), *SKIPPED.items()]


def _believed_everywhere(question: Question[GradAsk], op: str, mistake: OpMistake) -> list[Mistake]:
    """``mistake`` believed at every node of ``op`` on the way down to the question's
    node (a student who believes a rule believes it at each), where there are two or
    more: the square's factor forgotten in every example's loss."""
    if mistake.on_all is None:
        return []
    g, node = question.graph, question.ask.node
    reached = q.reached(g, node)
    places = [(p, at) for p, at in q.positions(g.output, op) if at in reached]
    if len(places) < 2:
        return []
    owners = list(dict.fromkeys(q.owner(g, at) for _, at in places))
    rules = {p: mistake.rule for p, _ in places}
    return [Mistake(mistake.code, partial(q.grad, node=node, rules=rules), mistake.on_all(owners))]


def _one_example(question: Question[GradAsk]) -> list[Mistake]:
    """In a network lesson, a gradient of the whole loss answered with one example's:
    the gradient of one term of ``L = L1 + L2 + ...`` that the node is in."""
    g, node, out = question.graph, question.ask.node, question.output
    if question.lesson.model_line is None:
        return []
    losses = q.examples(g)
    within = [loss for loss in losses if q.depends(g, loss, node)]
    if len(within) < 2:
        return []
    return [
        Mistake(
            "one-example",
            partial(q.grad_of, node=node, of=loss),
            f"that is example {losses.index(loss) + 1}'s pull alone, d{loss}/d{node}. {out} "
            f"adds the squared errors of all {len(losses)} examples, and {node} is in "
            f"{'each' if len(within) == len(losses) else len(within)} of them: d{out}/d{node} "
            "adds up the gradients of every example.",
            names=((GRAD.name, node, loss),),
        )
        for loss in within
    ]


def _forward_mistakes(question: Question[ValueAsk]) -> list[Mistake]:
    """A forward value with a step of the forward pass left out: the activation (the
    node's own, or every one on the way), the square, one term of a sum (the bias), or
    every example's squared error but one."""
    g, node = question.graph, question.ask.node
    root = g.nodes[node]
    if root.is_leaf:
        return []
    cone = topo_order(root)
    found: list[Mistake] = []
    if q.is_activation(root):
        z, op = root.inputs[0].label, root.op
        found.append(
            Mistake(
                "no-activation",
                lambda g2: g2.nodes[node].inputs[0].data,
                f"that is {z or 'the input of ' + op}, before the activation: {node} = "
                f"{op}({z or '…'}), and the forward pass applies {op} to it.",
                names=((VALUE.name, z),) if z else (),
            )
        )
    activations = [v for v in cone if q.is_activation(v)]
    if len(activations) > 1:
        kinds = "/".join(dict.fromkeys(v.op for v in activations))
        owners = list(dict.fromkeys(q.owner(g, v) for v in activations))
        found.append(
            Mistake(
                "no-activation",
                partial(q.forward_without, node=node, skip=q.is_activation),
                f"that is {node} from a forward pass with no {kinds} at all. Every neuron "
                f"applies its {kinds} to its weighted sum, in every layer on the way "
                f"({listed(owners)}), not only the last.",
            )
        )
    squares = [v for v in cone if q.is_square(v)]
    if squares:
        owners = list(dict.fromkeys(q.owner(g, v) for v in squares))
        found.append(
            Mistake(
                "no-square",
                partial(q.forward_without, node=node, skip=q.is_square),
                f"the square was left out: that is the error, not its square. {owners[0]} = "
                f"{to_text(g.definitions[owners[0]])} squares it."
                if len(owners) == 1
                else f"the squares were left out: that adds up the errors, not their squares. "
                f"Each of {listed(owners)} squares its error, and only then are they added.",
            )
        )
    params = set(question.lesson.parameters or ())
    parts = q.terms(g.definitions[node])
    for term in parts if len(parts) > 1 else ():
        if isinstance(term, Name) and g.nodes[term.id].is_leaf:
            what = "the bias " if term.id in params and term.id.startswith("b") else ""
            found.append(
                Mistake(
                    "left-out-term",
                    partial(_without_term, node=node, term=term.id),
                    f"that leaves out {what}{term.id}: {node} adds it to the rest.",
                )
            )
    losses = q.examples(g) if question.lesson.model_line is not None else []
    if node == question.output and losses:
        for e, loss in enumerate(losses, start=1):
            found.append(
                Mistake(
                    "one-example",
                    partial(q.value, node=loss),
                    f"that is example {e}'s squared error alone, {loss}. {node} adds the "
                    f"squared errors of all {len(losses)} examples.",
                    names=((VALUE.name, loss),),
                )
            )
    return found


def _other_zeroing(
    ask: TrainAsk, train: Callable[..., float], node: str | None, *, zeroed: str, not_zeroed: str
) -> Mistake:
    """The same training read with the other zeroing (``train``: `q.after_training` or
    `q.grad_after_training`); ``zeroed``/``not_zeroed`` say what the number the student
    gave is, by the loop it came from."""
    other = not ask.zero_grad
    return Mistake(
        "zeroing" if other else "not-zeroing",
        partial(
            train,
            rate=ask.rate,
            steps=ask.steps,
            zero_grad=other,
            node=node,
            moves=ask.moves,
        ),
        zeroed if other else not_zeroed,
    )


def _miscounted(question: Question[TrainAsk]) -> list[Mistake]:
    """A training read one update off: one too many (and, for a parameter, one short;
    for the loss that is `last-printed`)."""
    ask, out = question.ask, question.output
    what = ask.node if ask.node is not None else out
    counts = [ask.steps + 1] + ([ask.steps - 1] if ask.steps > 1 and what != out else [])
    return [
        Mistake(
            "one-update-more" if steps > ask.steps else "one-update-short",
            partial(
                q.after_training,
                rate=ask.rate,
                steps=steps,
                zero_grad=ask.zero_grad,
                node=ask.node,
                moves=ask.moves,
            ),
            f"that is {what} after {steps} updates, one "
            f"{'too many' if steps > ask.steps else 'short'}. The question asks for {what} "
            f"after {ask.steps}.",
            names=((TRAIN.name, ask.rate, steps, ask.zero_grad, ask.node),),
        )
        for steps in counts
    ]


def _other_rates(question: Question[TrainAsk]) -> list[Mistake]:
    """A loss read off another curve of the training view the question reads: the same
    training at another of the rates it shows."""
    ask, out = question.ask, question.output
    what = ask.node if ask.node is not None else out
    rates: list[float] = []
    for step in question.lesson.steps:
        if step is ask:
            break
        if isinstance(step, TrainingShow) and step.zero_grad == ask.zero_grad:
            shown = [step.rate or 0.05, *step.compare]
            if ask.rate in shown:
                rates = [r for r in shown if r != ask.rate]
    return [
        Mistake(
            "other-rate",
            partial(
                q.after_training,
                rate=rate,
                steps=ask.steps,
                zero_grad=ask.zero_grad,
                node=ask.node,
                moves=ask.moves,
            ),
            f"that is {what} on another curve of the view, the one at rate {short(rate, 6)}. "
            f"The question asks for the curve at rate {short(ask.rate, 6)}.",
            names=((TRAIN.name, rate, ask.steps, ask.zero_grad, ask.node),),
        )
        for rate in rates
    ]


def _way(graph: Graph, node: str, parent: str) -> str:
    """The way from ``node`` to the named node ``parent`` that uses it, as the graph
    draws it: the edge itself, or through the unnamed node in between (w1 → w1 * x1_1 →
    ypred1), so that no edge the drawing lacks is named."""
    via = [c for c, _ in q.uses(graph, node) if q.owner(graph, c) == parent]
    if not via or via[0] is graph.nodes[parent]:
        return f"the edge {node} → {parent}"
    c = via[0]
    labels = [x.label or "(…)" for x in c.inputs]
    symbol = OPS[c.op].symbol
    inner = f"{labels[0]} {symbol} {labels[1]}" if len(labels) == 2 else f"{symbol}({labels[0]})"
    return f"the way {node} → {inner} → {parent}"


def _neurons(n: int) -> str:
    return f"{n} neuron{'s' if n > 1 else ''}"


_undeclared = set(SPECS) - set(KINDS)
if _undeclared:
    raise ImportError(f"question kinds without a class in tutor.check.kinds: {_undeclared}")


def _run_for(question: Question[TrainAsk]) -> int:
    """How many updates to run for a training question: for one on the loss, the most
    that any of the lesson's questions on the loss asks of the same training (the same
    rate, zeroing and moved leaves), since the loss after k updates is the loss the run
    starts its update k + 1 from; for one on a parameter, its own."""
    ask = question.ask
    if ask.node is not None and ask.node != question.output:
        return ask.steps
    same = (ask.rate, ask.zero_grad, ask.moves)
    return max(
        other.steps
        for other in question.lesson.questions
        if isinstance(other, TrainAsk)
        and (other.rate, other.zero_grad, other.moves) == same
        and (other.node is None or other.node == question.output)
    )


def _constant(value: float) -> Quantity:
    """The same number at any numbers."""
    return lambda g: value


def _share_of_use(graph: Graph, node: str, position: int) -> float:
    """The share of ``node``'s gradient that flows along its use at ``position``."""
    return q.share(graph, *q.uses(graph, node)[position])


def _without_term(graph: Graph, node: str, term: str) -> float:
    """``node``'s value with the term ``term`` of its sum left out."""
    return graph.value(node) - graph.value(term)


def _parameter(ask: TrainAsk) -> str:
    """The parameter whose gradient a ``grad = true`` training question asks for (the
    loader holds such a question to name one)."""
    if ask.node is None:
        raise ValueError("`grad = true` names no parameter")
    return ask.node
