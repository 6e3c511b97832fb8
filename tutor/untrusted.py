"""Text and files from someone else: read with a size bound, shown as text.

Lesson folders are shared and an answers file may come from anywhere. Two rules
hold for everything read from them (stdlib only, usable from every layer):

- A file is read only if it is a regular file, and never more than a stated
  number of bytes: a symlink to ``/dev/zero`` or a FIFO is refused at once
  instead of filling memory or blocking forever.
- Text reaches the terminal as text: `control_characters` finds what a
  terminal would obey (C0 other than newline and tab, DEL, C1, which includes
  the ESC that starts every escape sequence), and `printable` shows such
  characters escaped (``\\x1b``) for the command line's output.
- Text reads as it is shown: `bidi_characters` finds the invisible characters
  that reorder text on screen ("Trojan Source": a title or a sign that
  displays otherwise than it is written); lesson files may not hold them.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

#: C0 controls but tab and newline, DEL, and the C1 controls (U+0080..U+009F).
_CONTROL = frozenset(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]) - {"\t", "\n"}
#: The bidirectional formatting characters: embeddings and overrides, isolates,
#: and the three marks. Each is invisible and changes the order in which the
#: text around it is shown (an RLM before ``-2`` shows ``2-``). Letters of a
#: right-to-left script carry their own direction and are not among them.
BIDI_NAMES = {
    0x061C: "ARABIC LETTER MARK",
    0x200E: "LEFT-TO-RIGHT MARK",
    0x200F: "RIGHT-TO-LEFT MARK",
    0x202A: "LEFT-TO-RIGHT EMBEDDING",
    0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202C: "POP DIRECTIONAL FORMATTING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE",
    0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2066: "LEFT-TO-RIGHT ISOLATE",
    0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
    0x2069: "POP DIRECTIONAL ISOLATE",
}
_BIDI = frozenset(map(chr, BIDI_NAMES))
# Line and paragraph separators and the bidi characters move or reorder what a
# terminal shows; output shows them escaped.
_INVISIBLE = frozenset("\u2028\u2029") | _BIDI
_ESCAPE = {ord(ch): f"\\x{ord(ch):02x}" for ch in _CONTROL if ord(ch) < 0x100} | {
    ord(ch): f"\\u{ord(ch):04x}" for ch in _INVISIBLE
}


_SUSPECT = re.compile("[" + re.escape("".join(sorted(_CONTROL | _BIDI))) + "]")


class UnreadableFile(Exception):
    """A file that is not read: missing, not a regular file, too large, or unreadable."""


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, refusing anything over ``limit``.

    The file is opened without blocking (a FIFO would otherwise wait for a
    writer forever) and checked to be a regular file before a byte is read;
    then at most ``limit + 1`` bytes are read, so a file that grows while it is
    read cannot exceed the bound either.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise UnreadableFile("the path is too long") from None
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # an embedded NUL
        raise UnreadableFile(f"cannot read: {exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a device, a pipe or a socket)")
        if info.st_size > limit:
            raise UnreadableFile(f"the file is too large ({info.st_size} bytes; at most {limit})")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableFile(f"the file is too large (more than {limit} bytes)")
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def control_characters(text: str) -> list[int]:
    """The indexes in ``text`` of characters a terminal would obey as control.

    A carriage return right before a newline is a line end, not control.
    """
    found = []
    for index, ch in enumerate(text):
        if ch in _CONTROL:
            if ch == "\r" and text[index + 1 : index + 2] == "\n":
                continue
            found.append(index)
    return found


def suspect(text: str) -> bool:
    """Whether ``text`` may hold a control or bidi character: a quick test (in C)
    before `control_characters` and `bidi_characters` (a CRLF line end is suspect
    here, and no control character there)."""
    return _SUSPECT.search(text) is not None


def bidi_characters(text: str) -> list[int]:
    """The indexes in ``text`` of bidirectional formatting characters (`BIDI_NAMES`)."""
    if _BIDI.isdisjoint(text):  # the common case, without a loop in Python
        return []
    return [index for index, ch in enumerate(text) if ch in _BIDI]


def describe(ch: str) -> str:
    """How a control or bidi character is named in an error: ``U+001B (ESC)``,
    ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    names = {
        0x1B: "ESC",
        0x07: "BEL",
        0x08: "backspace",
        0x0A: "newline",
        0x0D: "carriage return",
        0x00: "NUL",
        0x2028: "LINE SEPARATOR",
        0x2029: "PARAGRAPH SEPARATOR",
    }
    code = ord(ch)
    name = names.get(code) or BIDI_NAMES.get(code)
    if name is None:
        name = "C1 control" if 0x80 <= code < 0xA0 else "control"
    return f"U+{code:04X} ({name})"


def printable(text: str, *, keep_lines: bool = True) -> str:
    """``text`` with control and invisible reordering characters escaped.

    Newlines and tabs stay (unless ``keep_lines`` is false, when a newline is
    escaped too, for one-line output). Everything else a terminal would obey
    is shown as ``\\xNN`` or ``\\uNNNN``.
    """
    if keep_lines:
        return text.replace("\r\n", "\n").translate(_ESCAPE)
    return text.translate(_ESCAPE | {ord("\n"): "\\n"})


#: The parent's process id, set for every child started with a budget: the child
#: ends when its parent has gone (`die_with_parent`).
PARENT_PID = "TUTOR_PARENT_PID"
#: How often a child looks whether its parent is still there (seconds).
PARENT_POLL_SECONDS = 0.25


def child_env() -> dict[str, str]:
    """The environment for a budgeted child: ours, with our process id in it."""
    return {**os.environ, PARENT_PID: str(os.getpid()), "PYTHONIOENCODING": "utf-8"}


def die_with_parent() -> None:
    """In a budgeted child: end when the parent ends, however it ends (``kill -9``).

    An orphaned child on a hostile lesson would go on using a CPU and memory for the
    rest of its budget, or for ever once nobody waits for it. Two ways, since either
    alone can miss: on Linux the kernel sends SIGKILL when the parent goes
    (``PR_SET_PDEATHSIG``; it is tied to the thread that started the child, which
    is the main thread or a pool thread living as long as the app); and a daemon
    thread polls the parent's id, exiting at once when it changes (a parent that
    died before the ``prctl``, other platforms).
    """
    expected = os.environ.get(PARENT_PID, "")
    parent = int(expected) if expected.isdigit() else os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # gone already, before the prctl took effect
        os._exit(1)
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    previous = threading.stack_size(256 * 1024)  # little of the child's memory budget
    try:
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    finally:
        threading.stack_size(previous)


def run_in_child(
    module: str, args: list[str], *, seconds: float, memory: int
) -> subprocess.CompletedProcess[str] | None:
    """Run ``python -m module args`` with a time and memory budget; None if it ran out.

    For work that cannot be interrupted from inside (SymPy, big integers) on
    input from someone else: the child is killed at the deadline, and its
    address space is limited, so neither a hang nor a memory blow-up reaches
    the caller.
    """

    def limit() -> None:  # in the child, before it runs
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):
            pass

    try:
        return subprocess.run(
            [sys.executable, "-m", module, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=seconds,
            env=child_env(),  # the child calls `die_with_parent`
            preexec_fn=limit if os.name == "posix" else None,  # the CLI has no threads
        )
    except subprocess.TimeoutExpired:
        return None
