"""Lesson files within every bound of the format that still ask for too much work.

Each was reproduced as an attack in issue 24; `bench_hostile` times them against an
ordinary lesson, and the hostile tests use them.
"""

from __future__ import annotations


def squares(lesson_id: str = "squares", count: int = 40) -> str:
    """An exponent tower: ``a = 0.5`` squared ``count`` times, line by line. Every float
    is fine; the exact numbers double in size each line (2**40 bits at the end)."""
    lines = ["a = 0.5"] + [
        f"s{i} = {'a' if i == 1 else f's{i - 1}'} ** 2" for i in range(1, count + 1)
    ]
    body = "\n".join(lines)
    return (
        f'format = 1\nid = "{lesson_id}"\ntitle = "T"\ngraph = """\n{body}\n"""\n'
        '[[steps]]\nask = "grad"\nnode = "a"\n'
    )


def training_network(trains: int = 9, steps: int = 100) -> str:
    """The lecture's network with ``trains`` trainings of ``steps`` steps and a tenth
    at rate 0.5 (at 10, or 1, its tanh saturate: an error), varied over an input
    (at about 1e150, as it was, every tanh saturates and each draw is refused at once):
    every quiz draw trains them all again, and checking a variant's trainings exactly
    takes minutes."""
    out = [
        'format = 1\nid = "net-draws"\ntitle = "T"\n[model]\ninputs = 3\nlayers = [4, 4, 1]\n',
        "[data]\nxs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]\n",
        "ys = [1.0, -1.0, -1.0, 1.0]\n[vary]\nx1_1 = { min = 1.5, max = 3.0, step = 0.25 }\n",
    ]
    out += [f'[[steps]]\nask = "train"\nrate = 0.001\nsteps = {steps}\n'] * trains
    out.append('[[steps]]\nask = "train"\nrate = 0.5\nsteps = 100\n')
    return "".join(out)


def many_trainings(questions: int, vary: str = "") -> str:
    """A [model] of 8 inputs and layers [16, 12, 1] over 3 rows (about 2,500 nodes) and
    ``questions`` trainings of about 100 steps each (0.3 s apiece)."""
    xs = [[((r * 7 + i * 3) % 11 - 5) / 5 for i in range(8)] for r in range(3)]
    head = (
        f'format = 1\nid = "many-trains"\ntitle = "T"\n[model]\ninputs = 8\n'
        f"layers = [16, 12, 1]\n[data]\nxs = {xs}\nys = [1.0, -1.0, 1.0]\n{vary}"
    )
    steps = [
        f'[[steps]]\nask = "train"\nrate = 0.01\nsteps = {100 - q % 3}\n' for q in range(questions)
    ]
    return head + "".join(steps)


#: Another output's gradient that overflows (dp/da = b * b), though every value is
#: finite: found by the check, not at load.
OF_OVERFLOW = """\
format = 1
id = "of-overflow"
title = "Of overflow"
graph = \"\"\"
a = 1e-300
b = 1e300
c = a * b
p = c * b
L = p + c
\"\"\"
[[steps]]
say = "dp/da = b * b overflows, though every value is finite."
[[steps]]
ask = "grad"
node = "a"
of = "p"
"""
#: The line of its question's ``[[steps]]`` header (where the check refuses it).
OF_OVERFLOW_LINE = len(OF_OVERFLOW.split('[[steps]]\nask = "grad"')[0].splitlines()) + 1
