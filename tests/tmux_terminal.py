"""A real terminal for tests (tmux, on a private server): not a test module, so the
terminal tests share it without importing one another."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

TMUX = shutil.which("tmux")
TUTOR = Path(sys.executable).with_name("tutor")
TIMEOUT = 30.0


class Terminal:
    """A detached tmux session (``size`` columns × rows) running one command, on its
    own server."""

    def __init__(self, command: str, socket: str, size: tuple[int, int] = (100, 30)):
        self.socket = socket
        columns, rows = map(str, size)
        self.tmux("new-session", "-d", "-s", "smoke", "-x", columns, "-y", rows, command)

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
