"""Validate a lesson: three independent sources must agree on every answer.

For every question, at the file's numbers and at least `VARIANTS` variants:

1. **symbolic**: SymPy's exact value: local derivatives derived from the limit
   definition, composed by the chain rule (`tutor.symbolic`);
2. **numeric**: the engine's ``backward()`` (what the checker grades against);
3. **finite differences**: central differences on the engine's forward pass.

A question where they disagree is an error naming it. Then the checker itself is
checked: the expected answer with its sign flipped, doubled, and plus one must
each be graded incorrect, or the question's tolerance is too loose; a prompt
that asks for N decimal places must say `decimals = N`, and N places must be
reachable from the numbers on the screen.

Variants are drawn as a quiz draws them (`tutor.check.variants`); the report
counts the draws refused on the way, and why. A lesson with `vary` where no
draw is usable is an error: its quizzes would show the file's own numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# The symbolic source (SymPy) comes with validation, as every kind's `exact` needs it:
# the checker's child imports this module before any lesson (`tutor.runtime.budget`).
from tutor.check import exact  # noqa: F401
from tutor.check.grade import grade
from tutor.check.kinds import kind_of
from tutor.check.quantities import owner
from tutor.check.question import MAX_ALLOWANCE, asked_places, places, prepare
from tutor.check.variants import draw_quiz, fairness_checked
from tutor.engine import topo_order
from tutor.lesson import Ask, Graph, GraphError, Lesson, LessonError, lesson_graph
from tutor.lesson.graph import MAX_VARIANT_DRAWS
from tutor.numbers import full

VARIANTS = 20
MAX_LISTED_LEAVES = 12  # a message lists the leaves' values up to this many
MAX_SEEDS = 200  # seeds tried to find VARIANTS distinct variants
AGREE_RTOL = 1e-9  # symbolic against the engine: both exact up to rounding
FD_RTOL, FD_ATOL = 1e-4, 1e-6  # finite differences are only approximate


@dataclass
class Report:
    lesson: Lesson
    errors: list[LessonError] = field(default_factory=list)
    #: What the author should know but that does not break the lesson.
    warnings: list[LessonError] = field(default_factory=list)
    variants: int = 0
    distinct: int = 0
    #: Draws refused on the way to the variants, by reason.
    dropped: Counter[str] = field(default_factory=Counter)
    #: Seeds where no draw was usable (a quiz there shows the file's own numbers).
    fell_back: list[int] = field(default_factory=list)

    def dropped_text(self) -> str:
        """``12 draws dropped: 8 the file's own numbers, 4 ...`` (empty if none)."""
        count = sum(self.dropped.values())
        unchecked = (
            ""
            if not self.lesson.vary or fairness_checked(self.lesson)
            else "draws not checked for mistakes that score: the lesson is too large"
        )
        if not count:
            return unchecked
        why = ", ".join(f"{n} {reason}" for reason, n in self.dropped.most_common())
        text = f"{count} draw{'s' if count != 1 else ''} dropped: {why}"
        return f"{text}; {unchecked}" if unchecked else text

    #: The graphs checked: the file's numbers (or the one quiz variant), then variants.
    graphs: list[Graph] = field(default_factory=list)

    def add(self, ask: Ask | None, message: str, line: int | None = None) -> None:
        if line is None and ask is not None:
            line = ask.line
        self.errors.append(LessonError(str(self.lesson.path), line, message))

    def warn(self, ask: Ask | None, message: str) -> None:
        line = ask.line if ask is not None else None
        error = LessonError(str(self.lesson.path), line, message)
        if error not in self.warnings:
            self.warnings.append(error)


def validate(lesson: Lesson, variants: int = VARIANTS, seed: int | None = None) -> Report:
    """Check every question at the file's numbers and ``variants`` other variants.

    With ``seed``, check that one variant only: what a quiz is about to show.
    """
    report = Report(lesson)
    if not lesson.has_graph or not lesson.questions:
        return report
    graph = lesson_graph(lesson, 0)
    if any(kind_of(a).kinks_matter for a in lesson.questions):
        _check_kinks(report, graph)
    _check_precision(report)
    if seed is None:
        graphs = _variants(report, variants)
    else:
        quiz = draw_quiz(lesson, seed)
        report.dropped.update(quiz.rejected)
        graphs = [quiz.graph]
    report.distinct = distinct(graphs[1:])
    report.graphs = graphs
    for index, ask in enumerate(lesson.questions):
        _check_allowance(report, graphs[0], index, ask)  # a draw out of reach is not drawn
    for variant in graphs:
        for index, ask in enumerate(lesson.questions):
            _check_sources(report, variant, index, ask)
        if len(report.errors) > 20:
            break
    _check_checker(report, graphs[0])
    _check_own(report, graphs[0])
    report.variants = len(graphs) - 1 if seed is None else 1
    return report


