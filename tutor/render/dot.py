"""The graph as Graphviz DOT, drawn the way micrograd's ``draw_dot`` draws it.

Each node is a record ``{ label | data 2.0000 | grad 6.0000 }``; each op result
gets a small node for its op, with an edge from every operand (twice for
``a + a``, where micrograd's set of edges shows one).
"""

from __future__ import annotations

from tutor.engine import Value, topo_order
from tutor.render.graph import ShowGrad
from tutor.render.notation import op_symbol

#: What a record label would read as its own structure: fields, ports, braces.
_RECORD_SPECIALS = "{}|<>"


def render_dot(root: Value, *, show_grad: ShowGrad = True) -> str:
    """DOT source for the graph of ``root``, inputs on the left.

    ``show_grad`` is a bool, or is called with each node; where it is false the
    record shows ``grad ?``.
    """
    shown = show_grad if callable(show_grad) else lambda _node: show_grad
    order = topo_order(root)
    names = {node: f"n{i}" for i, node in enumerate(order)}
    lines = ["digraph {", "  rankdir=LR;"]
    for node in order:
        name = names[node]
        grad = _fixed(node.grad) if shown(node) else "?"
        fields = [
            _escape(node.label, _RECORD_SPECIALS),
            f"data {_fixed(node.data)}",
            f"grad {grad}",
        ]
        lines.append(f'  {name} [shape=record, label="{{ {" | ".join(fields)} }}"];')
        if not node.is_leaf:
            lines.append(f'  {name}_op [label="{_escape(op_symbol(node))}"];')
            lines.append(f"  {name}_op -> {name};")
            lines += [f"  {names[operand]} -> {name}_op;" for operand in node.inputs]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _fixed(x: float) -> str:
    """Four decimals, as micrograd shows them, but never ``-0.0000``."""
    text = f"{x:.4f}"
    return text.lstrip("-") if float(text) == 0 else text


def _escape(text: str, specials: str = "") -> str:
    """``text`` inside a double-quoted DOT string, ``specials`` shown literally."""
    text = text.replace("\\", "\\\\")
    for char in '"' + specials:
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")
