"""Your engine, trained: gradient descent whose backward pass runs the student's rules.

In the write-backward lesson the student types each op's ``_backward`` body; the
tutor records every answer (`tutor.progress`). This module reads back the last
body submitted for each op, right or wrong, parses it with the same whitelist
that graded it (`tutor.expr.backward`) and runs it **as data**: each statement's
tree is turned into a chain of calls to the op table's forward functions, never
into Python source, and nothing is executed with ``exec`` or ``eval``.

`YourGraphTrainer` and `YourTrainer` are the engine's trainers with that backward
pass: at every node made by an op the student has written, the student's statements
set its operands' gradients (``+=``, ``-=`` or ``=``, as written); at a node of an
op they have not written (``-`` in the lecture's loss, which no lesson asks for),
the tutor's rule from the op table, and `EngineRules.fallback` names those ops so
that the screen can say so. Right rules give the tutor's loss curve; ``=`` for
``+=``, or a forgotten ``out.grad``, give another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from tutor.engine.ops import BINARY, NEG, OPS, POW, EngineError
from tutor.engine.train import GraphTrainer, Trainer
from tutor.engine.value import Value, topo_order
from tutor.expr import BinOp, Call, Expr, ExprError, Name, Neg, Num, Pow
from tutor.expr.backward import METHODS, expr_size, parse_backward
from tutor.lesson.kinds import BackwardAsk
from tutor.status import CORRECT, INCORRECT

#: The ops a student must have written before their engine trains: the network's own.
WRITTEN = ("add", "mul", "tanh")
#: The lesson that asks for them (its id), named on screen when some are missing.
LESSON = "write-backward"
_OWNERS = ("self", "other")
#: The operations of the student's rules one backward pass may run (each statement's
#: tree counted once per node of its op): about 50 ms a step. The lecture's rules on
#: the lecture's network run about 2,000; a body at the bounds of a code answer (800
#: operations a statement, 12 statements) on a large graph would run millions.
MAX_WORK = 100_000


def symbol(op: str) -> str:
    """How an op is written: ``+``, ``*``, ``tanh``, ``**``."""
    return OPS[op].symbol if op != "neg" else "neg"


# -- the rules the student wrote, from the progress store ---------------------------------------


@dataclass(frozen=True)
class StudentRules:
    """The last ``_backward`` body the student submitted for each op (by op name)."""

    texts: Mapping[str, str] = field(default_factory=dict)
    #: Where each op's ``_backward`` is asked for: "lesson 17 (Write _backward)".
    asked_in: Mapping[str, str] = field(default_factory=dict)

    def missing(self, ops: Iterable[str] = WRITTEN) -> list[str]:
        """The ops of ``ops`` the student has not written yet."""
        return [op for op in ops if op not in self.texts]

    @property
    def complete(self) -> bool:
        return not self.missing()


def backward_questions(lesson) -> dict[int, str]:
    """Each ``ask = "backward"`` question of ``lesson`` (by its index among the
    questions) and the op its node is made by."""
    made = {a.name: a.expr for a in lesson.assignments}
    found = {}
    for index, ask in enumerate(lesson.questions):
        if not isinstance(ask, BackwardAsk) or ask.node not in made:
            continue
        op = _op_of(made[ask.node])
        if op is not None:
            found[index] = op
    return found


def _op_of(expr: Expr) -> str | None:
    match expr:
        case BinOp(op=sign):
            return BINARY[sign].name
        case Pow():
            return "pow"
        case Call(func=func):
            return func
        case Neg():
            return "neg"
    return None


def student_rules(rows: Iterable[Mapping[str, object]], lessons: Iterable) -> StudentRules:
    """The student's rules from stored answers (``ProgressStore.answer_rows()``, oldest
    first): for each op, the last body submitted to a question that asks for its
    ``_backward`` in any of ``lessons``, graded right or wrong (a body the tutor could
    not read, a reveal or a skip is no rule)."""
    asked: dict[tuple[str, int], str] = {}
    asked_in: dict[str, str] = {}
    for lesson in lessons:
        for index, op in backward_questions(lesson).items():
            asked[(lesson.id, index)] = op
            number = f"lesson {lesson.order} " if lesson.order is not None else "the lesson "
            asked_in.setdefault(op, f"{number}({lesson.title})")
    texts: dict[str, str] = {}
    for row in rows:
        lesson_id, question, text = row["lesson_id"], row["question_index"], row["answer"]
        if not (isinstance(lesson_id, str) and isinstance(question, int)):
            continue
        written = asked.get((lesson_id, question))
        if written is None or row["verdict"] not in (CORRECT, INCORRECT):
            continue
        if not isinstance(text, str):
            continue
        if text.strip():
            texts[written] = text
    return StudentRules(texts, asked_in)


# -- a rule as data: parsed, then a tree of calls to the op table ---------------------------------

Reads = Mapping[str, float]
Compiled = Callable[[Reads], float]


def _compile(expr: Expr) -> Compiled:
    """A function of the values a body reads that computes ``expr`` with the op table's
    forward functions: the tree is walked once, here; nothing is parsed or run as text."""
    match expr:
        case Num(value=q):
            number = float(q)
            return lambda reads: number
        case Name(id=ident):
            return lambda reads: reads[ident]
        case Neg(operand=x):
            inner = _compile(x)
            neg = NEG.forward
            return lambda reads: neg((inner(reads),), None)
        case BinOp(op=sign, left=left, right=right):
            a, b = _compile(left), _compile(right)
            forward = BINARY[sign].forward
            return lambda reads: forward((a(reads), b(reads)), None)
        case Pow(base=base, exponent=k):
            inner, exponent = _compile(base), float(k)
            power = POW.forward
            return lambda reads: power((inner(reads),), exponent)
        case Call(func=func, arg=arg):
            inner = _compile(arg)
            forward = OPS[func].forward
            return lambda reads: forward((inner(reads),), None)
    raise TypeError(f"not an expression: {expr!r}")


@dataclass(frozen=True, slots=True)
class _Statement:
    target: int  # 0: self, 1: other
    op: str  # "+=", "-=", "="
    value: Compiled
    size: int  # the operations (tree nodes) computing it takes


@dataclass
class EngineRules:
    """The student's rules made ready for a graph's ops: which ops run the student's
    statements, which the tutor's rule (`fallback`), and why (`problems`)."""

    rules: StudentRules
    #: (op name, param) -> the statements of the student's body, for ops they wrote.
    plans: dict[tuple[str, float | None], tuple[_Statement, ...]] = field(default_factory=dict)
    #: The ops of the graph that run the tutor's rule (the student wrote none, or it
    #: could not be read for this graph), by op name.
    fallback: list[str] = field(default_factory=list)
    #: Why a body written for an op could not be used here, in words.
    problems: list[str] = field(default_factory=list)
    #: The ops of the graph that run the student's rule, by op name.
    yours: list[str] = field(default_factory=list)

    @classmethod
    def for_nodes(cls, rules: StudentRules, nodes: Iterable[Value]) -> EngineRules:
        found = cls(rules)
        counts: dict[tuple[str, float | None], int] = {}
        for n in nodes:
            if not n.is_leaf:
                counts[(n.op, n.param)] = counts.get((n.op, n.param), 0) + 1
        for key in counts:
            found._prepare(*key)
        work = {key: counts[key] * sum(s.size for s in plan) for key, plan in found.plans.items()}
        while found.plans and sum(work.values()) > MAX_WORK:  # the costliest rule goes first
            key = max(work, key=work.__getitem__)
            total = sum(work.values())
            del found.plans[key], work[key]
            op = key[0]
            found.problems.append(
                f"your rule for {symbol(op)} is too long to train with here ({total:,} "
                f"operations a step, at most {MAX_WORK:,}): the tutor's runs instead"
            )
            if not any(k[0] == op for k in found.plans):
                found.yours.remove(op)
                _add(found.fallback, op)
        return found

    def _prepare(self, op: str, param: float | None) -> None:
        text, method = self.rules.texts.get(op), METHODS.get(op)
        if text is None or method is None:
            _add(self.fallback, op)
            return
        exponent = None if param is None else Fraction(repr(param))
        try:
            rule = parse_backward(text, binary=method.binary, exponent=exponent)
        except ExprError as error:
            self.problems.append(f"your rule for {symbol(op)} cannot be read: {error.message}")
            _add(self.fallback, op)
            return
        self.plans[(op, param)] = tuple(
            _Statement(_OWNERS.index(s.target), s.op, _compile(s.expr), expr_size(s.expr))
            for s in rule.statements
        )
        _add(self.yours, op)

    def backward(self, root: Value, order: Sequence[Value], *, accumulate: bool = True) -> None:
        """``root.backward()`` over ``order`` (its `topo_order`), each node of an op the
        student wrote running the student's statements. A rule whose value is not a
        finite number, or leaves its op's domain, raises `EngineError` naming the op."""
        if not accumulate:
            for node in order:
                node.grad = 0.0
        root.grad = 1.0
        plans = self.plans
        isfinite = math.isfinite
        for node in reversed(order):
            x, y, op = node._x, node._y, node._op
            if x is None or op is None:
                continue
            plan = plans.get((op.name, node.param))
            if plan is None:  # the tutor's rule, as `backward_over` runs it
                if y is not None:
                    dx, dy = op.local((x.data, y.data), node.data, node.param)
                    x.grad += dx * node.grad
                    y.grad += dy * node.grad
                else:
                    (dx,) = op.local((x.data,), node.data, node.param)
                    x.grad += dx * node.grad
                continue
            operands = (x, y if y is not None else x)  # `other` is only read where there is one
            reads = {"self.data": x.data, "out.data": node.data, "out.grad": node.grad}
            if y is not None:
                reads["other.data"] = y.data
            for statement in plan:
                reads["self.grad"] = x.grad
                if y is not None:
                    reads["other.grad"] = y.grad
                try:
                    value = statement.value(reads)
                except EngineError as exc:
                    raise _failed(node, exc.message) from None
                except ArithmeticError as exc:
                    raise _failed(node, str(exc)) from None
                if not isfinite(value):
                    raise _failed(node, f"it gives {value}")
                target = operands[statement.target]
                if statement.op == "+=":
                    target.grad += value
                elif statement.op == "-=":
                    target.grad -= value
                else:
                    target.grad = value

    def note(self) -> str:
        """What the screen says about whose rules run: yours for which ops, the
        tutor's for which (and why)."""
        parts = []
        if self.yours:
            parts.append("your _backward for " + " ".join(map(symbol, _ordered(self.yours))))
        if self.fallback:
            parts.append(
                "the tutor's for "
                + " ".join(map(symbol, _ordered(self.fallback)))
                + " (you wrote none)"
            )
        return "yours: " + "; ".join(parts) + "." + "".join(f" {p}." for p in self.problems)


