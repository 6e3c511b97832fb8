"""The graph renderer: the lecture's graphs as text and as DOT, and random graphs."""

from __future__ import annotations

import operator
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.engine import Value, topo_order
from tutor.render import (
    GraphPicture,
    fit_text,
    format_number,
    op_symbol,
    render_dot,
    render_text,
)
from tutor.render.graph import MAX_PLACES, places


def named(value: Value, label: str) -> Value:
    value.label = label
    return value


def lecture_a() -> Value:
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = named(a * b, "e")
    d = named(e + c, "d")
    return named(d * f, "L")


def neuron_inputs() -> tuple[Value, ...]:
    return (
        Value(2.0, "x1"),
        Value(0.0, "x2"),
        Value(-3.0, "w1"),
        Value(1.0, "w2"),
        Value(6.8813735870195432, "b"),
    )


def lecture_b() -> Value:
    x1, x2, w1, w2, b = neuron_inputs()
    x1w1 = named(x1 * w1, "x1w1")
    x2w2 = named(x2 * w2, "x2w2")
    x1w1x2w2 = named(x1w1 + x2w2, "x1w1x2w2")
    n = named(x1w1x2w2 + b, "n")
    return named(n.tanh(), "o")


def lecture_b_script() -> Value:
    """n = x1*w1 + x2*w2 + b: unlabelled intermediates."""
    x1, x2, w1, w2, b = neuron_inputs()
    n = named(x1 * w1 + x2 * w2 + b, "n")
    return named(n.tanh(), "o")


def lecture_c() -> Value:
    n = Value(0.8813735870195432, "n")
    e = named((2 * n).exp(), "e")
    return named((e - 1) / (e + 1), "o")


def lecture_d() -> Value:
    a, b = Value(-2.0, "a"), Value(3.0, "b")
    return named(named(a * b, "d") * named(a + b, "e"), "f")


def lecture_d_twice() -> Value:
    a = Value(3.0, "a")
    return named(a + a, "b")


LECTURE = [lecture_a, lecture_b, lecture_b_script, lecture_c, lecture_d, lecture_d_twice]


def drawn(make, **options) -> GraphPicture:
    root = make()
    root.backward()
    return render_text(root, **options)


# The pictures below were checked by eye.

LECTURE_A = """\
┌ a ──────┐
│ data 2  ├─┐
│ grad 6  │ │    ┌ e ──────┐
└─────────┘ ├─*─▶│ data -6 ├─┐
┌ b ──────┐ │    │ grad -2 │ │    ┌ d ──────┐
│ data -3 ├─┘    └─────────┘ ├─+─▶│ data 4  ├─┐
│ grad -4 │      ┌ c ──────┐ │    │ grad -2 │ │    ┌ L ──────┐
└─────────┘      │ data 10 ├─┘    └─────────┘ ├─*─▶│ data -8 │
                 │ grad -2 │      ┌ f ──────┐ │    │ grad 1  │
                 └─────────┘      │ data -2 ├─┘    └─────────┘
                                  │ grad 4  │
                                  └─────────┘"""

LECTURE_B = """\
┌ x1 ───────┐
│ data 2    ├─┐
│ grad -1.5 │ │    ┌ x1w1 ────┐
└───────────┘ ├─*─▶│ data -6  ├─┐
┌ w1 ───────┐ │    │ grad 0.5 │ │
│ data -3   ├─┘    └──────────┘ │
│ grad 1    │                   │    ┌ x1w1x2w2 ───┐
└───────────┘                   ├─+─▶│ data -6     ├─┐
┌ x2 ───────┐                   │    │ grad 0.5    │ │    ┌ n ──────────┐        ┌ o ──────────┐
│ data 0    ├─┐                 │    └─────────────┘ ├─+─▶│ data 0.8814 ├──tanh─▶│ data 0.7071 │
│ grad 0.5  │ │    ┌ x2w2 ────┐ │    ┌ b ──────────┐ │    │ grad 0.5    │        │ grad 1      │
└───────────┘ ├─*─▶│ data 0   ├─┘    │ data 6.8814 ├─┘    └─────────────┘        └─────────────┘
┌ w2 ───────┐ │    │ grad 0.5 │      │ grad 0.5    │
│ data 1    ├─┘    └──────────┘      └─────────────┘
│ grad 0    │
└───────────┘"""

