"""The symbolic source on a large graph, at `DIGITS` digits, without SymPy's per-number cost.

On a graph of more than `WHOLE_GRAPH_NODES` nodes every value and gradient of
`tutor.symbolic.graph` is already a `DIGITS`-digit number. Made as SymPy
``Float`` objects, each costs SymPy's object and assumption machinery: one
forward and backward pass of the lecture's MLP over four examples takes some
50 ms, and a training question asks for one per update, at every variant.

Here the same numbers are mpmath's raw numbers of the same precision (the
``(sign, mantissa, exponent, bits)`` tuples of `mpmath.libmp` that SymPy's
Floats hold, worked on by libmp's functions: no object per number, and nothing
global changes). The formulas are SymPy's, unchanged: each
op's forward expression (`FORWARD`) and each derivation's result (the local
derivative derived from the limit definition, with the op's own output written
as the node's value, as micrograd writes ``1 - o**2``) and its condition are
read once per op into a function on mpmath numbers (`numeric`: a walk over the
SymPy tree, nothing is parsed or executed). A formula with a part the walk does
not know raises `Unsupported`, and the caller uses the SymPy path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sympy
from mpmath import libmp
from sympy import Expr, Rational, Symbol

from tutor.symbolic.derivations import derivations
from tutor.symbolic.functions import FORWARD, relu, sigmoid
from tutor.symbolic.node import DIGITS, Value, exact, exponent
from tutor.symbolic.steps import Derivation, DerivationError

PREC = libmp.dps_to_prec(DIGITS)  # bits, as SymPy counts DIGITS digits
_ROUND = libmp.round_nearest
ZERO, ONE = libmp.fzero, libmp.fone
_NOT_FINITE = {libmp.finf, libmp.fninf, libmp.fnan}

Number = tuple  # an mpmath.libmp number: (sign, mantissa, exponent, bits)
Numeric = Callable[[Sequence[Number]], Number]
#: What `numeric` makes: a `Numeric`, or for a condition a function giving a truth.
Evaluator = Callable[[Sequence[Number]], Any]
#: The cases of one local derivative: each one's condition, its result, its derivation.
Cases = tuple[tuple[Callable[[Sequence[Number]], bool], Numeric, Derivation], ...]

#: The op's own output in a local derivative (``1 - o**2``), as `numeric` reads it.
OUTPUT = Symbol("output of the op", real=True)


class Unsupported(ValueError):
    """A formula with a part `numeric` does not evaluate."""


def number(value: Rational | sympy.Float | int) -> Number:
    """A SymPy number (exact or a Float) as a `DIGITS`-digit number."""
    if isinstance(value, sympy.Float):
        return libmp.mpf_pos(value._mpf_, PREC, _ROUND)
    value = sympy.Rational(value)
    return libmp.from_rational(int(value.p), int(value.q), PREC, _ROUND)


def to_sympy(value: Number) -> sympy.Float:
    """A number back as a SymPy Float of `DIGITS` digits."""
    return sympy.Float._new(value, PREC)


def add(x: Number, y: Number) -> Number:
    return libmp.mpf_add(x, y, PREC, _ROUND)


def mul(x: Number, y: Number) -> Number:
    return libmp.mpf_mul(x, y, PREC, _ROUND)


def _relu(x: Number) -> Number:
    return x if libmp.mpf_gt(x, ZERO) else ZERO


_FUNCTIONS: dict[type, Callable[[Number], Number]] = {
    sympy.tanh: lambda x: libmp.mpf_tanh(x, PREC, _ROUND),
    sympy.exp: lambda x: libmp.mpf_exp(x, PREC, _ROUND),
    sympy.log: lambda x: libmp.mpf_log(x, PREC, _ROUND),
    relu: _relu,
}
_RELATIONS = {
    sympy.StrictGreaterThan: libmp.mpf_gt,
    sympy.StrictLessThan: libmp.mpf_lt,
    sympy.GreaterThan: libmp.mpf_ge,
    sympy.LessThan: libmp.mpf_le,
    sympy.Eq: libmp.mpf_eq,
    sympy.Ne: lambda x, y: not libmp.mpf_eq(x, y),
}


def numeric(expr: Expr | sympy.Basic, symbols: Sequence[Symbol]) -> Evaluator:
    """``expr`` as a function of the values of ``symbols`` (mpmath numbers, in order).
    Raises `Unsupported` for a part it does not know."""
    where = {s: i for i, s in enumerate(symbols)}

    def walk(e: sympy.Basic) -> Evaluator:
        if e in where:
            i = where[e]
            return lambda v: v[i]
        if e is sympy.true or e is sympy.false:
            truth = bool(e)
            return lambda v: truth
        if e.is_Number:
            if not (e.is_Rational or e.is_Float):
                raise Unsupported(str(e))
            constant = number(e)
            return lambda v: constant
        if isinstance(e, sigmoid):  # by its definition, 1/(1 + exp(-x))
            return walk(e.rewrite(sympy.exp))
        parts = [walk(a) for a in e.args]
        if (e.is_Add or e.is_Mul) and len(parts) == 2:  # most are: spare the loop
            a, b = parts
            return (lambda v: add(a(v), b(v))) if e.is_Add else (lambda v: mul(a(v), b(v)))
        if e.is_Add or e.is_Mul:
            combine = add if e.is_Add else mul
            return lambda v: functools.reduce(combine, (p(v) for p in parts))
        if e.is_Pow:
            base, power = parts
            if e.exp.is_Integer:
                n = int(e.exp)
                return lambda v: libmp.mpf_pow_int(base(v), n, PREC, _ROUND)
            return lambda v: libmp.mpf_pow(base(v), power(v), PREC, _ROUND)
        for kind, relation in _RELATIONS.items():
            if isinstance(e, kind):
                left, right = parts
                return lambda v: relation(left(v), right(v))
        for kind, function in _FUNCTIONS.items():
            if isinstance(e, kind) and len(parts) == 1:
                (inner,) = parts
                return lambda v: function(inner(v))
        raise Unsupported(type(e).__name__)

    if isinstance(expr, bool):
        return lambda v: expr
    return walk(expr)


def evaluate(expr: Expr) -> Number:
    """A SymPy expression without symbols (an exact value, a gradient by `sympy.diff`)
    as a `DIGITS`-digit number, each distinct part evaluated once: SymPy's ``evalf``
    evaluates a part as often as it occurs, and an MLP's expression repeats each hidden
    neuron once per path. Raises `Unsupported` for a part it does not know, or a value
    it cannot compute (the caller then uses ``evalf``)."""
    memo: dict[sympy.Basic, Number] = {}

    def walk(e: sympy.Basic) -> Number:
        found = memo.get(e)
        if found is not None:
            return found
        if e.is_Number:
            if not (e.is_Rational or e.is_Float):
                raise Unsupported(str(e))
            value = number(e)
        elif isinstance(e, sigmoid):
            value = walk(e.rewrite(sympy.exp))
        elif e.is_Add or e.is_Mul:
            combine = add if e.is_Add else mul
            value = functools.reduce(combine, (walk(a) for a in e.args))
        elif e.is_Pow:
            base = walk(e.base)
            if e.exp.is_Integer:
                value = libmp.mpf_pow_int(base, int(e.exp), PREC, _ROUND)
            else:
                value = libmp.mpf_pow(base, walk(e.exp), PREC, _ROUND)
        else:
            function = next((f for k, f in _FUNCTIONS.items() if isinstance(e, k)), None)
            if function is None or len(e.args) != 1:
                raise Unsupported(type(e).__name__)
            value = function(walk(e.args[0]))
        memo[e] = value
        return value

    try:
        value = walk(expr)
    except (ZeroDivisionError, libmp.ComplexResult) as error:
        raise Unsupported(str(error)) from error
    if value in _NOT_FINITE:
        raise Unsupported("not a finite number")
    return value


@functools.cache
def forward(op: str, power: Rational | None) -> Numeric:
    """The op's output from its inputs' values."""
    generic = derivations(op, 0, exponent=power)[0].inputs
    built = FORWARD[op](*generic, power) if op == "pow" else FORWARD[op](*generic)
    return numeric(built, generic)


@functools.cache
def local_cases(op: str, index: int, power: Rational | None) -> Cases:
    """For each case of d op / d input ``index``: its condition and its result, as
    functions of the inputs' values and then the op's output, and the derivation."""
    found = []
    for case in derivations(op, index, exponent=power):
        symbols = (*case.inputs, OUTPUT)
        result = case.result.xreplace({case.forward: OUTPUT})
        found.append((numeric(case.condition, symbols), numeric(result, symbols), case))
    return tuple(found)


def _local(cases: Cases, at: Sequence[Number]) -> Number:
    """d op / d input at ``at`` (the inputs' values, then the op's output), from the
    case of its derivation whose condition holds there; raises `DerivationError` as
    `Derivation.require` does when none does."""
    for condition, result, _ in cases:
        if condition(at):
            return result(at)
    case = cases[0][2]
    case.require(dict(zip(case.inputs, (to_sympy(x) for x in at), strict=False)))
    raise DerivationError(f"the derivative of {case.op} does not apply at these values")


class Program:
    """A graph's forward and backward passes on `DIGITS`-digit numbers, with each node's
    formulas (its op's forward, the cases of each local derivative) looked up once."""

    def __init__(self, order: Sequence[Value]):
        self.order = list(order)
        position = {id(node): i for i, node in enumerate(self.order)}
        self.steps: list[tuple[Numeric, list[int], list[Cases]] | None] = []
        for node in self.order:
            if not node.inputs:
                self.steps.append(None)
                continue
            power = exponent(node)
            self.steps.append(
                (
                    forward(node.op, power),
                    [position[id(x)] for x in node.inputs],
                    [local_cases(node.op, i, power) for i in range(len(node.inputs))],
                )
            )

    def values(self, leaves: Mapping[Value, Number]) -> list[Number]:
        """Every node's value, in order, from the leaves' values."""
        out: list[Number] = []
        for node, step in zip(self.order, self.steps, strict=True):
            if step is None:
                out.append(leaves[node])
                continue
            try:
                value = step[0]([out[i] for i in step[1]])
            except libmp.ComplexResult:  # a log or a root of a negative number
                value = libmp.fnan
            except ZeroDivisionError:
                value = libmp.finf
            if value in _NOT_FINITE:  # log(0) is -inf: where the engine fails
                raise ArithmeticError(f"the value of {_name(node)} is not a finite real number")
            out.append(value)
        return out

    def gradients(self, values: Sequence[Number]) -> list[Number]:
        """d root / d node for every node (the root last), by reverse accumulation: each
        node passes its gradient times the local derivative of each input, from that
        op's derivation, to the input."""
        grads = [ZERO] * len(self.order)
        grads[-1] = ONE
        for position in range(len(self.order) - 1, -1, -1):
            step = self.steps[position]
            if step is None:
                continue
            _, inputs, cases = step
            at = [*(values[i] for i in inputs), values[position]]
            upstream = grads[position]
            for i, child in enumerate(inputs):
                try:
                    slope = _local(cases[i], at)
                except DerivationError as error:
                    node = self.order[position]
                    raise DerivationError(f"{_name(node)}: {error}") from error
                # Every value is finite and real, and each case's condition holds: so
                # is the slope (mpmath numbers do not overflow).
                grads[child] = add(grads[child], mul(upstream, slope))
        return grads


def _name(node: Value) -> str:
    return f"`{node.label}`" if node.label else f"a {node.op} node"


def graph_gradients(order: Sequence[Value], values: Mapping[Value, object]) -> dict[Value, Expr]:
    """d root / d node for every node of ``order`` (the root last), as SymPy Floats of
    `DIGITS` digits; each leaf's value from ``values`` (exact), else its own."""
    leaves = {n: number(exact(values.get(n, n.data))) for n in order if not n.inputs}
    program = Program(order)
    grads = program.gradients(program.values(leaves))
    return {node: to_sympy(g) for node, g in zip(order, grads, strict=True)}
