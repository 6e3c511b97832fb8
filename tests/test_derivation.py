"""The app's derivations (`tutor.derivation`): the shared layout, and no clash with nodes."""

from __future__ import annotations

import re

import pytest
from conftest import LECTURE_GRAPH

from tutor.derivation import Edge, Line, derive
from tutor.expr import parse, parse_script
from tutor.lesson.graph import build_graph
from tutor.symbolic import chain_rule, derivation_rows, format_derivation, unicode

LECTURE = LECTURE_GRAPH

EDGES = [("e", "a"), ("e", "b"), ("d", "e"), ("d", "c"), ("L", "d"), ("L", "f")]


def lecture():
    return build_graph(parse_script(LECTURE), "L")


def test_the_panel_rows_and_the_text_are_the_shared_layout():
    shown = derive(lecture(), Edge("L", "d"))
    assert shown.title == "dL/dd, from the definition of the derivative (L = d · f):"
    (block,) = shown.blocks
    cases = chain_rule(parse("d*f"), "d", reserved=lecture().nodes).links[0].cases
    rows = derivation_rows(cases)
    assert block.lines == [Line(r.label, unicode(r.text), unicode(r.why)) for r in rows]
    assert block.text == [unicode(line) for line in format_derivation(cases, indent="  ")]
    assert [line.mark for line in block.lines] == ["1.", "2.", "3.", "4.", "5."]
    assert block.lines[0].expr == "lim[h→0] ((d + h)·f − d·f)/h"
    assert shown.text() == [shown.title, *block.text, shown.value]
    assert shown.text()[1:3] == [
        "   1. lim[h→0] ((d + h)·f − d·f)/h",
        "        start from the definition: the derivative is the limit of the difference "
        "quotient (g(d + h) − g(d))/h as h → 0, where g(d) = d·f",
    ]
    assert shown.value == "dL/dd = f = −2 at the current numbers (d = 4, f = −2)."


@pytest.mark.parametrize(("node", "wrt"), EDGES)
def test_the_definition_never_names_its_function_after_a_node(node, wrt):
    graph = lecture()
    shown = derive(graph, Edge(node, wrt))
    why = shown.blocks[0].lines[0].note
    function, moving = re.search(r"quotient \((\w+)\((\w+) \+ h\)", why).groups()
    assert function not in graph.nodes
    assert moving == wrt
    assert f"where {function}({wrt}) = " in why


def test_a_node_used_twice_names_each_input():
    graph = build_graph(parse_script("a = 3\nb = a*a"), "b")
    shown = derive(graph, Edge("b", "a"))
    assert shown.title.endswith("db/da = d(a·a)/da (input 1) + d(a·a)/da (input 2)")
    headings = [block.heading for block in shown.blocks]
    assert headings == [
        "d(a·a)/da (input 1), the local derivative of mul:",
        "d(a·a)/da (input 2), the local derivative of mul:",
    ]
    first, second = (block.lines[0] for block in shown.blocks)
    assert first.expr == "lim[h→0] ((a + h)·a − a·a)/h"
    assert first.note.endswith("where f(t) = t·a")
    assert second.expr == "lim[h→0] (a·(a + h) − a·a)/h"
    assert second.note.endswith("where f(t) = a·t")


def test_a_sum_of_a_node_with_itself_subtracts_the_whole_sum():
    graph = build_graph(parse_script("a = 3\nb = a + a"), "b")
    shown = derive(graph, Edge("b", "a"))
    exprs = [block.lines[0].expr for block in shown.blocks]
    assert exprs == ["lim[h→0] (a + h + a − (a + a))/h", "lim[h→0] (a + a + h − (a + a))/h"]
    assert shown.value == "db/da = 2 at the current numbers (a = 3)."


def test_the_app_and_tutor_derive_say_the_chain_rule_in_the_same_words(capsys):
    from tutor.cli import main

    graph = build_graph(parse_script("a = 3\nb = a*a"), "b")
    app_title = derive(graph, Edge("b", "a")).title.split("\n")[0]
    assert main(["derive", "a*a", "--wrt", "a"]) == 0
    cli_title = capsys.readouterr().out.splitlines()[0]
    said = ": multiply the local derivatives along each of the 2 paths, and add the paths up from a"
    assert app_title == f"db/da, by the chain rule (b = a · a){said} to b:"
    assert cli_title == f"d(a·a)/da, by the chain rule{said} to the output:"
