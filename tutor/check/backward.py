"""Grade a ``_backward`` body: proved against the derivation, run as data, or diagnosed.

A body (`tutor.expr.backward`) is never executed. It is judged three ways:

1. **by numbers**: each operand's share, what its statements add to its gradient,
   is computed from the parsed tree at the lesson's numbers and at random points,
   and compared with the op table's local derivative × ``out.grad``
   (`tutor.engine.ops`);
2. **by proof**: the share is converted to SymPy and must equal, as an expression,
   ``d out / d operand × out.grad`` with the local derivative derived from the limit
   definition (`tutor.symbolic.derivations`, what ctrl+l shows);
3. **as the engine would run it**: a backward pass over the lesson's graph and over a
   graph where the op's operand is used twice (``b = a + a``), with the student's
   body interpreted at every node of the op, must give the engine's gradients.

A share that is wrong is compared with the shares that known mistakes give, each
generated from the op table: the diagnosis names the operand and the mistake, never
the rule.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy

from tutor.check.verdict import Verdict
from tutor.engine import EngineError, Value, apply, topo_order
from tutor.engine.ops import OPS, Op
from tutor.expr import BinOp, Expr, ExprError, Neg, Pow, evaluate
from tutor.expr.backward import METHODS, Method, Rule, parse_backward
from tutor.lesson.kinds import BackwardAsk
from tutor.numbers import short
from tutor.status import CORRECT, INCORRECT, NOT_UNDERSTOOD

if TYPE_CHECKING:
    from tutor.check.question import Question

OWNERS = ("self", "other")
RANDOM_POINTS = 6  # points besides the lesson's where each share is compared
RTOL = 1e-7  # shares computed two ways in floats agree to this

# The diagnoses, by code; each message names the operand (``{t}``: self or other).
MISSING = "missing-operand"
ASSIGNED = "assigned-not-added"
NO_UPSTREAM = "no-out-grad"
SWAPPED = "operands-swapped"
SIGN = "wrong-sign"
INPUT_FOR_OUTPUT = "self-for-out"
OUTPUT_FOR_INPUT = "out-for-self"
EXPONENT = "exponent-off-by-one"
ONLY_HERE = "only-here"


@dataclass(frozen=True, slots=True)
class AskedOp:
    """The op a question asks the ``_backward`` of, as the graph's node has it."""

    op: Op
    method: Method
    exponent: float | None  # pow's constant, else None

    @property
    def binary(self) -> bool:
        return self.method.binary

    @property
    def owners(self) -> tuple[str, ...]:
        return OWNERS[: self.op.arity]

    def parse(self, text: str) -> Rule:
        k = None if self.exponent is None else Fraction(repr(self.exponent))
        return parse_backward(text, binary=self.binary, exponent=k)


def op_of(node: Value) -> AskedOp | None:
    """The op whose ``_backward`` a node's question asks for (None: none the tutor asks)."""
    method = METHODS.get(node.op)
    if method is None:
        return None
    return AskedOp(OPS[node.op], method, node.param if node.op == "pow" else None)


def asked_op(node: Value) -> AskedOp:
    """`op_of` a ``backward`` question's node, which the loader holds to be one the
    tutor asks (`KindSpec.op_node`)."""
    op = op_of(node)
    if op is None:
        raise ValueError(f"no `_backward` is asked of the op {node.op!r}")
    return op


# -- a point: the values a body reads ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Point:
    """The operands' values, the op's output, its gradient, and what the operands'
    gradients held before the body ran."""

    x: tuple[float, ...]
    out: float
    grad: float
    before: tuple[float, ...]

    def reads(self) -> dict[str, float]:
        values = {"self.data": self.x[0], "out.data": self.out, "out.grad": self.grad}
        if len(self.x) == 2:
            values["other.data"] = self.x[1]
        return values


