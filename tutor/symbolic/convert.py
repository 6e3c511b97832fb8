"""From the checked expression tree (`tutor.expr.nodes`) to SymPy, node by node.

Never through text: no `sympify`, `parse_expr` or `eval`. Numbers stay exact
(a `Num` holds the exact `Fraction` of its decimal text).
"""

from __future__ import annotations

from collections.abc import Mapping

from sympy import Expr, Rational, Symbol

from tutor.expr.nodes import BinOp, Call, Name, Neg, Num, Pow
from tutor.expr.nodes import Expr as Tree
from tutor.symbolic.functions import FORWARD

#: The op of each binary operator of the tree.
BINARY_OPS = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


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
            case Neg(operand=x):
                return FORWARD["neg"](go(x))
            case BinOp(op=op, left=left, right=right):
                return FORWARD[BINARY_OPS[op]](go(left), go(right))
            case Pow(base=base, exponent=k):
                return FORWARD["pow"](go(base), Rational(k.numerator, k.denominator))
            case Call(func=func, arg=arg):
                return FORWARD[func](go(arg))
        raise TypeError(f"not an expression node: {node!r}")

    return go(expr)
