"""Loading lesson files: every kind of broken file gives its message and line."""

from __future__ import annotations

import textwrap
from fractions import Fraction

import pytest
from conftest import LECTURE_GRAPH

from tutor.lesson import Ask, LessonLoadError, Say, lesson_graph, load_lesson_text
from tutor.lesson.folder import load_course, load_one
from tutor.lesson.kinds import GradAsk, LocalAsk
from tutor.lesson.shows import DerivationShow

GOOD = (
    """\
format = 1
id = "manual-backprop"
title = "Backpropagation by hand"
summary = "Fill in every gradient."

graph = \"\"\"
"""
    + LECTURE_GRAPH
    + """\"\"\"
output = "L"

[vary]
a = { min = -4, max = 4, step = 1 }
f = { choices = [-3, -2, 2, 3] }

[[steps]]
say = "Right now `d` is {d} and `f` is {f}; {{braces}} stay."

[[steps]]
ask = "grad"
node = "d"
hints = ["L = d * f."]

[[steps]]
show = "derivation"
node = "d"
wrt = "c"

[[steps]]
ask = "local"
node = "d"
wrt = "c"
"""
)


def errors_of(source: str) -> list[str]:
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(textwrap.dedent(source), "lesson.toml")
    return [str(e) for e in info.value.errors]


def test_the_format_example_loads():
    lesson = load_lesson_text(GOOD, "good.toml")
    assert lesson.id == "manual-backprop"
    assert lesson.output == "L"
    # Each step is its kind's class (`Ask`, `Show`), holding that kind's keys only.
    assert [type(s) for s in lesson.steps] == [Say, GradAsk, DerivationShow, LocalAsk]
    assert all(isinstance(s, Ask) for s in lesson.questions)
    assert lesson.questions[0].hints == ("L = d * f.",)
    assert lesson.questions[1].form == "any"  # the default for local questions
    assert lesson.leaves["a"] == Fraction(2)
    assert lesson.pass_mark == 0.7


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("hints = [", "hint = ["), "lesson.toml:27: step 2: unknown key `hint` in an `ask = "),
        (("hints = [", "hint = ["), "did you mean `hints`?"),
        (("e = a * b", "e = a * q"), "lesson.toml:10: graph: `e = a * q`: unknown name `q`"),
        (("e = a * b", "e = 2a"), "lesson.toml:10: graph: `e = 2a`: `2a`: write `2*a`"),
        (("d = e + c", "a = e + c"), "lesson.toml:11: graph: `a = e + c`: `a` is assigned twice"),
        (("c = 10.0", "c = 0.0"), "division"),  # checked below with a division
        (('wrt = "c"\n\n[[steps]]\nask', 'wrt = "a"\n\n[[steps]]\nask'), "`a` is not a direct"),
        (('node = "d"\nhints', 'node = "zz"\nhints'), "step 2: `node = 'zz'` is not a node"),
        (("{d} and", "{zz} and"), "lesson.toml:22: step 1: `{zz}` is not a node"),
        (('ask = "grad"', 'ask = "gradient"'), "`ask = 'gradient'`: choose one of"),
        (('show = "derivation"', 'show = "movie"'), "`show = 'movie'`: choose one of"),
        (("format = 1", "format = 2"), "lesson.toml:1: `format = 2`: this tutor reads"),
        (('id = "manual-backprop"', 'id = "Manual Backprop"'), "use lowercase letters"),
        (("a = { min", "zz = { min"), "vary: `zz` is not a node"),
        (("a = { min", "e = { min"), "vary: `e` is not a leaf"),
        (("step = 1 }", "step = 0 }"), "vary: `a` needs min < max and step > 0"),
        (('output = "L"', 'output = "Q"'), "`output = 'Q'` is not a node"),
        (('summary = "Fill', 'colour = "red"\nsummary = "Fill'), "unknown key `colour`"),
    ],
)
def test_broken_files(change, expected):
    old, new = change
    assert old in GOOD
    source = GOOD.replace(old, new, 1)
    if expected == "division":
        source = source.replace("d = e + c", "d = e / c")
        expected = "lesson.toml:11: graph: div: division by zero"
    found = errors_of(source)
    assert any(expected in line for line in found), found


