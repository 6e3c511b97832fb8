"""`tutor check` on hostile lessons within the format's limits: each check finishes
within its budget, or is reported at PATH as having run out of it; never a hang."""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import pytest

from tutor.cli import cmd_check
from tutor.lesson import load_lesson_text
from tutor.lesson.graph import lesson_graph
from tutor.runtime.budget import Checker


def lesson_text(lesson_id: str, graph: list[str], extra: str = "") -> str:
    body = "\n".join(graph)
    return (
        f'format = 1\nid = "{lesson_id}"\ntitle = "T"\ngraph = """\n{body}\n"""\n{extra}'
        '[[steps]]\nask = "grad"\nnode = "a"\n'
    )


SQUARES = lesson_text(
    "squares", ["a = 0.5"] + [f"s{i} = {'a' if i == 1 else f's{i - 1}'} ** 2" for i in range(1, 41)]
)
GOOD = lesson_text("good", ["a = 2.0", "b = a * 3"])


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_exact_numbers_that_explode_run_out_of_the_budget_at_path(tmp_path):
    path = write(tmp_path, "squares.toml", SQUARES)
    out = io.StringIO()
    start = time.perf_counter()
    code = cmd_check([path], out, budget=3)
    assert time.perf_counter() - start < 60
    assert code == 1
    budget = "the check ran out of its time budget (3 s of CPU time)"
    assert out.getvalue().startswith(f"{path}: {budget}")


def test_a_budget_run_out_does_not_stop_the_next_lesson(tmp_path):
    write(tmp_path, "a-squares.toml", SQUARES)
    write(tmp_path, "b-good.toml", GOOD)
    out = io.StringIO()
    assert cmd_check([tmp_path], out, budget=3) == 1
    lines = out.getvalue().splitlines()
    assert "time budget" in lines[0] and lines[1].startswith("ok good:")


def test_a_vary_range_where_every_draw_fails_is_checked_quickly(tmp_path):
    extra = "[vary]\na = { min = -99999, max = 0, step = 1 }\n"
    text = lesson_text("logs", ["a = 2", "b = log(a)"], extra)
    lesson = load_lesson_text(text, "logs.toml")
    start = time.perf_counter()
    for seed in range(1, 40):
        assert lesson_graph(lesson, seed).seed == 0  # no valid draw: the file's numbers
    assert time.perf_counter() - start < 20


def test_a_long_chain_is_checked_without_a_recursion_error(tmp_path):
    graph = ["a = 0.5"] + [
        f"n{i} = {'a' if i == 1 else f'n{i - 1}'} * 0.5 + 0.25" for i in range(1, 300)
    ]
    path = write(tmp_path, "chain.toml", lesson_text("chain", graph))
    out = io.StringIO()
    cmd_check([path], out, budget=5)
    assert "RecursionError" not in out.getvalue()
    # (a warning may come first: the gradient, 0.5**299, is within atol of 0)
    last = out.getvalue().splitlines()[-1]
    assert last.startswith(("ok chain", f"{path}: the check ran out")), out.getvalue()


def test_an_empty_folder_is_an_error(tmp_path):
    out = io.StringIO()
    assert cmd_check([tmp_path], out) == 1
    assert out.getvalue() == f"{tmp_path}: no lesson files (*.toml) in this folder\n"


def test_the_checker_starts_again_after_running_out(tmp_path):
    squares = load_lesson_text(SQUARES, str(tmp_path / "squares.toml"))
    good = load_lesson_text(GOOD, str(tmp_path / "good.toml"))
    with Checker() as checker:
        (error,) = checker.check(squares, seconds=2).errors
        assert "time budget (2 s of CPU time)" in error.message and error.line is None
        assert checker.check(good, seconds=60).errors == []


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS is enforced on Linux")
def test_a_check_over_its_memory_budget_is_reported(tmp_path):
    good = load_lesson_text(GOOD, str(tmp_path / "good.toml"))
    # 35 MiB of address space is not enough to import SymPy: the child stops.
    with Checker(memory=35 * 1024**2) as checker:
        (error,) = checker.check(good, seconds=60).errors
    assert error.path == str(tmp_path / "good.toml")
    assert "memory budget (35 MiB)" in error.message


