"""A lesson file that builds the lecture's MLP over its data, written out as a graph script.

The lesson format has no model block yet, so this writes what one would build:
every parameter a leaf (its seeded initial value from `tutor.engine.nn.MLP`), the
four examples' inputs as numbers, each neuron's weighted sum and tanh as named
nodes, and the loss summed over the examples. About 400 nodes for MLP(3, [4, 4, 1])
over the lecture's four examples. Used by `bench_train` and the scale tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from tutor.engine.nn import MLP

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def mlp_script(
    sizes: Sequence[int] = (4, 4, 1),
    xs: Sequence[Sequence[float]] = XS,
    ys: Sequence[float] = YS,
    seed: int = 0,
) -> str:
    """The graph script: parameters, then per example each neuron's sum and tanh, then L."""
    model = MLP(len(xs[0]), list(sizes), seed=seed)
    lines = [f"{p.label} = {p.data!r}" for p in model.parameters()]
    losses = []
    for e, row in enumerate(xs, start=1):
        inputs = [repr(x) for x in row]
        for layer_number, layer in enumerate(model.layers, start=1):
            outs = []
            for neuron_number, neuron in enumerate(layer.neurons, start=1):
                where = f"{layer_number}_{neuron_number}_e{e}"
                terms = " + ".join(
                    f"{w.label}*{x}" if not x.startswith("-") else f"{w.label}*({x})"
                    for w, x in zip(neuron.w, inputs, strict=True)
                )
                lines.append(f"n{where} = {neuron.b.label} + {terms}")
                lines.append(f"o{where} = tanh(n{where})")
                outs.append(f"o{where}")
            inputs = outs
        (prediction,) = inputs
        lines.append(f"L{e} = ({prediction} - {ys[e - 1]!r})**2")
        losses.append(f"L{e}")
    lines.append(f"L = {' + '.join(losses)}")
    return "\n".join(lines)


def mlp_lesson(sizes: Sequence[int] = (4, 4, 1), seed: int = 0) -> str:
    """A lesson around `mlp_script`: the loss's value and a few parameters' gradients."""
    script = mlp_script(sizes, seed=seed)
    first, last = "w1_1_1", f"b{len(sizes)}_1"
    return f'''format = 1
id = "bench-mlp"
title = "The lecture's MLP over its four examples"
order = 900

graph = """
{script}
"""
output = "L"

[[steps]]
ask = "value"
node = "L"

[[steps]]
ask = "grad"
node = "{first}"

[[steps]]
ask = "grad"
node = "{last}"

[[steps]]
ask = "grad"
node = "o1_1_e1"
'''
