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