def _check_kinks(report: Report, graph: Graph) -> None:
    """A relu whose input is exactly 0 at the file's numbers: name its line and node."""
    lesson = report.lesson
    for node in topo_order(graph.output):
        if node.op != "relu" or node.inputs[0].data != 0.0:
            continue
        name = owner(graph, node)
        inner = "" if node.label else " (inside it)"
        values = ", ".join(f"{n} = {_exactly(leaf.data)}" for n, leaf in graph.leaves.items())
        report.add(
            None,
            f"graph: the input of relu in `{name}`{inner} is exactly 0 at the file's numbers "
            f"({values}): relu has no slope there (the engine would use 0). Change a leaf "
            f"so that relu's input is not 0",
            lesson.line_of(name),
        )


def _variants(report: Report, count: int) -> list[Graph]:
    """The file's numbers, then the variants of seeds 1, 2, ... up to ``count`` of them.

    A seed with no usable draw (it falls back to the file's numbers) is passed over
    and noted: `validate` reports it as an error, since a quiz there would not have
    fresh numbers.
    """
    lesson = report.lesson
    graphs = [lesson_graph(lesson, 0)]
    if not lesson.vary or count <= 0:
        return graphs
    for seed in range(1, MAX_SEEDS):
        if len(graphs) > count:
            break
        quiz = draw_quiz(lesson, seed)
        report.dropped.update(quiz.rejected)
        if quiz.fell_back:
            report.fell_back.append(seed)
            if len(graphs) == 1 and len(report.fell_back) >= 3:
                break  # nothing is usable: no need to try every seed
        else:
            graphs.append(quiz.graph)
    if report.fell_back:
        seeds = ", ".join(map(str, report.fell_back[:5]))
        more = "…" if len(report.fell_back) > 5 else ""
        what = "every draw fails" if len(graphs) == 1 else "some seeds have no usable draw"
        report.add(
            None,
            f"`vary`: {what} (seed {seeds}{more}: none of {MAX_VARIANT_DRAWS} draws usable; "
            f"{report.dropped_text()}); a quiz there would show the file's own numbers",
        )
    return graphs


def distinct(graphs: list[Graph]) -> int:
    return len({tuple(leaf.data for leaf in g.leaves.values()) for g in graphs})


def _name(index: int, ask: Ask) -> str:
    about = ", ".join(
        f"{key} = {value!r}" for key, value in (("node", ask.node), ("wrt", ask.wrt)) if value
    )
    return f"question {index + 1} (ask = {ask.kind!r}{', ' + about if about else ''})"


def _check_sources(report: Report, graph: Graph, index: int, ask: Ask) -> None:
    lesson = report.lesson
    try:
        question = prepare(lesson, graph, ask, index)
        if question.ungradable:  # inf or NaN: nothing below can compare with it
            report.add(ask, f"{_name(index, ask)} at {_where(graph)}: {question.ungradable}")
            return
        engine = question.expected
        symbolic = question.rules.exact(question)
        finite = question.rules.finite(question)
    except (GraphError, ArithmeticError, ValueError) as exc:
        report.add(ask, f"{_name(index, ask)} cannot be computed at {_where(graph)}: {exc}")
        return
    problems = []
    if abs(symbolic - engine) > AGREE_RTOL * max(1.0, abs(symbolic)):
        problems.append(f"the symbolic chain rule gives {full(symbolic)}")
    if finite is not None and not finite.trusted:
        kinked = graph.seed == 0 and any(
            e.message.startswith("graph: the input of relu") for e in report.errors
        )
        if not problems and not kinked:  # a relu exactly at its kink is reported already
            report.warn(
                ask,
                f"{_name(index, ask)}: finite differences cannot be trusted at {_where(graph)}: "
                f"{finite.why}. The symbolic chain rule and the engine agree ({full(engine)})",
            )
    elif (
        finite is not None
        and finite.value is not None
        and (abs(finite.value - engine) > FD_ATOL + FD_RTOL * abs(finite.value))
    ):
        problems.append(f"finite differences give {full(finite.value)}")
    if problems:
        report.add(
            ask,
            f"{_name(index, ask)}: the engine gives {full(engine)} but "
            f"{' and '.join(problems)} at {_where(graph)}",
        )


def _where(graph: Graph) -> str:
    if len(graph.leaves) > MAX_LISTED_LEAVES:  # a network: its 61 leaves help no one
        return f"seed {graph.seed}" + (" (the file's numbers)" if graph.seed == 0 else "")
    values = ", ".join(f"{name} = {_exactly(leaf.data)}" for name, leaf in graph.leaves.items())
    return f"seed {graph.seed} ({values})"


def _exactly(x: float) -> str:
    """A leaf's value as the file wrote it: 10 digits, or all when 10 would round it."""
    shown = full(x)
    return shown if float(shown) == x else repr(x)


