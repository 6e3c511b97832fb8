"""The database schema as an ordered list of migration steps.

Step *n* (1-based) takes a database from `PRAGMA user_version` n-1 to n; a new
database runs every step. Never edit a released step: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: answers and the step reached in each lesson.
    (
        """CREATE TABLE answer (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL,
            question_index INTEGER NOT NULL,
            seed INTEGER NOT NULL,
            answer TEXT NOT NULL,
            verdict TEXT NOT NULL,
            diagnosis TEXT,
            hints_used INTEGER NOT NULL,
            points REAL NOT NULL,
            answered_at TEXT NOT NULL
        )""",
        """CREATE TABLE lesson_state (
            lesson_id TEXT PRIMARY KEY,
            step INTEGER NOT NULL DEFAULT 0,
            opened_at TEXT
        )""",
    ),
    # 2: quizzes, answer modes, finished questions and earned gradients.
    (
        """CREATE TABLE quiz_attempt (
            id INTEGER PRIMARY KEY,
            lesson_id TEXT NOT NULL,
            seed INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            score REAL,
            total REAL,
            passed INTEGER
        )""",
        "ALTER TABLE answer ADD COLUMN mode TEXT NOT NULL DEFAULT 'lesson'",
        "ALTER TABLE answer ADD COLUMN quiz_attempt_id INTEGER REFERENCES quiz_attempt (id)",
        "CREATE INDEX answer_lesson ON answer (lesson_id)",
        "CREATE INDEX quiz_attempt_lesson ON quiz_attempt (lesson_id)",
        """CREATE TABLE done_question (
            lesson_id TEXT NOT NULL,
            question_index INTEGER NOT NULL,
            PRIMARY KEY (lesson_id, question_index)
        ) WITHOUT ROWID""",
        """CREATE TABLE earned_gradient (
            lesson_id TEXT NOT NULL,
            node TEXT NOT NULL,
            PRIMARY KEY (lesson_id, node)
        ) WITHOUT ROWID""",
        # Version 1 knew a question was finished only from its answers.
        """INSERT INTO done_question (lesson_id, question_index)
            SELECT DISTINCT lesson_id, question_index FROM answer
            WHERE verdict IN ('correct', 'revealed', 'skipped')""",
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchemaError(Exception):
    """The database was written by a newer tutor than this one."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"it was written by a newer version of tutor (schema {found}; "
            f"this version knows up to {SCHEMA_VERSION})"
        )
        self.found = found


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction on an autocommit connection (isolation_level=None).

    It takes the write lock at once, so it waits out other writers (busy_timeout)
    instead of failing when a read would have to become a write.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the database up to SCHEMA_VERSION in one transaction.

    The version is read again under the write lock, so two processes opening a
    new database at once migrate it once.
    """
    if user_version(conn) == SCHEMA_VERSION:
        return
    with transaction(conn):
        found = user_version(conn)
        if found > SCHEMA_VERSION:
            raise NewerSchemaError(found)
        for version, step in enumerate(MIGRATIONS[found:], start=found + 1):
            for statement in step:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
