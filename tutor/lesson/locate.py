"""Find the line of each key in a TOML lesson file.

`tomllib` gives values but no positions; error messages need ``PATH:LINE``.
This scanner reads the file's lines once, follows ``[table]`` and
``[[steps]]`` headers, skips the inside of multi-line strings, and records the
first line of each ``key =`` in its table.

Every line is read in time linear in its length: headers and keys are taken
apart by hand, not by a regular expression that could backtrack on a hostile
line (``[`` followed by thousands of spaces). Lines end at ``\n`` only, as in
TOML, so a U+2028 or form feed inside a string does not shift line numbers.
"""

from __future__ import annotations

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_HEADER_CHARS = _BARE | frozenset(".\"' \t")


class KeyLines:
    """Line numbers (1-based) of tables and keys: top level, each step, vary."""

    def __init__(self, source: str):
        self.top: dict[str, int] = {}
        self.steps: list[int] = []  # the line of each [[steps]] header
        self.step_keys: list[dict[str, int]] = []
        self.tests: list[int] = []  # the line of each [[tests]] header
        self.test_keys: list[dict[str, int]] = []
        self.tables: dict[str, int] = {}
        self.table_keys: dict[str, dict[str, int]] = {}
        self._scan(source)

    def _scan(self, source: str) -> None:
        keys = self.top
        fence: str | None = None
        for number, line in enumerate(_lines(source), start=1):
            if fence is not None:
                if line.count(fence) % 2 == 1:
                    fence = None
                continue
            header = _header(line)
            if header:
                double, name = header
                if double and name == "steps":
                    self.steps.append(number)
                    keys = {}
                    self.step_keys.append(keys)
                elif double and name == "tests":
                    self.tests.append(number)
                    keys = {}
                    self.test_keys.append(keys)
                else:
                    self.tables.setdefault(name, number)
                    keys = self.table_keys.setdefault(name, {})
                continue
            key = _key(line)
            if key:
                keys.setdefault(key, number)
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

    def of_test(self, index: int, key: str | None = None) -> int | None:
        """The line of ``key`` in answer test ``index`` (0-based), else of its header."""
        if index < len(self.test_keys):
            if key is not None and key in self.test_keys[index]:
                return self.test_keys[index][key]
            return self.tests[index]
        return self.top.get("tests")

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
        text = _lines(source)[line - 1]
        after = text.split("=", 1)[1].strip()
        # A multi-line string that opens with a newline starts on the next line.
        if after in ('"""', "'''"):
            return line + 1
        return line


def _lines(source: str) -> list[str]:
    """The lines of a TOML file: split at ``\n`` only (``\r\n`` ends a line too)."""
    return [line.removesuffix("\r") for line in source.split("\n")]


def _header(line: str) -> tuple[bool, str] | None:
    """``(is [[array]], name)`` of a table header line, else None."""
    text = line.strip()
    comment = text.find("#")
    if comment >= 0 and not any(q in text[:comment] for q in "\"'"):
        text = text[:comment].rstrip()
    if not text.startswith("["):
        return None
    double = text.startswith("[[")
    close = "]]" if double else "]"
    if not text.endswith(close):
        return None
    inner = text[len(close) : len(text) - len(close)]
    if not inner.strip() or not all(ch in _HEADER_CHARS for ch in inner):
        return None
    return double, inner.strip().strip("\"'")


def _key(line: str) -> str | None:
    """The key of a ``key = value`` line (its first part, for dotted keys), else None."""
    text = line.lstrip()
    if not text:
        return None
    if text[0] in "\"'":
        end = text.find(text[0], 1)
        if end < 0:
            return None
        key, rest = text[1:end], text[end + 1 :]
    else:
        end = 0
        while end < len(text) and text[end] in _BARE:
            end += 1
        if end == 0:
            return None
        key, rest = text[:end], text[end:]
    # Any further dotted parts, then `=`.
    rest = rest.lstrip()
    while rest.startswith("."):
        rest = rest[1:].lstrip()
        end = 0
        while end < len(rest) and rest[end] in _BARE:
            end += 1
        if end == 0:
            return None
        rest = rest[end:].lstrip()
    return key if rest.startswith("=") else None
