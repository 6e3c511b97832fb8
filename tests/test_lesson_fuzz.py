"""Hostile lesson files: whatever a file says, loading gives a lesson or our own errors,
and a lesson that loads can be checked and run without another exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.check import grade
from tutor.check.validate import validate
from tutor.lesson import LessonLoadError, load_lesson_text
from tutor.session import Session

NAMES = ["a", "b", "c", "x", "L"]
_numbers = st.sampled_from(["0", "1", "-1", "2.5", "-3", "0.001", "1e308", "-0.0", "7"])
_exprs = st.recursive(
    st.one_of(st.sampled_from(NAMES), _numbers),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["tanh", "exp", "log", "relu", "sigmoid", "-"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
    ),
    max_leaves=6,
)
_lines = st.one_of(
    st.tuples(st.sampled_from(NAMES), _numbers).map(lambda t: f"{t[0]} = {t[1]}"),
    st.tuples(st.sampled_from(NAMES), _exprs).map(lambda t: f"{t[0]} = {t[1]}"),
    st.text(max_size=12).filter(lambda s: '"' not in s and "\\" not in s),
)
_values = st.one_of(
    st.sampled_from(NAMES).map(lambda n: f'"{n}"'),
    _numbers,
    st.sampled_from(['"grad"', '"local"', '"nudge"', '"value"', '"step"', '"graph"', '"plot"']),
    st.sampled_from(['["hint"]', "[1, 2]", "[-1, 1]", "true", '"expression"', '"any"', "{}"]),
)
_keys = st.sampled_from(
    ["ask", "show", "say", "node", "wrt", "h", "rate", "range", "form", "rtol", "points", "hint"]
)
_steps = st.lists(st.dictionaries(_keys, _values, min_size=1, max_size=4), min_size=1, max_size=4)


def _toml(lines: list[str], steps: list[dict[str, str]], vary: str) -> str:
    graph = "\n".join(lines)
    body = [f'format = 1\nid = "fuzz"\ntitle = "Fuzz"\ngraph = """\n{graph}\n"""']
    if vary:
        body.append(f"[vary]\n{vary}")
    for step in steps:
        body.append("[[steps]]\n" + "\n".join(f"{k} = {v}" for k, v in step.items()))
    return "\n".join(body) + "\n"


@st.composite
def _plausible(draw) -> str:
    """A lesson that is right in form, with numbers and ops drawn at random: it may
    still divide by zero, leave log's domain, overflow or sit on a relu kink."""
    leaves = {name: draw(_numbers) for name in ("a", "b", "c")}
    lines = [f"{name} = {value}" for name, value in leaves.items()]
    defined = list(leaves)
    for name in ("d", "e", "L"):
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        left, right = draw(st.sampled_from(defined)), draw(st.sampled_from(defined))
        func = draw(st.sampled_from(["", "tanh", "exp", "log", "relu", "sigmoid"]))
        power = draw(st.sampled_from(["", "**2", "**-1", "**0.5"]))
        lines.append(f"{name} = {func}(({left} {op} {right}){power})")
        defined.append(name)
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["grad", "value", "local", "nudge", "step", "plot"]))
        node = draw(st.sampled_from(defined))
        if kind == "local":
            step = {
                "ask": '"local"',
                "node": '"L"',
                "wrt": f'"{draw(st.sampled_from(["d", "e"]))}"',
            }
        elif kind == "nudge":
            step = {"ask": '"nudge"', "node": f'"{node}"', "h": draw(_numbers)}
        elif kind == "step":
            step = {"ask": '"step"', "rate": draw(_numbers)}
        elif kind == "plot":
            step = {"show": '"plot"', "node": '"a"', "range": "[-2, 2]", "h": "0.5"}
        else:
            step = {"ask": f'"{kind}"', "node": f'"{node}"'}
        steps.append(step)
    vary = draw(st.sampled_from(["", "a = { min = -2, max = 2, step = 1 }"]))
    return _toml(lines, steps, vary)


_safe_numbers = st.sampled_from(["1", "-1", "2.5", "-3", "0.5", "7", "-0.25"])


@st.composite
def _sound(draw) -> str:
    """A lesson right in form and in its numbers: every node on the way to the
    output, no division, no function outside its domain. It must load, so the
    check-and-run half of the test runs on every example."""
    leaves = {name: draw(_safe_numbers) for name in ("a", "b", "c")}
    lines = [f"{name} = {value}" for name, value in leaves.items()]
    previous = "a"
    for name, other in (("d", "b"), ("e", "c"), ("L", "a")):  # a chain: d → e → L
        op = draw(st.sampled_from(["+", "-", "*"]))
        func = draw(st.sampled_from(["", "tanh", "sigmoid"]))
        power = draw(st.sampled_from(["", "**2"]))
        left, right = draw(st.permutations([previous, other]))
        lines.append(f"{name} = {func}(({left} {op} {right}){power})")
        previous = name
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["grad", "value", "local", "nudge", "step", "plot", "say"]))
        node = draw(st.sampled_from(["a", "b", "c", "d", "e"]))
        if kind == "local":
            step = {"ask": '"local"', "node": '"L"', "wrt": '"e"'}
        elif kind == "nudge":
            step = {"ask": '"nudge"', "node": f'"{node}"', "h": "0.001"}
        elif kind == "step":
            step = {"ask": '"step"', "rate": "0.01"}
        elif kind == "plot":
            step = {"show": '"plot"', "node": '"a"', "range": "[-2, 2]", "h": "0.5"}
        elif kind == "say":
            step = {"say": '"L is {L}."'}
        else:
            step = {"ask": f'"{kind}"', "node": f'"{node}"'}
        steps.append(step)
    return _toml(lines, steps, "")  # quiz draws: `_plausible` (each one's check is slow)


@settings(max_examples=20)  # each one is checked and run in full
@given(_sound())
def test_sound_lessons_load_check_and_run(source):
    lesson = load_lesson_text(source, "fuzz.toml")  # no error: the lesson is sound
    assert lesson.questions or lesson.steps
    _load_check_and_run(source)


@settings(max_examples=150)
@given(_plausible())
def test_plausible_lessons_load_check_and_run_or_say_why(source):
    _load_check_and_run(source)


def _load_check_and_run(source: str) -> None:
    try:
        lesson = load_lesson_text(source, "fuzz.toml")
    except LessonLoadError as exc:
        assert exc.errors
        assert all(str(e).startswith("fuzz.toml") for e in exc.errors)
        return
    validate(lesson, variants=2)
    if lesson.has_graph:
        session = Session(lesson, seed=1)
        for index in range(len(lesson.questions)):
            for answer in ("1", "-1", "a", "2a"):
                grade(session.question(index), answer)


@settings(max_examples=150)
@given(
    st.lists(_lines, min_size=1, max_size=6),
    _steps,
    st.sampled_from(["", "a = { min = -2, max = 2, step = 1 }", "x = { choices = [0, 1] }"]),
)
def test_any_lesson_file_loads_or_says_why(lines, steps, vary):
    _load_check_and_run(_toml(lines, steps, vary))
