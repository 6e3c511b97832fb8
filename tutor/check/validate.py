"""Validate a lesson: three independent sources must agree on every answer.

For every question, at the file's numbers and at least `VARIANTS` variants:

1. **symbolic**: SymPy's exact value: local derivatives derived from the limit
   definition, composed by the chain rule (`tutor.symbolic`);
2. **numeric**: the engine's ``backward()`` (what the checker grades against);
3. **finite differences**: central differences on the engine's forward pass.

A question where they disagree is an error naming it. Then the checker itself is
checked: the expected answer with its sign flipped, doubled, and plus one must
each be graded incorrect, or the question's tolerance is too loose.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from tutor.check import exact
from tutor.check.finite import Estimate, slope
from tutor.check.grade import grade
from tutor.check.quantities import local_graph, owner
from tutor.check.question import prepare
from tutor.engine import topo_order
from tutor.expr import Assignment, Num
from tutor.lesson import Ask, Graph, GraphError, Lesson, LessonError, build_graph, lesson_graph
from tutor.numbers import full

VARIANTS = 20
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
    if any(a.kind != "value" for a in lesson.questions):
        _check_kinks(report, graph)
    graphs = _variants(lesson, variants) if seed is None else [lesson_graph(lesson, seed)]
    report.distinct = distinct(graphs[1:])
    report.graphs = graphs
    for variant in graphs:
        for index, ask in enumerate(lesson.questions):
            _check_sources(report, variant, index, ask)
        if len(report.errors) > 20:
            break
    _check_checker(report, graphs[0])
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


def _variants(lesson: Lesson, count: int) -> list[Graph]:
    """The file's numbers, then the variants of seeds 1, 2, ... up to ``count`` of them.

    A seed with no valid draw (it falls back to the file's numbers) is passed over.
    """
    graphs = [lesson_graph(lesson, 0)]
    if not lesson.vary:
        return graphs
    for seed in range(1, MAX_SEEDS):
        if len(graphs) > count:
            break
        graph = lesson_graph(lesson, seed)
        if graph.seed != 0:
            graphs.append(graph)
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
        engine = prepare(lesson, graph, ask, index).expected
        symbolic = _symbolic(lesson, graph, ask)
        finite = _finite(graph, ask)
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
    elif finite is not None and abs(finite.value - engine) > FD_ATOL + FD_RTOL * abs(finite.value):
        problems.append(f"finite differences give {full(finite.value)}")
    if problems:
        report.add(
            ask,
            f"{_name(index, ask)}: the engine gives {full(engine)} but "
            f"{' and '.join(problems)} at {_where(graph)}",
        )


def _where(graph: Graph) -> str:
    values = ", ".join(f"{name} = {_exactly(leaf.data)}" for name, leaf in graph.leaves.items())
    return f"seed {graph.seed} ({values})"


def _exactly(x: float) -> str:
    """A leaf's value as the file wrote it: 10 digits, or all when 10 would round it."""
    shown = full(x)
    return shown if float(shown) == x else repr(x)


def _symbolic(lesson: Lesson, graph: Graph, ask: Ask) -> float:
    """The exact answer from the symbolic side, as a float."""
    match ask.kind:
        case "value":
            return float(exact.exact_value(graph, graph.nodes[ask.node]))
        case "grad":
            return float(exact.exact_gradients(graph)[graph.nodes[ask.node]])
        case "local":
            return float(exact.exact_local(graph, ask.node, ask.wrt))
        case "nudge":
            h = Fraction(repr(ask.h))
            after = _rebuilt(lesson, graph, {ask.node: _exact(graph, ask.node) + h})
            rise = exact.exact_value(after, after.output) - exact.exact_value(graph, graph.output)
            return float(rise / h)
    grads = exact.exact_gradients(graph)
    rate = Fraction(repr(ask.rate))
    # Each leaf moves by rate × its gradient (exact, where the gradient is rational).
    moved = {
        name: _exact(graph, name) + rate * _fraction(grads[leaf])
        for name, leaf in graph.leaves.items()
    }
    after = _rebuilt(lesson, graph, moved)
    return float(exact.exact_value(after, after.output))


def _fraction(value) -> Fraction:
    """A SymPy number as a Fraction: exact when rational, else its float's decimal."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    return Fraction(repr(float(value)))


def _finite(graph: Graph, ask: Ask) -> Estimate | None:
    """The same answer by central differences, where that is meaningful."""
    match ask.kind:
        case "grad":
            return slope(graph.output, graph.nodes[ask.node])
        case "local":
            root, env = local_graph(graph, ask.node)
            return slope(root, env[ask.wrt])
    return None


def _exact(graph: Graph, name: str) -> Fraction:
    node = graph.nodes[name]
    return graph.exact.get(node, Fraction(repr(node.data)))


def _rebuilt(lesson: Lesson, graph: Graph, values: dict[str, Fraction]) -> Graph:
    """The graph at this variant with some nodes (leaves or not) set to exact values."""
    assignments = [
        Assignment(a.name, Num(values[a.name], str(values[a.name])), a.line)
        if a.name in values
        else a
        for a in lesson.assignments
    ]
    current = {name: _exact(graph, name) for name in graph.leaves}
    return build_graph(assignments, graph.output.label, {**current, **values}, graph.seed)


def _check_checker(report: Report, graph: Graph) -> None:
    """The expected answer, perturbed, must be graded incorrect."""
    for index, ask in enumerate(report.lesson.questions):
        question = prepare(report.lesson, graph, ask, index)
        expected = question.expected
        if expected != 0 and question.within(-expected, expected):
            # Within atol of 0 (a saturated tanh's slope, 1e-10): every answer near 0
            # passes, by the tolerance's own definition. Worth knowing, not broken.
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
                # Point at the key that lets it through: atol alone, or else rtol.
                key = "atol" if abs(wrong - expected) <= ask.atol else "rtol"
                report.add(
                    ask,
                    f"{_name(index, ask)}: the answer {label} ({full(wrong)}) is graded correct; "
                    f"the tolerance (rtol {ask.rtol:g}, atol {ask.atol:g}) is too loose",
                    report.lesson.key_line(ask, key),
                )


def _near_miss(expected: float) -> tuple[str, float]:
    """A slip a tolerance must not forgive, judged against the value's size: plus one
    for values up to 100 (where one is at least 1%), else plus 1% of the value (so
    2996005 plus one is not a slip that a relative tolerance of 1e-6 must catch)."""
    if abs(expected) <= 100:
        return "plus one", expected + 1
    return "plus 1%", expected + abs(expected) / 100


def _below(expected: float) -> str:
    below = abs(expected) * 1e-6
    return f"{below:.0e}" if below else "0"
