"""No keystroke is lost across a step change, and no stale panel is left on screen,
in a real terminal (tmux) at 80×24.

Issue 19, point 4: typing an answer, Enter (graded right), Enter (on to the next
question) and the next answer must leave exactly that next answer in the box,
whether typed at 30 ms a key, at 10 ms a key, or sent as one burst. Before the
fix the box got ``038``, ``.0038`` or ``3.65570.0038``: Textual ran Enter only
after the keys typed behind it. Runs the smoke test's tmux `Terminal`, on a
private server, and polls the screen (no fixed waits).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from tmux_terminal import TIMEOUT, TMUX, TUTOR, Terminal

from tutor.lesson.folder import load_course
from tutor.paths import bundled_lessons
from tutor.runtime import passed
from tutor.session import Session

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: no real-terminal check"),
    pytest.mark.skipif(not TUTOR.exists(), reason=f"no installed console script at {TUTOR}"),
]

LESSON = "loss-over-data"  # lesson 13: step 3 asks L1, step 4 asks L2


def one_lesson_folder(tmp_path, home, monkeypatch):
    """A folder holding lesson 13 alone, its check remembered as passed in ``home``
    (the app then opens it ready to grade, as a second sitting does)."""
    folder = tmp_path / "lessons"
    folder.mkdir()
    source = load_course(bundled_lessons()).find(LESSON).path
    shutil.copy(source, folder / source.name)
    (lesson,) = load_course(folder).lessons
    monkeypatch.setenv("TUTOR_HOME", str(home))
    passed.remember(lesson)
    assert passed.passed(lesson)
    session = Session(lesson)
    values = session.graph.values()
    return folder, f"{values['L1']:.4f}", f"{values['L2']:.4f}"


def box(screen: str) -> str:
    """The answer box's text: the row between its ▊ … ▎ edges."""
    rows = [row for row in screen.splitlines() if row.startswith("▊") and row.endswith("▎")]
    inner = [row[1:-1].strip() for row in rows if row[1:-1].strip("▔▁ ")]
    assert len(inner) == 1, screen
    return inner[0]


def wait_until(terminal: Terminal, test, what: str) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        screen = terminal.screen()
        if test(screen):
            return screen
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {TIMEOUT} s; the screen:\n{screen}")


@pytest.mark.parametrize("pace", [0.03, 0.01, None], ids=["30ms", "10ms", "burst"])
def test_no_key_is_lost_across_a_step_change(tmp_path, monkeypatch, pace):
    home = tmp_path / "home"
    folder, first, second = one_lesson_folder(tmp_path, home, monkeypatch)
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR} --lessons {folder}"
    name = f"tutor-typing-{os.getpid()}-{pace}"
    terminal = Terminal(command, socket=name, size=(80, 24))
    try:
        terminal.wait_for("A loss over a data set")
        terminal.keys("Enter")
        terminal.wait_for("step 1 of 16")
        terminal.keys("Enter")
        terminal.wait_for("step 2 of 16")
        terminal.keys("Enter")
        terminal.wait_for("step 3 of 16", "0 of 8 done")
        keys = [*first, "\r", "\r", *second]
        if pace is None:  # one write: the terminal hands them over together
            terminal.tmux("send-keys", "-t", "smoke", "-l", "".join(keys))
        else:
            for key in keys:
                terminal.tmux("send-keys", "-t", "smoke", "-l", key)
                time.sleep(pace)  # the typist's pace is what this test is about
        screen = wait_until(
            terminal,
            lambda s: "step 4 of 16" in s and second in s,
            f"step 4 with {second} typed",
        )
        assert "1 of 8 done" in screen, "the first answer was graded right"
        assert box(screen) == second
    finally:
        terminal.close()


def test_a_scrolled_derivation_is_not_left_on_screen_by_the_next_step(tmp_path, monkeypatch):
    """Issue 19, point 7: lesson 13, step 7 (a derivation), ↓ ten times, Enter: step 8
    showed the old derivation under its text (a redraw only a real terminal shows)."""
    home = tmp_path / "home"
    folder, _, _ = one_lesson_folder(tmp_path, home, monkeypatch)
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR} --lessons {folder}"
    terminal = Terminal(command, socket=f"tutor-scrolled-{os.getpid()}", size=(80, 24))
    try:
        terminal.wait_for("A loss over a data set")
        terminal.keys("Enter")
        terminal.wait_for("step 1 of 16")
        terminal.keys(*["C-n"] * 6)
        terminal.wait_for("step 7 of 16", "Derivation of", "lim[h→0]")
        terminal.keys(*["Down"] * 10)
        terminal.keys("Enter")
        # step 8's own text drawn (the header changes first on a loaded machine)
        step_8 = lambda s: "step 8 of 16" in s and "twice the error" in s  # noqa: E731
        screen = wait_until(terminal, step_8, "step 8")
        assert "Derivation of" not in screen and "lim[h→0]" not in screen, screen
    finally:
        terminal.close()