def _ordered(ops: list[str]) -> list[str]:
    order = list(OPS)
    return sorted(ops, key=order.index)


def _add(found: list[str], op: str) -> None:
    if op not in found:
        found.append(op)


def _failed(node: Value, why: str) -> EngineError:
    return EngineError("train", f"your rule for {symbol(node.op)}: {why}")


# -- trainers ------------------------------------------------------------------------------------


class YourGraphTrainer(GraphTrainer):
    """`GraphTrainer` whose backward pass runs the student's rules (`EngineRules`)."""

    def __init__(self, loss: Value, params: Sequence[Value], rules: StudentRules, **kwargs):
        super().__init__(loss, params, **kwargs)
        self.engine = EngineRules.for_nodes(rules, self._order)

    def _backward(self, loss: Value) -> None:
        self.engine.backward(loss, self._order, accumulate=True)


class YourTrainer(Trainer):
    """`Trainer` (a network over rows of data) whose backward pass runs the student's
    rules: each step's fresh graph is sorted and walked with them."""

    def __init__(self, model, xs, ys, rules: StudentRules, **kwargs):
        super().__init__(model, xs, ys, **kwargs)
        _, loss = self.forward()
        self.engine = EngineRules.for_nodes(rules, topo_order(loss))

    def _backward(self, loss: Value) -> None:
        self.engine.backward(loss, topo_order(loss), accumulate=True)


