"""Progress persistence: a SQLite store of answers, lesson positions and quiz attempts.

Stdlib `sqlite3` only, cheap to import and to open. Typical use::

    store = ProgressStore.open()          # never raises
    if store.status.warning:
        show(store.status.warning)        # e.g. "Progress is not being saved: ..."
    store.record_answer(Answer("chain-rule", 0, seed, "-6", "correct", points=1.0))
"""

from tutor.progress.models import (
    MODES,
    VERDICTS,
    Answer,
    LessonPosition,
    LessonStatus,
    LessonSummary,
    Mode,
    QuizAttempt,
    StoredVerdict,
    StoreStatus,
)
from tutor.progress.opening import default_path
from tutor.progress.schema import SCHEMA_VERSION
from tutor.progress.store import ANSWER_COLUMNS, ProgressStore

__all__ = [
    "ANSWER_COLUMNS",
    "MODES",
    "SCHEMA_VERSION",
    "VERDICTS",
    "Answer",
    "LessonPosition",
    "LessonStatus",
    "LessonSummary",
    "Mode",
    "ProgressStore",
    "QuizAttempt",
    "StoreStatus",
    "StoredVerdict",
    "default_path",
]
