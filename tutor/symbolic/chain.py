"""The derivative of a whole expression by the chain rule, from each op's derivation.

For ``tanh(x*w + b)`` with respect to ``w`` there is one path from the output
down to ``w``: through ``tanh``, then ``+``, then ``*``. Each op on the path
contributes its local derivative (a `Link`, with its derivation from the limit
definition, written with the sub-expressions it works on); the derivative is
the product along each path, summed over the paths (``x*x`` has two).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sympy
from sympy import Expr, Rational, Symbol

from tutor.expr.nodes import Expr as Tree
from tutor.expr.nodes import Name, Num, operation
from tutor.symbolic.convert import symbol, to_sympy
from tutor.symbolic.derivations import derivations, select
from tutor.symbolic.show import show
from tutor.symbolic.steps import Derivation, DerivationError


@dataclass(frozen=True, slots=True)
class Link:
    """d output / d input for one op on a path: the cases of its derivation (one, or
    relu's three when the sign of its input is not known)."""

    output: Expr
    index: int  # of the input the path goes through
    cases: tuple[Derivation, ...]

    @property
    def input(self) -> Expr:
        return self.cases[0].wrt

    @property
    def result(self) -> Expr:
        if len(self.cases) == 1:
            return self.cases[0].result
        pieces = ((case.result, case.condition) for case in self.cases)
        return sympy.Piecewise(*pieces, evaluate=False)


@dataclass(frozen=True, slots=True)
class ChainRule:
    """d expr / d wrt as the sum over paths of the product of the local derivatives."""

    expr: Expr
    wrt: Symbol
    paths: tuple[tuple[Link, ...], ...]

    @property
    def links(self) -> list[Link]:
        """Every link once, from the output down."""
        seen: dict[tuple[Expr, int], Link] = {}
        for path in self.paths:
            for link in path:
                seen.setdefault((link.output, link.index), link)
        return list(seen.values())

    @property
    def product(self) -> Expr:
        """The chain rule written out, before any simplification."""
        return sympy.Add(
            *(sympy.Mul(*(link.result for link in path), evaluate=False) for path in self.paths),
            evaluate=False,
        )

    @property
    def result(self) -> Expr:
        return self.product.doit()


def chain_rule(
    tree: Tree,
    wrt: str,
    values: Mapping[str, Rational] | None = None,
    *,
    reserved: Collection[str] = (),
) -> ChainRule:
    """The chain rule for d tree / d wrt, each op's derivation written with the
    sub-expressions it works on, as typed (``x*w + b``, not SymPy's ``b + w*x``).

    With ``values`` for the names, each op's case is chosen at its inputs' values
    (relu's by their sign) and values that break a derivation's condition raise
    `DerivationError`, naming the op. ``reserved`` are names the derivations must not
    use for anything else (the other nodes of the graph the expression is part of).
    """
    exact = {symbol(name): value for name, value in (values or {}).items()}
    shown: dict[Tree, Expr] = {}

    def show_tree(node: Tree) -> Expr:
        if node not in shown:
            with sympy.evaluate(False):
                shown[node] = to_sympy(node)
        return shown[node]

    def paths(node: Tree) -> list[tuple[Link, ...]]:
        if isinstance(node, Name | Num):
            return [()] if node == Name(wrt) else []
        op, children, k = operation(node)
        exponent = None if k is None else Rational(k.numerator, k.denominator)
        found = []
        for index, child in enumerate(children):
            below = paths(child)
            if below:
                inputs = tuple(show_tree(c) for c in children)
                link = _link(op.name, index, show_tree(node), inputs, exponent, exact, reserved)
                found += [(link, *rest) for rest in below]
        return found

    return ChainRule(show_tree(tree), symbol(wrt), tuple(paths(tree)))


def _link(
    op: str,
    index: int,
    output: Expr,
    inputs: tuple[Expr, ...],
    exponent: Rational | None,
    values: Mapping[Expr, Expr],
    reserved: Collection[str],
) -> Link:
    options = derivations(op, index, exponent=exponent)
    names = dict(zip(options[0].inputs, inputs, strict=True))
    try:
        found = select([case.specialise(names, reserved) for case in options], values)
    except DerivationError as error:
        raise DerivationError(f"{show(output)}: {error}") from error
    return Link(output, index, found)
