"""A folder of lessons: the bundled course, or one a user points the tutor at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tutor.lesson.loader import load_lesson
from tutor.lesson.model import Lesson, LessonError, LessonLoadError

MAX_FILES = 1000


@dataclass
class Course:
    """The lessons that loaded, in course order, and every error of those that did not."""

    folder: Path
    lessons: list[Lesson] = field(default_factory=list)
    errors: list[LessonError] = field(default_factory=list)
    broken: dict[Path, list[LessonError]] = field(default_factory=dict)

    def find(self, key: str) -> Lesson | None:
        """A lesson by id, or by the path of its file."""
        for lesson in self.lessons:
            if lesson.id == key:
                return lesson
        path = Path(key).expanduser()
        for lesson in self.lessons:
            if path.exists() and lesson.path.resolve() == path.resolve():
                return lesson
        return None


def load_course(folder: Path, stop: Callable[[], bool] | None = None) -> Course:
    """Load every ``*.toml`` in ``folder``; one broken file never stops the others.

    ``stop`` is asked before each file: when it says so, loading ends there
    (the app quitting while a large folder loads).
    """
    course = Course(folder)
    if not folder.exists():
        course.errors.append(LessonError(str(folder), None, "no such folder"))
        return course
    if not folder.is_dir():
        course.errors.append(LessonError(str(folder), None, "not a folder"))
        return course
    try:
        # Not only regular files: a FIFO or a link to a device named *.toml is
        # reported by the loader (which never reads it), not skipped in silence.
        files = sorted(p for p in folder.glob("*.toml") if not p.is_dir())
    except OSError as exc:
        course.errors.append(LessonError(str(folder), None, f"cannot read: {exc.strerror}"))
        return course
    if len(files) > MAX_FILES:
        course.errors.append(
            LessonError(str(folder), None, f"{len(files)} files; reading the first {MAX_FILES}")
        )
        files = files[:MAX_FILES]
    claims: dict[str, list[Path]] = {}
    loaded: list[tuple[int, Lesson]] = []
    for position, path in enumerate(files):
        if stop is not None and stop():
            break
        try:
            lesson = load_lesson(path)
        except LessonLoadError as exc:
            course.broken[path] = exc.errors
            course.errors.extend(exc.errors)
            continue
        except (RecursionError, MemoryError, ValueError, ArithmeticError) as exc:
            # A bug the file provoked: report it for this file; the others still load.
            error = LessonError(
                str(path), None, f"cannot be loaded ({type(exc).__name__}); please report it"
            )
            course.broken[path] = [error]
            course.errors.append(error)
            continue
        claims.setdefault(lesson.id, []).append(path)
        loaded.append((position, lesson))
    # An id is a lesson's name in the progress file: a file that claims another's id
    # (a stranger's `00-aaa.toml` with `id = "manual-backprop"`) must never replace it
    # or show its progress. No file wins: each one claiming it is refused.
    for _, lesson in loaded:
        if len(claims[lesson.id]) > 1:
            error = duplicate_id(lesson, claims[lesson.id])
            course.broken[lesson.path] = [error]
            course.errors.append(error)
    loaded = [(position, lesson) for position, lesson in loaded if len(claims[lesson.id]) == 1]
    loaded.sort(key=lambda item: (item[1].order if item[1].order is not None else item[0], item[0]))
    course.lessons = [lesson for _, lesson in loaded]
    return course


def duplicate_id(lesson: Lesson, paths: list[Path]) -> LessonError:
    """The error of one of the files in ``paths`` that all claim ``lesson``'s id."""
    others = ", ".join(
        p.name if p.parent == lesson.path.parent else str(p) for p in paths if p != lesson.path
    )
    return LessonError(
        str(lesson.path),
        lesson.id_line,
        f"duplicate id `{lesson.id}` (also in {others}): every lesson needs its own id; "
        "no file with this id is loaded until one of them is renamed or removed",
    )


def load_one(key: str, folder: Path) -> Lesson:
    """A lesson by id (in ``folder``) or by the path of a ``.toml`` file.

    Raises `LessonLoadError` with a clear message when it cannot be found or loaded.
    """
    path = Path(key).expanduser()
    if key.endswith(".toml") or path.is_file():
        return load_lesson(path)
    course = load_course(folder)
    lesson = course.find(key)
    if lesson is None:
        broken = [p for p in course.broken if p.stem.endswith(key) or key in p.stem]
        if broken:
            raise LessonLoadError(course.broken[broken[0]])
        known = ", ".join(lesson.id for lesson in course.lessons) or "none"
        raise LessonLoadError(
            [LessonError(key, None, f"no lesson with this id in {folder} (ids: {known})")]
        )
    return lesson
