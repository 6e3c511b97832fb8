"""The question-kind registry: one spec and one class per kind, and nothing else that
tells kinds apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tutor.check import CORRECT, INCORRECT, explain, grade, prepare
from tutor.check import quantities as q
from tutor.check.kinds import KINDS, Kind, kind_of, register
from tutor.check.mistakes import OP_MISTAKES, SKIPPED
from tutor.check.question import unfiltered
from tutor.engine import OPS
from tutor.lesson import Ask, LessonLoadError, lesson_graph, load_lesson_text
from tutor.lesson.kinds import ASKS, SPECS, KindSpec, NodeKey, WholeKey, declare, key

TUTOR = Path(__file__).resolve().parent.parent / "tutor"


def test_every_declared_kind_has_exactly_one_class():
    assert list(KINDS) == list(SPECS)
    for name, kind in KINDS.items():
        assert kind.spec is SPECS[name]
        assert kind.name == name
        # What a kind must say for itself is its own, not the base's.
        for method in ("quantity", "exact", "prompt", "hints", "explain"):
            assert getattr(type(kind), method) is not getattr(Kind, method), (name, method)


def test_an_undeclared_kind_is_an_error_not_another_kinds_rules():
    with pytest.raises(ValueError, match="no question kind 'bogus'"):

        @dataclass(frozen=True, slots=True, kw_only=True)
        class Bogus(Ask):
            spec = KindSpec("bogus")  # never declared

        kind_of(Bogus())
    stray = KindSpec("stray")  # never declared

    class Stray(Kind):
        spec = stray

    with pytest.raises(ValueError, match="not declared"):
        register(Stray)
    assert "stray" not in KINDS


def test_no_module_but_the_registry_tells_kinds_apart_by_name():
    compare = re.compile(r"\.kind\s*(==|!=|\bin\b|\bnot in\b)|match\s+[^\n]*\bkind\b")
    lookup = re.compile(r"(SPECS|KINDS)\[\s*[\"']")
    found = []
    for path in TUTOR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (compare, lookup):
            found += [f"{path.relative_to(TUTOR)}: {m[0]}" for m in pattern.finditer(text)]
    assert found == []


def test_each_op_mistake_is_diagnosed_in_gradients_and_local_derivatives():
    assert set(OP_MISTAKES) | set(SKIPPED) <= set(OPS)
    for op_name, mistake in [*OP_MISTAKES.items(), *SKIPPED.items()]:
        op = OPS[op_name]
        if op.arity == 1 and not op.is_function:  # a power: its exponent is a number
            expr = f"x {op.symbol} 2"
        else:
            expr = f"{op.symbol}(x)" if op.is_function else f"x {op.symbol} y"
        text = f'''
format = 1
id = "op-{op_name}"
title = "t"
graph = """
x = 0.5
y = -3.0
z = {expr}
L = z * 1.5
"""
[[steps]]
ask = "grad"
node = "x"
[[steps]]
ask = "local"
node = "z"
wrt = "x"
'''
        lesson = load_lesson_text(text)
        graph = lesson_graph(lesson)
        for index, ask in enumerate(lesson.questions):
            codes = [m.code for m in unfiltered(lesson, graph, ask, index).mistakes]
            assert mistake.code in codes, (op_name, ask.kind)


LESSON = """
format = 1
id = "twice"
title = "t"
graph = \"\"\"
a = 2.0
b = -3.0
c = a * b
L = c + a
\"\"\"
[[steps]]
ask = "twice"
node = "a"
"""


def test_adding_a_kind_is_one_spec_and_one_class():
    @declare
    @dataclass(frozen=True, slots=True, kw_only=True)
    class TwiceAsk(Ask):
        spec = KindSpec("twice", rtol=1e-3)
        node: str = key(NodeKey())

    spec = TwiceAsk.spec
    try:

        @register
        class Twice(Kind):
            spec = SPECS["twice"]

            def quantity(self, ask, out):
                return (lambda g: 2 * q.grad(g, ask.node)), f"2·d{out}/d{ask.node}"

            def prompt(self, question):
                return f"What is twice d{question.output}/d{question.node}?"

            def hints(self, question):
                return ["Find the gradient, then double it."]

            def explain(self, question):
                return [f"2 × {question.graph.grad(question.node)} = {question.expected_text}"]

            def exact(self, question):
                return 2 * KINDS["grad"].exact(question)

        lesson = load_lesson_text(LESSON)
        (ask,) = lesson.questions
        assert ask.spec is spec and ask.rtol == 1e-3  # the loader read the new spec
        question = prepare(lesson, lesson_graph(lesson), ask, 0)
        # dL/da = b + 1 = -2, doubled.
        assert question.expected == -4.0 and question.symbolic_expected == -4.0
        assert question.prompt == "What is twice dL/da?"
        assert question.hints == ["Find the gradient, then double it."]
        assert explain(question) == ["2 × -2.0 = -4"]
        assert grade(question, "-4").status == CORRECT
        wrong = grade(question, "4")
        assert wrong.status == INCORRECT and wrong.diagnosis == "wrong-sign"
        with pytest.raises(LessonLoadError, match="needs `node`"):
            load_lesson_text(LESSON.replace('node = "a"', ""))
    finally:
        SPECS.pop("twice", None)
        ASKS.pop("twice", None)
        KINDS.pop("twice", None)
    with pytest.raises(LessonLoadError, match="choose one of"):
        load_lesson_text(LESSON)


def test_a_kind_with_a_new_key_is_one_declaration_and_one_class():
    """A key no kind had before (`times`) is a typed field of the kind's `Ask` class:
    the loader reads it, bounds it and reports it at its line with nothing else."""

    @declare
    @dataclass(frozen=True, slots=True, kw_only=True)
    class TimesAsk(Ask):
        spec = KindSpec("times")
        node: str = key(NodeKey())
        times: int = key(WholeKey(2, 5), 2)

    try:

        @register
        class Times(Kind):
            spec = TimesAsk.spec

            def quantity(self, ask, out):
                at = lambda g: ask.times * q.grad(g, ask.node)  # noqa: E731
                return at, f"{ask.times}·d{out}/d{ask.node}"

            def prompt(self, question):
                return f"What is {question.ask.times} times d{question.output}/d{question.node}?"

            def hints(self, question):
                return ["Find the gradient, then multiply."]

            def explain(self, question):
                return [f"{question.ask.times} × {question.graph.grad(question.node)}"]

            def exact(self, question):
                return question.ask.times * KINDS["grad"].exact(question)

        text = LESSON.replace('ask = "twice"', 'ask = "times"')
        (ask,) = load_lesson_text(text).questions
        assert isinstance(ask, TimesAsk) and ask.times == 2  # its default
        lesson = load_lesson_text(text + "times = 3\n")
        (ask,) = lesson.questions
        assert ask.times == 3
        question = prepare(lesson, lesson_graph(lesson), ask, 0)
        assert question.expected == -6.0 and grade(question, "-6").status == CORRECT
        with pytest.raises(LessonLoadError) as info:
            load_lesson_text(text + "times = 9\n", "t.toml")
        assert "t.toml:14: step 1: `times` must be a whole number from 2 to 5" in str(info.value)
        with pytest.raises(LessonLoadError, match="unknown key `times` in an `ask = 'grad'`"):
            load_lesson_text(LESSON.replace('ask = "twice"', 'ask = "grad"') + "times = 3\n")
    finally:
        SPECS.pop("times", None)
        ASKS.pop("times", None)
        KINDS.pop("times", None)


def test_the_kinds_keys_and_defaults_reach_the_loader():
    for spec in SPECS.values():
        assert spec.form in ("number", "any", "code")
    lesson = load_lesson_text(
        LESSON.replace('ask = "twice"\nnode = "a"', 'ask = "nudge"\nnode = "a"\nh = 0.01')
    )
    (ask,) = lesson.questions
    assert (ask.rtol, ask.atol) == (ask.spec.rtol, ask.spec.atol) == (1e-3, 1e-6)
    with pytest.raises(LessonLoadError, match='`form = "expression"` is for `local` questions'):
        load_lesson_text(LESSON.replace('ask = "twice"', 'ask = "grad"\nform = "expression"'))


def test_a_backward_question_asks_about_a_node_one_op_of_the_table_makes():
    base = LESSON.replace('ask = "twice"', 'ask = "backward"')
    lesson = load_lesson_text(base.replace('node = "a"', 'node = "L"'))
    assert lesson.questions[0].form == "code"
    with pytest.raises(LessonLoadError, match="`a` is a leaf"):
        load_lesson_text(base)
    with pytest.raises(LessonLoadError, match='`form = "code"` is the form of'):
        load_lesson_text(base.replace('node = "a"', 'node = "L"\nform = "number"'))
    with pytest.raises(LessonLoadError, match='`form = "code"` is the form of'):
        load_lesson_text(LESSON.replace('ask = "twice"', 'ask = "grad"\nform = "code"'))
    with pytest.raises(LessonLoadError, match="`decimals` is for numbers"):
        load_lesson_text(base.replace('node = "a"', 'node = "L"\ndecimals = 2'))
