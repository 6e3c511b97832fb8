"""Schema versions: a version-1 database is upgraded with its data intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tutor.progress import SCHEMA_VERSION, Answer, ProgressStore, default_path

# The schema as tutor first released it, frozen here: migrations must keep
# upgrading databases that were created with exactly this.
V1_SCHEMA = """
CREATE TABLE answer (
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
);
CREATE TABLE lesson_state (
    lesson_id TEXT PRIMARY KEY,
    step INTEGER NOT NULL DEFAULT 0,
    opened_at TEXT
);
PRAGMA user_version = 1;
"""

V1_COLUMNS = (
    "id",
    "lesson_id",
    "question_index",
    "seed",
    "answer",
    "verdict",
    "diagnosis",
    "hints_used",
    "points",
    "answered_at",
)
V1_ANSWERS = [
    (1, "chain", 0, 11, "3", "incorrect", "forgot-upstream", 0, 0.0, "2025-01-02T10:00:00+00:00"),
    (2, "chain", 0, 11, "-6", "correct", None, 1, 0.5, "2025-01-02T10:01:00+00:00"),
    (3, "chain", 1, 11, "", "revealed", None, 2, 0.0, "2025-01-02T10:02:00+00:00"),
    (4, "chain", 2, 11, "x", "not-understood", None, 0, 0.0, "2025-01-02T10:03:00+00:00"),
    (5, "tanh", 0, 12, "", "skipped", None, 0, 0.0, "2025-01-03T09:00:00+00:00"),
]


def create_v1_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    with conn:
        conn.executemany(
            f"INSERT INTO answer ({', '.join(V1_COLUMNS)}) VALUES ({', '.join('?' * 10)})",
            V1_ANSWERS,
        )
        conn.executemany(
            "INSERT INTO lesson_state VALUES (?, ?, ?)",
            [("chain", 3, "2025-01-02T10:03:00+00:00"), ("tanh", 1, "2025-01-03T09:00:00+00:00")],
        )
    conn.close()


def schema_of(path: Path) -> tuple[int, list[tuple[str, str]]]:
    """The version and each table's and index's definition, whitespace aside."""
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    ).fetchall()
    conn.close()
    return version, [(name, " ".join(sql.split())) for name, sql in rows]


def test_a_version_1_database_is_upgraded_with_its_data_intact():
    create_v1_database(default_path())
    with ProgressStore.open() as store:
        assert store.status.warning is None
        rows = store.answer_rows()
        chain, tanh = store.position("chain"), store.position("tanh")
        last = store.last_opened()
    assert rows == [
        dict(zip(V1_COLUMNS, values, strict=True)) | {"mode": "lesson", "quiz_attempt_id": None}
        for values in V1_ANSWERS
    ]
    assert (chain.step, chain.done, chain.earned) == (3, {0, 1}, frozenset())
    assert (tanh.step, tanh.done) == (1, {0})
    assert last == "tanh"
    assert schema_of(default_path())[0] == SCHEMA_VERSION == 2


def test_an_upgraded_database_takes_what_only_version_2_knows():
    create_v1_database(default_path())
    with ProgressStore.open() as store:
        attempt = store.start_quiz("chain", 11)
        store.record_answer(
            Answer("chain", 0, 11, "-6", "correct", mode="quiz", quiz_attempt_id=attempt)
        )
        store.earn_gradients("chain", ["o"])
        assert store.answer_rows()[-1]["quiz_attempt_id"] == attempt
        assert store.position("chain").earned == {"o"}


def test_an_upgraded_database_has_the_schema_of_a_new_one(tmp_path):
    create_v1_database(default_path())
    ProgressStore.open().close()
    new = tmp_path / "new.sqlite3"
    ProgressStore.open(new).close()
    assert schema_of(default_path()) == schema_of(new)
