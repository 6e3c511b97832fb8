"""The help screen (F1): the keys of the screen underneath, and how the tutor works."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

from tutor.tui.screens.base import KeyHelp

ABOUT = """
## How it works

Each lesson is a short walk through part of the micrograd lecture. Read a step,
press **Enter** to go on. At a question, type your answer and press **Enter**:
a number such as `-2`, `0.5` or `1/2`, or, where a question asks for one, an
expression in the node names such as `2*x` or `a + b` (`^` works for `**`).

- **Correct** answers fill in that gradient on the graph.
- **Not quite** answers say what the mistake looks like, and which edge of the
  graph it concerns. Try again: wrong answers cost nothing in a lesson.
- **Not understood** answers show where reading stopped, with a `^`.

Hints come one at a time; reveal shows the answer and how it comes about (press
ctrl+r twice: the first press asks). Your progress is saved as you go: open the
tutor again to continue where you left off.

The text of a step always shows whole; the graph takes the rows left over, drawn
compact (`│d=4 g=?├` is node d, data 4, grad not yet known) when room is short.
**↑** and **↓** scroll it, **ctrl+g** shows it on the whole screen, and **Esc**
closes that view (and a derivation) before it leaves the lesson. Whatever has
the focus, typing goes to the answer box; where nothing is asked, you are told so.

A **training** step opens a live loss curve with Enter; a question read from it
opens it again with **ctrl+o**, as you left it. There **y** trains it again on
your own `_backward` rules (lesson 17) beside the tutor's engine, as **ctrl+o**
does with the lecture's network in the lessons that ask for those rules.

A lesson is checked (SymPy, the engine and finite differences agree) before
anything in it is graded; while that runs, the bar says so and an answer you
type is kept and graded when it is done.

A **quiz** asks a lesson's questions with fresh numbers. The first answer to each
question is final, each hint costs a quarter of its points, and the answers are
shown at the end.
"""


class HelpScreen(ModalScreen[None]):
    """Keys first (they differ per screen), then the short story of how it works."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, underneath: Screen) -> None:
        super().__init__()
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(self.keys_table(), id="help-keys")
            yield Markdown(ABOUT, id="help-text")

    def entries(self) -> list[KeyHelp]:
        """The keys of the screen underneath and of the app, and the palette."""
        key_help = getattr(self.underneath, "key_help", None)
        entries = list(dict.fromkeys(key_help())) if key_help else []
        palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
        detail = "every action by name, the lessons, the themes"
        return [*entries, KeyHelp(palette, "Commands", detail)]

    def keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row(Text("Keys", style="bold underline"), "", "")
        for entry in self.entries():
            table.add_row(entry.keys, entry.name, entry.detail)
        table.add_row("", "", "")
        table.add_row("Esc", "Close", "this help")
        return table

    def action_close(self) -> None:
        self.dismiss()
