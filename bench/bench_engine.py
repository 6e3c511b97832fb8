"""tutor.engine against micrograd 0.1.0 (PyPI), side by side in one run.

1. One SGD step of micrograd's demo (``demo.ipynb``): an MLP(2, [16, 16, 1]) with
   ReLU, the max-margin loss with L2 over 100 two-moons points, timed with the
   garbage collector on and with it off. Both engines must reproduce the demo's
   published step-0 loss, and agree with each other at every step.
2. A chain of 100,000 ops, forward and backward (micrograd's recursive sort
   raises RecursionError, reported as such).
3. A wide sum of 100,000 products, added pairwise (a balanced tree, shallow
   enough for micrograd), forward and backward.

Times are CPU time of this process (``time.process_time``), so other load on the
machine disturbs them less. Each ratio is micrograd's time over tutor's: above 1
means tutor is faster. Quick mode (for CI) times 5 steps instead of 10, and
graphs of 20,000 ops.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from micrograd.engine import Value as MGValue
from micrograd.nn import MLP as MGMLP

from tutor.engine import Value

PUBLISHED_STEP0_LOSS = 0.8958441028683222  # demo.ipynb: "step 0 loss 0.8958441028683222"
TARGETS = {"gc on": 5.0, "gc off": 1.5}  # minimum ratio for the MLP step


# -- micrograd's demo, for either engine ------------------------------------------


def make_moons(n_samples: int, noise: float) -> tuple[np.ndarray, np.ndarray]:
    """sklearn's ``make_moons(n_samples, noise=noise)`` on numpy's global RNG.

    The same numpy calls in the same order, so seeded numpy gives sklearn's points.
    """
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer_x = np.cos(np.linspace(0, np.pi, n_out))
    outer_y = np.sin(np.linspace(0, np.pi, n_out))
    inner_x = 1 - np.cos(np.linspace(0, np.pi, n_in))
    inner_y = 1 - np.sin(np.linspace(0, np.pi, n_in)) - 0.5
    X = np.vstack([np.append(outer_x, inner_x), np.append(outer_y, inner_y)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    indices = np.arange(n_samples)  # sklearn.utils.shuffle: resample without replacement
    np.random.shuffle(indices)
    X, y = X[indices], y[indices]
    X += np.random.normal(scale=noise, size=X.shape)
    return X, y


class Neuron:
    """micrograd.nn's Neuron over tutor's Value: same init order, same arithmetic."""

    def __init__(self, nin: int, nonlin: bool = True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: list[Value]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class MLP:
    """micrograd.nn's MLP over tutor's Value."""

    def __init__(self, nin: int, nouts: list[int]):
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            [Neuron(sizes[i], nonlin=i != last) for _ in range(sizes[i + 1])]
            for i in range(len(nouts))
        ]

    def __call__(self, x: list[Value]) -> Value:
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        (out,) = x
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0


@dataclass(frozen=True)
class Engine:
    name: str
    value: type
    mlp: Callable


ENGINES = (Engine("micrograd", MGValue, MGMLP), Engine("tutor", Value, MLP))


def demo_setup(engine: Engine) -> tuple[list[list[float]], list[int], object]:
    """The demo's data and model, seeded as in the notebook.

    The points are handed to both engines as Python floats (the notebook passes
    numpy scalars, which micrograd then computes with, a little more slowly).
    """
    np.random.seed(1337)
    random.seed(1337)
    X, y = make_moons(n_samples=100, noise=0.1)
    y = y * 2 - 1
    return X.tolist(), y.tolist(), engine.mlp(2, [16, 16, 1])


def sgd_step(engine: Engine, model, X: list[list[float]], y: list[int], k: int) -> float:
    """One step of the demo's training loop; returns the loss before the update."""
    inputs = [[engine.value(x) for x in row] for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return total_loss.data


def train(steps: int, collector: bool) -> dict[str, tuple[list[float], list[float]]]:
    """Train both engines' models for `steps` SGD steps, taking turns step by step
    so that a change in the machine's load hits both alike.

    Returns (seconds per step, loss per step) for each engine. Every step starts
    from a collected heap (collected untimed), so that one engine's garbage is not
    collected on the other's time; with the collector off, it is also disabled
    during the step.
    """
    setups = {engine: demo_setup(engine) for engine in ENGINES}
    runs: dict[str, tuple[list[float], list[float]]] = {e.name: ([], []) for e in ENGINES}
    for k in range(steps):
        for engine, (X, y, model) in setups.items():
            times, losses = runs[engine.name]
            gc.collect()
            if not collector:
                gc.disable()
            try:
                start = time.process_time()
                losses.append(sgd_step(engine, model, X, y, k))
                times.append(time.process_time() - start)
            finally:
                gc.enable()
    return runs


# -- graphs micrograd can and cannot differentiate -------------------------------------


def chain(value: type, n_ops: int) -> object:
    x = value(0.5)
    for _ in range(n_ops // 2):
        x = x * 0.999 + 0.001
    return x


def pairwise_sum(value: type, n_products: int) -> object:
    rng = random.Random(1337)
    terms = [value(rng.uniform(-1, 1)) * value(rng.uniform(-1, 1)) for _ in range(n_products)]
    while len(terms) > 1:
        pairs = [a + b for a, b in zip(terms[::2], terms[1::2], strict=False)]
        terms = pairs + terms[2 * len(pairs) :]
    return terms[0]


def time_graphs(build: Callable, size: int, repeats: int) -> dict[str, float | str]:
    """Median seconds for each engine to build a graph and backpropagate through
    it (the engines taking turns), or the error that stopped it."""
    results: dict[str, list[float] | str] = {e.name: [] for e in ENGINES}
    for _ in range(repeats):
        for engine in ENGINES:
            if isinstance(results[engine.name], str):
                continue
            gc.collect()
            start = time.process_time()
            root = build(engine.value, size)
            try:
                root.backward()
            except RecursionError:
                results[engine.name] = "RecursionError"
                continue
            results[engine.name].append(time.process_time() - start)
    return {name: r if isinstance(r, str) else statistics.median(r) for name, r in results.items()}


# -- report --------------------------------------------------------------------------


def row(name: str, times: dict[str, float | str], target: float | None = None) -> bool:
    """Print one line of the table; False if a target was missed."""
    cells = [f"{t * 1000:9.1f} ms" if isinstance(t, float) else f"{t:>12}" for t in times.values()]
    mg, ours = times["micrograd"], times["tutor"]
    ratio = mg / ours if isinstance(mg, float) and isinstance(ours, float) else None
    shown = f"{ratio:6.1f}x" if ratio is not None else "      -"
    verdict = ""
    if target is not None:
        verdict = f"  (target {target:g}x: {'met' if ratio >= target else 'MISSED'})"
    print(f"{name:<34}{''.join(cells)}{shown}{verdict}")
    return target is None or ratio >= target


def losses_ok(losses: dict[str, list[float]]) -> bool:
    """Both engines start at the published loss and agree with each other at every step."""
    ok = True
    for name, per_step in losses.items():
        if abs(per_step[0] - PUBLISHED_STEP0_LOSS) > 1e-12:
            print(f"  {name}: step-0 loss {per_step[0]!r}, published {PUBLISHED_STEP0_LOSS!r}")
            ok = False
    (name_a, a), (name_b, b) = losses.items()
    if any(abs(x - y) > 1e-9 for x, y in zip(a, b, strict=True)):
        print(f"  the losses differ: {name_a} {a}, {name_b} {b}")
        ok = False
    return ok


def main(quick: bool) -> int:
    steps, size, repeats = (5, 20_000, 1) if quick else (10, 100_000, 3)
    ok = True
    print(f"{'':<34}{'micrograd':>12}{'tutor':>12}{'ratio':>7}")
    for mode, target in TARGETS.items():
        runs = train(steps, collector=mode == "gc on")
        times = {name: statistics.median(t) for name, (t, _) in runs.items()}
        # A missed speed target fails a full run; a quick run (CI, maybe on a busy
        # machine) reports it but fails only on wrong losses.
        ok &= row(f"MLP step, {mode} (median of {steps})", times, target) or quick
        ok &= losses_ok({name: losses for name, (_, losses) in runs.items()})
    for name, build in (
        (f"chain of {size:,} ops", chain),
        (f"wide sum of {size:,} products", pairwise_sum),
    ):
        ok &= row(name, time_graphs(build, size, repeats))
    print(f"ratio: micrograd's time / tutor's; MLP losses checked against {PUBLISHED_STEP0_LOSS!r}")
    return 0 if ok else 1
