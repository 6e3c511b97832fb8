"""Graph scripts: one ``NAME = EXPR`` a line, parsed (never run) into assignments."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from fractions import Fraction

from tutor.engine.ops import FUNCTIONS
from tutor.expr.nodes import BinOp, Call, Expr, Name, Neg, Num, Pow
from tutor.expr.parser import ExprError, parse

MAX_LINES = 300
#: Engine nodes (operations and numbers, leaves included) a script may build. Each line
#: is bounded (`tutor.expr.parser`), but 300 lines of 400 tokens would be 60,000 nodes:
#: minutes and gigabytes to build, check and draw.
MAX_NODES = 5_000
_AUGMENTED = "+-*/%@&|^"  # `n += 1`, `n *= 2`, ... (`**=` and `//=` end in these too)


@dataclass(frozen=True, slots=True)
class Assignment:
    """``name = expr`` on ``line`` (1-based, within the script)."""

    name: str
    expr: Expr
    line: int

    @property
    def is_leaf(self) -> bool:
        """A leaf is a name given a plain (optionally negative) number."""
        return isinstance(self.expr, Num)

    @property
    def value(self) -> Fraction:
        if not isinstance(self.expr, Num):
            raise ValueError(f"{self.name} is not a leaf")
        return self.expr.value


class ScriptError(ValueError):
    """Every problem found in a script; each `ExprError` has its ``line`` set.

    ``defined`` lists every name the script assigns, broken lines included, so
    that a caller can go on checking what refers to them without a cascade.
    """

    def __init__(self, errors: list[ExprError], defined: list[str] | None = None):
        super().__init__("; ".join(f"line {e.line}: {e}" for e in errors))
        self.errors = errors
        self.defined = defined or []


def parse_script(text: str) -> list[Assignment]:
    """Parse a whole graph script, reporting every bad line, not just the first."""
    assignments: list[Assignment] = []
    errors: list[ExprError] = []
    defined: dict[str, int] = {}  # name -> line; includes names whose line was broken
    broken: set[str] = set()
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        error = ExprError(f"the graph is too long: at most {MAX_LINES} lines")
        error.line = MAX_LINES + 1
        raise ScriptError([error])

    def fail(number: int, message: str, line: str, col: int | None = None) -> None:
        error = ExprError(message, line, col)
        error.line = number
        errors.append(error)

    nodes = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        eq = _assignment_sign(line)
        if eq < 0:
            fail(number, "expected `NAME = EXPRESSION`", line, len(line) - len(line.lstrip()))
            continue
        name = line[:eq].strip()
        col = len(line) - len(line.lstrip())
        augmented = name.rstrip(_AUGMENTED).rstrip()
        if augmented != name and augmented.isidentifier():
            op = name[len(augmented) :].strip()
            rhs = line[eq + 1 :].strip() or "..."
            fail(
                number,
                f"`{augmented} {op}= ...` is an augmented assignment, which a graph does not "
                f"allow (each name is assigned once): write `{augmented}2 = {augmented} {op} "
                f"{rhs}` and use `{augmented}2` from there on",
                line,
                col,
            )
            continue
        if not name.isidentifier() or keyword.iskeyword(name):
            fail(number, f"`{name}` is not a name: use letters, digits and _", line, col)
            continue
        if name in FUNCTIONS:
            fail(number, f"`{name}` is a function; pick another name for the node", line, col)
            continue
        if name in defined:
            fail(number, f"`{name}` is assigned twice (first on line {defined[name]})", line, col)
            continue
        rhs = line[eq + 1 :]
        try:
            expr = parse(rhs, names=list(defined))
        except ExprError as exc:
            if not _mentions_broken(exc, broken):
                rhs_col = eq + 1 + exc.col if exc.col is not None else None
                if exc.message.startswith(f"unknown name `{name}`"):
                    message = f"`{name}` is defined in terms of itself"
                else:
                    message = _defined_later(exc, lines[number:], number) or exc.message
                fail(number, message, line, rhs_col)
            defined[name] = number
            broken.add(name)
            continue
        defined[name] = number
        assignments.append(Assignment(name, expr, number))
        nodes += node_count(expr)
        if nodes > MAX_NODES:  # parsing on would only cost time: this line is reported
            fail(number, too_many_nodes(), line)
            for later, rest in enumerate(lines[number:], start=number + 1):
                eq = _assignment_sign(rest.split("#", 1)[0])  # its name, for the steps
                if eq >= 0 and rest[:eq].strip().isidentifier():
                    defined.setdefault(rest[:eq].strip(), later)
            break
    if errors:
        raise ScriptError(errors, list(defined))
    if not assignments:
        fail(1, "the graph is empty: write one `NAME = EXPRESSION` a line", "")
        raise ScriptError(errors)
    return assignments


def node_count(expr: Expr) -> int:
    """The engine nodes an expression adds to a graph: its operations and numbers (a
    name is a node already built; a leaf's number is the leaf)."""
    count, stack = 0, [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            continue
        count += 1
        if isinstance(node, BinOp):
            stack += (node.left, node.right)
        elif isinstance(node, Neg):
            stack.append(node.operand)
        elif isinstance(node, Pow):
            stack.append(node.base)
        elif isinstance(node, Call):
            stack.append(node.arg)
    return count


def too_many_nodes() -> str:
    return (
        f"the graph passes {MAX_NODES:,} nodes (operations and numbers) on this line: "
        f"a lesson's graph has at most {MAX_NODES:,}"
    )


def _assignment_sign(line: str) -> int:
    """The column of the ``=`` that assigns (not part of ``==``, ``<=``, ...), or -1."""
    for col, ch in enumerate(line):
        if ch == "=":
            before = line[col - 1] if col else ""
            after = line[col + 1] if col + 1 < len(line) else ""
            if before not in "=<>!" and after != "=":
                return col
    return -1


def _mentions_broken(error: ExprError, broken: set[str]) -> bool:
    """An unknown-name error about a name whose own line was already reported."""
    return any(f"unknown name `{name}`" in error.message for name in broken)


def _defined_later(error: ExprError, rest: list[str], number: int) -> str | None:
    if not error.message.startswith("unknown name `"):
        return None
    name = error.message.split("`")[1]
    for offset, raw in enumerate(rest, start=1):
        line = raw.split("#", 1)[0]
        eq = _assignment_sign(line)
        if eq >= 0 and line[:eq].strip() == name:
            return f"`{name}` is used before it is defined (on line {number + offset})"
    return None
