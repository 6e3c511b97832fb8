"""Text → checked expression tree, through Python's `ast` and a whitelist.

This is the only way text from a lesson file or a keyboard becomes maths. The
text is parsed by `ast.parse`, never executed: `eval`, `exec`, `sympify` and
`parse_expr` are not used. Every tree node is checked against a short list of
what a student may write (numbers, names, + - * / **, unary minus, parentheses,
the lesson functions); anything else is refused with a message that says what
was not understood and where.

Bounds keep hostile input cheap: the text's length, the nesting depth, the size
of the tree, the size of an exponent, and the magnitude of every constant part
are limited, and constants are folded with those limits checked *before* any
arithmetic, so ``9**9**9`` is refused at once instead of computed.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import cast

from tutor.engine.ops import BINARY, FUNCTIONS, OPS, EngineError, Values
from tutor.expr.nodes import BinOp, Call, Expr, Name, Neg, Num, Pow

MAX_LENGTH = 1000  # characters of one expression
MAX_DEPTH = 40  # nesting of the tree
MAX_NODES = 400  # nodes in the tree
MAX_EXPONENT = 100  # |k| in x ** k
MAX_DEGREE = 10_000  # |k| of nested powers multiplied out: (x**100)**100 at most
MAX_TERMS = 40  # terms of one flat sum or product (a + b + c + ...)
MAX_BITS = 1024  # numerator and denominator of any exact constant
MAX_MAGNITUDE = 1e300  # of any constant
MAX_DIGITS = 300  # significant digits of one number literal
MAX_SCALE = 300  # |decimal exponent| of a non-zero literal: 1e-300 .. 1e300

NOT_A_NUMBER = "not a number: write a number such as 0.5 or 1/3"
ALLOWED = "only numbers, names, + - * / ** and the functions " + ", ".join(FUNCTIONS)

# Characters students paste from notes or type on other keyboards, read as ASCII.
_TRANSLATE = {"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/", "^": "**"}

_FLOAT_LITERAL = re.compile(r"(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?")
_GLUED = re.compile(r"(?<![\w.])(\d+\.?\d*|\.\d+)([A-Za-z_]\w*)")

_SIDE_BY_SIDE = re.compile(r"([\w.]+|\))\s+([\w.]+|\()")
# A number with the letter O in it (``2O``, ``0.7O1``, ``O.5``), as a whole token.
_LETTER_O = re.compile(r"(?<![\w.])(?=[\d.oO]*\d)(?=[\d.]*[oO])[\d.oO]+(?![\w.])")
_ZEROS = str.maketrans("oO", "00")
# ``14,3``: a decimal comma, as some keyboards and countries write it.
_DECIMAL_COMMA = re.compile(r"\s*(-?)\s*(\d+)\s*,\s*(\d+)\s*")

_SIDE_BY_SIDE_MESSAGE = "two things stand side by side: write `*` between them for a product"

_KINDS: dict[type, str] = {
    ast.Attribute: "a dot (attribute access)",
    ast.Subscript: "square brackets (indexing)",
    ast.Lambda: "a lambda",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.NamedExpr: "the `:=` operator",
    ast.Compare: "a comparison",
    ast.BoolOp: "`and` / `or`",
    ast.IfExp: "`if ... else`",
    ast.List: "a list",
    ast.Tuple: "a tuple (several values separated by commas)",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.JoinedStr: "a string",
    ast.Starred: "a star (`*x`)",
    ast.Await: "`await`",
    ast.Yield: "`yield`",
    ast.YieldFrom: "`yield`",
    ast.Slice: "a slice",
}


def _binop(sign: str) -> type[ast.operator]:
    parsed = ast.parse(f"x {sign} y", mode="eval").body
    assert isinstance(parsed, ast.BinOp)
    return type(parsed.op)


# Python's node for each binary op of the op table (ast.Add for "+", ...), read off
# Python's own parse of the op's sign.
_BINOPS = {_binop(sign): sign for sign in BINARY}
_FAMILY = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}


def _invisible(ch: str) -> bool:
    """A control or format character (Cc, Cf) other than tab: shown as nothing."""
    return ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf")


def _visible(ch: str) -> str:
    """``ch``, or its escape (``\\x1b``, ``\\u202e``) if it is invisible."""
    if ch.isprintable() or not _invisible(ch):
        return ch
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


class ExprError(ValueError):
    """Text that is not an expression the tutor accepts.

    ``str(error)`` is one line a student understands; ``col`` (0-based, or None)
    is where in ``text`` the problem is, and ``line`` is set for graph scripts.
    """

    def __init__(self, message: str, text: str = "", col: int | None = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.col = col
        self.line: int | None = None

    def caret(self) -> str:
        """The text with a caret under the column, as two lines (or just the text).

        An invisible character is shown escaped (``\\u202e``), so the caret can
        point at it and it cannot reorder or control what the line shows.
        """
        shown = [_visible(ch) for ch in self.text]
        if self.col is None:
            return "".join(shown)
        return f"{''.join(shown)}\n{' ' * len(''.join(shown[: self.col]))}^"


@dataclass(frozen=True, slots=True)
class _Const:
    """What is known of a constant sub-expression: exact value, or an estimate."""

    exact: Fraction | None
    approx: float


#: At most this many names are listed in "unknown name": a network has hundreds, and
#: the whole list pushed the feedback off an 80×24 screen.
MAX_LISTED = 12


def _listed(names: list[str]) -> str:
    """``names`` for a message: all of them, or the first `MAX_LISTED` and a count."""
    if not names:
        return "none"
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_LISTED])}, … ({len(names)} in all)"


def parse(text: str, names: Collection[str] | None = None) -> Expr:
    """Parse ``text`` into an expression tree.

    ``names`` lists the names the expression may use (the lesson's nodes); with
    ``None`` any identifier that is not a function is a free name.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    return _Parser(text, names).run()[0]


def parse_constant(text: str) -> Fraction:
    """The exact value of a constant expression such as ``1/3`` or ``-2**-3``.

    Raises `ExprError` for anything that is not an exact number (a name, a
    function) as for text the parser refuses.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    parser = _Parser(text, None)
    _, const = parser.run()
    if const is None or const.exact is None:
        raise parser.error(NOT_A_NUMBER)
    return const.exact


class _Parser:
    def __init__(self, text: str, names: Collection[str] | None):
        self.original = text
        self.names = names
        self.nodes = 0
        # The text Python sees, and for each of its characters the column it came from.
        chars: list[str] = []
        origin: list[int] = []
        for col, ch in enumerate(text):
            out = _TRANSLATE.get(ch, ch)
            chars.append(out)
            origin.extend([col] * len(out))
        origin.append(len(text))
        self.text = "".join(chars)
        self.origin = origin
        # ast.parse sees the text without surrounding white space.
        self.body = self.text.strip()
        self.lead = len(self.text) - len(self.text.lstrip())

    # -- errors --------------------------------------------------------------

    def error(self, message: str, col: int | None = None) -> ExprError:
        return ExprError(message, self.original, col)

    def col_of(self, node: ast.expr) -> int:
        return self._orig_col(node.col_offset)

    def _orig_col(self, byte_offset: int) -> int:
        """Map a UTF-8 offset in the parsed body to a column of the original text."""
        prefix = self.body.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
        return self.origin[min(self.lead + len(prefix), len(self.origin) - 1)]

    def source(self, node: ast.expr) -> str:
        start = self._orig_col(node.col_offset)
        end_offset = getattr(node, "end_col_offset", None)
        end = self._orig_col(end_offset) if end_offset is not None else len(self.original)
        snippet = self.original[start:end].strip()
        return snippet if len(snippet) <= 40 else snippet[:37] + "..."

    # -- the pipeline ----------------------------------------------------------

    def run(self) -> tuple[Expr, _Const | None]:
        if not self.body:
            raise self.error("nothing to read: type a number or an expression")
        if len(self.original) > MAX_LENGTH:
            raise self.error(f"too long: at most {MAX_LENGTH} characters")
        if "\n" in self.body or "\r" in self.body:
            raise self.error("one line only, please")
        self.check_invisible()
        self.check_nesting()
        try:
            tree = ast.parse(self.body, mode="eval")
        except SyntaxError as exc:
            raise self.syntax_error(exc) from None
        except (ValueError, MemoryError, RecursionError):
            raise self.error(f"this is not something I can read; {ALLOWED} are allowed") from None
        expr, const = self.visit(tree.body, 0)
        self.check_degree(expr)
        return expr, const

    def check_degree(self, expr: Expr) -> None:
        """Refuse nested powers that multiply out huge: ``((x**100)**100)**100``.

        Each exponent is bounded alone, but a derivation of x to the millionth
        power at x = 3 is a million-digit number. The degree is an upper bound:
        products add degrees, powers multiply them.
        """
        if _degree(expr) > MAX_DEGREE:
            raise self.error(
                f"the powers multiply out too large: at most x**{MAX_DEGREE} in all", None
            )

    def check_invisible(self) -> None:
        """Name an invisible character (pasted with the text, say) instead of a vague refusal.

        Control and format characters (category Cc or Cf: a bidi override, a
        zero-width space) show as nothing, so "not an expression" would puzzle a
        student looking at ``-2``; a right-to-left mark can even show it as ``2-``.
        """
        if self.original.isprintable():  # the common case, at C speed
            return
        for col, ch in enumerate(self.original):
            if _invisible(ch):
                name = unicodedata.name(ch, "control character")
                raise self.error(
                    f"an invisible character, U+{ord(ch):04X} ({name}), is in the text: "
                    "delete it and type that part again",
                    col,
                )

    def check_nesting(self) -> None:
        depth = 0
        for col, ch in enumerate(self.text):
            if ch in "([{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise self.error(
                        f"too deeply nested: at most {MAX_DEPTH} parentheses", self.origin[col]
                    )
            elif ch in ")]}":
                depth -= 1

    def syntax_error(self, exc: SyntaxError) -> ExprError:
        stripped, lead = self.body, self.lead
        col: int | None
        letter = self.letter_o(stripped, lead)
        if letter is not None:
            return letter
        glued = _GLUED.search(stripped)
        if glued and not _FLOAT_LITERAL.fullmatch(glued.group(0)):
            number, name = glued.groups()
            col = self.origin[lead + glued.start()]
            return self.error(f"`{number}{name}`: write `{number}*{name}`", col)
        side = _SIDE_BY_SIDE.search(stripped)
        if side:
            left, right = side.group(1), side.group(2)
            col = self.origin[lead + side.start(2)]
            if left == ")" or right == "(":
                return self.error(_SIDE_BY_SIDE_MESSAGE, col)
            return self.error(f"`{left} {right}`: write `{left}*{right}` for a product", col)
        if stripped[-1] in "+-*/(":
            return self.error("the expression ends too early", len(self.original.rstrip()))
        col = None
        if exc.offset is not None and exc.lineno == 1:
            col = self.origin[min(lead + max(exc.offset - 1, 0), len(self.origin) - 1)]
        reason = (exc.msg or "").lower()
        if "never closed" in reason:
            message = "a `(` is never closed"
        elif "unmatched" in reason or "does not match" in reason:
            message = "a bracket has no partner"
        elif "forgot a comma" in reason:
            message = _SIDE_BY_SIDE_MESSAGE
        elif col is not None and col >= len(self.original.rstrip()):
            message = "the expression ends too early"
            col = len(self.original.rstrip())
        elif "=" in stripped:
            message = "`=` is not allowed here: type just the value or the expression"
        else:
            message = f"this is not an expression I can read; {ALLOWED} are allowed"
        return self.error(message, col)

    def letter_o(self, text: str, lead: int) -> ExprError | None:
        """``2O`` or ``0.7O1``: the letter O typed for a zero, unless it names a node."""
        for match in _LETTER_O.finditer(text):
            token = match.group(0)
            if token[0] in "oO" and token[1:2] != ".":
                continue  # a name such as `o1`, not a number
            letters = {ch for ch in token if ch in "oO"}
            if self.names is not None and any(
                name in self.names for name in re.findall(r"[A-Za-z_]\w*", token)
            ):
                continue  # `2o` with a node `o`: a product, said elsewhere
            number = token.translate(_ZEROS)
            if not _FLOAT_LITERAL.fullmatch(number):
                continue
            which = " and ".join(f"`{x}`" for x in sorted(letters))
            return self.error(
                f"`{token}`: {which} is a letter, not a zero; did you mean `{number}`?",
                self.origin[lead + match.start()],
            )
        return None

    # -- the whitelist -----------------------------------------------------------

    def visit(self, node: ast.expr, depth: int, terms: int = 1) -> tuple[Expr, _Const | None]:
        """Check one node; return the tree and, for a constant, what is known of it.

        ``terms`` counts the operands of a flat sum or product above this node.
        """
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.error(f"too long: at most {MAX_NODES} numbers, names and operators")
        if depth > MAX_DEPTH:
            raise self.error(f"too deeply nested: at most {MAX_DEPTH} levels", self.col_of(node))
        match node:
            case ast.Constant(value=value):
                return self.number(node, value)
            case ast.Name(id=ident):
                return self.name(node, ident), None
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                inner, const = self.visit(operand, depth + 1)
                if isinstance(inner, Num):
                    return Num(-inner.value, _negate_text(inner.text)), const and _neg(const)
                return Neg(inner), const and _neg(const)
            case ast.UnaryOp(op=ast.UAdd(), operand=operand):
                return self.visit(operand, depth + 1)
            case ast.BinOp(op=ast.Pow(), left=left, right=right):
                return self.power(node, left, right, depth)
            case ast.BinOp(op=op, left=left, right=right) if type(op) in _BINOPS:
                symbol = _BINOPS[type(op)]
                # A flat sum or product (a + b + c + ...) is a chain down the left
                # operand, not nesting: only the right operand is one level deeper.
                if isinstance(left, ast.BinOp) and _FAMILY.get(type(left.op)) == _FAMILY[type(op)]:
                    if terms + 1 >= MAX_TERMS:
                        raise self.error(
                            f"too many terms in a row: at most {MAX_TERMS}", self.col_of(node)
                        )
                    lhs, lc = self.visit(left, depth, terms + 1)
                else:
                    lhs, lc = self.visit(left, depth + 1)
                rhs, rc = self.visit(right, depth + 1)
                if symbol == "/" and rc is not None and rc.approx == 0:
                    raise self.error(f"`{self.source(node)}` divides by zero", self.col_of(node))
                const = self.fold(node, symbol, lc, rc) if lc and rc else None
                return BinOp(symbol, lhs, rhs), const
            case ast.BinOp(op=ast.FloorDiv()):
                raise self.error("`//` is not allowed: use `/` to divide", self.op_col(node))
            case ast.BinOp():
                raise self.error(f"`{self.source(node)}`: {ALLOWED} are allowed", self.op_col(node))
            case ast.Call():
                return self.call(node, depth)
            case ast.UnaryOp():
                raise self.error(f"`{self.source(node)}`: {ALLOWED} are allowed", self.col_of(node))
        if isinstance(node, ast.Tuple):
            comma = _DECIMAL_COMMA.fullmatch(self.source(node))
            if comma is not None:
                sign, whole, fraction = comma.groups()
                raise self.error(
                    f"`{self.source(node)}`: write a decimal point, not a comma: "
                    f"`{sign}{whole}.{fraction}`",
                    self.col_of(node),
                )
        kind = _KINDS.get(type(node), "this")
        raise self.error(
            f"`{self.source(node)}`: {kind} is not allowed; {ALLOWED} are", self.col_of(node)
        )

    def op_col(self, node: ast.BinOp) -> int:
        """The column of a binary operator: just after the left operand."""
        end = self._orig_col(node.left.end_col_offset or node.col_offset)
        while end < len(self.original) and self.original[end] in " )":
            end += 1
        return end

    def number(self, node: ast.Constant, value: object) -> tuple[Num, _Const]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "text in quotes" if isinstance(value, str | bytes) else f"`{self.source(node)}`"
            raise self.error(f"{what} is not allowed; {ALLOWED} are", self.col_of(node))
        text = self.source(node)
        exact = self.literal(node, value, text)
        return Num(exact, text), _Const(exact, float(exact))

    def literal(self, node: ast.Constant, value: int | float, text: str) -> Fraction:
        """The exact value of a number literal, its size checked before any arithmetic.

        ``Fraction(Decimal("1e999999999"))`` would build a billion-digit integer,
        so the decimal exponent and the number of digits are read from the text
        first, and a literal out of bounds is refused without being converted.
        """
        col = self.col_of(node)
        if isinstance(value, int):
            if value.bit_length() > MAX_BITS or value > MAX_MAGNITUDE:
                raise self.error(f"`{text}` is too large a number: at most 1e300", col)
            return Fraction(value)
        start = self._orig_col(node.col_offset)
        end_offset = node.end_col_offset
        end = self._orig_col(end_offset) if end_offset is not None else len(self.original)
        try:
            decimal = Decimal(self.original[start:end].strip().replace("_", ""))
        except InvalidOperation:
            decimal = None
        if decimal is None or not decimal.is_finite():
            raise self.error(f"`{text}` is not a number I can read", col)
        if decimal.is_zero():
            return Fraction(0)
        if decimal.adjusted() > MAX_SCALE or abs(decimal) > Decimal(MAX_MAGNITUDE):
            raise self.error(f"`{text}` is too large a number: at most 1e300", col)
        if decimal.adjusted() < -MAX_SCALE:
            raise self.error(
                f"`{text}` is too small a number: write 0, or a size of at least 1e-300", col
            )
        if len(decimal.as_tuple().digits) > MAX_DIGITS:
            raise self.error(f"`{text}` has too many digits: at most {MAX_DIGITS}", col)
        return Fraction(decimal)

    def name(self, node: ast.Name, ident: str) -> Name:
        col = self.col_of(node)
        if ident in FUNCTIONS:
            raise self.error(f"`{ident}` is a function: write `{ident}(...)`", col)
        if self.names is not None and ident not in self.names:
            known = _listed(list(self.names))
            if set(ident) <= {"o", "O"} and len(ident) == 1:
                raise self.error(
                    f"unknown name `{ident}`: that is the letter {ident}; did you mean the "
                    f"number `0`? The names here are {known}",
                    col,
                )
            close = did_you_mean(ident, self.names)
            if close:
                raise self.error(
                    f"unknown name `{ident}`: did you mean `{close}`? The names here are {known}",
                    col,
                )
            raise self.error(f"unknown name `{ident}`; the names here are {known}", col)
        return Name(ident)

    def power(
        self, node: ast.BinOp, left: ast.expr, right: ast.expr, depth: int
    ) -> tuple[Expr, _Const | None]:
        base, bc = self.visit(left, depth + 1)
        _, ec = self.visit(right, depth + 1)
        if ec is None or ec.exact is None:
            raise self.error(
                f"`{self.source(right)}`: an exponent must be a number", self.col_of(right)
            )
        k = ec.exact
        if abs(k) > MAX_EXPONENT:
            raise self.error(
                f"the exponent {_show(k)} is out of range: from -{MAX_EXPONENT} to {MAX_EXPONENT}",
                self.col_of(right),
            )
        const = self.fold_power(node, bc, k) if bc is not None else None
        return Pow(base, k), const

    def call(self, node: ast.Call, depth: int) -> tuple[Expr, _Const | None]:
        func = node.func
        col = self.col_of(node)
        if isinstance(func, ast.Constant):
            num = self.source(func)
            raise self.error(f"`{num}(...)`: write `{num}*(...)` for a product", col)
        if not isinstance(func, ast.Name):
            raise self.error(
                f"`{self.source(func)}`: calling this is not allowed; {ALLOWED} are", col
            )
        if func.id not in FUNCTIONS:
            if self.names is None or func.id in self.names:
                raise self.error(
                    f"`{func.id}(...)`: `{func.id}` is not a function; write `{func.id}*(...)` "
                    "for a product",
                    col,
                )
            raise self.error(
                f"`{func.id}` is not a function I know; the functions are {', '.join(FUNCTIONS)}",
                col,
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self.error(f"`{func.id}` takes exactly one argument: `{func.id}(x)`", col)
        arg, ac = self.visit(node.args[0], depth + 1)
        const = None
        if ac is not None:
            const = _Const(None, self.forward(node, func.id, ac.approx))
        return Call(func.id, arg), const

    # -- constants, folded with their bounds checked first --------------------

    def fold(self, node: ast.BinOp, sign: str, a: _Const, b: _Const) -> _Const:
        """Fold ``a sign b`` with the op's forward value (the divisor is known to be
        non-zero): on exact fractions when both are exact, else on floats."""
        forward = BINARY[sign].forward
        if a.exact is not None and b.exact is not None:
            # The binary ops' forward values are arithmetic, so exact on fractions.
            exact = cast(Fraction, forward(cast(Values, (a.exact, b.exact)), None))
            return self.bounded(node, exact, _float(exact))
        return self.bounded(node, None, forward((a.approx, b.approx), None))

    def fold_power(self, node: ast.BinOp, base: _Const, k: Fraction) -> _Const:
        x = base.approx
        if x == 0 and k < 0:
            raise self.error(f"`{self.source(node)}` divides by zero", self.col_of(node))
        if x < 0 and k.denominator != 1:
            raise self.error(
                f"`{self.source(node)}`: a negative number to a fractional power", self.col_of(node)
            )
        if x != 0 and float(k) * math.log10(abs(x)) > math.log10(MAX_MAGNITUDE):
            raise self.error(f"`{self.source(node)}` is too large a number", self.col_of(node))
        if base.exact is not None and k.denominator == 1:
            n = int(k)
            if _bits(base.exact) * abs(n) <= MAX_BITS:
                exact = base.exact**n
                return self.bounded(node, exact, _float(exact))
        return self.bounded(node, None, self.forward(node, "pow", x, float(k)))

    def bounded(self, node: ast.expr, exact: Fraction | None, approx: float) -> _Const:
        too_big = not math.isfinite(approx) or abs(approx) > MAX_MAGNITUDE
        if exact is not None and _bits(exact) > MAX_BITS:
            too_big = True
        if too_big:
            raise self.error(f"`{self.source(node)}` is too large a number", self.col_of(node))
        return _Const(exact, approx)

    def forward(self, node: ast.expr, op: str, x: float, p: float | None = None) -> float:
        """The op's value at ``x``, from the op table; outside its domain, an error."""
        try:
            return OPS[op].forward((x,), p)
        except EngineError as error:
            raise self.error(
                f"`{self.source(node)}` cannot be computed: {error.message}", self.col_of(node)
            ) from None


