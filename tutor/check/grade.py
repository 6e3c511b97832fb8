"""Grade one answer: parse it safely, compare it, and name the mistake."""

from __future__ import annotations

from dataclasses import replace

from tutor.check.mistakes import Mistake
from tutor.check.question import Question, places
from tutor.check.verdict import Verdict
from tutor.engine import EngineError
from tutor.expr import Expr, ExprError, Num, evaluate, names, parse, to_text
from tutor.numbers import full, short
from tutor.status import CORRECT, INCORRECT, NOT_UNDERSTOOD

#: An answer within this relative distance (but outside the tolerance) is "close".
CLOSE = 0.02


def grade(question: Question, text: str) -> Verdict:
    """Grade ``text`` as an answer to ``question``.

    The feedback on a wrong answer never tells the expected answer of this
    question or of a later one in the lesson (`Question.gives_away`): it names
    the mistake and the edge, and leaves the number to the student, the hints
    and a reveal. The student's own text is kept in the verdict, whatever it is.
    """
    own = question.rules.grade_text(question, text)  # code, read by its kind
    if own is not None:
        return replace(own, answer=text.strip("\n"))
    text = text.strip()
    return replace(_grade(question, text), answer=text)


def _grade(question: Question, text: str) -> Verdict:
    try:
        expr = parse(text, question.graph.nodes.keys())
    except ExprError as error:
        message = error.message if error.message.endswith(("?", ".")) else f"{error.message}."
        return Verdict(
            NOT_UNDERSTOOD,
            f"Not understood: {message}",
            caret=error.caret() if error.col is not None else None,
        )
    used = names(expr)
    if used and question.form == "number":
        value = question.graph.value(used[0])
        shown = "" if question.gives_away(value) else f" (it is {short(value)} here)"
        return Verdict(
            NOT_UNDERSTOOD,
            f"This question asks for a number: write the value, not the name `{used[0]}`{shown}.",
        )
    try:
        values = _values(expr, question)
    except (EngineError, ZeroDivisionError, OverflowError) as error:
        return Verdict(
            NOT_UNDERSTOOD,
            f"Not understood: your answer cannot be computed at the current numbers "
            f"({_words(error, question)}).",
        )
    answer = values[0]
    if not used and question.form == "expression" and not question.is_constant:
        right = question.within(answer, question.expected)
        word = "is the right value here" if right else "is a number"
        examples = " or ".join(f"`{e}`" for e in question.examples)
        such_as = f" (such as {examples})" if examples else ""
        return Verdict(
            INCORRECT,
            f"{full(answer)} {word}, but this question asks for an expression in the node "
            f"names{such_as} that holds whatever the numbers are.",
            diagnosis="needs-expression",
        )
    answers = question.values_at(question.at, len(values))
    if all(question.within(v, e) for v, e in zip(values, answers, strict=True)):
        # Checked against the engine above; against SymPy's exact value here.
        exact = question.symbolic_expected
        if exact is None or question.within(answer, exact):
            return Verdict(CORRECT, _praise(question, expr))
    matched = [
        mistake
        for mistake in question.mistakes
        if all(
            _same(v, w, question)
            for v, w in zip(values, question.values_at(mistake.at, len(values)), strict=True)
        )
    ]
    if matched:
        first = matched[0]
        return Verdict(INCORRECT, _named(matched), diagnosis=first.code, edge=first.edge)
    expected = question.expected
    if not used and _near(answer, expected, question.decimals):
        return Verdict(INCORRECT, _close(question, answer), diagnosis="close")
    if used and not question.within(answer, expected):
        if question.gives_away(answer):
            detail = f"your expression does not give {question.symbol} at the current numbers"
        else:
            detail = (
                f"at the current numbers your expression gives {short(answer)}, which is not "
                f"{question.symbol}"
            )
    elif used:
        detail = "it matches at the current numbers but not when they change"
    else:
        detail = f"{question.symbol} is not {full(answer)}"
    return Verdict(INCORRECT, f"Not quite: {detail}.")


