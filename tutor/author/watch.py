"""`tutor check --watch`: check again whenever a lesson file is saved.

Standard library only: the files' modification times are polled (twice a
second by default), which works the same on every system and needs no
file-system events. Ctrl+C stops it.

The check runs in a thread while the files are polled: a save during a check
cancels it (`Cancel`: the check's child process is killed, and what it found is
never printed) and the new content is checked at once, as rustlings' ``watch``
restarts. No stale "ok" follows a newer save.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tutor.runtime.files import INTERVAL, stamp

_sleep = time.sleep  # between polls (a test replaces it, not the `time` module's own)


class Cancel:
    """Set when the files changed while a check ran: the check stops as soon as it can.

    A check registers what stops it (`on_cancel`: close its checker's child) and
    writes what it found only through `unless_cancelled`, under the same lock as
    `set`: a check's output is either written before the change was seen, or never.
    """

    #: Why a check was cancelled: a file changed (it is checked again), or Ctrl+C.
    CHANGED, INTERRUPTED = "changed", "interrupted"

    def __init__(self) -> None:
        self._set = False
        self.reason: str | None = None
        self._lock = threading.Lock()
        self._hooks: list[Callable[[], object]] = []

    def is_set(self) -> bool:
        return self._set

    def set(self, reason: str = CHANGED) -> None:
        """Cancel, and run every hook (again, if cancelled already: a hook may have
        had nothing to stop the first time, as a child process just being started)."""
        with self._lock:
            self._set = True
            self.reason = self.reason or reason
            hooks = list(self._hooks)
        for hook in hooks:  # stopping is best effort: the watcher's join bounds it
            with contextlib.suppress(Exception):
                hook()

    def on_cancel(self, hook: Callable[[], object]) -> None:
        with self._lock:
            self._hooks.append(hook)
            now = self._set
        if now:
            hook()

    def unless_cancelled(self, action: Callable[[], object]) -> bool:
        """Run ``action`` unless cancelled, atomically with `set`; whether it ran."""
        with self._lock:
            if self._set:
                return False
            action()
            return True


#: How long to wait for a cancelled check between two tries to stop it.
STOP_WAIT = 0.5


def watch(
    paths: list[Path],
    check: Callable[[Cancel], object],
    *,
    interval: float = INTERVAL,
    sleep: Callable[[float], None] | None = None,
    rounds: int | None = None,
) -> int:
    """Run ``check(cancel)`` now and after every change to the files, in a thread;
    a change while it runs cancels it first. Return the number of checks started.
    ``rounds`` (for tests) stops after that many polls, once the last check ended;
    otherwise it runs until Ctrl+C, which ends it quietly. An exception in a check
    is raised here."""
    sleep = sleep or _sleep
    checks = 0
    failure: list[BaseException] = []
    running: tuple[threading.Thread, Cancel] | None = None

    def start() -> None:
        nonlocal running, checks
        cancel = Cancel()

        def run() -> None:
            try:
                check(cancel)
            except BaseException as exc:  # raised in the watching thread, not lost
                failure.append(exc)

        thread = threading.Thread(target=run, name="tutor-check", daemon=True)
        running = (thread, cancel)
        checks += 1
        thread.start()

    def stop(reason: str = Cancel.CHANGED) -> None:
        if running is None:
            return
        thread, cancel = running
        while thread.is_alive():
            cancel.set(reason)
            thread.join(STOP_WAIT)

    try:
        before = stamp(paths)
        start()
        polls = 0
        while rounds is None or polls < rounds:
            sleep(interval)
            polls += 1
            if failure:
                raise failure[0]
            now = stamp(paths)
            if now != before:
                before = now
                stop()  # a check of the old content: cancelled, its output dropped
                start()
        if running is not None:
            running[0].join()
        if failure:
            raise failure[0]
    except KeyboardInterrupt:
        stop(Cancel.INTERRUPTED)
    return checks