# n and 2n get more places: 2 × 0.8814 = 1.7628, which is not (1.7627), and
# exp(1.7627) = 5.8282, which is not 5.8284 (the shown numbers agree, issue 19).
LECTURE_C = """\
┌ n ────────────┐                       ┌ e ──────────┐                      ┌ o ──────────┐
│ data 0.881374 ├──2 *─▶(1.76275)──exp─▶│ data 5.8284 ├─┬─- 1─▶(4.8284)─┬─/─▶│ data 0.7071 │
│ grad 0.5      │                       │ grad 0.0429 │ └─+ 1─▶(6.8284)─┘    │ grad 1      │
└───────────────┘                       └─────────────┘                      └─────────────┘"""

LECTURE_D = """\
┌ a ──────┐
│ data -2 ├─┬─┐
│ grad -3 │ │ │    ┌ d ──────┐
└─────────┘ │ ├─*─▶│ data -6 ├─┐
┌ b ──────┐ │ │    │ grad 1  │ │    ┌ f ──────┐
│ data 3  ├─┼─┘    └─────────┘ ├─*─▶│ data -6 │
│ grad -8 │ │      ┌ e ──────┐ │    │ grad 1  │
└─────────┘ └───+─▶│ data 1  ├─┘    └─────────┘
                   │ grad -6 │
                   └─────────┘"""

LECTURE_D_TWICE = """\
┌ a ─────┐
│ data 3 ├─┬─┐    ┌ b ─────┐
│ grad 2 │ └─┴─+─▶│ data 6 │
└────────┘        │ grad 1 │
                  └────────┘"""

SKIPPING = """\
┌ a ─────┐        ┌ b ─────┐        ┌ c ─────┐
│ data 2 ├─┬─* 3─▶│ data 6 ├──tanh─▶│ data 1 ├─┐    ┌ d ─────┐
│ grad ? │ │      │ grad ? │        │ grad ? │ ├─+─▶│ data 3 │
└────────┘ │      └────────┘        └────────┘ │    │ grad ? │
           └───────────────────────────────────┘    └────────┘"""


# -- numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (2.0, "2"),
        (-3.0, "-3"),
        (0.0, "0"),
        (-0.0, "0"),
        (-1.5, "-1.5"),
        (6.8813735870195432, "6.8814"),
        (0.7071067811865476, "0.7071"),
        (1 / 3, "0.3333"),
        (0.99999999, "1"),
        (0.0001, "0.0001"),
        (3e-5, "3e-5"),
        (-0.000012345, "-1.234e-5"),
        (1234567.0, "1.235e6"),
        (float("inf"), "inf"),
    ],
)
def test_format_number(x, text):
    assert format_number(x) == text


def test_op_symbol():
    x = Value(2.0)
    assert op_symbol(x) == ""
    assert op_symbol(x**2) == "** 2"
    assert op_symbol(x**0.5) == "** 0.5"
    assert op_symbol(x.tanh()) == "tanh"
    assert op_symbol(x * x) == "*"


# -- the lecture's graphs -------------------------------------------------------


@pytest.mark.parametrize("make", LECTURE)
def test_lecture_graphs_fit_the_panel_and_show_every_node(make):
    root = make()
    root.backward()
    picture = render_text(root)
    digits = places(root)
    assert picture.width <= 100
    assert picture.height < 30
    assert set(picture.boxes) == {node for node in topo_order(root) if node.label}
    for node, box in picture.boxes.items():
        rows = picture.lines[box.row : box.row + box.height]
        inside = [row[box.col : box.col + box.width] for row in rows]
        assert inside[0].startswith(f"┌ {node.label} ─")
        assert inside[1].startswith(f"│ data {format_number(node.data, digits.get(node, 4))} ")
        assert inside[2].startswith(f"│ grad {format_number(node.grad)} ")
        assert inside[3] == "└" + "─" * (box.width - 2) + "┘"


def test_lecture_graph_a():
    picture = drawn(lecture_a)
    assert str(picture) == LECTURE_A
    assert (picture.width, picture.height) == (62, 12)


def test_lecture_graph_b():
    picture = drawn(lecture_b)
    assert str(picture) == LECTURE_B
    assert (picture.width, picture.height) == (96, 16)


