"""The numeric engine: a micrograd-style scalar autograd `Value`.

Standard library only: importing it never imports SymPy or Textual.
"""

from tutor.engine.ops import FUNCTIONS, OPS, EngineError, Op
from tutor.engine.value import Value, evaluate, numeric_grad, numeric_grads, topo_order

__all__ = [
    "FUNCTIONS",
    "OPS",
    "EngineError",
    "Op",
    "Value",
    "evaluate",
    "numeric_grad",
    "numeric_grads",
    "topo_order",
]
