"""Shared test configuration: deterministic hypothesis, an isolated TUTOR_HOME, and
the app's pilot tests' one way to run (`pilot_test`) and to open the app (`make_app`)."""

from __future__ import annotations

import asyncio
import functools

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "tutor",
    derandomize=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
settings.load_profile("tutor")

#: The lecture's example graph, L = (a*b + c) * f, for the tests' lesson files
#: (``from conftest import LECTURE_GRAPH``): written once, not pasted into each file.
LECTURE_GRAPH = """\
a = 2.0
b = -3.0
c = 10.0
e = a * b
d = e + c
f = -2.0
L = d * f
"""

#: The smallest useful lesson, L = a * b with two gradient questions, for tests that
#: need a valid file to put beside a hostile one (``from conftest import TINY_LESSON``).
TINY_LESSON = """\
format = 1
id = "tiny"
title = "Tiny"
graph = \"\"\"
a = 2.0
b = -3.0
L = a * b
\"\"\"
[[steps]]
ask = "grad"
node = "a"
[[steps]]
ask = "grad"
node = "b"
"""


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test ever touches the real user's progress database."""
    home = tmp_path_factory.mktemp("tutor-home")
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    return home


class InstantChecker:
    """A lesson checker that passes every lesson at once (`create_app(checker=...)`):
    for the tests of layout and keys, whose lessons the course check passes anyway."""

    def passed(self, lesson, seed=0) -> bool:
        return True

    def check(self, lesson, seed=0, queue="open") -> list:
        return []

    def warm(self, queue) -> None:
        pass

    def preload(self) -> None:
        pass

    def close(self) -> None:
        pass


class HeldChecker(InstantChecker):
    """A lesson checker that answers when the test sets ``release`` (``errors``, or
    ``errors(lesson)``), and knows no lesson as passed: the app opens it checking."""

    def __init__(self, errors=()):
        import threading

        self.release = threading.Event()
        self.errors = errors
        self.calls: list[tuple[str, int]] = []

    def passed(self, lesson, seed=0) -> bool:
        return False

    def check(self, lesson, seed=0, queue="open") -> list:
        self.calls.append((lesson.id, seed))
        self.release.wait(60)
        return list(self.errors(lesson) if callable(self.errors) else self.errors)

    def close(self) -> None:
        self.release.set()  # a check waiting returns at once, as the child's does


def pilot_test(test):
    """Run an ``async def`` test (a Textual pilot's) to its end; no asyncio plugin."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run


#: The seed of every quiz the tests' app draws (its numbers are then known).
QUIZ_SEED = 7


def make_app(folder=None, *, checker=None, seeds=lambda: QUIZ_SEED, **kwargs):
    """The app as the command line makes it (`create_app`), on ``folder`` (default: the
    bundled course), with a checker that passes every lesson at once unless the test
    gives one: the lessons' check has tests of its own (test_tui_checking)."""
    from tutor.paths import bundled_lessons
    from tutor.tui.app import create_app

    return create_app(
        folder if folder is not None else bundled_lessons(),
        checker=checker if checker is not None else InstantChecker(),
        seeds=seeds,
        **kwargs,
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "handler_error: the test expects a handler's exception to be reported"
    )


#: What the handlers reported during a test (`_handler_errors_fail_the_test`).
REPORTED = pytest.StashKey[list[str]]()


@pytest.fixture(autouse=True)
def _handler_errors_fail_the_test(request, monkeypatch):
    """An exception a screen's handler turned into a notification (`tutor.tui.errors`)
    fails the test that caused it, unless it is marked ``handler_error``.

    Imported here, not looked up: a test that imports the app in its body (the first of
    its worker, under ``-n``) is watched as well."""
    from tutor.tui import errors

    reported = request.node.stash[REPORTED] = []
    report = errors.report

    def recording(app, error, doing):
        reported.append(f"{doing}: {type(error).__name__}: {error}")
        report(app, error, doing)

    monkeypatch.setattr(errors, "report", recording)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The test fails (not its teardown) when a handler reported an exception in it."""
    result = yield
    reported = item.stash.get(REPORTED, None)
    if reported and item.get_closest_marker("handler_error") is None:
        pytest.fail("a handler reported an exception: " + "; ".join(reported))
    return result
