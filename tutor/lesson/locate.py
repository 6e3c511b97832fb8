"""Find the line of each key in a TOML lesson file.

`tomllib` gives values but no positions; error messages need ``PATH:LINE``.
This scanner reads the file's lines once, follows ``[table]`` and
``[[steps]]`` headers, skips the inside of multi-line strings, and records the
first line of each ``key =`` in its table.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')\s*(?:\.\s*[A-Za-z0-9_\-]+\s*)*=")


class KeyLines:
    """Line numbers (1-based) of tables and keys: top level, each step, vary."""

    def __init__(self, source: str):
        self.top: dict[str, int] = {}
        self.steps: list[int] = []  # the line of each [[steps]] header
        self.step_keys: list[dict[str, int]] = []
        self.tables: dict[str, int] = {}
        self.table_keys: dict[str, dict[str, int]] = {}
        self._scan(source)

    def _scan(self, source: str) -> None:
        keys = self.top
        fence: str | None = None
        for number, line in enumerate(source.splitlines(), start=1):
            if fence is not None:
                if line.count(fence) % 2 == 1:
                    fence = None
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2).strip().strip("\"'")
                if header.group(1) == "[[" and name == "steps":
                    self.steps.append(number)
                    keys = {}
                    self.step_keys.append(keys)
                else:
                    self.tables.setdefault(name, number)
                    keys = self.table_keys.setdefault(name, {})
                continue
            key = _KEY.match(line)
            if key:
                keys.setdefault(key.group(1).strip("\"'"), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    fence = quote
                    break

    def of_top(self, key: str) -> int | None:
        return self.top.get(key)

    def of_step(self, index: int, key: str | None = None) -> int | None:
        """The line of ``key`` in step ``index`` (0-based), else of its header."""
        if index < len(self.step_keys):
            if key is not None and key in self.step_keys[index]:
                return self.step_keys[index][key]
            return self.steps[index]
        return self.top.get("steps")

    def of_vary(self, name: str) -> int | None:
        if name in self.table_keys.get("vary", {}):
            return self.table_keys["vary"][name]
        if f"vary.{name}" in self.tables:
            return self.tables[f"vary.{name}"]
        return self.tables.get("vary", self.top.get("vary"))

    def graph_first_line(self, source: str) -> int | None:
        """The file line of the graph script's first line."""
        line = self.top.get("graph")
        if line is None:
            return None
        text = source.splitlines()[line - 1]
        after = text.split("=", 1)[1].strip()
        # A multi-line string that opens with a newline starts on the next line.
        if after in ('"""', "'''"):
            return line + 1
        return line
