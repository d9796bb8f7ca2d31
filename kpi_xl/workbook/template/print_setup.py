"""Print setup of the reference sheets (History, Checks, Uitleg): A4 landscape, one page wide and as many
tall as the rows need, the header row on every page, the sheet's name and the page number in the footer.

Their columns add up to at most :data:`COLUMN_UNITS` units of width (Excel's unit: one digit of the
default font). An A4 landscape page with these margins holds about 145 units at 100% in Excel with
Calibri (computed: 7 px a unit plus 5 px a column, 96 px per inch, 10.89 in), and about 108 in
LibreOffice where neither Calibri nor Carlito is installed (it sizes columns with the wider DejaVu
Sans; measured: 115 units printed at 94%). So the sheets print at 100% in Excel and at about 94%
there: 10 pt text prints at 9.4 pt (word boxes of 12.2 pt measured with ``pdftotext -bbox``).
"""

from __future__ import annotations

COLUMN_UNITS = 120  # the most width units a reference sheet's columns take (see above)
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
