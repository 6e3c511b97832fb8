"""From the checked expression tree (`tutor.expr.nodes`) to SymPy, node by node.

Never through text: no `sympify`, `parse_expr` or `eval`. Numbers stay exact
(a `Num` holds the exact `Fraction` of its decimal text).
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Expr, Rational, Symbol

from tutor.expr.nodes import Expr as Tree
from tutor.expr.nodes import Name, Num, operation
from tutor.symbolic.functions import FORWARD


def symbol(name: str) -> Symbol:
    """The SymPy symbol of a node label or variable: real, so that ``tanh(o)`` is real."""
    return Symbol(name, real=True)


def to_sympy(expr: Tree, symbols: Mapping[str, Expr] | None = None) -> Expr:
    """The tree as a SymPy expression; a name becomes ``symbols[name]``, or `symbol`."""
    symbols = symbols or {}

    def go(node: Tree) -> Expr:
        match node:
            case Num(value=q):
                return Rational(q.numerator, q.denominator)
            case Name(id=name):
                return symbols[name] if name in symbols else symbol(name)
        op, operands, k = operation(node)
        constant = () if k is None else (Rational(k.numerator, k.denominator),)
        return FORWARD[op.name](*(go(x) for x in operands), *constant)

    return go(expr)
