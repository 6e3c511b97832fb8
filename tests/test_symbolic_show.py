"""The order-keeping printer never changes the maths: what it prints reads back the same.

`show` prints unevaluated steps (a sum subtracted as a whole, ``-(-y)``, a fraction
under a fraction) that SymPy's own printer never meets. Whatever it prints, the
tutor's parser must read back as the expression it was given.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sympy import Add, Mul, Pow, Rational

from tutor.engine import FUNCTIONS as ENGINE_FUNCTIONS
from tutor.expr import BinOp, Call, ExprError, Name, Neg, Num, names, parse, to_text
from tutor.expr import Pow as PowNode
from tutor.symbolic import DerivationError, chain_rule, derivation, show, symbol, to_sympy
from tutor.symbolic.derivations import X, Y

a, b, x, y = (symbol(name) for name in "abxy")
h = sympy.Symbol("h", real=True, nonzero=True)


def add(*terms):
    return Add(*terms, evaluate=False)


def mul(*factors):
    return Mul(*factors, evaluate=False)


def power(base, exponent):
    return Pow(base, exponent, evaluate=False)


def minus(e):
    return mul(-1, e)


def read_back(text: str, like: sympy.Expr) -> sympy.Expr:
    """``text`` parsed and converted, with the symbols of ``like`` (``h`` is nonzero)."""
    return to_sympy(parse(text), {s.name: s for s in like.free_symbols})


# Points to compare at: distinct and nonzero (``h`` is never 0), of both signs.
POINTS = [Rational(7, 10), Rational(-13, 10), Rational(29, 10), Rational(-3, 10), Rational(17, 7)]
UNDEFINED = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


def same_maths(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal as expressions: the same once SymPy evaluates them, or else the same value
    (to 40 digits) at each of several points where both are defined, and there is one."""
    if a == b.doit():
        return True
    names = sorted(a.free_symbols | b.free_symbols, key=str)
    compared = 0
    for shift in range(len(POINTS)):
        point = {s: POINTS[(i + shift) % len(POINTS)] for i, s in enumerate(names)}
        left, right = (e.xreplace(point).evalf(50) for e in (a, b))
        if left.has(*UNDEFINED) or right.has(*UNDEFINED):
            continue
        if abs(left - right) > max(abs(left), 1) * sympy.Float("1e-40", 50):
            return False
        compared += 1
    return compared > 0


def test_same_maths_tells_different_expressions_apart():
    assert same_maths(x - y, add(x, minus(y)))
    assert not same_maths(x - y + a, add(x, minus(add(y, a))))
    assert not same_maths(x / 2, mul(x, power(Rational(1, 2), -1)))


# -- the shapes that need brackets ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "text"),
    [
        # a sum subtracted as a whole keeps its brackets
        (add(x, minus(add(a, b))), "x - (a + b)"),
        (add(add(a, h), a, minus(add(a, a))), "a + h + a - (a + a)"),
        (mul(add(add(a, h), a, minus(add(a, a))), power(h, -1)), "(a + h + a - (a + a))/h"),
        (add(x, minus(add(a, minus(b)))), "x - (a - b)"),
        # minus a negative is not a double minus
        (add(x, minus(minus(y))), "x - (-y)"),
        (add(x, minus(Rational(-2))), "x - (-2)"),
        (minus(minus(add(a, b))), "-(-(a + b))"),
        (mul(2, minus(x)), "2*(-x)"),
        # products and quotients under a minus
        (minus(mul(x, y)), "-x*y"),
        (add(a, minus(mul(x, y))), "a - x*y"),
        (minus(mul(a, power(b, -1))), "-(a/b)"),
        # powers of sums, of negatives, of powers and of fractions
        (power(add(a, b), 2), "(a + b)**2"),
        (power(minus(a), 2), "(-a)**2"),
        (power(Rational(-2), 2), "(-2)**2"),
        (power(Rational(1, 2), 2), "(1/2)**2"),
        (power(power(x, 2), 3), "(x**2)**3"),
        (power(power(x, -1), 2), "(1/x)**2"),
        (add(x, minus(power(minus(x), 2))), "x - (-x)**2"),
        (minus(power(x, 2)), "-x**2"),
        # what stands after a /: only a name, a number, a call or a power
        (mul(h, power(power(add(a, b), Rational(-1, 2)), -1)), "h/(1/(a + b)**(1/2))"),
        (mul(x, power(Rational(1, 2), -1)), "x/(1/2)"),
        (mul(x, power(Rational(-2), -1)), "x/(-2)"),
        (mul(y, power(mul(x, power(y, -1)), -1)), "y/(x/y)"),
        (mul(y, power(x, Rational(-1, 2))), "y/x**(1/2)"),
        (mul(a, power(mul(h, add(1, x), add(1, y)), -1)), "a/(h*(1 + x)*(1 + y))"),
        (mul(a, power(power(add(1, x), 2), -1)), "a/(1 + x)**2"),
        # as the parser writes them: no sqrt, no E
        (power(x, Rational(1, 2)), "x**(1/2)"),
        (power(x, Rational(-1, 2)), "1/x**(1/2)"),
        (sympy.exp(1), "exp(1)"),
    ],
)
def test_brackets_where_the_maths_needs_them(expr, text):
    assert show(expr) == text
    assert same_maths(read_back(text, expr), expr)