def test_a_huge_graph_gets_fewer_variant_draws(monkeypatch):
    import tutor.lesson.graph as graph_module

    terms = " + ".join(f"tanh(a * {k})" for k in range(1, 39))
    # 30 lines: 4,600 nodes, within the graph's bound (5,000), past a quarter of a draw's
    lines = ["a = 2", "b = log(a)"] + [f"n{i} = ({terms}) * b" for i in range(1, 31)]
    extra = "[vary]\na = { min = -99999, max = 0, step = 1 }\n"  # every draw fails: log
    lesson = load_lesson_text(lesson_text("huge", lines, extra), "huge.toml")
    builds = []
    real = graph_module.build_graph
    monkeypatch.setattr(
        graph_module, "build_graph", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    assert lesson_graph(lesson, 1).seed == 0  # no valid draw: the file's numbers
    size = sum(graph_module._size(a.expr) for a in lesson.assignments)
    assert size > graph_module.MAX_DRAW_NODES // graph_module.MAX_VARIANT_DRAWS
    assert len(builds) - 1 <= graph_module.MAX_DRAW_NODES // size < graph_module.MAX_VARIANT_DRAWS


def test_a_huge_graph_is_graded_without_diagnoses_in_bounded_time():
    from tutor.check.question import MAX_DIAGNOSED_NODES, prepare

    terms = " + ".join(f"tanh(n{{p}} * {k})" for k in range(1, 30))
    lines = ["a = 0.5", "n0 = a * 1.5"] + [
        f"n{i} = ({terms.format(p=i - 1)}) * 0.01" for i in range(1, 40)
    ]  # 4,600 nodes: within the graph's bound, past the diagnosed ones
    lesson = load_lesson_text(lesson_text("huge", lines), "huge.toml")
    graph = lesson_graph(lesson, 0)
    start = time.perf_counter()
    question = prepare(lesson, graph, lesson.questions[0], 0)
    assert time.perf_counter() - start < 30
    assert question.mistakes == []
    small = load_lesson_text(lesson_text("small", ["a = 0.5", "n0 = a * 1.5", "n1 = n0 * a"]), "s")
    graph = lesson_graph(small, 0)
    assert len(list(graph.nodes)) < MAX_DIAGNOSED_NODES
    assert prepare(small, graph, small.questions[0], 0).mistakes != []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_check_dies_with_its_parent(tmp_path):
    import signal
    import subprocess

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys\n"
        "from tutor.runtime.budget import Checker\n"
        "from tutor.lesson import load_lesson_text\n"
        f"lesson = load_lesson_text({SQUARES!r}, 'squares.toml')\n"
        "checker = Checker()\n"
        "checker.warm()\n"
        "print(checker._process.pid, flush=True)\n"
        "checker.check(lesson, seconds=300)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    deadline = time.monotonic() + 10
    while not computing(child) and time.monotonic() < deadline:
        time.sleep(0.02)  # waiting for the check to start, not for a fixed time
    assert computing(child), "the check did not start"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(child), "the orphaned check went on running"


def computing(pid: int) -> bool:
    """Running or ready to run (not asleep waiting for a job)."""
    try:
        return "State:\tR" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def running(pid: int) -> bool:
    """Alive and not a zombie (dead, waiting to be reaped)."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


# A child that calls die_with_parent without the kernel's help (as on a platform with
# no PR_SET_PDEATHSIG), then computes for ever; its parent prints the child's pid.
ORPHAN_CHILD = (
    "import sys\nsys.platform = 'other'\n"
    "from tutor.untrusted import die_with_parent\ndie_with_parent()\n"
    "while True:\n    pass\n"
)
ORPHAN_PARENT = (
    "import subprocess, sys, time\n"
    "from tutor.untrusted import child_env\n"
    f"child = subprocess.Popen([sys.executable, '-c', {ORPHAN_CHILD!r}], env=child_env())\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(300)\n"
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_child_watches_its_parent_where_the_kernel_does_not():
    import signal
    import subprocess

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_PARENT], stdout=subprocess.PIPE)
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child), "the orphan went on computing"


def test_a_child_whose_parent_is_already_gone_stops_at_once():
    import os
    import subprocess

    env = {**os.environ, "TUTOR_PARENT_PID": "1"}  # not its parent: gone already
    script = "from tutor.untrusted import die_with_parent\ndie_with_parent()\nprint('ran')\n"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=30)
    assert done.returncode == 1 and done.stdout == b""