def test_every_error_is_reported_not_just_the_first():
    source = GOOD.replace("hints = [", "hint = [").replace("{d} and", "{zz} and")
    source = source.replace('ask = "local"', 'ask = "locale"')
    assert len(errors_of(source)) == 3


def test_a_broken_graph_line_does_not_cascade():
    found = errors_of(GOOD.replace("d = e + c", "d = e + q"))
    assert len(found) == 1, found


def test_toml_syntax_error_has_its_line():
    (error,) = errors_of(GOOD.replace('title = "Backpropagation by hand"', "title = oops"))
    assert error.startswith("lesson.toml:3: TOML: ")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ('say = "x"\nask = "grad"\nnode = "d"', "needs exactly one of `say`, `show`, `ask`"),
        ('node = "d"', "needs exactly one of `say`, `show`, `ask` (found none)"),
        ('ask = "nudge"\nnode = "a"', "`ask = 'nudge'` needs `h`"),
        ('ask = "local"\nnode = "a"\nwrt = "b"', "`a` is a leaf: it has no inputs"),
        ('ask = "grad"\nnode = "d"\nform = "expression"', "is for `local` questions"),
        ('ask = "grad"\nnode = "d"\nrtol = 2', "`rtol` must be at least 0 and below 1"),
        ('ask = "grad"\nnode = "d"\npoints = 0', "`points` must be above 0"),
        ('show = "plot"\nnode = "e"\nrange = [0, 1]', "a plot's `node` must be a leaf"),
        ('show = "plot"\nnode = "a"\nrange = [1, 0]', "`range` must be [MIN, MAX]"),
        ('show = "graph"\nnode = "a"\nwrt = "b"', "unknown key `wrt`"),
        (
            'ask = "grad"\nnode = "d"\nrate = 0.1',
            "unknown key `rate` in an `ask = 'grad'` step: it is a key of `ask = 'step'` or "
            "`'train'` steps",
        ),
        ('ask = "grad"\nnode = "d"\nhint = ["x"]', "`hint` in an `ask = 'grad'` step: did you"),
        ('say = "a lone { brace"', "a lone `{`"),
        ('ask = "step"', "`ask = 'step'` needs `rate`"),
        (
            'ask = "nudge"\nnode = "a"\nh = "0.01"',
            "`h` must be a finite number, at most 1e300 in size, written without quotes",
        ),
    ],
)
def test_broken_steps(step, expected):
    found = errors_of(GOOD + "\n[[steps]]\n" + step + "\n")
    assert any(expected in line for line in found), found
    assert all(":" in line.split(" ", 1)[0] for line in found)  # PATH:LINE: first


def test_say_only_lesson_needs_no_graph():
    lesson = load_lesson_text('format = 1\nid = "x"\ntitle = "X"\n[[steps]]\nsay = "hi"\n')
    assert not lesson.has_graph


def test_missing_required_keys():
    found = errors_of('[[steps]]\nask = "grad"\nnode = "a"\n')
    text = "\n".join(found)
    for key in ("format", "id", "title", "graph"):
        assert f"`{key}` is missing" in text


def test_variants_are_deterministic_and_seed_zero_is_the_file():
    lesson = load_lesson_text(GOOD)
    assert lesson_graph(lesson, 0).values()["a"] == 2.0
    first = [lesson_graph(lesson, seed).values() for seed in range(1, 10)]
    again = [lesson_graph(lesson, seed).values() for seed in range(1, 10)]
    assert first == again
    assert len({(v["a"], v["f"]) for v in first}) > 3


def test_variants_that_break_the_graph_are_skipped():
    source = GOOD.replace("d = e + c", "d = e + c / (a + 1)").replace(
        "a = { min = -4, max = 4, step = 1 }", "a = { choices = [-1, 3] }"
    )
    lesson = load_lesson_text(source)
    for seed in range(1, 30):
        assert lesson_graph(lesson, seed).values()["a"] == 3.0


