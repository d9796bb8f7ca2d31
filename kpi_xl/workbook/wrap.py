"""Row heights for wrapped text, so a long text prints whole instead of under the next row.

Excel grows a row with wrapped text by itself when a cell is typed into, but not when it opens a
file, and LibreOffice (which makes the PDF) never does: a wrapped cell in a row of default height
shows its first line and runs over the rows below. So the template (Uitleg) and the refresh
(Checks' problem texts) write the height a row needs. The estimate errs on the tall side: a
little white space is better than a cut-off line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from kpi_xl.report import layout as L

#: characters of 10 pt Calibri text that fit per unit of Excel column width (a unit is one digit of
#: the 11 pt default font, 7 px; text averages about 5.3 px; word breaks waste some: measured 1.3 in LibreOffice)
CHARS_PER_UNIT = 1.25
LINE_PT = 13.0  # one line of 10 pt text
PAD_PT = 2.0
DEFAULT_ROW_PT = 15.0
#: per owned sheet, the columns whose text wraps (the template formats them so): the refresh writes the
#: heights their rows need
WRAPPED_COLUMNS: dict[str, tuple[int, ...]] = {L.CHECKS: (L.CHECKS_COLUMNS.index("value"),
                                                     L.CHECKS_COLUMNS.index("problem"))}


def lines_needed(text: object, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide (a newline starts a line)."""
    if text is None or text == "":
        return 1
    per_line = max(1, int(width * CHARS_PER_UNIT))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def row_height(texts: Iterable[tuple[object, float]], line_pt: float = LINE_PT) -> float | None:
    """The height (points) a row needs for its wrapped ``(text, column width)`` cells; None: one line
    is enough (the row keeps the default height)."""
    lines = max((lines_needed(text, width) for text, width in texts), default=1)
    if lines <= 1:
        return None
    return max(DEFAULT_ROW_PT, lines * line_pt + PAD_PT)


def row_heights(cells: Mapping[tuple[int, int], object], widths: Mapping[int, float],
                columns: Iterable[int], first_row: int = 1) -> dict[int, float]:
    """Heights of the rows from ``first_row`` on whose text in one of the wrapped ``columns`` needs
    more than one line, given the columns' ``widths`` (Excel units)."""
    wrapped = {c: widths.get(c, 8.43) for c in columns}
    by_row: dict[int, list[tuple[object, float]]] = {}
    for (r, c), value in cells.items():
        if r >= first_row and c in wrapped and isinstance(value, str):
            by_row.setdefault(r, []).append((value, wrapped[c]))
    heights = {r: row_height(texts) for r, texts in by_row.items()}
    return {r: h for r, h in heights.items() if h is not None}
