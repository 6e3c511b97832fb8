"""The installed `tutor` in a real terminal (tmux): open, answer, quit.

Runs on a private tmux server (its own socket), so it never touches anyone's
sessions, and polls the screen with a timeout instead of sleeping blindly.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from tmux_terminal import TIMEOUT, TMUX, TUTOR, Terminal

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: no real-terminal check"),
    pytest.mark.skipif(not TUTOR.exists(), reason=f"no installed console script at {TUTOR}"),
]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=["100x30", "80x24"])
def test_tutor_in_a_real_terminal(tmp_path, size):
    home = tmp_path / "home"
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR}"
    terminal = Terminal(command, socket=f"tutor-smoke-{os.getpid()}-{size[0]}", size=size)
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
        lines = screen.rstrip("\n").splitlines()
        assert "F1 Help" in lines[-1] and "^q Quit" in lines[-1], "the footer keeps its keys"
        assert len(lines) <= size[1] and max(map(len, lines)) <= size[0]
        terminal.keys("C-q")
        deadline = time.monotonic() + TIMEOUT
        while terminal.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not terminal.alive(), "the session did not end after ctrl+q"
    finally:
        terminal.close()
    assert (home / "progress.sqlite3").exists()


def test_tutor_leaves_when_its_terminal_hangs_up_without_a_signal(tmp_path):
    """A terminal closed under a tutor that is not its session's (no SIGHUP): the app
    leaves, instead of reading the end of input in a loop at full CPU for ever."""
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TUTOR_HOME": str(tmp_path), "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [str(TUTOR)], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    os.close(slave)
    try:
        drawn = b""
        deadline = time.monotonic() + TIMEOUT
        while b"Derivative by nudging" not in drawn and time.monotonic() < deadline:
            drawn += os.read(master, 65536)  # the course is on screen
        os.close(master)
        master = None
        assert process.wait(timeout=TIMEOUT) == 129
    finally:
        if master is not None:
            os.close(master)
        if process.poll() is None:
            process.kill()
            process.wait()
