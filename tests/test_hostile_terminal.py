"""Signals in a real terminal (tmux): SIGTERM, SIGHUP and SIGQUIT end the app the
way ctrl+q does. The terminal is restored (no raw mode, no alternate screen, no
mouse reporting, the cursor shown) and the answers given are kept.

Runs on a private tmux server (its own socket), like test_terminal_smoke.py.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from tmux_terminal import TIMEOUT, TMUX, TUTOR
from tmux_terminal import Terminal as SmokeTerminal

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: no real-terminal check"),
    pytest.mark.skipif(not TUTOR.exists(), reason=f"no installed console script at {TUTOR}"),
    pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc"),
]

FLAGS = "#{alternate_on} #{cursor_flag} #{mouse_any_flag}#{mouse_button_flag}#{mouse_sgr_flag}"


class Terminal(SmokeTerminal):
    """The smoke test's tmux session, and what a signal test reads of it."""

    def flags(self) -> str:
        return self.tmux("display-message", "-p", "-t", "smoke", FLAGS).stdout.strip()

    def app_pid(self) -> int:
        """The tutor process: the child of the pane's shell."""
        shell = int(self.tmux("display-message", "-p", "-t", "smoke", "#{pane_pid}").stdout)
        children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        (pid,) = children
        return int(pid)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_a_signal_restores_the_terminal_and_keeps_the_answers(tmp_path, signum):
    home = tmp_path / "home"
    after = tmp_path / "after"
    # After the app: its exit status, then the terminal's mode as the shell finds it.
    command = (
        f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR}; "
        f"echo $? > {after}.rc; stty -a > {after}.part && mv {after}.part {after}.stty; sleep 60"
    )
    terminal = Terminal(command, socket=f"tutor-signal-{os.getpid()}-{signum}")
    try:
        terminal.wait_for("Derivative by nudging", "Start with 1.")
        terminal.keys("Enter")
        terminal.wait_for("step 1 of 14")
        terminal.keys("Enter")
        terminal.wait_for("what is f at")
        terminal.keys("2", "0", "Enter")
        terminal.wait_for("✔ Correct")
        assert terminal.flags().startswith("1 0")  # the app's own screen: alternate, no cursor
        os.kill(terminal.app_pid(), signum)
        deadline = time.monotonic() + TIMEOUT
        while not Path(f"{after}.stty").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # written whole (moved into place), after the exit status
        assert Path(f"{after}.rc").read_text().strip() == str(128 + signum)
        stty = Path(f"{after}.stty").read_text().split()
        assert "echo" in stty and "icanon" in stty, "the terminal was left in raw mode"
        assert terminal.flags() == "0 1 000", "alternate screen, hidden cursor or mouse left on"
    finally:
        terminal.close()
    with sqlite3.connect(home / "progress.sqlite3") as db:
        answers = db.execute("SELECT answer, verdict FROM answer").fetchall()
    assert answers == [("20", "correct")]


WATCHDOG = """\
import sys, threading, time
from tutor.tui import watchdog

def restore():
    print("restored", flush=True)

assert watchdog.arm(7, seconds=0.2, restore=restore)
assert not watchdog.arm(8, seconds=0.2)  # armed once
print("armed", flush=True)
threading.Event().wait()  # a main thread that never returns
"""


def test_the_exit_watchdog_ends_a_process_that_does_not():
    import subprocess
    import sys

    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", WATCHDOG],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 7, done.stderr
    assert done.stdout.split() == ["armed", "restored"]
    assert time.monotonic() - start < 20


def test_the_exit_watchdog_waits_on_no_terminal_that_blocks():
    import subprocess
    import sys

    script = (
        "import threading\nfrom tutor.tui import watchdog\n"
        "watchdog.RESTORE_SECONDS = 0.1\n"
        "watchdog.arm(5, seconds=0.1, restore=threading.Event().wait)\n"
        "threading.Event().wait()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30)
    assert done.returncode == 5
