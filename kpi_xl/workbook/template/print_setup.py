"""Print setup of the reference sheets (History, Checks, Uitleg): A4 landscape, one page wide and as many
tall as the rows need, the header row on every page, the sheet's name and the page number in the footer.

Their columns add up to about 120 units of width (:data:`COLUMN_UNITS`). Measured: an A4 landscape
page with these margins holds about 145 units at 100% in Excel with Calibri, and about 107 in
LibreOffice where neither Calibri nor Carlito is installed (it then sizes columns with DejaVu Sans,
which is wider). At 120 the sheets print at 100% in Excel and at about 90% there: 10 pt text stays
at least 9 pt.
"""

from __future__ import annotations

COLUMN_UNITS = 122  # the most width units a reference sheet's columns take (see above)
MARGIN_IN = 0.4


def reference_print(ws, header_rows: int = 1) -> None:
    """A4 landscape, fit to one page wide (any number tall), the first ``header_rows`` repeated."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.5, bottom=0.6)
    if header_rows:
        ws.repeat_rows(0, header_rows - 1)
    ws.set_footer("&L&9&A&R&9&P / &N")



def width_units(widths) -> float:
    """The width of columns in Excel units, with the 5 px padding Excel adds to each (7 px a unit)."""
    return sum(w + 5 / 7 for w in widths)
