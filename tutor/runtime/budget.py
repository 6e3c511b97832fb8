"""Check lessons in a child process, within a time and a memory budget.

A lesson within the format's limits can still ask for unbounded work: exact
rationals that double in size on every line (``a = 0.5``, then 40 lines that
square it), a 300-line graph whose SymPy expression has thousands of nodes, a
chain deep enough to exhaust Python's recursion. SymPy and big-integer
arithmetic cannot be interrupted from inside, so the check runs in a separate
Python process that is killed when its budget runs out:

- time: `CHECK_SECONDS` of CPU time per lesson for ``tutor check`` (the file's
  numbers and every variant), `APP_CHECK_SECONDS` in the app (one variant). CPU
  time, not wall time, so that a busy machine does not fail a lesson a quiet one
  passes: the child sets its own ``RLIMIT_CPU`` before each check and the kernel
  stops it when the check has used its share. A wall-clock deadline of
  `WALL_FACTOR` times as long stays as a backstop;
- memory: `MEMORY_BYTES` of address space for the child process.

A lesson whose check runs out of either is reported at its ``PATH`` with the
budget it exceeded and what in the lesson costs it (`cause`); the caller never
hangs. One child serves many lessons (it imports SymPy once) and is started again
after it was killed.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tutor.lesson.model import Lesson, LessonError
from tutor.untrusted import child_env

CHECK_SECONDS = 60.0
APP_CHECK_SECONDS = 30.0
MEMORY_BYTES = 768 * 1024**2  # the course needs under 100 MiB; the app stays under 1 GiB
WALL_FACTOR = 5.0  # the wall-clock backstop, in budgets: CPU time is what counts
RECURSION_LIMIT = 20_000  # in the child: deep graphs are checked, not refused

_HEADER = struct.Struct("!I")

#: What the child does with a lesson: a module-level function (sent by reference,
#: imported in the child) taking ``(lesson, variants, seed)`` and returning the
#: fields of an `Outcome`. `app_job` is the app's; `tutor check` sends its own.
Job = Callable[[Lesson, "int | None", "int | None"], tuple]


@dataclass
class Outcome:
    """What a check in the child found: its errors and warnings, how many variants it
    ran, and the quiz draws it dropped (`tutor.author.checking.FileResult` has the same)."""

    errors: list[LessonError] = field(default_factory=list)
    warnings: list[LessonError] = field(default_factory=list)
    variants: int = 0
    distinct: int = 0
    dropped: str = ""


class Checker:
    """A child process that validates lessons; thread-safe, one check at a time."""

    def __init__(self, memory: int = MEMORY_BYTES):
        self.memory = memory
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Checker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check(
        self,
        lesson: Lesson,
        *,
        seconds: float,
        variants: int | None = None,
        seed: int | None = None,
        job: Job | None = None,
    ) -> Outcome:
        """Check ``lesson`` within budget with ``job``: as the app does before it shows
        a lesson or a quiz (`app_job`, the default: validate at one seed, and the quiz
        there), or as `tutor check` does (`tutor.author.checking.author_job`).

        ``variants`` defaults to validate's own number.
        """
        job = job or app_job
        with self._lock:
            deadline = time.monotonic() + seconds * WALL_FACTOR
            try:
                process = self._start()
                _send(process, (job, lesson, variants, seed, seconds))
                reply = _receive(process, deadline)
            except TimeoutError:
                self.close()
                return _failed(lesson, _out_of_time(lesson, seconds, variants, seed))
            except (OSError, EOFError, pickle.UnpicklingError):
                stopped = self._process
                self.close()
                if stopped is not None and stopped.returncode == -signal.SIGXCPU:
                    return _failed(lesson, _out_of_time(lesson, seconds, variants, seed))
                return _failed(
                    lesson,
                    f"the check ran out of its memory budget ({self.memory // 1024**2} MiB) "
                    "or stopped: the lesson asks for too much computation",
                )
        kind, payload = reply
        if kind == "ok":
            return Outcome(*payload)
        return _failed(lesson, payload)

    def warm(self) -> None:
        """Start the child now, so that it has imported SymPy by the first check."""
        with self._lock:
            self._start()

    def close(self) -> None:
        """Stop the child process (it is started again by the next check)."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.wait(timeout=5)
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        self.close()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tutor.runtime.budget", str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # never onto the app's screen
            env=child_env(),  # the child dies with us (`die_with_parent`)
            start_new_session=True,  # a ctrl+c in the terminal is the parent's to handle
        )
        return self._process


