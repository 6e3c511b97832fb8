"""Lints: what is probably a mistake in a lesson that otherwise works.

Each is a warning (`tutor check --strict` makes them errors), at the line of
the key concerned:

* a prompt that names another node than the one asked (``dL/dw`` on ``node = "b"``);
* a prompt that states an ``h`` other than the question's;
* a number written by hand that is the value of a node the variants change
  (``a is 2`` in a lesson where ``a`` varies: ``{a}`` keeps it right);
* a tolerance that cannot be met (narrower than the digits an answer is shown
  with), or that contradicts the precision the prompt asks for ("to four decimal
  places").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.check import prepare
from tutor.check.kinds import kind_of
from tutor.lesson import Ask, Graph, Lesson, LessonError
from tutor.numbers import full

#: The relative precision of an answer as the tutor writes it (`full`: 10 digits).
SHOWN_DIGITS = 5e-10

_NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
_DERIVATIVE = re.compile(r"(?<![\w])[d∂]\s*(\w+)\s*/\s*[d∂]\s*(\w+)")
_RESPECT = re.compile(r"with respect to\s+`?(\w+)`?", re.IGNORECASE)
_VALUE_OF = re.compile(r"value of\s+`?(\w+)`?", re.IGNORECASE)
_H = re.compile(rf"(?<![\w])h\s*=\s*({_NUMBER})")
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_PRECISION = re.compile(
    r"(\d+|" + "|".join(_WORDS) + r")[\s-]+"
    r"(decimal places?|decimals|dp\b|significant (?:figures|digits)|sig\.? ?figs?)",
    re.IGNORECASE,
)


def lint(lesson: Lesson, graphs: list[Graph]) -> list[LessonError]:
    """Warnings for ``lesson``; ``graphs`` are its variants (the file's numbers first)."""
    if not lesson.has_graph or not graphs:
        return []
    found: list[LessonError] = []
    path = str(lesson.path)
    for step, key, message in _problems(lesson, graphs):
        error = LessonError(path, lesson.key_line(step, key), message)
        if error not in found:
            found.append(error)
    return found


def _problems(lesson: Lesson, graphs: list[Graph]) -> Iterator[tuple[object, str, str]]:
    output = graphs[0].output.label
    varying = _varying(graphs)
    for number, step in enumerate(lesson.steps, start=1):
        label = f"step {number}"
        # `say` steps are shown only in lessons, always at the file's numbers: a
        # number written there by hand is right. Prompts and hints are in quizzes too.
        if not isinstance(step, Ask):
            continue
        if step.prompt is not None:
            text = _PLACEHOLDER.sub(" ", step.prompt)
            yield from _other_node(step, text, label, output, set(lesson.names))
            yield from _other_h(step, text, label)
            yield from _by_hand(step, "prompt", step.prompt, label, varying)
        for hint in step.hints:
            yield from _by_hand(step, "hints", hint, label, varying)
        index = lesson.questions.index(step)
        yield from _tolerance(lesson, step, index, label, graphs)


def _other_node(ask: Ask, text: str, label: str, output: str, nodes: set[str]):
    want = kind_of(ask).derivative(ask, output)  # (top, bottom) of d top / d bottom
    if want is not None:
        about = f"d{want[0]}/d{want[1]}"
        # A prompt may name other derivatives (`dL/dc = dL/dd · dd/dc`): only one
        # that never names the derivative asked is suspect.
        named = [m for m in _DERIVATIVE.finditer(text) if m[1] in nodes and m[2] in nodes]
        if named and not any((m[1], m[2]) == want for m in named):
            yield (
                ask,
                "prompt",
                f"{label}: the prompt asks for {named[0][0].strip()}, but the question "
                f"(ask = {ask.kind!r}, node = {ask.node!r}) grades {about}",
            )
        respect = want[1]
        said = [m[1] for m in _RESPECT.finditer(text) if m[1] in nodes]
        if said and respect not in said:
            yield (
                ask,
                "prompt",
                f"{label}: the prompt says 'with respect to {said[0]}', but the "
                f"question grades {about}",
            )
    if ask.spec.node_value:
        for match in _VALUE_OF.finditer(text):
            if match[1] in nodes and match[1] != ask.node:
                yield (
                    ask,
                    "prompt",
                    f"{label}: the prompt asks for the value of `{match[1]}`, but the "
                    f"question grades the value of `{ask.node}`",
                )


def _other_h(ask: Ask, text: str, label: str):
    if ask.h is None:  # only a nudge has an h
        return
    for match in _H.finditer(text):
        stated = float(match[1])
        if stated != ask.h:
            yield (
                ask,
                "prompt",
                f"{label}: the prompt says h = {match[1]}, but the question's h is "
                f"{full(ask.h)}: the answer is graded with h = {full(ask.h)}",
            )


def _varying(graphs: list[Graph]) -> dict[str, float]:
    """Nodes whose value differs between variants, with their value at the file's numbers."""
    first = graphs[0].values()
    changed: dict[str, float] = {}
    for graph in graphs[1:]:
        for name, value in graph.values().items():
            if name in first and value != first[name]:
                changed[name] = first[name]
    return changed


def _by_hand(step, key: str, text: str, label: str, varying: dict[str, float]):
    """A number right after a varying node's name (``a = 2``, ``a is 2``): stale in
    every variant but the file's own."""
    if not varying:
        return
    plain = _PLACEHOLDER.sub(" ", text)
    where = {"prompt": "the prompt", "hints": "a hint"}[key]
    for name, value in varying.items():
        pattern = rf"(?<![\w{{]){re.escape(name)}`?\s*(?:=|is|was|equals|:)\s*`?({_NUMBER})"
        for match in re.finditer(pattern, plain):
            if float(match[1]) == value:
                yield (
                    step,
                    key,
                    f"{label}: {where} writes `{name}`'s value {match[1]} by hand, but "
                    f"`{name}` changes in quiz variants: write {{{name}}} so it shows "
                    f"the current value",
                )


def _tolerance(lesson: Lesson, ask: Ask, index: int, label: str, graphs: list[Graph]):
    if ask.decimals is not None:
        return  # `decimals` sets the tolerance; `validate` holds it to the prompt
    expected = [prepare(lesson, g, ask, index).expected for g in graphs]
    allowed = [ask.atol + ask.rtol * abs(x) for x in expected]
    tolerance = f"rtol = {ask.rtol:g}, atol = {ask.atol:g}"
    rtol, atol = _default(ask)
    if ask.rtol != rtol:
        key = "rtol"
    elif ask.atol != atol:
        key = "atol"
    else:  # the default tolerance: the prompt's stated precision is what to change
        key = "prompt"
    if any(x != 0 and a < SHOWN_DIGITS * abs(x) for x, a in zip(expected, allowed, strict=True)):
        yield (
            ask,
            key,
            f"{label}: the tolerance ({tolerance}) cannot be met: it is narrower than the "
            f"10 significant digits answers are written with (the revealed answer itself "
            f"may be graded wrong). Use rtol = 1e-6 (the default) or wider",
        )
    stated = _PRECISION.search(ask.prompt or "")
    if stated is None:
        return
    count = stated[1].lower()
    digits = _WORDS.get(count) or int(count)
    decimals = stated[2].lower().startswith(("dec", "dp"))
    if decimals:
        return  # an error of `validate`'s, which says to write `decimals = N`
    unit = "decimal place" if decimals else "significant figure"
    for x, a in zip(expected, allowed, strict=True):
        rounded = round(x, digits) if decimals else float(f"{x:.{max(digits - 1, 0)}e}")
        if abs(rounded - x) > a:
            yield (
                ask,
                key,
                f"{label}: the prompt asks for {digits} {unit}s, but the tolerance "
                f"({tolerance}) rejects {full(x)} rounded that way ({full(rounded)}); "
                f"widen the tolerance (e.g. atol = {0.5 * 10.0**-digits:g} for decimal places)",
            )
            return


def _default(ask: Ask) -> tuple[float, float]:
    return ask.spec.rtol, ask.spec.atol
