"""The numeric engine: a micrograd-style scalar autograd `Value`.

Standard library only: importing it never imports SymPy or Textual.
"""

from tutor.engine.ops import BINARY, FUNCTIONS, OPS, EngineError, Op
from tutor.engine.value import Value, apply, evaluate, numeric_grad, numeric_grads, topo_order

__all__ = [
    "BINARY",
    "FUNCTIONS",
    "OPS",
    "EngineError",
    "Op",
    "Value",
    "apply",
    "evaluate",
    "numeric_grad",
    "numeric_grads",
    "topo_order",
]