#: What goes wrong in each op, in words, when the numbers cannot be shown.
_FAILS = {
    "div": "it divides by zero",
    "log": "it takes the log of a number that is not positive",
    "pow": "a power cannot be computed",
    "exp": "exp of too large a number",
}


def _words(error: Exception, question: Question) -> str:
    """An engine error for a student: what went wrong, without the op's internal name,
    and without numbers that are the answer of this question or a later one."""
    if isinstance(error, ZeroDivisionError):
        return "it divides by zero"
    if isinstance(error, OverflowError):
        return "a number grows too large"
    op = getattr(error, "op", "")
    inputs = getattr(error, "inputs", ())
    message = str(error)
    if message.startswith(f"{op}: "):
        message = message[len(op) + 2 :]
    if any(question.gives_away(x) for x in inputs) or not message:
        return _FAILS.get(op, "a step cannot be computed")
    return message


def _values(expr: Expr, question: Question) -> list[float]:
    if isinstance(expr, Num):
        return [float(expr.value)]
    # A number is compared at the current numbers; an expression also nearby.
    graphs = question.points if names(expr) else question.points[:1]
    return [evaluate(expr, g.values()) for g in graphs]


def _same(answer: float, candidate: float, question: Question) -> bool:
    # A mistake is recognised with the question's own tolerance, at least a
    # little slack for answers rounded to a few digits.
    if question.decimals is not None:
        return question.within(answer, candidate)
    slack = max(question.ask.rtol, 1e-4)
    return abs(answer - candidate) <= question.ask.atol + slack * abs(candidate)


def _named(matched: list[Mistake]) -> str:
    """The feedback on an answer that known mistakes give: the mistake, or, where
    different mistakes give the same number at these numbers (x1 = 2 makes "forgot × x1"
    the same as "forgot the square's 2"), each of them, none claimed as the one made."""
    distinct: list[Mistake] = []
    for mistake in matched:
        if all(m.explain != mistake.explain for m in distinct):
            distinct.append(mistake)
    if len(distinct) == 1:
        return f"Not quite: {distinct[0].explain}"
    shown = distinct[:MAX_NAMED]
    count = ("Two", "Three")[len(shown) - 2]
    ways = " ".join(
        f"{label}: {_sentence(m.explain)}" for label, m in zip(_LABELS, shown, strict=False)
    )
    return f"Not quite. {count} mistakes give this number here. {ways}"


#: At most this many mistakes are named for one answer.
MAX_NAMED = 3
_LABELS = ("Either", "Or", "Or")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _praise(question: Question, expr: Expr) -> str:
    value = full(question.expected)
    if names(expr):
        return f"Correct: {question.symbol} = {to_text(expr)} (= {value} here)."
    return f"Correct: {question.symbol} = {value}."


def _near(answer: float, expected: float, decimals: int | None) -> bool:
    """Whether a wrong number is near enough to call close: within `CLOSE`, and, where
    the prompt asks for some decimal places, right to two fewer of them (its message
    says to check the last digits: a loss read at the wrong step of a slow training,
    1% away but wrong from the first decimal, is not close)."""
    if abs(answer - expected) > CLOSE * max(abs(expected), 1e-12):
        return False
    return decimals is None or abs(answer - expected) <= 0.5 * 10.0 ** (2 - decimals)


def _close(question: Question, answer: float) -> str:
    if question.decimals is not None:
        return (
            f"Close, but not right to {places(question.decimals)}: check the last digits. "
            "Keep every digit while you compute, and round only at the end."
        )
    expected = question.expected
    off = abs(answer - expected) / abs(expected) if expected else abs(answer)
    allowed = question.ask.rtol
    return (
        f"Close: {full(answer)} is {short(off * 100, 2)}% away from {question.symbol}, and "
        f"this question accepts {short(allowed * 100, 6)}%. Use more digits, or compute it "
        "exactly."
    )
