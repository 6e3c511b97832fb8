"""`tutor check`: load, validate, rehearse and lint lesson files; report per file.

A file is ``ok`` when it loads, its three sources agree at its numbers and its
variants (`tutor.check.validate`), and every step works in the app and in
`tutor run` (`tutor.author.rehearse`). Lints (`tutor.author.lint`) and finite
differences that cannot be trusted are warnings; ``strict`` makes them fail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tutor.lesson import Lesson, LessonError, LessonLoadError, load_lesson
from tutor.lesson.folder import duplicate_id, load_course

OK, WARNINGS, ERRORS = "ok", "warnings", "errors"
NO_LESSONS = "no lesson files (*.toml) in this folder"


@dataclass
class FileResult:
    """What `tutor check` found in one file (or a folder that could not be read)."""

    path: str
    lesson: Lesson | None = None
    errors: list[LessonError] = field(default_factory=list)
    warnings: list[LessonError] = field(default_factory=list)
    variants: int = 0
    distinct: int = 0
    #: The quiz draws refused on the way to the variants, and why ("" if none).
    dropped: str = ""

    @property
    def status(self) -> str:
        if self.errors:
            return ERRORS
        return WARNINGS if self.warnings else OK

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def as_json(self, strict: bool = False) -> dict:
        return {
            "path": self.path,
            "lesson": self.lesson.id if self.lesson else None,
            "status": self.status,
            "failed": self.failed(strict),
            "questions": len(self.lesson.questions) if self.lesson else 0,
            "variants": self.variants,
            "distinct": self.distinct,
            "dropped": self.dropped,
            "errors": [_error_json(e) for e in self.errors],
            "warnings": [_error_json(e) for e in self.warnings],
        }

    def lines(self, strict: bool = False) -> list[str]:
        """The text `tutor check` prints for this file."""
        out = [str(e) for e in self.errors]
        tag = "error (--strict)" if strict else "warning"
        out += [_tagged(e, tag) for e in self.warnings]
        if not self.failed(strict) and self.lesson is not None:
            lesson = self.lesson
            count = len(lesson.questions)
            dropped = f"; {self.dropped}" if self.dropped else ""
            variants = f"{self.variants} variants ({self.distinct} distinct{dropped})"
            warned = f", {len(self.warnings)} warnings" if self.warnings else ""
            tests = len(lesson.tests)
            tested = f", {tests} answer test{'s' if tests != 1 else ''} pass" if tests else ""
            out.append(
                f"ok {lesson.id}: {count} question{'s' if count != 1 else ''}, the file's "
                f"numbers and {variants}: three sources agree, every step works as in the "
                f"app{tested}{warned} ({lesson.path})"
            )
        return out


def _error_json(error: LessonError) -> dict:
    return {"path": error.path, "line": error.line, "message": error.message}


def _tagged(error: LessonError, tag: str) -> str:
    where = f"{error.path}:{error.line}" if error.line is not None else error.path
    return f"{where}: {tag}: {error.message}"


def check_paths(paths: list[Path], seconds: float | None = None, cancel=None) -> list[FileResult]:
    """Check files and folders; a lesson id used by two files is an error at each
    one's ``id`` line, wherever the files came from (as in a folder: no file wins).

    Each lesson is checked in a child process within a time and memory budget
    (`tutor.runtime.budget`; ``seconds`` each, default `CHECK_SECONDS`): a lesson
    that asks for unbounded work is reported at its path, and the next is checked.
    ``cancel`` (`tutor.author.watch.Cancel`, for ``--watch``): once set, the check
    running is stopped (its child killed) and no other starts; the results are then
    incomplete, and not to be shown.
    """
    from tutor.runtime.budget import CHECK_SECONDS, Checker

    results: list[FileResult] = []
    seen_files: set[Path] = set()
    ids: dict[str, list[Path]] = {}
    for path in paths:
        for result in _load(path):
            key = Path(result.path).resolve()
            if key in seen_files:
                continue  # the same file given twice (a folder and a file in it)
            seen_files.add(key)
            if result.lesson is not None:
                ids.setdefault(result.lesson.id, []).append(result.lesson.path)
            results.append(result)
    for result in results:  # as in a folder: every file claiming a duplicated id
        lesson = result.lesson
        if lesson is not None and len(ids[lesson.id]) > 1:
            result.errors.append(duplicate_id(lesson, ids[lesson.id]))
    with Checker() as checker:
        if cancel is not None:
            cancel.on_cancel(checker.close)
        for result in results:
            if cancel is not None and cancel.is_set():
                break
            if result.lesson is not None and not result.errors:
                outcome = checker.check(
                    result.lesson,
                    seconds=CHECK_SECONDS if seconds is None else seconds,
                    job=author_job,
                )
                result.errors += outcome.errors
                result.warnings += outcome.warnings
                result.variants, result.distinct = outcome.variants, outcome.distinct
                result.dropped = outcome.dropped
    return results


def _load(path: Path) -> list[FileResult]:
    if not path.is_dir():
        try:
            lesson = load_lesson(path)
        except LessonLoadError as exc:
            return [FileResult(str(path), errors=list(exc.errors))]
        return [FileResult(str(path), lesson)]
    course = load_course(path)
    if not course.lessons and not course.errors and not course.broken:
        return [FileResult(str(path), errors=[LessonError(str(path), None, NO_LESSONS)])]
    results = [FileResult(str(p), errors=list(errors)) for p, errors in course.broken.items()]
    broken = {e for errors in course.broken.values() for e in errors}
    results += [FileResult(str(path), errors=[e]) for e in course.errors if e not in broken]
    results += [FileResult(str(lesson.path), lesson) for lesson in course.lessons]
    return sorted(results, key=lambda r: r.path)


def author_job(lesson: Lesson, variants: int | None, seed: int | None) -> tuple:
    """`tutor check`'s job in the budgeted child (`tutor.runtime.budget.Job`): the
    fields of its `Outcome`."""
    result = FileResult(str(lesson.path), lesson)
    check_lesson(result, variants)
    return (result.errors, result.warnings, result.variants, result.distinct, result.dropped)


def check_lesson(result: FileResult, variants: int | None = None) -> None:
    """Validate, rehearse and lint one loaded lesson, filling in ``result`` (in the
    budgeted child process: `check_paths` is the way in)."""
    from tutor.author.lint import lint
    from tutor.author.rehearse import rehearse
    from tutor.check.validate import validate

    lesson = result.lesson
    if lesson is None:
        return  # nothing was loaded: the loader's errors are the result
    report = validate(lesson) if variants is None else validate(lesson, variants=variants)
    result.errors += report.errors
    result.warnings += report.warnings
    result.variants, result.distinct = report.variants, report.distinct
    result.dropped = report.dropped_text()
    if report.errors:
        return  # the answers are wrong: going through the app would only repeat it
    result.errors += rehearse(lesson, [g.seed for g in report.graphs[1:]], report.graphs)
    if not result.errors and lesson.tests:  # the answers the author says how to grade
        from tutor.author.answer_tests import run_tests

        result.errors += run_tests(lesson, report.graphs)
    if not result.errors:  # lints are for lessons that work; errors come first
        result.warnings += lint(lesson, report.graphs)
