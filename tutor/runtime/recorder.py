"""Keep the progress store in step with a session: the one recorder of answers.

The app calls the `Recorder` after each thing the student does; it writes it to
the store at once, so closing the terminal loses nothing. Opening a lesson
again restores where the student was: the step, the questions already settled
and the gradients earned. A store that fails while the app runs never stops the
lesson: the recorder keeps a plain-words ``warning`` instead. `tutor run
--record` stores a scripted run through `record_run`, each answer written the
same way (a skipped question's text is `NO_ANSWER`, as in the app).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.check import Verdict
from tutor.lesson import Lesson
from tutor.progress import Answer, ProgressStore
from tutor.session import NO_ANSWER, Session
from tutor.standing import SETTLING, Standing, stored_standing
from tutor.status import REVEALED, SKIPPED


def standing(store: ProgressStore, lesson: Lesson, started: bool) -> Standing:
    """A lesson's standing from the store, read only (the lesson is not "opened")."""
    points = [ask.points for ask in lesson.questions]
    return stored_standing(store, lesson.id, points, lesson.pass_mark, started)


@dataclass
class Recorder:
    """One session's link to the progress store."""

    store: ProgressStore
    session: Session
    quiz_attempt: int | None = None
    warning: str | None = None

    # -- opening -------------------------------------------------------------

    @classmethod
    def lesson(cls, store: ProgressStore, lesson: Lesson) -> Recorder:
        """Open ``lesson`` at the file's numbers, where the student left it."""
        recorder = cls(store, Session(lesson, seed=0, mode="lesson"))
        recorder._guard(recorder._restore)
        return recorder

    @classmethod
    def quiz(
        cls, store: ProgressStore, lesson: Lesson, seed: int, session: Session | None = None
    ) -> Recorder:
        """Start a quiz on variant ``seed`` (≥ 1) of ``lesson`` (``session``: drawn already)."""
        recorder = cls(store, session or Session(lesson, seed=seed, mode="quiz"))
        recorder.quiz_attempt = recorder._guard(lambda: store.start_quiz(lesson.id, seed))
        return recorder

    def _restore(self) -> None:
        session, lesson_id = self.session, self.session.lesson.id
        position = self.store.open_lesson(lesson_id)
        session.restore_history(self.store.answer_rows(lesson_id), position.done, position.earned)
        session.goto(position.step)

    # -- what the student did --------------------------------------------------

    @property
    def earned(self) -> set[str]:
        """Gradients to show: earned now, or in an earlier sitting."""
        return self.session.earned

    @property
    def done(self) -> int:
        """Questions done in this lesson, as the home screen and `tutor progress` count
        them (the store's record); the session's own count if the store cannot say."""
        session = self.session
        settled = session.settled
        if session.mode != "lesson":
            return settled
        position = self._guard(lambda: self.store.position(session.lesson.id))
        if position is None:
            return settled
        return sum(0 <= i < len(session.records) for i in position.done)

    def answered(self, index: int, verdict: Verdict) -> None:
        """Record an answer to question ``index`` as it was given."""
        record = self.session.records[index]
        self._write(
            index,
            verdict.answer,
            verdict.status,
            diagnosis=verdict.diagnosis,
            points=record.points if verdict.correct else 0.0,
        )

    def revealed(self, index: int) -> None:
        self._write(index, NO_ANSWER, REVEALED)

    def skipped(self, index: int) -> None:
        self._write(index, NO_ANSWER, SKIPPED)

    def moved(self) -> None:
        """Remember the step reached (lessons only: a quiz always starts afresh)."""
        if self.session.mode == "lesson":
            self._guard(lambda: self.store.set_step(self.session.lesson.id, self.session.position))

    def finish_quiz(self) -> None:
        """Record the finished quiz's score, so the best one shows on the home screen."""
        if self.quiz_attempt is None:
            return
        session, attempt = self.session, self.quiz_attempt
        self._guard(
            lambda: self.store.finish_quiz(
                attempt, score=session.score, total=session.total, passed=session.passed
            )
        )
        self.quiz_attempt = None

    def _write(
        self,
        index: int,
        text: str,
        verdict: str,
        *,
        diagnosis: str | None = None,
        points: float = 0.0,
    ) -> None:
        session = self.session
        record = session.records[index]
        answer = _answer(
            session, index, text, verdict, diagnosis, points, session.mode, self.quiz_attempt
        )

        def write() -> None:
            self.store.record_answer(answer)
            if session.mode == "lesson" and (record.settled or verdict in SETTLING):
                self.store.mark_done(session.lesson.id, index)
                self.store.earn_gradients(session.lesson.id, sorted(session.earned))

        self._guard(write)

    def _guard(self, work):
        """Run a store call; a failure becomes the ``warning``, never an exception."""
        try:
            return work()
        except (sqlite3.Error, OSError, ValueError) as exc:
            self.warning = f"Progress is not being saved: {exc}."
            return None


def record_run(store: ProgressStore, session: Session, verdicts: Sequence[Verdict | None]) -> None:
    """Store a scripted run (`tutor run --record`) like a quiz's, all at once:
    ``verdicts[i]`` is the verdict on question ``i``'s answer, None if it was skipped.
    A failing store raises (`sqlite3.Error`): the command says so."""
    answers = [
        _answer(session, index, NO_ANSWER, SKIPPED, None, 0.0, "run")
        if verdict is None
        else _answer(
            session,
            index,
            verdict.answer,
            verdict.status,
            verdict.diagnosis,
            session.records[index].points if verdict.correct else 0.0,
            "run",
        )
        for index, verdict in enumerate(verdicts)
    ]
    store.record_attempt(
        session.lesson.id,
        session.seed,
        answers,
        score=session.score,
        total=session.total,
        passed=session.passed,
    )


def _answer(
    session: Session,
    index: int,
    text: str,
    verdict: str,
    diagnosis: str | None,
    points: float,
    mode: str,
    attempt: int | None = None,
) -> Answer:
    """One stored answer to question ``index``, with the hints taken so far."""
    return Answer(
        lesson_id=session.lesson.id,
        question_index=index,
        seed=session.seed,
        text=text,
        verdict=verdict,  # type: ignore[arg-type]
        diagnosis=diagnosis,
        hints_used=session.records[index].hints_used,
        points=points,
        mode=mode,  # type: ignore[arg-type]
        quiz_attempt_id=attempt,
    )
