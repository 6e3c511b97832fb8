"""Load lesson files: TOML → a checked `Lesson`, or every error with its line.

The rules are lessons/FORMAT.md's. Anything a file says that the format does not
define is an error (a typo such as ``hint`` for ``hints`` must not pass). One
broken file never stops the others in a folder from loading.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from tutor.expr import ScriptError, names, parse_script
from tutor.lesson.graph import (
    GraphError,
    build_graph,
    lesson_graph,
    other_outputs_problem,
    question_problems,
    too_much_training,
)
from tutor.lesson.kinds import (
    ASKS,
    SPECS,
    FlagKey,
    InputKey,
    NodeKey,
    NumberKey,
    OutputKey,
    ParametersKey,
    WholeKey,
    declared_keys,
)
from tutor.lesson.locate import KeyLines
from tutor.lesson.model import (
    ATOL,
    EXPECTS,
    FORMS,
    PASS_MARK,
    POINTS,
    RTOL,
    AnswerTest,
    Ask,
    Choices,
    KindSpec,
    Lesson,
    LessonError,
    LessonLoadError,
    Range,
    Say,
    Show,
    ShowSpec,
    Step,
)
from tutor.lesson.network import LOSSES, NetworkError, WeightsError, network
from tutor.lesson.shows import MAX_COMPARE, RATE, SHOWS, RangeKey, RatesKey
from tutor.lesson.text import placeholders, text_problem
from tutor.numbers import plain
from tutor.untrusted import (
    UnreadableFile,
    bidi_characters,
    control_characters,
    describe,
    printable,
    read_limited,
    suspect,
)

FORMAT = 1
MAX_FILE_BYTES = 256 * 1024
MAX_STEPS = 500
MAX_VARIANTS = 100_000
MAX_NESTING = 20  # tables and arrays inside each other
MAX_NUMBER = 1e300  # of any number a lesson gives (h, rate, points, vary, ...)
MAX_ID = 64  # characters: `tutor lessons` lines its ids up in a column
MAX_TITLE = 80  # characters: the course list and the lesson's head show it on one line
MAX_SUMMARY = 300  # characters, one line: the course list shows it under the lessons
MIN_DATA_NUMBER = 1e-300  # of a non-zero `[data]` number, as of a script's literal

TOP_KEYS = {
    "format",
    "id",
    "title",
    "summary",
    "order",
    "graph",
    "output",
    "vary",
    "pass",
    "steps",
    "parameters",
    "model",
    "data",
    "tests",
}
MODEL_KEYS = {"inputs", "layers", "activation", "seed", "loss", "weights"}
DATA_KEYS = {"xs", "ys"}
QUESTION_COMMON = {"prompt", "hints", "form", "rtol", "atol", "decimals", "points"}
MAX_DECIMALS = 10
TEST_KEYS = {"question", "answer", "expect", "diagnosis", "seed"}
MAX_TESTS = 500
MAX_TEST_ANSWER = 1000  # characters, as an answer's expression
MAX_SEED = 10**9
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # the whole id: `fullmatch`
#: A bare key with a letter outside ASCII (`ω = ...`), which TOML does not allow.
_NON_ASCII_KEY = re.compile(r"^\s*([^\s=\"'\[#]*[^\x00-\x7f][^\s=\"'\[#]*)\s*=")
_SUGGEST = {"hint": "hints", "tolerance": "rtol", "question": "ask", "text": "say"}


@dataclass
class _Errors:
    path: str
    lines: KeyLines
    found: list[LessonError] = field(default_factory=list)

    def add(self, line: int | None, message: str) -> None:
        self.found.append(LessonError(self.path, line, message))


def load_lesson(path: str | Path) -> Lesson:
    """Load and check one lesson file; raise `LessonLoadError` with every problem."""
    path = Path(path)
    shown = printable(str(path), keep_lines=False)
    if shown != str(path):
        # A file named with ESC would set the window title wherever its name is shown.
        name = str(path)
        ch = next(ch for ch in name if printable(ch, keep_lines=False) != ch)
        kind = "a bidirectional control character" if bidi_characters(ch) else "a control character"
        where, what = ("file name", "file") if ch in path.name else ("folder's path", "folder")
        message = f"the {where} holds {kind}, {describe(ch)}: rename the {what}"
        raise LessonLoadError([LessonError(shown, None, message)])
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise LessonLoadError([LessonError(shown, None, str(exc))]) from None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LessonLoadError([LessonError(shown, line, "not UTF-8 text")]) from None
    return load_lesson_text(source, shown)


def load_lesson_text(source: str, path: str = "<lesson>") -> Lesson:
    # A byte order mark (some editors write one) is not TOML; it is no content either.
    source = source.removeprefix("\ufeff")
    try:
        table = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise LessonLoadError([_toml_error(path, exc, source)]) from None
    except RecursionError:
        message = f"TOML: tables or arrays nested too deeply (at most {MAX_NESTING} levels)"
        raise LessonLoadError([LessonError(path, _deep_line(source), message)]) from None
    except ValueError as exc:  # Python's bound on the digits of a whole number (4300)
        line, digits = _long_number(source)
        message = (
            f"TOML: a whole number of {digits} digits: at most 1e300 in size"
            if line is not None
            else f"TOML: cannot be read ({exc})"
        )
        raise LessonLoadError([LessonError(path, line, message)]) from None
    errors = _Errors(path, KeyLines(source))
    if not _safe_text(table, source, errors):
        raise LessonLoadError(errors.found)
    lesson = _build(table, source, errors, Path(path))
    if lesson is not None and lesson.has_graph:
        graph = lesson_graph(lesson, 0)
        over = too_much_training(lesson, graph)  # bounded before any training runs
        if over is not None:
            errors.add(over[0].line, over[1])
        else:
            for ask, problem in question_problems(lesson, graph):
                errors.add(ask.line, problem)
    if errors.found or lesson is None:
        raise LessonLoadError(errors.found)
    return lesson


_DIGITS = re.compile(r"[0-9][0-9_]{300,}")


def _long_number(source: str) -> tuple[int | None, int]:
    """The line and digits of the longest run of digits (TOML allows ``_`` between)."""
    best: tuple[int | None, int] = (None, 0)
    for match in _DIGITS.finditer(source):
        digits = len(match[0].replace("_", ""))
        if digits > best[1]:
            best = (source.count("\n", 0, match.start()) + 1, digits)
    return best


def _deep_line(source: str) -> int | None:
    """The line where brackets first nest deeper than `MAX_NESTING` (ignoring strings)."""
    depth = 0
    line = 1
    for ch in source:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


def _safe_text(table: dict[str, Any], source: str, errors: _Errors) -> bool:
    """Refuse control and bidi characters anywhere, and nesting beyond `MAX_NESTING`.

    TOML escapes (``"\\u001b"``) let a file hold an ESC, and text reaches the
    terminal: a title that sets the window title or a hint that writes the
    clipboard (OSC 52) must not load. A bidi override (``"\\u202e"``) makes
    text display otherwise than it reads ("Trojan Source"), in the app and in
    an editor, where it can hide what a comment or a line really says: it is
    refused in every key and text, and on any line of the file, comments too.
    The walk is iterative, so no nesting depth can exhaust the stack.
    """
    lines = errors.lines
    before = len(errors.found)
    reported: set[int | None] = set()  # lines whose bidi characters are reported
    # (value, top-level key, step index or vary name, key in the step, depth)
    stack: list[tuple[Any, str | None, int | str | None, str | None, int]] = [
        (table, None, None, None, 0)
    ]
    while stack:
        value, top, sub, key, depth = stack.pop()
        line = _line_of(lines, top, sub, key)
        label = f"`{key or top}`" if top is not None else "a key"
        if isinstance(sub, int):
            label = f"{'test' if top == 'tests' else 'step'} {sub + 1}: {label}"
        if depth > MAX_NESTING:
            errors.add(line, f"tables or arrays nested too deeply (at most {MAX_NESTING} levels)")
            continue
        if isinstance(value, str):
            if suspect(value):
                reported |= _unsafe(value, line, source, errors, label)
            continue
        if isinstance(value, dict):
            items = list(value.items())
        elif isinstance(value, list):
            items = [(None, item) for item in value]
        else:
            continue
        for index, (name, item) in reversed(list(enumerate(items))):
            where: tuple[Any, int | str | None, Any]
            if top is None:
                where = (name, None, None)
            elif top in ("steps", "tests") and sub is None:
                where = (top, index, None)
            elif top in ("steps", "tests") and key is None:
                where = (top, sub, name)
            elif top == "vary" and sub is None:
                where = (top, name, None)
            else:
                where = (top, sub, key)
            if (
                name is not None
                and suspect(name)
                and (control_characters(name) or bidi_characters(name))
            ):
                key_line = _line_of(lines, *where) or _line_holding(source, name)
                _unsafe(name, key_line, source, errors, "a key", multiline=False)
                reported.add(key_line)
                continue
            stack.append((item, *where, depth + 1))
    _bidi_lines(source, errors, reported)
    return len(errors.found) == before


def _line_of(lines: KeyLines, top, sub, key) -> int | None:
    if top == "steps" and isinstance(sub, int):
        return lines.of_step(sub, key)
    if top == "tests" and isinstance(sub, int):
        return lines.of_test(sub, key)
    if top == "vary" and isinstance(sub, str):
        return lines.of_vary(sub)
    return lines.of_top(top) if top is not None else None


def _unsafe(
    text: str, line: int | None, source: str, errors: _Errors, label: str, multiline=True
) -> set[int]:
    """Report the first control and the first bidi character of one key or text.

    Returns the lines of the file its bidi characters are on, all of them
    counted in this one message.
    """
    covered: set[int] = set()
    for found, kind, why in (
        (control_characters(text), "control character", "a terminal would obey it"),
        (bidi_characters(text), "bidirectional control character", _REORDERS),
    ):
        if not found:
            continue
        at = [line] * len(found)
        opening = _line_text(source, line).split("=", 1)[-1].strip() if line else ""
        one_line = opening[:1] in "\"'" and not opening.startswith(('"""', "'''"))
        if line is not None and multiline and not one_line:
            # In a multi-line string the character is some lines below its key
            # (in a one-line string, a "\n" escape moves no character down a line).
            start = line + 1 if opening in ('"""', "'''") else line
            at = [start + text.count("\n", 0, index) for index in found]
        if kind != "control character":
            covered.update(number for number in at if number is not None)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        errors.add(
            at[0], f"{label} holds the {kind} {describe(text[found[0]])}{more}: {why}; remove it"
        )
    return covered


