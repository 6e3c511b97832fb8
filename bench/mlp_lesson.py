"""A lesson file that builds the lecture's MLP over its data, written out as a graph script.

The lesson format has no model block yet, so the script `tutor.lesson.network`
generates (what a model block will build) is pasted into a lesson file, which then
goes through the loader like any other: every parameter a leaf (its seeded initial
value), the four examples' inputs and targets as leaves, each neuron's weighted sum
and tanh as named nodes, and the loss summed over the examples. About 400 nodes for
MLP(3, [4, 4, 1]). Used by `bench_train` and the scale tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from tutor.lesson.network import network

XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def mlp_script(sizes: Sequence[int] = (4, 4, 1), seed: int = 0) -> str:
    """The graph script `tutor.lesson.network` writes for MLP(3, sizes) over the lecture's data."""
    return network(3, sizes, XS, YS, seed=seed).script


def mlp_lesson(sizes: Sequence[int] = (4, 4, 1), seed: int = 0) -> str:
    """A lesson around `mlp_script`: the loss's value and a few parameters' gradients."""
    built = network(3, sizes, XS, YS, seed=seed)
    script = built.script
    first, last = built.parameters[0], built.parameters[-1]
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
node = "ypred1"
'''
