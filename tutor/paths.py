"""Where the lessons are: cheap to import (the app needs it before its first paint)."""

from __future__ import annotations

import os
from pathlib import Path

#: The environment variable naming a folder of lessons to use instead of the course.
ENV = "TUTOR_LESSONS"


def bundled_lessons() -> Path:
    """The course that ships with the tutor (packaged, or in a source checkout)."""
    package = Path(__file__).parent
    packaged = package / "_lessons"
    return packaged if packaged.is_dir() else package.parent / "lessons"


def lessons_dir(option: str | None = None) -> Path:
    """``--lessons`` if given, else ``$TUTOR_LESSONS``, else the bundled course."""
    chosen = option or os.environ.get(ENV)
    return Path(chosen).expanduser() if chosen else bundled_lessons()
