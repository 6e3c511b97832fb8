"""The safe parser: graph scripts and student answers → a small checked tree.

Nothing here evaluates text; see `tutor.expr.parser`.
"""

from tutor.expr.convert import evaluate, to_engine
from tutor.expr.nodes import BinOp, Call, Expr, Name, Neg, Num, Pow, names, to_text
from tutor.expr.parser import ExprError, parse, parse_constant
from tutor.expr.script import Assignment, ScriptError, parse_script

__all__ = [
    "Assignment",
    "BinOp",
    "Call",
    "Expr",
    "ExprError",
    "Name",
    "Neg",
    "Num",
    "Pow",
    "ScriptError",
    "evaluate",
    "names",
    "parse",
    "parse_constant",
    "parse_script",
    "to_engine",
    "to_text",
]