def test_a_node_added_to_itself_subtracts_the_whole_sum():
    # b = a + a: the definition subtracts f(a) = a + a as a whole.
    for index, shifted in ((0, "a + h + a"), (1, "a + a + h")):
        found = derivation("add", index).specialise({X: a, Y: a})
        assert show(found.steps[0].expr) == f"({shifted} - (a + a))/h"


# -- the property: the printer never changes the maths -------------------------------------------

NAMES = st.sampled_from(["a", "b", "c"]).map(Name)
NUMBERS = st.sampled_from([Fraction(1), Fraction(2), Fraction(3), Fraction(1, 2), Fraction(5, 2)])
EXPONENTS = st.sampled_from([Fraction(k) for k in (2, 3, -1, -2, 0, 1)] + [Fraction(1, 2)])
FUNCTIONS = st.sampled_from(ENGINE_FUNCTIONS)


def _grow(children):
    return st.one_of(
        st.builds(BinOp, st.sampled_from("+-*/"), children, children),
        st.builds(Neg, children),
        st.builds(PowNode, children, EXPONENTS),
        st.builds(Call, FUNCTIONS, children),
    )


TREES = st.recursive(st.one_of(NAMES, NUMBERS.map(lambda q: Num(q, str(q)))), _grow, max_leaves=8)


def _as_built(tree):
    """The tree as `chain_rule` builds it: unevaluated, as written."""
    with sympy.evaluate(False):
        return to_sympy(tree)


def _readable(tree) -> bool:
    """Whether the tree is in the parser's domain at all (no ``log(-2)``, no ``x/0``)."""
    try:
        parse(to_text(tree))
    except ExprError:
        return False
    return not _as_built(tree).doit().has(sympy.I, sympy.zoo, sympy.nan)


@settings(max_examples=150)
@given(TREES)
def test_an_expression_prints_as_the_same_maths(tree):
    assume(_readable(tree))
    built = _as_built(tree)
    assert same_maths(read_back(show(built), built), built), show(built)


@settings(max_examples=60)
@given(TREES.filter(lambda t: not isinstance(t, Name | Num) and names(t)), st.data())
def test_every_step_of_a_derivation_prints_as_the_same_maths(tree, data):
    assume(_readable(tree))
    wrt = data.draw(st.sampled_from(names(tree)))
    try:
        chain = chain_rule(tree, wrt)
    except DerivationError:  # a condition that no value can meet (log of a constant < 0)
        assume(False)
    for link in chain.links:
        for case in link.cases:
            for step in case.steps:
                if step.expr.has(sympy.Piecewise):  # relu at 0, by sides: not an expression
                    continue
                text = show(step.expr)
                assert same_maths(read_back(text, step.expr), step.expr), text
