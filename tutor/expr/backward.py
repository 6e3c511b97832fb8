"""micrograd ``_backward`` bodies → checked statements, through `ast` and a whitelist.

The student writes the body of an op's ``_backward`` closure as the lecture does::

    self.grad += other.data * out.grad
    other.grad += self.data * out.grad

This module reads that text into `Statement` objects, never running it: the text
goes through `ast.parse` and a walk that accepts only

* statements ``self.grad += EXPR``, ``other.grad += EXPR`` (and ``-=`` and ``=``,
  so that the ``=`` bug can be diagnosed rather than refused), and temporaries
  ``t = EXPR`` (each name assigned once, used after it);
* expressions of numbers, ``self.data``, ``other.data``, ``out.data``,
  ``out.grad`` (and ``self.grad``, ``other.grad``: ``self.grad = self.grad + ...``),
  ``other`` where it is a plain number (the exponent of ``**``), ``+ - * / **``
  and ``math.exp``, ``math.tanh``, ``math.log`` (the op table's functions that
  Python's ``math`` has).

Anything else is an `ExprError` with the line and a caret. The bounds are those of
`tutor.expr.parser` (length, depth, tree size, exponent), plus a number of lines
and statements. Temporaries are put in where they are used, so each statement's
expression is a plain tree of the names above (`tutor.expr.nodes`).

`METHODS` says how the lecture writes each op's method (its ``def`` line and its
forward line), for the ops of the engine's table that have one.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from tutor.engine.ops import FUNCTIONS
from tutor.expr.nodes import BinOp, Call, Expr, Name, Neg, Num, Pow, names
from tutor.expr.parser import (
    _KINDS,
    MAX_BITS,
    MAX_DEGREE,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    MAX_NODES,
    MAX_SCALE,
    ExprError,
    _degree,
    _invisible,
)

MAX_CODE_LENGTH = 2 * MAX_LENGTH  # characters of a whole body
MAX_LINES = 30  # lines of a body, blank ones included
MAX_STATEMENTS = 12  # statements of a body
MAX_INLINED = 2 * MAX_NODES  # nodes of one statement once its temporaries are put in
MAX_INLINED_DEPTH = 2 * MAX_DEPTH  # its nesting, likewise

#: The functions a body may call, as ``math.NAME(...)``.
MATH = tuple(f for f in FUNCTIONS if hasattr(math, f))
#: The values a body may read, as ``OWNER.FIELD``.
READS = ("self.data", "other.data", "out.data", "out.grad", "self.grad", "other.grad")
ALLOWED = (
    "`self.grad += ...` and `other.grad += ...` lines, `t = ...` temporaries, and "
    "expressions of numbers, self.data, other.data, out.data, out.grad, + - * / ** and "
    + ", ".join(f"math.{f}" for f in MATH)
)
_OWNERS = ("self", "other", "out")
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_AUGMENTED = {ast.Add: "+=", ast.Sub: "-="}


@dataclass(frozen=True, slots=True)
class Method:
    """How the lecture writes an op's method: its ``def`` line, its forward line, and
    its ``_backward``: each operand's local derivative (``locals``, in order), after
    the temporaries it needs (``prelude``), times ``out.grad``."""

    op: str
    signature: str
    forward: str
    locals: tuple[str, ...]
    prelude: tuple[str, ...] = ()

    @property
    def binary(self) -> bool:
        """``other`` is a second Value; for pow it is the exponent, a plain number."""
        return len(self.locals) == 2

    def lines(self, exponent: Fraction | None = None) -> list[str]:
        """The method with an empty ``_backward`` body, as the student sees it."""
        signature, forward = self.signature, self.forward
        if exponent is not None:
            signature = signature.replace("{other}", _number(exponent))
        return [
            signature,
            f"    out = Value({forward})",
            "    def _backward():",
            "        ...",
            "    out._backward = _backward",
            "    return out",
        ]

    def body(self) -> str:
        """The lecture's ``_backward`` body: each operand's local derivative × out.grad."""
        lines = [*self.prelude]
        for owner, local in zip(("self", "other"), self.locals, strict=False):
            lines.append(f"{owner}.grad += {local} * out.grad")
        return "\n".join(lines)


# fmt: off
METHODS = {m.op: m for m in (
    Method("add", "def __add__(self, other):", "self.data + other.data, (self, other), '+'",
           ("1.0", "1.0")),
    Method("sub", "def __sub__(self, other):", "self.data - other.data, (self, other), '-'",
           ("1.0", "-1.0")),
    Method("mul", "def __mul__(self, other):", "self.data * other.data, (self, other), '*'",
           ("other.data", "self.data")),
    Method("div", "def __truediv__(self, other):", "self.data / other.data, (self, other), '/'",
           ("(1 / other.data)", "(-out.data / other.data)")),
    Method("neg", "def __neg__(self):", "-self.data, (self,), 'neg'", ("-1.0",)),
    Method("pow", "def __pow__(self, other):  # other = {other}, a number",
           "self.data**other, (self,), f'**{other}'", ("other * self.data**(other - 1)",)),
    Method("tanh", "def tanh(self):", "math.tanh(self.data), (self,), 'tanh'", ("(1 - t**2)",),
           ("t = out.data",)),
    Method("exp", "def exp(self):", "math.exp(self.data), (self,), 'exp'", ("out.data",)),
    Method("log", "def log(self):", "math.log(self.data), (self,), 'log'", ("(1 / self.data)",)),
    Method("sigmoid", "def sigmoid(self):",
           "1 / (1 + math.exp(-self.data)), (self,), 'sigmoid'",
           ("out.data * (1 - out.data)",)),
)}
# fmt: on


@dataclass(frozen=True, slots=True)
class Statement:
    """``target.grad OP expr`` on ``line`` (1-based): target ``self`` or ``other``, OP
    ``+=``, ``-=`` or ``=``; ``expr`` with the temporaries put in."""

    target: str
    op: str
    expr: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """A parsed ``_backward`` body: its gradient statements, in order."""

    statements: tuple[Statement, ...]

    def targets(self) -> list[str]:
        return list(dict.fromkeys(s.target for s in self.statements))


def parse_backward(text: str, *, binary: bool, exponent: Fraction | None = None) -> Rule:
    """Read a ``_backward`` body. ``binary``: the op has a second Value, ``other``;
    ``exponent``: the op is a power, and ``other`` is this number."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return _Reader(text, binary, exponent).run()


