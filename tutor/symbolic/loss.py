"""The loss's local derivative, d/dy (y − t)² = 2(y − t), derived from the limit definition.

The squared error is not an op of its own: the lecture (and micrograd, and the
engine's `tutor.engine.train`) builds it from two, ``(ypred - ygt)**2``, a
subtraction then a square, and the chain rule over their derivations gives
``2*(y - t)*1``. This derivation takes the whole squared error at once, as a
student meets it in the lesson on the loss, so that ``2*(y - t)`` is seen to come
from the definition rather than remembered; a test holds it equal to the chain
rule over ``sub`` and ``pow``, to `sympy.diff`, and to the engine.

Built once, verified step by step like every op's (`tutor.symbolic.verify`).
"""

from __future__ import annotations

import functools

from sympy import Pow, Symbol

from tutor.symbolic.derivations import H, Y, _add, _mul, _over  # the same building blocks
from tutor.symbolic.steps import Derivation, Kind, Step, definition_why, substitute
from tutor.symbolic.verify import verify

T = Symbol("t", real=True)  # the target

#: The name a squared-error derivation goes by (it is not an op of `tutor.engine.ops`).
NAME = "squared error"


@functools.cache
def squared_error() -> Derivation:
    """d/dy (y - t)**2 from the definition: expand the square, cancel, divide, let h → 0."""
    error = _add(Y, _mul(-1, T))
    forward = Pow(error, 2, evaluate=False)
    shifted = substitute(forward, {Y: _add(Y, H)})
    steps = (
        Step(
            _over(_add(shifted, _mul(-1, forward)), H),
            "start from the definition",
            definition_why(forward, (Y, T), 0, H),
            Kind.DEFINITION,
            under_limit=True,
        ),
        Step(
            _over(_add(Pow(error, 2), _mul(2, H, error), Pow(H, 2), _mul(-1, Pow(error, 2))), H),
            "expand the square",
            "(a + h)**2 = a**2 + 2*a*h + h**2, with a = y - t",
            under_limit=True,
        ),
        Step(
            _over(_add(_mul(2, H, error), Pow(H, 2)), H),
            "cancel (y - t)**2",
            "it appears once with each sign",
            under_limit=True,
        ),
        Step(
            _add(_mul(2, error), H),
            "divide each term by h",
            "h/h = 1, because h ≠ 0 (h tends to 0 but is never 0)",
            under_limit=True,
        ),
        Step(_mul(2, error), "let h → 0", "the term h tends to 0", Kind.LIMIT),
    )
    return verify(Derivation(NAME, 0, (Y, T), forward, H, steps))
