"""Property: whatever lesson file a stranger writes within the documented bounds (and
one mistake past them), every command answers within its bound, with exit 0, 1 or 2,
one strict JSON value under ``--json``, no traceback and no raw control character.

The files come from `hostile_strategies`: graph scripts with every op, `[model]` over
`[data]`, `vary`, every step and question kind, training up to 100 steps, numbers and
sizes at the edges of lessons/FORMAT.md's "Bounds and safety", text that looks like
markup, and files one mistake away from valid (which must be refused, exit 1 or 2).

The commands run in this process (`tutor.cli.main`), as a user's would but for the
process: `tutor check` and `tutor run` still check in their budgeted child. The time
bounds are the documented ones (`BOUNDS`); an alarm ends a call that overruns its
bound by far, so that a hang fails the test instead of stalling it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import tempfile
import time
from pathlib import Path

from hostile_strategies import RawLesson, any_lesson, graph_lessons, network_lessons
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tutor.cli import DERIVE_SECONDS, main
from tutor.headers import scan_course
from tutor.runtime.budget import APP_CHECK_SECONDS, CHECK_SECONDS, WALL_FACTOR

#: Wall-clock bounds of each command, in seconds, from FORMAT.md "Bounds and safety".
#: Loading a file: the bounds of the format and at most 1,000,000 node updates of
#: training ("about a second"), on a machine running several times its load: 10 s.
#: `graph`: loading, then a drawing within its budget of work (1.3 s for the costliest,
#: on a loaded machine) or a listing, and a quiz draw at most 2,000,000 node updates.
#: `check`: 60 s of CPU per lesson in a child, killed at `WALL_FACTOR` times that.
#: `run`: the app's check (30 s of CPU, the same backstop), then grading what it computed.
#: `derive`: a child killed at 30 s (and the start and end of the command around it).
LOAD_SECONDS = 10.0
BOUNDS = {
    "lessons": LOAD_SECONDS,
    "progress": LOAD_SECONDS,
    "new": LOAD_SECONDS,
    "derive": DERIVE_SECONDS + LOAD_SECONDS,
    "graph": LOAD_SECONDS + 2 * LOAD_SECONDS,
    "check": LOAD_SECONDS + CHECK_SECONDS * WALL_FACTOR,
    "run": LOAD_SECONDS + APP_CHECK_SECONDS * WALL_FACTOR + LOAD_SECONDS,
}

#: What a terminal obeys: C0 but tab and newline, DEL, C1, and the bidirectional controls.
RAW_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


class Overrun(BaseException):
    """A command ran far past its bound (a BaseException: the CLI catches Exception)."""


@contextlib.contextmanager
def alarm(seconds: float):
    def ring(signum, frame):
        raise Overrun(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def strict_json(text: str):
    """One JSON value, without the `Infinity`/`NaN` Python would accept."""
    return json.loads(text, parse_constant=_refuse_constant)


def tutor(*argv: str, lessons: int = 1) -> tuple[int, str, str, float]:
    """Run ``tutor ARGV`` in this process: exit code, stdout, stderr, wall seconds;
    asserting the properties every command keeps, whatever the file said.

    ``lessons``: how many lessons `tutor check` checks (its bound is per lesson)."""
    command = argv[2] if argv[0] == "--lessons" else argv[0]
    bound = BOUNDS[command]
    if command == "check":
        bound = LOAD_SECONDS + lessons * (bound - LOAD_SECONDS)
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    with alarm(2 * bound), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    seconds = time.monotonic() - start
    stdout, stderr = out.getvalue(), err.getvalue()
    shown = " ".join(argv)[:200]
    assert code in (0, 1, 2), f"tutor {shown}: exit {code}\n{stderr[-2000:]}"
    assert "Traceback" not in stdout + stderr, f"tutor {shown}:\n{stderr[-3000:]}"
    assert "internal error" not in stderr, f"tutor {shown}: {stderr[-2000:]}"
    assert seconds <= bound, f"tutor {shown}: {seconds:.1f} s, past its bound of {bound:.0f} s"
    if "--json" in argv:
        strict_json(stdout)
    else:
        found = RAW_CONTROL.search(stdout + stderr)
        assert found is None, f"tutor {shown}: raw {found.group()!r} in its output"
    if code != 0:
        assert (stderr + stdout).strip(), f"tutor {shown}: exit {code} without a word"
    return code, stdout, stderr, seconds


@contextlib.contextmanager
def lesson_folder(*texts: str):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "lessons"
        folder.mkdir()
        paths = []
        for n, text in enumerate(texts):
            path = folder / f"{n:02d}-prop.toml"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        yield folder, paths


def _loaded(stdout: str) -> dict:
    listing = strict_json(stdout)
    assert set(listing) == {"folder", "lessons", "errors"}
    return listing


#: A graph whose output's gradient overflows in backward() though every value is finite.
OVERFLOWING_GRADIENT = """\
format = 1
id = "prop"
title = "T"
graph = \"\"\"
a = 1e300
b = a * 1e8
L = b * 10
\"\"\"
[[steps]]
ask = "grad"
node = "a"
"""


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    # Drawing a lesson is cheap; a few examples are whole 300-line graphs, which
    # hypothesis takes for a slow strategy. Their size is the point of them.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(any_lesson())
@example(RawLesson(OVERFLOWING_GRADIENT))
def test_every_lesson_command_answers_within_its_bound(lesson):
    text = lesson.text()
    with lesson_folder(text) as (folder, (path,)):
        # The app's first frame: its header scan never raises, whatever the file.
        with alarm(LOAD_SECONDS):
            scan_course(folder)
        _, stdout, _, _ = tutor("--lessons", str(folder), "lessons", "--json")
        listing = _loaded(stdout)
        tutor("--lessons", str(folder), "lessons")
        loads = bool(listing["lessons"])
        if lesson.broken:
            assert not loads, f"{lesson.broken}: loaded\n{text}"
        if not loads:
            assert listing["errors"], f"refused without a word:\n{text}"
            for error in listing["errors"]:  # each at PATH:LINE, or PATH for the whole file
                assert re.match(rf"{re.escape(str(path))}(:\d+)?: ", error), error
        code, _, stderr, _ = tutor("graph", str(path), "--width", "80")
        assert (code == 0) == loads or "has no graph" in stderr or "columns" in stderr
        if loads:
            tutor("graph", str(path), "--width", "20", "--grads")
            tutor("graph", str(path), "--format", "dot", "--seed", "1")
            if "[model]" in text:
                tutor("graph", str(path), "--network", "--width", "80")


#: Answers as a student (or a stranger's answers file) could type them.
ANSWERS = st.sampled_from(
    [
        "-2",
        "0.5",
        "1/2",
        "1 - n0**2",
        "1e999",
        "-1e-400",
        "nan",
        "inf",
        "((((((((((1",
        "x" * 1000,
        '=HYPERLINK("http://example.invalid/","x")',
        "\x1b[2J\x1b]0;PWN\x07",
        "\u202e3-",
        "[bold]1[/bold]",
        "t = out.data\\nself.grad += (1 - t**2) * out.grad",
        "-",
        "3 => right",
        "2 => wrong: wrong-sign",
        "f => not-understood",
    ]
)


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    # Each example checks seven lessons in a child: shrinking a failure would take
    # minutes, and the failing files are printed whole as they are.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.tuples(
        *(graph_lessons(f"prop-g{n}", heavy=False) for n in range(3)),
        *(network_lessons(f"prop-n{n}", small=True) for n in range(2)),
        *(any_lesson(f"prop-a{n}", heavy=False) for n in range(2)),
    ),
    st.lists(ANSWERS, max_size=8),
)
def test_check_and_run_answer_within_their_bounds(lessons, answers):
    with lesson_folder(*(lesson.text() for lesson in lessons)) as (folder, paths):
        code, stdout, _, _ = tutor("check", str(folder), "--json", lessons=len(paths))
        report = strict_json(stdout)
        assert report["ok"] == (code == 0)
        assert len(report["files"]) == len(paths)
        tutor("check", str(paths[0]))
        answers_file = folder.parent / "answers.txt"
        answers_file.write_text("\n".join(answers) + "\n", encoding="utf-8")
        for path in paths:
            for seed in ("0", "1"):
                tutor("run", str(path), "--answers", str(answers_file), "--seed", seed, "--json")
            tutor("run", str(path), "--answers", str(answers_file), "--expect")
        tutor("run", str(paths[0]), "--answers", str(answers_file), "--record")
        for form in ("--json", "--csv"):  # what was recorded, as a teacher reads it
            code, _, _, _ = tutor("--lessons", str(folder), "progress", form)
            assert code == 0


#: Ids and folder names as a stranger could type them to `tutor new`.
NEW_IDS = st.sampled_from(
    [
        "ok-id",
        "abc\n",
        "Upper",
        "a" * 64,
        "a" * 65,
        "",
        "-",
        "ünï",
        "a b",
        "a\x1b[2J",
        "../up",
        "x.toml",
    ]
)
NEW_DIRS = st.sampled_from(
    ["d", "d\x1b]0;PWN\x07", "d\u202ex", "d\nnew", "[bold]d", "a/b/c", "d" * 200]
)


@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(NEW_IDS, NEW_DIRS, st.booleans())
def test_new_writes_a_lesson_that_loads_or_refuses_with_a_word(lesson_id, dir_name, network):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / dir_name
        argv = ["new", lesson_id, "--dir", str(folder)] + (["--network"] if network else [])
        code, _, _, _ = tutor(*argv)
        if code != 0:
            return
        (path,) = folder.glob("*.toml")
        assert RAW_CONTROL.search(path.read_text(encoding="utf-8")) is None
        _, stdout, _, _ = tutor("--lessons", str(folder), "lessons", "--json")
        assert [lesson["id"] for lesson in _loaded(stdout)["lessons"]] == [lesson_id]


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # each example starts a SymPy child
)
@given(
    st.data(),
    st.booleans(),
)
def test_derive_answers_within_its_bound(data, as_json):
    from hostile_strategies import expressions

    names = ["a", "b", "ω"]
    expr = data.draw(expressions(names))
    argv = ["derive", expr, "--wrt", data.draw(st.sampled_from(names))]
    argv += ["--at", data.draw(st.sampled_from(["1", "1e300", "-0.0", "1/3", "x=2"]))]
    tutor(*argv, *(["--json"] if as_json else []))