def _line_text(source: str, line: int) -> str:
    """Line ``line`` (1-based) of ``source``."""
    lines = source.split("\n", line)
    return lines[line - 1] if line <= len(lines) else ""


def _line_holding(source: str, text: str) -> int | None:
    """The first line with ``text`` as written (a key given without escapes), if any."""
    for number, line in enumerate(source.split("\n"), start=1):
        if text in line:
            return number
    return None


_REORDERS = "it makes the text around it show in another order than it is written"


def _bidi_lines(source: str, errors: _Errors, reported: set[int | None]) -> None:
    """Refuse bidi characters on the lines not already reported: those of comments.

    A comment is no text the app shows, but in an editor an override in it can
    make the lines of the file read otherwise than TOML reads them.
    """
    if not bidi_characters(source):
        return
    for number, text in enumerate(source.split("\n"), start=1):
        found = bidi_characters(text)
        if found and number not in reported:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            errors.add(
                number,
                f"this line holds the bidirectional control character "
                f"{describe(text[found[0]])}{more}: {_REORDERS}; remove it",
            )


def _toml_error(path: str, exc: tomllib.TOMLDecodeError, source: str = "") -> LessonError:
    text = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", text)
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", text)
    if match:
        number = int(match[1])
        lines = source.splitlines()
        bare = _NON_ASCII_KEY.match(lines[number - 1]) if number <= len(lines) else None
        if bare:
            key = bare[1]
            message += (
                f": TOML keys with letters outside ASCII must be quoted: "
                f'write `"{key}" = ...` instead of `{key} = ...`'
            )
        return LessonError(path, number, f"TOML: {message} (column {match[2]})")
    return LessonError(path, None, f"TOML: {message}")


def _build(table: dict[str, Any], source: str, errors: _Errors, path: Path) -> Lesson | None:
    lines = errors.lines
    for key in table:
        if key not in TOP_KEYS:
            line = lines.of_top(key) or lines.tables.get(key)
            errors.add(line, _unknown(key, TOP_KEYS, "at the top level"))
    _format(table, errors)
    lesson_id, title = _id_and_title(table, errors)
    summary = _summary(table, errors)
    order = _optional(table, "order", int, "a whole number", errors)
    pass_mark = _optional(table, "pass", (int, float), "a number", errors)
    if pass_mark is not None and not 0 < pass_mark <= 1:
        errors.add(lines.of_top("pass"), "`pass` is a fraction of the points: above 0, at most 1")
    raw_steps = _raw_steps(table, errors)

    built = _model(table, errors)
    parameters: tuple[str, ...] | None = None
    if built is not None:
        assignments, output, defined = _model_graph(table, built, errors)
        parameters = tuple(built.parameters)
    elif "model" in table or "data" in table:
        # The model is broken, and reported: check the steps without a cascade.
        assignments, output, defined = [], None, _AnyName()
    else:
        assignments, output, defined = _graph(table, source, raw_steps, errors)
        parameters = _parameters(table, assignments, defined, errors)
    reaching = _reaching(assignments, output)
    steps = [
        _step(i, raw, defined, assignments, errors, reaching, parameters)
        for i, raw in enumerate(raw_steps)
    ]
    vary = _vary(table.get("vary"), assignments, defined, errors)
    questions = sum(isinstance(step, Ask | _Broken) for step in steps)
    tests = _tests(table.get("tests"), questions, errors)

    model_line = lines.tables.get("model", lines.of_top("model"))
    if errors.found:
        return None
    return Lesson(
        id=lesson_id or "",
        title=(title or "").strip(),
        path=path,
        steps=tuple(s for s in steps if isinstance(s, Say | Show | Ask)),
        summary=summary.strip(),
        order=order,
        assignments=tuple(assignments),
        output=output,
        vary=vary,
        pass_mark=float(pass_mark) if pass_mark is not None else PASS_MARK,
        id_line=lines.of_top("id"),
        graph_line=(model_line or 1) if built else lines.graph_first_line(source) or 1,
        step_lines=tuple(dict(keys) for keys in lines.step_keys),
        parameters=parameters,
        model_line=model_line if built else None,
        tests=tests,
    )