def test_the_script_form_shows_intermediates_as_values_on_the_wires():
    picture = drawn(lecture_b_script)
    text = str(picture)
    assert "─*─▶(-6)─" in text  # x1*w1
    assert "─*─▶(0)─" in text  # x2*w2
    assert "─+─▶(-6)─" in text  # x1*w1 + x2*w2
    assert "─tanh─▶│ data 0.7071" in text
    assert len(picture.boxes) == 7


def test_constants_are_written_into_their_op():
    assert str(drawn(lecture_c)) == LECTURE_C


def test_a_constant_is_written_on_its_side_of_the_op():
    x = Value(3.0, "x")
    text = str(render_text(named(3 * x**2 - 4 * x + 5, "f")))
    assert "─** 2─▶(9)──3 *─▶(27)─" in text
    assert "─4 *─▶(12)─" in text
    assert "─-─▶(15)──+ 5─▶│ data 20" in text
    assert "─1 -─▶" in str(render_text(named(1 - x, "y")))


def test_a_constant_with_no_wired_partner_is_drawn_as_its_number():
    root = named((Value(2.0) * Value(3.0)).tanh(), "y")
    assert render_text(root).lines[:2] == [
        "2─┬─*─▶(6)─┐       ┌ y ─────┐",
        "3─┘        └─tanh─▶│ data 1 │",
    ]


def test_a_node_used_by_two_ops_sends_a_wire_to_each():
    assert str(drawn(lecture_d)) == LECTURE_D


def test_a_node_used_twice_by_one_op_sends_it_two_wires():
    assert str(drawn(lecture_d_twice)) == LECTURE_D_TWICE


def test_a_wire_skipping_columns_runs_through_them():
    a = Value(2.0, "a")
    root = named(named(named(a * 3, "b").tanh(), "c") + a, "d")
    assert str(render_text(root, show_grad=False)) == SKIPPING


def test_an_op_never_sits_on_the_row_of_a_wire_it_does_not_take():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    root = named(a * b + named(c - a, "q"), "r")  # q centred on a and c would sit on b's row
    assert render_text(root, show_grad=False).lines[3:7] == [
        "└────────┘ ├─│─*─▶(2)────────┐    ┌ r ─────┐",
        "┌ b ─────┐ │ │               ├─+─▶│ data 4 │",
        "│ data 2 ├─┘ │    ┌ q ─────┐ │    │ grad ? │",
        "│ grad ? │   ├─-─▶│ data 2 ├─┘    └────────┘",
    ]


def test_a_shared_wire_does_not_run_straight_into_a_two_operand_op():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    six = a * b  # feeds * and tanh: it joins * from above, so (5) cannot seem to feed tanh
    root = named(six * (a + b) + six.tanh(), "r")
    assert render_text(root, show_grad=False).lines[3:6] == [
        "└────────┘ ├─│─*─▶(6)─┬─┐                 ┌ r ──────┐",
        "┌ b ─────┐ │ ├─+─▶(5)─┴─│────*─▶(30)─┬─+─▶│ data 31 │",
        "│ data 3 ├─┴─┘          └─tanh─▶(1)──┘    │ grad ?  │",
    ]


def test_rendering_is_deterministic():
    assert len({str(drawn(lecture_b)) for _ in range(5)}) == 1


# -- what the app needs ---------------------------------------------------------


def test_the_highlighted_box_has_a_double_border_and_is_reported():
    root = lecture_a()
    root.backward()
    d = root.inputs[0]
    picture = render_text(root, highlight=d)
    box = picture.boxes[d]
    rows = [line[box.col : box.col + box.width] for line in picture.lines[box.row :][:4]]
    assert rows == ["╔ d ══════╗", "║ data 4  ╟", "║ grad -2 ║", "╚═════════╝"]
    others = [b for node, b in picture.boxes.items() if node is not d]
    assert all(picture.lines[b.row][b.col] == "┌" for b in others)
    assert str(picture).count("╔") == 1


@pytest.mark.parametrize("stranger", [True, False])
def test_only_a_labelled_node_of_the_graph_can_be_highlighted(stranger):
    root = lecture_c()
    node = Value(1.0, "stranger") if stranger else root.inputs[0]  # e - 1, unlabelled
    with pytest.raises(ValueError, match="not a labelled node"):
        render_text(root, highlight=node)


def test_hidden_gradients_show_a_question_mark():
    hidden = str(drawn(lecture_a, show_grad=False))
    assert hidden.count("grad ?") == 7
    assert re.search(r"grad -?\d", hidden) is None
    earned = str(drawn(lecture_a, show_grad=lambda node: node.label in {"L", "d"}))
    assert earned.count("grad ?") == 5
    assert "│ grad -2 │" in earned
    assert "│ grad 1  │" in earned
    assert "grad ?" not in str(drawn(lecture_a))


