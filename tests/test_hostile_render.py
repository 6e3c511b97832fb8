"""Hostile lessons that are big rather than malformed (issue 24): a graph of thousands
of nodes, a graph too wide to draw, many questions on other outputs, a step of
thousands of list items. Each is refused at PATH:LINE or drawn within its bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.hostile_render import (
    chain_script,
    huge_graph_lesson,
    huge_script,
    long_list,
    long_table,
    many_of_lesson,
    say_lesson,
)
from tutor.cli import main
from tutor.engine import Value, topo_order
from tutor.lesson import LessonLoadError, load_lesson, load_lesson_text
from tutor.lesson.graph import MAX_GRAPH_NODES, GraphError, build_graph, graph_size, lesson_graph
from tutor.lesson.text import (
    MAX_TABLE_ROWS,
    MAX_TEXT_BLOCKS,
    MAX_TEXT_CHARS,
    MAX_TEXT_DEPTH,
    MAX_TEXT_LINES,
)
from tutor.render import fit_text, render_text
from tutor.render.graph import MAX_SLOTS, TOO_BIG, TOO_WIDE


def errors_of(source: str) -> list[str]:
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(source, "L.toml")
    return [str(e) for e in info.value.errors]


# -- a graph of thousands of nodes ---------------------------------------------------


def test_a_graph_past_the_node_bound_is_refused_at_the_line_that_crosses_it():
    # 100 lines, each within the bounds of one expression: 24,000 nodes
    source = huge_graph_lesson(100)
    (error,) = errors_of(source)
    script = huge_script(100).splitlines()
    sizes = [1] + [241] * 99  # a leaf, then 2 * (40 products + 39 sums + tanh) + 1 each
    crossing = next(i for i in range(len(sizes)) if sum(sizes[: i + 1]) > MAX_GRAPH_NODES)
    first = source.splitlines().index(script[0]) + 1
    assert error.startswith(f"L.toml:{first + crossing}: graph: ")
    assert f"{MAX_GRAPH_NODES:,} nodes" in error


def test_the_node_bound_counts_what_the_graph_builds():
    lesson = load_lesson_text(huge_graph_lesson(15), "L.toml")
    graph = lesson_graph(lesson)
    assert graph_size(lesson.assignments) == len(topo_order(graph.output)) == 1 + 14 * 241


def test_the_bundled_lessons_are_far_within_the_node_bound():
    for path in ("lessons/13-loss-over-data.toml", "lessons/16-learning-rate.toml"):
        lesson = load_lesson(path)
        assert graph_size(lesson.assignments) * 10 < MAX_GRAPH_NODES


def test_build_graph_holds_a_script_parsed_line_by_line_to_the_bound():
    # a [model]'s script is parsed a line at a time (`tutor.lesson.network`), not by
    # `parse_script`: building it stops at the bound, at the line that crosses it
    from tutor.expr import Assignment, parse

    assignments, defined = [], []
    for number, line in enumerate(huge_script(60).splitlines(), start=1):
        name, _, rhs = line.partition(" = ")
        assignments.append(Assignment(name, parse(rhs, names=defined), number))
        defined.append(name)
    with pytest.raises(GraphError) as info:
        build_graph(assignments, "a59")
    assert info.value.line == 1 + MAX_GRAPH_NODES // 241 + 1


def test_parsing_a_script_stops_at_the_line_past_the_bound():
    from tutor.expr import ScriptError, parse_script

    with pytest.raises(ScriptError) as info:
        parse_script(huge_script(100))
    (error,) = info.value.errors
    assert error.line == 1 + MAX_GRAPH_NODES // 241 + 1
    assert len(info.value.defined) == 100, "every name is still known, for the steps"


def test_a_graph_too_big_to_draw_is_listed_quickly_and_within_the_width():
    # about 4,800 nodes: within the node bound, far past what a drawing may lay out
    lesson = load_lesson_text(huge_graph_lesson(20), "L.toml")
    graph = lesson_graph(lesson)
    assert len(topo_order(graph.output)) > MAX_SLOTS
    for width in (20, 80, 300):
        picture = fit_text(graph.output, width, 20, show_grad=False)
        assert picture.listed == TOO_BIG
        assert picture.width <= width
        assert set(picture.boxes) == {v for v in topo_order(graph.output) if v.label}
    assert render_text(graph.output).listed == TOO_BIG


def test_tutor_graph_of_a_huge_graph_is_refused_at_its_line(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    path.write_text(huge_graph_lesson(100))
    code = main(["graph", str(path), "--width", "80"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert f"{path}:" in err and "nodes" in err and "Traceback" not in err


# -- every line within --width -------------------------------------------------------


@pytest.mark.parametrize("width", [20, 33, 80, 120])
def test_tutor_graph_keeps_every_line_of_lesson_16_within_the_width(capsys, width):
    code = main(["graph", "lessons/16-learning-rate.toml", "--width", str(width)])
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0 and lines
    assert max(map(len, lines)) <= width
    assert "L=" in out and "n1_1_1=" in out, "every labelled node is there"


def test_a_wide_network_is_listed_with_what_each_node_is_made_of(tmp_path, capsys):
    from tutor.lesson.network import network

    built = network(8, [16, 12, 1], [[0.5] * 8], [1.0])
    graph = build_graph(built.assignments, "L")
    picture = fit_text(graph.output, 80, show_grad=False)
    assert picture.width <= 80 and picture.listed in (TOO_BIG, TOO_WIDE)
    text = str(picture)
    assert "o1_1_1=" in text and "← tanh(n1_1_1)" in text
    assert "g=?" in text and "L=" in text


def test_a_listing_hides_what_is_asked_and_marks_the_highlight():
    x = Value(3.0, "x")
    y = Value(-2.0, "y")
    n = x * y + 1
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    picture = fit_text(o, 20, show_grad=lambda v: v.label == "x", highlight=n, hidden=[o])
    assert picture.width <= 20
    text = str(picture)
    assert "o=? g=?" in text and "x=3 g=" in text and "▶ n=-5" in text
    assert "n=-5 g=?" in text
    assert picture.values[n].width == len("-5")


def test_a_name_longer_than_the_width_is_wrapped_not_overflowing():
    root = Value(1.0, "n" * 300) * 2
    root.label = "out"
    picture = fit_text(root, 20)
    assert picture.width <= 20 and picture.listed


# -- many questions on other outputs -------------------------------------------------


def test_many_questions_on_other_outputs_are_refused_at_the_first_past_the_bound():
    source = many_of_lesson(300, 298)
    (error,) = errors_of(source)
    line = int(error.split(":")[1])
    assert source.splitlines()[line - 1].startswith('of = "a')
    assert "other output" in error and "fewer outputs" in error


def test_a_few_questions_on_other_outputs_load():
    lesson = load_lesson_text(many_of_lesson(300, 5), "L.toml")
    assert len({ask.of for ask in lesson.questions}) == 5


def test_questions_on_the_same_other_output_count_once():
    script = chain_script(300)
    steps = '[[steps]]\nask = "grad"\nnode = "a0"\nof = "a5"\n' * 200
    source = 'format = 1\nid = "x"\ntitle = "T"\n' + f'graph = """\n{script}\n"""\n' + steps
    assert len(load_lesson_text(source, "L.toml").questions) == 200


# -- a step's text -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (long_list(20_000), "characters"),
        (long_table(9_000), "characters"),
        (long_list(MAX_TEXT_BLOCKS + 1), "list items"),
        ("- a\n" + "> > > b\n" * (MAX_TEXT_BLOCKS // 3 + 1), "list items and quotes: at most"),
        ("- " * (MAX_TEXT_DEPTH + 1) + "deep", "one in another"),
        (">" * (MAX_TEXT_DEPTH + 1) + " deep", "one in another"),
        ("1. " + "> " * MAX_TEXT_DEPTH + "deep", "one in another"),
        (long_table(MAX_TABLE_ROWS), "table rows"),
        ("\n".join("line" for _ in range(MAX_TEXT_LINES + 1)), "lines"),
        ("word " * (MAX_TEXT_CHARS // 5 + 1), "characters"),
    ],
)
def test_a_say_step_past_a_text_bound_is_an_error_at_its_line(text, says):
    source = say_lesson(text)
    (error,) = errors_of(source)
    assert error.startswith("L.toml:5: step 1: ") and says in error


def test_hints_count_with_their_prompt():
    hints = ", ".join(f'"{long_list(MAX_TEXT_BLOCKS // 4)}"'.replace("\n", "\\n") for _ in range(5))
    source = (
        'format = 1\nid = "x"\ntitle = "T"\ngraph = """\na = 2\nb = a * 3\n"""\n'
        f'[[steps]]\nask = "grad"\nnode = "a"\nprompt = "What is it?"\nhints = [{hints}]\n'
    )
    (error,) = errors_of(source)
    assert error.startswith("L.toml:12: step 1: its prompt and hints: ") and "list items" in error


def test_a_step_within_the_text_bounds_loads():
    text = long_list(MAX_TEXT_BLOCKS) + "\n\n" + long_table(MAX_TABLE_ROWS - 3)
    lesson = load_lesson_text(say_lesson(text), "L.toml")
    assert lesson.steps[0].text == text + "\n"
    deep = "> " * MAX_TEXT_DEPTH + "deep, and - a dash | a bar in a sentence are text"
    assert load_lesson_text(say_lesson(deep), "L.toml").steps[0].text == deep + "\n"


def test_the_bundled_course_is_far_within_the_text_bounds():
    from tutor.lesson import Say

    for path in sorted(Path("lessons").glob("*.toml")):
        for step in load_lesson(path).steps:
            texts = [step.text] if isinstance(step, Say) else []
            texts += [getattr(step, "prompt", None) or "", *getattr(step, "hints", ())]
            for text in texts:
                assert len(text) * 4 < MAX_TEXT_CHARS and text.count("\n") * 3 < MAX_TEXT_LINES


# -- the app's graph panel -----------------------------------------------------------


def test_the_graph_panel_lists_a_graph_too_wide_for_it_and_says_so():
    import asyncio

    from textual.app import App

    from tutor.tui.widgets.graph_panel import GraphPanel

    lesson = load_lesson("lessons/16-learning-rate.toml")
    graph = lesson_graph(lesson)

    class Panel(App):
        CSS = "GraphPanel { width: 60; height: 20; }"

        def compose(self):
            yield GraphPanel()

    async def run():
        app = Panel()
        async with app.run_test(size=(80, 24)) as pilot:
            panel = app.query_one(GraphPanel)
            panel.show(graph, focus="w1_1_1")
            for _ in range(5):  # drawn, then fitted again once its scroll bar is in
                await pilot.pause()
            room = panel.scrollable_content_region.width
            picture = panel.picture
            assert picture is not None and picture.width <= room
            assert picture.listed == TOO_WIDE
            assert "too wide" in str(panel.border_subtitle)
            assert "▶ w1_1_1=" in str(picture), "the node asked about is marked, not only coloured"

    asyncio.run(run())


def test_tutor_graph_says_it_cannot_rather_than_print_a_line_too_wide(capsys, monkeypatch):
    import tutor.render

    wide = tutor.render.GraphPicture(["x" * 81], {})
    monkeypatch.setattr(tutor.render, "fit_text", lambda *args, **kwargs: wide)
    code = main(["graph", "lessons/03-manual-backprop.toml", "--width", "80"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "cannot be drawn in 80 columns" in err