_SHARED: dict[str, Checker] = {}
_SHARED_LOCK = threading.Lock()


def shared(name: str) -> Checker:
    """A checker kept for the life of the process (its child imports SymPy once).

    The app uses one for the background check of the course and another for the
    lesson being opened, so a slow lesson in the course never delays opening.
    """
    with _SHARED_LOCK:
        if name not in _SHARED:
            _SHARED[name] = Checker()
        return _SHARED[name]


@atexit.register
def close_shared() -> None:
    """Stop every shared checker's child; a check waiting on one returns at once."""
    with _SHARED_LOCK:
        checkers = list(_SHARED.values())
    for checker in checkers:
        checker.close()


def check_to_use(lesson: Lesson, seed: int = 0, checker: str = "open") -> list[LessonError]:
    """The lesson's problems at its own numbers (or at quiz variant ``seed``), as the
    app and `tutor run` check a lesson before they grade anything in it.

    Within `APP_CHECK_SECONDS` and the memory budget, in the shared child ``checker``:
    what it computes (the exact gradients, the quiz's draw, the trainings) is what
    grading will, so a lesson that passes is cheap enough to grade in the caller, and
    one that runs out is refused at its path. A pass is remembered
    (`tutor.runtime.passed`) and not checked again.
    """
    from tutor.runtime import passed

    if passed.passed(lesson, seed):
        return []
    try:
        outcome = shared(checker).check(
            lesson, variants=0, seed=seed or None, seconds=APP_CHECK_SECONDS
        )
    except Exception as exc:  # a lesson that cannot even be checked is not used
        return [LessonError(str(lesson.path), None, f"cannot be checked: {exc}")]
    if not outcome.errors:
        passed.remember(lesson, seed)
    return outcome.errors


def _out_of_time(lesson: Lesson, seconds: float, variants: int | None, seed: int | None) -> str:
    return f"the check ran out of its time budget ({seconds:g} s of CPU time): " + cause(
        lesson, variants, seed
    )


def cause(lesson: Lesson, variants: int | None = None, seed: int | None = None) -> str:
    """What in ``lesson`` its check spends its time on, in an author's words: the path
    its graph takes (`tutor.symbolic.graph.whole`), its size, how many variants, and
    how many training updates each variant computes three times."""
    from tutor.check.validate import VARIANTS
    from tutor.engine import topo_order
    from tutor.lesson import lesson_graph
    from tutor.symbolic.graph import WHOLE_EXPRESSION_OPS, expression_size, whole

    count = 1 if seed else VARIANTS if variants is None else variants
    where = f"the file's numbers and {count} variant{'s' if count != 1 else ''}"
    if seed:
        where = f"quiz variant {seed}"
    elif not lesson.vary:
        where = "the file's numbers"
    try:
        order = topo_order(lesson_graph(lesson, 0).output)
    except Exception:  # the graph itself is what costs: its forward pass
        return "the lesson asks for too much computation (its forward pass)"
    nodes = len(order)
    updates = sum(t.steps for a in lesson.questions if (t := a.training()) is not None)
    training = (
        f", with {updates} training update{'s' if updates != 1 else ''} per variant, each "
        "computed by the engine, the symbolic descent and central differences"
        if updates
        else ""
    )
    rational = all(
        n.op in _RATIONAL_OPS
        and (n.op != "pow" or (n.param is not None and float(n.param).is_integer()))
        for n in order
    )
    growing = (
        "; its values are exact fractions (no tanh, exp, log or root rounds them), and a "
        "product or power of a value doubles its digits, line after line: make the chain "
        "of products shorter"
        if rational and nodes > 2
        else ""
    )
    if whole(order):
        size = expression_size(order, WHOLE_EXPRESSION_OPS)
        return (
            f"its graph ({nodes} nodes, {size} operations as one expression) is checked "
            f"exactly by SymPy (exact values, sympy.diff of the whole expression) at {where}"
            f"{training}{growing or ': make the graph or the training smaller'}"
        )
    return (
        f"its graph ({nodes} nodes) is checked with 50-digit numbers edge by edge at "
        f"{where}{training}"
        f"{growing or ': make the graph, the data, the training or `vary` smaller'}"
    )