def points(op: AskedOp, node: Value, seed: str) -> list[Point]:
    """The node's own point first (its gradient from the graph's backward), then random
    points in the op's domain."""
    x = tuple(v.data for v in node.inputs)
    own = Point(x, node.data, node.grad, tuple(0.37 + 0.29 * i for i in range(len(x))))
    found = [own]
    rng = random.Random(f"backward/{op.op.name}/{op.exponent}/{seed}")
    positive = op.op.name == "log" or (op.exponent is not None and op.exponent != int(op.exponent))
    for _ in range(RANDOM_POINTS * 5):
        if len(found) > RANDOM_POINTS:
            break
        xs = tuple(
            rng.uniform(0.3, 1.7) * (1 if positive or rng.random() < 0.6 else -1)
            for _ in range(op.op.arity)
        )
        try:
            out = op.op.forward(xs, op.exponent)
            op.op.local(xs, out, op.exponent)
        except (EngineError, ArithmeticError):
            continue
        grad = rng.uniform(0.5, 2.0) * rng.choice((1, -1))
        before = tuple(rng.uniform(0.2, 1.5) * rng.choice((1, -1)) for _ in xs)
        found.append(Point(xs, out, grad, before))
    return found


def share(rule: Rule, point: Point, owner: str) -> tuple[float, float]:
    """What the body leaves in ``owner``'s gradient: (after - before, after)."""
    grads = dict(zip(OWNERS, point.before, strict=False))
    reads = point.reads()
    for statement in rule.statements:
        reads.update({f"{o}.grad": g for o, g in grads.items()})
        value = evaluate(statement.expr, reads)
        old = grads[statement.target]
        grads[statement.target] = {"+=": old + value, "-=": old - value, "=": value}[statement.op]
    index = OWNERS.index(owner)
    return grads[owner] - point.before[index], grads[owner]


def right(op: AskedOp, point: Point, index: int) -> float:
    """The op table's local derivative × out.grad."""
    return op.op.local(point.x, point.out, op.exponent)[index] * point.grad


# -- known mistakes, from the op table ------------------------------------------------------

Share = Callable[[AskedOp, Point, int], float]


def _no_upstream(op: AskedOp, p: Point, i: int) -> float:
    return op.op.local(p.x, p.out, op.exponent)[i]


def _swapped(op: AskedOp, p: Point, i: int) -> float:
    return op.op.local(p.x, p.out, op.exponent)[1 - i] * p.grad


def _sign(op: AskedOp, p: Point, i: int) -> float:
    return -right(op, p, i)


def _input_for_output(op: AskedOp, p: Point, i: int) -> float:
    # The local derivative written with the output (tanh: 1 - out²), given self's value.
    return op.op.local(p.x, p.x[0], op.exponent)[i] * p.grad


def _output_for_input(op: AskedOp, p: Point, i: int) -> float:
    return op.op.local((p.out, *p.x[1:]), p.out, op.exponent)[i] * p.grad


def _exponent(op: AskedOp) -> float:
    if op.exponent is None:
        raise ValueError(f"{op.op.name} has no constant exponent")
    return op.exponent


def _exponent_up(op: AskedOp, p: Point, i: int) -> float:
    k = _exponent(op)
    return k * p.x[0] ** k * p.grad


def _exponent_down(op: AskedOp, p: Point, i: int) -> float:
    k = _exponent(op)
    return k * p.x[0] ** (k - 2) * p.grad


@dataclass(frozen=True, slots=True)
class Mistake:
    code: str
    share: Share
    message: str  # ``{t}``: the operand; ``{op}``: the op's sign or name
    binary_only: bool = False
    power_only: bool = False


MISTAKES = (
    Mistake(
        NO_UPSTREAM,
        _no_upstream,
        "`{t}.grad` gets the local derivative alone. The chain rule multiplies it by the "
        "gradient that reached the op's output, `out.grad`.",
    ),
    Mistake(
        SIGN,
        _sign,
        "the sign of `{t}.grad`'s share is wrong. When `{t}.data` grows a little, does "
        "`out.data` grow or shrink?",
    ),
    Mistake(
        SWAPPED,
        _swapped,
        "`{t}.grad` gets the share that belongs to `{u}.grad`: the operands are swapped. "
        "Nudge `{t}.data` alone: how much does `out.data` move?",
        binary_only=True,
    ),
    Mistake(
        INPUT_FOR_OUTPUT,
        _input_for_output,
        "`{t}.grad`'s share reads `self.data` where the op's output, `out.data`, belongs: "
        "the slope of {op} is written with its output, not its input.",
    ),
    Mistake(
        OUTPUT_FOR_INPUT,
        _output_for_input,
        "`{t}.grad`'s share reads `out.data` where the op's input `self.data` belongs.",
    ),
    Mistake(
        EXPONENT,
        _exponent_up,
        "in `{t}.grad`'s share, the exponent of `self.data` is off by one: check the power rule.",
        power_only=True,
    ),
    Mistake(
        EXPONENT,
        _exponent_down,
        "in `{t}.grad`'s share, the exponent of `self.data` is off by one: check the power rule.",
        power_only=True,
    ),
)


