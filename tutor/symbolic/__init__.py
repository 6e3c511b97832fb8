"""The symbolic side: every op's local derivative derived from the limit definition.

Each derivation is a list of SymPy-verified steps (`Step`), built once on
generic symbols and cached (`derivations`), then specialised to a graph node or
an expression by substitution (`Derivation.specialise`). On top of them:
symbolic gradients of a whole engine graph (`graph_gradients`, checked against
`sympy.diff` by `check_gradients`; graphs as large as the lecture's MLP are
checked edge by edge), the loss's d/dy (y - t)**2 (`squared_error`), the
chain rule over an expression
(`chain_rule`), how a derivation reads (`format_derivation`, `derivation_rows`:
one layout for the `tutor derive` command, `derive_main`, and the app).

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
from tutor.symbolic.loss import squared_error
from tutor.symbolic.show import show, unicode
from tutor.symbolic.steps import Derivation, DerivationError, Kind, LimitUse, StandardLimit, Step
from tutor.symbolic.text import (
    Row,
    chain_paths,
    derivation_rows,
    derivative_name,
    format_derivation,
    link_heading,
    link_names,
    step_why,
)

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
    "Row",
    "StandardLimit",
    "Step",
    "all_derivations",
    "cases",
    "chain_paths",
    "chain_rule",
    "check_gradients",
    "derivation",
    "derivation_rows",
    "derivations",
    "derivative_name",
    "derive_main",
    "format_derivation",
    "graph_expression",
    "graph_gradients",
    "link_heading",
    "link_names",
    "local_derivative",
    "node_derivation",
    "node_values",
    "relu",
    "show",
    "sigmoid",
    "squared_error",
    "step_why",
    "symbol",
    "to_sympy",
    "unicode",
]
