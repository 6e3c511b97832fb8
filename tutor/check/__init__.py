"""Grading one answer: comparison, tolerance, diagnosis of common mistakes, hints."""

# The kinds' classes register themselves (`tutor.check.question.KINDS`) on import:
# every question needs its kind's, whichever module of the package is imported.
import tutor.check.kinds  # noqa: F401
from tutor.check.grade import CORRECT, INCORRECT, NOT_UNDERSTOOD, Verdict, grade
from tutor.check.question import Mistake, Question, explain, prepare, questions

__all__ = [
    "CORRECT",
    "INCORRECT",
    "NOT_UNDERSTOOD",
    "Mistake",
    "Question",
    "Verdict",
    "explain",
    "grade",
    "prepare",
    "questions",
]