def applies(mistake: Mistake, op: AskedOp) -> bool:
    return (not mistake.binary_only or op.binary) and (
        not mistake.power_only or op.exponent is not None
    )


# -- the derivation: the proof ----------------------------------------------------------------


@functools.cache
def _expected(name: str, index: int, exponent: float | None):
    """(inputs, forward, d forward / d input ``index``) from the limit-definition derivation."""
    from tutor.symbolic.derivations import derivation

    k = None if exponent is None else sympy.Rational(repr(exponent))
    found = derivation(name, index, exponent=k)
    return found.inputs, found.forward, found.result


def proved(op: AskedOp, rule: Rule, owner: str) -> bool | None:
    """Whether ``owner``'s share is, as an expression, d out / d owner × out.grad (None:
    undecided, see `identically_zero`)."""
    from tutor.symbolic.convert import to_sympy

    index = OWNERS.index(owner)
    inputs, forward, local = _expected(op.op.name, index, op.exponent)
    grad = sympy.Symbol("out.grad", real=True)
    grads = {o: sympy.Symbol(f"{o}.grad", real=True) for o in op.owners}
    reads: dict[str, sympy.Expr] = {"self.data": inputs[0], "out.data": forward, "out.grad": grad}
    if op.binary:
        reads["other.data"] = inputs[1]
    if sum(_terms(s.expr) for s in rule.statements) > MAX_EXPANDED_TERMS:
        return None  # multiplied out, it would be too long to compare
    state = dict(grads)
    for statement in rule.statements:
        reads.update({f"{o}.grad": g for o, g in state.items()})
        value = to_sympy(statement.expr, reads)
        old = state[statement.target]
        state[statement.target] = {"+=": old + value, "-=": old - value, "=": value}[statement.op]
    return identically_zero(state[owner] - grads[owner] - local * grad)


#: The terms a body's statements may have once multiplied out (a bound from their trees).
MAX_EXPANDED_TERMS = 2_000


def _terms(expr: Expr) -> int:
    """At most how many terms ``expr`` has multiplied out: a sum adds, a product
    multiplies, a power k of n terms has at most C(n + k - 1, k); a call is one term."""
    match expr:
        case BinOp(op="+" | "-", left=left, right=right):
            return _terms(left) + _terms(right)
        case BinOp(op="*" | "/", left=left, right=right):
            return min(_terms(left) * _terms(right), MAX_EXPANDED_TERMS + 1)
        case Neg(operand=x):
            return _terms(x)
        case Pow(base=base, exponent=k):
            n, m = _terms(base), math.ceil(abs(k))
            return min(math.comb(n + m - 1, m) if m else 1, MAX_EXPANDED_TERMS + 1)
    return 1


#: An expression larger than this (SymPy's count of operations) is not simplified:
#: `sympy.simplify` has no time bound, and takes seconds on some identities of 30 ops.
MAX_SIMPLIFIED_OPS = 40
#: Bounds on what is put over one denominator: distinct exponentials, and operations.
MAX_EXPONENTIALS = 6
MAX_CANCELLED_OPS = 150


