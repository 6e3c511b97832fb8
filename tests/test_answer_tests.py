"""Answer tests: `[[tests]]` in a lesson, `tutor check` running them, `tutor run --expect`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TINY_LESSON
from hypothesis import given
from hypothesis import strategies as st

from tutor.author.answer_tests import Expectation, parse_expectation, run_tests, unmet
from tutor.author.checking import check_paths
from tutor.check.grade import Verdict
from tutor.cli import CommandError, main, read_answer_lines
from tutor.lesson import LessonLoadError, load_lesson, load_lesson_text

LESSONS = Path(__file__).parent.parent / "lessons"

# TINY_LESSON: L = a * b with a = 2, b = -3; question 1 dL/da = -3, question 2 dL/db = 2.
TESTS = """
[[tests]]
question = 1
answer = "-3"
expect = "right"

[[tests]]
question = 1
answer = 3
expect = "wrong"
diagnosis = "wrong-sign"

[[tests]]
question = 2
answer = "-3"
expect = "wrong"
diagnosis = "with respect to one factor"

[[tests]]
question = 2
answer = "a +"
expect = "not-understood"
"""


def lesson_with(tests: str, path: str = "t.toml"):
    return load_lesson_text(TINY_LESSON + tests, path)


def load_errors(tests: str) -> list[str]:
    with pytest.raises(LessonLoadError) as info:
        lesson_with(tests)
    return [str(e) for e in info.value.errors]


def test_the_loader_reads_tests_with_their_lines():
    lesson = lesson_with(TESTS)
    first, second, third, fourth = lesson.tests
    assert (first.question, first.answer, first.expect, first.seed) == (0, "-3", "right", 0)
    assert second.answer == "3" and second.diagnosis == "wrong-sign"  # a number, as text
    assert (third.question, third.diagnosis) == (1, "with respect to one factor")
    assert fourth.expect == "not-understood"
    source = (TINY_LESSON + TESTS).splitlines()
    assert source[first.line - 1] == 'answer = "-3"'
    assert source[second.line - 1] == "answer = 3"


@pytest.mark.parametrize(
    ("tests", "line", "message"),
    [
        ('[[tests]]\nquestion = 3\nanswer = "1"\nexpect = "right"\n', 16, "from 1 to 2"),
        ('[[tests]]\nquestion = 1\nanswer = "1"\nexpect = "ok"\n', 18, 'choose one of "right"'),
        ('[[tests]]\nquestion = 1\nexpect = "right"\n', 15, "needs `answer`"),
        ('[[tests]]\nquestion = 1\nanswer = ""\nexpect = "right"\n', 17, "what a student types"),
        (
            '[[tests]]\nquestion = 1\nanswer = "1"\nexpect = "right"\ndiagnosis = "x"\n',
            19,
            'it needs `expect = "wrong"`',
        ),
        ('[[tests]]\nquestion = 1\nanswer = "1"\nexpect = "right"\nseed = -1\n', 19, "`seed`"),
        ('[[tests]]\nquestion = 1\nanswr = "1"\nexpect = "right"\n', 17, "unknown key `answr`"),
        ('[[tests]]\nquestion = true\nanswer = "1"\nexpect = "right"\n', 16, "`question`"),
    ],
)
def test_a_bad_test_is_an_error_at_its_line(tests, line, message):
    errors = load_errors(tests)
    assert any(e.startswith(f"t.toml:{line}: test 1: ") and message in e for e in errors), errors


_VALUES = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["right", "wrong", "not-understood", "-3", "wrong-sign"]),
    st.lists(st.integers(0, 3), max_size=2),
)


def _toml(value) -> str:
    """A TOML value (bool, number, text, list of numbers): JSON's escapes are TOML's."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return json.dumps(value)


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["question", "answer", "expect", "diagnosis", "seed", "other"]),
            _VALUES,
            max_size=6,
        ),
        max_size=4,
    )
)
def test_any_tests_table_loads_or_is_refused_at_a_line(tests):
    text = TINY_LESSON + "".join(
        "[[tests]]\n" + "".join(f"{key} = {_toml(value)}\n" for key, value in test.items())
        for test in tests
    )
    try:
        lesson = load_lesson_text(text, "t.toml")
    except LessonLoadError as exc:
        assert all(e.line is not None for e in exc.errors), exc.errors
        return
    assert len(lesson.tests) == len(tests)
    for test in lesson.tests:
        assert 0 <= test.question < 2 and test.expect in ("right", "wrong", "not-understood")


