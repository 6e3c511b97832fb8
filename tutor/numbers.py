"""How numbers are written for a person: one place, used by every layer."""

from __future__ import annotations

import json
import math


def short(x: float, places: int = 4) -> str:
    """A number for the eye: at most ``places`` decimals, no trailing zeros.

    ``short(6.8813735870195432) == "6.8814"``, ``short(-2.0) == "-2"``; ``-0.0``
    is ``0``. A number too small to survive ``places`` decimals (a tiny gradient
    is not zero) or of a million or more is written in scientific notation with
    4 significant digits: ``3e-5``, ``1.235e7``.
    """
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    if 10.0**-places <= abs(x) < 1e6:
        return f"{x:.{places}f}".rstrip("0").rstrip(".")
    mantissa, exponent = f"{x:.3e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


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


def plain(x: float) -> str:
    """A number as a lesson file may have written it: ``5``, ``0.001``, ``1e-07``.

    Whole numbers without ``.0``, anything else as Python's shortest exact text.
    """
    return str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)


def score(x: float) -> str:
    """Points and scores: ``score(2.0) == "2"``, ``score(0.75) == "0.75"``."""
    return f"{x:g}"


def percent(fraction: float) -> str:
    """A fraction as a whole percentage: ``percent(0.7) == "70%"`` (a pass mark)."""
    return f"{fraction:.0%}"


def approx(x: float) -> str:
    """A value to 12 significant digits, as ``tutor derive`` prints it beside its exact form."""
    return f"{x:.12g}"


def json_text(data: object, indent: int | None = 2) -> str:
    """``data`` as strict JSON: a float that is not finite (inf, NaN), which JSON cannot
    hold (Python would write ``Infinity``), is written ``null``; never invalid JSON.
    ``indent=None`` writes one compact line (a JSON Lines document)."""
    separators = (",", ":") if indent is None else None
    return json.dumps(_finite(data), indent=indent, separators=separators, allow_nan=False)


def _finite(data: object) -> object:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data