def identically_zero(difference: sympy.Expr) -> bool | None:
    """Whether ``difference`` is 0 for every value of its symbols: True, False, or None
    when that could not be decided within bounds.

    tanh and sigmoid are written with exp, and each ``exp(k*s + c)`` as ``exp(c)·z**k``
    with one new symbol z for each symbol s: the difference is then a rational function
    of the symbols, the z's and the logs, and it is 0 exactly when `sympy.cancel` makes it
    0. What does not fit that (an exp of a product of symbols) is simplified, if small.
    """
    if sympy.expand(difference) == 0:
        return True
    written = difference.rewrite(sympy.exp)
    replaced: dict[sympy.Expr, sympy.Expr] = {}
    zs: dict[sympy.Symbol, sympy.Symbol] = {}
    for power in written.atoms(sympy.exp):
        argument = sympy.expand(power.args[0])
        symbols = argument.free_symbols
        if len(symbols) != 1:
            replaced = {}
            break
        (s,) = symbols
        k = argument.coeff(s)
        constant = sympy.expand(argument - k * s)
        if not (k.is_Rational and constant.free_symbols == set()):
            replaced = {}
            break
        z = zs.setdefault(s, sympy.Dummy(f"z_{s}", positive=True))
        replaced[power] = sympy.exp(constant) * z**k
    if replaced or not written.atoms(sympy.exp):
        if len(replaced) > MAX_EXPONENTIALS or sympy.count_ops(written) > MAX_CANCELLED_OPS:
            return None  # a hostile identity: cancelling it could take minutes
        return sympy.cancel(sympy.together(written.xreplace(replaced))) == 0
    if sympy.count_ops(difference) > MAX_SIMPLIFIED_OPS:
        return None
    return True if sympy.simplify(difference) == 0 else None


# -- a backward pass with the student's body ------------------------------------------------------


def backward_pass(root: Value, op: AskedOp, rule: Rule | None) -> dict[int, float]:
    """Every node's gradient (by id) after a backward pass from ``root`` in which each
    node of ``op`` runs ``rule`` (interpreted; None: the op table's rule), and every
    other node the op table's."""
    order = topo_order(root)
    grads = {id(n): 0.0 for n in order}
    grads[id(root)] = 1.0
    for node in reversed(order):
        xs = node.inputs
        if not xs:
            continue
        if rule is not None and node.op == op.op.name and node.param == op.exponent:
            reads = {"self.data": xs[0].data, "out.data": node.data, "out.grad": grads[id(node)]}
            if len(xs) == 2:
                reads["other.data"] = xs[1].data
            for statement in rule.statements:
                reads.update({f"{o}.grad": grads[id(x)] for o, x in zip(OWNERS, xs, strict=False)})
                value = evaluate(statement.expr, reads)
                target = id(xs[OWNERS.index(statement.target)])
                old = grads[target]
                grads[target] = {"+=": old + value, "-=": old - value, "=": value}[statement.op]
            continue
        local = OPS[node.op].local(tuple(x.data for x in xs), node.data, node.param)
        for x, d in zip(xs, local, strict=True):
            grads[id(x)] += d * grads[id(node)]
    return grads


@dataclass(frozen=True, slots=True)
class Twice:
    """The op's operand used twice, as the lecture's ``b = a + a``."""

    text: str  # ``b = a + a``
    root: Value
    a: Value


def used_twice(op: AskedOp, a_value: float) -> Twice:
    a = Value(a_value, label="a")
    if op.binary:
        b = apply(op.op, (a, a))
        return Twice(f"b = a {op.op.symbol} a", b, a)
    b = apply(op.op, (a,), op.exponent)
    written = f"a**{short(op.exponent)}" if op.exponent is not None else f"{op.op.symbol}(a)"
    return Twice(f"b = {written}; c = b + a", apply(OPS["add"], (b, a)), a)


# -- the verdict --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """What is wrong with a body, for one operand: a code and a message (or right)."""

    code: str | None
    message: str
    understood: bool = True


def close(a: float, b: float) -> bool:
    return (
        math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-12 + RTOL * max(abs(a), abs(b))
    )


