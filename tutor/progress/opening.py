"""Finding and opening the progress database, and what to do when that fails.

Opening never raises: a damaged file is moved aside and a new one started; a
database that cannot be written, or that a newer tutor wrote, is left alone and
progress is kept in memory, with a sentence saying so in the returned status.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import platformdirs

from tutor.progress.models import StoreStatus
from tutor.progress.schema import NewerSchemaError, migrate

FILE_NAME = "progress.sqlite3"
BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process's write to finish."""

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}

Clock = Callable[[], datetime]


def default_path() -> Path:
    """The database file: in $TUTOR_HOME if set, else in the user's data folder."""
    home = os.environ.get("TUTOR_HOME") or platformdirs.user_data_dir("tutor")
    return Path(home) / FILE_NAME


class _Corrupt(Exception):
    pass


def open_database(path: Path, clock: Clock) -> tuple[sqlite3.Connection, StoreStatus]:
    """A ready, migrated connection to `path` (or to memory) and what happened."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return _connect(path), StoreStatus(path)
        except _Corrupt:
            moved = _move_aside(path, clock)
            warning = (
                f"The progress file was damaged: it was moved to {moved} and a new one started."
            )
            return _connect(path), StoreStatus(path, warning, moved)
    except (sqlite3.Error, OSError, _Corrupt, NewerSchemaError) as exc:
        reason = f"cannot use {path}: {_describe(exc)}"
    return _connect(":memory:"), StoreStatus(None, f"Progress is not being saved: {reason}.")


def _connect(target: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_integrity(conn)
        migrate(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_integrity(conn: sqlite3.Connection) -> None:
    try:
        result = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorcode & 0xFF in _CORRUPT_CODES:
            raise _Corrupt(str(exc)) from exc
        raise
    if result != [("ok",)]:
        raise _Corrupt(result[0][0])


def _move_aside(path: Path, clock: Clock) -> Path:
    """Rename `path` to an unused `<name>.corrupt-<UTC time>`.

    Its write-ahead log needs no moving: closing the last connection to the
    damaged file has already checkpointed or dropped it.
    """
    stem = f"{path.name}.corrupt-{clock():%Y%m%dT%H%M%S}"
    moved = path.with_name(stem)
    n = 1
    while moved.exists():
        n += 1
        moved = path.with_name(f"{stem}-{n}")
    path.rename(moved)
    return moved


def _describe(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc)