def missing_line(rules: StudentRules, needed: Sequence[str] = WRITTEN) -> str:
    """What to do when the student has not written the rules (of ``needed``) the
    network needs."""
    missing = rules.missing(needed)
    where = list(dict.fromkeys(rules.asked_in[op] for op in missing if op in rules.asked_in))
    place = " and ".join(where) if where else "the lesson that asks for _backward"
    wanted = " ".join(map(symbol, needed))
    return (
        f"No curve of yours: you have not written _backward for {' '.join(map(symbol, missing))} "
        f"yet. Write the rules for {wanted} in {place} to train on your own engine."
    )


# -- what the training view shows -----------------------------------------------------------------


@dataclass(frozen=True)
class YourView:
    """A training view's trainers: the tutor's first, then the student's engine's (when
    the student has written the rules), each curve's name, and a line to show above."""

    trainers: list[GraphTrainer | Trainer]
    names: list[str]
    note: str


def your_view(lesson, graph, show, rules: StudentRules) -> YourView:
    """The training of a ``show = "training"`` step (at its rate, zeroing or not as it
    says), from the same start on the tutor's engine and on the student's rules; or the
    tutor's alone and what to do, when the student has not written the rules yet."""
    from tutor.lesson.graph import copy_graph, moved_leaves

    def copied() -> tuple[Value, list[Value]]:
        copy = copy_graph(graph)
        return copy.output, list(moved_leaves(copy, lesson.parameters).values())

    settings = {"rate": show.rate or 0.05, "zero_grad": show.zero_grad}
    tutor = GraphTrainer(*copied(), **settings)
    # Only the ops this graph is made of: a linear neuron (lesson 14) needs no tanh.
    made_of = {n.op for n in topo_order(graph.output) if not n.is_leaf}
    needed = [op for op in WRITTEN if op in made_of]
    if rules.missing(needed):
        return YourView([tutor], [], missing_line(rules, needed))
    yours = YourGraphTrainer(*copied(), rules, **settings)
    return YourView([tutor, yours], ["tutor", "yours"], yours.engine.note())


#: The lecture's network and data, as lessons 12, 15 and 16 declare them (`[model]`,
#: `[data]`): MLP(3, [4, 4, 1]) from seed 0 on four examples, trained at rate 0.05.
LECTURE_LAYERS = (3, (4, 4, 1))
LECTURE_SEED = 0
LECTURE_XS = ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
LECTURE_YS = (1.0, -1.0, -1.0, 1.0)
LECTURE_RATE = 0.05


def lecture_view(rules: StudentRules, *, rate: float = LECTURE_RATE) -> YourView:
    """The lecture's network trained on the tutor's engine and, from the same start, on
    the student's rules; or the tutor's alone and what to do, without the rules."""
    from tutor.engine.nn import MLP

    def network() -> MLP:
        nin, layers = LECTURE_LAYERS
        return MLP(nin, list(layers), seed=LECTURE_SEED)

    tutor = Trainer(network(), LECTURE_XS, LECTURE_YS, rate=rate)
    if not rules.complete:
        return YourView([tutor], [], missing_line(rules))
    yours = YourTrainer(network(), LECTURE_XS, LECTURE_YS, rules, rate=rate)
    return YourView([tutor, yours], ["tutor", "yours"], yours.engine.note())