def test_relu_kink_variants_are_skipped():
    source = GOOD.replace("d = e + c", "d = e + c * relu(a)").replace(
        "a = { min = -4, max = 4, step = 1 }", "a = { choices = [0, 2] }"
    )
    lesson = load_lesson_text(source)
    assert {lesson_graph(lesson, seed).values()["a"] for seed in range(1, 20)} == {2.0}


def test_folder_keeps_loading_past_a_broken_file_and_reports_duplicate_ids(tmp_path):
    (tmp_path / "01-good.toml").write_text(GOOD)
    (tmp_path / "02-broken.toml").write_text("format = \n")
    (tmp_path / "03-dup.toml").write_text(GOOD)
    course = load_course(tmp_path)
    assert course.lessons == []  # neither file claiming the id wins
    messages = [str(e) for e in course.errors]
    assert any("02-broken.toml:1: TOML" in m for m in messages)
    assert sum("duplicate id `manual-backprop`" in m for m in messages) == 2


def test_load_one_by_id_or_path(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(GOOD)
    assert load_one("manual-backprop", tmp_path).id == "manual-backprop"
    assert load_one(str(path), tmp_path).id == "manual-backprop"
    with pytest.raises(LessonLoadError, match="no lesson with this id"):
        load_one("nope", tmp_path)


def test_binary_and_huge_files(tmp_path):
    from tutor.lesson import load_lesson

    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"format = 1\n\xff\xfe")
    with pytest.raises(LessonLoadError, match="not UTF-8"):
        load_lesson(bad)
    bad.write_text("# x\n" * 100_000)
    with pytest.raises(LessonLoadError, match="too large"):
        load_lesson(bad)


def test_a_nudge_or_step_that_leaves_a_domain_is_an_error_at_its_line():
    source = GOOD.replace("d = e + c", "d = e + c + log(c)")
    source += '\n[[steps]]\nask = "nudge"\nnode = "c"\nh = -20\n'
    source += '\n[[steps]]\nask = "step"\nrate = 1e300\n'  # a - 1e300 × 6: e overflows
    found = errors_of(source)
    assert any(":39: nudging `c` by h = -20 cannot be computed: log:" in e for e in found), found
    assert any(
        ":44: a gradient-descent step with rate" in e and "cannot be computed" in e for e in found
    ), found


def test_show_and_ask_steps_are_read_against_their_kinds_declarations():
    """Every key of a step is checked by the type its kind declares, at its line."""
    head = GOOD.split("[[steps]]")[0]
    found = errors_of(
        head
        + """
[[steps]]
show = "plot"
node = "a"

[[steps]]
show = "derivation"
node = "d"

[[steps]]
show = "training"
rate = 0.1
compare = [0.1]

[[steps]]
show = "graph"
node = "d"

[[steps]]
ask = "nudge"
node = "a"
h = 0

[[steps]]
ask = "accumulated"
node = "a"
passes = 11

[[steps]]
ask = "train"
rate = 0.1
steps = 0
zero_grad = "no"
"""
    )
    assert found == [
        "lesson.toml:22: step 1: a plot needs `range = [MIN, MAX]`",
        "lesson.toml:26: step 2: needs `wrt`",
        "lesson.toml:33: step 3: `compare` repeats 0.1, the view's own `rate`: its curve would "
        "lie on the other one. Each rate compared is another rate (rate = 0.1)",
        "lesson.toml:37: step 4: unknown key `node` in a `show = 'graph'` step: it is a key "
        "of `show = 'derivation'` or `'plot'` steps",
        "lesson.toml:42: step 5: `h` must not be 0",
        "lesson.toml:47: step 6: `passes` must be a whole number from 2 to 10",
        "lesson.toml:52: step 7: `steps` must be a whole number from 1 to 100",
        "lesson.toml:53: step 7: `zero_grad` is true or false",
    ]