def _format(table, errors: _Errors) -> None:
    fmt = table.get("format")
    if fmt is None:
        errors.add(1, "`format` is missing: write `format = 1`")
    elif fmt != FORMAT or isinstance(fmt, bool):
        errors.add(
            errors.lines.of_top("format"),
            f"`format = {fmt!r}`: this tutor reads lesson format {FORMAT}",
        )


def _id_and_title(table, errors: _Errors) -> tuple[str | None, str | None]:
    lines = errors.lines
    lesson_id = _required_text(table, "id", errors)
    if lesson_id is not None and len(lesson_id) > MAX_ID:
        errors.add(lines.of_top("id"), f"`id` is too long: at most {MAX_ID} characters")
    elif lesson_id is not None and not _ID.fullmatch(lesson_id):  # not "abc\n" either
        errors.add(lines.of_top("id"), f"`id = {lesson_id!r}`: use lowercase letters, digits, -")
    title = _required_text(table, "title", errors)
    if title is not None and "\n" in title.strip():
        errors.add(lines.of_top("title"), "`title` must be one line")
    elif title is not None and len(title.strip()) > MAX_TITLE:
        errors.add(lines.of_top("title"), f"`title` is too long: at most {MAX_TITLE} characters")
    return lesson_id, title


def _summary(table, errors: _Errors) -> str:
    lines = errors.lines
    summary = _optional(table, "summary", str, "text", errors) or ""
    if "\n" in summary.strip():
        errors.add(lines.of_top("summary"), "`summary` must be one line")
    elif len(summary.strip()) > MAX_SUMMARY:
        errors.add(
            lines.of_top("summary"), f"`summary` is too long: at most {MAX_SUMMARY} characters"
        )
    return summary


def _raw_steps(table, errors: _Errors) -> list[dict[str, Any]]:
    lines = errors.lines
    raw_steps = table.get("steps")
    if raw_steps is None:
        errors.add(1, "`steps` is missing: a lesson needs at least one [[steps]] table")
        raw_steps = []
    elif not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        errors.add(lines.of_top("steps"), "`steps` must be an array of tables ([[steps]])")
        raw_steps = []
    elif not raw_steps:
        errors.add(lines.of_top("steps"), "`steps` is empty")
    elif len(raw_steps) > MAX_STEPS:
        errors.add(lines.of_top("steps"), f"too many steps: at most {MAX_STEPS}")
        raw_steps = raw_steps[:MAX_STEPS]
    return raw_steps


def _tests(raw, questions: int, errors: _Errors) -> tuple[AnswerTest, ...]:
    """``[[tests]]``: answers and the verdict each must get, as STACK's question tests."""
    if raw is None:
        return ()
    lines = errors.lines
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        errors.add(lines.of_top("tests"), "`tests` must be an array of tables ([[tests]])")
        return ()
    if len(raw) > MAX_TESTS:
        errors.add(lines.of_test(MAX_TESTS), f"too many tests: at most {MAX_TESTS}")
        raw = raw[:MAX_TESTS]
    found = (_test(index, test, questions, errors) for index, test in enumerate(raw))
    return tuple(test for test in found if test is not None)


def _test(index: int, test: dict[str, Any], questions: int, errors: _Errors) -> AnswerTest | None:
    """One ``[[tests]]`` table, or None (its errors reported)."""
    lines = errors.lines

    def at(key=None):
        return lines.of_test(index, key)

    label = f"test {index + 1}"
    before = len(errors.found)
    for key in test:
        if key not in TEST_KEYS:
            errors.add(at(key), f"{label}: {_unknown(key, TEST_KEYS, 'in a [[tests]] table')}")
    for key in ("question", "answer", "expect"):
        if key not in test:
            errors.add(at(), f"{label}: needs `{key}`")
    number = test.get("question")
    if "question" in test and (
        not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= questions
    ):
        what = f"from 1 to {questions}" if questions else "(the lesson asks no question)"
        errors.add(
            at("question"),
            f"{label}: `question` is the number of a question, counted from 1 in the "
            f"order of the `ask` steps: a whole number {what}",
        )
    answer = _test_answer(test, label, at, errors)
    expect, diagnosis = _test_verdict(test, label, at, errors)
    seed = test.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        errors.add(
            at("seed"),
            f"{label}: `seed` is a quiz variant: a whole number from 0 (the file's "
            f"numbers) to {MAX_SEED}",
        )
    if len(errors.found) > before or not isinstance(number, int):
        return None
    return AnswerTest(
        question=number - 1,
        answer=answer.strip(),
        expect=expect,
        diagnosis=diagnosis.strip() if diagnosis is not None else None,
        seed=seed,
        line=at("answer"),
    )


def _test_answer(test, label: str, at, errors: _Errors) -> Any:
    answer = test.get("answer")
    if isinstance(answer, int | float) and not isinstance(answer, bool) and _is_number(answer):
        answer = str(answer)  # `answer = -2` means what `answer = "-2"` does
    if "answer" in test and (not isinstance(answer, str) or not answer.strip()):
        errors.add(at("answer"), f'{label}: `answer` is what a student types: answer = "-2"')
    elif isinstance(answer, str) and len(answer) > MAX_TEST_ANSWER:
        errors.add(
            at("answer"), f"{label}: `answer` is too long: at most {MAX_TEST_ANSWER} characters"
        )
    return answer


def _test_verdict(test, label: str, at, errors: _Errors) -> tuple[Any, Any]:
    """A test's ``expect`` and ``diagnosis``."""
    expects = ", ".join(f'"{e}"' for e in EXPECTS)
    expect = test.get("expect")
    if not isinstance(expect, str):  # a list or a table is no key of EXPECTS
        expect = repr(expect) if "expect" in test else None
    if "expect" in test and expect not in EXPECTS:
        errors.add(at("expect"), f"{label}: `expect = {expect!r}`: choose one of {expects}")
    diagnosis = test.get("diagnosis")
    if diagnosis is None:
        return expect, None
    if not isinstance(diagnosis, str) or not diagnosis.strip() or "\n" in diagnosis:
        errors.add(
            at("diagnosis"),
            f"{label}: `diagnosis` is one line of text: a mistake id "
            '(diagnosis = "wrong-sign") or words of the feedback',
        )
    elif expect in EXPECTS and expect != "wrong":
        errors.add(
            at("diagnosis"),
            f"{label}: `diagnosis` names the mistake of a wrong answer: it needs "
            f'`expect = "wrong"`, not {expect!r}',
        )
    return expect, diagnosis


