"""The answer box: an `Input` that says what Enter will do, and loses no key.

Enter answers a question, and moves on from a step that asks nothing (or a
question already settled); the lesson screen decides which, and the
placeholder says so. (Enter is left out of the crowded footer: the box itself
is the prompt.)

Every key is handled in the order it was typed. Textual runs a widget's key
bindings (Enter, the lesson's ctrl keys, even backspace) only once the key has
bubbled up to the app, behind the keys typed after it: at a fast typist's pace
``3.6557`` Enter Enter ``0.0038`` reached the box as ``038``, or as
``3.65570.0038`` in one burst. So the box runs a bound key's action itself, the
moment it comes to it, and Enter calls the screen at once (no message): a step
changed by a key is in place before the next key is read. A key that reaches the
box once its screen is no longer on top (Enter opened the training view) is sent
on to the screen that is; text typed where no answer is taken (the ``takes_text``
callback says when) is refused with a word (``refused``), never dropped unsaid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input


def _always() -> bool:
    return True


def _nothing(_text: str) -> None:
    return None


class AnswerInput(Input):
    """Where the student types answers: numbers, or expressions over node names."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Answer", show=False, tooltip="Check the answer, or go on")
    ]

    def __init__(
        self,
        *,
        entered: Callable[[str], None] = _nothing,
        takes_text: Callable[[], bool] = _always,
        refused: Callable[[str], None] = _nothing,
        **kwargs,
    ) -> None:
        """``entered(text)`` runs when Enter is pressed; ``takes_text()`` says whether
        typing is taken now; ``refused(text)`` runs for a key (or a paste) that is not."""
        super().__init__(**kwargs)
        self._entered = entered
        self._takes_text = takes_text
        self._refused = refused

    async def _on_key(self, event: events.Key) -> None:
        if self.screen is not self.app.screen:  # its screen was covered while keys waited
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.is_printable and not self._takes_text():
            event.stop()
            event.prevent_default()
            self._refused(event.character or "")
        else:
            await super()._on_key(event)  # types a character (and restarts the blink)
            if not event.is_printable and await self._run_binding(event.key):
                event.stop()
                event.prevent_default()

    def _on_paste(self, event: events.Paste) -> None:
        if self._takes_text():
            return  # Input's own handler, dispatched after this one, pastes it
        event.stop()
        event.prevent_default()
        self._refused(event.text)

    async def _run_binding(self, key: str) -> bool:
        """Run ``key``'s binding now, as the app would once the key bubbled up to it:
        the box's own, then the screen's and the app's (True: one ran)."""
        binding = self.screen.active_bindings.get(key)
        if binding is None or binding.binding.priority or not binding.enabled:
            return False
        return await self.app.run_action(binding.binding.action, binding.node)

    async def action_submit(self) -> None:
        """Enter: the screen takes the text now, before the next key is read."""
        self._entered(self.value)