#: Ops that keep exact fractions exact (pow, with a whole exponent).
_RATIONAL_OPS = {"", "add", "sub", "mul", "div", "neg", "pow"}


def _failed(lesson: Lesson, message: str) -> Outcome:
    return Outcome([LessonError(str(lesson.path), None, message)])


def _send(process: subprocess.Popen[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    assert process.stdin is not None
    process.stdin.write(_HEADER.pack(len(data)) + data)
    process.stdin.flush()


def _receive(process: subprocess.Popen[bytes], deadline: float) -> tuple[str, Any]:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    header = _read_exactly(fd, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    # The reply comes from our own child process, not from a lesson file.
    return pickle.loads(_read_exactly(fd, size, deadline))


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while size:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- the child ------------------------------------------------------------------------


def _child(memory: int) -> None:
    from tutor.untrusted import die_with_parent

    die_with_parent()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass  # no limit where the platform has none; the time budget still holds
    sys.setrecursionlimit(RECURSION_LIMIT)
    # What every check needs (SymPy among it), imported once, before any lesson: a
    # memory budget too small for the imports stops the child here. (A job's own
    # module is imported as its reference is unpickled, with the first lesson.)
    import tutor.check.validate  # noqa: F401

    # Replies go out on a private copy of stdout; anything printed goes nowhere.
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        try:
            job, lesson, variants, seed, seconds = pickle.loads(stdin.read(size))  # our parent's
            _limit_cpu(seconds)
            # Plain values: this module runs as __main__ here, its classes do not unpickle.
            reply: tuple[str, object] = ("ok", tuple(job(lesson, variants, seed)))
        except MemoryError:
            reply = ("failed", "the check ran out of its memory budget")
        except RecursionError:
            reply = ("failed", "the graph is nested too deeply to be checked")
        except Exception as exc:  # a bug the lesson provoked: reported at its path
            reply = ("failed", f"cannot be checked ({type(exc).__name__}: {str(exc)[:200]})")
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


def _limit_cpu(seconds: float) -> None:
    """Let the kernel stop this process (SIGXCPU) once this check has used ``seconds``
    of CPU time, counted from now (whole seconds, as ``RLIMIT_CPU`` counts)."""
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = math.ceil(used + seconds)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ImportError, ValueError, OSError):
        pass  # no limit where the platform has none: the wall-clock backstop holds


def app_job(lesson: Lesson, variants: int | None, seed: int | None) -> tuple:
    """The app's check, in the child: validate at one seed (the file's numbers, or a
    quiz's), and the quiz at those numbers, as `tutor check` runs it."""
    from tutor.author.rehearse import rehearse_quiz
    from tutor.check.validate import validate

    more = {} if variants is None else {"variants": variants}
    report = validate(lesson, seed=seed, **more)
    errors = report.errors
    if seed and not errors:  # and the quiz at these numbers runs, as in `tutor check`
        errors = rehearse_quiz(lesson, seed, report.graphs[0])
    return (errors, report.warnings, report.variants, report.distinct, report.dropped_text())


if __name__ == "__main__":
    _child(int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_BYTES)
