"""`tutor new ID`: a lesson file to start from, valid and commented.

The file uses the main parts of the format (a graph, varied numbers, narrative
with ``{NAME}``, the graph, a derivation, and three kinds of question), each
with a comment saying what it does, and passes `tutor check` as written.
``--network`` writes a network lesson instead: a `[model]` over `[data]`, a
training view and a `train` question, which passes `tutor check` too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from tutor.untrusted import describe, printable

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


NETWORK_TEMPLATE = '''\
# A lesson for `tutor` on a network over a data set. The format is described in
# lessons/FORMAT.md ("A network over a data set").
# Check it as you write:  tutor check --watch {filename}
# Try it:                 tutor --lessons {folder}

format = 1
id = "{id}"                 # unique in a folder: lowercase letters, digits and -
title = "{title}"
summary = "One or two sentences for the list of lessons."

# The network: the tutor writes its graph script for you, one line per node, with
# the names of FORMAT.md's table: weights w{{layer}}_{{neuron}}_{{input}}, biases
# b{{layer}}_{{neuron}}, each example's prediction ypred1, ypred2, ... and loss L1,
# L2, ..., and the loss L, the sum of the examples' squared errors.
[model]
inputs = 2                  # inputs of the network (1 to 8)
layers = [2, 1]             # neurons of each layer; the last has one
activation = "tanh"         # "tanh", "relu", "sigmoid" or "linear"
seed = 0                    # the initial weights, as tutor.engine.nn.MLP(..., seed=0)

# The data set: one row of inputs per example, and its target.
[data]
xs = [[2.0, 3.0], [-1.0, 0.5], [0.5, -1.0]]
ys = [1.0, -1.0, 1.0]

[[steps]]
say = """
A network of two tanh neurons feeding one, on three examples. Its predictions
are {{ypred1}}, {{ypred2}} and {{ypred3}} for the targets {{y1}}, {{y2}} and {{y3}}:
the loss `L`, the sum of the squared errors, is {{L}}.
"""

[[steps]]
ask = "count"               # how many parameters (weights and biases) it has

[[steps]]
ask = "grad"                # d L / d a weight, by backpropagation through the network
node = "w2_1_1"
decimals = 3                # the answer to 3 decimal places (the prompt says so)

[[steps]]
show = "training"           # the training view: gradient descent, step by step
rate = 0.05                 # each update moves every weight by -0.05 x its gradient

[[steps]]
ask = "train"               # the loss after `steps` updates of gradient descent
rate = 0.05
steps = 20
decimals = 3
hints = ["Run the training view above for 20 updates and read the loss off it."]
# node = "w1_1_1"           # optional: that weight after the updates, not the loss
'''


class NewLessonError(Exception):
    """A lesson file that cannot be written (bad id, file exists, folder missing)."""


def title_of(lesson_id: str) -> str:
    words = lesson_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def lesson_text(lesson_id: str, path: Path, network: bool = False) -> str:
    # The folder's name goes into a comment: a control or bidi character in it (a
    # `--dir` of "d\x1b]0;PWN\x07") is written escaped, never raw, and the comment
    # stays one line (TOML allows none of them in a comment either).
    return (NETWORK_TEMPLATE if network else TEMPLATE).format(
        id=lesson_id,
        title=title_of(lesson_id),
        filename=printable(path.name, keep_lines=False),
        folder=printable(str(path.parent) if str(path.parent) else ".", keep_lines=False),
    )


def new_lesson(lesson_id: str, folder: Path, network: bool = False) -> Path:
    """Write ``folder/ID.toml`` (a network lesson with ``network``), making the folder
    if it is missing; never overwrite a file."""
    if not ID.fullmatch(lesson_id) or len(lesson_id) > MAX_ID:  # `match` took "abc\n"
        raise NewLessonError(
            f"`{lesson_id}` is not a lesson id: use lowercase letters, digits and - "
            f"(at most {MAX_ID})"
        )
    path = folder / f"{lesson_id}.toml"
    unsafe = next((ch for ch in str(path) if printable(ch, keep_lines=False) != ch), None)
    if unsafe is not None:  # the loader refuses such a path: the lesson would never load
        raise NewLessonError(
            f"{printable(str(folder), keep_lines=False)}: the folder's name holds "
            f"{describe(unsafe)}; a lesson is not loaded from such a path: choose another folder"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NewLessonError(f"{folder}: not a folder") from None
    except OSError as exc:
        raise NewLessonError(f"{folder}: cannot make the folder: {exc.strerror or exc}") from None
    try:
        # "x" mode: fails if the file exists, even if it appeared a moment ago.
        with open(path, "x", encoding="utf-8", newline="\n") as file:
            file.write(lesson_text(lesson_id, path, network))
    except FileExistsError:
        raise NewLessonError(f"{path} exists already: nothing was written") from None
    except OSError as exc:
        raise NewLessonError(f"{path}: cannot write: {exc.strerror or exc}") from None
    os.chmod(path, 0o644)
    return path
