"""What a ``show = "plot"`` step draws, as numbers: no drawing here.

The output as a function of one leaf (the other leaves held at their values),
the current point, the tangent there (its slope is the engine's gradient) and,
with ``h``, the secant to the point ``h`` further on. Every value comes from
the engine's forward pass (`tutor.engine.evaluate` with the leaf overridden),
so the picture shows exactly what the questions are graded against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tutor.engine import EngineError, evaluate
from tutor.lesson.graph import Graph

SAMPLES = 201

Point = tuple[float, float]


@dataclass(frozen=True)
class PlotData:
    """One plot: the curve in pieces (split where the output is undefined), and lines."""

    leaf: str
    output: str
    pieces: list[list[Point]]
    point: Point
    slope: float
    tangent: tuple[Point, Point]
    secant: tuple[Point, Point] | None = None
    h: float | None = None

    @property
    def secant_slope(self) -> float | None:
        """Rise over run of the secant, when there is one."""
        if self.secant is None:
            return None
        (x0, y0), (x1, y1) = self.secant
        return (y1 - y0) / (x1 - x0)


def output_at(graph: Graph, leaf: str, x: float) -> float | None:
    """The output with ``leaf`` set to ``x``, or None where it cannot be computed."""
    try:
        y = evaluate(graph.output, {graph.nodes[leaf]: x})
    except (EngineError, OverflowError, ZeroDivisionError, ValueError):
        return None
    return y if math.isfinite(y) else None


def curve(
    graph: Graph, leaf: str, low: float, high: float, samples: int = SAMPLES
) -> list[list[Point]]:
    """The output over ``[low, high]``, as runs of points where it is defined."""
    pieces: list[list[Point]] = []
    run: list[Point] = []
    for k in range(samples):
        x = low + (high - low) * k / (samples - 1)
        y = output_at(graph, leaf, x)
        if y is None:
            if run:
                pieces.append(run)
            run = []
        else:
            run.append((x, y))
    if run:
        pieces.append(run)
    return pieces


def plot_data(graph: Graph, leaf: str, low: float, high: float, h: float | None = None) -> PlotData:
    """Everything a plot step shows, for ``leaf`` over ``[low, high]``."""
    if leaf not in graph.leaves:
        raise ValueError(f"`{leaf}` is not a leaf of the graph")
    if not low < high:
        raise ValueError(f"the range [{low}, {high}] is empty")
    x0, y0 = graph.value(leaf), graph.output.data
    slope = graph.grad(leaf)
    pieces = curve(graph, leaf, min(low, x0), max(high, x0))
    secant = None
    if h is not None:
        y1 = output_at(graph, leaf, x0 + h)
        if y1 is not None:
            secant = ((x0, y0), (x0 + h, y1))
    ys = [y for piece in pieces for _, y in piece] or [y0]
    tangent = _clipped_line((x0, y0), slope, (min(low, x0), max(high, x0)), (min(ys), max(ys)))
    return PlotData(leaf, graph.output.label, pieces, (x0, y0), slope, tangent, secant, h)


def _clipped_line(
    point: Point, slope: float, xs: tuple[float, float], ys: tuple[float, float]
) -> tuple[Point, Point]:
    """The line through ``point`` with ``slope``, cut to the box ``xs`` × ``ys``.

    Keeping the tangent inside the curve's own box stops a steep tangent from
    stretching the y axis until the curve is a flat line.
    """
    x0, y0 = point
    low, high = xs
    bottom, top = min(ys[0], y0), max(ys[1], y0)
    if slope != 0:
        at_bottom = x0 + (bottom - y0) / slope
        at_top = x0 + (top - y0) / slope
        low = max(low, min(at_bottom, at_top))
        high = min(high, max(at_bottom, at_top))
    return (low, y0 + slope * (low - x0)), (high, y0 + slope * (high - x0))
