"""The network at the neuron level: ctrl+g in a network lesson, and `tutor graph --network`."""

from __future__ import annotations

import pytest
from conftest import make_app, pilot_test
from tui_pilot import until_lesson

from tutor.lesson.folder import load_course
from tutor.numbers import short
from tutor.paths import bundled_lessons
from tutor.render import fit_text
from tutor.render.network import (
    MARK,
    hidden_downstream,
    locate,
    network_shape,
    neuron_graph,
    render_network,
)
from tutor.session import Session
from tutor.tui.screens.network import NetworkScreen
from tutor.tui.widgets.feedback import Feedback

COURSE = load_course(bundled_lessons())


def graph_of(lesson_id: str):
    return Session(COURSE.find(lesson_id)).graph


# -- the renderer ------------------------------------------------------------------


def test_the_shape_is_read_from_the_names():
    shape = network_shape(graph_of("neuron-to-network").nodes)
    assert (shape.inputs, shape.sizes, shape.examples) == (3, (4, 4, 1), 4)
    single = network_shape(graph_of("gradient-descent").nodes)
    assert single.single and single.sizes == (1,) and single.examples == 1
    assert network_shape(graph_of("chain-rule").nodes) is None  # a hand-written graph


def test_names_locate_their_neuron_and_example():
    shape = network_shape(graph_of("neuron-to-network").nodes)
    assert locate(shape, "w2_3_1") == ((2, 3), None)
    assert locate(shape, "b1_4") == ((1, 4), None)
    assert locate(shape, "n1_1_3") == ((1, 1), 3)
    assert locate(shape, "o2_4_2") == ((2, 4), 2)
    assert locate(shape, "ypred4") == ((3, 1), 4)
    assert locate(shape, "L2") == (None, 2)
    assert locate(shape, None) == (None, None)


@pytest.mark.parametrize("width", [80, 78, 60, 40, 30, 20])
def test_the_drawing_fits_the_width(width):
    graph = graph_of("loss-over-data")
    shape = network_shape(graph.nodes)
    for example in range(1, 5):
        picture = render_network(
            graph.nodes,
            shape,
            width,
            example=example,
            show_grad=True,
            selected=(2, 3),
            asked="w2_3_1",
        )
        assert picture.width <= width, str(picture)


def test_at_80_columns_the_lectures_network_is_drawn_side_by_side_in_24_rows():
    graph = graph_of("loss-over-data")
    shape = network_shape(graph.nodes)
    picture = render_network(graph.nodes, shape, 78, show_grad=True, selected=(1, 1))
    assert picture.wide and picture.height <= 22  # a title and a footer besides
    text = str(picture)
    for title in ("input", "layer 1", "layer 2", "layer 3", "loss"):
        assert title in picture.lines[1]
    # every neuron of example 1, its output and gradient
    for layer in shape.neurons(1):
        for n in layer:
            node = graph.nodes[n.output]
            assert f"{n.output} {short(node.data)}" in text
            assert f"∇ {short(node.grad)}" in text
    assert f"{MARK}o1_1_1" in text
    assert "n1_1_1 = " + short(graph.value("n1_1_1")) in text  # the selected neuron's sum


def test_gradients_show_only_where_known_and_hidden_values_hide_what_follows():
    graph = graph_of("neuron-to-network")
    shape = network_shape(graph.nodes)
    picture = render_network(graph.nodes, shape, 78, hidden={"o1_1_1"}, selected=(1, 1))
    text = str(picture)
    assert "∇ ?" in text and "∇ -" not in text
    assert "o1_1_1 ?" in text
    # computed from o1_1_1: layer 2, the prediction, the losses
    assert "o2_1_1 ?" in text and "ypred1 ?" in text and "L1 ?" in text and "L = ?" in text
    assert f"o1_2_1 {short(graph.value('o1_2_1'))}" in text  # not computed from it
    assert hidden_downstream(shape, {"ypred2"}) == {"ypred2", "L2", "L"}


def test_no_question_of_the_network_lessons_is_answered_by_its_diagram():
    for lesson_id in ("neuron-to-network", "loss-over-data"):
        session = Session(COURSE.find(lesson_id))
        shape = network_shape(session.graph.nodes)
        for index, ask in enumerate(session.lesson.questions):
            session.goto_question(index)
            if ask.kind != "value":
                continue
            earned = set(session.shown_earned)
            neuron, example = locate(shape, ask.node)
            text = str(
                render_network(
                    session.graph.nodes,
                    shape,
                    78,
                    example=example or 1,
                    show_grad=lambda name, earned=earned: name in earned,
                    hidden=session.hidden_values(),
                    selected=neuron,
                    asked=ask.node,
                )
            )
            answer = short(session.question().expected)
            assert f"{ask.node} {answer}" not in text and f"= {answer}" not in text, (
                lesson_id,
                ask.node,
            )


def test_a_neuron_cut_out_is_the_lectures_neuron_graph():
    graph = graph_of("loss-over-data")
    shape = network_shape(graph.nodes)
    root = neuron_graph(graph.nodes, shape, 2, 1, 1)
    assert root.label == "o2_1_1" and root.data == graph.value("o2_1_1")
    leaves = {n.label for n in _walk(root) if n.is_leaf and n.label}
    assert leaves == {
        "b2_1",
        *(f"w2_1_{i}" for i in range(1, 5)),
        *(f"o1_{j}_1" for j in range(1, 5)),
    }
    assert root is not graph.nodes["o2_1_1"]  # copies: the lesson's graph is not changed
    picture = fit_text(root, 78)
    assert "n2_1_1" in str(picture) and "tanh" in str(picture)