def _number(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else repr(float(q))


class _Reader:
    def __init__(self, text: str, binary: bool, exponent: Fraction | None):
        self.text = text.replace("\r\n", "\n")
        self.lines = self.text.split("\n")
        self.binary = binary
        self.exponent = exponent
        self.temporaries: dict[str, tuple[Expr, int]] = {}  # name -> (tree, its depth)
        self.nodes = 0
        self.statements = 0
        self.shift = 0  # lines added in front of the text before parsing

    # -- errors ------------------------------------------------------------------

    def error(self, message: str, line: int | None = None, col: int | None = None) -> ExprError:
        shown = self.lines[line - 1] if line is not None and 0 < line <= len(self.lines) else ""
        if line is not None and len(self.lines) > 1:
            message = f"line {line}: {message}"
        error = ExprError(message, shown if line is not None else "", col)
        error.line = line
        return error

    def at(self, node: ast.expr | ast.stmt, message: str) -> ExprError:
        line = node.lineno - self.shift
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        prefix = text.encode("utf-8")[: node.col_offset].decode("utf-8", errors="ignore")
        return self.error(message, line, len(prefix))

    def source(self, node: ast.expr | ast.stmt) -> str:
        line = node.lineno - self.shift
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        raw = text.encode("utf-8")
        end = node.end_col_offset if node.end_lineno == node.lineno else len(raw)
        snippet = raw[node.col_offset : end].decode("utf-8", errors="ignore").strip()
        return snippet if len(snippet) <= 40 else snippet[:37] + "..."

    # -- the pipeline --------------------------------------------------------------

    def run(self) -> Rule:
        if not self.text.strip():
            raise self.error("nothing to read: write `self.grad += ...`")
        if len(self.text) > MAX_CODE_LENGTH:
            raise self.error(f"too long: at most {MAX_CODE_LENGTH} characters")
        if len(self.lines) > MAX_LINES:
            raise self.error(f"too long: at most {MAX_LINES} lines", MAX_LINES + 1)
        self.check_characters()
        source = self.text
        first = next(line for line in self.lines if line.strip())
        if first[0] in " \t":  # an indented body, as it stands in the method
            source, self.shift = "if True:\n" + self.text, 1
        try:
            tree = ast.parse(source, mode="exec")
        except SyntaxError as exc:
            raise self.syntax_error(exc) from None
        except (ValueError, MemoryError, RecursionError):
            raise self.error(f"this is not something I can read; {ALLOWED} are allowed") from None
        wrapper = tree.body[0]
        body = wrapper.body if self.shift and isinstance(wrapper, ast.If) else tree.body
        if len(body) == 1 and isinstance(body[0], ast.FunctionDef):
            body = self.function(body[0])
        statements = [s for s in (self.statement(node) for node in body) if s is not None]
        if not statements:
            raise self.error("no gradient is set: write `self.grad += ...`")
        return Rule(tuple(statements))

    def check_characters(self) -> None:
        depth = 0
        for number, line in enumerate(self.lines, start=1):
            if len(line) > MAX_LENGTH:
                raise self.error(f"this line is too long: at most {MAX_LENGTH} characters", number)
            for col, ch in enumerate(line):
                if _invisible(ch):
                    raise self.error(
                        f"an invisible character, U+{ord(ch):04X}, is in the text: delete it "
                        "and type that part again",
                        number,
                        col,
                    )
                if ch in "([{":
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise self.error(
                            f"too deeply nested: at most {MAX_DEPTH} parentheses", number, col
                        )
                elif ch in ")]}":
                    depth -= 1

    def syntax_error(self, exc: SyntaxError) -> ExprError:
        line = (exc.lineno or 1) - self.shift
        col = max((exc.offset or 1) - 1, 0)
        reason = (exc.msg or "").lower()
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if "indent" in reason:
            message = "the lines of the body must line up (the same indentation)"
            col = len(text) - len(text.lstrip())
        elif text.rstrip().endswith(("=", "+", "-", "*", "/", "(")):
            message = "the line ends too early"
            col = len(text.rstrip())
        elif "never closed" in reason:
            message = "a `(` is never closed"
        elif "unmatched" in reason or "does not match" in reason:
            message = "a bracket has no partner"
        else:
            message = f"this is not Python I can read; {ALLOWED} are allowed"
        if not 0 < line <= len(self.lines):
            line = len(self.lines)
        return self.error(message, line, min(col, len(self.lines[line - 1])))

    def function(self, node: ast.FunctionDef) -> list[ast.stmt]:
        """The whole closure pasted, ``def _backward():`` line and all: its body."""
        if node.name != "_backward" or node.decorator_list or _has_arguments(node.args):
            raise self.at(node, "write the body of `def _backward():` only, or that function")
        return node.body

    # -- statements ------------------------------------------------------------------

    def statement(self, node: ast.stmt) -> Statement | None:
        if isinstance(node, ast.Pass) or (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and node.value.value in (Ellipsis,)
        ):
            return None
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            raise self.at(node, f"too many statements: at most {MAX_STATEMENTS}")
        if isinstance(node, ast.AugAssign):
            target = self.grad_target(node.target)
            op = _AUGMENTED.get(type(node.op))
            if op is None:
                raise self.at(
                    node, f"`{self.source(node)}`: a gradient is added to (`+=`), not changed so"
                )
            return Statement(target, op, self.expression(node.value), node.lineno - self.shift)
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1:
                raise self.at(node, "one `=` a line, please")
            (assigned,) = node.targets
            if isinstance(assigned, ast.Name):
                self.temporary(assigned, node.value)
                return None
            name = self.grad_target(assigned)
            return Statement(name, "=", self.expression(node.value), node.lineno - self.shift)
        if isinstance(node, ast.Expr):
            self.expression(node.value)  # what it may not read is said first
            raise self.at(
                node,
                f"`{self.source(node)}` computes a value and drops it: set a gradient with "
                "`self.grad += ...`",
            )
        what = type(node).__name__.lower()
        raise self.at(
            node, f"`{self.source(node)}`: this statement ({what}) is not allowed; only {ALLOWED}"
        )

    def grad_target(self, node: ast.expr) -> str:
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr == "grad"
            and node.value.id in ("self", "other")
        ):
            owner = node.value.id
            if owner == "other" and not self.binary:
                raise self.at(node, self.no_other())
            return owner
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "out":
                raise self.at(
                    node,
                    "`out` is what the op made: its `_backward` sets the gradients of its "
                    "operands, `self.grad` and `other.grad`",
                )
            if node.attr == "data" and node.value.id in ("self", "other"):
                raise self.at(
                    node,
                    f"`{self.source(node)}` is the forward value: set the "
                    f"gradient, `{node.value.id}.grad`",
                )
        raise self.at(
            node,
            f"`{self.source(node)}`: only `self.grad`, `other.grad` or a temporary "
            "(`t = ...`) may be set",
        )

    def temporary(self, target: ast.Name, value: ast.expr) -> None:
        name = target.id
        if name in (*_OWNERS, "math", *FUNCTIONS):
            raise self.at(target, f"`{name}` cannot be a temporary: pick another name")
        if name in self.temporaries:
            raise self.at(target, f"`{name}` is assigned twice: each temporary is set once")
        expr = self.expression(value)
        self.temporaries[name] = (expr, _depth(expr))

    def no_other(self) -> str:
        if self.exponent is not None:
            return (
                "here `other` is the exponent, a plain number, not a Value: it has no "
                "`.data` and no `.grad`; write `other` for the number"
            )
        return "this op has one operand, `self`: there is no `other` here"

    # -- expressions -------------------------------------------------------------------

    def expression(self, node: ast.expr) -> Expr:
        self.nodes = 0
        expr = self.visit(node, 0)
        if _degree(expr) > MAX_DEGREE:
            raise self.at(node, f"the powers multiply out too large: at most x**{MAX_DEGREE}")
        return expr

    def grow(self, node: ast.expr | ast.stmt, count: int) -> None:
        self.nodes += count
        if self.nodes > MAX_INLINED:
            raise self.at(
                node,
                f"too long once the temporaries are put in: at most {MAX_INLINED} numbers, "
                "names and operators",
            )
        if count == 1 and self.nodes > MAX_NODES and not self.temporaries:
            raise self.at(node, f"too long: at most {MAX_NODES} numbers, names and operators")

    def visit(self, node: ast.expr, depth: int) -> Expr:
        self.grow(node, 1)
        if depth > MAX_DEPTH:
            raise self.at(node, f"too deeply nested: at most {MAX_DEPTH} levels")
        match node:
            case ast.Constant(value=value):
                return self.number(node, value)
            case ast.Name(id=ident):
                return self.name(node, ident, depth)
            case ast.Attribute():
                return self.attribute(node)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                inner = self.visit(operand, depth + 1)
                if isinstance(inner, Num):
                    text = inner.text[1:] if inner.text.startswith("-") else "-" + inner.text
                    return Num(-inner.value, text)
                return Neg(inner)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.visit(operand, depth + 1)
            case ast.BinOp(op=ast.Pow(), left=left, right=right):
                base = self.visit(left, depth + 1)
                k = self.constant(self.visit(right, depth + 1), right)
                if k is None:
                    raise self.at(right, f"`{self.source(right)}`: an exponent must be a number")
                if abs(k) > MAX_EXPONENT:
                    raise self.at(
                        right,
                        f"the exponent {_number(k)} is out of range: from -{MAX_EXPONENT} to "
                        f"{MAX_EXPONENT}",
                    )
                return Pow(base, k)
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINOPS:
                return BinOp(
                    _BINOPS[type(op)], self.visit(left, depth + 1), self.visit(right, depth + 1)
                )
            case ast.BinOp(op=ast.BitXor()):
                raise self.at(
                    node, f"`{self.source(node)}`: `^` is not a power in Python: write `**`"
                )
            case ast.BinOp(op=ast.FloorDiv()):
                raise self.at(node, "`//` is not allowed: use `/` to divide")
            case ast.Call():
                return self.call(node, depth)
        kind = _KINDS.get(type(node), "this")
        raise self.at(node, f"`{self.source(node)}`: {kind} is not allowed; {ALLOWED} are")

    def number(self, node: ast.Constant, value: object) -> Num:
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "text in quotes" if isinstance(value, str | bytes) else f"`{self.source(node)}`"
            raise self.at(node, f"{what} is not allowed; {ALLOWED} are")
        text = self.source(node)
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS or value > MAX_MAGNITUDE:
                raise self.at(node, f"`{text}` is too large a number: at most 1e300")
            return Num(Fraction(value), text)
        try:
            decimal = Decimal(text.replace("_", ""))
        except InvalidOperation:
            raise self.at(node, f"`{text}` is not a number I can read") from None
        if not decimal.is_finite():
            raise self.at(node, f"`{text}` is not a number I can read")
        if decimal.is_zero():
            return Num(Fraction(0), text)
        if decimal.adjusted() > MAX_SCALE or abs(decimal) > Decimal(MAX_MAGNITUDE):
            raise self.at(node, f"`{text}` is too large a number: at most 1e300")
        if decimal.adjusted() < -MAX_SCALE:
            raise self.at(node, f"`{text}` is too small a number: at least 1e-300")
        if len(decimal.as_tuple().digits) > MAX_DIGITS:
            raise self.at(node, f"`{text}` has too many digits: at most {MAX_DIGITS}")
        return Num(Fraction(decimal), text)

    def name(self, node: ast.Name, ident: str, depth: int) -> Expr:
        if ident in self.temporaries:
            expr, deep = self.temporaries[ident]
            self.grow(node, expr_size(expr))
            if depth + deep > MAX_INLINED_DEPTH:
                raise self.at(
                    node,
                    f"too deeply nested once `{ident}` is put in: at most "
                    f"{MAX_INLINED_DEPTH} levels",
                )
            return expr
        if ident == "other" and self.exponent is not None:
            return Num(self.exponent, _number(self.exponent))
        if ident == "other" and self.binary:
            raise self.at(node, "`other` is a Value: write `other.data` for its number")
        if ident == "other":
            raise self.at(node, self.no_other())
        if ident in ("self", "out"):
            raise self.at(node, f"`{ident}` is a Value: write `{ident}.data` for its number")
        if ident in FUNCTIONS:
            raise self.at(node, f"`{ident}` is a function: write `math.{ident}(...)`")
        if ident == "math":
            raise self.at(node, "`math` alone is a module: call `math.exp(...)`, say")
        known = ", ".join(self.temporaries) or "none yet"
        raise self.at(
            node,
            f"unknown name `{ident}`: set a temporary before it is used (`{ident} = ...`); "
            f"the temporaries so far: {known}",
        )

    def attribute(self, node: ast.Attribute) -> Expr:
        if not isinstance(node.value, ast.Name):
            raise self.at(
                node,
                f"`{self.source(node)}`: only self.data, other.data, out.data "
                "and out.grad may be read",
            )
        owner, field = node.value.id, node.attr
        read = f"{owner}.{field}"
        if owner == "other" and not self.binary:
            raise self.at(node, self.no_other())
        if read in READS:
            return Name(read)
        if owner == "math" and field in MATH:
            raise self.at(node, f"`math.{field}` is a function: write `math.{field}(...)`")
        raise self.at(
            node,
            f"`{self.source(node)}`: only self.data, other.data, out.data and out.grad may be read",
        )

    def call(self, node: ast.Call, depth: int) -> Expr:
        func = node.func
        if isinstance(func, ast.Name) and func.id in FUNCTIONS and func.id in MATH:
            raise self.at(
                node, f"`{func.id}(...)`: write `math.{func.id}(...)`, from Python's math module"
            )
        if not (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "math"
            and func.attr in MATH
        ):
            functions = ", ".join(f"math.{f}" for f in MATH)
            raise self.at(
                node, f"`{self.source(func)}`: calling this is not allowed; only {functions}"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.at(node, f"`math.{func.attr}` takes exactly one argument")
        return Call(func.attr, self.visit(node.args[0], depth + 1))

    def constant(self, expr: Expr, node: ast.expr) -> Fraction | None:
        """The exact value of a constant tree (``other - 1``), its size bounded; else None."""
        match expr:
            case Num(value=q):
                return q
            case Neg(operand=x):
                v = self.constant(x, node)
                return None if v is None else -v
            case BinOp(op=op, left=left, right=right):
                a, b = self.constant(left, node), self.constant(right, node)
                if a is None or b is None:
                    return None
                if op == "/" and b == 0:
                    raise self.at(node, f"`{self.source(node)}` divides by zero")
                value = {"+": a + b, "-": a - b, "*": a * b}[op] if op != "/" else a / b
                if _bits(value) > MAX_BITS:
                    raise self.at(node, f"`{self.source(node)}` is too large a number")
                return value
            case Pow(base=base, exponent=k):
                b = self.constant(base, node)
                if b is None or k.denominator != 1 or (b == 0 and k < 0):
                    return None
                if _bits(b) * abs(int(k)) > MAX_BITS:
                    raise self.at(node, f"`{self.source(node)}` is too large a number")
                return b ** int(k)
        return None


def _has_arguments(args: ast.arguments) -> bool:
    return bool(args.args or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg)


def _bits(q: Fraction) -> int:
    return max(q.numerator.bit_length(), q.denominator.bit_length())


def _depth(expr: Expr) -> int:
    match expr:
        case Neg(operand=x) | Pow(base=x) | Call(arg=x):
            return 1 + _depth(x)
        case BinOp(left=left, right=right):
            return 1 + max(_depth(left), _depth(right))
    return 1


def expr_size(expr: Expr) -> int:
    """The nodes of an expression's tree (what computing it takes)."""
    match expr:
        case Neg(operand=x) | Pow(base=x) | Call(arg=x):
            return 1 + expr_size(x)
        case BinOp(left=left, right=right):
            return 1 + expr_size(left) + expr_size(right)
    return 1


def reads(rule: Rule) -> set[str]:
    """The values a rule reads (``self.data``, ``out.grad``, ...)."""
    return {name for s in rule.statements for name in names(s.expr)}