# -- reading a picture back -------------------------------------------------------

LINE_ARMS = {
    "─": "LR",
    "│": "UD",
    "┌": "RD",
    "┐": "LD",
    "└": "RU",
    "┘": "LU",
    "├": "UDR",
    "┤": "UDL",
    "┬": "LRD",
    "┴": "LRU",
    "┼": "UDLR",
}
OPPOSITE = {"L": "R", "R": "L", "U": "D", "D": "U"}
STEP = {"L": (0, -1), "R": (0, 1), "U": (-1, 0), "D": (1, 0)}


class Wires:
    """The wires of a picture: every line cell outside the boxes, with its arms."""

    def __init__(self, picture: GraphPicture):
        self.picture = picture
        self.grid = [line.ljust(picture.width) for line in picture.lines]
        in_box = {
            (row, col)
            for b in [*picture.boxes.values(), *picture.repeats]
            for row in range(b.row, b.row + b.height)
            for col in range(b.col, b.col + b.width)
        }
        self.arms = {
            (row, col): LINE_ARMS[char]
            for row, line in enumerate(self.grid)
            for col, char in enumerate(line)
            if char in LINE_ARMS and (row, col) not in in_box
        }

    def at(self, row: int, col: int) -> str:
        inside = 0 <= row < len(self.grid) and 0 <= col < self.picture.width
        return self.grid[row][col] if inside else " "

    def meets(self, row: int, col: int, arm: str) -> tuple[int, int]:
        """The cell an arm reaches: the next one, or past a crossing (``│``)."""
        dr, dc = STEP[arm]
        near = (row + dr, col + dc)
        if arm in "LR" and self.arms.get(near) == "UD":
            return (row, col + 2 * dc)
        return near

    def faults(self) -> list[tuple[int, int, str]]:
        """Every arm that does not meet a wire's arm (or, sideways, any text)."""
        faults = []
        for (row, col), arms in self.arms.items():
            for arm in arms:
                near = self.at(*self.meets(row, col, arm))
                text = arm in "LR" and near != " " and near not in LINE_ARMS
                if not text and OPPOSITE[arm] not in LINE_ARMS.get(near, ""):
                    faults.append((row, col, arm))
        return faults

    def connections(self) -> set[frozenset[tuple[str, str]]]:
        """Which box ports the wires join, read back from the picture alone.

        A port is ("out", label) where a wire leaves a box, ("in", label) at the
        arrow into one. Wires join at junctions and through op symbols, not at a
        crossing.
        """
        arms = dict(self.arms)
        for row, line in enumerate(self.grid):  # an op symbol passes its wire on
            for match in re.finditer(r"─([^─▶ ][^─▶]*)─▶", line):
                arms.update({(row, col): "LR" for col in range(*match.span(1))})
        parent = {cell: cell for cell in arms}

        def root(cell):
            while parent[cell] != cell:
                cell = parent[cell]
            return cell

        for (row, col), cell_arms in arms.items():
            for arm in cell_arms:
                cell = self.meets(row, col, arm)
                if OPPOSITE[arm] in arms.get(cell, ""):
                    parent[root(cell)] = root((row, col))
        nets: dict[tuple[int, int], set] = {}
        for node, b in self.picture.boxes.items():
            port = b.row + 1
            if self.at(port, b.col - 1) == "▶":
                nets.setdefault(root((port, b.col - 2)), set()).add(("in", node.label))
            if self.at(port, b.col + b.width - 1) == "├":
                nets.setdefault(root((port, b.col + b.width)), set()).add(("out", node.label))
        assert {root(cell) for cell in arms} == set(nets), "a wire joining no port"
        return {frozenset(net) for net in nets.values()}


def expected_connections(root: Value) -> set[frozenset[tuple[str, str]]]:
    """What each wire should join: an op's arrow and its operands' ports, transitively."""
    nets: list[set] = []
    for node in topo_order(root):
        net = {("in", node.label)} | {("out", x.label) for x in node.inputs}
        joined = [other for other in nets if other & net]
        nets = [other for other in nets if not other & net] + [net.union(*joined)]
    return {frozenset(net) for net in nets if len(net) > 1}


