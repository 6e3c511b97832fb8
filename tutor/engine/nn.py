"""A neural network of `Value`s: `Neuron`, `Layer`, `MLP`, as in micrograd's ``nn.py``.

Read it next to micrograd's ``nn.py`` and the lecture. The same three classes,
each with ``parameters()``, and the lecture's choices where micrograd's
repository differs: every neuron squashes its output with ``tanh`` (micrograd's
repository uses relu, and a linear last layer; ``activation`` chooses), and the
bias starts random too, not at 0.

Improvements, each for a reason:

* micrograd draws the initial weights from the global ``random`` module, so a
  network is different on every run. Here a network is built from a
  ``random.Random(seed)`` of its own: the same seed gives the same weights, on
  every run and every platform (Python's Mersenne Twister and ``uniform`` are
  specified to the bit), which lets a lesson ask about them.
* Every parameter is a labelled leaf, named by where it sits: in an MLP,
  ``w1_2_3`` is layer 1, neuron 2, input 3, and ``b1_2`` that neuron's bias
  (counted from 1, as a lesson talks about them); a lone neuron's are ``w1``,
  ``w2``, ... and ``b``, as in the lecture.

MLP(3, [4, 4, 1]) has 4·(3 + 1) + 4·(4 + 1) + 1·(4 + 1) = 41 parameters.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tutor.engine.value import Value

#: The activations a neuron may apply to its weighted sum; ``"linear"`` applies none.
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")

Inputs = Sequence[Value | float]


class Module:
    """What every part of a network has: its parameters, and a way to zero their gradients."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0, as micrograd's ``Module.zero_grad`` does."""
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """``activation(w · x + b)``: one weight per input, and a bias."""

    def __init__(
        self,
        nin: int,
        *,
        rng: random.Random | None = None,
        seed: int = 0,
        activation: str = "tanh",
        index: tuple[int, ...] = (),
    ):
        if nin < 1:
            raise ValueError(f"a neuron needs at least one input, not {nin}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
        rng = rng if rng is not None else random.Random(seed)
        where = "_".join(map(str, index))
        sep = "_" if where else ""
        self.w = [Value(rng.uniform(-1, 1), f"w{where}{sep}{i}") for i in range(1, nin + 1)]
        self.b = Value(rng.uniform(-1, 1), f"b{where}")
        self.activation = activation

    def __call__(self, x: Inputs) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"this neuron takes {len(self.w)} inputs, not {len(x)}")
        # sum(..., self.b) as in the lecture: b + w1*x1 + w2*x2 + ...
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        if self.activation == "linear":
            return act
        return getattr(act, self.activation)()

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def __repr__(self) -> str:
        return f"{self.activation.capitalize()}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons, each seeing every input."""

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        rng: random.Random | None = None,
        seed: int = 0,
        activation: str = "tanh",
        index: tuple[int, ...] = (),
    ):
        if nout < 1:
            raise ValueError(f"a layer needs at least one neuron, not {nout}")
        rng = rng if rng is not None else random.Random(seed)
        self.neurons = [
            Neuron(nin, rng=rng, activation=activation, index=(*index, j))
            for j in range(1, nout + 1)
        ]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs  # as the lecture: one output, no list

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers one after the other: ``MLP(3, [4, 4, 1])`` takes 3 inputs to 1 output."""

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        *,
        seed: int = 0,
        activation: str = "tanh",
        last: str | None = None,
    ):
        """``last`` is the last layer's activation (micrograd's repository: ``"linear"``);
        by default the same as the others, as in the lecture."""
        if not nouts:
            raise ValueError("an MLP needs at least one layer")
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        final = len(nouts) - 1
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                rng=rng,
                activation=last if i == final and last is not None else activation,
                index=(i + 1,),
            )
            for i in range(len(nouts))
        ]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out: Inputs | Value = x
        for layer in self.layers:
            out = layer([out] if isinstance(out, Value) else out)
        return out  # type: ignore[return-value]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