def _check_precision(report: Report) -> None:
    """A prompt that asks for N decimal places is graded to N decimal places."""
    for index, ask in enumerate(report.lesson.questions):
        asked = asked_places(ask.prompt) if ask.prompt else None
        if asked is None or asked == ask.decimals:
            continue
        if ask.decimals is None:
            tolerance = f"the tolerance is rtol {ask.rtol:g}, atol {ask.atol:g}"
            fix = f"write `decimals = {asked}` instead of `rtol`/`atol`"
        else:
            tolerance = f"`decimals = {ask.decimals}`"
            fix = "make them agree"
        report.add(
            ask,
            f"{_name(index, ask)}: the prompt asks for {places(asked)} but {tolerance}: {fix}",
            report.lesson.key_line(ask, "prompt"),
        )


def _check_allowance(report: Report, graph: Graph, index: int, ask: Ask) -> None:
    """N decimal places must be reachable from the numbers the screen shows."""
    if ask.decimals is None:
        return
    question = prepare(report.lesson, graph, ask, index)
    units = question.allowance * 10.0**ask.decimals
    if question.out_of_reach and not any(e.line == ask.line for e in report.errors):
        report.add(
            ask,
            f"{_name(index, ask)}: asks for {places(ask.decimals)}, but worked from the "
            f"numbers on the screen the answer moves by up to {units:.1f} units of the last "
            f"place (its rounding band; more than {MAX_ALLOWANCE} is out of reach) at "
            f"{_where(graph)}: ask for fewer decimal places",
        )


def _check_checker(report: Report, graph: Graph) -> None:
    """The expected answer, perturbed, must be graded incorrect."""
    for index, ask in enumerate(report.lesson.questions):
        try:
            question = prepare(report.lesson, graph, ask, index)
        except (GraphError, ArithmeticError, ValueError):
            continue  # reported by `_check_sources` at the question's line
        if question.ungradable:
            continue  # likewise
        expected = question.expected
        if expected != 0 and question.within(-expected, expected):
            # Within atol of 0 (a saturated tanh's slope, 1e-10): every answer near 0
            # passes, by the tolerance's own definition. Worth knowing, not broken.
            if ask.decimals is not None:  # `decimals` admits 0, and `atol` may not be set
                more = _places_for(expected)
                report.warn(
                    ask,
                    f"{_name(index, ask)}: the answer ({full(expected)}) is 0 to "
                    f"{places(ask.decimals)} (`decimals = {ask.decimals}`), so 0 and answers "
                    f"of either sign are graded correct; if its sign and size matter, ask for "
                    + (f"more places (decimals = {more})" if more else "another quantity"),
                )
                continue
            report.warn(
                ask,
                f"{_name(index, ask)}: the answer ({full(expected)}) is within atol "
                f"({ask.atol:g}) of 0, so 0 and answers of either sign are graded correct; "
                f"if its sign and size matter, set atol lower (atol = {_below(expected)})",
            )
            continue
        for label, wrong in (
            ("flipped", -expected),
            ("doubled", 2 * expected),
            _near_miss(expected),
        ):
            if wrong == expected:
                continue
            verdict = grade(question, repr(wrong))
            if verdict.correct:
                tolerance = (
                    f"decimals {ask.decimals}"
                    if ask.decimals is not None
                    else f"rtol {ask.rtol:g}, atol {ask.atol:g}"
                )
                # Point at the key that lets it through: decimals, atol alone, or else rtol.
                if ask.decimals is not None:
                    key = "decimals"
                else:
                    key = "atol" if abs(wrong - expected) <= ask.atol else "rtol"
                report.add(
                    ask,
                    f"{_name(index, ask)}: the answer {label} ({full(wrong)}) is graded correct; "
                    f"the tolerance ({tolerance}) is too loose",
                    report.lesson.key_line(ask, key),
                )


def _check_own(report: Report, graph: Graph) -> None:
    """A kind that reads its own answers (code) checks its grading: its expected answer
    right, each known mistake diagnosed (`Kind.self_check`)."""
    for index, ask in enumerate(report.lesson.questions):
        question = prepare(report.lesson, graph, ask, index)
        for problem in question.rules.self_check(question):
            report.add(ask, f"{_name(index, ask)}: {problem}")


def _near_miss(expected: float) -> tuple[str, float]:
    """A slip a tolerance must not forgive, judged against the value's size: plus one
    for values up to 100 (where one is at least 1%), else plus 1% of the value (so
    2996005 plus one is not a slip that a relative tolerance of 1e-6 must catch)."""
    if abs(expected) <= 100:
        return "plus one", expected + 1
    return "plus 1%", expected + abs(expected) / 100


def _places_for(expected: float) -> int | None:
    """The fewest decimal places (at most 10) at which ``expected`` is told from 0 and
    from its negative: half a unit of the last place under a quarter of its size."""
    for count in range(11):
        if 0.5 * 10.0**-count < abs(expected) / 4:
            return count
    return None


def _below(expected: float) -> str:
    below = abs(expected) * 1e-6
    return f"{below:.0e}" if below else "0"
