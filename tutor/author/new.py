"""`tutor new ID`: a lesson file to start from, valid and commented.

The file uses the main parts of the format (a graph, varied numbers, narrative
with ``{NAME}``, the graph, a derivation, and three kinds of question), each
with a comment saying what it does, and passes `tutor check` as written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tutor.untrusted import printable

MAX_ID = 64  # as the loader's
ID = re.compile(r"[a-z0-9][a-z0-9-]*")  # the whole id: `fullmatch`

TEMPLATE = '''\
# A lesson for `tutor`. The format is described in lessons/FORMAT.md.
# Check it as you write:  tutor check --watch {filename}
# Try it:                 tutor --lessons {folder}

format = 1
id = "{id}"                 # unique in a folder: lowercase letters, digits and -
title = "{title}"
summary = "One or two sentences for the list of lessons."

# The forward pass: one `NAME = EXPRESSION` a line. `NAME = NUMBER` is a leaf
# (an input the student can nudge); anything else is a node of the graph.
# Allowed: + - * / ** (number exponent), unary -, tanh exp log relu sigmoid.
graph = """
x = 2.0
w = -3.0
b = 1.0
n = x * w + b
o = tanh(n)
"""
output = "o"                # the node whose gradients are asked for

# Optional: quizzes draw fresh numbers from these. Write `{{NAME}}` in texts, not
# the number itself, so they read right with any numbers.
[vary]
x = {{ min = -2, max = 2, step = 0.5 }}
w = {{ choices = [-3, -1, 1, 3] }}

[[steps]]
say = """
A neuron: `n` = x·w + b, squashed by tanh into `o`.
Right now `x` is {{x}}, `w` is {{w}}, so `n` is {{n}} and `o` is {{o}}.
"""

[[steps]]
show = "graph"              # draw the expression graph

[[steps]]
ask = "value"               # the forward value of a node
node = "n"

[[steps]]
ask = "local"               # d node / d wrt, for a direct input `wrt` of `node`
node = "o"
wrt = "n"
form = "expression"         # answer with node names, e.g. 1 - o**2
hints = ["tanh's slope is written with its output: 1 - o**2."]

[[steps]]
show = "derivation"         # SymPy derives a local derivative from the limit definition
node = "o"
wrt = "n"

[[steps]]
ask = "grad"                # d output / d node, by the chain rule
node = "w"
# prompt = "..."            # optional: your own question text ({{NAME}} allowed)
# rtol = 1e-6               # optional: the tolerance (default rtol 1e-6, atol 1e-9)
'''


class NewLessonError(Exception):
    """A lesson file that cannot be written (bad id, file exists, folder missing)."""


def title_of(lesson_id: str) -> str:
    words = lesson_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def lesson_text(lesson_id: str, path: Path) -> str:
    # The folder's name goes into a comment: a control or bidi character in it (a
    # `--dir` of "d\x1b]0;PWN\x07") is written escaped, never raw, and the comment
    # stays one line (TOML allows none of them in a comment either).
    return TEMPLATE.format(
        id=lesson_id,
        title=title_of(lesson_id),
        filename=printable(path.name, keep_lines=False),
        folder=printable(str(path.parent) if str(path.parent) else ".", keep_lines=False),
    )


def new_lesson(lesson_id: str, folder: Path) -> Path:
    """Write ``folder/ID.toml``; never overwrite a file."""
    if not ID.fullmatch(lesson_id) or len(lesson_id) > MAX_ID:  # `match` took "abc\n"
        raise NewLessonError(
            f"`{lesson_id}` is not a lesson id: use lowercase letters, digits and - "
            f"(at most {MAX_ID})"
        )
    if not folder.is_dir():
        raise NewLessonError(f"{folder}: no such folder")
    path = folder / f"{lesson_id}.toml"
    try:
        # "x" mode: fails if the file exists, even if it appeared a moment ago.
        with open(path, "x", encoding="utf-8", newline="\n") as file:
            file.write(lesson_text(lesson_id, path))
    except FileExistsError:
        raise NewLessonError(f"{path} exists already: nothing was written") from None
    except OSError as exc:
        raise NewLessonError(f"{path}: cannot write: {exc.strerror or exc}") from None
    os.chmod(path, 0o644)
    return path
