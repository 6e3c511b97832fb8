"""The `tutor` command: the app by default, and subcommands for authors and scripts.

Exit codes: 0 success; 1 ``tutor check`` found problems; 2 a usage error or a
lesson that does not load (the message is on stderr, never a traceback); 70 an
internal error (a bug), reported in one line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from tutor import __version__, numbers
from tutor.status import NOT_STARTED

if TYPE_CHECKING:
    import argparse

    from tutor.author.answer_tests import Expectation
    from tutor.check import Verdict

USAGE_ERROR = 2
INTERNAL_ERROR = 70


class CommandError(Exception):
    """A problem to report in one line on stderr, exiting with ``code``."""

    def __init__(self, message: str, code: int = USAGE_ERROR):
        super().__init__(message)
        self.code = code


class UsageError(Exception):
    """The command line cannot be parsed: argparse's message, its usage line."""

    def __init__(self, message: str, usage: str):
        super().__init__(message)
        self.usage = usage


def build_parser() -> argparse.ArgumentParser:
    import argparse  # not for `tutor` alone: the app starts without it

    class Parser(argparse.ArgumentParser):
        """Raises `UsageError` rather than exiting, so that `main` can say so in JSON."""

        def error(self, message: str) -> NoReturn:
            raise UsageError(message, self.format_usage())

    common = Parser(add_help=False)
    common.add_argument(
        "--lessons",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="a folder of lesson files to use instead of the bundled course "
        "(default: $TUTOR_LESSONS, else the bundled course)",
    )
    parser = Parser(
        prog="tutor",
        description="Learn backpropagation in the terminal. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"tutor {__version__}")
    parser.add_argument(
        "--lesson",
        dest="preview_lesson",
        metavar="ID_OR_PATH",
        help="open the app straight on this lesson (an id, or a .toml file: its folder "
        "is the course); F6 reloads the lesson files",
    )
    parser.add_argument(
        "--seed",
        dest="preview_seed",
        type=int,
        default=0,
        metavar="N",
        help="with --lesson: open its quiz at variant N (0, the default: the lesson itself)",
    )
    parser.add_argument(
        "--watch",
        dest="preview_watch",
        action="store_true",
        help="reload a lesson file in the app by itself when it changes on disk",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("lessons", parents=[common], help="list the lessons and any load errors")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "check", parents=[common], help="validate lesson files (three sources must agree)"
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="lesson files or folders")
    p.add_argument("--strict", action="store_true", help="treat warnings (lints) as errors")
    p.add_argument("--json", action="store_true", help="print JSON, for editors and CI")
    p.add_argument("--watch", action="store_true", help="check again whenever a file is saved")

    p = sub.add_parser("new", parents=[common], help="write a lesson file to start from")
    p.add_argument("id", metavar="ID", help="the new lesson's id (lowercase letters, digits, -)")
    p.add_argument(
        "--dir",
        default=".",
        metavar="DIR",
        help="the folder to write ID.toml in, made if missing (default: .)",
    )
    p.add_argument(
        "--network",
        action="store_true",
        help="a network lesson: a [model] over [data], a training view, a train question",
    )

    p = sub.add_parser("run", parents=[common], help="grade a file of scripted answers")
    p.add_argument("lesson", metavar="LESSON", help="a lesson id or a .toml file")
    p.add_argument(
        "--answers",
        metavar="FILE",
        help=(
            "one answer a line (a code answer's line breaks written \\n; "
            "`ANSWER => right` expects a verdict: see --expect)"
        ),
    )
    p.add_argument("--seed", type=int, default=0, help="variant of the numbers (0: the file's)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--record", action="store_true", help="store the attempts in your progress")
    p.add_argument(
        "--expect",
        action="store_true",
        help="exit 1 when a verdict differs from what the answers file (`ANSWER => wrong`) "
        "or the lesson's [[tests]] at this seed expect: a course tests itself in CI",
    )

    p = sub.add_parser("graph", parents=[common], help="draw a lesson's expression graph")
    p.add_argument("lesson", metavar="LESSON", help="a lesson id or a .toml file")
    p.add_argument("--seed", type=int, default=0, help="variant of the numbers (0: the file's)")
    p.add_argument("--grads", action="store_true", help="show every gradient")
    p.add_argument("--format", choices=("text", "dot"), default="text")
    p.add_argument(
        "--width",
        type=_width,
        default=None,
        metavar="N",
        help="fit the text drawing in N columns: compact nodes, then folded into bands "
        "(default: the terminal's width)",
    )
    p.add_argument(
        "--network",
        action="store_true",
        help="a lesson's [model] network, neuron by neuron, on one example",
    )
    p.add_argument(
        "--example", type=int, default=1, metavar="E", help="with --network: the example"
    )

    p = sub.add_parser("progress", parents=[common], help="your progress, per lesson")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="one row per answer, for a spreadsheet")

    p = sub.add_parser("reset", parents=[common], help="forget the progress of a lesson, or all")
    p.add_argument("lesson", nargs="?", metavar="LESSON", help="a lesson id")
    p.add_argument("--all", action="store_true", help="forget every lesson's progress")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser(
        "derive", parents=[common], help="derive a local derivative from the limit definition"
    )
    p.add_argument("expr", metavar="EXPR", help='an expression, e.g. "x*y" or "tanh(n)"')
    p.add_argument("--wrt", required=True, metavar="NAME", help="the variable to nudge")
    p.add_argument(
        "--at", action="append", default=[], metavar="NAME=VALUE", help="evaluate at these values"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    return parser


class EscapingWriter:
    """A text stream that shows control characters escaped (``\\x1b``), never raw.

    Every command's output may hold text from someone else's files: a title, a
    graph line, a scripted answer, a path. Written through this wrapper, none
    of it can move the cursor, set the window title or write the clipboard.
    Newlines and tabs pass; the commands write no escape sequences of their own.
    """

    def __init__(self, stream: TextIO):
        self._stream = stream
        self.written = 0  # characters written: whether a command printed anything

    def write(self, text: str) -> int:
        from tutor.untrusted import printable

        self._stream.write(printable(text))
        self.written += len(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _escaping(stream: TextIO) -> TextIO:
    """``stream`` behind an `EscapingWriter`: a TextIO by delegation (``__getattr__``)."""
    return cast(TextIO, EscapingWriter(stream))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `tutor` alone opens the app, which draws the screen itself:
        # No parser built, so no argparse: a namespace that reads as its Namespace would.
        no_command = cast("argparse.Namespace", SimpleNamespace(command=None))
        return _main(no_command, sys.stdout, sys.stderr)
    saved = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(_expression_last(argv))
    except UsageError as exc:
        out, err = _escaping(saved[0]), _escaping(saved[1])
        err.write(exc.usage)
        err.write(f"tutor: error: {exc}\n")
        if "--json" in argv:  # stdout is one JSON value under --json, whatever fails
            _json_failure(out, f"usage: {exc}", USAGE_ERROR)
        return USAGE_ERROR
    if args.command is None:
        return _main(args, sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = _escaping(saved[0]), _escaping(saved[1])
    try:
        return _main(args, sys.stdout, sys.stderr)
    finally:
        sys.stdout, sys.stderr = saved


#: `tutor derive`'s options that take a value, and its flags.
_DERIVE_VALUES = {"--lessons", "--wrt", "--at"}
_DERIVE_FLAGS = {"--json", "-h", "--help"}


def _expression_last(argv: list[str]) -> list[str]:
    """``tutor derive -a*b --wrt a``: an expression that starts with ``-`` is not an
    option. argparse would take it for one; it is moved after ``--``, where argparse
    reads it as the EXPR it is. Any other command line is unchanged."""
    if not argv or argv[0] != "derive" or "--" in argv:
        return argv
    rest: list[str] = []
    expressions: list[str] = []
    takes_value = False
    for arg in argv[1:]:
        if takes_value:
            rest.append(arg)
            takes_value = False
        elif arg in _DERIVE_VALUES:
            rest.append(arg)
            takes_value = True
        elif (
            arg.startswith("-")
            and arg not in _DERIVE_FLAGS
            and arg.split("=")[0] not in (_DERIVE_VALUES | _DERIVE_FLAGS)
        ):
            expressions.append(arg)
        else:
            rest.append(arg)
    return ["derive", *rest, "--", *expressions] if expressions else argv


def _json_failure(out: TextIO, message: str, code: int) -> None:
    """Under ``--json``, a command that fails before it printed its JSON prints this
    one document: ``{"ok": false, "error": MESSAGE, "exit": CODE}``."""
    if getattr(out, "written", 0):
        return  # its own JSON (or JSON Lines) went out already
    out.write(numbers.json_text({"ok": False, "error": message, "exit": code}) + "\n")
    out.flush()


def _main(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    def fail(message: str, code: int) -> int:
        if message:
            print(f"tutor: {message}", file=err)
        if getattr(args, "json", False):
            _json_failure(out, message or "interrupted", code)
        return code

    try:
        return _dispatch(args, out, err)
    except CommandError as exc:
        return fail(str(exc), exc.code)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        # A path too long, a folder that vanished, a disk full: the system's word, one line.
        where = f" {_shown_path(exc.filename)}" if exc.filename else ""
        return fail(f"cannot use{where}: {exc.strerror or exc}", USAGE_ERROR)
    except KeyboardInterrupt:
        return fail("", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, never a traceback
        if os.environ.get("TUTOR_DEBUG"):
            raise
        return fail(
            f"internal error: {type(exc).__name__}: {exc} "
            "(set TUTOR_DEBUG=1 to see where; please report it)",
            INTERNAL_ERROR,
        )


def _dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tutor.paths import lessons_dir

    folder = lessons_dir(getattr(args, "lessons", None))
    if args.command is not None and (
        getattr(args, "preview_lesson", None) is not None
        or bool(getattr(args, "preview_seed", 0))
        or getattr(args, "preview_watch", False)
    ):
        raise CommandError(
            "--lesson, --seed and --watch before a command open the app: give them "
            f"without `{args.command}`, or after it where it takes them"
        )
    match args.command:
        case None:
            from tutor.tui.app import run_app

            folder, start, watch = _preview(args, folder)
            if start is None and not watch:
                return run_app(folder)
            return run_app(folder, start=start, watch=watch)
        case "lessons":
            return cmd_lessons(folder, args.json, out)
        case "check":
            paths = [Path(p) for p in args.paths]
            if not paths:
                checked, why = _course_to_check(getattr(args, "lessons", None))
                print(f"tutor check: the lessons in {checked} ({why})", file=err)
                paths = [checked]
            if args.watch:
                return cmd_watch(paths, args.strict, args.json, out)
            return cmd_check(paths, out, strict=args.strict, as_json=args.json)
        case "new":
            return cmd_new(args.id, Path(args.dir), out, network=args.network)
        case "run":
            return cmd_run(folder, args, out)
        case "graph":
            return cmd_graph(folder, args, out)
        case "progress":
            return cmd_progress(folder, args, out)
        case "reset":
            return cmd_reset(folder, args, out)
        case "derive":
            return cmd_derive(args, out, err)
    raise CommandError(f"unknown command {args.command!r}")


def _preview(args: argparse.Namespace, folder: Path) -> tuple[Path, tuple[str, int] | None, bool]:
    """``tutor --lesson ID_OR_PATH [--seed N] [--watch]``: the folder the app shows (a
    file's own folder), the lesson to open at once and its quiz variant, and whether
    to reload changed files by itself."""
    key = getattr(args, "preview_lesson", None)
    seed = getattr(args, "preview_seed", 0)
    watch = getattr(args, "preview_watch", False)
    if seed < 0:
        raise CommandError("--seed must be 0 or more")
    if key is None:
        if seed:
            raise CommandError("--seed opens a quiz variant of the lesson --lesson names")
        return folder, None, watch
    path = Path(key).expanduser()
    if path.suffix == ".toml" or path.is_file():
        if not path.is_file():
            raise CommandError(f"--lesson {_shown_path(path)}: no such lesson file")
        return path.parent, (str(path), seed), watch
    return folder, (key, seed), watch


def _course_to_check(option: str | None) -> tuple[Path, str]:
    """The folder `tutor check` with no PATH checks, and why that one: ``--lessons``,
    else ``$TUTOR_LESSONS``, else the course of the checkout or folder it runs in
    (``./lessons`` holding ``*.toml``), else the installed course."""
    from tutor.paths import ENV, bundled_lessons, lessons_dir

    if option:
        return lessons_dir(option), "--lessons"
    if os.environ.get(ENV):
        return lessons_dir(), f"${ENV}"
    here = Path("lessons")
    if here.is_dir() and any(here.glob("*.toml")):
        return here, "the course in the current folder"
    return bundled_lessons(), "the installed course; give a PATH to check another"


DERIVE_SECONDS = 30.0
DERIVE_MEMORY = 768 * 1024**2


def cmd_derive(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """`tutor derive`, in a child process within `DERIVE_SECONDS` and `DERIVE_MEMORY`.

    The parser bounds every expression, yet SymPy can still take unbounded time
    on some (a tower of 38 exp at x = 1): the child is killed at the deadline.
    """
    from tutor.untrusted import run_in_child

    task = json.dumps([args.expr, args.wrt, args.at, args.json])
    result = run_in_child("tutor.symbolic", [task], seconds=DERIVE_SECONDS, memory=DERIVE_MEMORY)
    if result is None:
        raise CommandError(
            f"derive: ran out of its time budget ({DERIVE_SECONDS:g} s): "
            "try a smaller expression, or without --at"
        )
    out.write(result.stdout)
    err.write(result.stderr)
    if args.json and result.returncode != 0 and result.stderr and not result.stdout:
        _json_failure(out, result.stderr.strip().removeprefix("tutor derive: "), result.returncode)
    if result.returncode < 0 or (result.returncode not in (0, USAGE_ERROR) and not result.stderr):
        raise CommandError(
            f"derive: ran out of its memory budget ({DERIVE_MEMORY // 1024**2} MiB) or stopped"
        )
    return result.returncode


def _lesson(folder: Path, key: str):
    from tutor.lesson import LessonLoadError
    from tutor.lesson.folder import load_one

    try:
        return load_one(key, folder)
    except LessonLoadError as exc:
        raise CommandError("\n".join(str(e) for e in exc.errors)) from None


def cmd_lessons(folder: Path, as_json: bool, out: TextIO) -> int:
    from tutor.lesson.folder import load_course

    course = load_course(folder)
    if as_json:
        data = {
            "folder": str(folder),
            "lessons": [
                {
                    "id": lesson.id,
                    "title": lesson.title,
                    "order": lesson.order,
                    "questions": len(lesson.questions),
                    "path": str(lesson.path),
                }
                for lesson in course.lessons
            ],
            "errors": [str(e) for e in course.errors],
        }
        out.write(numbers.json_text(data))
        out.write("\n")
        return 0
    width = max((len(lesson.id) for lesson in course.lessons), default=0)
    for n, lesson in enumerate(course.lessons, start=1):
        count = len(lesson.questions)
        questions = f"{count} question{'s' if count != 1 else ''}"
        print(f"{n:>3}. {lesson.id:<{width}}  {lesson.title}  ({questions})", file=out)
    if not course.lessons:
        print(f"no lessons in {folder}", file=out)
    for error in course.errors:
        print(f"error: {error}", file=out)
    return 0


def cmd_check(
    paths: list[Path],
    out: TextIO,
    strict: bool = False,
    as_json: bool = False,
    budget: float | None = None,
    json_lines: bool = False,
    cancel=None,
) -> int:
    """Check each lesson file, each within a time and memory budget (`budget` seconds);
    ``json_lines``: the JSON document on one line (``--watch --json``: JSON Lines);
    ``cancel`` (a `tutor.author.watch.Cancel`) stops the check when set."""
    from tutor.author.checking import check_paths

    results = check_paths(paths, budget, cancel=cancel)
    failed = any(r.failed(strict) for r in results)
    if as_json:
        data = {
            "ok": not failed,
            "strict": strict,
            "files": [r.as_json(strict) for r in results],
        }
        out.write(numbers.json_text(data, indent=None if json_lines else 2))
        out.write("\n")
    else:
        for result in results:
            for line in result.lines(strict):
                print(line, file=out)
        if not results:
            print("no lesson files found", file=out)
    out.flush()
    return 1 if failed else 0


def cmd_watch(paths: list[Path], strict: bool, as_json: bool, out: TextIO) -> int:
    """Check now and at every save; a save during a check stops it (what it found is
    not printed: it is about the old content) and checks the new content at once."""
    import io
    import time

    from tutor.author.watch import watch

    def check(cancel=None) -> None:
        if not as_json:
            print(f"-- checking at {time.strftime('%H:%M:%S')} (Ctrl+C stops)", file=out)
            out.flush()
        found = io.StringIO()
        cmd_check(paths, found, strict=strict, as_json=as_json, json_lines=True, cancel=cancel)

        def show() -> None:
            out.write(found.getvalue())
            out.flush()

        if cancel is None:
            show()
        elif not cancel.unless_cancelled(show) and not as_json and cancel.reason == cancel.CHANGED:
            print("-- a file changed during the check: stopped it, checking again", file=out)

    watch(paths, check)
    return 0


def cmd_new(lesson_id: str, folder: Path, out: TextIO, network: bool = False) -> int:
    from tutor.author.new import NewLessonError, new_lesson

    try:
        path = new_lesson(lesson_id, folder, network=network)
    except NewLessonError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {path}: check it with `tutor check {path}`", file=out)
    return 0


MAX_ANSWERS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class AnswerLine:
    """One answer of an answers file: the text (None: ``-``, skip), the file's line,
    and the verdict it must get (``ANSWER => wrong: wrong-sign``), if it says one."""

    answer: str | None
    line: int
    expectation: Expectation | None = None


def read_answers(path: Path) -> list[str | None]:
    """An answers file's answers, in order (None: skip); see `read_answer_lines`."""
    return [entry.answer for entry in read_answer_lines(path)]


def read_answer_lines(path: Path) -> list[AnswerLine]:
    """An answers file: one answer a line; blank and ``#`` lines ignored; ``-`` skips;
    ``ANSWER => EXPECTATION`` (`tutor.author.answer_tests`) says the verdict it must get;
    ``\\n`` inside a line is a line break of a multi-line answer (code).

    Lines end at ``\n`` (or ``\r\n``) only: a U+2028, U+0085 or form feed
    inside an answer must not shift the later answers onto other questions.
    """
    from tutor.author.answer_tests import ARROW, parse_expectation
    from tutor.untrusted import UnreadableFile, read_limited

    try:
        data = read_limited(path, MAX_ANSWERS_BYTES)
    except UnreadableFile as exc:
        what = "no such answers file" if str(exc) == "no such file" else f"the answers file: {exc}"
        raise CommandError(f"{_shown_path(path)}: {what}") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        where = f"{_shown_path(path)}:{at}"
        raise CommandError(f"{where}: the answers file is not UTF-8 text") from None
    answers: list[AnswerLine] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        expectation = None
        if ARROW in stripped:
            stripped, _, said = stripped.partition(ARROW)
            stripped = stripped.strip()
            where = f"{_shown_path(path)}:{number}"
            try:
                expectation = parse_expectation(said)
            except ValueError as exc:
                raise CommandError(f"{where}: {exc}") from None
            if stripped in ("", "-"):
                raise CommandError(
                    f"{where}: an expectation needs an answer before `{ARROW}`: "
                    f"-2 {ARROW} right (a skipped question gets no verdict)"
                )
        # A multi-line answer (a `_backward` body) is one line with its breaks written `\n`.
        written = None if stripped == "-" else stripped.replace("\\n", "\n")
        answers.append(AnswerLine(written, number, expectation))
    return answers


def _shown_path(path: Path | str) -> str:
    """A path for a message: control characters escaped, a huge one shortened."""
    from tutor.untrusted import printable

    text = printable(str(path), keep_lines=False)
    return text if len(text) <= 200 else text[:100] + "..." + text[-60:]


def cmd_run(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    """Grade an answers file (``--answers``) as a quiz; with ``--expect``, exit 1 when a
    verdict differs from what the file's lines or the lesson's ``[[tests]]`` at this
    seed expect (``--expect`` alone runs only the lesson's tests)."""
    from tutor.lesson import GraphError
    from tutor.session import Session

    if args.answers is None and not args.expect:
        raise CommandError("run: give --answers FILE (or --expect, to run the lesson's tests)")
    lesson = _lesson(folder, args.lesson)
    entries = read_answer_lines(Path(args.answers)) if args.answers is not None else []
    if args.seed < 0:
        raise CommandError("--seed must be 0 or more")
    _checked_within_budget(lesson, args.seed)
    try:
        session = Session(lesson, seed=args.seed, mode="quiz")
    except GraphError as exc:
        raise CommandError(f"{lesson.path}: {exc}") from None
    count = len(lesson.questions)
    if len(entries) > count:
        print(
            f"tutor: {args.answers} has {len(entries)} answers for {count} questions; "
            "the extra ones are ignored",
            file=sys.stderr,
        )
    results: list[dict[str, Any]] = []
    verdicts: list[Verdict | None] = []  # what `--record` stores
    unmet_lines: list[str] = []  # expectations not met, as PATH:LINE: message
    checked = 0
    for index in range(count if args.answers is not None else 0):
        session.goto_question(index)
        question = session.question()
        assert question is not None  # a quiz's questions are on its graph
        if question.ungradable:  # an answer of inf or NaN (`tutor check` says so too)
            at = question.ask.line
            where = f"{lesson.path}:{at}" if at else str(lesson.path)
            raise CommandError(f"{where}: {question.ungradable}")
        entry = entries[index] if index < len(entries) else None
        answer = entry.answer if entry is not None else None
        if answer is None:
            session.skip()
            verdicts.append(None)
            verdict_name, feedback, diagnosis = "skipped", "Skipped.", None
        else:
            verdict = session.submit(answer)
            verdicts.append(verdict)
            verdict_name, feedback, diagnosis = verdict.status, verdict.feedback, verdict.diagnosis
            if verdict.caret:
                feedback = f"{feedback}\n{verdict.caret}"
            if args.expect and entry is not None and entry.expectation is not None:
                from tutor.author.answer_tests import unmet

                checked += 1
                problem = unmet(entry.expectation, verdict)
                if problem:
                    where = f"{_shown_path(args.answers)}:{entry.line}"
                    unmet_lines.append(f"{where}: question {index + 1}: {problem}")
        results.append(
            {
                "index": index,
                "kind": question.kind,
                "node": question.node,
                "wrt": question.wrt,
                "prompt": question.prompt,
                "answer": answer if answer is not None else "-",
                "verdict": verdict_name,
                "expected": question.expected_answer,
                "feedback": feedback,
                "diagnosis": diagnosis,
            }
        )
        if args.expect:  # the verdict the answers file expects (None: none said)
            results[-1]["expect"] = str(entry.expectation) if entry and entry.expectation else None
    if args.expect:
        from tutor.author.answer_tests import run_tests

        tests = [t for t in lesson.tests if t.seed == args.seed]
        checked += len(tests)
        unmet_lines += [
            str(e)
            for e in run_tests(lesson, [session.graph] if session.graph else [], seed=args.seed)
        ]
    if args.record and args.answers is not None:
        _record(session, verdicts)
    if args.json:
        data = {
            "lesson": lesson.id,
            "seed": args.seed,
            "score": session.score,
            "total": session.total,
            "passed": session.passed,
            "questions": results,
        }
        if args.expect:
            data["expectations"] = {"checked": checked, "unmet": unmet_lines}
        out.write(numbers.json_text(data))
        out.write("\n")
        return _expected(args, checked, unmet_lines, lesson)
    print(f"{lesson.title} ({lesson.id}, seed {args.seed})", file=out)
    for r in results:
        print(f"\nQ{r['index'] + 1}. {r['prompt']}", file=out)
        print(f"    answer: {r['answer']}", file=out)
        print(f"    {r['verdict']}: {_indent(r['feedback'])}", file=out)
    if args.answers is not None:
        outcome = "passed" if session.passed else "not passed"
        print(
            f"\nScore: {numbers.score(session.score)} / {numbers.score(session.total)} "
            f"({numbers.percent(session.percent / 100)}): {outcome} "
            f"(pass mark {numbers.percent(lesson.pass_mark)})",
            file=out,
        )
    if args.expect:
        for line in unmet_lines:
            print(line, file=out)
        met = checked - len(unmet_lines)
        print(f"\nExpectations: {met} of {checked} met", file=out)
    return _expected(args, checked, unmet_lines, lesson)


def _expected(args: argparse.Namespace, checked: int, unmet_lines: list[str], lesson) -> int:
    """``--expect``'s exit code: 1 when an expectation is not met, or there is none to
    check (a CI run that checks nothing must not pass); 0 otherwise."""
    if not args.expect:
        return 0
    if not checked:
        print(
            f"tutor: --expect: nothing to check: no `ANSWER => VERDICT` line in the answers "
            f"file and no [[tests]] of {lesson.id} at seed {args.seed}",
            file=sys.stderr,
        )
        return 1
    return 1 if unmet_lines else 0


def _checked_within_budget(lesson, seed: int) -> None:
    """Refuse a lesson whose check fails or runs out of its budget, as the app does.

    Grading computes the exact gradients, the quiz's draw at ``seed`` and the
    trainings: unbudgeted, an exponent tower took 49 s and 4.2 GB and then failed
    with MemoryError. The check computes the same in a child process within
    `tutor.runtime.budget.APP_CHECK_SECONDS` and its memory budget, so grading after
    it passed is bounded by it.
    """
    from tutor.runtime.budget import check_to_use

    errors = check_to_use(lesson, seed, checker="run")
    if errors:
        raise CommandError("\n".join(str(error) for error in errors[:5]))


def _record(session, verdicts) -> None:
    """Store a scripted run's answers and score like a quiz's (``--record``), all at once."""
    import sqlite3

    from tutor.runtime.recorder import record_run

    store = _store()
    try:
        record_run(store, session, verdicts)
    except sqlite3.Error as exc:
        print(f"tutor: the attempt was not recorded: {exc}", file=sys.stderr)
    finally:
        store.close()


def _store():
    from tutor.progress import ProgressStore

    store = ProgressStore.open()
    if store.status.warning:
        print(f"tutor: {store.status.warning}", file=sys.stderr)
    return store


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as the text it is: a text starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return would be read as a formula
    (``=HYPERLINK(...)``, ``@SUM(...)``), so it gets a leading ``'``; a plain number
    such as ``-2`` or ``-0.5`` stays as it is."""
    if (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def cmd_progress(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    import csv
    from dataclasses import asdict

    from tutor.lesson.folder import load_course
    from tutor.progress import ANSWER_COLUMNS

    store = _store()
    if args.csv:
        writer = csv.DictWriter(out, fieldnames=list(ANSWER_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {key: spreadsheet_cell(value) for key, value in row.items()}
            for row in store.answer_rows()
        )
        return 0
    from tutor.runtime.recorder import standing  # no Textual: the app's link to the store

    course = load_course(folder)
    summaries = store.summaries({lesson.id: len(lesson.questions) for lesson in course.lessons})
    lessons = {lesson.id: lesson for lesson in course.lessons}
    # A lesson is done when every question is settled and its pass mark is met.
    standings = {
        s.lesson_id: standing(store, lessons[s.lesson_id], s.status != NOT_STARTED)
        for s in summaries
    }
    if args.json:
        data = []
        for s in summaries:
            st = standings[s.lesson_id]
            data.append(
                asdict(s)
                | {"status": st.status, "score": st.score, "total": st.total, "passed": st.passed}
            )
        out.write(numbers.json_text(data))
        out.write("\n")
        return 0
    for s in summaries:
        lesson, st = lessons[s.lesson_id], standings[s.lesson_id]
        if not st.started:
            status = "not started"
        elif not st.finished:
            status = f"{s.done} of {s.questions} questions"
        elif st.passed:
            status = f"done, {numbers.score(st.score)} of {numbers.score(st.total)} points"
        else:
            status = (
                f"finished, {numbers.score(st.score)} of {numbers.score(st.total)} points: "
                "below the pass mark "
                f"({numbers.percent(lesson.pass_mark)})"
            )
        best = (
            f", best quiz {numbers.score(s.best_score)}/{numbers.score(s.best_total)}"
            if s.best_score is not None
            else ""
        )
        plural = "s" if s.quiz_attempts != 1 else ""
        quizzes = f", {s.quiz_attempts} quiz attempt{plural}" if s.quiz_attempts else ""
        print(f"{lesson.title:<45} {status}{quizzes}{best}", file=out)
    return 0


def cmd_reset(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    if args.all == bool(args.lesson):
        raise CommandError("name one LESSON to reset, or --all")
    what = "every lesson's progress" if args.all else f"the progress of {args.lesson}"
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError(f"to forget {what} without a question, add --yes")
        reply = input(f"Forget {what}? This cannot be undone. [y/N] ")
        if reply.strip().lower() not in ("y", "yes"):
            print("Nothing was reset.", file=out)
            return 0
    store = _store()
    if args.all:
        store.reset_all()
    else:
        store.reset_lesson(_lesson(folder, args.lesson).id)
    print(f"Forgot {what}.", file=out)
    return 0


def _indent(text: str) -> str:
    return text.replace("\n", "\n    ")


def cmd_graph(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    from tutor.check.variants import quiz_graph
    from tutor.lesson import GraphError
    from tutor.render import fit_text, render_dot

    if args.seed < 0:
        raise CommandError("--seed must be 0 or more")
    lesson = _lesson(folder, args.lesson)
    if not lesson.has_graph:
        raise CommandError(f"{lesson.id} has no graph")
    try:
        graph = quiz_graph(lesson, args.seed)
    except GraphError as exc:
        raise CommandError(f"{lesson.path}: {exc}") from None
    if args.network:
        return _network(lesson, graph, args, out)
    if args.format == "dot":
        out.write(render_dot(graph.output, show_grad=args.grads))
    else:
        width = args.width or shutil.get_terminal_size().columns
        picture = fit_text(graph.output, width, show_grad=args.grads)
        key = None
        if picture.listed:
            key = f"the graph is {picture.listed}: {LISTED_KEY}"
        elif picture.compact:
            key = COMPACT_KEY
        lines = picture.lines + (textwrap.wrap(f"({key})", width) if key else [])
        if max(map(len, lines), default=0) > width:  # never printed wider than asked
            raise CommandError(f"{lesson.path}: the graph cannot be drawn in {width} columns", 1)
        print("\n".join(lines), file=out)
    return 0


def _network(lesson, graph, args: argparse.Namespace, out: TextIO) -> int:
    """``tutor graph --network``: the network at the neuron level (text or DOT)."""
    from tutor.render.network import network_shape, render_network, render_network_dot

    shape = network_shape(graph.nodes)
    if shape is None:
        raise CommandError(f"{lesson.id} has no network: --network draws a [model] block's")
    if not 1 <= args.example <= shape.examples:
        raise CommandError(f"--example is 1 to {shape.examples} for {lesson.id}")
    if args.format == "dot":
        out.write(
            render_network_dot(graph.nodes, shape, example=args.example, show_grad=args.grads)
        )
    else:
        width = args.width or shutil.get_terminal_size().columns
        picture = render_network(
            graph.nodes, shape, width, example=args.example, show_grad=args.grads
        )
        print(picture, file=out)
    return 0


#: What a compact node says, under a compact drawing.
COMPACT_KEY = "each node: name=data g=grad"
#: What a listed node says, under a listing.
LISTED_KEY = "a node a line, name=data g=grad ← what it is made of"


def _width(text: str) -> int:
    """``--width``: a whole number of columns, at least 20."""
    import argparse

    try:
        width = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 20 <= width <= 10_000:
        raise argparse.ArgumentTypeError(f"{width} columns: give 20 to 10000")
    return width


if __name__ == "__main__":
    sys.exit(main())
