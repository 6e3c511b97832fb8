"""Grading one answer: comparison, tolerance, diagnosis of common mistakes, hints."""

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
