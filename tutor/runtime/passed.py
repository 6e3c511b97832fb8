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

Only passes are kept, one empty file each, named by the key's SHA-256, in a folder
named by the code's fingerprint in ``$TUTOR_HOME/checks`` (else the user's cache
folder). A missing, unreadable or read-only folder only means the check runs again:
nothing here can make a lesson pass that did not.

The cache deletes only what it wrote. Each fingerprint folder it makes holds a
marker file (`MARKER`) first; entries of other code versions are removed when a new
fingerprint folder is made, and only from folders that carry the marker and hold
nothing but the marker and entries (a 64-hex-named empty regular file): a file
unlinked one by one, never a tree removed. No link is followed: ``checks`` itself,
a fingerprint folder or an entry that is a symbolic link means no caching (every
path is opened with ``O_NOFOLLOW``, relative to its folder's descriptor). The
folder holds at most `MAX_ENTRIES` entries; at the bound its entries are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import threading
from pathlib import Path

from tutor.lesson.model import Lesson

MAX_ENTRIES = 4096
MARKER = ".tutor-pass-cache"
_MARK = b"tutor: every 64-hex-named empty file in this folder records a passed check\n"
_HEX = frozenset("0123456789abcdef")
# Descriptor-relative calls that refuse links: where the system lacks them, no caching.
_SAFE = (
    hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
    and {os.open, os.stat, os.unlink, os.rmdir, os.mkdir} <= os.supports_dir_fd
    and os.listdir in os.supports_fd
)
_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)

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
    if name is None or not _SAFE:
        return False
    try:
        with _directory(folder()) as root, _directory(code_fingerprint(), root) as here:
            if not _marked(here):
                return False
            return stat.S_ISREG(os.stat(name, dir_fd=here, follow_symlinks=False).st_mode)
    except OSError:
        return False


def remember(lesson: Lesson, seed: int = 0) -> None:
    """Record that ``lesson`` passed at ``seed`` (quietly nothing where it cannot)."""
    name = key(lesson, seed)
    if name is None or variant(lesson, seed) > 0 or not _SAFE:  # a quiz's fresh numbers
        return
    with contextlib.suppress(OSError):
        path = folder()
        path.mkdir(parents=True, exist_ok=True)
        with _directory(path) as root:  # a link named checks: refused here
            fingerprint = code_fingerprint()
            try:
                here_fd = _open_directory(fingerprint, root)
            except FileNotFoundError:
                _forget_other_versions(root, fingerprint)
                os.mkdir(fingerprint, 0o700, dir_fd=root)
                here_fd = _open_directory(fingerprint, root)
            with _closing(here_fd) as here:
                if not _marked(here):
                    if os.listdir(here):  # a folder the cache did not make: not used
                        return
                    _mark(here)
                if len(os.listdir(here)) > MAX_ENTRIES:
                    _remove_entries(here)  # start afresh: only a cache
                os.close(os.open(name, os.O_WRONLY | os.O_CREAT | _FLAGS, 0o600, dir_fd=here))


def _open_directory(name: str | Path, dir_fd: int | None = None) -> int:
    """A descriptor of the folder ``name``; OSError if it is a link or no folder."""
    return os.open(name, os.O_RDONLY | os.O_DIRECTORY | _FLAGS, dir_fd=dir_fd)


@contextlib.contextmanager
def _closing(fd: int):
    try:
        yield fd
    finally:
        os.close(fd)


def _directory(name: str | Path, dir_fd: int | None = None):
    return _closing(_open_directory(name, dir_fd))


def _mark(here: int) -> None:
    fd = os.open(MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS, 0o600, dir_fd=here)
    with _closing(fd):
        os.write(fd, _MARK)


def _marked(here: int) -> bool:
    """Whether the folder ``here`` carries the marker the cache writes in its folders."""
    try:
        fd = os.open(MARKER, os.O_RDONLY | _FLAGS, dir_fd=here)
    except OSError:
        return False
    with _closing(fd):
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.read(fd, len(_MARK) + 1) == _MARK


def _is_entry(name: str) -> bool:
    return len(name) == 64 and set(name) <= _HEX


def _remove_entries(here: int) -> bool:
    """Unlink the entries in ``here`` (empty regular files with an entry's name);
    whether the folder then holds nothing but the marker."""
    alone = True
    for name in os.listdir(here):
        if name == MARKER:
            continue
        info = os.stat(name, dir_fd=here, follow_symlinks=False)
        if _is_entry(name) and stat.S_ISREG(info.st_mode) and info.st_size == 0:
            os.unlink(name, dir_fd=here)  # unlink never follows a link
        else:
            alone = False
    return alone


def _forget_other_versions(root: int, fingerprint: str) -> None:
    """Remove the folders of other code versions: only a marked folder named like a
    fingerprint, not a link, holding nothing but the marker and entries."""
    for name in os.listdir(root):
        if name == fingerprint or len(name) != 32 or not set(name) <= _HEX:
            continue
        with contextlib.suppress(OSError):
            with _directory(name, root) as old:
                if not _marked(old) or not all(
                    n == MARKER or _is_entry(n) for n in os.listdir(old)
                ):
                    continue  # not the cache's: left alone
                if not _remove_entries(old):
                    continue
                os.unlink(MARKER, dir_fd=old)
            os.rmdir(name, dir_fd=root)  # fails unless empty, and on a link
