"""``{NAME}`` placeholders in a lesson's Markdown: found, checked, filled in."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from tutor.numbers import short

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def placeholders(text: str) -> list[str]:
    """The names a text refers to; `ValueError` for a stray or malformed brace."""
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            raise ValueError(f"a lone `{token}` (write `{token * 2}` for a literal brace)")
        name = match.group(1).strip()
        if not name.isidentifier():
            raise ValueError(f"`{token}` is not a node placeholder (write `{{{{` for a brace)")
        found.append(name)
    return found


def fill(text: str, values: Mapping[str, float], fmt: Callable[[float], str] = short) -> str:
    """Replace each ``{NAME}`` with the node's current value; ``{{``/``}}`` → braces."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = (match.group(1) or "").strip()
        return fmt(values[name]) if name in values else token

    return _TOKEN.sub(replace, text)


#: Bounds of one step's text (a `say`, or a question's prompt and hints together), which
#: the app lays out as Markdown, a widget per block: 20,000 list items took it 52 s, and
#: each list item or table row costs it 15 to 25 ms, a quote nested in a quote more.
MAX_TEXT_CHARS = 8_000
MAX_TEXT_LINES = 80
MAX_TEXT_BLOCKS = 16  # list items and block quotes, nested ones each counted
MAX_TEXT_DEPTH = 6  # list items and block quotes opened on one line (`> > -`)
MAX_TABLE_ROWS = 16  # lines holding a `|`
_MARKER = re.compile(r"[ \t]*(?:[-*+](?:[ \t]+|$)|\d{1,9}[.)](?:[ \t]+|$)|>[ \t]*)")


def text_problem(text: str) -> str | None:
    """Why a step's Markdown is too big for the app to lay out quickly, else None."""
    if len(text) > MAX_TEXT_CHARS:
        return f"the text is {len(text):,} characters: at most {MAX_TEXT_CHARS:,}"
    lines = text.splitlines()
    if len(lines) > MAX_TEXT_LINES:
        return f"the text is {len(lines):,} lines: at most {MAX_TEXT_LINES}"
    blocks = rows = 0
    for line in lines:
        rows += "|" in line
        at = depth = 0
        while (match := _MARKER.match(line, at)) and match.end() > at:
            depth += 1
            at = match.end()
        if depth > MAX_TEXT_DEPTH:
            return (
                f"a line of the text opens {depth} list items and quotes, one in another: "
                f"at most {MAX_TEXT_DEPTH}"
            )
        blocks += depth
    if blocks > MAX_TEXT_BLOCKS:
        return (
            f"the text has {blocks:,} list items and quotes: at most {MAX_TEXT_BLOCKS} "
            "(each a block the app lays out)"
        )
    if rows > MAX_TABLE_ROWS:
        return f"the text has {rows:,} table rows (lines with `|`): at most {MAX_TABLE_ROWS}"
    return None
