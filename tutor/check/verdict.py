"""The outcome of one answer: what grading (`tutor.check.grade`) and each kind's own
reading (`Kind.grade_text`) return."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.status import CORRECT, NOT_UNDERSTOOD


@dataclass(frozen=True)
class Verdict:
    """The outcome of one answer.

    ``status`` is correct, incorrect or not-understood (which costs no attempt);
    ``feedback`` says why in words; ``diagnosis`` is a short code for a known
    mistake, and ``edge`` the edge of the graph it concerns; ``caret`` shows
    where an answer that could not be read stopped making sense.
    """

    status: str
    feedback: str
    diagnosis: str | None = None
    edge: tuple[str, str] | None = None
    caret: str | None = None
    answer: str = ""

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    @property
    def understood(self) -> bool:
        return self.status != NOT_UNDERSTOOD