def _table_line(lines: KeyLines, table: str, key: str | None = None) -> int | None:
    """The line of ``key`` in ``[table]``, else of the table's header (or inline key)."""
    if key is not None and key in lines.table_keys.get(table, {}):
        return lines.table_keys[table][key]
    return lines.tables.get(table, lines.of_top(table))


def _model(table, errors: _Errors):
    """``[model]`` and ``[data]``: the network over the data set, or None (no model, or
    errors, each reported at its key's line)."""
    lines = errors.lines
    model, data = table.get("model"), table.get("data")
    if model is None and data is None:
        return None
    if model is None:
        errors.add(_table_line(lines, "data"), "`[data]` needs a `[model]` to run it on")
        return None
    if data is None:
        errors.add(_table_line(lines, "model"), "`[model]` needs a `[data]` table: xs and ys")
        return None
    found = len(errors.found)
    if not _model_tables(table, model, data, errors):
        return None
    settings = _model_settings(model, errors)
    xs, ys = _data_rows(data, errors)
    if len(errors.found) > found or None in (*settings.values(), xs, ys):
        return None
    weights = model.get("weights")
    try:
        return network(
            settings["nin"],
            settings["sizes"],
            xs,
            ys,
            seed=settings["seed"],
            activation=settings["activation"],
            loss=settings["loss"],
            weights=weights,
        )
    except NetworkError as exc:
        key, name = (
            ("xs", "data") if "row" in str(exc) or "targets" in str(exc) else (None, "model")
        )
        if isinstance(exc, WeightsError):
            key = "weights"
        errors.add(_table_line(lines, name, key), f"[{name}]: {exc}")
    return None


def _model_tables(table, model, data, errors: _Errors) -> bool:
    """``[model]`` and ``[data]`` are tables of known keys, and make the graph alone."""
    lines = errors.lines
    for key, where in (("graph", "a `graph`"), ("parameters", "`parameters`")):
        if key in table:
            errors.add(
                lines.of_top(key),
                f"`{key}` and `[model]` both make the graph: a model writes its own "
                f"graph and declares its own parameters; keep one ({where} or `[model]`)",
            )
    for name, value, known in (("model", model, MODEL_KEYS), ("data", data, DATA_KEYS)):
        if not isinstance(value, dict):
            errors.add(_table_line(lines, name), f"`{name}` must be a table: [{name}]")
            return False
        for key in value:
            if key not in known:
                errors.add(_table_line(lines, name, key), _unknown(key, known, f"in [{name}]"))
    return True


def _model_settings(model: dict[str, Any], errors: _Errors) -> dict[str, Any]:
    """``[model]``'s inputs, seed, layers, activation and loss (each None when wrong,
    and reported); its weights are checked here and read by the caller."""
    lines = errors.lines

    def whole(key, default=None, low=0):
        value = model.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            errors.add(
                _table_line(lines, "model", key),
                f"[model]: `{key}` must be a whole number, at least {low}",
            )
            return None
        return value

    nin, seed = whole("inputs", None, 1), whole("seed", 0, 0)
    sizes = model.get("layers")
    if (
        not isinstance(sizes, list)
        or not sizes
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in sizes)
    ):
        errors.add(
            _table_line(lines, "model", "layers"),
            "[model]: `layers` must be a list of whole numbers, the neurons of each layer: "
            "layers = [4, 4, 1]",
        )
        sizes = None
    activation = model.get("activation", "tanh")
    if not isinstance(activation, str):
        errors.add(_table_line(lines, "model", "activation"), "[model]: `activation` is text")
        activation = None
    loss = model.get("loss", "sum")
    if loss not in LOSSES:
        errors.add(
            _table_line(lines, "model", "loss"),
            f'[model]: `loss = {loss!r}`: choose "sum" (the examples\' squared errors '
            'added up, the lecture\'s) or "mse" (their mean)',
        )
        loss = None
    _weights(model, errors)
    return {"nin": nin, "seed": seed, "sizes": sizes, "activation": activation, "loss": loss}


def _weights(model: dict[str, Any], errors: _Errors) -> None:
    weights = model.get("weights")
    if weights is None:
        return
    lines = errors.lines
    if not isinstance(weights, list) or not all(
        isinstance(layer, list)
        and all(isinstance(row, list) and all(map(_is_data_number, row)) for row in layer)
        for layer in weights
    ):
        errors.add(
            _table_line(lines, "model", "weights"),
            f"[model]: `weights` is a list per layer of rows per neuron, each its "
            f"weights then its bias, {_DATA_NUMBERS}: weights = [[[0.5, -1, 0.1]]]",
        )
    elif "seed" in model:
        errors.add(
            _table_line(lines, "model", "seed"),
            "[model]: `seed` and `weights` both set the initial weights: keep one",
        )


def _data_rows(data: dict[str, Any], errors: _Errors) -> tuple[Any, Any]:
    """``[data]``'s xs and ys (each None when wrong, and reported)."""
    lines = errors.lines
    xs, ys = data.get("xs"), data.get("ys")
    if not isinstance(xs, list) or not all(
        isinstance(row, list) and all(map(_is_data_number, row)) for row in xs
    ):
        errors.add(
            _table_line(lines, "data", "xs"),
            f"[data]: `xs` must be a list of rows of {_DATA_NUMBERS}: xs = [[2, 3, -1], ...]",
        )
        xs = None
    if not isinstance(ys, list) or not all(map(_is_data_number, ys)):
        errors.add(
            _table_line(lines, "data", "ys"),
            f"[data]: `ys` must be a list of {_DATA_NUMBERS}, one target per row: ys = [1, -1]",
        )
        ys = None
    return xs, ys


def _model_graph(table, built, errors: _Errors):
    """The model's graph script as the lesson's graph, with its output (default `L`)."""
    lines = errors.lines
    assignments = built.assignments
    defined = [a.name for a in assignments]
    output = table.get("output", built.output)
    if not isinstance(output, str) or output not in defined:
        errors.add(
            lines.of_top("output"),
            f"`output = {output!r}` is not a node the model builds (its loss is `L`, "
            "each example's `L1`, `L2`, ...; its predictions `ypred1`, ...)",
        )
        return assignments, None, defined
    try:
        build_graph(assignments, output)
    except GraphError as exc:
        errors.add(_table_line(lines, "model"), f"[model]: {exc}")
    return assignments, output, defined


