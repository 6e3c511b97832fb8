"""Hostile lesson files: each is an error at PATH:LINE for that file, never a hang,
never a crash, never a control sequence, and the other lessons still load."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bench.hostile_lessons import many_trainings
from tutor.lesson import LessonLoadError, load_lesson, load_lesson_text
from tutor.lesson.folder import load_course
from tutor.lesson.loader import MAX_FILE_BYTES

GOOD = """\
format = 1
id = "good"
title = "Good"
graph = \"\"\"
a = 2.0
b = a * 3
\"\"\"
[[steps]]
ask = "grad"
node = "a"
"""


def errors_of(source: str) -> list[str]:
    with pytest.raises(LessonLoadError) as info:
        load_lesson_text(source, "L.toml")
    return [str(e) for e in info.value.errors]


def lesson(**top: str) -> str:
    head = {"format": "1", "id": '"x"', "title": '"T"'} | top
    return "\n".join(f"{k} = {v}" for k, v in head.items()) + '\n[[steps]]\nsay = "hi"\n'


@pytest.mark.parametrize(
    ("source", "where", "name"),
    [
        (lesson(title=r'"set \u001b]2;pwned\u0007 title"'), "L.toml:3:", "U+001B (ESC)"),
        (lesson(summary=r'"\u001b]52;c;aGVsbG8=\u0007"'), "L.toml:4:", "U+001B (ESC)"),
        (lesson(summary='"C1 \u009b31m"'), "L.toml:4:", "U+009B (C1 control)"),
        (lesson(summary=r'"bell \u0007"'), "L.toml:4:", "U+0007 (BEL)"),
        (lesson(summary=r'"over\rwrite"'), "L.toml:4:", "U+000D (carriage return)"),
        (lesson(summary=r'"del \u007f"'), "L.toml:4:", "U+007F (control)"),
    ],
)
def test_control_characters_in_text_are_errors_at_their_line(source, where, name):
    (error,) = errors_of(source)
    assert error.startswith(where) and name in error and "control character" in error


def test_control_characters_in_a_step_are_found_on_their_own_line():
    source = GOOD.replace(
        'node = "a"\n',
        'node = "a"\nhints = ["ok", "\\u001b]2;x\\u0007"]\n'
        '[[steps]]\nsay = """\nline one\nline \\u001b[2J two\n"""\n',
    )
    errors = errors_of(source)
    assert errors[0].startswith("L.toml:11: step 1: `hints`")
    assert errors[1].startswith("L.toml:15: step 2: `say`")


# -- bidirectional controls ("Trojan Source") ---------------------------------------

BIDI = {
    "\u061c": "U+061C (ARABIC LETTER MARK)",
    "\u200e": "U+200E (LEFT-TO-RIGHT MARK)",
    "\u200f": "U+200F (RIGHT-TO-LEFT MARK)",
    "\u202a": "U+202A (LEFT-TO-RIGHT EMBEDDING)",
    "\u202b": "U+202B (RIGHT-TO-LEFT EMBEDDING)",
    "\u202c": "U+202C (POP DIRECTIONAL FORMATTING)",
    "\u202d": "U+202D (LEFT-TO-RIGHT OVERRIDE)",
    "\u202e": "U+202E (RIGHT-TO-LEFT OVERRIDE)",
    "\u2066": "U+2066 (LEFT-TO-RIGHT ISOLATE)",
    "\u2067": "U+2067 (RIGHT-TO-LEFT ISOLATE)",
    "\u2068": "U+2068 (FIRST STRONG ISOLATE)",
    "\u2069": "U+2069 (POP DIRECTIONAL ISOLATE)",
}
BIDI_ERROR = "holds the bidirectional control character"


@pytest.mark.parametrize(("ch", "name"), BIDI.items())
@pytest.mark.parametrize("written", ["as it is", "as a TOML escape"])
def test_each_bidi_character_in_a_title_is_an_error_naming_it(ch, name, written):
    text = ch if written == "as it is" else f"\\u{ord(ch):04x}"
    (error,) = errors_of(lesson(title=f'"gradient {text}-2"'))
    assert error.startswith(f"L.toml:3: `title` {BIDI_ERROR} {name}: ")
    assert "another order than it is written; remove it" in error


def test_a_bidi_escape_in_a_hint_is_an_error_at_the_hints_line():
    source = GOOD.replace('node = "a"\n', 'node = "a"\nhints = ["ok", "\\U0000202E-2"]\n')
    (error,) = errors_of(source)
    assert error.startswith(f"L.toml:11: step 1: `hints` {BIDI_ERROR} U+202E")


def test_bidi_characters_on_two_lines_of_a_say_are_one_error_at_the_first():
    source = GOOD + '[[steps]]\nsay = """\none\ntwo \u2067x\nthree \u202e\n"""\n'
    (error,) = errors_of(source)
    assert error.startswith(f"L.toml:14: step 2: `say` {BIDI_ERROR} U+2067")
    assert "(and 1 more)" in error


def test_a_bidi_character_in_a_comment_is_an_error_at_its_line():
    # The Trojan Source trick: in an editor, the override makes the key after the
    # comment look like part of the comment, or the reverse.
    source = GOOD.replace('ask = "grad"', 'ask = "grad" # \u202e } \u2066 node = "b"')
    (error,) = errors_of(source)
    assert error.startswith(f"L.toml:9: this line {BIDI_ERROR} U+202E")
    assert "(and 1 more)" in error


def test_a_bidi_character_in_a_graph_is_an_error_at_its_line():
    (error,) = errors_of(GOOD.replace("b = a * 3", "b = a * 3  # \u202e"))
    assert error.startswith(f"L.toml:6: `graph` {BIDI_ERROR} U+202E")


def test_a_bidi_character_in_a_quoted_key_is_an_error_at_its_line():
    (error,) = errors_of(lesson(**{'"x\u202e"': "1"}))
    assert error.startswith(f"L.toml:4: a key {BIDI_ERROR} U+202E")


def test_a_control_and_a_bidi_character_in_one_text_are_both_named():
    errors = errors_of(lesson(summary=r'"\u001b \u202e"'))
    assert [e.split(" (")[0] for e in errors] == [
        "L.toml:4: `summary` holds the control character U+001B",
        f"L.toml:4: `summary` {BIDI_ERROR} U+202E",
    ]


def test_a_newline_escape_does_not_move_a_one_line_strings_error():
    (error,) = errors_of(lesson(summary=r'"one\ntwo\nthree \u202e"'))
    assert error.startswith("L.toml:4: `summary`")


def test_right_to_left_letters_are_text():
    # Hebrew and Arabic letters carry their own direction: only the invisible
    # formatting characters are refused.
    title = "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
    assert load_lesson_text(lesson(title=f'"{title}"'), "L.toml").title == title


def test_a_file_named_with_a_bidi_character_is_refused_naming_it(tmp_path):
    path = tmp_path / "lesson\u202elmth.toml"
    path.write_text(GOOD)
    with pytest.raises(LessonLoadError) as info:
        load_lesson(path)
    (error,) = info.value.errors
    assert "\u202e" not in str(error) and "lesson\\u202elmth.toml" in str(error)
    assert "a bidirectional control character, U+202E (RIGHT-TO-LEFT OVERRIDE)" in str(error)


def test_a_control_character_in_a_key_is_an_error():
    (error,) = errors_of(lesson(**{'"\\u001b[2J"': "1"}))
    assert error.startswith("L.toml:") and "a key holds the control character" in error


def test_newlines_and_tabs_are_text_not_control():
    source = lesson(summary='"one\\ttwo"').replace('say = "hi"', 'say = "one\\ttwo\\nthree"')
    load_lesson_text(source, "L.toml")  # (a summary is one line: its newline is in `say`)


def test_a_byte_order_mark_is_accepted():
    assert load_lesson_text("\ufeff" + GOOD, "L.toml").id == "good"


def test_deep_toml_nesting_is_an_error_at_its_line():
    source = GOOD + "x = " + "[" * 1000 + "]" * 1000 + "\n"
    (error,) = errors_of(source)
    assert error.startswith("L.toml:11: TOML: tables or arrays nested too deeply")


def test_nesting_within_the_recursion_limit_is_refused_too():
    source = GOOD + "x = " + "[" * 100 + "]" * 100 + "\n"
    (error,) = errors_of(source)
    assert error.startswith("L.toml:11:") and "nested too deeply" in error


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[vary]\na = { min = -inf, max = inf, step = 1 }\n", 12),
        ("[vary]\na = { min = 0, max = 1, step = nan }\n", 12),
        ("[vary]\na = { choices = [1, inf] }\n", 12),
    ],
)
def test_vary_with_inf_or_nan_is_an_error(text, line):
    (error,) = errors_of(GOOD + text)
    assert error.startswith(f"L.toml:{line}: vary: `a") and "finite" in error


@pytest.mark.parametrize(
    ("key", "value"), [("points", "inf"), ("rtol", "nan"), ("points", "1e308")]
)
def test_question_numbers_must_be_finite(key, value):
    (error,) = errors_of(GOOD + f"{key} = {value}\n")
    assert error.startswith(f"L.toml:11: step 1: `{key}` must be a finite number")


def test_nudge_with_an_infinite_h_is_an_error():
    source = GOOD.replace('ask = "grad"', 'ask = "nudge"') + "h = inf\n"
    (error,) = errors_of(source)
    assert error.startswith("L.toml:11: step 1: `h` must be a finite number")


def test_a_400_digit_literal_in_a_graph_is_an_error_at_its_line():
    source = GOOD.replace("a = 2.0", "a = " + "9" * 400)
    (error,) = errors_of(source)
    assert error.startswith("L.toml:5: graph:") and "too large a number" in error
    assert len(error) < 300


def test_1e999999999_in_a_graph_is_refused_at_once():
    start = time.perf_counter()
    (error,) = errors_of(GOOD.replace("a = 2.0", "a = 1e999999999"))
    assert time.perf_counter() - start < 5
    assert error.startswith("L.toml:5: graph:")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_lesson_linked_to_dev_zero_is_refused_unread(tmp_path):
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    with pytest.raises(LessonLoadError, match="not a regular file"):
        load_lesson(tmp_path / "zero.toml")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_lesson_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.toml")
    start = time.perf_counter()
    with pytest.raises(LessonLoadError, match="not a regular file"):
        load_lesson(tmp_path / "pipe.toml")
    assert time.perf_counter() - start < 5


def test_a_file_over_the_size_bound_is_refused(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(GOOD + "#" * MAX_FILE_BYTES)
    with pytest.raises(LessonLoadError, match="too large"):
        load_lesson(path)


def test_one_bad_file_never_hides_the_others(tmp_path):
    (tmp_path / "a-good.toml").write_text(GOOD)
    (tmp_path / "deep.toml").write_text(GOOD.replace("good", "deep") + "x = " + "[" * 1000)
    (tmp_path / "deeper.toml").write_text(
        GOOD.replace("good", "deeper") + "x = " + "[" * 1000 + "]" * 1000 + "\n"
    )
    (tmp_path / "inf.toml").write_text(
        GOOD.replace("good", "inf") + "[vary]\na = { min = -inf, max = inf, step = 1 }\n"
    )
    (tmp_path / "digits.toml").write_text(GOOD.replace("good", "digits").replace("2.0", "9" * 400))
    (tmp_path / "esc.toml").write_text(lesson(title=r'"\u001b]2;x\u0007"'))
    (tmp_path / "rlo.toml").write_text(lesson(title='"abc\u202e"'))
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.toml")
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["good"]
    broken = sorted(p.name for p in course.broken)
    assert broken == [
        "deep.toml",
        "deeper.toml",
        "digits.toml",
        "esc.toml",
        "fifo.toml",
        "inf.toml",
        "rlo.toml",
        "zero.toml",
    ]
    for path, errors in course.broken.items():
        assert errors and all(str(e).startswith(str(path)) for e in errors)


def test_a_file_named_with_a_control_character_is_refused_and_shown_escaped(tmp_path):
    path = tmp_path / "\x1b]2;pwned\x07.toml"
    path.write_text(GOOD)
    with pytest.raises(LessonLoadError) as info:
        load_lesson(path)
    (error,) = info.value.errors
    assert "\x1b" not in str(error) and "\\x1b]2;pwned\\x07.toml" in str(error)
    assert "the file name holds a control character" in str(error)


def test_a_folder_named_with_a_control_character_is_named_as_the_folder(tmp_path):
    folder = tmp_path / "d\u202eevil"
    folder.mkdir()
    path = folder / "ok.toml"
    path.write_text(GOOD)
    with pytest.raises(LessonLoadError) as info:
        load_lesson(path)
    (error,) = info.value.errors
    assert "\u202e" not in str(error)
    assert "the folder's path holds a bidirectional control character" in str(error)
    assert "rename the folder" in str(error)


def test_training_work_is_bounded_per_file_at_the_line_past_the_bound(tmp_path):
    """500 trainings of a large network were each run at load (0.6 s apiece, five
    minutes a command); now the file is refused before any training runs."""
    from tutor.lesson.graph import MAX_TRAINING_WORK

    (tmp_path / "a-trains.toml").write_text(many_trainings(500))
    (tmp_path / "b-good.toml").write_text(GOOD)
    start = time.perf_counter()
    course = load_course(tmp_path)
    assert time.perf_counter() - start < 10
    assert [lesson.id for lesson in course.lessons] == ["good"]
    (error,) = course.errors
    assert error.path.endswith("a-trains.toml") and error.line is not None
    assert "too much training in one file" in error.message
    assert f"at most {MAX_TRAINING_WORK:,}" in error.message
    # the bound is where the work passes it: four such trainings load, and train
    assert load_lesson_text(many_trainings(4)).questions


def test_quiz_draws_of_a_lesson_that_trains_are_fewer(monkeypatch):
    """Every draw trains each training question again: a lesson that trains much is
    drawn a few times, not 50 (118 s for `tutor run --seed 1`)."""
    import tutor.lesson.graph as graph_module

    vary = "[vary]\nx1_1 = { min = 1e150, max = 1e151, step = 1e149 }\n"
    lesson = load_lesson_text(many_trainings(3, vary))
    draws = graph_module._draws(lesson)
    assert 1 <= draws <= 2
    builds = []
    real = graph_module.build_graph
    monkeypatch.setattr(
        graph_module, "build_graph", lambda *a, **k: builds.append(1) or real(*a, **k)
    )
    monkeypatch.setattr(graph_module, "question_problems", lambda *a: ["overflows"])
    start = time.perf_counter()
    assert graph_module.lesson_graph(lesson, 1).seed == 0  # every draw refused
    assert time.perf_counter() - start < 20
    assert len(builds) == draws + 1  # the draws, then the file's own numbers


def test_a_quiz_draw_stops_when_asked_between_trainings():
    """The app draws a quiz in a worker: quitting asks it to stop, and it does before
    the next draw or training instead of after all of them."""
    from tutor.lesson.graph import Stopped, lesson_graph, stoppable

    vary = "[vary]\nx1_1 = { min = 1e150, max = 1e151, step = 1e149 }\n"
    lesson = load_lesson_text(many_trainings(3, vary))
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # after the first draw's first training

    start = time.perf_counter()
    with pytest.raises(Stopped), stoppable(stop):
        lesson_graph(lesson, 1)
    assert time.perf_counter() - start < 5
    assert len(asked) == 3
    assert lesson_graph(lesson, 0).seed == 0  # outside `stoppable`, nothing is asked


# No expected answer is infinite or NaN: every forward value finite, the gradient not.
OVERFLOWING = """\
format = 1
id = "overflowing"
title = "T"
output = "L"
graph = \"\"\"
a = 1e-300
b = 1e300
k = 1e8
c = a * b
e = a * b
p = c * b
q = e * b
M = c * k
L = p - q
\"\"\"
"""  # c = e = 1, p = q = 1e300, L = 0, M = 1e8: all finite


def overflowing(step: str, output: str = "L") -> str:
    return OVERFLOWING.replace('output = "L"', f'output = "{output}"') + f"[[steps]]\n{step}\n"


@pytest.mark.parametrize(
    ("output", "step", "what"),
    [
        ("p", 'ask = "grad"\nnode = "a"', "inf"),  # dp/da = b * b = 1e600
        ("L", 'ask = "grad"\nnode = "a"', "NaN (inf - inf)"),  # inf through p, -inf through q
        ("M", 'ask = "accumulated"\nnode = "a"\npasses = 2', "inf"),  # 2 * (b * k = 1e308)
        ("L", 'ask = "step"\nrate = 1.0', None),  # moves a by a NaN gradient: refused too
    ],
)
def test_an_answer_that_overflows_in_backward_is_an_error_at_its_line(output, step, what):
    (error,) = errors_of(overflowing(step, output))
    assert error.startswith("L.toml:16: " + (f"the answer is {what}" if what else ""))


def test_a_gradient_near_the_largest_float_is_still_an_answer():
    lesson = load_lesson_text(overflowing('ask = "grad"\nnode = "a"', "M"), "L.toml")
    assert lesson.questions  # dM/da = 1e308: finite, asked


def test_another_outputs_overflowing_gradient_is_refused_by_the_check_at_its_line():
    from tutor.check import prepare
    from tutor.check.validate import validate
    from tutor.lesson.graph import lesson_graph

    lesson = load_lesson_text(overflowing('ask = "grad"\nnode = "a"\nof = "p"'), "L.toml")
    question = prepare(lesson, lesson_graph(lesson), lesson.questions[0], 0)
    assert question.ungradable.startswith("the answer is inf")
    assert not any(question.within(x, question.expected) for x in (0.0, 1e308, -1e308))
    (error,) = validate(lesson, variants=0).errors
    assert error.line == 16 and "the answer is inf" in error.message


def test_a_variant_whose_answer_overflows_is_drawn_again():
    from tutor.lesson.graph import ANSWER_NOT_FINITE, draw

    source = (
        overflowing('ask = "accumulated"\nnode = "a"\npasses = 2', "M").replace(
            "b = 1e300", "b = 3.0"
        )
        + "[vary]\nb = { choices = [1e300, 2.0, 5.0] }\n"
    )
    lesson = load_lesson_text(source, "L.toml")
    reasons = set()
    for seed in range(1, 8):
        found = draw(lesson, seed)
        assert found.graph.value("b") in (2.0, 5.0)
        reasons.update(found.rejected)
    assert ANSWER_NOT_FINITE in reasons


def test_a_whole_number_past_float_range_is_a_finite_number_error_at_its_line():
    big = "1" + "0" * 309
    (error,) = errors_of(GOOD + f"points = {big}\n")
    assert error.startswith("L.toml:11: step 1: `points` must be a finite number, at most 1e300")
    (error,) = errors_of(GOOD + f"[vary]\na = {{ choices = [1, -{big}] }}\n")
    assert error.startswith("L.toml:12: vary: `a.choices`") and "finite" in error


def test_a_4301_digit_whole_number_is_an_error_at_its_line():
    (error,) = errors_of(GOOD.replace("title", "order = " + "9" * 4301 + "\ntitle"))
    assert error.startswith("L.toml:3: TOML: a whole number of 4301 digits")


@pytest.mark.parametrize("tiny", ["1e-301", "5e-324", "-1e-310"])
def test_a_data_number_below_1e_300_is_an_error_at_its_line(tiny):
    source = (
        'format = 1\nid = "net"\ntitle = "T"\n[model]\ninputs = 1\nlayers = [1]\n'
        f'[data]\nxs = [[1.0], [{tiny}]]\nys = [1.0, 0]\n[[steps]]\nask = "count"\n'
    )
    (error,) = errors_of(source)
    assert error.startswith("L.toml:8: [data]: `xs` must be a list of rows of finite numbers")
    assert "at least 1e-300" in error


def test_an_id_title_or_summary_past_its_bound_is_an_error_at_its_line():
    (error,) = errors_of(lesson(id='"' + "a" * 65 + '"'))
    assert error == "L.toml:2: `id` is too long: at most 64 characters"
    (error,) = errors_of(lesson(title='"' + "Welcome " * 200 + '"'))
    assert error == "L.toml:3: `title` is too long: at most 80 characters"
    (error,) = errors_of(lesson(summary='"' + "s" * 301 + '"'))
    assert error == "L.toml:4: `summary` is too long: at most 300 characters"
    (error,) = errors_of(lesson(summary='"one\\ntwo"'))
    assert error == "L.toml:4: `summary` must be one line"
    assert load_lesson_text(lesson(id='"' + "a" * 64 + '"', title='"' + "T" * 80 + '"'))
