"""The training view: the loss curve as the engine trains, the step, the loss, the parameters.

The engine does the training (`tutor.engine.train.Trainer`); this widget only asks
it to step or start again and draws what it reports. Steps run in a thread worker,
one at a time under a lock, so the screen stays responsive while a run goes on;
after each step the worker hands the UI a `Snapshot` (copied numbers, never the
live nodes), and the UI draws only snapshots.

Keys (when the panel has focus; the function keys also work from a screen that
forwards them, see `TrainingScreen`): ``s`` / F6 one step, ``r`` / F7 run,
``p`` / F8 pause, ``a`` / F9 start again, ``l`` the loss on a log scale, ``w`` only
the last `WINDOW` steps; ↓ ↑ PgDn PgUp scroll the parameters.

"Step N" means after N updates, everywhere: the status line's loss, the parameters
and the predictions shown are all those after N updates; the curve's point at N is
the loss after N updates (at 0, the start).
"""

from __future__ import annotations

import contextlib
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from tutor.engine import EngineError
from tutor.engine.train import AnyTrainer, Parameter, Prediction
from tutor.numbers import short

STEP, RUN, PAUSE, AGAIN = "s,f6", "r,f7", "p,f8", "a,f9"
LOG, LAST = "l", "w"  # the curve on a log scale; only its last steps
#: Each curve's colour and marker, the trainer's own first, then the compared rates
#: (a lesson compares at most 4). The key under the plot shows them, not a legend
#: inside it, which at 80 columns covered the first steps, where the rates differ.
#: A marker tells the curves apart without colour (and red from green, which look
#: alike to many); the trainer's curve keeps the fine braille line.
CURVES: tuple[tuple[tuple[int, int, int], str], ...] = (
    ((0, 130, 200), "braille"),  # blue
    ((60, 180, 75), "•"),  # green
    ((230, 25, 75), "x"),  # red
    ((245, 130, 48), "+"),  # orange
    ((145, 30, 180), "o"),  # purple
)
SWATCH = "⠒⠒"  # the braille line, in the key
MAX_RUN_STEPS = 1000  # a run stops by itself after this many steps
COLUMN = 33  # characters of one parameter in the list
WINDOW = 50  # the steps the curve shows when it shows only the last ones
#: The step between two ticks under the loss curve: round numbers (a run stops at 1000).
_NICE = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the trainer reports after a step: copies, safe to read on the UI thread.

    Everything in it belongs to one moment, after ``steps`` updates: ``losses[k]`` is
    the loss after k updates (``losses[-1]`` the loss now, at the parameters shown),
    and each parameter's gradient is the one update ``steps`` used.
    """

    steps: int
    losses: tuple[float, ...]
    parameters: tuple[Parameter, ...]
    diverged: str | None
    #: The trainers compared with it: (rate, losses after 0, 1, ... updates, diverged) of each.
    others: tuple[tuple[float, tuple[float, ...], str | None], ...] = ()
    #: Each example's prediction now, beside its target.
    outputs: tuple[Prediction, ...] = ()

    @classmethod
    def of(cls, trainer: AnyTrainer, others: Sequence[AnyTrainer] = ()) -> Snapshot:
        return cls(
            trainer.steps,
            _losses_now(trainer),
            tuple(trainer.parameters()),
            trainer.diverged,
            tuple((t.rate, _losses_now(t), t.diverged) for t in others),
            _outputs_now(trainer),
        )


def _losses_now(trainer: AnyTrainer) -> tuple[float, ...]:
    """The loss after 0, 1, ... updates, up to now: the trainer keeps the loss before
    each update (the lecture's print); the loss after the last is one forward pass more."""
    if trainer.diverged is not None:
        return tuple(trainer.losses)
    try:
        now = trainer.loss()
    except EngineError:
        return tuple(trainer.losses)
    return (*trainer.losses, now)


def _outputs_now(trainer: AnyTrainer) -> tuple[Prediction, ...]:
    if trainer.diverged is not None:
        return ()
    try:
        return tuple(trainer.outputs())
    except EngineError:
        return ()


class TrainingPanel(Vertical, can_focus=True):
    """A trainer's run: status line, loss curve, and the parameters with their gradients."""

    DEFAULT_CSS = """
    TrainingPanel { height: 1fr; }
    TrainingPanel:focus-within { border: none; }
    TrainingPanel #training-status { height: auto; padding: 0 1; text-style: bold; }
    TrainingPanel #training-curve { height: 1fr; min-height: 6; }
    TrainingPanel #training-key { height: auto; padding: 0 1; }
    TrainingPanel #training-params { height: 8; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(STEP, "step", "Step"),
        Binding(RUN, "run", "Run"),
        Binding(PAUSE, "pause", "Pause"),
        Binding(AGAIN, "again", "Again"),
        Binding(LOG, "log_scale", "Log"),
        Binding(LAST, "window", f"Last {WINDOW}"),
    ]

    running: reactive[bool] = reactive(False)
    log_scale = False  # the loss on a log scale (l)
    window = False  # only the last WINDOW steps (w)

    def __init__(
        self,
        trainer: AnyTrainer,
        *,
        interval: float = 0.05,
        others: Sequence[AnyTrainer] = (),
        names: Sequence[str] = (),
        **kwargs,
    ):
        """``interval`` is the pause between two steps of a run, in seconds; ``others``
        train beside ``trainer`` step for step (other learning rates, from the same
        start), drawn on the same curve. ``names``: each curve's name, the trainer's
        first ("tutor", "yours"), where the curves are not told apart by their rate."""
        super().__init__(**kwargs)
        self.trainer = trainer
        self.others = list(others)
        self.names = list(names)
        self.interval = interval
        self._lock = _lock_of(trainer)  # a view opened again shares its trainer's lock
        with self._lock:  # a forward pass: not while a closed view's step finishes
            self.snapshot = Snapshot.of(trainer, self.others)
        self.curve: list[tuple[int, float]] = []  # what the plot shows: (step, loss)
        self.curves: list[tuple[float, list[tuple[int, float]]]] = []  # the others, by rate
        self._run = 0  # counts restarts: a worker's snapshot of an earlier run is not drawn
        # Steps asked for with s and not yet taken, and the worker taking them (UI thread only).
        self._queued = 0
        self._drainer: object | None = None

    def compose(self):
        yield Static(id="training-status")
        yield Static(id="training-key")  # the plot is mounted between these two
        with VerticalScroll(id="training-params"):
            yield Static(id="training-param-list")

    def on_mount(self) -> None:
        from textual_plotext import PlotextPlot

        self.mount(PlotextPlot(id="training-curve"), after=self.query_one("#training-status"))
        self.draw(self.snapshot)

    # -- actions: each asks the engine, in a worker ---------------------------------------

    def action_step(self) -> None:
        """One more step. A press while steps are under way adds one to them (were it
        to start a worker of its own, that would cancel theirs: quick presses of s,
        as a student counting to step 11 makes them, were lost)."""
        if self.running:
            return
        self._queued += 1
        if self._drainer is None:  # else the worker taking the queued steps takes this one
            self._drainer = object()
            self.run_worker(
                self._train(0, self._drainer), thread=True, group="train", exclusive=True
            )

    def action_run(self) -> None:
        if not self.running and self.snapshot.diverged is None:
            self.running = True
            self._stop_queue()
            self.run_worker(self._train(MAX_RUN_STEPS), thread=True, group="train", exclusive=True)

    def action_pause(self) -> None:
        self.running = False
        self._stop_queue()

    def action_again(self) -> None:
        self.action_pause()
        with self._lock:  # waits for a step under way, at most one step's time
            for trainer in (self.trainer, *self.others):
                trainer.restart()
            self._run += 1
            snapshot = Snapshot.of(self.trainer, self.others)
        self.draw(snapshot)

    def _train(self, steps: int, drainer: object | None = None):
        """``steps`` steps, or (0) the steps queued with s, taken by ``drainer``."""
        run = self._run  # the run this work belongs to; a restart starts another

        def more(taken: int) -> bool:
            if steps:
                return taken < steps
            return self.app.call_from_thread(self._take_queued, drainer)

        def work() -> None:
            worker = get_current_worker()
            taken = 0
            while more(taken):
                taken += 1
                with self._lock:
                    if worker.is_cancelled or run != self._run:
                        break  # paused or started again while this step waited
                    # On an overflow the trainer keeps why in `diverged`; the snapshot shows it.
                    with contextlib.suppress(EngineError):
                        self.trainer.step()
                    for other in self.others:  # each stops by itself if it overflows
                        if other.diverged is None:
                            with contextlib.suppress(EngineError):
                                other.step()
                    snapshot = Snapshot.of(self.trainer, self.others)
                self.app.call_from_thread(self._show, run, snapshot)
                if snapshot.diverged is not None:
                    break
                if steps > 1 and self.interval:
                    time.sleep(self.interval)
            if steps > 1:
                self.app.call_from_thread(self._stopped)
            elif not steps:  # stopped short (cancelled, diverged): the queue goes with it
                self.app.call_from_thread(self._stop_queue, drainer)

        return work

    def _take_queued(self, drainer: object) -> bool:
        """Whether a queued step is left for ``drainer`` (it takes it)."""
        if drainer is not self._drainer:
            return False
        if self._queued <= 0:
            self._drainer = None  # the next press starts a worker again
            return False
        self._queued -= 1
        return True

    def _stop_queue(self, drainer: object | None = None) -> None:
        """Forget the queued steps (those of ``drainer``, if it still takes them) and
        cancel the worker taking them."""
        if drainer is not None and drainer is not self._drainer:
            return
        if drainer is None:
            self.workers.cancel_group(self, "train")
        self._queued = 0
        self._drainer = None

    def _show(self, run: int, snapshot: Snapshot) -> None:
        if run == self._run:  # not a step of a run started again since
            self.draw(snapshot)

    def _stopped(self) -> None:
        self.running = False
        self.draw(self.snapshot)

    # -- drawing ---------------------------------------------------------------------------

    def draw(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.query_one("#training-status", Static).update(self.status_text(snapshot))
        self.query_one("#training-param-list", Static).update(self.parameter_text(snapshot))
        self.curve = list(enumerate(snapshot.losses))
        self.curves = [(rate, list(enumerate(losses))) for rate, losses, _ in snapshot.others]
        self.query_one("#training-key", Static).update(self.key_text())
        self._plot()

    def status_text(self, snapshot: Snapshot) -> Text:
        """``step N``: after N updates, and the loss then (at the parameters shown)."""
        loss = short(snapshot.losses[-1]) if snapshot.losses else "–"
        state = "running" if self.running else "paused" if snapshot.steps else "ready"
        done = _done(snapshot.steps)
        text = Text(
            f"step {snapshot.steps} ({done})  loss {loss}  rate {short(self.trainer.rate)}  {state}"
        )
        if not self.trainer.zero_grad:
            text.append("  gradients not zeroed", style="bold")
        if snapshot.diverged is not None:
            text.append(f"\nstopped: {snapshot.diverged}")
        labels = self.labels()[1:]
        for label, (_, losses, diverged) in zip(labels, snapshot.others, strict=False):
            now = short(losses[-1]) if losses else "–"
            text.append(f"\n  {label}: loss {now}")
            if self.names and losses:  # the same training on another engine: do they agree?
                text.append(f"  {_agreement(snapshot.losses, losses, self.names[0])}")
            if diverged is not None:
                text.append(f" (stopped after {_updates(max(len(losses) - 1, 0))})")
                if self.names:  # another engine's reason is its own: a rule that failed
                    text.append(f"\n  {label} stopped: {diverged}")
        return text

    def labels(self) -> list[str]:
        """Each curve's name: its rate, and whether it zeroes the gradients where the
        curves differ in that (``compare_zeroing``)."""
        trainers = [self.trainer, *self.others]
        if len(self.names) == len(trainers):
            return list(self.names)
        zeroing = len({t.zero_grad for t in trainers}) > 1
        return [
            f"rate {short(t.rate)}"
            + ((", zeroed" if t.zero_grad else ", not zeroed") if zeroing else "")
            for t in trainers
        ]

    def key_text(self) -> Text:
        """What the plot shows (its scale, its steps), and each rate's marker in its
        curve's colour."""
        text = Text("loss after each update")
        shown = []
        if self.log_scale:
            shown.append("log scale")
        if self.window:
            shown.append(f"last {WINDOW} steps")
        if shown:
            text.append(f" ({', '.join(shown)})")
        if not self.curves:
            return text
        text.append(":")
        for index, label in enumerate(self.labels()[: len(self.curves) + 1]):
            colour, marker = CURVES[index % len(CURVES)]
            swatch = SWATCH if marker == "braille" else marker * 2
            text.append("   ")
            text.append(swatch, style=f"bold rgb({colour[0]},{colour[1]},{colour[2]})")
            text.append(f" {label}")
        return text

    def parameter_text(self, snapshot: Snapshot) -> Text:
        """The predictions beside their targets, then every parameter as
        ``name value ∇ grad``, as many to a line as fit."""
        width = max(COLUMN, self.size.width - 2)
        per_line = max(1, width // COLUMN)
        lines = []
        if snapshot.outputs:
            cells = [
                f"{o.name[:9]} {short(o.value)} (target {short(o.target)})"
                for o in snapshot.outputs
            ]
            lines.append(f"predictions {_done(snapshot.steps)}:")
            lines += _packed(cells, width)
        if snapshot.steps:
            lines.append(
                f"parameters {_done(snapshot.steps)} "
                f"(∇: the gradient update {snapshot.steps} used):"
            )
        else:
            lines.append("parameters at the start (∇: none yet):")
        cells = [
            f"{p.name[:9]:<9} {short(p.data):>8}  ∇ {short(p.grad):>9}".ljust(COLUMN)
            for p in snapshot.parameters
        ]
        lines += ["".join(cells[i : i + per_line]).rstrip() for i in range(0, len(cells), per_line)]
        return Text("\n".join(lines))  # a Text, never markup: names come from lesson files

    def _plot(self) -> None:
        from textual_plotext import PlotextPlot

        plots = self.query(PlotextPlot)
        if not plots:
            return
        plot = plots.first()
        plt = plot.plt
        plt.clear_figure()
        # The compared rates first, so the trainer's own line is drawn over them.
        curves = [self.curve, *(curve for _, curve in self.curves)]
        last = max((len(curve) for curve in curves), default=0) - 1
        first = max(0, last - WINDOW) if self.window else 0
        for index, curve in reversed(list(enumerate(curves))):
            colour, marker = CURVES[index % len(CURVES)]
            # A log scale has no room for a loss of 0 (or below): such a point is left out.
            shown = [(k, y) for k, y in curve if k >= first and (y > 0 or not self.log_scale)]
            if shown:
                xs, ys = zip(*shown, strict=True)
                plt.plot(list(xs), list(ys), marker=marker, color=colour)
        plt.yscale("log" if self.log_scale else "linear")
        if last - first >= 1:  # steps are whole: no "0.50" under the first few
            span = last - first
            every = next((n for n in _NICE if n * 4 >= span), _NICE[-1])  # at most five ticks
            ticks: list[float] = list(range(first - first % every, last + 1, every))
            ticks = [t for t in ticks if t >= first] or [first]
            plt.xticks(ticks, [str(t) for t in ticks])
        plot.refresh()

    def action_log_scale(self) -> None:
        """The loss on a log scale, or back: after hundreds of steps the plain scale
        squashes the curve into an L; a log scale shows each tenfold fall alike."""
        self.log_scale = not self.log_scale
        self.query_one("#training-key", Static).update(self.key_text())
        self._plot()

    def action_window(self) -> None:
        """Only the last `WINDOW` steps, or every step again."""
        self.window = not self.window
        self.query_one("#training-key", Static).update(self.key_text())
        self._plot()

    def action_scroll_params(self, rows: int) -> None:
        """Scroll the parameters (↓ ↑ a line, PgDn PgUp a page), wherever the focus is."""
        box = self.query_one("#training-params", VerticalScroll)
        if abs(rows) > 1:
            rows = (box.size.height - 1) * (1 if rows > 0 else -1)
        box.scroll_relative(y=rows, animate=False)

    def on_resize(self) -> None:
        self.query_one("#training-param-list", Static).update(self.parameter_text(self.snapshot))


_LOCKS: weakref.WeakKeyDictionary[object, threading.Lock] = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()


def _updates(n: int) -> str:
    return "1 update" if n == 1 else f"{n} updates"


def _agreement(first: Sequence[float], other: Sequence[float], name: str) -> str:
    """Whether ``other``'s curve lies on ``first``'s, step for step so far (to 1e-9 of
    the loss), or how far apart they come: where they coincide, one hides the other."""
    gap = max((abs(a - b) for a, b in zip(first, other, strict=False)), default=0.0)
    scale = max((abs(a) for a in first), default=1.0)
    if gap <= 1e-9 * max(1.0, scale):
        return f"(on the {name}'s curve)"
    return f"(apart from the {name}'s by up to {short(gap)})"


def _done(steps: int) -> str:
    return f"after {_updates(steps)}" if steps else "at the start"


def _packed(cells: list[str], width: int) -> list[str]:
    """``cells`` on as few lines of ``width`` as they fit, three spaces apart."""
    lines: list[str] = []
    line = ""
    for cell in cells:
        if line and len(line) + 3 + len(cell) > width:
            lines.append(line)
            line = ""
        line = f"{line}   {cell}" if line else f"  {cell}"
    if line:
        lines.append(line)
    return lines


def _lock_of(trainer: object) -> threading.Lock:
    """One lock per trainer: a view closed during a run finishes its step under it
    before a view opened again on the same trainer steps it."""
    with _LOCKS_LOCK:
        lock = _LOCKS.get(trainer)
        if lock is None:
            lock = _LOCKS[trainer] = threading.Lock()
        return lock
