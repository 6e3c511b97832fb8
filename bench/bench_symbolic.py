"""Symbolic derivations: the cold cost of building them all, and of specialising one.

* Building: a fresh process imports `tutor.symbolic` and builds every derivation
  (derived step by step, each step verified by SymPy, the standard limits checked
  by `sympy.limit`), timed inside that process. Beside it, in the same run and
  alternating with it, the cost of ``import sympy``, timed inside a fresh process
  too (not the wall time of ``python -c "import sympy"``, which adds the
  interpreter's start and the teardown of everything SymPy made). Target:
  building costs at most 3x the import.
* Specialising: putting fresh node labels into one cached derivation (every step
  substituted, the texts renamed) and evaluating its result at exact numbers, for
  every derivation in turn. Target: p95 under 1 ms.

Returns 1 if a run fails, or, in a full run, if a target is missed.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time

import sympy

BUILD_TARGET = 3.0
SPECIALISE_TARGET_MS = 1.0

BUILD = """
import json, time
start = time.perf_counter()
from tutor.symbolic import all_derivations
imported = time.perf_counter()
count = len(all_derivations())
built = time.perf_counter()
print(json.dumps({"import": imported - start, "build": built - imported, "count": count}))
"""


IMPORT = """
import json, time
start = time.perf_counter()
import sympy
print(json.dumps({"import": time.perf_counter() - start}))
"""


def in_fresh_process(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def measure_build(runs: int) -> tuple[float, float, dict]:
    """Median import cost of sympy, median build cost, and the last child's report."""
    in_fresh_process(IMPORT)  # warm the file cache and bytecode, untimed
    in_fresh_process(BUILD)
    imports, builds = [], []
    for _ in range(runs):
        imports.append(in_fresh_process(IMPORT)["import"])
        child = in_fresh_process(BUILD)
        builds.append(child["build"])
    return statistics.median(imports), statistics.median(builds), child


def measure_specialise(rounds: int) -> tuple[list[float], dict[str, float]]:
    """Seconds per specialisation (with the value), all of them and the p95 per op."""
    from tutor.symbolic import all_derivations

    everything = all_derivations()
    times: list[float] = []
    per_op: dict[str, list[float]] = {}
    gc.collect()
    for round_ in range(rounds):
        for number, derivation in enumerate(everything):
            labels = [
                sympy.Symbol(f"n{round_}_{number}_{i}", real=True)
                for i in range(len(derivation.inputs))
            ]
            values = {label: sympy.Rational(i + 3, 7) for i, label in enumerate(labels)}
            start = time.perf_counter()
            on_node = derivation.specialise(dict(zip(derivation.inputs, labels, strict=True)))
            if on_node.holds(values):  # relu's other cases do not hold at 3/7
                on_node.at(values)
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            per_op.setdefault(derivation.op, []).append(elapsed)
    return times, {op: p95(samples) for op, samples in per_op.items()}


def p95(samples: list[float]) -> float:
    return sorted(samples)[int(0.95 * (len(samples) - 1))]


def main(quick: bool) -> int:
    imports, builds, child = measure_build(runs=1 if quick else 5)
    ratio = builds / imports
    print(f"building every derivation ({child['count']}), in a fresh process, median:")
    print(f"  import sympy (in-process)                {imports * 1000:7.0f} ms")
    print(f"  import tutor.symbolic (with sympy)       {child['import'] * 1000:7.0f} ms")
    print(
        f"  derive and verify them all               {builds * 1000:7.0f} ms"
        f"   {ratio:.2f}x the import (target <= {BUILD_TARGET:g}x)"
    )

    times, per_op = measure_specialise(rounds=20 if quick else 200)
    overall_ms = p95(times) * 1000
    worst = max(per_op, key=per_op.__getitem__)
    print(f"specialising one derivation to a node, with its value ({len(times)} times):")
    print(
        f"  median {statistics.median(times) * 1000:.2f} ms, p95 {overall_ms:.2f} ms"
        f" (target < {SPECIALISE_TARGET_MS:g} ms); slowest op {worst}: p95 "
        f"{per_op[worst] * 1000:.2f} ms"
    )

    missed = [
        name
        for name, ok in (
            ("build", ratio <= BUILD_TARGET),
            ("specialise", overall_ms < SPECIALISE_TARGET_MS),
        )
        if not ok
    ]
    if missed:
        print(f"  MISSED: {', '.join(missed)}" + (" (not judged in a quick run)" if quick else ""))
    return 1 if missed and not quick else 0


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
