"""Turn an unexpected exception in a handler into a message, never a crash.

Textual ends the app on an exception that escapes a handler, and the student
would lose the screen they were on. Every handler of the app's screens is
wrapped in `guarded`: the exception is written to ``errors.log`` next to the
progress database (for a bug report) and shown as a notification; the screen
stays as it was. Answers are committed to the store as they are given, so
nothing the student did is lost either way.
"""

from __future__ import annotations

import functools
import inspect
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App

F = TypeVar("F", bound=Callable[..., Any])

LOG_NAME = "errors.log"


def report(app: App, error: BaseException, doing: str) -> None:
    """Tell the student something went wrong, and keep the details in a log file."""
    where = _write_log(error, doing)
    detail = f" Details are in {where}." if where else ""
    store = getattr(app, "store", None)
    if store is not None and store.status.saving:
        detail += " Your answers so far are saved."
    app.notify(
        f"{doing} failed: {type(error).__name__}: {error}.{detail}",
        title="Something went wrong",
        severity="error",
        timeout=20,
    )


def guarded(method: F) -> F:
    """Wrap a widget's or screen's handler so an exception becomes a message."""
    doing = method.__name__.removeprefix("action_").removeprefix("on_").replace("_", " ")
    doing = doing.strip().capitalize() or "That"

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def run_async(self, *args, **kwargs):
            try:
                return await method(self, *args, **kwargs)
            except Exception as error:
                report(self.app, error, doing)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            report(self.app, error, doing)
            return None

    return run  # type: ignore[return-value]


def _write_log(error: BaseException, doing: str) -> Path | None:
    from tutor.progress import default_path

    try:
        path = default_path().parent / LOG_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        lines = traceback.format_exception(error)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp} {doing}\n{''.join(lines)}\n")
    except OSError:
        return None
    return path
