"""The way out that never hangs: once the app starts to close, it is gone within seconds.

Textual's shutdown writes to the terminal through a queue served by a writer
thread. Seen once in seven runs (issue 24): an exception on the way out rang the
bell, the write blocked on a full queue whose writer was waiting elsewhere, and
the app stayed alive 78 minutes after its terminal had closed. Asyncio also waits
for every worker thread before the process may end.

`arm` starts a daemon thread when the app begins to close (ctrl+q, SIGTERM,
SIGHUP, a terminal gone): if the process is still there ``seconds`` later, it
puts the terminal back as far as it can (its modes as they were before the app,
the main screen, the cursor, no mouse reports), without waiting on the terminal
for more than a moment, and ends the process with ``os._exit``. Every answer is
committed as it is given, so nothing is lost. A normal exit is far quicker: the
thread, a daemon, never holds the process.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import TextIO

#: How long the app may take to close before the watchdog ends it.
EXIT_SECONDS = 3.0
#: How long putting the terminal back may take (it may not be there any more).
RESTORE_SECONDS = 0.5

#: Mouse reports, bracketed paste, focus events and the kitty keyboard protocol off,
#: the cursor shown, the main screen back: what the app turned on.
RESET = (
    "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"
    "\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[?25h\x1b[?1049l"
)

_armed = threading.Lock()


def terminal_modes(fd: int | None = None) -> list | None:
    """The terminal's modes now (before the app changes them), or None."""
    try:
        import termios

        fd = sys.stdin.fileno() if fd is None else fd
        return termios.tcgetattr(fd) if os.isatty(fd) else None
    except (ImportError, OSError, ValueError, AttributeError):
        return None


def _fileno(stream: TextIO | None) -> int:
    if stream is None:
        raise OSError("the process has no such stream")
    return stream.fileno()


def restore_terminal(modes: list | None, out_fd: int | None = None, in_fd: int | None = None):
    """Put the terminal back: its saved modes, and the escape sequences in `RESET`."""
    with contextlib.suppress(Exception):
        out_fd = _fileno(sys.__stdout__) if out_fd is None else out_fd
        if os.isatty(out_fd):
            os.write(out_fd, RESET.encode())
    if modes is not None:
        with contextlib.suppress(Exception):
            import termios

            in_fd = _fileno(sys.__stdin__) if in_fd is None else in_fd
            termios.tcsetattr(in_fd, termios.TCSANOW, modes)


def arm(
    code: int = 0,
    *,
    seconds: float = EXIT_SECONDS,
    restore: Callable[[], None] | None = None,
) -> bool:
    """End the process with ``code`` in ``seconds`` unless it has ended by then.

    ``restore`` runs first, in a thread of its own given `RESTORE_SECONDS` (a write
    to a terminal that is not read any more may block for ever). Armed once per
    process; returns whether this call armed it.
    """
    if not _armed.acquire(blocking=False):
        return False

    def watch() -> None:
        threading.Event().wait(seconds)
        if restore is not None:
            helper = threading.Thread(target=restore, name="exit-restore", daemon=True)
            helper.start()
            helper.join(RESTORE_SECONDS)
        os._exit(code)

    threading.Thread(target=watch, name="exit-watchdog", daemon=True).start()
    return True