def judge(
    op: AskedOp, rule: Rule, node: Value, seed: str, hidden: Callable[[float], bool]
) -> Finding:
    """The first thing wrong with ``rule`` (operand by operand), or a Finding with no code
    when it is proved right. ``hidden(x)``: whether showing the number x would tell an
    answer still to come."""
    at = points(op, node, seed)
    for index, owner in enumerate(op.owners):
        other = op.owners[1 - index] if op.binary else ""
        words = {"t": owner, "u": other, "op": op.op.symbol}
        if owner not in rule.targets():
            return Finding(
                MISSING,
                f"`{owner}.grad` is never set: each operand of the op gets its share of "
                "`out.grad`.",
            )
        shares: list[float] = []
        afters: list[float] = []
        for number, point in enumerate(at):
            try:
                got, after = share(rule, point, owner)
            except (EngineError, ArithmeticError) as error:
                if number == 0:
                    return Finding(
                        None,
                        f"your rule for `{owner}.grad` cannot be computed at the current "
                        f"numbers ({_words(error)}).",
                        understood=False,
                    )
                got = after = math.nan
            shares.append(got)
            afters.append(after)
        expected = [right(op, p, index) for p in at]
        if all(close(s, e) for s, e in zip(shares, expected, strict=True) if math.isfinite(s)):
            continue
        assigned = any(s.target == owner and s.op == "=" for s in rule.statements)
        if assigned and all(close(a, e) for a, e in zip(afters, expected, strict=True)):
            return Finding(ASSIGNED, _assigned(op, rule, owner, node, hidden))
        for mistake in MISTAKES:
            if not applies(mistake, op):
                continue
            try:
                wrong = [mistake.share(op, p, index) for p in at]
            except (EngineError, ArithmeticError):
                continue
            if all(close(w, e) for w, e in zip(wrong[1:], expected[1:], strict=True)):
                continue  # the same as right here: no mistake for this op
            if all(close(s, w) for s, w in zip(shares, wrong, strict=True)):
                return Finding(mistake.code, mistake.message.format(**words))
        if close(shares[0], expected[0]):
            return Finding(
                ONLY_HERE,
                f"your rule for `{owner}.grad` gives the right number at these values, but "
                f"not at others ({RANDOM_POINTS} random points checked): it is not the "
                "derivative in general.",
            )
        value = "" if hidden(shares[0]) else f" (here it gives {short(shares[0])})"
        return Finding(
            "wrong",
            f"the share your rule gives `{owner}.grad`{value} is not d out/d {owner} × "
            "`out.grad`. Derive the local derivative (ctrl+l), then multiply by `out.grad`.",
        )
    for owner in op.owners:
        found = proved(op, rule, owner)
        if found is None:
            return Finding(
                None,
                f"your rule for `{owner}.grad` agrees with the derivative at {len(at)} "
                "points, but it is too involved for the tutor to prove equal: write it "
                "more simply.",
                understood=False,
            )
        if not found:
            return Finding(
                ONLY_HERE,
                f"your rule for `{owner}.grad` agrees at {len(at)} points, but it is not, as "
                "an expression, the derivative times `out.grad`.",
            )
    twice = used_twice(op, node.inputs[0].data)
    theirs = backward_pass(twice.root, op, rule)[id(twice.a)]
    true = backward_pass(twice.root, op, None)[id(twice.a)]
    if not close(theirs, true):
        return Finding(ASSIGNED, _assigned(op, rule, OWNERS[0], node, hidden))
    return Finding(None, "")


def _assigned(op: AskedOp, rule: Rule, owner: str, node: Value, hidden) -> str:
    twice = used_twice(op, node.inputs[0].data)
    try:
        theirs = backward_pass(twice.root, op, rule)[id(twice.a)]
        true = backward_pass(twice.root, op, None)[id(twice.a)]
    except (EngineError, ArithmeticError):
        theirs = true = math.nan
    shown = "" if hidden(true) else f" where backward() gives {short(true)}"
    numbers = (
        f" With `{twice.text}` (a = {short(twice.a.data)}), your rule leaves "
        f"a.grad = {short(theirs)}{shown}: a node used twice gets a share from each use, "
        "and `=` keeps only the last."
        if math.isfinite(theirs) and not close(theirs, true)
        else ""
    )
    return (
        f"`{owner}.grad = …` replaces the gradient `{owner}` already holds.{numbers} Add with `+=`."
    )


def _words(error: Exception) -> str:
    if isinstance(error, ZeroDivisionError):
        return "it divides by zero"
    if isinstance(error, OverflowError):
        return "a number grows too large"
    return getattr(error, "message", None) or str(error) or "a step cannot be computed"


# -- mutations of the lecture's body, for `tutor check` and the tests ----------------------