def _parameters(table, assignments, defined, errors: _Errors) -> tuple[str, ...] | None:
    """``parameters = [...]``: the leaves a training step moves (None: every leaf)."""
    if "parameters" not in table:
        return None
    line = errors.lines.of_top("parameters")
    value = table["parameters"]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        errors.add(line, '`parameters` must be a list of leaf names: parameters = ["w1", "b"]')
        return None
    if not defined:
        errors.add(line, "`parameters` needs a `graph`")
        return None
    if not assignments:
        return None  # the graph is broken, and reported already
    leaves = {a.name for a in assignments if a.is_leaf}
    for name in value:
        if name not in leaves:
            what = "not a leaf" if name in defined else "not a node"
            errors.add(
                line, f"`parameters`: `{name}` is {what}; parameters are leaves (NAME = NUMBER)"
            )
    if len(set(value)) != len(value):
        errors.add(line, "`parameters` names a leaf twice")
    return tuple(value)


class _AnyName(list):
    """The names of a graph that could not be built: any name may be one of them."""

    def __contains__(self, name) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


class _Reaching(set):
    """The names the output depends on (the output included)."""

    def __init__(self, output: str):
        super().__init__()
        self.output = output
        #: What each other output asked about (`of`) depends on; whether one was refused.
        self.others: dict[str, _Reaching] = {}
        self.refused = False


def _reaching(assignments, output: str | None) -> _Reaching | None:
    """The names ``output`` depends on; None without a (working) graph."""
    if output is None or not assignments:
        return None
    definitions = {a.name: a for a in assignments}
    found, todo = _Reaching(output), [output]
    while todo:
        name = todo.pop()
        if name in found or name not in definitions:
            continue
        found.add(name)
        a = definitions[name]
        if not a.is_leaf:
            todo.extend(names(a.expr))
    return found


def _graph(table, source, raw_steps, errors: _Errors):
    lines = errors.lines
    script = table.get("graph")
    if script is None:
        if any("say" not in step for step in raw_steps):
            errors.add(1, "`graph` is missing: only a lesson of `say` steps may omit it")
        if "output" in table:
            errors.add(lines.of_top("output"), "`output` needs a `graph`")
        return [], None, []
    if not isinstance(script, str):
        errors.add(lines.of_top("graph"), "`graph` must be text (a multi-line string)")
        return [], None, []
    first = lines.graph_first_line(source) or 1
    try:
        assignments = parse_script(script)
    except ScriptError as exc:
        for e in exc.errors:
            shown = e.text.strip()
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            where = f"`{shown}`: " if shown else ""
            errors.add(first + (e.line or 1) - 1, f"graph: {where}{e.message}")
        # Steps may still name these nodes: check them, without a cascade.
        return [], None, exc.defined
    defined = [a.name for a in assignments]
    output = table.get("output", defined[-1])
    if not isinstance(output, str) or output not in defined:
        errors.add(lines.of_top("output"), f"`output = {output!r}` is not a node of the graph")
        return assignments, None, defined
    leaf = next(a for a in assignments if a.name == output)
    if leaf.is_leaf:  # a one-node lesson: "da/da" is 1, every other gradient 0
        line = lines.of_top("output") if "output" in table else first + leaf.line - 1
        errors.add(
            line,
            f"the output `{output}` is a leaf (a number, not computed from others): "
            f"there is nothing to differentiate (d{output}/d{output} is 1, every other "
            f"gradient 0). Make the output a node computed from the leaves: the graph's "
            f"last line, or `output = NAME`",
        )
        return assignments, None, defined
    try:
        build_graph(assignments, output)
    except GraphError as exc:
        line = first + exc.line - 1 if exc.line is not None else lines.of_top("graph")
        errors.add(line, f"graph: {exc}")
    return assignments, output, defined


def _step(
    index, raw: dict, defined: list[str], assignments, errors: _Errors, reaching=None, params=None
) -> Step | _Broken | None:
    def at(key=None):
        return errors.lines.of_step(index, key)

    label = f"step {index + 1}"
    kinds = [k for k in ("say", "show", "ask") if k in raw]
    if len(kinds) != 1:
        found = " and ".join(f"`{k}`" for k in kinds) if kinds else "none"
        errors.add(at(), f"{label}: needs exactly one of `say`, `show`, `ask` (found {found})")
        return None
    kind = kinds[0]
    if kind == "say":
        for key in raw:
            if key != "say":
                errors.add(at(key), f"{label}: {_unknown(key, {'say'}, 'in a `say` step')}")
        text = raw["say"]
        if not isinstance(text, str):
            errors.add(at("say"), f"{label}: `say` must be text")
            return None
        _check_placeholders(text, defined, errors, at("say"), label)
        _check_text(text, errors, at("say"), label)
        return Say(text, at())

    if kind == "show":
        return _show(raw, label, at, defined, assignments, errors)
    return _ask(raw, label, at, defined, assignments, errors, reaching, params)


def _show(raw, label, at, defined, assignments, errors: _Errors) -> Show | None:
    """A ``show`` step, read against its kind's declaration: the fields of its `Show`
    class (`tutor.lesson.shows`), each a key of a declared type."""
    what = raw["show"]
    cls = SHOWS.get(what) if isinstance(what, str) else None
    if cls is None:
        choices = ", ".join(f'"{k}"' for k in SHOWS)
        errors.add(at("show"), f"{label}: `show = {what!r}`: choose one of {choices}")
        return None
    declared = declared_keys(cls)
    allowed = {"show", *(name for name, _, _ in declared)}
    for key in raw:
        if key not in allowed:
            place = f"in a `show = {what!r}` step"
            errors.add(at(key), f"{label}: {_unknown(key, allowed, place, _owners(key, SHOWS))}")
    if not defined:
        errors.add(at("show"), f"{label}: `show = {what!r}` needs a `graph`")
        return None
    if not assignments:
        return None  # the graph is broken, and reported already
    before = len(errors.found)
    where = _Where(label, at, defined, assignments, errors)
    values: dict[str, Any] = {}
    for key, key_type, required in declared:
        if isinstance(key_type, InputKey):  # read once the node is known
            values[key] = _wrt(raw, values.get("node"), label, at, defined, assignments, errors)
        elif key in raw:
            values[key] = _read_key(raw, key, key_type, where)
        elif required:
            errors.add(at(), f"{label}: {_MISSING.get(type(key_type), f'needs `{key}`')}")
    _check_show(cls.spec, values, where)
    if len(errors.found) > before:
        return None
    return cls(**values, line=at())


#: What a step lacking a required key of one type is told (else: it needs the key).
_MISSING = {RangeKey: "a plot needs `range = [MIN, MAX]`"}


