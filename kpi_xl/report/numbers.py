"""Numbers as text in a director's language: Dutch ``3.909``, ``46,3``, ``89,5%``, ``€ 1.837.850``;
English ``3,909``, ``46.3``, ``89.5%``, ``€1,837,850``.

The one place the terminal (and any text a page writes) turns a number into words; a cell that holds a
number keeps the number and gets an Excel number format instead. Rounding is half away from zero, as
Excel shows it, so ``46.25`` reads ``46,3`` in the terminal and on the Dashboard alike (Python's own
``f"{46.25:.1f}"`` says ``46.2``). Two languages need two separators, not a locale library.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

# language → (thousands separator, decimal mark)
SEPARATORS = {"nl": (".", ","), "en": (",", ".")}
MISSING = "—"  # no value (no target set, no previous month)
MINUS = "-"  # plain hyphen-minus: a terminal and a copy to Excel both read it


def number(value: float | None, language: str, decimals: int = 0) -> str:
    """``value`` rounded to ``decimals`` places (half away from zero), grouped by thousands:
    ``number(3909, "nl") == "3.909"``, ``number(46.25, "en", 1) == "46.3"``."""
    if value is None or not math.isfinite(value):  # no value, NaN or infinite: nothing to show
        return MISSING
    thousands, mark = SEPARATORS[language if language in SEPARATORS else "en"]
    exact = Context(prec=400)  # every digit of the largest float, and its decimals
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, exact)
    if rounded == 0:
        rounded = rounded.copy_abs()  # -0.04 shown with one decimal is 0.0, not -0.0
    sign = MINUS if rounded < 0 else ""
    whole, _, fraction = f"{rounded.copy_abs():f}".partition(".")  # copy_abs: abs() rounds to 28 digits
    grouped = f"{int(whole):,}".replace(",", thousands)
    return sign + grouped + (mark + fraction if decimals > 0 else "")


def percent(share: float | None, language: str, decimals: int = 1) -> str:
    """A share (1.0 = 100%) as a percentage: ``percent(0.895, "nl") == "89,5%"``, ``"89.5%"`` in English."""
    if share is None or not math.isfinite(share):
        return MISSING
    return number(share * 100, language, decimals) + "%"


def euros(value: float | None, language: str, decimals: int = 0) -> str:
    """An amount in euros: ``€ 1.837.850`` in Dutch, ``€1,837,850`` in English (a minus before the
    amount in Dutch, ``€ -1.250``, and before the sign in English, ``-€1,250``)."""
    shown = number(value, language, decimals)
    if shown == MISSING:
        return shown
    if language == "nl":
        return "€ " + shown
    return MINUS + "€" + shown[1:] if shown.startswith(MINUS) else "€" + shown


