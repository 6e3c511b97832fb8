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
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO

from tutor import __version__, numbers
from tutor.status import NOT_STARTED

if TYPE_CHECKING:
    import argparse

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

        def error(self, message: str):  # type: ignore[override]
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
        "--dir", default=".", metavar="DIR", help="the folder to write ID.toml in (default: .)"
    )

    p = sub.add_parser("run", parents=[common], help="grade a file of scripted answers")
    p.add_argument("lesson", metavar="LESSON", help="a lesson id or a .toml file")
    p.add_argument("--answers", required=True, metavar="FILE", help="one answer a line")
    p.add_argument("--seed", type=int, default=0, help="variant of the numbers (0: the file's)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--record", action="store_true", help="store the attempts in your progress")

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


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # `tutor` alone opens the app, which draws the screen itself:
        return _main(SimpleNamespace(command=None), sys.stdout, sys.stderr)  # no parser built
    saved = sys.stdout, sys.stderr
    try:
        args = build_parser().parse_args(_expression_last(argv))
    except UsageError as exc:
        out, err = EscapingWriter(saved[0]), EscapingWriter(saved[1])
        err.write(exc.usage)
        err.write(f"tutor: error: {exc}\n")
        if "--json" in argv:  # stdout is one JSON value under --json, whatever fails
            _json_failure(out, f"usage: {exc}", USAGE_ERROR)
        return USAGE_ERROR
    if args.command is None:
        return _main(args, sys.stdout, sys.stderr)
    sys.stdout, sys.stderr = EscapingWriter(saved[0]), EscapingWriter(saved[1])
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
    match args.command:
        case None:
            from tutor.tui.app import run_app

            return run_app(folder)
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
            return cmd_new(args.id, Path(args.dir), out)
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
) -> int:
    """Check each lesson file, each within a time and memory budget (`budget` seconds);
    ``json_lines``: the JSON document on one line (``--watch --json``: JSON Lines)."""
    from tutor.author.checking import check_paths

    results = check_paths(paths, budget)
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
    import time

    from tutor.author.watch import watch

    def check() -> None:
        if not as_json:
            print(f"-- checking at {time.strftime('%H:%M:%S')} (Ctrl+C stops)", file=out)
        cmd_check(paths, out, strict=strict, as_json=as_json, json_lines=True)

    watch(paths, check)
    return 0


def cmd_new(lesson_id: str, folder: Path, out: TextIO) -> int:
    from tutor.author.new import NewLessonError, new_lesson

    try:
        path = new_lesson(lesson_id, folder)
    except NewLessonError as exc:
        raise CommandError(str(exc)) from None
    print(f"wrote {path}: check it with `tutor check {path}`", file=out)
    return 0


MAX_ANSWERS_BYTES = 1024 * 1024


def read_answers(path: Path) -> list[str | None]:
    """An answers file: one answer a line; blank and ``#`` lines ignored; ``-`` skips.

    Lines end at ``\n`` (or ``\r\n``) only: a U+2028, U+0085 or form feed
    inside an answer must not shift the later answers onto other questions.
    """
    from tutor.untrusted import UnreadableFile, read_limited

    try:
        data = read_limited(path, MAX_ANSWERS_BYTES)
    except UnreadableFile as exc:
        what = "no such answers file" if str(exc) == "no such file" else f"the answers file: {exc}"
        raise CommandError(f"{_shown_path(path)}: {what}") from None
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = f"{_shown_path(path)}:{line}"
        raise CommandError(f"{where}: the answers file is not UTF-8 text") from None
    answers: list[str | None] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        answers.append(None if stripped == "-" else stripped)
    return answers


def _shown_path(path: Path | str) -> str:
    """A path for a message: control characters escaped, a huge one shortened."""
    from tutor.untrusted import printable

    text = printable(str(path), keep_lines=False)
    return text if len(text) <= 200 else text[:100] + "..." + text[-60:]


def cmd_run(folder: Path, args: argparse.Namespace, out: TextIO) -> int:
    from tutor.lesson import GraphError
    from tutor.session import Session

    lesson = _lesson(folder, args.lesson)
    answers = read_answers(Path(args.answers))
    if args.seed < 0:
        raise CommandError("--seed must be 0 or more")
    _checked_within_budget(lesson, args.seed)
    try:
        session = Session(lesson, seed=args.seed, mode="quiz")
    except GraphError as exc:
        raise CommandError(f"{lesson.path}: {exc}") from None
    count = len(lesson.questions)
    if len(answers) > count:
        print(
            f"tutor: {args.answers} has {len(answers)} answers for {count} questions; "
            "the extra ones are ignored",
            file=sys.stderr,
        )
    results = []
    verdicts: list[Verdict | None] = []  # what `--record` stores
    for index in range(count):
        session.goto_question(index)
        question = session.question()
        if question.ungradable:  # an answer of inf or NaN (`tutor check` says so too)
            line = question.ask.line
            where = f"{lesson.path}:{line}" if line else str(lesson.path)
            raise CommandError(f"{where}: {question.ungradable}")
        answer = answers[index] if index < len(answers) else None
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
    if args.record:
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
        out.write(numbers.json_text(data))
        out.write("\n")
        return 0
    print(f"{lesson.title} ({lesson.id}, seed {args.seed})", file=out)
    for r in results:
        print(f"\nQ{r['index'] + 1}. {r['prompt']}", file=out)
        print(f"    answer: {r['answer']}", file=out)
        print(f"    {r['verdict']}: {_indent(r['feedback'])}", file=out)
    verdict = "passed" if session.passed else "not passed"
    print(
        f"\nScore: {numbers.score(session.score)} / {numbers.score(session.total)} "
        f"({numbers.percent(session.percent / 100)}): {verdict} "
        f"(pass mark {numbers.percent(lesson.pass_mark)})",
        file=out,
    )
    return 0


def _checked_within_budget(lesson, seed: int) -> None:
    """Refuse a lesson whose check fails or runs out of its budget, as the app does.

    Grading computes the exact gradients, the quiz's draw at ``seed`` and the
    trainings: unbudgeted, an exponent tower took 49 s and 4.2 GB and then failed
    with MemoryError. The check computes the same in a child process within
    `tutor.author.budget.APP_CHECK_SECONDS` and its memory budget, so grading after
    it passed is bounded by it.
    """
    from tutor.author.budget import check_to_use

    errors = check_to_use(lesson, seed, checker="run")
    if errors:
        raise CommandError("\n".join(str(error) for error in errors[:5]))


def _record(session, verdicts) -> None:
    """Store a scripted run's answers and score like a quiz's (``--record``), all at once."""
    import sqlite3

    from tutor.progress.recorder import record_run

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
    from tutor.progress.recorder import standing  # no Textual: the app's link to the store

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
    if args.format == "dot":
        out.write(render_dot(graph.output, show_grad=args.grads))
    else:
        width = args.width or shutil.get_terminal_size().columns
        picture = fit_text(graph.output, width, show_grad=args.grads)
        print(picture, file=out)
        if picture.compact:
            print(f"({COMPACT_KEY})", file=out)
    return 0


#: What a compact node says, under a compact drawing.
COMPACT_KEY = "each node: name=data g=grad"


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