def _check_show(spec: ShowSpec, values: dict[str, Any], where: _Where) -> None:
    """What the show's spec asks of its keys together."""
    label, at, errors = where.label, where.at, where.errors
    node = values.get("node")
    if spec.leaf_node and node is not None:
        plotted = _assignment(where.assignments, node)
        if plotted is not None and not plotted.is_leaf:
            errors.add(at("node"), f"{label}: a plot's `node` must be a leaf (an input)")
    if not spec.trains:
        return
    rate, compare = values.get("rate", RATE), values.get("compare") or ()
    repeated = [r for i, r in enumerate(compare) if r == rate or r in compare[:i]]
    if repeated and rate is not None:
        again = "the view's own `rate`" if repeated[0] == rate else "another rate in the list"
        errors.add(
            at("compare"),
            f"{label}: `compare` repeats {plain(repeated[0])}, {again}: its curve would lie "
            f"on the other one. Each rate compared is another rate (rate = {plain(rate)})",
        )
        compare = [r for r in dict.fromkeys(compare) if r != rate]
    if values.get("compare_zeroing") and len(compare) >= MAX_COMPARE:
        errors.add(
            at("compare_zeroing"),
            f"{label}: `compare_zeroing` draws one more curve: with it, `compare` holds at "
            f"most {MAX_COMPARE - 1} rates",
        )


def _flag(raw, key, label, at, errors: _Errors) -> bool:
    value = raw.get(key, True)
    if not isinstance(value, bool):
        errors.add(at(key), f"{label}: `{key}` is true or false")
        return True
    return value


def _whole(raw, key, label, at, errors: _Errors, low: int, high: int) -> int | None:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.add(at(key), f"{label}: `{key}` must be a whole number from {low} to {high}")
        return None
    return value


class _Broken:
    """An ``ask`` step with errors, reported already: it still counts as a question."""


def _ask(
    raw, label, at, defined, assignments, errors: _Errors, reaching=None, params=None
) -> Ask | _Broken | None:
    """An ``ask`` step, read against its kind's declaration: the fields of its `Ask`
    class (`tutor.lesson.kinds`), each a key of a declared type."""
    kind = raw["ask"]
    cls = ASKS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        choices = ", ".join(f'"{k}"' for k in ASKS)
        errors.add(at("ask"), f"{label}: `ask = {kind!r}`: choose one of {choices}")
        return None
    before = len(errors.found)
    declared = _file_keys(raw, cls, label, at, errors)
    if not defined:
        errors.add(at("ask"), f"{label}: questions need a `graph`")
        return None
    if not assignments:
        return None  # the graph is broken, and reported already
    where = _Where(label, at, defined, assignments, errors)
    values: dict[str, Any] = {}
    for key, key_type, _ in declared_keys(cls):
        if isinstance(key_type, ParametersKey):
            values[key] = params
        elif key in raw and not isinstance(key_type, InputKey):
            values[key] = _read_key(raw, key, key_type, where)
    if not _reaches(values, where, reaching):
        return None  # refused, and reported
    for key, key_type, _ in declared:
        if isinstance(key_type, InputKey):  # read once the node is known
            values[key] = _wrt(raw, values.get("node"), label, at, defined, assignments, errors)
    _check_kind(cls.spec, values, raw, where, reaching, params)
    common = _common(raw, cls.spec, where)
    if len(errors.found) > before:
        return _Broken()
    return cls(**values, **common, line=at())


def _file_keys(raw, cls: type[Ask], label, at, errors: _Errors) -> list[tuple[str, Any, bool]]:
    """The keys an ``ask`` step of ``cls`` may have in the file (the lesson's parameters
    are none of them); each key it has but may not, and each it lacks, is reported."""
    kind = cls.spec.name
    declared = [k for k in declared_keys(cls) if not isinstance(k[1], ParametersKey)]
    allowed = {"ask", *(name for name, _, _ in declared), *QUESTION_COMMON}
    for key in raw:
        if key not in allowed:
            place = f"in an `ask = {kind!r}` step"
            errors.add(at(key), f"{label}: {_unknown(key, allowed, place, _owners(key, ASKS))}")
    for key, _, required in declared:
        if required and key not in raw:
            errors.add(at(), f"{label}: `ask = {kind!r}` needs `{key}`")
    return declared


@dataclass
class _Where:
    """Where a step is read: its label, its lines, the graph's names, the errors."""

    label: str
    at: Any
    defined: Any
    assignments: Any
    errors: _Errors


def _read_key(raw, key: str, key_type: object, where: _Where) -> Any:
    """One key of a step, of its declared type; None (and an error) when it is not."""
    label, at, errors = where.label, where.at, where.errors
    if isinstance(key_type, NodeKey | OutputKey):
        return _node_key(raw, key, label, at, where.defined, errors, required=False)
    if isinstance(key_type, WholeKey):
        return _whole(raw, key, label, at, errors, key_type.low, key_type.high)
    if isinstance(key_type, FlagKey):
        return _flag(raw, key, label, at, errors)
    if isinstance(key_type, RangeKey):
        return _range(raw, label, at, errors)
    if isinstance(key_type, RatesKey):
        return _rates(raw, key, key_type.most, label, at, errors)
    number = _number(raw, key, label, at, errors)
    if number is None:
        return None
    if isinstance(key_type, NumberKey) and key_type.nonzero and number == 0:
        errors.add(at(key), f"{label}: `{key}` must not be 0")
    if isinstance(key_type, NumberKey) and key_type.positive is not None and number <= 0:
        errors.add(at(key), f"{label}: {key_type.positive(number)}")
        return None
    return number


def _reaches(values: dict[str, Any], where: _Where, reaching) -> bool:
    """The question's `of` and `node` reach the output (or `of`); False when `of` names
    one output too many (reported, with the rest of the step unread)."""
    label, at, errors = where.label, where.at, where.errors
    node, of = values.get("node"), values.get("of")
    if of is not None and reaching is not None and of not in reaching:
        errors.add(
            at("of"), f"{label}: `of = {of!r}` does not reach the output `{reaching.output}`"
        )
        of = values["of"] = None
    if of is not None and reaching is not None and of != reaching.output:
        if of not in reaching.others and not reaching.refused:  # the rest go unsaid
            others = [*reaching.others, of]
            found = other_outputs_problem(where.assignments, reaching.output, others)
            if found is None:
                reaching.others[of] = _reaching(where.assignments, of)
            else:
                reaching.refused = True
                errors.add(at("of"), f"{label}: {found[1]}")
        if of not in reaching.others:
            return False
    if of is not None and node is not None:
        # The question is about `of`'s gradient: `node` must be something `of` uses.
        others = reaching.others if reaching is not None else {}
        reaching = others[of] if of in others else _reaching(where.assignments, of)
    if node is not None and reaching is not None and node not in reaching:
        output = reaching.output
        errors.add(
            at("node"),
            f"{label}: `{node}` does not reach the output `{output}`: `{output}` does not "
            f"depend on it, so the graph drawn for this question does not show it. Ask about "
            f"a node `{output}` depends on, or set `output` to a node that uses `{node}`",
        )
        values["node"] = None
    return True