def test_keys_after_ctrl_j_in_the_code_editor_go_to_the_next_step_in_order(tmp_path, monkeypatch):
    # Lesson 17: ctrl+j checks a body at once, so the Enter typed behind it goes on (the
    # keys after ctrl+j were graded with the body); the next body lands in the next
    # question's editor; Esc then leaves in one press (it only moved the focus).
    home = tmp_path / "home"
    folder = tmp_path / "lessons"
    folder.mkdir()
    source = load_course(bundled_lessons()).find("write-backward").path
    shutil.copy(source, folder / source.name)
    (lesson,) = load_course(folder).lessons
    monkeypatch.setenv("TUTOR_HOME", str(home))
    passed.remember(lesson)
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR} --lessons {folder}"
    terminal = Terminal(command, socket=f"tutor-code-{os.getpid()}", size=(80, 24))
    try:
        terminal.wait_for("Write _backward")
        terminal.keys("Enter")
        terminal.wait_for("step 1 of 7")
        terminal.keys("Enter")
        terminal.wait_for("step 2 of 7")
        terminal.keys("Enter")
        terminal.wait_for("step 3 of 7", "ctrl+j checks the code")
        terminal.tmux("send-keys", "-t", "smoke", "-l", "self.grad += out.grad")
        terminal.keys("Enter")
        terminal.tmux("send-keys", "-t", "smoke", "-l", "other.grad += out.grad")
        terminal.keys("C-j", "Enter")  # checked at once: Enter, behind it, goes on
        terminal.wait_for("step 4 of 7")
        terminal.tmux("send-keys", "-t", "smoke", "-l", "self.grad += other.data * out.grad")
        screen = wait_until(
            terminal,
            lambda s: "self.grad += other.data * out.grad" in s,
            "step 4 with its first line typed in the editor",
        )
        assert "1 of 5 done" in screen, "the first body was graded right"
        terminal.keys("Escape")
        wait_until(terminal, lambda s: "Continue with" in s, "the course after one Esc")
    finally:
        terminal.close()


@pytest.mark.parametrize(
    ("lesson_id", "steps", "before", "keys"),
    [
        # Lesson 18: the answer to db/da, Enter (right), Enter (on to a reading step),
        # Enter (on to the code question), then the body.
        ("the-plus-equals-bug", 5, 3, "2\r\r\r"),
        # Lesson 17: Enter from the graph into the first code question, then the body.
        ("write-backward", 7, 2, "\r"),
    ],
    ids=["18-after-a-question", "17-after-the-graph"],
)
def test_a_burst_into_a_code_question_lands_in_its_editor_in_order(
    tmp_path, monkeypatch, lesson_id, steps, before, keys
):
    # Issue 19's last case: the keys typed in one burst behind the Enter that leads
    # into a code question went to the hidden one-line box (and, forwarded, reached
    # the editor out of order). They are the editor's now, exactly as typed.
    home = tmp_path / "home"
    folder = tmp_path / "lessons"
    folder.mkdir()
    source = load_course(bundled_lessons()).find(lesson_id).path
    shutil.copy(source, folder / source.name)
    (lesson,) = load_course(folder).lessons
    monkeypatch.setenv("TUTOR_HOME", str(home))
    passed.remember(lesson)
    command = f"env -u TUTOR_LESSONS TUTOR_HOME={home} {TUTOR} --lessons {folder}"
    terminal = Terminal(command, socket=f"tutor-burst-{os.getpid()}-{lesson_id}", size=(80, 24))
    first, second = "self.grad += 1.0 * out.grad", "other.grad += 1.0 * out.grad"
    try:
        terminal.wait_for(lesson.title[:20])
        terminal.keys("Enter")
        terminal.wait_for(f"step 1 of {steps}")
        for step in range(2, before + 1):
            terminal.keys("C-n")
            terminal.wait_for(f"step {step} of {steps}")
        terminal.tmux("send-keys", "-t", "smoke", "-l", f"{keys}{first}\r{second}")
        screen = wait_until(
            terminal,
            lambda s: second in s and "ctrl+j checks the code" in s,
            "the body typed in the code editor",
        )
        assert editor(screen) == [first, second], screen
    finally:
        terminal.close()
    # The editor took the focus: nothing keeps the app busy once its terminal has gone
    # (a focus hand-over that waited for an empty queue spun at full CPU for ever).
    assert app_gone(str(folder)), "the app outlived its terminal"


def app_gone(marker: str, seconds: float = 20.0) -> bool:
    """Whether no process whose command line holds ``marker`` is left, within
    ``seconds`` (an app whose terminal has gone leaves on its own)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = []
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if marker in command and "tmux" not in command and state != "Z":
                left.append(proc.name)
        if not left:
            return True
        time.sleep(0.1)
    return False


def editor(screen: str) -> list[str]:
    """The code editor's lines: the rows between its top edge (▔) and its bottom edge
    (which carries "ctrl+j checks the code"), empty ones left out."""
    rows = screen.splitlines()
    end = next(i for i, row in enumerate(rows) if "ctrl+j checks the code" in row)
    start = max(i for i in range(end) if "▔▔▔" in rows[i])
    inner = [row.strip().strip("▊▎").strip() for row in rows[start + 1 : end]]
    return [line for line in inner if line]
