"""What changed on disk: the stamp of a folder's lesson files, polled by
`tutor check --watch` and by the app under ``--watch`` (standard library only)."""

from __future__ import annotations

from pathlib import Path

INTERVAL = 0.5  # seconds between polls
MAX_FILES = 1000

Stamp = dict[Path, tuple[int, int]]


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
