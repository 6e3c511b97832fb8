"""Lessons that passed the app's check, remembered so that they open at once next time.

The app checks a lesson before grading in it (`tutor.tui.app.check_lesson`): a
network's check takes seconds. A lesson that passed is remembered here, keyed by
everything the check's outcome depends on:

- the lesson exactly as loaded (its pickle: what the check's child process is sent,
  so a file changed after it was read is never taken for the one that passed);
- the variant: 0 for the file's own numbers, else the quiz's seed (a lesson with no
  ``vary`` draws the file's numbers at every seed, so its quizzes share one entry);
- the code that checks it: the tutor's own source files, Python's and SymPy's
  versions (a new tutor, or an edited one, checks everything again).

Only passes are kept, one empty file each, named by the key's SHA-256, in
``$TUTOR_HOME/checks`` (else the user's cache folder). A missing, unreadable or
read-only folder only means the check runs again: nothing here can make a lesson
pass that did not. Entries of other code versions are removed when one is written,
and the folder holds at most `MAX_ENTRIES`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sys
import threading
from pathlib import Path

from tutor.lesson.model import Lesson

MAX_ENTRIES = 4096
_HEX = frozenset("0123456789abcdef")

_lock = threading.Lock()
_fingerprint: str | None = None


def folder() -> Path:
    """Where passes are kept: ``$TUTOR_HOME/checks``, else the user's cache folder."""
    home = os.environ.get("TUTOR_HOME")
    if home:
        return Path(home).expanduser() / "checks"
    import platformdirs

    return Path(platformdirs.user_cache_dir("tutor")) / "checks"


def code_fingerprint() -> str:
    """A digest of the code a check runs: the tutor's sources, Python's and SymPy's
    versions (computed once per process; reading the sources takes milliseconds)."""
    global _fingerprint
    with _lock:
        if _fingerprint is None:
            digest = hashlib.sha256()
            digest.update(sys.version.encode())
            digest.update(_sympy_version().encode())
            package = Path(__file__).resolve().parent.parent
            for path in sorted(package.rglob("*.py")):
                digest.update(path.relative_to(package).as_posix().encode() + b"\0")
                with contextlib.suppress(OSError):
                    digest.update(path.read_bytes())
            _fingerprint = digest.hexdigest()[:32]
        return _fingerprint


def _sympy_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sympy")
    except metadata.PackageNotFoundError:
        return ""


def variant(lesson: Lesson, seed: int) -> int:
    """The variant a check at ``seed`` checks: a lesson without ``vary`` has one."""
    return 0 if not seed else (seed if lesson.vary else -1)


def key(lesson: Lesson, seed: int = 0) -> str | None:
    """The entry's name for ``lesson`` at ``seed`` (None: it cannot be keyed)."""
    try:
        data = pickle.dumps((lesson, variant(lesson, seed)), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an object that does not pickle: checked every time
        return None
    return hashlib.sha256(data).hexdigest()


def passed(lesson: Lesson, seed: int = 0) -> bool:
    """Whether this very lesson passed the app's check at ``seed`` with this code."""
    name = key(lesson, seed)
    if name is None:
        return False
    try:
        return (folder() / code_fingerprint() / name).is_file()
    except OSError:
        return False


def remember(lesson: Lesson, seed: int = 0) -> None:
    """Record that ``lesson`` passed at ``seed`` (quietly nothing where it cannot)."""
    name = key(lesson, seed)
    if name is None or variant(lesson, seed) > 0:  # a quiz's fresh numbers: not again
        return
    with contextlib.suppress(OSError):
        root = folder()
        here = root / code_fingerprint()
        if not here.is_dir():
            _forget_other_versions(root)
            here.mkdir(parents=True, exist_ok=True)
        elif sum(1 for _ in here.iterdir()) >= MAX_ENTRIES:
            shutil.rmtree(here, ignore_errors=True)  # start afresh: only a cache
            here.mkdir(parents=True, exist_ok=True)
        (here / name).touch()


def _forget_other_versions(root: Path) -> None:
    """Remove the entries of other code versions (folders named like a fingerprint)."""
    if not root.is_dir():
        return
    for entry in root.iterdir():
        if len(entry.name) == 32 and set(entry.name) <= _HEX and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
