"""Drawing expression graphs: as text for the terminal, and as Graphviz DOT.

Standard library and `tutor.engine` only: `tutor graph` and the app's graph panel
share this one renderer.
"""

from tutor.render.dot import render_dot
from tutor.render.graph import Box, GraphPicture, ShowGrad, fit_text, render_text
from tutor.render.notation import format_number, op_symbol

__all__ = [
    "Box",
    "GraphPicture",
    "ShowGrad",
    "fit_text",
    "format_number",
    "op_symbol",
    "render_dot",
    "render_text",
]