def _walk(root):
    seen, todo = [], [root]
    while todo:
        node = todo.pop()
        if any(node is s for s in seen):
            continue
        seen.append(node)
        todo.extend(node.inputs)
    return seen


# -- in the app ---------------------------------------------------------------------


async def _open_at(pilot, app, lesson_id, question):
    app.open_lesson(lesson_id)
    screen = await until_lesson(pilot)
    screen.go_to(screen.session.position_of(question))
    await pilot.pause()
    return screen


@pilot_test
async def test_ctrl_g_in_a_network_lesson_draws_the_network():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_at(pilot, app, "neuron-to-network", 2)  # o1_1_1 = tanh(n1_1_1)
        await pilot.press("ctrl+g")
        await pilot.pause()
        network = app.screen
        assert isinstance(network, NetworkScreen)
        text = str(network.text())
        assert "asked: o1_1_1" in text and "o1_1_1 ?" in text
        # the number the step before asked, shown again now that it is answered or not
        assert f"{MARK} layer 1, neuron 1" in text
        await pilot.press("right")
        await pilot.pause()
        assert "example 2 of 4" in str(network.text())
        await pilot.press("down", "e")
        await pilot.pause()
        assert network.expanded and "its nodes" in str(network.text())
        assert "w1_2_1" in str(network.text())
        await pilot.press("escape")  # the network again
        await pilot.pause()
        assert not network.expanded and app.screen is network
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@pilot_test
async def test_ctrl_l_where_there_is_nothing_to_derive_says_why():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_at(pilot, app, "neuron-to-network", 0)
        await pilot.press("ctrl+l")
        await pilot.pause()
        said = str(screen.query_one(Feedback).render())
        assert "no edge to derive" in said


def test_the_network_at_80x24(snap_compare):
    app = make_app()

    async def run_before(pilot) -> None:
        await pilot.pause()
        await _open_at(pilot, app, "loss-over-data", 2)
        await pilot.press("ctrl+g")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_one_neuron_s_nodes_at_80x24(snap_compare):
    app = make_app()

    async def run_before(pilot) -> None:
        await pilot.pause()
        await _open_at(pilot, app, "neuron-to-network", 1)
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# -- tutor graph --network ------------------------------------------------------------


@pytest.mark.parametrize("width", [20, 33, 50, 80, 120])
def test_tutor_graph_network_text_fits_the_width(width, capsys):
    from tutor.cli import main

    assert main(["graph", "loss-over-data", "--network", "--grads", "--width", str(width)]) == 0
    out = capsys.readouterr().out
    assert "ypred1" in out and "layer 3" in out
    assert max(len(line) for line in out.splitlines()) <= width


def test_tutor_graph_network_dot_has_every_wire(capsys):
    from tutor.cli import main

    assert (
        main(["graph", "neuron-to-network", "--network", "--format", "dot", "--example", "2"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("digraph {") and 'label="example 2 of 4"' in out
    assert out.count(" -> ") == 3 * 4 + 4 * 4 + 4 * 1 + 2  # inputs, layers, the loss
    assert '"x2_3" -> "o1_4_2";' in out and '"ypred2" -> "L2";' in out
    assert "grad ?" in out and "grad -" not in out  # no --grads: none shown


def test_tutor_graph_network_refuses_what_is_not_a_network(capsys):
    from tutor.cli import main

    assert main(["graph", "chain-rule", "--network"]) != 0
    assert "has no network" in capsys.readouterr().err
    assert main(["graph", "loss-over-data", "--network", "--example", "5"]) != 0
    assert "--example is 1 to 4" in capsys.readouterr().err


@pilot_test
async def test_ctrl_g_and_ctrl_o_where_they_do_nothing_say_why():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = await _open_at(pilot, app, "neuron-to-network", 0)  # the count: no view before
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "No training view comes before this step" in str(screen.query_one(Feedback).render())
        await pilot.press("escape")
        await pilot.pause()
        screen = await _open_at(pilot, app, "gradient-descent", 0)
        steps = screen.session.steps
        view = next(i for i, s in enumerate(steps) if getattr(s, "what", "") == "training")
        screen.go_to(view)  # a training step: no picture beside it; the neuron instead
        await pilot.pause()
        assert screen.check_action("zoom", ()) is not True
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, NetworkScreen)
        assert "ypred1" in str(app.screen.text()) and "layer 1" in str(app.screen.text())


def test_where_nothing_is_drawn_ctrl_g_says_why():
    from types import SimpleNamespace

    from tutor.tui.screens.network import open_network, why_not

    session = Session(COURSE.find("chain-rule"))
    screen = SimpleNamespace(session=session, quiz=False)
    assert not open_network(screen)  # no network: nothing pushed
    assert "no picture to show" in why_not(screen, "zoom")
    assert "no edge to derive" in why_not(screen, "derive")
    assert "quiz" in why_not(SimpleNamespace(session=session, quiz=True), "derive")


@pilot_test
async def test_the_fallbacks_leave_ctrl_l_and_ctrl_g_their_own_work():
    """The keys' messages are tried only where the keys' own actions do not apply."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_lesson("chain-rule")
        screen = await until_lesson(pilot)
        position = next(
            p for p in range(len(screen.session.steps)) if screen.go_to(p) or screen.run.edges()
        )
        screen.go_to(position)
        await pilot.pause()
        assert screen.check_action("derive", ()) is True
        assert screen.check_action("unbound", ("derive",)) is False
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "no edge to derive" not in str(screen.query_one(Feedback).render())
        assert screen.view == "derivation" or "counts as a reveal" in str(
            screen.query_one(Feedback).render()
        )
        screen.go_to(0)
        await pilot.pause()
        assert screen.check_action("zoom", ()) is True  # the chain rule's graph is drawn
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert screen.maximized is not None
