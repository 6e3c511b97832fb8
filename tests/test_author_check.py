"""`tutor check` for authors: ok means the app works, clear errors, no false alarms,
lints, and the author's tools (`--json`, `--strict`, `--watch`, `tutor new`)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import textwrap
import threading
from pathlib import Path

import pytest

from tutor.author import watch as watching
from tutor.author.checking import check_paths
from tutor.author.lint import lint
from tutor.author.new import lesson_text, new_lesson
from tutor.author.rehearse import rehearse, rehearse_quiz
from tutor.check.finite import slope
from tutor.check.validate import _near_miss, validate
from tutor.cli import cmd_check, main
from tutor.engine import Value
from tutor.lesson import LessonLoadError, lesson_graph, load_lesson, load_lesson_text

LESSONS = Path(__file__).parent / "lessons"
UNUSUAL = LESSONS / "unusual"
BROKEN = LESSONS / "broken"


def lesson_of(graph: str, steps: str, extra: str = "", path: str = "t.toml"):
    source = f'format = 1\nid = "t"\ntitle = "T"\ngraph = """\n{graph}\n"""\n{extra}\n{steps}'
    return load_lesson_text(textwrap.dedent(source), path)


def load_errors(source: str) -> list[str]:
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(textwrap.dedent(source), "t.toml")
    return [str(e) for e in info.value.errors]


# -- the test data: unusual but correct lessons, and broken ones ----------------------


def test_correct_lessons_with_unusual_numbers_check_clean():
    results = check_paths([UNUSUAL])
    assert len(results) == 4
    for result in results:
        assert result.status == "ok", (result.path, result.errors, result.warnings)


def expectations() -> dict[str, str]:
    """Each broken file's first line: ``# expect LINE: message`` (or ``# expect ok``)."""
    found = {}
    for path in sorted(BROKEN.glob("*.toml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# expect "), path
        found[str(path)] = first.removeprefix("# expect ")
    return found


def test_each_broken_lesson_gives_one_message_at_its_line():
    out = io.StringIO()
    assert cmd_check([BROKEN], out, strict=True) == 1
    lines = out.getvalue().splitlines()
    for path, expected in expectations().items():
        mine = [line for line in lines if line.startswith(path + ":") or line.endswith(f"({path})")]
        assert len(mine) == 1, (path, mine)
        if expected == "ok":
            assert mine[0].startswith("ok "), mine
            continue
        line, message = expected.split(": ", 1)
        assert re.match(rf"{re.escape(path)}:{line}: (error \(--strict\): )?", mine[0]), mine
        assert message in mine[0], mine
    assert len(lines) == len(expectations())


def test_the_broken_folder_covers_errors_and_lints():
    results = {Path(r.path).stem: r for r in check_paths([BROKEN])}
    lints = [name for name, r in results.items() if r.status == "warnings"]
    errors = [name for name, r in results.items() if r.status == "errors"]
    assert set(lints) == {
        "fd-untrusted",
        "lint-by-hand",
        "lint-other-h",
        "lint-other-node",
        "lint-tolerance-unmeetable",
        "lint-prose-rate",
        "lint-prose-steps",
        "lint-prose-node-value",
        "lint-no-parameters",
        "lint-answer-on-screen",
        "lint-decimals-admit-zero",
        "lint-read-off-view",
        "lint-step-climbs",
    }
    # prompt-precision among them (`decimals` is the fix); answer-test-fails, leaf-output,
    # compare-repeats-rate, train-diverges and step-old-sign too
    assert len(errors) == 15
    assert results["duplicate-id-a"].status == "errors"  # both files claiming the id


# -- 1. ok means the app works ----------------------------------------------------------


def test_a_question_on_a_node_the_output_does_not_use_is_refused_at_load():
    (error,) = load_errors(
        """\
        format = 1
        id = "t"
        title = "T"
        graph = \"\"\"
        a = 2.0
        z = a * 5
        L = a * 3
        \"\"\"
        output = "L"
        [[steps]]
        ask = "value"
        node = "z"
        """
    )
    assert error.startswith("t.toml:12: step 1: `z` does not reach the output `L`")


def test_rehearsal_draws_the_graph_as_the_app_does():
    """A lesson that slipped past the loader (as one did before it checked this):
    the app's graph panel cannot highlight the node, and check says so."""
    lesson = lesson_of("a = 2.0\nz = a * 5\nL = a * 3", '[[steps]]\nask = "grad"\nnode = "a"')
    ask = dataclasses.replace(lesson.steps[0], node="z")
    broken = dataclasses.replace(lesson, steps=(ask,))
    errors = [str(e) for e in rehearse(broken)]
    assert any(
        "question 1: drawing the graph for it fails at the file's numbers" in e
        and "is not a labelled node of this graph" in e
        for e in errors
    ), errors
    assert all(e.startswith("t.toml:") for e in errors)


def test_rehearsal_grades_the_expected_answer_in_lesson_and_quiz():
    lesson = load_lesson(BROKEN / "answer-rejected.toml")
    (error,) = rehearse(lesson, seeds=[1, 2])
    assert error.line == 11
    assert "the expected answer `0.3333333333` is graded incorrect" in error.message
    assert rehearse_quiz(lesson, 0)  # the app's check before a quiz finds it too


def test_rehearsal_goes_through_every_step_of_the_course():
    lesson = load_lesson(Path("lessons/07-neuron.toml"))
    report = validate(lesson, variants=3)
    assert rehearse(lesson, [g.seed for g in report.graphs[1:]]) == []


def test_the_apps_check_before_a_quiz_rehearses_it():
    from tutor.runtime.checker import ChildChecker

    lesson = load_lesson(BROKEN / "answer-rejected.toml")
    errors = ChildChecker().check(lesson, seed=3)  # the app's default checker
    assert errors and "graded incorrect" in errors[0].message


# -- 3. clearer errors ----------------------------------------------------------------


def test_relu_exactly_at_zero_names_its_line_and_node():
    (error,) = validate(load_lesson(BROKEN / "relu-at-zero.toml")).errors
    assert error.line == 8
    assert "the input of relu in `z` is exactly 0" in error.message
    assert "(a = 0, b = 3)" in error.message


def test_duplicate_ids_in_files_given_on_the_command_line(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = tmp_path / "one" / "a.toml"
    second = tmp_path / "two" / "b.toml"
    first.write_text((BROKEN / "duplicate-id-a.toml").read_text())
    second.write_text((BROKEN / "duplicate-id-b.toml").read_text())
    out = io.StringIO()
    assert cmd_check([first, second], out) == 1
    text = out.getvalue()
    assert f"{second}:4: duplicate id `duplicate-id` (also in {first})" in text
    assert f"{first}:3: duplicate id `duplicate-id` (also in {second})" in text
    assert "ok duplicate-id" not in text


def test_the_same_file_given_twice_is_checked_once(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text((BROKEN / "duplicate-id-a.toml").read_text())
    assert len(check_paths([tmp_path, path])) == 1


def test_duplicate_ids_in_a_folder_point_at_the_id_line():
    from tutor.lesson.folder import load_course

    course = load_course(BROKEN)
    for name, line in (("duplicate-id-a.toml", 3), ("duplicate-id-b.toml", 4)):
        (error,) = course.broken[BROKEN / name]
        assert error.line == line


def test_a_non_ascii_key_in_vary_says_to_quote_it():
    (error,) = load_errors((BROKEN / "non-ascii-vary.toml").read_text())
    assert error.startswith("t.toml:11: TOML:")
    assert 'write `"ω" = ...` instead of `ω = ...`' in error
    quoted = (BROKEN / "non-ascii-vary.toml").read_text().replace("ω = {", '"ω" = {')
    assert load_lesson_text(quoted, "t.toml").vary


@pytest.mark.parametrize(
    ("line", "advice"),
    [("n += 1", "write `n2 = n + 1`"), ("n **= 2", "write `n2 = n ** 2`"), ("n-=x", "n2 = n - x")],
)
def test_augmented_assignment_says_what_to_write(line, advice):
    (error,) = load_errors(
        f'format = 1\nid = "t"\ntitle = "T"\ngraph = """\nn = 1.0\nx = 2.0\n{line}\n"""\n'
        '[[steps]]\nask = "value"\nnode = "n"\n'
    )
    assert error.startswith("t.toml:7: graph:")
    assert "augmented assignment, which a graph does not allow" in error
    assert advice in error


# -- 4. no false alarms ---------------------------------------------------------------


def test_the_default_tolerance_passes_for_large_values():
    lesson = lesson_of(
        "x = 1000.0\nf = 3*x**2 - 4*x + 5",
        '[[steps]]\nask = "value"\nnode = "f"\n[[steps]]\nask = "grad"\nnode = "x"',
    )
    assert validate(lesson).errors == []


def test_the_near_miss_grows_with_the_value():
    assert _near_miss(5.0) == ("plus one", 6.0)
    assert _near_miss(-100.0) == ("plus one", -99.0)
    assert _near_miss(1.4e6) == ("plus 1%", 1.4e6 + 1.4e4)


def test_a_loose_tolerance_is_still_caught_for_large_values():
    lesson = lesson_of("y = 1200.0\nL = y**2", '[[steps]]\nask = "value"\nnode = "L"\nrtol = 0.05')
    (error,) = validate(lesson).errors
    assert "the answer plus 1% (1454400) is graded correct" in error.message


def test_finite_differences_adapt_near_a_kink():
    a, b = Value(1e-9, label="a"), Value(3.0, label="b")
    estimate = slope((a * b).relu(), a)
    assert estimate.trusted
    assert estimate.value == pytest.approx(3.0, rel=1e-9)
    assert estimate.step < 1e-9  # smaller than the distance to the kink


def test_finite_differences_adapt_at_a_steep_root():
    b = Value(1e-6, label="b")
    assert slope(b**0.5, b).value == pytest.approx(500.0, rel=1e-7)
    c = Value(1e-8, label="c")
    assert slope(c.log(), c).value == pytest.approx(1e8, rel=1e-7)


def test_finite_differences_say_when_they_cannot_be_trusted():
    a = Value(1.0000000000000002, label="a")
    estimate = slope((a - 1).relu(), a)
    assert not estimate.trusted
    assert "crosses its kink" in estimate.why
    report = validate(load_lesson(BROKEN / "fd-untrusted.toml"))
    assert report.errors == []
    (warning,) = report.warnings
    assert "finite differences cannot be trusted" in warning.message
    assert "a = 1.0000000000000002" in warning.message
    assert "disagree" not in warning.message and "give" not in warning.message


def test_an_answer_within_atol_of_zero_is_a_warning_not_an_error():
    lesson = lesson_of("x = 1e-300\ny = x * 1e-20", '[[steps]]\nask = "grad"\nnode = "x"')
    report = validate(lesson)
    assert report.errors == []
    (warning,) = report.warnings
    assert "within atol (1e-09) of 0" in warning.message
    assert "atol = 1e-26" in warning.message


# -- 5. lints ---------------------------------------------------------------------------


def lints(graph: str, steps: str, extra: str = "") -> list[str]:
    lesson = lesson_of(graph, steps, extra)
    graphs = validate(lesson).graphs
    return [e.message for e in lint(lesson, graphs)]


def test_a_prompt_may_name_other_derivatives_next_to_the_one_asked():
    found = lints(
        "c = 1.0\ne = 2.0\nd = e + c\nf = 3.0\nL = d * f",
        '[[steps]]\nask = "grad"\nnode = "c"\nprompt = "Chain them: `dL/dc = dL/dd · dd/dc`."',
    )
    assert found == []


def test_a_prompt_with_respect_to_another_node_is_linted():
    (message,) = lints(
        "w = 2.0\nb = 1.0\nL = w * b",
        '[[steps]]\nask = "grad"\nnode = "b"\nprompt = "The gradient with respect to `w`?"',
    )
    assert "'with respect to w'" in message and "grades dL/db" in message


def test_a_number_by_hand_is_linted_only_for_nodes_that_vary():
    steps = '[[steps]]\nask = "grad"\nnode = "b"\nprompt = "With `a = 2` and `b = 5`: dL/db?"'
    graph = "a = 2.0\nb = 5.0\nL = a * b"
    (message,) = lints(graph, steps, "[vary]\na = { min = 1, max = 4, step = 1 }")
    assert "`a`'s value 2 by hand" in message
    assert lints(graph, steps) == []  # nothing varies: the numbers are always right


def test_a_stated_precision_the_tolerance_meets_is_fine():
    found = lints(
        "x = 0.5\no = tanh(x)",
        '[[steps]]\nask = "value"\nnode = "o"\nprompt = "`o` to 4 decimal places?"\natol = 5e-5',
    )
    assert found == []


def test_strict_turns_warnings_into_failures():
    path = BROKEN / "lint-other-h.toml"
    out = io.StringIO()
    assert cmd_check([path], out) == 0
    assert f"{path}:14: warning: step 1: the prompt says h = 0.01" in out.getvalue()
    assert "ok lint-other-h" in out.getvalue()
    out = io.StringIO()
    assert cmd_check([path], out, strict=True) == 1
    assert f"{path}:14: error (--strict): step 1" in out.getvalue()
    assert "ok " not in out.getvalue()


# -- 6. the author's tools --------------------------------------------------------------


def test_check_json_reports_each_file(capsys):
    paths = [str(BROKEN / "augmented.toml"), str(BROKEN / "lint-other-h.toml")]
    paths.append(str(UNUSUAL / "near-kink.toml"))
    assert main(["check", "--json", *paths]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["strict"] is False
    files = {Path(f["path"]).stem: f for f in data["files"]}
    assert files["augmented"]["status"] == "errors"
    assert files["augmented"]["lesson"] is None
    (error,) = files["augmented"]["errors"]
    assert error["line"] == 7 and error["path"].endswith("augmented.toml")
    assert "augmented assignment" in error["message"]
    assert files["lint-other-h"]["status"] == "warnings"
    assert files["lint-other-h"]["failed"] is False
    assert files["lint-other-h"]["warnings"][0]["line"] == 14
    assert files["near-kink"] == {
        "path": str(UNUSUAL / "near-kink.toml"),
        "lesson": "near-kink",
        "status": "ok",
        "failed": False,
        "questions": 4,
        "variants": 20,
        "distinct": 2,
        "dropped": "14 draws dropped: 14 the file's own numbers",
        "errors": [],
        "warnings": [],
    }


def test_check_json_strict_fails_on_warnings(capsys):
    assert main(["check", "--json", "--strict", str(BROKEN / "lint-other-h.toml")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["files"][0]["failed"] is True


def test_watch_checks_again_after_a_save(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("one")
    runs: list[str] = []

    def sleep(_seconds):
        if len(runs) == 1 and path.read_text() == "one":
            path.write_text("two, longer")  # a save between two polls

    count = watching.watch([tmp_path], lambda _cancel: runs.append("check"), sleep=sleep, rounds=3)
    assert count == 2 and len(runs) == 2


def test_watch_stops_cleanly_on_ctrl_c(tmp_path, capsys, monkeypatch):
    path = tmp_path / "a.toml"
    path.write_text((UNUSUAL / "near-kink.toml").read_text())

    def interrupt(_seconds):  # Ctrl+C once the first check has printed
        for thread in threading.enumerate():
            if thread.name == "tutor-check":
                thread.join()
        raise KeyboardInterrupt

    monkeypatch.setattr(watching, "_sleep", interrupt)
    assert main(["check", "--watch", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Ctrl+C stops" in out and "ok near-kink" in out


def test_new_writes_a_lesson_that_checks_clean(tmp_path, capsys):
    assert main(["new", "my-first-lesson", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "my-first-lesson.toml"
    assert f"wrote {path}" in capsys.readouterr().out
    text = path.read_text()
    assert text.count("#") > 10  # commented
    (result,) = check_paths([path])
    assert result.status == "ok", (result.errors, result.warnings)
    assert result.lesson.title == "My first lesson"


def test_new_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text("my own work")
    assert main(["new", "mine", "--dir", str(tmp_path)]) == 2
    assert "exists already: nothing was written" in capsys.readouterr().err
    assert path.read_text() == "my own work"


@pytest.mark.parametrize("bad", ["My Lesson", "x_y", "ü"])
def test_new_refuses_a_bad_id(tmp_path, capsys, bad):
    assert main(["new", bad, "--dir", str(tmp_path)]) == 2
    assert "is not a lesson id" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_template_names_its_own_file():
    text = lesson_text("abc", Path("some/where/abc.toml"))
    assert "tutor check --watch abc.toml" in text and "--lessons some/where" in text
    assert new_lesson  # the writer is what `tutor new` calls


def test_lesson_graph_of_the_template_is_the_lecture_neuron(tmp_path):
    path = new_lesson("neuron-start", tmp_path)
    graph = lesson_graph(load_lesson(path))
    assert graph.output.label == "o"


# -- issue 21: what an author's lesson must not do to a student ----------------------


DIVERGING_DRAWS = """\
format = 1
id = "t"
title = "T"
parameters = ["w", "b"]
graph = \"\"\"
x = 1.0
y = 3.0
w = 0.5
b = 0.1
p = w * x + b
L = (p - y) ** 2
\"\"\"

[[steps]]
ask = "train"
rate = 0.3
steps = 3

[vary]
x = { choices = [0.5, 1.0, 1.2, 2.0, 2.5, 3.0] }
"""


def test_a_quiz_draw_whose_training_diverges_is_redrawn_and_counted():
    # At rate 0.3 the error of p = w·x + b grows by |1 - 0.6 (x² + 1)| an update: over
    # 3 updates the loss grows past 1000 times its start for x = 2.5 and 3.
    from tutor.lesson.graph import TRAINING_TROUBLE

    lesson = load_lesson_text(DIVERGING_DRAWS, "t.toml")  # the file's numbers train fine
    report = validate(lesson, variants=5)
    assert report.errors == []
    assert report.dropped[TRAINING_TROUBLE] > 0
    assert "training diverges or saturates" in report.dropped_text()
    for graph in report.graphs[1:]:
        assert graph.value("x") in (0.5, 1.2, 2.0)


def test_a_training_stuck_on_saturated_tanh_is_an_error():
    source = textwrap.dedent(
        """\
        format = 1
        id = "t"
        title = "T"
        [model]
        inputs = 3
        layers = [4, 4, 1]
        [data]
        xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
        ys = [1.0, -1.0, -1.0, 1.0]
        [[steps]]
        ask = "train"
        rate = 5
        steps = 20
        """
    )
    (error,) = load_errors(source)
    assert error.startswith("t.toml:10: training at rate 5 for 20 steps saturates")


def test_the_budget_names_the_path_that_costs():
    from tutor.runtime.budget import cause

    small = lesson_of("a = 2.0\nb = 3.0\nL = tanh(a * b)", '[[steps]]\nask = "grad"\nnode = "a"')
    assert "checked exactly by SymPy" in cause(small)
    network = load_lesson_text(
        'format = 1\nid = "n"\ntitle = "N"\n[model]\ninputs = 1\nlayers = [2, 2, 2, 1]\n'
        '[data]\nxs = [[0.5]]\nys = [1.0]\n[[steps]]\nask = "train"\nrate = 0.05\nsteps = 7\n',
        "n.toml",
    )
    text = cause(network)
    assert "(54 nodes) is checked with 50-digit numbers edge by edge" in text
    assert "7 training updates per variant" in text and "a huge graph" not in text


def test_a_quiz_draw_that_shows_the_hidden_answer_is_redrawn():
    lesson = lesson_of(
        "e = 0.3775\ny = 1.0\np = e + y\nL = p * 2",
        '[[steps]]\nask = "value"\nnode = "p"',
        extra="[vary]\ny = { choices = [0.0, 1.0, 2.0] }",
    )
    assert lint(lesson, [lesson_graph(lesson)]) == []  # at the file's numbers p ≠ e
    report = validate(lesson, variants=8)
    # At y = 0 the graph shows e = p: the draw is refused, as the answer shown next to
    # it or, caught first, as the left-out-term mistake (p = e) that gives the answer.
    assert (
        report.dropped["question 1's answer is shown next to it"]
        + report.dropped["question 1's left-out-term mistake gives the answer"]
        > 0
    )
    assert all(graph.value("y") != 0.0 for graph in report.graphs)
