"""`tutor derive EXPR --wrt NAME [--at NAME=VALUE ...] [--json]`: show a derivation.

For one operation (``x*y``, ``tanh(n)``) it prints the numbered steps from the
limit definition to the local derivative; for an expression of several
operations (``tanh(x*w + b)``) the chain rule along each path and every
operation's derivation. With ``--at`` it also gives the value. Bad input is one
line on ``err`` and exit status 2, never a traceback. The steps are laid out by
`tutor.symbolic.text`, as the app's derivation panel shows them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TextIO

from sympy import Expr, Rational

from tutor import numbers
from tutor.expr import ExprError, names, parse, parse_constant, to_text
from tutor.expr.parser import NOT_A_NUMBER
from tutor.symbolic.chain import ChainRule, Link, chain_rule
from tutor.symbolic.convert import symbol
from tutor.symbolic.derivations import derivations
from tutor.symbolic.show import show, unicode
from tutor.symbolic.steps import Derivation, DerivationError, Kind
from tutor.symbolic.text import (
    chain_paths,
    derivation_title,
    derivative_name,
    format_derivation,
    link_heading,
    link_names,
    single_op,
    step_why,
)

USAGE_ERROR = 2


class _BadInput(ValueError):
    pass


def derive_main(
    expr_text: str, wrt: str, at: list[str], as_json: bool, out: TextIO, err: TextIO
) -> int:
    """Run `tutor derive`; returns the exit status."""
    try:
        tree = parse(expr_text)
        used = names(tree)
        if wrt not in used:
            raise _BadInput(f"--wrt {wrt}: {wrt} is not in {to_text(tree)}")
        values = _values(at, used)
        chain = chain_rule(tree, wrt, values)
        value = _value(chain, values) if values else None
    except ExprError as error:
        where = f" (at column {error.col + 1})" if error.col is not None else ""
        err.write(unicode(f"tutor derive: {error}{where}\n"))
        return USAGE_ERROR
    except (_BadInput, DerivationError) as error:
        err.write(unicode(f"tutor derive: {error}\n"))
        return USAGE_ERROR
    if as_json:
        out.write(
            json.dumps(
                _as_json(to_text(tree), wrt, chain, value), ensure_ascii=False, allow_nan=False
            )
        )
        out.write("\n")
    else:
        out.write(unicode(_as_text(chain, at, value)))
    return 0


def _values(at: list[str], used: list[str]) -> dict[str, Rational]:
    """``NAME=NUMBER`` items as exact values; a number is read by the expression parser."""
    values: dict[str, Rational] = {}
    for item in at:
        name, sign, number = (part.strip() for part in item.partition("="))
        if not sign or not name or not number:
            raise _BadInput(f"--at {item}: write NAME=NUMBER, such as x=0.5")
        if name not in used:
            raise _BadInput(f"--at {item}: {name} is not in the expression")
        if name in values:
            raise _BadInput(f"--at {item}: {name} is given twice")
        try:
            exact = parse_constant(number)
        except ExprError as error:
            if error.message == NOT_A_NUMBER:
                raise _BadInput(f"--at {item}: {number} is not a number") from None
            raise _BadInput(f"--at {item}: {error}") from None
        values[name] = Rational(exact.numerator, exact.denominator)
    return values


def _value(chain: ChainRule, values: Mapping[str, Rational]) -> Expr:
    exact = chain.result.xreplace({symbol(k): v for k, v in values.items()})
    missing = sorted(str(s) for s in exact.free_symbols)
    if missing:
        raise _BadInput(f"--at: the derivative depends on {', '.join(missing)} too: give a value")
    if not math.isfinite(float(exact)):
        raise _BadInput("--at: the value is too large to show")
    return exact


# -- text -------------------------------------------------------------------------------


def _as_text(chain: ChainRule, at: list[str], value: Expr | None) -> str:
    """The derivation in plain text (SymPy's syntax; the caller dresses it in Unicode)."""
    whole = derivative_name(chain.expr, chain.wrt)
    lines: list[str] = []
    if single_op(chain):
        lines += [derivation_title(chain, whole), ""]
        lines += format_derivation(chain.links[0].cases)
        lines.append("")
    elif chain.links:
        lines += [*_chain_text(chain, whole), ""]
    given = ", ".join(item.replace("=", " = ") for item in at)
    kinks = _no_limit(chain)
    if value is not None and kinks:  # the engine's convention, not a derivative: say so
        lines.append(_at_a_kink(chain, kinks, given, whole, value))
        return "\n".join(lines) + "\n"
    chosen = " and ".join(show(condition) for condition in _chosen_cases(chain))
    lines.append(f"{f'for {chosen}: ' if chosen else ''}{whole} = {show(chain.product)}")
    if chain.result != chain.product:
        lines[-1] += f" = {show(chain.result)}"
    for link in chain.links:  # the cases shown: one where the limit does not exist
        for case in link.cases:
            if len(link.cases) > 1 and _has_no_limit(case):
                local = derivative_name(link.output, link.input)
                lines.append(
                    f"where {show(case.condition)}, {local} does not exist: the engine uses "
                    f"{show(case.result)} there by convention"
                )
    if value is not None:
        approx = numbers.approx(float(value))
        if not value.is_Rational:
            shown = f"≈ {approx}"
        elif value.is_Integer:
            shown = f"= {value}"
        else:
            shown = f"= {show(value)} ≈ {approx}"
        lines.append(f"at {given}: {whole} {shown}")
    return "\n".join(lines) + "\n"


def _has_no_limit(case: Derivation) -> bool:
    return any(step.kind is Kind.NO_LIMIT for step in case.steps)


def _no_limit(chain: ChainRule) -> list[Link]:
    """The links whose one case (chosen by the values) has no limit: relu at 0."""
    return [link for link in chain.links if len(link.cases) == 1 and _has_no_limit(link.cases[0])]


def _chosen_cases(chain: ChainRule) -> list[Expr]:
    """The conditions of the cases the values chose among several (relu's sign): the
    derivative found holds there, not everywhere."""
    return [
        link.cases[0].condition
        for link in chain.links
        if len(link.cases) == 1
        and link.cases[0].op != "pow"  # pow's one derivation depends on its exponent only
        and len(derivations(link.cases[0].op, link.cases[0].index)) > 1
    ]


def _at_a_kink(chain: ChainRule, kinks: list[Link], given: str, whole: str, value: Expr) -> str:
    """What ``--at`` gives where an op has no derivative: never its limit, which does
    not exist, but the engine's convention, said as one."""
    if single_op(chain):
        return (
            f"at {given}: no derivative, {whole} does not exist (the limit has no value); "
            f"the engine uses {show(value)} by convention"
        )
    where = " and ".join(
        f"{derivative_name(link.output, link.input)} ({show(link.cases[0].condition)})"
        for link in kinks
    )
    return (
        f"at {given}: no derivative {where}; with the engine's convention there "
        f"({show(kinks[0].cases[0].result)}) the chain rule gives {whole} = {show(value)}"
    )


def _chain_text(chain: ChainRule, whole: str) -> list[str]:
    names = link_names(chain)
    lines = [
        derivation_title(chain, whole),
        "",
        f"  {whole} = {chain_paths(chain, names)}",
    ]
    for link in chain.links:
        lines += ["", link_heading(link, names[id(link)])]
        lines += format_derivation(link.cases, indent="  ")
    return lines


# -- json -------------------------------------------------------------------------------


def _as_json(text: str, wrt: str, chain: ChainRule, value: Expr | None) -> dict:
    steps = []
    single = single_op(chain)
    names = link_names(chain)
    for link in chain.links:
        about = "" if single else f"{names[id(link)]}: "
        for case in link.cases:
            when = "" if len(link.cases) == 1 else f"when {show(case.condition)}: "
            steps += [
                {"expr": step.show(case.h), "why": about + when + step_why(step, case.h)}
                for step in case.steps
            ]
    if chain.links and not single:
        steps.append(
            {
                "expr": show(chain.product),
                "why": "the chain rule: the product of the local derivatives along each path "
                f"from {wrt} to the output, added up over the paths",
            }
        )
    kink = value is not None and bool(_no_limit(chain))
    found = {
        "expr": text,
        "wrt": wrt,
        "steps": steps,
        "result": str(chain.result),
        "value": None if value is None else float(value),
        # At a kink (relu at 0) there is no derivative: `value` is then the engine's
        # convention, not a derivative, and a script must not take it for one.
        "exists": not kink,
    }
    if kink:
        found["convention"] = found["value"]
        found["value"] = None
    return found
