"""Run the benchmarks: ``python -m bench [--quick] [NAME ...]``.

Every module ``bench/bench_NAME.py`` defines ``main(quick: bool) -> int`` that prints
its figures and returns non-zero on failure. This runner finds them, runs them in
name order (or only the NAMEs given), and exits non-zero if any failed or raised.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback

import bench

PREFIX = "bench_"


def discover() -> list[str]:
    """The benchmark names, ``engine`` for ``bench/bench_engine.py``, sorted."""
    return sorted(
        info.name.removeprefix(PREFIX)
        for info in pkgutil.iter_modules(bench.__path__)
        if info.name.startswith(PREFIX)
    )


def run(name: str, quick: bool) -> bool:
    """Run one benchmark; True if it passed."""
    print(f"== bench {name}{' (quick)' if quick else ''}", flush=True)
    start = time.perf_counter()
    try:
        status = importlib.import_module(f"bench.{PREFIX}{name}").main(quick)
    except Exception:
        traceback.print_exc()
        status = 1
    verdict = "ok" if status == 0 else "FAILED"
    print(f"== bench {name}: {verdict} ({time.perf_counter() - start:.1f} s)\n", flush=True)
    return status == 0


def main(argv: list[str] | None = None) -> int:
    available = discover()
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run every bench/bench_*.py, or the NAMEs given."
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for CI")
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(available)})",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in available]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)}")
    results = [run(name, args.quick) for name in args.names or available]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