def _check_kind(spec: KindSpec, values, raw, where: _Where, reaching, params) -> None:
    """What the kind's spec asks of the question's node in the lesson."""
    label, at, errors, assignments = where.label, where.at, where.errors, where.assignments
    node = values.get("node")
    if spec.trains:
        movable = params or [a.name for a in assignments if a.is_leaf]
        if node is not None and reaching is not None and node not in (reaching.output, *movable):
            errors.add(
                at("node"),
                f"{label}: a training question asks for the loss (`{reaching.output}`, "
                f"the default) or a parameter after the steps; `{node}` is neither",
            )
        if values.get("grad") and (node is None or node not in movable):
            errors.add(
                at("grad"),
                f"{label}: `grad = true` asks for the gradient a parameter holds after the "
                'updates: name the parameter, node = "w1_1_1"',
            )
    if spec.leaf_node:
        leaf = _assignment(assignments, node) if node is not None else None
        if leaf is not None and not leaf.is_leaf:
            errors.add(
                at("node"),
                f"{label}: gradients accumulate in the leaves backward() does not reset "
                f"between passes: `node` must be a leaf",
            )
    if spec.counts_parameters and params is None:
        errors.add(
            at("ask"),
            f'{label}: `ask = "count"` counts the parameters: the lesson needs a '
            "`[model]` or a `parameters` list",
        )
    if spec.op_node and node is not None:
        _check_op_node(node, assignments, label, at, errors)


def _common(raw, spec: KindSpec, where: _Where) -> dict[str, Any]:
    """The keys every question takes: its form, tolerance, points, prompt and hints."""
    label, at, errors = where.label, where.at, where.errors
    form = _form(raw, spec, label, at, errors)
    rtol = _number(raw, "rtol", label, at, errors) if "rtol" in raw else spec.rtol
    atol = _number(raw, "atol", label, at, errors) if "atol" in raw else spec.atol
    for key, value in (("rtol", rtol), ("atol", atol)):
        if value is not None and not 0 <= value < 1:
            errors.add(at(key), f"{label}: `{key}` must be at least 0 and below 1")
    decimals = _decimals(raw, label, at, form, errors)
    points = _number(raw, "points", label, at, errors) if "points" in raw else POINTS
    if points is not None and points <= 0:
        errors.add(at("points"), f"{label}: `points` must be above 0")
    prompt, hints = _prompt_and_hints(raw, where)
    return {
        "prompt": prompt,
        "hints": tuple(hints),
        "form": form,
        "rtol": rtol if rtol is not None else RTOL,
        "atol": atol if atol is not None else ATOL,
        "points": points if points is not None else POINTS,
        "decimals": decimals,
    }


def _form(raw, spec: KindSpec, label, at, errors: _Errors) -> str:
    form = raw.get("form", spec.form)
    if form not in FORMS:
        choices = ", ".join(f'"{f}"' for f in FORMS)
        errors.add(at("form"), f"{label}: `form = {form!r}`: choose one of {choices}")
    elif form == "expression" and not spec.expression:
        which = " or ".join(f"`{s.name}`" for s in SPECS.values() if s.expression)
        errors.add(at("form"), f'{label}: `form = "expression"` is for {which} questions')
    elif (form == "code") != (spec.form == "code"):
        which = " or ".join(f"`ask = {s.name!r}`" for s in SPECS.values() if s.form == "code")
        errors.add(
            at("form"),
            f'{label}: `form = "code"` is the form of {which} questions, and only theirs',
        )
    return form


def _prompt_and_hints(raw, where: _Where) -> tuple[str | None, list[str]]:
    label, at, errors, defined = where.label, where.at, where.errors, where.defined
    prompt = raw.get("prompt")
    if prompt is not None:
        if not isinstance(prompt, str):
            errors.add(at("prompt"), f"{label}: `prompt` must be text")
        else:
            _check_placeholders(prompt, defined, errors, at("prompt"), label)
    hints = raw.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(x, str) for x in hints):
        errors.add(at("hints"), f'{label}: `hints` must be a list of text: hints = ["..."]')
        hints = []
    for hint in hints:
        _check_placeholders(hint, defined, errors, at("hints"), label)
    shown = [prompt] if isinstance(prompt, str) else []
    line = at("hints") if hints else at("prompt")
    _check_text("\n\n".join(shown + hints), errors, line, f"{label}: its prompt and hints")
    return (prompt if isinstance(prompt, str) else None), hints


def _decimals(raw, label, at, form, errors: _Errors) -> int | None:
    """``decimals = N``: the places asked for, which then set the tolerance."""
    if "decimals" not in raw:
        return None
    value = raw["decimals"]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DECIMALS:
        errors.add(
            at("decimals"), f"{label}: `decimals` must be a whole number from 0 to {MAX_DECIMALS}"
        )
        return None
    for key in ("rtol", "atol"):
        if key in raw:
            errors.add(
                at(key),
                f"{label}: `{key}` and `decimals` both set the tolerance: keep only `decimals`",
            )
    if form in ("expression", "code"):
        errors.add(at("decimals"), f"{label}: `decimals` is for numbers, not `form = {form!r}`")
    return value


def _check_op_node(node, assignments, label, at, errors: _Errors) -> None:
    """A ``_backward`` question's node is made by one op whose method the tutor shows."""
    from tutor.engine.ops import OPS
    from tutor.expr.backward import METHODS
    from tutor.expr.nodes import operation

    assignment = _assignment(assignments, node)
    if assignment is None:
        return
    if assignment.is_leaf:
        errors.add(
            at("node"),
            f"{label}: `{node}` is a leaf: no op made it, so no `_backward` "
            "sets its operands' gradients",
        )
        return
    try:
        op = operation(assignment.expr)[0]
    except TypeError:  # a bare name: `b = a`
        op = None
    if op is None or op.name not in METHODS:
        what = f"`{op.symbol}`" if op is not None else "no op"
        ops = ", ".join(f"`{OPS[m].symbol}`" for m in METHODS)
        errors.add(
            at("node"),
            f"{label}: `{node}` is made by {what}, whose `_backward` is not "
            f"asked; ask about a node made by one of {ops}",
        )


def _node_key(raw, key, label, at, defined, errors: _Errors, required: bool) -> str | None:
    if key not in raw:
        if required:
            errors.add(at(), f"{label}: needs `{key}`")
        return None
    value = raw[key]
    if not isinstance(value, str) or value not in defined:
        known = ", ".join(defined)
        errors.add(at(key), f"{label}: `{key} = {value!r}` is not a node; the nodes are {known}")
        return None
    return value