def test_reading_the_wires_back():
    wires = Wires(drawn(lecture_d))
    assert wires.faults() == []
    assert wires.connections() == {
        frozenset({("out", "a"), ("out", "b"), ("in", "d"), ("in", "e")}),
        frozenset({("out", "d"), ("out", "e"), ("in", "f")}),
    }


def test_reading_back_finds_a_broken_wire():
    picture = drawn(lecture_a)
    lines = list(picture.lines)
    lines[2] = lines[2].replace("│ │", "│  ", 1)  # cut the trunk under a's wire
    assert Wires(GraphPicture(lines, picture.boxes)).faults() == [(1, 12, "D"), (3, 12, "U")]


# -- random graphs -------------------------------------------------------------

MAKE = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "tanh": lambda a, _: a.tanh(),
    "neg": lambda a, _: -a,
    "square": lambda a, _: a**2,
}


def join_unused(nodes: list[Value]) -> Value:
    """The sum of every node nothing uses, so that the whole graph is drawn."""
    used = {id(x) for node in nodes for x in node.inputs}
    unused = [node for node in nodes if id(node) not in used]
    total = unused[0]
    for node in unused[1:]:
        total = total + node
    return total


@st.composite
def graphs(draw, ops=tuple(MAKE), all_labelled=False) -> Value:
    """A random graph: leaves and constants, reuse, any shape; some nodes labelled."""
    labelled = st.just(True) if all_labelled else st.booleans()
    nodes = []
    for i in range(draw(st.integers(1, 4))):
        number = draw(st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0]))
        nodes.append(Value(number, f"x{i}" if draw(labelled) else ""))
    for i in range(draw(st.integers(1, 12))):
        a, b = draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes))
        node = MAKE[draw(st.sampled_from(ops))](a, b)
        nodes.append(named(node, f"v{i}" if draw(labelled) else ""))
    root = join_unused(nodes)
    for i, node in enumerate(topo_order(root)):
        if not node.is_leaf and not node.label and draw(labelled):
            node.label = f"s{i}"  # the sums
    root.backward()
    return named(root, root.label or "out")


@given(graphs(), st.booleans())
def test_random_graphs_draw_well_formed_pictures(root, show):
    nodes = topo_order(root)
    marked = [node for node in nodes if node.label]
    picture = render_text(root, show_grad=show, highlight=marked[-1])

    assert all(len(line) <= picture.width for line in picture.lines)
    assert Wires(picture).faults() == []
    assert set(picture.boxes) == set(marked)
    text = str(picture)
    for node in marked:
        assert len(re.findall(rf"[┌╔] {node.label} [─═]", text)) == 1
    cells = [
        (row, col)
        for b in picture.boxes.values()
        for row in range(b.row, b.row + b.height)
        for col in range(b.col, b.col + b.width)
    ]
    assert len(cells) == len(set(cells)), "boxes overlap"
    assert text.count("▶") == sum(not node.is_leaf for node in nodes), "an arrow into each op"
    assert text.count("grad ?") == (0 if show else len(marked))


@given(graphs(ops=("add", "sub", "mul", "tanh"), all_labelled=True))
def test_random_graphs_wire_each_op_to_its_operands_and_nothing_else(root):
    assert Wires(render_text(root)).connections() == expected_connections(root)


# -- DOT -----------------------------------------------------------------------


def edges(dot: str) -> list[str]:
    return [line.strip() for line in dot.splitlines() if "->" in line]


def test_dot_draws_records_op_nodes_and_an_edge_per_operand():
    root = lecture_a()
    root.backward()
    dot = render_dot(root)
    assert dot.startswith("digraph {\n  rankdir=LR;\n")
    assert dot.endswith("}\n")
    unescaped = re.sub(r"\\.", "", dot)
    assert unescaped.count("{") == unescaped.count("}")
    nodes = topo_order(root)
    assert dot.count("shape=record") == len(nodes)
    ops = [node for node in nodes if not node.is_leaf]
    assert len(edges(dot)) == len(ops) + sum(len(node.inputs) for node in ops)
    assert "{ a | data 2.0000 | grad 6.0000 }" in dot
    assert "{ L | data -8.0000 | grad 1.0000 }" in dot


def test_dot_shows_both_edges_of_a_node_used_twice():
    assert edges(render_dot(lecture_d_twice())) == [
        "n1_op -> n1;",
        "n0 -> n1_op;",
        "n0 -> n1_op;",
    ]


