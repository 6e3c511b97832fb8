"""The plot panel: the output against one leaf, with the tangent and a secant.

The numbers come from `tutor.lesson.plot` (the engine's forward pass); this
widget only draws them with textual-plotext, imported on first use (it is not
needed to paint the first screen). The caption under the plot names each line
in words and by its marker, so no line is told apart by colour alone. A slope
shows as a number only once the student has earned that gradient.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static

from tutor.lesson.plot import PlotData
from tutor.numbers import short

CURVE, TANGENT, SECANT, POINT = "braille", "·", "+", "●"


class PlotPanel(Vertical):
    """A plot of a `PlotData`, and a caption saying what each line is."""

    ALLOW_MAXIMIZE = True

    def compose(self):
        yield Static(id="plot-caption")

    def show(self, data: PlotData, *, slopes_known: bool) -> None:
        from textual_plotext import PlotextPlot

        plots = self.query(PlotextPlot)
        if plots:
            plot = plots.first()
        else:
            plot = PlotextPlot(id="plot")
            self.mount(plot, before=0)
        plt = plot.plt
        plt.clear_figure()
        out, leaf = data.output, data.leaf
        # No legend: drawn inside the plot it hides whatever curve passes under it;
        # the caption names each line by its marker instead.
        for piece in data.pieces:
            xs, ys = zip(*piece, strict=True)
            plt.plot(xs, ys, marker=CURVE)
        (ta, tb) = data.tangent
        plt.plot([ta[0], tb[0]], [ta[1], tb[1]], marker=TANGENT)
        if data.secant is not None:
            (sa, sb) = data.secant
            plt.plot([sa[0], sb[0]], [sa[1], sb[1]], marker=SECANT)
            plt.scatter([sb[0]], [sb[1]], marker=POINT)
        x0, y0 = data.point
        plt.scatter([x0], [y0], marker=POINT)
        plt.xlabel(leaf)
        plt.ylabel(out)
        plot.refresh()
        self.query_one("#plot-caption", Static).update(caption(data, slopes_known))


def caption(data: PlotData, slopes_known: bool) -> str:
    """What the plot shows, in words."""
    out, leaf = data.output, data.leaf
    x0, y0 = data.point
    slope = short(data.slope) if slopes_known else "?"
    lines = [
        f"⠤ {out}({leaf})   {POINT} now: {leaf} = {short(x0)}, {out} = {short(y0)}.   "
        f"{TANGENT} tangent: slope d{out}/d{leaf} = {slope}"
    ]
    if data.secant is not None and data.secant_slope is not None and data.h is not None:
        rise = short(data.secant_slope) if slopes_known else "?"
        lines.append(f"{SECANT} secant to {leaf} + {short(data.h)}: rise over run = {rise}")
    return "\n".join(lines)
