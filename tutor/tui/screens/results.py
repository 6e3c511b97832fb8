"""The quiz results: each question's verdict, the expected answer and how it comes about."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from tutor import numbers
from tutor.derivation import Edge, Shown, derive
from tutor.session import Session
from tutor.status import CORRECT, INCORRECT, OPEN, SKIPPED
from tutor.tui import keys
from tutor.tui.errors import guarded
from tutor.tui.screens.base import TutorScreen
from tutor.tui.widgets.footer import Footer
from tutor.tui.widgets.narrative import fence

VERDICT_WORDS = {
    CORRECT: "✔ correct",
    INCORRECT: "✘ incorrect",
    SKIPPED: "– skipped",
    OPEN: "– not answered",
}


class ResultsScreen(TutorScreen):
    """What a finished quiz scored, question by question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            keys.RETAKE, "retake", "Quiz again", tooltip="A new quiz on this lesson, new numbers"
        ),
        Binding(keys.DONE, "done", "Course", tooltip="Back to the list of lessons"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.derivations: dict[int, Shown] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="results"):
            yield Markdown(self.report(), id="results-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results").focus()
        if any(a.spec.edge for a in self.session.lesson.questions):
            self._derive_locals()

    def report(self) -> str:
        """The results as Markdown."""
        session = self.session
        lesson = session.lesson
        verdict = "**passed**" if session.passed else "**not passed**"
        parts = [
            f"## Quiz results: {lesson.title}",
            f"Score **{numbers.score(session.score)} of {numbers.score(session.total)}** "
            f"({numbers.percent(session.percent / 100)}): {verdict} "
            f"(the pass mark is {numbers.percent(lesson.pass_mark)}).",
        ]
        for index, record in enumerate(session.records):
            question = session.question(index)
            reveal = session.solution(index)
            assert question is not None  # `solution` found it
            words = VERDICT_WORDS.get(record.status, record.status)
            parts.append(f"**{index + 1}. {words}:** {question.prompt.strip()}")
            first = record.attempts[0] if record.attempts else None
            facts = [
                f"Your answer `{first.answer}`" if first else "No answer",
                f"expected `{reveal.answer}`",
                f"{numbers.score(record.points)} of {numbers.score(question.ask.points)} points",
            ]
            if record.hints_used:
                facts.append(f"{record.hints_used} hint{'s' if record.hints_used > 1 else ''}")
            parts.append(" · ".join(facts))
            if first is not None and not first.correct:
                parts.append(first.feedback)
            explanation = list(reveal.explanation)
            shown = self.derivations.get(index)
            if shown is not None:
                explanation += ["", *shown.text()]
            if explanation:
                parts.append(fence(explanation, self.app.size.width))
        return "\n\n".join(parts)

    @work(thread=True, exit_on_error=False, group="derive")
    def _derive_locals(self) -> None:
        session = self.session
        found: dict[int, Shown] = {}
        for index, ask in enumerate(session.lesson.questions):
            if (
                ask.spec.edge
                and ask.node is not None
                and ask.wrt is not None
                and session.graph is not None
            ):
                try:
                    found[index] = derive(session.graph, Edge(ask.node, ask.wrt))
                except Exception:  # the explanation is there already
                    continue
        self.app.call_from_thread(self._add_derivations, found)

    def _add_derivations(self, found: dict[int, Shown]) -> None:
        self.derivations.update(found)
        self.query_one("#results-text", Markdown).update(self.report())

    @guarded
    def action_retake(self) -> None:
        self.host.start_quiz(self.session.lesson.id)

    @guarded
    def action_done(self) -> None:
        self.host.go_home()
