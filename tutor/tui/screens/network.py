"""The network at the neuron level (ctrl+g in a network lesson), and one neuron's nodes.

A lesson's network over its data is hundreds of nodes: its graph is not drawn
beside the steps. This screen draws it as the lecture does, layer by layer, one
example at a time (`tutor.render.network`): each neuron's output and, once the
student has earned it, its gradient; a value still asked for is ``?``. The
neuron a question is about (or whose parameter it asks) starts selected and is
described under the picture, with its weighted sum and its parameters. ``e``
opens the selected neuron into its nodes, the lecture's neuron graph
(`tutor.render.fit_text` on the neuron cut out of the graph).

Keys: ←/→ the example, ↑/↓ the neuron, e its nodes (again: the network), PgDn/PgUp
scroll, Esc back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from tutor.lesson import Ask, Graph
from tutor.render import fit_text
from tutor.render.network import MARK, Shape, locate, network_shape, neuron_graph, render_network


class _Body(VerticalScroll, can_focus=False):
    """The picture's scroll: never focused, so ↑ ↓ choose a neuron (PgDn PgUp scroll)."""


class NetworkScreen(Screen):
    """One example's pass through the network; Esc goes back to the lesson."""

    DEFAULT_CSS = """
    NetworkScreen #network-title { height: auto; padding: 0 1; background: $panel; }
    NetworkScreen #network-body { height: 1fr; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("left", "example(-1)", "Example", key_display="←→"),
        Binding("right", "example(1)", "Next example", show=False),
        Binding("up", "neuron(-1)", "Neuron", key_display="↑↓"),
        Binding("down", "neuron(1)", "Next neuron", show=False),
        Binding("e", "expand", "Its nodes"),
        Binding("pagedown", "page(1)", "Scroll", key_display="PgDn"),
        Binding("pageup", "page(-1)", "Scroll up", show=False),
    ]

    def __init__(
        self,
        graph: Graph,
        shape: Shape,
        *,
        title: str = "The network",
        earned: Collection[str] = (),
        hidden: Collection[str] = (),
        asked: str | None = None,
    ):
        super().__init__()
        self.graph, self.shape, self.heading = graph, shape, title
        self.earned, self.hidden = frozenset(earned), frozenset(hidden)
        self.asked = asked
        neuron, example = locate(shape, asked)
        self.example = example if example and 1 <= example <= shape.examples else 1
        self.selected: tuple[int, int] = neuron or (1, 1)
        self.expanded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(self.heading), id="network-title")
        with _Body(id="network-body"):
            yield Static(id="network-picture")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    # -- what is drawn -------------------------------------------------------------

    def text(self) -> Text:
        """The picture as styled text: the selected neuron marked, the asked name in bold."""
        width = max(20, self.size.width - 2)
        if self.expanded:
            return self._neuron_text(width)
        picture = render_network(
            self.graph.nodes,
            self.shape,
            width,
            example=self.example,
            show_grad=lambda name: name in self.earned,
            hidden=self.hidden,
            selected=self.selected,
            asked=self.asked,
        )
        text = Text("\n".join(picture.lines))  # never markup: names come from lesson files
        starts = _line_starts(picture.lines)
        for name, (row, column) in picture.places.items():
            if name == picture.marked or name == self.asked:
                start = starts[row] + column
                style = "bold reverse" if name == picture.marked else "bold underline"
                text.stylize(style, start, start + len(name))
        return text

    def _neuron_text(self, width: int) -> Text:
        layer, index = self.selected
        root = neuron_graph(self.graph.nodes, self.shape, layer, index, self.example)
        hidden = [n for n in _walk(root) if n.label in self.hidden]
        picture = fit_text(
            root,
            width,
            show_grad=lambda v: v.label in self.earned,
            highlight=next((n for n in _walk(root) if n.label == self.asked), None),
            hidden=hidden,
        )
        neuron = self.shape.neuron(layer, index, self.example)
        head = (
            f"{MARK} layer {layer}, neuron {index} on example {self.example}: its nodes, "
            f"from its inputs to {neuron.output} (e: back to the network)"
        )
        key = "" if not picture.compact else "\neach node: name=data g=grad"
        return Text(f"{head}\n\n{picture}{key}")

    def draw(self) -> None:
        self.query_one("#network-picture", Static).update(self.text())

    # -- keys ----------------------------------------------------------------------

    def action_back(self) -> None:
        if self.expanded:
            self.action_expand()
        else:
            self.app.pop_screen()

    def action_example(self, delta: int) -> None:
        self.example = (self.example - 1 + delta) % self.shape.examples + 1
        self.draw()

    def action_neuron(self, delta: int) -> None:
        every = [
            (layer, index)
            for layer, size in enumerate(self.shape.sizes, start=1)
            for index in range(1, size + 1)
        ]
        at = every.index(self.selected) if self.selected in every else 0
        self.selected = every[(at + delta) % len(every)]
        self.draw()

    def action_page(self, direction: int) -> None:
        body = self.query_one("#network-body", VerticalScroll)
        body.scroll_relative(y=direction * max(1, body.size.height - 1), animate=False)

    def action_expand(self) -> None:
        self.expanded = not self.expanded
        self.draw()
        self.query_one("#network-body", VerticalScroll).scroll_home(animate=False)


def _line_starts(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


def _walk(root):
    seen, todo = set(), [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        todo.extend(node.inputs)


def network_of(graph: Graph | None) -> Shape | None:
    """The network a lesson's graph holds, if it is one a ``[model]`` block wrote."""
    return None if graph is None else network_shape(graph.nodes)


def open_network(screen) -> bool:
    """From a lesson screen: push the network of its lesson, if it has one (True)."""
    session = screen.session
    shape = network_of(session.graph)
    if shape is None:
        return False
    step = session.step
    asked = step.node if isinstance(step, Ask) else None
    screen.app.push_screen(
        NetworkScreen(
            session.graph,
            shape,
            title=f"{session.lesson.title}: the network (Esc goes back)",
            earned=session.shown_earned,
            hidden=session.hidden_values(),
            asked=asked,
        )
    )
    return True


def why_not(screen, key: str) -> str:
    """Why ctrl+g, ctrl+l or ctrl+o does nothing on this step, in words."""
    if key == "derive":
        if screen.quiz:
            return "A quiz shows no derivations (ctrl+l): it asks, and the results explain."
        return (
            "This step has no edge to derive: ctrl+l derives a local derivative on a step "
            "that asks about one edge of the graph."
        )
    if key == "training":
        return (
            "No training view comes before this step: ctrl+o opens, on a question "
            "after one, the training view it is read from."
        )
    if screen.session.graph is None:
        return "This lesson has no graph to draw (ctrl+g)."
    return "This step has no picture to show on the whole screen (ctrl+g)."