def test_dot_escapes_labels():
    root = named(Value(1.0, 'a|{b}<c>"\\') * 2, "out")
    assert r'label="{ a\|\{b\}\<c\>\"\\ | data 1.0000 | grad 0.0000 }"' in render_dot(root)


def test_dot_hides_gradients_and_never_shows_minus_zero():
    root = lecture_a()
    root.backward()
    dot = render_dot(root, show_grad=lambda node: node.label == "L")
    assert dot.count("grad ?") == len(topo_order(root)) - 1
    assert "data 0.0000" in render_dot(named(Value(-1e-9, "z") * 1, "y"))


# -- fitting a width (the app at 80 columns, `tutor graph --width`) -------------------


def test_a_graph_that_fits_is_drawn_in_full_boxes():
    root = lecture_a()
    assert fit_text(root, 80).lines == render_text(root).lines


def test_a_wide_graph_is_drawn_compact_then_folded_into_bands():
    root = lecture_b()
    root.backward()
    full = render_text(root)
    assert full.width > 76
    picture = fit_text(root, 76, highlight=root, show_grad=False)
    assert picture.compact and picture.bands == 2 and picture.width <= 76
    text = str(picture)
    assert "│x1=2 g=? ├" in text and "║o=0.7071 g=?║" in text
    assert text.count("n=0.8814") == 2, "the second band starts again with n"
    assert len(picture.repeats) == 1
    assert set(picture.boxes) == {v for v in topo_order(root) if v.label}
    assert Wires(picture).faults() == []
    first, second = text.split("\n\n")
    assert "tanh" in second and "tanh" not in first


def test_compact_fits_the_height_when_boxes_would_not():
    root = lecture_a()
    assert fit_text(root, 200, 12).compact is False
    picture = fit_text(root, 200, 6)
    assert picture.compact and picture.height <= 6


def test_a_hidden_value_is_not_given_away_by_a_wire():
    # lesson 1 drew (15)──+ 5─▶ f while asking for f
    x = Value(3.0, "x")
    f = named(3 * x**2 - 4 * x + 5, "f")
    text = str(render_text(f, hidden=[f]))
    assert "data ?" in text and "20" not in text
    for shown in ("(9)", "(27)", "(12)", "(15)"):
        assert shown not in text
    assert "data 3" in text, "the leaf's value is not asked: it stays"
    assert "(?)" in text


@given(graphs(), st.integers(20, 90))
def test_random_graphs_fit_any_width(root, width):
    picture = fit_text(root, width, show_grad=False)
    assert picture.width <= width, "drawn, or else listed a node a line, within the width"
    if not picture.listed:
        assert Wires(picture).faults() == []
    assert set(picture.boxes) == {v for v in topo_order(root) if v.label}


# -- the shown numbers agree (issue 19) ----------------------------------------------


def test_a_product_is_what_its_shown_factors_give():
    # w1 = 0.688844 shown as 0.6888 would make w1 * 2 = 1.37769 read (1.3777), where
    # 0.6888 × 2 = 1.3776: w1 gets a place more, and 0.68884 × 2 rounds to 1.3777.
    w1, x1 = Value(0.6888437, "w1"), Value(2.0, "x1")
    y = named(w1 * x1 + Value(-0.1589, "b"), "y")
    y.backward()
    text = str(render_text(y))
    assert "data 0.68884 " in text and "(1.3777)" in text
    assert "data 0.6888 " not in text


def test_the_course_graphs_agree_with_themselves():
    from tutor.check.variants import quiz_graph
    from tutor.lesson.folder import load_course
    from tutor.paths import bundled_lessons

    for lesson in load_course(bundled_lessons()).lessons:
        if not lesson.has_graph:
            continue
        for seed in (0, 1):
            root = quiz_graph(lesson, seed).output
            digits = places(root)
            for node in topo_order(root):
                if node.is_leaf or digits.get(node, 4) >= MAX_PLACES:
                    continue
                if any(digits.get(x, 4) >= MAX_PLACES for x in node.inputs):
                    continue  # as many places as it gets
                written = [float(format_number(x.data, digits.get(x, 4))) for x in node.inputs]
                again = node._op.forward(tuple(written), node.param)
                n = digits.get(node, 4)
                assert format_number(again, n) == format_number(node.data, n), (lesson.id, node)
