"""Hostile lessons of issue 24 that are big rather than malformed: a graph script of
thousands of nodes, a graph too wide to draw, many questions on other outputs of a
big graph, a `say` step of thousands of list items or table rows. Written here once
for `bench_hostile` and the hostile tests."""

from __future__ import annotations

HEAD = 'format = 1\nid = "{id}"\ntitle = "Hostile"\n'


def huge_script(lines: int) -> str:
    """``lines`` lines of script, each within the bounds of one expression (40 terms in a
    sum, 400 tokens) and about 240 nodes: 100 lines are 24,000 nodes."""
    out = ["a0 = 0.5"]
    for i in range(1, lines):
        group = "(" + " + ".join(f"a{i - 1}*0.0{k % 9 + 1}" for k in range(40)) + ")"
        out.append(f"a{i} = tanh{group} * tanh{group}")
    return "\n".join(out)


def huge_graph_lesson(lines: int = 100) -> str:
    """A lesson over `huge_script`, asking one gradient."""
    return (
        HEAD.format(id="huge-graph")
        + f'graph = """\n{huge_script(lines)}\n"""\n[[steps]]\nask = "grad"\nnode = "a0"\n'
    )


def chain_script(lines: int) -> str:
    """A chain of ``lines`` named nodes, each a small expression of the one before."""
    out = ["a0 = 0.5"]
    out += [f"a{i} = tanh(a{i - 1} * 0.9 + 0.1)" for i in range(1, lines)]
    return "\n".join(out)


def many_of_lesson(lines: int = 300, questions: int = 298) -> str:
    """``questions`` `grad` questions, each on another output (`of`) of a chain of
    ``lines`` nodes: each output depends on nearly the whole graph."""
    steps = "".join(
        f'[[steps]]\nask = "grad"\nnode = "a0"\nof = "a{lines - 1 - k}"\n' for k in range(questions)
    )
    return HEAD.format(id="many-of") + f'graph = """\n{chain_script(lines)}\n"""\n' + steps


def say_lesson(text: str) -> str:
    """A lesson of one `say` step holding ``text`` (a TOML literal string)."""
    return HEAD.format(id="long-say") + f"[[steps]]\nsay = '''\n{text}\n'''\n"


def long_list(items: int) -> str:
    return "\n".join(f"- {i}" for i in range(items))


def long_table(rows: int) -> str:
    return "| n | value |\n| --- | --- |\n" + "\n".join(f"| {i} | {i * i} |" for i in range(rows))
