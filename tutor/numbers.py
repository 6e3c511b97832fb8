"""How numbers are written for a person: one place, used by every layer."""

from __future__ import annotations

import math


def short(x: float, places: int = 4) -> str:
    """A number for the eye: at most ``places`` decimals, integers as integers.

    ``short(6.8813735870195432) == "6.8814"``, ``short(-2.0) == "-2"``,
    ``short(0.70710678) == "0.7071"``; very large or small numbers in e-notation.
    """
    if not math.isfinite(x):
        return str(x)
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 10**-places):
        return f"{x:.{places - 1}e}"
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def full(x: float) -> str:
    """A number as an answer: up to 10 significant digits, no float noise.

    ``full(0.4999999999999998) == "0.5"``, ``full(-7.286496) == "-7.286496"``.
    """
    if not math.isfinite(x):
        return str(x)
    text = f"{x:.10g}"
    if "e" not in text and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
