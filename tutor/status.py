"""The names of how an answer, a question and a lesson stand: one set for the tutor.

Grading (`tutor.check`), the session, the progress store and the screens all use
these; the store's columns hold them as written here. Stdlib only, imports nothing.
"""

from __future__ import annotations

from typing import Final

# -- an answer's verdict, and a question's status ------------------------------------------
CORRECT = "correct"
INCORRECT = "incorrect"  # in a quiz, a wrong first answer settles the question
NOT_UNDERSTOOD = "not-understood"  # could not be read: costs no attempt
REVEALED = "revealed"
SKIPPED = "skipped"
OPEN = "open"  # a question still to be answered (in a session; never stored)

#: The verdicts the progress store records for an answer.
VERDICTS = (CORRECT, INCORRECT, NOT_UNDERSTOOD, SKIPPED, REVEALED)

# -- a lesson's status, on the course list and in `tutor progress` --------------------------
NOT_STARTED: Final = "not-started"
IN_PROGRESS: Final = "in-progress"
DONE: Final = "done"
LESSON_STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)