def did_you_mean(word: str, known: Collection[str]) -> str | None:
    """The one known name that ``word`` misspells: the same but for the case of its
    letters, or one letter added, dropped or changed; None if none or several."""
    same_case = [k for k in known if k.lower() == word.lower()]
    if len(same_case) == 1:
        return same_case[0]
    # One letter for another in a one-letter name is no misspelling: `x` is not
    # "almost `a`"; but `w` may well be `w1`.
    near = [k for k in known if _one_edit(word, k) and (len(word) > 1 or len(k) > 1)]
    return near[0] if len(near) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _degree(expr: Expr) -> int:
    """An upper bound of the polynomial degree of ``expr`` (functions count as 1)."""
    match expr:
        case Name():
            return 1
        case Num():
            return 0
        case Neg(operand=inner):
            return _degree(inner)
        case BinOp(op="+" | "-", left=left, right=right):
            return max(_degree(left), _degree(right))
        case BinOp(left=left, right=right):
            return _degree(left) + _degree(right)
        case Pow(base=base, exponent=k):
            return _degree(base) * max(1, math.ceil(abs(k)))
        case Call(arg=arg):
            return max(1, _degree(arg))
    return 1


def _float(q: Fraction) -> float:
    try:
        return float(q)
    except OverflowError:
        return math.inf


def _bits(q: Fraction) -> int:
    return max(q.numerator.bit_length(), q.denominator.bit_length())


def _neg(c: _Const) -> _Const:
    return _Const(-c.exact if c.exact is not None else None, -c.approx)


def _negate_text(text: str) -> str:
    return text[1:] if text.startswith("-") else "-" + text


def _show(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{float(q):g}"
