"""The numbers behind a plot step (tutor.lesson.plot): curve, point, tangent, secant."""

from __future__ import annotations

import pytest

from tutor.lesson import lesson_graph, load_lesson_text
from tutor.lesson.plot import output_at, plot_data

LESSON = """
format = 1
id = "p"
title = "Plot"
graph = \"\"\"
x = 3.0
f = 3*x**2 - 4*x + 5
\"\"\"
[[steps]]
show = "plot"
node = "x"
range = [-1, 6]
h = 1.0
"""

LOG = """
format = 1
id = "l"
title = "Log"
graph = \"\"\"
x = 2.0
y = log(x)
\"\"\"
[[steps]]
say = "log"
"""


@pytest.fixture
def graph():
    return lesson_graph(load_lesson_text(LESSON))


def f(x: float) -> float:
    return 3 * x**2 - 4 * x + 5


def test_the_curve_is_the_output_with_the_leaf_moved(graph):
    data = plot_data(graph, "x", -1, 6)
    (piece,) = data.pieces
    assert piece[0] == (-1, f(-1)) and piece[-1] == (6, f(6))
    assert all(y == pytest.approx(f(x)) for x, y in piece)
    assert graph.value("x") == 3.0  # the graph itself is left alone


def test_point_and_tangent_slope_are_the_engines(graph):
    data = plot_data(graph, "x", -1, 6)
    assert data.point == (3.0, 20.0)
    assert data.slope == graph.grad("x") == 14.0
    (x1, y1), (x2, y2) = data.tangent
    assert (y2 - y1) / (x2 - x1) == pytest.approx(14.0)
    assert y1 == pytest.approx(20 + 14 * (x1 - 3))


def test_the_tangent_stays_inside_the_curves_box(graph):
    data = plot_data(graph, "x", -1, 6)
    ys = [y for piece in data.pieces for _, y in piece]
    for x, y in data.tangent:
        assert -1 <= x <= 6
        assert min(ys) - 1e-9 <= y <= max(ys) + 1e-9


def test_the_secant_is_rise_over_run_for_h(graph):
    data = plot_data(graph, "x", -1, 6, h=1.0)
    assert data.secant == ((3.0, 20.0), (4.0, f(4)))
    assert data.secant_slope == pytest.approx(17.0)  # (37 - 20) / 1
    assert plot_data(graph, "x", -1, 6).secant is None


def test_the_curve_breaks_where_the_output_is_undefined():
    graph = lesson_graph(load_lesson_text(LOG))
    data = plot_data(graph, "x", -2, 2)
    assert all(x > 0 for piece in data.pieces for x, _ in piece)
    assert output_at(graph, "x", -1.0) is None


def test_only_a_leaf_over_a_real_range(graph):
    with pytest.raises(ValueError, match="not a leaf"):
        plot_data(graph, "f", -1, 6)
    with pytest.raises(ValueError, match="empty"):
        plot_data(graph, "x", 6, -1)