def test_tests_must_be_an_array_of_tables():
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text("tests = 3\n" + TINY_LESSON, "t.toml")
    errors = [str(e) for e in info.value.errors]
    assert any("`tests` must be an array of tables" in e for e in errors), errors


def test_a_control_character_in_a_test_is_refused_at_its_line():
    errors = load_errors('[[tests]]\nquestion = 1\nanswer = "\\u001b[2J"\nexpect = "wrong"\n')
    assert any(e.startswith("t.toml:17: test 1: `answer` holds the control") for e in errors)


def test_run_tests_reports_a_failing_test_at_its_line():
    lesson = lesson_with(TESTS + '\n[[tests]]\nquestion = 2\nanswer = "2"\nexpect = "wrong"\n')
    (error,) = run_tests(lesson)
    assert error.line == len((TINY_LESSON + TESTS).splitlines()) + 4
    assert "test 5 (question 2, answer `2`): expected wrong, graded right" in error.message


def test_a_diagnosis_that_does_not_match_fails():
    lesson = lesson_with(
        '[[tests]]\nquestion = 1\nanswer = "3"\nexpect = "wrong"\ndiagnosis = "swapped-operand"\n'
    )
    (error,) = run_tests(lesson)
    assert "expected wrong (swapped-operand), graded wrong diagnosed wrong-sign" in error.message


def test_tests_at_a_quiz_variant_grade_at_its_numbers():
    varied = TINY_LESSON.replace("[[steps]]", "[vary]\nb = { choices = [-3, 5] }\n[[steps]]", 1)
    from tutor.session import Session

    lesson = load_lesson_text(varied, "v.toml")
    seed = next(s for s in range(1, 50) if Session(lesson, seed=s).graph.value("b") == 5)
    text = f'\n[[tests]]\nquestion = 1\nanswer = "5"\nexpect = "right"\nseed = {seed}\n'
    assert run_tests(load_lesson_text(varied + text, "v.toml")) == []
    text = text.replace('"5"', '"-3"')
    (error,) = run_tests(load_lesson_text(varied + text, "v.toml"))
    assert f"quiz variant {seed}" in error.message


def test_check_runs_the_tests_and_says_they_pass(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON + TESTS)
    (result,) = check_paths([path])
    assert result.status == "ok", result.errors
    assert ", 4 answer tests pass" in result.lines()[-1]
    right = 'answer = "-3"\nexpect = "right"'
    path.write_text(TINY_LESSON + TESTS.replace(right, right.replace("-3", "-2")))
    (result,) = check_paths([path])
    (error,) = result.errors
    assert error.line == 18 and "test 1 (question 1, answer `-2`): expected right" in error.message


@pytest.mark.parametrize("name", ["03-manual-backprop.toml", "07-neuron.toml"])
def test_bundled_lessons_carry_tests_that_pass(name):
    lesson = load_lesson(LESSONS / name)
    assert len(lesson.tests) >= 4
    assert {t.expect for t in lesson.tests} >= {"right", "wrong"}
    assert run_tests(lesson) == []


# -- expectations in an answers file ------------------------------------------------------


def test_parse_expectation():
    assert parse_expectation(" right ") == Expectation("right")
    assert parse_expectation("wrong: wrong-sign") == Expectation("wrong", "wrong-sign")
    assert parse_expectation("not-understood") == Expectation("not-understood")
    for bad in ("ok", "right: x", "wrong:", ""):
        with pytest.raises(ValueError):
            parse_expectation(bad)