def _wrt(raw, node, label, at, defined, assignments, errors: _Errors) -> str | None:
    wrt = _node_key(raw, "wrt", label, at, defined, errors, required=True)
    if node is None or wrt is None:
        return None
    a = _assignment(assignments, node)
    if a is None:  # its graph line is broken, and reported already
        return wrt
    inputs = [] if a.is_leaf else names(a.expr)
    if wrt not in inputs:
        if a.is_leaf:
            message = f"`{node}` is a leaf: it has no inputs"
        else:
            message = f"`{wrt}` is not a direct input of `{node}` (its inputs: {', '.join(inputs)})"
        errors.add(at("wrt"), f"{label}: {message}")
        return None
    return wrt


def _range(raw, label, at, errors: _Errors) -> tuple[float, float] | None:
    value = raw.get("range")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(_is_number(v) for v in value)
        or not value[0] < value[1]
    ):
        errors.add(at("range"), f"{label}: `range` must be [MIN, MAX] with MIN < MAX")
        return None
    return float(value[0]), float(value[1])


def _rates(raw, key, most: int, label, at, errors: _Errors) -> tuple[float, ...] | None:
    value = raw.get(key)
    if (
        not isinstance(value, list)
        or len(value) > most
        or not all(_is_number(r) and r > 0 for r in value)
    ):
        errors.add(
            at(key),
            f"{label}: `{key}` is a list of at most {most} other learning rates, "
            "each above 0: compare = [0.001, 0.3]",
        )
        return None
    return tuple(float(r) for r in value)


def _vary(raw, assignments, defined, errors: _Errors) -> dict[str, Range | Choices]:
    if raw is None:
        return {}
    lines = errors.lines
    if not isinstance(raw, dict):
        errors.add(lines.of_top("vary"), "`vary` must be a table of leaf = {min, max, step}")
        return {}
    leaves = {a.name for a in assignments if a.is_leaf}
    out: dict[str, Range | Choices] = {}
    for name, spec in raw.items():
        line = lines.of_vary(name)
        if name in defined and not assignments:
            continue  # the graph is broken, and reported already
        if name not in leaves:
            what = "not a leaf" if any(a.name == name for a in assignments) else "not a node"
            errors.add(line, f"vary: `{name}` is {what}; only leaves (NAME = NUMBER) can vary")
            continue
        if not isinstance(spec, dict):
            errors.add(line, f"vary: `{name}` needs {{min, max, step}} or {{choices = [...]}}")
            continue
        keys = set(spec)
        if keys == {"choices"}:
            choices = spec["choices"]
            if not isinstance(choices, list) or not choices or not all(map(_is_number, choices)):
                message = "must be a non-empty list of finite numbers"
                errors.add(line, f"vary: `{name}.choices` {message}")
                continue
            out[name] = Choices(tuple(_exact(v) for v in choices))
        elif keys == {"min", "max", "step"}:
            if not all(_is_number(spec[k]) for k in keys):
                errors.add(line, f"vary: `{name}`: min, max and step must be finite numbers")
                continue
            lo, hi, step = (_exact(spec[k]) for k in ("min", "max", "step"))
            if not lo < hi or step <= 0:
                errors.add(line, f"vary: `{name}` needs min < max and step > 0")
            elif (hi - lo) / step > MAX_VARIANTS:
                errors.add(line, f"vary: `{name}` has too many values (at most {MAX_VARIANTS})")
            else:
                out[name] = Range(lo, hi, step)
        else:
            extra = ", ".join(sorted(keys - {"min", "max", "step", "choices"})) or "a mix"
            errors.add(
                line,
                f"vary: `{name}` takes {{min, max, step}} or {{choices = [...]}} (got {extra})",
            )
    return out


def _check_text(text: str, errors: _Errors, line, label) -> None:
    """A step's Markdown within the bounds the app lays out quickly (`text_problem`)."""
    problem = text_problem(text)
    if problem is not None:
        errors.add(line, f"{label}: {problem}")


def _check_placeholders(text, defined, errors: _Errors, line, label) -> None:
    try:
        used = placeholders(text)
    except ValueError as exc:
        errors.add(line, f"{label}: {exc}")
        return
    for name in used:
        if name not in defined:
            errors.add(line, f"{label}: `{{{name}}}` is not a node (write `{{{{` for a brace)")


def _assignment(assignments, name: str):
    return next((a for a in assignments if a.name == name), None)


def _required_text(table, key, errors: _Errors) -> str | None:
    value = table.get(key)
    if value is None:
        errors.add(1, f"`{key}` is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        errors.add(errors.lines.of_top(key), f"`{key}` must be non-empty text")
        return None
    return value


def _optional(table, key, types, what, errors: _Errors):
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, types) or isinstance(value, bool):
        errors.add(errors.lines.of_top(key), f"`{key}` must be {what}")
        return None
    return value


def _number(raw, key, label, at, errors: _Errors) -> float | None:
    value = raw.get(key)
    if not _is_number(value):
        also = ", written without quotes" if isinstance(value, str) else ""  # h = "0.01"
        errors.add(
            at(key), f"{label}: `{key}` must be a finite number, at most 1e300 in size{also}"
        )
        return None
    return float(value)


def _is_number(value) -> bool:
    """A finite number of a sane size: ``inf``, ``nan`` and 1e308 are not lesson numbers,
    nor a whole number past float range (``10**309`` written out), compared as written."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER  # exact: no conversion that could overflow
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


_DATA_NUMBERS = "finite numbers (each at most 1e300 and, but for 0, at least 1e-300 in size)"


def _is_data_number(value) -> bool:
    """A `[data]` number: it is written into the network's script, whose literals are
    at most 1e300 and, but for 0, at least 1e-300 in size (`1e-301` is refused there)."""
    return _is_number(value) and (value == 0 or abs(value) >= MIN_DATA_NUMBER)


def _exact(value: int | float) -> Fraction:
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def _unknown(key: str, known, where: str, owners: str = "") -> str:
    """An unknown key's message; ``owners``: the steps that do take it (`_owners`)."""
    hint = _SUGGEST.get(key)
    if hint and hint in known:
        return f"unknown key `{key}` {where}: did you mean `{hint}`?"
    if owners:  # a key of another kind: say whose, not a look-alike of this one's
        return f"unknown key `{key}` {where}: it is a key of {owners}"
    close = [k for k in sorted(known) if k.startswith(key[:3]) or key.startswith(k[:3])]
    also = f": did you mean `{close[0]}`?" if close else ""
    return f"unknown key `{key}` {where}{also}"


def _owners(key: str, classes: dict[str, type[Ask]] | dict[str, type[Show]]) -> str:
    """The kinds whose steps take ``key`` (from their declarations), as an author
    reads them: `ask = 'step'` or `'train'` steps; "" when none does."""
    names = [name for name, cls in classes.items() if key in {k for k, _, _ in declared_keys(cls)}]
    if not names:
        return ""
    step = "ask" if classes is ASKS else "show"
    quoted = [f"`{step} = {names[0]!r}`", *(f"`{name!r}`" for name in names[1:])]
    tail = f" or {quoted[-1]}" if len(quoted) > 1 else ""
    return ", ".join(quoted[:-1] if tail else quoted) + tail + " steps"
