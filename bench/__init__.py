"""Benchmarks: ``python -m bench [--quick]`` runs every ``bench/bench_*.py``."""