def mutations(method: Method, exponent: float | None) -> list[tuple[str, str]]:
    """(diagnosis, body) for each known mistake, made from the lecture's body: each must
    be diagnosed so (where it differs from the right body)."""
    found: list[tuple[str, str]] = []
    owners = OWNERS[: len(method.locals)]
    prelude = list(method.prelude)

    def body(locals_: Sequence[str], ops: Sequence[str] = ("+=", "+="), pre=prelude) -> str:
        lines = [*pre]
        for owner, local, sign in zip(owners, locals_, ops, strict=False):
            lines.append(f"{owner}.grad {sign} {local}")
        return "\n".join(lines)

    times = [f"{local} * out.grad" for local in method.locals]
    found.append((ASSIGNED, body(times, ("=", "="))))
    found.append((NO_UPSTREAM, body(method.locals)))
    found.append((SIGN, body([f"-{t}" for t in times])))
    if len(owners) == 2 and method.locals[1] not in (method.locals[0], f"-{method.locals[0]}"):
        # (add's shares swapped are the same; sub's are its signs flipped)
        found.append((SWAPPED, body(times[::-1])))
    text = "\n".join([*prelude, *method.locals])
    if "out.data" in text:
        swapped_pre = [line.replace("out.data", "self.data") for line in prelude]
        locals_ = [t.replace("out.data", "self.data") for t in times]
        found.append((INPUT_FOR_OUTPUT, body(locals_, pre=swapped_pre)))
    if "self.data" in "\n".join(method.locals):
        found.append((OUTPUT_FOR_INPUT, body([t.replace("self.data", "out.data") for t in times])))
    if exponent is not None:
        found.append((EXPONENT, body(["other * self.data**other * out.grad"])))
        found.append((EXPONENT, body(["other * self.data**(other - 2) * out.grad"])))
    return found


# -- a question's verdict ----------------------------------------------------------------------


def verdict(question: Question[BackwardAsk], text: str) -> Verdict:
    """The `Verdict` on a body typed for ``question`` (an ``ask = "backward"``)."""
    node = question.graph.nodes[question.ask.node]
    op = asked_op(node)
    try:
        rule = op.parse(text)
    except ExprError as error:
        message = error.message if error.message.endswith(("?", ".")) else f"{error.message}."
        return Verdict(
            NOT_UNDERSTOOD,
            f"Not understood: {message}",
            caret=error.caret() if error.col is not None else None,
        )
    seed = f"{question.lesson.id}/{question.index}"
    finding = judge(op, rule, node, seed, question.gives_away)
    if not finding.understood:
        return Verdict(NOT_UNDERSTOOD, f"Not understood: {finding.message}")
    if finding.code is not None:
        return Verdict(INCORRECT, f"Not quite: {finding.message}", diagnosis=finding.code)
    twice = used_twice(op, node.inputs[0].data)
    return Verdict(
        CORRECT,
        f"Correct: each share is d out/d operand × out.grad, added with +=; proved by the "
        f"limit definition and run on `{twice.text}`.",
    )


def self_check(question: Question[BackwardAsk]) -> list[str]:
    """`tutor check`: the lecture's body is graded right, and each mistake made from it
    gets its diagnosis, at this question's numbers."""
    op = asked_op(question.graph.nodes[question.ask.node])
    problems = []
    found = verdict(question, op.method.body())
    if not found.correct:
        problems.append(f"the lecture's body is graded {found.status}: {found.feedback}")
    for code, text in mutations(op.method, op.exponent):
        found = verdict(question, text)
        if found.diagnosis != code and not _ambiguous(op, text, question, code):
            got = found.diagnosis or found.status
            shown = text.replace("\n", "; ")
            problems.append(f"the mistake {code} (`{shown}`) is graded {got}, not {code}")
    return problems


def _ambiguous(op: AskedOp, text: str, question, code: str) -> bool:
    """Whether a mutated body is also, share for share, the mistake ``code`` although it
    was diagnosed as another: two mistakes that coincide for this op (x**2's output is
    x**2: the power's exponent off by one and `out.data` for `self.data` are one rule)."""
    rule = op.parse(text)
    at = points(op, question.graph.nodes[question.node], "ambiguous")
    for index, owner in enumerate(op.owners):
        shares = [share(rule, p, owner)[0] for p in at]
        for mistake in MISTAKES:
            if mistake.code == code and applies(mistake, op):
                wrong = [mistake.share(op, p, index) for p in at]
                if all(close(s, w) for s, w in zip(shares, wrong, strict=True)):
                    return True
    return False
