"""The numeric engine: a micrograd-style scalar autograd `Value`, and networks of them.

`tutor.engine.nn` builds micrograd's `Neuron`, `Layer` and `MLP` from seeded
weights; `tutor.engine.train` trains one by gradient descent (`Trainer`).
Standard library only: importing it never imports SymPy or Textual.
"""

from tutor.engine.ops import BINARY, FUNCTIONS, OPS, EngineError, Op
from tutor.engine.value import (
    Value,
    apply,
    evaluate,
    numeric_grad,
    numeric_grads,
    recompute,
    topo_order,
)

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
    "recompute",
    "topo_order",
]
