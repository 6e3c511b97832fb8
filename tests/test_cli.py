"""The command line: lessons, run, check, graph, and their errors (no tracebacks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main

LESSON = """\
format = 1
id = "tiny"
title = "Tiny"
graph = \"\"\"
a = 2.0
b = -3.0
e = a * b
f = -2.0
L = e * f
\"\"\"
[[steps]]
say = "Hello."
[[steps]]
ask = "grad"
node = "e"
[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "local"
node = "L"
wrt = "e"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.toml").write_text(LESSON)
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def answers(tmp_path: Path, text: str) -> str:
    path = tmp_path / "answers.txt"
    path.write_text(text)
    return str(path)


def test_run_json_has_exactly_the_documented_shape(capsys, folder, tmp_path):
    file = answers(tmp_path, "# a comment\n\n-2\n__import__('os')\n-\n")
    code, out, _ = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", file, "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["lesson", "seed", "score", "total", "passed", "questions"]
    assert (data["lesson"], data["seed"], data["score"], data["total"]) == ("tiny", 0, 1, 3)
    assert data["passed"] is False
    keys = ["index", "kind", "node", "wrt", "prompt", "answer", "verdict", "expected"]
    keys += ["feedback", "diagnosis"]
    assert all(list(q) == keys for q in data["questions"])
    verdicts = [q["verdict"] for q in data["questions"]]
    assert verdicts == ["correct", "not-understood", "skipped"]
    assert data["questions"][0]["expected"] == -2
    assert data["questions"][2]["wrt"] == "e"
    assert data["questions"][2]["expected"] == "f"  # a local question's formula


def test_run_text_output_and_wrong_answer_diagnosis(capsys, folder, tmp_path):
    file = answers(tmp_path, "2\n-3\nf\n")
    code, out, _ = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", file)
    assert code == 0
    assert "Q1. What is dL/de" in out
    assert "incorrect: Not quite: the size is right but the sign is wrong" in out
    assert "Score: 1 / 3 (33%): not passed" in out


def test_run_accepts_a_path_and_a_seed(capsys, folder, tmp_path):
    file = answers(tmp_path, "-2\n")
    code, out, _ = run(capsys, "run", str(folder / "tiny.toml"), "--answers", file, "--json")
    assert code == 0 and json.loads(out)["score"] == 1


def test_usage_errors_exit_2_with_one_line(capsys, folder, tmp_path):
    code, _, err = run(capsys, "--lessons", str(folder), "run", "nope", "--answers", "x")
    assert code == 2 and "no lesson with this id" in err
    code, _, err = run(capsys, "--lessons", str(folder), "run", "tiny", "--answers", "missing")
    assert code == 2 and "no such answers file" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("format = 1\nid = 'x'\n")
    code, _, err = run(capsys, "run", str(broken), "--answers", "x")
    assert code == 2 and f"{broken}:1: `title` is missing" in err


def test_lessons_lists_and_reports_errors(capsys, folder):
    (folder / "zz-broken.toml").write_text("format = [\n")
    code, out, _ = run(capsys, "--lessons", str(folder), "lessons", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["lessons"][0] | {"path": None} == {
        "id": "tiny",
        "title": "Tiny",
        "order": None,
        "questions": 3,
        "path": None,
    }
    assert data["errors"] and "zz-broken.toml" in data["errors"][0]


def test_lessons_env_variable(capsys, folder, monkeypatch):
    monkeypatch.setenv("TUTOR_LESSONS", str(folder))
    code, out, _ = run(capsys, "lessons")
    assert code == 0 and "tiny" in out


def test_check_fails_with_path_line_message(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(LESSON.replace('node = "a"', 'node = "zz"'))
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    assert out.startswith(f"{bad}:")
    assert "`node = 'zz'` is not a node" in out


def test_no_traceback_from_the_console_script(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\x00\xff garbage")
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "check", str(bad)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_run_record_then_progress_and_reset(capsys, folder, tmp_path):
    file = answers(tmp_path, "-2\n6\nf\n")
    lessons = ("--lessons", str(folder))
    assert run(capsys, *lessons, "run", "tiny", "--answers", file, "--record")[0] == 0
    code, out, _ = run(capsys, *lessons, "progress", "--json")
    (summary,) = json.loads(out)
    assert summary["lesson_id"] == "tiny"
    assert (summary["quiz_attempts"], summary["best_score"], summary["best_total"]) == (1, 3, 3)
    code, out, _ = run(capsys, *lessons, "progress", "--csv")
    rows = out.splitlines()
    assert rows[0].startswith("id,answered_at,lesson_id,question_index,seed,answer,verdict")
    assert len(rows) == 4 and all(",run," in row for row in rows[1:])
    code, out, _ = run(capsys, *lessons, "progress")
    assert "1 quiz attempt, best quiz 3/3" in out
    code, _, err = run(capsys, *lessons, "reset", "tiny")
    assert code == 2 and "--yes" in err
    assert run(capsys, *lessons, "reset", "tiny", "--yes")[0] == 0
    code, out, _ = run(capsys, *lessons, "progress", "--json")
    assert json.loads(out)[0]["quiz_attempts"] == 0
    assert run(capsys, *lessons, "reset", "--all", "--yes")[0] == 0
    assert run(capsys, *lessons, "reset")[0] == 2


ATTACKS = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__base__.__subclasses__()",
    "open('{marker}', 'w').write('x')",
    "exec(\"open('{marker}', 'w')\")",
    "eval('1')",
    "(lambda: open('{marker}', 'w'))()",
    "[open('{marker}', 'w') for _ in (1,)]",
    "(x := 1)",
    "e.__class__",
    "globals()['__builtins__']",
    "9**9**9**9",
    "(" * 500 + "1" + ")" * 500,
    "-" * 10_000 + "1",
    "e" + " * e" * 3000,
]


def test_injection_attempts_in_an_answers_file_are_not_understood(capsys, folder, tmp_path):
    marker = tmp_path / "pwned"
    lines = [attack.replace("{marker}", str(marker)) for attack in ATTACKS]
    for line in lines:
        file = answers(tmp_path, line + "\n")
        code, out, _ = run(
            capsys, "--lessons", str(folder), "run", "tiny", "--answers", file, "--json"
        )
        assert code == 0
        first = json.loads(out)["questions"][0]
        assert first["verdict"] == "not-understood", (line[:40], first["feedback"])
    assert not marker.exists()


@pytest.mark.parametrize("width", [80, 100])
def test_graph_fits_the_width_it_is_given(capsys, width):
    code, out, _ = run(capsys, "graph", "tanh-from-pieces", "--width", str(width))
    assert code == 0
    lines = out.rstrip("\n").splitlines()
    assert max(map(len, lines)) <= width
    assert "o=0.7071" in out and lines[-1] == "(each node: name=data g=grad)"


def test_graph_width_defaults_to_the_terminal(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    code, out, _ = run(capsys, "graph", "tanh-from-pieces")
    assert code == 0 and "┌ o ─" in out, "wide enough for full boxes"
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "graph", "tanh-from-pieces")
    assert max(map(len, out.splitlines())) <= 80


def test_graph_width_must_be_a_sensible_number(capsys):
    assert main(["graph", "neuron", "--width", "5"]) == 2  # a usage error
    assert "give 20 to 10000" in capsys.readouterr().err


def test_run_takes_code_answers_with_their_line_breaks_written_backslash_n(capsys, tmp_path):
    # `tutor run` on the bundled "Write `_backward`": one line an answer, `\n` a line break
    body = "self.grad += other.data * out.grad\\nother.grad += self.data * out.grad"
    file = answers(tmp_path, f"-\n{body}\n-\nself.grad = out.data * out.grad\n")
    code, out, _ = run(capsys, "run", "write-backward", "--answers", file, "--json")
    assert code == 0
    found = json.loads(out)["questions"]
    assert found[1]["verdict"] == "correct"
    assert found[1]["answer"] == body.replace("\\n", "\n")
    assert found[1]["expected"] == body.replace("\\n", "\n")  # the lecture's body
    assert found[3]["verdict"] == "incorrect"
    assert found[3]["diagnosis"] == "assigned-not-added"


def test_check_without_a_path_checks_the_course_of_the_current_folder(
    capsys, tmp_path, monkeypatch
):
    # A contributor's checkout: `tutor check` checks its lessons/, not the installed copy.
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.toml").write_text("format = 1\nid = 'x'\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check")
    assert code == 1
    assert err == "tutor check: the lessons in lessons (the course in the current folder)\n"
    assert "lessons/a.toml:1: `title` is missing" in out
    monkeypatch.setenv("TUTOR_LESSONS", str(tmp_path / "elsewhere"))
    code, _, err = run(capsys, "check")
    assert err.startswith(f"tutor check: the lessons in {tmp_path / 'elsewhere'} ($TUTOR_LESSONS)")
