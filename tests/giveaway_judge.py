"""The judge of what a feedback gives away (not a test module): the rules are in
`test_no_giveaway`'s docstring; `test_network_mistakes` judges its diagnoses by them too."""

from __future__ import annotations

import re

from tutor.expr import ExprError, evaluate, parse
from tutor.numbers import full, short
from tutor.session import Session

NUMBER = re.compile(r"(?<![\w.*^/])-?\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.]*\w)")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_AS_MEANT = str.maketrans({"O": "0", "o": "0", ",": "."})


def own_value(session: Session, text: str) -> float | None:
    try:
        return evaluate(parse(text, list(session.graph.nodes)), session.graph.values())
    except (ExprError, ArithmeticError, ValueError):
        return None


def giveaways(session: Session, index: int, text: str, feedback: str) -> list[str]:
    """What in ``feedback`` tells the answer of question ``index`` or a later one."""
    own = own_value(session, text)
    # What the student typed, read as they meant it: `2O` is 20, `14,3` is 14.3.
    typed = set(_DIGITS.findall(text)) | set(_DIGITS.findall(text.translate(_AS_MEANT)))
    compact_text = text.replace(" ", "")
    compact = feedback.replace(" ", "")
    found = []
    for later in range(index, len(session.lesson.questions)):
        question = session.question(later)
        answer = question.expected
        for token in NUMBER.findall(feedback):
            value = float(token)
            if token.lstrip("-") in typed or (own is not None and abs(value - own) < 1e-9):
                continue  # the student's own number, said back
            if token in (short(answer), full(answer)) or question.within(value, answer):
                found.append(f"the number {token}, the answer of {question.symbol}")
        if question.kind == "local":
            formula = str(question.formula).replace(" ", "")
            if re.search(rf"(?<!\w){re.escape(formula)}(?!\w)", compact_text):
                pass  # the student wrote it
            elif re.fullmatch(r"\w+", formula):
                if re.search(rf"`{formula}`|(=|\bis){formula}\b(?![-+*/])", compact):
                    found.append(f"the formula {formula} of {question.symbol}")
            elif formula in compact:
                found.append(f"the formula {formula} of {question.symbol}")
        if (
            later > index
            and own is not None
            and question.within(own, answer)
            and "/" in question.symbol
            and question.symbol in feedback
        ):
            found.append(f"that the answer is {question.symbol}")
    return found
