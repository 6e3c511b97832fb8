"""The test suite's own rules (issue 22): no test module imports another, and an
exception a handler turned into a notification fails the test that caused it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_test_module_imports_another():
    # shared helpers live in conftest or in helper modules (tui_pilot, tmux_terminal, …),
    # so that running one file never runs, nor depends on, another file's tests
    found = {
        path.name: sorted(name for name in imported_modules(path) if name.startswith("test_"))
        for path in sorted(TESTS.glob("test_*.py"))
    }
    assert {name: imports for name, imports in found.items() if imports} == {}


HANDLER_TESTS = """
import pytest

from tutor.tui.errors import guarded


class App:
    store = None

    def __init__(self):
        self.said = []

    def notify(self, message, **options):
        self.said.append(message)


class Screen:
    def __init__(self):
        self.app = App()

    @guarded
    def on_press(self, fail):
        if fail:
            raise RuntimeError("kaboom")


def test_unexpected():
    Screen().on_press(True)


@pytest.mark.handler_error
def test_expected():
    screen = Screen()
    screen.on_press(True)
    assert any("kaboom" in message for message in screen.app.said)


def test_no_exception():
    Screen().on_press(False)
"""


def test_an_exception_a_handler_reports_fails_the_test_that_caused_it(tmp_path):
    shutil.copy(TESTS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_handlers.py").write_text(HANDLER_TESTS, encoding="utf-8")
    root = str(TESTS.parent)  # tutor from this tree, as the suite itself runs it
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 failed, 2 passed" in run.stdout, run.stdout + run.stderr
    assert "test_unexpected" in run.stdout
    assert "a handler reported an exception: Press: RuntimeError: kaboom" in run.stdout
