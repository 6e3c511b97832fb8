"""`tutor check --watch`: check again whenever a lesson file is saved.

Standard library only: the files' modification times are polled (twice a
second by default), which works the same on every system and needs no
file-system events. Ctrl+C stops it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

INTERVAL = 0.5  # seconds between polls
MAX_FILES = 1000

Stamp = dict[Path, tuple[int, int]]

_sleep = time.sleep  # between polls (a test replaces it, not the `time` module's own)


def stamp(paths: list[Path]) -> Stamp:
    """The modification time and size of every lesson file under ``paths``."""
    found: Stamp = {}
    for path in paths:
        try:
            files = sorted(path.glob("*.toml"))[:MAX_FILES] if path.is_dir() else [path]
        except OSError:
            continue
        for file in files:
            try:
                info = file.stat()
            except OSError:
                continue  # a file that is being saved or was removed: next poll
            found[file] = (info.st_mtime_ns, info.st_size)
    return found


def watch(
    paths: list[Path],
    check: Callable[[], object],
    *,
    interval: float = INTERVAL,
    sleep: Callable[[float], None] | None = None,
    rounds: int | None = None,
) -> int:
    """Run ``check`` now and after every change to the files; return the number of
    checks run. ``rounds`` (for tests) stops after that many polls; otherwise it
    runs until Ctrl+C, which ends it quietly."""
    sleep = sleep or _sleep
    checks = 0
    try:
        before = stamp(paths)
        check()
        checks += 1
        polls = 0
        while rounds is None or polls < rounds:
            sleep(interval)
            polls += 1
            now = stamp(paths)
            if now != before:
                before = now
                check()
                checks += 1
    except KeyboardInterrupt:
        pass
    return checks