@given(st.text(max_size=40))
def test_parse_expectation_never_crashes(text):
    try:
        found = parse_expectation(text)
    except ValueError:
        return
    assert found.expect in ("right", "wrong", "not-understood")


def test_unmet_compares_status_and_diagnosis():
    wrong = Verdict("incorrect", "Not quite: the sign is wrong.", diagnosis="wrong-sign")
    assert unmet(Expectation("wrong"), wrong) is None
    assert unmet(Expectation("wrong", "wrong-sign"), wrong) is None
    assert unmet(Expectation("wrong", "THE SIGN"), wrong) is None  # words, any case
    assert "graded wrong diagnosed wrong-sign" in unmet(Expectation("wrong", "tanh-input"), wrong)
    assert "expected right, graded wrong" in unmet(Expectation("right"), wrong)


def test_answer_lines_keep_their_line_and_expectation(tmp_path):
    path = tmp_path / "a.answers"
    path.write_text("# c\n\n-3 => right\n-\n3 =>wrong: wrong-sign\n1 - o**2\n")
    lines = read_answer_lines(path)
    assert [(a.answer, a.line) for a in lines] == [("-3", 3), (None, 4), ("3", 5), ("1 - o**2", 6)]
    assert lines[0].expectation == Expectation("right")
    assert lines[2].expectation == Expectation("wrong", "wrong-sign")
    assert lines[1].expectation is None and lines[3].expectation is None


@pytest.mark.parametrize(
    ("text", "message"),
    [("-3 => fine\n", ":1: `fine` is no expectation"), ("x\n- => right\n", ":2: an expectation")],
)
def test_a_bad_expectation_is_an_error_at_its_line(tmp_path, text, message):
    path = tmp_path / "a.answers"
    path.write_text(text)
    with pytest.raises(CommandError) as info:
        read_answer_lines(path)
    assert message in str(info.value)


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON + TESTS)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_expect_passes_when_every_verdict_is_as_expected(capsys, tmp_path, tiny):
    answers = tmp_path / "a.answers"
    answers.write_text("-3 => right\n5 => wrong\n")
    code, out, _ = run(capsys, "run", tiny, "--answers", answers, "--expect")
    assert code == 0, out
    assert "Expectations: 6 of 6 met" in out  # two lines and the lesson's four tests


def test_run_expect_fails_at_the_answers_line(capsys, tmp_path, tiny):
    answers = tmp_path / "a.answers"
    answers.write_text("# first\n-3 => wrong\n2\n")
    code, out, _ = run(capsys, "run", tiny, "--answers", answers, "--expect")
    assert code == 1
    assert f"{answers}:2: question 1: expected wrong, graded right" in out
    assert "Expectations: 4 of 5 met" in out
    code, out, _ = run(capsys, "run", tiny, "--answers", answers)  # without --expect: graded
    assert code == 0 and "Expectations" not in out


def test_run_expect_alone_runs_the_lessons_tests(capsys, tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON + '[[tests]]\nquestion = 2\nanswer = "3"\nexpect = "right"\n')
    code, out, _ = run(capsys, "run", path, "--expect")
    assert code == 1
    assert f"{path}:17: test 1 (question 2, answer `3`): expected right, graded wrong" in out


def test_run_expect_with_nothing_to_check_fails(capsys, tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_LESSON)
    code, _, err = run(capsys, "run", path, "--expect")
    assert code == 1 and "nothing to check" in err
    code, _, err = run(capsys, "run", path)
    assert code == 2 and "give --answers FILE" in err


def test_run_expect_json(capsys, tmp_path, tiny):
    answers = tmp_path / "a.answers"
    answers.write_text("-3 => wrong\n-\n")
    code, out, _ = run(capsys, "run", tiny, "--answers", answers, "--expect", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["expectations"]["checked"] == 5
    (line,) = data["expectations"]["unmet"]
    assert line.startswith(f"{answers}:1: question 1: expected wrong")
    assert [q["expect"] for q in data["questions"]] == ["wrong", None]
