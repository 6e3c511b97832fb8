"""The symbolic side: every op's local derivative derived from the limit definition.

Each derivation is a list of SymPy-verified steps (`Step`), built once on
generic symbols and cached (`derivations`), then specialised to a graph node or
an expression by substitution (`Derivation.specialise`). On top of them:
symbolic gradients of a whole engine graph (`graph_gradients`, checked against
`sympy.diff` by `check_gradients`), the chain rule over an expression
(`chain_rule`), and the `tutor derive` command (`derive_main`).

Importing this package imports SymPy (about 0.3 s); nothing is derived until
first asked for.
"""

from tutor.symbolic.chain import ChainRule, Link, chain_rule
from tutor.symbolic.command import derive_main
from tutor.symbolic.convert import symbol, to_sympy
from tutor.symbolic.derivations import CASES, all_derivations, cases, derivation, derivations
from tutor.symbolic.functions import FORWARD, relu, sigmoid
from tutor.symbolic.graph import (
    GradientMismatch,
    GraphExpression,
    check_gradients,
    graph_expression,
    graph_gradients,
    local_derivative,
    node_derivation,
    node_values,
)
from tutor.symbolic.show import show, unicode
from tutor.symbolic.steps import Derivation, DerivationError, Kind, LimitUse, StandardLimit, Step

__all__ = [
    "CASES",
    "FORWARD",
    "ChainRule",
    "Derivation",
    "DerivationError",
    "GradientMismatch",
    "GraphExpression",
    "Kind",
    "LimitUse",
    "Link",
    "StandardLimit",
    "Step",
    "all_derivations",
    "cases",
    "chain_rule",
    "check_gradients",
    "derivation",
    "derivations",
    "derive_main",
    "graph_expression",
    "graph_gradients",
    "local_derivative",
    "node_derivation",
    "node_values",
    "relu",
    "show",
    "sigmoid",
    "symbol",
    "to_sympy",
    "unicode",
]
