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

Enter can lead into a code question, answered in an editor (``typing_box`` says
where typing goes). The keys typed behind that Enter are already queued here: the
app hands each key to the widget that has the focus when it reads it, long before
that widget handles it. So the box, hidden, sends each on to the editor, and gives
the editor the focus only once no key waits here (`hand_over`): the keys it sent
come first in the editor's queue, the ones the app hands the editor after them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget
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
        typing_box: Callable[[], Widget] | None = None,
        **kwargs,
    ) -> None:
        """``entered(text)`` runs when Enter is pressed; ``takes_text()`` says whether
        typing is taken now; ``refused(text)`` runs for a key (or a paste) that is not;
        ``typing_box()`` says where typing goes (the box, or a code question's editor)."""
        super().__init__(**kwargs)
        self._entered = entered
        self._takes_text = takes_text
        self._refused = refused
        self._typing_box = typing_box
        self._handing_over = False  # a `hand_over` waits behind the keys in the queue

    async def _on_key(self, event: events.Key) -> None:
        if self.screen is not self.app.screen:  # its screen was covered while keys waited
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        elsewhere = self._elsewhere()
        if elsewhere is not None:  # it waited here while Enter led to a code question
            event.stop()
            event.prevent_default()
            # As the app hands a key over (marked so: bubbled back up to the app, it
            # is not handed over a second time).
            elsewhere._forward_event(events.Key(event.key, event.character))
            self.hand_over()
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
        elsewhere = self._elsewhere()
        if elsewhere is not None:  # as a key that waited here (`_on_key`)
            event.stop()
            event.prevent_default()
            elsewhere._forward_event(events.Paste(event.text))
            self.hand_over()
            return
        if self._takes_text():
            return  # Input's own handler, dispatched after this one, pastes it
        event.stop()
        event.prevent_default()
        self._refused(event.text)

    def _elsewhere(self) -> Widget | None:
        """Where typing goes while this box is hidden (a code question's editor)."""
        if self.display or self._typing_box is None:
            return None
        target = self._typing_box()
        return None if target is self else target

    def keys_waiting(self) -> bool:
        """Whether keys (or a paste) typed ahead wait in this box's queue (its other
        messages, a blink or a layout, are no reason to hold the focus back)."""
        waiting = getattr(self._message_queue, "_queue", ())
        return any(isinstance(message, events.Key | events.Paste) for message in waiting)

    def hand_over(self) -> None:
        """Give the focus to where typing goes now (`_elsewhere`) once no key waits in
        this box's queue; till then each key is sent on there in turn, so that no key
        the app hands the editor directly overtakes one still waiting here."""
        if self._handing_over:
            return  # one waits in the queue already
        target = self._elsewhere()
        if target is None or self.screen.focused is not self:
            return
        if self.keys_waiting():
            self._handing_over = True
            self.call_later(self._hand_over_later)  # after the keys waiting now
            return
        self.screen.set_focus(target)  # at once: the app's next key goes there

    def _hand_over_later(self) -> None:
        """The keys that waited when `hand_over` was called have been sent on (they
        were ahead of this call in the queue): the focus moves now. Not once the queue
        is empty: with a steady stream of messages (a terminal gone, its input thread
        reading end of file) that never came, and the app spun here for ever."""
        self._handing_over = False
        target = self._elsewhere()
        if target is not None and self.screen.focused is self:
            self.screen.set_focus(target)

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
