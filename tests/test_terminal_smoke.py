"""The installed `tutor` in a real terminal (tmux): open, answer, quit.

Runs on a private tmux server (its own socket), so it never touches anyone's
sessions, and polls the screen with a timeout instead of sleeping blindly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
TUTOR = Path(sys.executable).with_name("tutor")
TIMEOUT = 30.0

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: no real-terminal check"),
    pytest.mark.skipif(not TUTOR.exists(), reason=f"no installed console script at {TUTOR}"),
]


class Terminal:
    """A detached 100×30 tmux session running one command, on its own server."""

    def __init__(self, command: str, socket: str):
        self.socket = socket
        self.tmux("new-session", "-d", "-s", "smoke", "-x", "100", "-y", "30", command)

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [TMUX, "-L", self.socket, *args], capture_output=True, text=True, check=check
        )

    def screen(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", "smoke", check=False)
        return result.stdout

    def keys(self, *keys: str) -> None:
        for key in keys:  # one at a time: a control key and text in one go can lose a key
            self.tmux("send-keys", "-t", "smoke", key)
            time.sleep(0.05)

    def wait_for(self, *texts: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts} did not appear within {TIMEOUT} s; the screen:\n{screen}")

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", "smoke", check=False).returncode == 0

    def close(self) -> None:
        self.tmux("kill-server", check=False)


def test_tutor_in_a_real_terminal(tmp_path):
    home = tmp_path / "home"
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR}"
    terminal = Terminal(command, socket=f"tutor-smoke-{os.getpid()}")
    try:
        terminal.wait_for("Derivative by nudging", "Start with 1.")
        terminal.keys("Enter")  # the highlighted first lesson
        terminal.wait_for("step 1 of 14")
        terminal.keys("Enter")  # on to its first question: f at x = 3
        terminal.wait_for("step 2 of 14", "what is f at")
        terminal.keys("2", "0")
        terminal.keys("Enter")
        screen = terminal.wait_for("✔ Correct")
        assert "f = 20" in screen
        terminal.keys("C-q")
        deadline = time.monotonic() + TIMEOUT
        while terminal.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not terminal.alive(), "the session did not end after ctrl+q"
    finally:
        terminal.close()
    assert (home / "progress.sqlite3").exists()
