"""Derivations as text: the one layout `tutor derive` prints and the app shows.

A derivation reads as numbered steps, each with what was done and why on the
line below; when the case depends on the sign of an input (relu), each case
follows its condition. `derivation_rows` gives that as rows, for a display that
lays them out itself (the app's derivation panel, which wraps them to its
width), and `format_derivation` as lines of text (the command, the quiz
results). Local derivatives are named the same way everywhere (`derivative_name`,
`link_names`, `link_heading`, `chain_paths`).

Everything here is in `show` syntax (``x*y``, ``-``), as `--json` gives it;
`tutor.symbolic.show.unicode` dresses it for a terminal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sympy import Expr, Symbol

from tutor.symbolic.chain import ChainRule, Link
from tutor.symbolic.show import show
from tutor.symbolic.steps import Derivation, Step

#: How far the why of a step is indented under its expression, as printed.
WHY_INDENT = "      "


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a derivation: a step (``label`` its number, ``text`` its expression,
    ``why`` what was done and why it holds) or, with no label, words between steps
    (``When x > 0:``). ``depth`` is how far it is nested (the steps of one case)."""

    label: str
    text: str
    why: str = ""
    depth: int = 0


def step_why(step: Step, h: Symbol) -> str:
    """What was done, and why it holds: ``multiply out: the same expression ...``."""
    return f"{step.did}: {step.reason(h)}"


def derivation_rows(cases: Derivation | Sequence[Derivation]) -> list[Row]:
    """A derivation's steps; for several cases (relu's, by the sign of its input),
    which input they depend on, then each case's condition and its steps."""
    if isinstance(cases, Derivation):
        cases = (cases,)
    if len(cases) == 1:
        return _steps(cases[0], 0)
    rows = [Row("", f"It depends on the value of {show(cases[0].wrt)}.")]
    for case in cases:
        rows.append(Row("", f"When {show(case.condition)}:"))
        rows += _steps(case, 1)
    return rows


def _steps(derivation: Derivation, depth: int) -> list[Row]:
    h = derivation.h
    return [
        Row(f"{number}.", step.show(h), step_why(step, h), depth)
        for number, step in enumerate(derivation.steps, start=1)
    ]


def format_derivation(cases: Derivation | Sequence[Derivation], indent: str = "") -> list[str]:
    """`derivation_rows` as lines: `` 1. expression``, and the why under it."""
    lines = []
    for row in derivation_rows(cases):
        inside = indent + "  " * row.depth
        if row.label:
            lines += [f"{inside}{row.label:>3} {row.text}", f"{inside}{WHY_INDENT}{row.why}"]
        else:
            lines.append(f"{inside}{row.text}")
    return lines


def single_op(chain: ChainRule) -> bool:
    """One operation on one path: its derivation is the whole story."""
    return len(chain.paths) == 1 and len(chain.paths[0]) == 1


def derivation_title(
    chain: ChainRule, whole: str, definition: str = "", output: str = "the output"
) -> str:
    """The derivation's first line, the same in `tutor derive` and the app: how
    ``whole`` (the derivative's name) comes about; ``definition`` (``L = d*f``) is
    said, and ``output`` is the node's name, when the expression is a node's definition."""
    of = f" ({definition})" if definition else ""
    if single_op(chain):
        return f"{whole}, from the definition of the derivative{of}:"
    count = len(chain.paths)
    along = "the path" if count == 1 else f"each of the {count} paths, and add the paths up"
    return (
        f"{whole}, by the chain rule{of}: multiply the local derivatives along {along} "
        f"from {chain.wrt} to {output}:"
    )


def derivative_name(top: Expr, bottom: Expr) -> str:
    """``dL/dx``, ``d tanh(n)/dn``, ``d(x*y)/dx``, ``d(x*w + b)/d(x*w)``."""

    def part(e: Expr) -> str:
        text = show(e)
        if isinstance(e, Symbol):
            return text
        return f" {text}" if e.is_Function else f"({text})"

    return f"d{part(top)}/d{part(bottom).strip()}"


def link_names(chain: ChainRule) -> dict[int, str]:
    """Each link's name by its ``id``: ``d(x*w)/dw``, with the input named where that
    alone is ambiguous (``x*x`` through its first or its second input)."""
    plain = {id(link): derivative_name(link.output, link.input) for link in chain.links}
    counts = Counter(plain.values())
    by_edge = {}
    for link in chain.links:
        name = plain[id(link)]
        by_edge[link.output, link.index] = name + (
            f" (input {link.index + 1})" if counts[name] > 1 else ""
        )
    # A sub-expression met on several paths (``exp(a)*exp(a)``) is one link of
    # `chain.links` but a link object on each path: every one gets its edge's name.
    return {id(link): by_edge[link.output, link.index] for path in chain.paths for link in path}


def link_heading(link: Link, name: str) -> str:
    """The line above a link's derivation: ``d(x*w)/dw, the local derivative of mul:``."""
    return f"{name}, the local derivative of {link.cases[0].op}:"


def chain_paths(chain: ChainRule, names: dict[int, str] | None = None) -> str:
    """The chain rule written with the links' names: the product along each path,
    added up over the paths (``d(x*x)/dx (input 1) + d(x*x)/dx (input 2)``)."""
    names = names or link_names(chain)
    return " + ".join(" · ".join(names[id(link)] for link in path) for path in chain.paths)
