"""`tutor check` per lesson size: time grows with the graph, never jumps at a threshold.

A lesson takes one of two symbolic paths (`tutor.symbolic.graph.whole`): exact
values and ``sympy.diff`` of the whole output (a graph of at most 60 nodes whose
output is at most 30 operations written as one expression), or 50-digit numbers
checked edge by edge (every other graph). Issue 21 measured MLP(1, [2, 2, 2, 1])
on one example with `vary` (54 nodes, the exact path) at 127 s of CPU, against 7 s
for the bundled 400-node lesson 13.

Each lesson here is a `[model]` lesson over one example (the loss, a weight's
gradient, 5 training updates), from a single neuron to the lecture's MLP, with a
`vary` on its input (the file's numbers and 20 variants) and without (the file's
numbers only); then the bundled lesson 13 as the baseline. Each is checked by
``tutor check`` in a fresh process; the figure is that process's CPU time (not
wall time: the machine is shared). Targets: no lesson of at most 60 nodes over
lesson 13's time, MLP(1, [2, 2, 2, 1]) with `vary` within 10 s.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from tutor.engine import topo_order
from tutor.lesson import lesson_graph, load_lesson
from tutor.symbolic.graph import WHOLE_EXPRESSION_OPS, expression_size, whole

TARGET_DEEP_S = 10.0
LESSON_13 = Path(__file__).resolve().parent.parent / "lessons" / "13-loss-over-data.toml"

#: (inputs, layers): from one neuron up, around the threshold, to the lecture's sizes.
SIZES = [
    (1, [1]),
    (2, [1]),
    (3, [1]),
    (1, [2, 1]),
    (2, [2, 1]),
    (1, [2, 2, 1]),
    (3, [2, 1]),
    (2, [3, 1]),
    (1, [2, 2, 2, 1]),
    (2, [3, 3, 1]),
    (3, [4, 4, 1]),
]
QUICK = [(1, [1]), (2, [2, 1]), (1, [2, 2, 2, 1]), (3, [4, 4, 1])]


def lesson_text(inputs: int, layers: list[int], vary: bool) -> str:
    xs = [round(0.5 - 0.3 * i, 1) for i in range(inputs)]
    weight = "w1" if layers == [1] else "w1_1_1"  # one neuron alone: the lecture's names
    table = "\n[vary]\nx1_1 = { min = -1.0, max = 1.0, step = 0.1 }\n" if vary else ""
    return f"""format = 1
id = "scale"
title = "MLP({inputs}, {layers}) on one example"

[model]
inputs = {inputs}
layers = {layers}

[data]
xs = [{xs}]
ys = [1.0]

[[steps]]
ask = "value"
node = "L"

[[steps]]
ask = "grad"
node = "{weight}"

[[steps]]
ask = "train"
rate = 0.05
steps = 5
{table}"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def checked(path: Path) -> tuple[float, str]:
    """CPU seconds of ``tutor check PATH`` in a fresh process (and its checker child),
    and its last line of output."""
    before = _children_cpu()
    done = subprocess.run(
        [sys.executable, "-m", "tutor", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    cpu = _children_cpu() - before
    last = (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]
    return cpu, ("ok" if done.returncode == 0 else f"exit {done.returncode}: {last[:160]}")


def describe(path: Path) -> tuple[int, int, str]:
    order = topo_order(lesson_graph(load_lesson(path)).output)
    size = expression_size(order, 10**6)
    return len(order), size, "exact" if whole(order) else "bounded"


def main(quick: bool) -> int:
    failed = 0
    baseline, verdict = checked(LESSON_13)
    nodes, _, path = describe(LESSON_13)
    print(
        f"lesson 13 ({nodes} nodes, {path}, 20 variants; baseline): CPU {baseline:.2f} s {verdict}"
    )
    print(
        f"  (exact path: at most 60 nodes and {WHOLE_EXPRESSION_OPS} operations as one expression)"
    )
    print(f"{'lesson':24} {'nodes':>5} {'expr':>6} {'path':>8} {'variants':>8} {'CPU s':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for inputs, layers in QUICK if quick else SIZES:
            for vary in (False, True):
                path = Path(folder) / "scale.toml"
                path.write_text(lesson_text(inputs, layers, vary), encoding="utf-8")
                nodes, size, route = describe(path)
                cpu, verdict = checked(path)
                name = f"MLP({inputs}, {layers})"
                count = 20 if vary else 0
                print(f"{name:24} {nodes:5d} {size:6d} {route:>8} {count:8d} {cpu:7.2f} {verdict}")
                if verdict != "ok":
                    failed = 1
                if nodes <= 60 and cpu > baseline:
                    print(f"  over lesson 13's {baseline:.2f} s")
                    failed = 1
                if (inputs, layers) == (1, [2, 2, 2, 1]) and vary and cpu > TARGET_DEEP_S:
                    print(f"  over the {TARGET_DEEP_S:.0f} s target")
                    failed = 1
    return failed
