"""Finding and opening the progress database, and what to do when that fails.

Opening never raises: a damaged file is moved aside and a new one started; a
database that cannot be written, or that a newer tutor wrote, is left alone and
progress is kept in memory, with a sentence saying so in the returned status.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import platformdirs

from tutor.progress.models import StoreStatus
from tutor.progress.schema import MIGRATIONS, NewerSchemaError, migrate, user_version

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
        empty = _is_empty_file(path)
        try:
            conn = _connect(path)
        except _Corrupt:
            moved = _move_aside(path, clock)
            warning = (
                f"The progress file was damaged: it was moved to {moved} and a new one started."
            )
            return _connect(path), StoreStatus(path, warning, moved)
        except _ReadOnly as exc:
            return exc.memory, StoreStatus(
                None,
                f"Progress is not being saved: {path} is read-only. What you do now is kept "
                "in memory until the tutor closes.",
            )
        if empty:
            warning = f"The progress file {path} was empty (0 bytes): a new one was started."
            return conn, StoreStatus(path, warning)
        return conn, StoreStatus(path)
    except (sqlite3.Error, OSError, _Corrupt, NewerSchemaError) as exc:
        reason = f"cannot use {path}: {_describe(exc)}"
    return _connect(":memory:"), StoreStatus(None, f"Progress is not being saved: {reason}.")


class _ReadOnly(Exception):
    """The database can be read but not written; ``memory`` holds a copy of it."""

    def __init__(self, memory: sqlite3.Connection):
        super().__init__("read-only")
        self.memory = memory


def _is_empty_file(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _connect(target: Path | str) -> sqlite3.Connection:
    """`_connect_once`, tried again while another process holds the file it creates or
    turns to WAL (two tutors opened at once): SQLite's busy timeout does not cover that."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return _connect_once(target)
        except sqlite3.OperationalError as exc:
            locked = exc.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_once(target: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_integrity(conn)
        if target != ":memory:" and not _writable(conn):
            raise _ReadOnly(_copy_to_memory(conn))
        migrate(conn)
        _check_shape(conn)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(conn: sqlite3.Connection) -> bool:
    """Whether a write would succeed: a header write, rolled back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
            return False
        raise
    try:
        conn.execute(f"PRAGMA user_version = {user_version(conn)}")
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
            return False
        raise
    finally:
        conn.execute("ROLLBACK")
    return True


def _copy_to_memory(conn: sqlite3.Connection) -> sqlite3.Connection:
    """The read-only database's progress, copied into memory (shown, then added to)."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.backup(memory)
        memory.execute("PRAGMA foreign_keys = ON")
        migrate(memory)
        _check_shape(memory)
    except (sqlite3.Error, NewerSchemaError, _Corrupt):
        memory.close()
        memory = _connect(":memory:")
    return memory


_SHAPE: dict[str, set[str]] = {}


def _expected_shape() -> dict[str, set[str]]:
    """Every table and its columns, as the migrations make them (computed once)."""
    if not _SHAPE:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        for step in MIGRATIONS:
            for statement in step:
                conn.execute(statement)
        _SHAPE.update(_shape(conn))
        conn.close()
    return _SHAPE


def _shape(conn: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    ]
    return {
        table: {row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))}
        for table in tables
        if not table.startswith("sqlite_")
    }


def _check_shape(conn: sqlite3.Connection) -> None:
    """A database at the current version but missing a table or column is damaged.

    Without this, it failed on every run (``no such column``) and was never
    moved aside.
    """
    found = _shape(conn)
    for table, columns in _expected_shape().items():
        if table not in found:
            raise _Corrupt(f"the table {table} is missing")
        missing = columns - found[table]
        if missing:
            raise _Corrupt(f"the table {table} has no column {', '.join(sorted(missing))}")


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
