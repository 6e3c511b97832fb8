"""What the course list shows of each lesson, read quickly (stdlib only).

The home screen's first frame needs each lesson's title, summary, number of steps,
questions' points and pass mark, in course order: not the graphs, the scripts or
the checks that `tutor.lesson` builds (whose import and work would delay that
frame). `scan_course` reads just that much from the TOML files. It is a preview:
the app loads the course fully right after the first paint and shows it again
from the real lessons, with any file's errors. A folder the scan is not sure of
(a file that is not plain valid TOML with these keys, a duplicate id, a very large
folder or file) gives None, and the app loads it fully before the first paint.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from tutor.untrusted import UnreadableFile, bidi_characters, control_characters, read_limited

#: Above these the full loader reports a problem: leave such folders to it.
#: (Equal to `tutor.lesson.folder.MAX_FILES` and `tutor.lesson.loader`'s bounds.)
MAX_FILES = 1000
MAX_FILE_BYTES = 256 * 1024
MAX_ID = 64
MAX_TITLE = 80
MAX_SUMMARY = 300
DEFAULT_PASS_MARK = 0.7


@dataclass(frozen=True)
class LessonHeader:
    """One lesson as the course list shows it."""

    id: str
    title: str
    summary: str
    path: Path
    steps: int
    points: tuple[float, ...]  # each question's points, in order
    pass_mark: float

    @property
    def questions(self) -> int:
        return len(self.points)


def header_of(lesson) -> LessonHeader:
    """The header of a fully loaded `tutor.lesson.Lesson`."""
    return LessonHeader(
        id=lesson.id,
        title=lesson.title,
        summary=lesson.summary,
        path=lesson.path,
        steps=len(lesson.steps),
        points=tuple(float(ask.points) for ask in lesson.questions),
        pass_mark=lesson.pass_mark,
    )


def scan_course(folder: Path) -> list[LessonHeader] | None:
    """The headers of every lesson in ``folder``, in course order; None when unsure."""
    try:
        files = sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError:
        return None
    if not files or len(files) > MAX_FILES:
        return None
    found: list[tuple[int | None, int, LessonHeader]] = []
    for position, path in enumerate(files):
        scanned = _scan(path)
        if scanned is None:
            return None
        order, header = scanned
        found.append((order, position, header))
    if len({header.id for _, _, header in found}) < len(found):
        return None
    found.sort(key=lambda item: (item[0] if item[0] is not None else item[1], item[1]))
    return [header for _, _, header in found]


def _unsafe(text: str) -> bool:
    """Control or bidi characters, which `tutor.lesson.loader` refuses in any text."""
    return bool(control_characters(text) or bidi_characters(text))


def _scan(path: Path) -> tuple[int | None, LessonHeader] | None:
    """The file's order and header; None for anything unusual, and on any exception
    (a whole number of 4301 digits, TOML nested 1000 deep, a file too large to read):
    the full loader then reports it at its line."""
    try:
        return _scan_file(path)
    except Exception:  # MemoryError and RecursionError included: only a preview
        return None


def _scan_file(path: Path) -> tuple[int | None, LessonHeader] | None:
    try:
        # Its size is checked before a byte is read: a sparse 100 GiB file is not read.
        data = read_limited(path, MAX_FILE_BYTES)
    except UnreadableFile:
        return None
    table = tomllib.loads(data.decode("utf-8"))
    lesson_id, title, summary = table.get("id"), table.get("title"), table.get("summary", "")
    order, pass_mark, steps = table.get("order"), table.get("pass"), table.get("steps")
    if not (isinstance(lesson_id, str) and isinstance(title, str) and isinstance(summary, str)):
        return None
    if _unsafe(lesson_id + title + summary):
        return None  # the loader refuses it, at its line, before anything shows it
    title, summary = title.strip(), summary.strip()
    if (
        len(lesson_id) > MAX_ID
        or len(title) > MAX_TITLE
        or len(summary) > MAX_SUMMARY
        or "\n" in title + summary
    ):
        return None  # likewise: never shown, however it would wrap
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        return None
    if pass_mark is None:
        pass_mark = DEFAULT_PASS_MARK
    elif not isinstance(pass_mark, int | float) or isinstance(pass_mark, bool):
        return None
    if not isinstance(steps, list) or not steps or not all(isinstance(s, dict) for s in steps):
        return None
    points = []
    for step in steps:
        if "ask" in step:
            value = step.get("points", 1.0)
            if not isinstance(value, int | float) or isinstance(value, bool):
                return None
            points.append(float(value))
    header = LessonHeader(
        id=lesson_id,
        title=title.strip(),
        summary=summary.strip(),
        path=path,
        steps=len(steps),
        points=tuple(points),
        pass_mark=float(pass_mark),
    )
    return order, header
