"""Lints: what is probably a mistake in a lesson that otherwise works.

Each is a warning (`tutor check --strict` makes them errors), at the line of
the key concerned:

* a prompt that names another node than the one asked (``dL/dw`` on ``node = "b"``);
* a prompt that states an ``h`` other than the question's;
* a number written by hand that is the value of a node the variants change
  (``a is 2`` in a lesson where ``a`` varies: ``{a}`` keeps it right);
* a tolerance that cannot be met (narrower than the digits an answer is shown
  with), or that contradicts the precision the prompt asks for ("to four decimal
  places");
* prose that disagrees with the set-up: a rate a prompt, hint or ``say`` states
  that is not the question's (or, in a ``say``, none of the lesson's), a number of
  updates that is not the question's ``steps`` (and "at step N" for another
  number: the training view's step N is after N updates), a prompt that reads the answer off
  a training view where none before it trains at the question's rate, and a node's
  value or gradient written by hand (``f = 2``, ``dL/dd = 2``) that is not its value
  at the file's numbers;
* training on a hand-written graph without ``parameters``: it moves every leaf,
  the inputs and targets too;
* a ``value`` question whose hidden node equals a node shown next to it
  (``p = e + y`` with ``y = 0``: the graph shows ``e``, which is the answer).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.check import prepare
from tutor.check.kinds import kind_of
from tutor.check.variants import shown_equal
from tutor.lesson import Ask, Graph, Lesson, LessonError
from tutor.lesson.kinds import NudgeAsk, StepAsk, TrainAsk
from tutor.lesson.model import Step
from tutor.lesson.shows import TrainingShow
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


def _problems(lesson: Lesson, graphs: list[Graph]) -> Iterator[tuple[Step, str, str]]:
    output = graphs[0].output.label
    varying = _varying(graphs)
    rates = _lesson_rates(lesson)
    yield from _trains_the_data(lesson)
    for number, step in enumerate(lesson.steps, start=1):
        label = f"step {number}"
        # `say` steps are shown only in lessons, always at the file's numbers, and tell
        # of other numbers too ("at x = −3 the slope is −22", "at the lecture's rate,
        # 0.05"): prompts and hints are about the question, in quizzes too.
        if not isinstance(step, Ask):
            continue
        for key, text in (("prompt", step.prompt), *(("hints", h) for h in step.hints)):
            if text is not None:
                yield from _stated(step, key, text, label, graphs[0], rates, step)
        yield from _read_off_a_view(lesson, step, label)
        yield from _shown_answer(step, label, graphs)
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
    if not isinstance(ask, NudgeAsk):  # only a nudge has an h
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


# -- prose held to the set-up -------------------------------------------------------

_RATE = re.compile(
    rf"\b(?:learning\s+)?rate(?:\s+of|\s*=|\s+is|,|:)?\s*`?−?-?({_NUMBER[2:]})", re.IGNORECASE
)
_UPDATES = re.compile(r"(?<![\w.])(\d+)\s+(?:more\s+)?(?:updates?|(?:training\s+)?steps)\b")
#: A step described as climbing, the meaning `ask = "step"` had before it descended.
_CLIMB = re.compile(
    r"\+=|gradient ascent|\buphill\b|\bup the gradient|\balong (?:its|the) gradient|"
    r"\bby\s+`?\+?\d+(?:\.\d+)?\s*×`?\s*(?:its|the) gradient",
    re.IGNORECASE,
)
_AT_STEP = re.compile(r"\bat\s+step\s+(\d+)\b", re.IGNORECASE)
#: ``f = 2``, ``f is 2`` (a chain such as ``dL/dd = f = 2`` states f's value).
#: What ends a number that is the whole of what is stated, not the start of a
#: formula (``2(ypred1 − y1)``, ``2x``, ``2 × a``).
_WHOLE = r"(?![\w(·*×/^])(?!\.\d)(?!\s*[(·*×/^\w])"
_STATED_VALUE = (
    r"(?<![\w{{/]){name}`?\s*(?:=|is|equals)\s*`?(−?-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    + _WHOLE.replace("{", "{{").replace("}", "}}")
)
_STATED_GRAD = re.compile(
    r"(?<![\w])[d∂](\w+)\s*/\s*[d∂](\w+)`?\s*=\s*`?(−?-?\d+(?:\.\d+)?)" + _WHOLE
)


def _number_of(text: str) -> float:
    return float(text.replace("−", "-"))


def _agrees(stated: str, value: float) -> bool:
    """Whether ``stated`` is ``value`` as written: to its own last digit (``0.3775``
    for 0.37754), or to 10 significant digits."""
    number = _number_of(stated)
    digits = len(stated.split(".")[1]) if "." in stated and "e" not in stated.lower() else 0
    half = 0.5 * 10.0**-digits if "e" not in stated.lower() else 0.0
    return abs(number - value) <= half + SHOWN_DIGITS * max(abs(value), 1e-300) + 1e-12


def _lesson_rates(lesson: Lesson) -> set[float]:
    found: set[float] = set()
    for step in lesson.steps:
        if isinstance(step, TrainingShow):
            found |= {step.rate or 0.05, *step.compare}
        elif isinstance(step, StepAsk | TrainAsk):
            found.add(step.rate)
    return found


def _stated(step, key: str, text: str, label: str, graph: Graph, rates, ask: Ask | None):
    """Rates, update counts and node values the text states, held to the set-up."""
    plain = _PLACEHOLDER.sub(" ", text)
    where = {"prompt": "the prompt", "hints": "a hint"}[key]
    own = ask.rate if isinstance(ask, StepAsk | TrainAsk) else None
    if own is not None or (ask is None and rates):
        for match in _RATE.finditer(plain):
            stated = abs(_number_of(match[1]))
            if own is not None and stated != own:
                yield (
                    step,
                    key,
                    f"{label}: {where} says rate {match[1]}, but the question's rate is "
                    f"{full(own)}: the answer is graded at rate {full(own)}",
                )
            elif own is None and stated not in rates:
                known = ", ".join(full(r) for r in sorted(rates))
                yield (
                    step,
                    key,
                    f"{label}: {where} says rate {match[1]}, but no training in the lesson "
                    f"runs at it (its rates: {known})",
                )
    if isinstance(ask, StepAsk):
        climbs = _CLIMB.search(plain)
        if climbs:
            yield (
                step,
                key,
                f"{label}: {where} describes a step up the gradient ('{climbs[0]}'), but a "
                f"`step` descends: every parameter moves by −rate × its gradient "
                f"(p -= {full(ask.rate)} × grad), as in `train` (it climbed before)",
            )
    if isinstance(ask, TrainAsk):
        for match in _UPDATES.finditer(plain):
            if int(match[1]) != ask.steps:
                yield (
                    step,
                    key,
                    f"{label}: {where} says {match[0]}, but the question trains "
                    f"`steps = {ask.steps}` updates",
                )
        for match in _AT_STEP.finditer(plain):
            if int(match[1]) != ask.steps:
                yield (
                    step,
                    key,
                    f"{label}: {where} says '{match[0]}', but the training view labels the "
                    f"loss after {ask.steps} updates 'step {ask.steps}' (step N is after N "
                    f"updates): write 'at step {ask.steps}' or 'after {ask.steps} updates'",
                )
    values = graph.values()
    for name, value in values.items():
        if ask is not None and name == ask.node and ask.spec.node_value:
            continue  # the answer itself: a prompt does not state it
        pattern = _STATED_VALUE.format(name=re.escape(name))
        for match in re.finditer(pattern, plain):
            if not _agrees(match[1], value):
                yield (
                    step,
                    key,
                    f"{label}: {where} says {name} = {match[1]}, but `{name}` is "
                    f"{full(value)} at the file's numbers: write {{{name}}} to show its value",
                )
    output = graph.output.label
    for match in _STATED_GRAD.finditer(plain):
        top, bottom = match[1], match[2]
        if top != output or bottom not in graph.nodes:
            continue
        if ask is not None and kind_of(ask).derivative(ask, output) == (top, bottom):
            continue  # the answer itself
        grad = graph.grad(bottom)
        if not _agrees(match[3], grad):
            yield (
                step,
                key,
                f"{label}: {where} says d{top}/d{bottom} = {match[3]}, but it is "
                f"{full(grad)} at the file's numbers",
            )


def _read_off_a_view(lesson: Lesson, ask: Ask, label: str):
    """A training question read off a training view: one before it must train at its
    rate (zeroing the gradients as it does)."""
    if not isinstance(ask, TrainAsk) or ask.prompt is None:
        return
    if not re.search(r"training view|\bthe view\b|read it off", ask.prompt, re.IGNORECASE):
        return
    index = lesson.steps.index(ask)
    views = [
        s
        for s in lesson.steps[:index]
        if isinstance(s, TrainingShow) and s.zero_grad == ask.zero_grad
    ]
    if any(ask.rate in (v.rate or 0.05, *v.compare) for v in views):
        return
    rates = sorted({r for v in views for r in (v.rate or 0.05, *v.compare)})
    shown = ", ".join(full(r) for r in rates) if rates else "none: there is no training view"
    yield (
        ask,
        "prompt",
        f"{label}: the prompt says to read the answer off the training view, but no "
        f"training view before it trains at rate {full(ask.rate)} (its rates: {shown})",
    )


def _trains_the_data(lesson: Lesson):
    """Training on a hand-written graph without `parameters` moves every leaf."""
    if lesson.parameters is not None:
        return
    for number, step in enumerate(lesson.steps, start=1):
        trains = isinstance(step, TrainingShow) or (isinstance(step, Ask) and step.spec.trains)
        if trains:
            yield (
                step,
                "ask" if isinstance(step, Ask) else "show",
                f"step {number}: the lesson gives no `parameters`, so training moves every "
                f"leaf, the inputs and targets too (the data drift as it trains): name the "
                f"leaves it learns, `parameters = [...]`",
            )
            return  # once: the fix is one key for the whole lesson


def _shown_answer(ask: Ask, label: str, graphs: list[Graph]):
    """A hidden value next to a shown node equal to it, at the file's numbers: the answer
    is on the screen (a quiz draw where it happens is redrawn: `variants.shown_equal`)."""
    graph = graphs[0]
    other = shown_equal(graph, ask)
    if other is not None:
        yield (
            ask,
            "node",
            f"{label}: the graph hides `{ask.node}` but shows `{other}` = "
            f"{full(graph.value(other))} next to it, and `{ask.node}` = `{other}` at the "
            f"file's numbers: the answer is on the screen. Change the numbers so that they "
            f"differ",
        )
