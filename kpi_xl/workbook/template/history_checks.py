"""The History and Checks sheets: their header rows, column widths and print setup (a refresh fills in
the rows). Both print A4 landscape, one page wide, the header row on every page; Checks' value and
problem columns wrap (the refresh writes the rows' heights, :mod:`kpi_xl.workbook.wrap`).
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.workbook.template.print_setup import reference_print

#: month, five KPIs, won revenue, refreshed at: a number column is wide enough for "€ 12.345.678"
HISTORY_WIDTHS = (10, 14, 14, 16, 14, 12, 16, 17)
#: sheet, row, column, value, problem and what to do: about one A4 landscape page wide (print_setup)
CHECKS_WIDTHS = (11, 7, 15, 16, 66)
HEADER_ROW_PT = 30  # two lines of bold 10 pt: "gekwalificeerde / leads"


def _history(ws, settings: Settings, fmt: dict) -> None:
    lang = settings.language
    formats = ["history_month", "count", "count", "euro", "days", "pct", "euro", "datetime"]
    for j, column in enumerate(L.HISTORY_COLUMNS):
        ws.write_string(0, j, L.label(f"h.{column}", lang), fmt["header"] if j == 0 else fmt["header_right"])
        ws.set_column(j, j, HISTORY_WIDTHS[j], fmt[formats[j]])
    ws.set_row(0, HEADER_ROW_PT)
    ws.freeze_panes(1, 0)
    reference_print(ws)


def _checks(ws, settings: Settings, fmt: dict) -> None:
    lang = settings.language
    wrapped = {L.CHECKS_COLUMNS.index("value"), L.CHECKS_COLUMNS.index("problem")}
    row = L.CHECKS_COLUMNS.index("row")
    for j, column in enumerate(L.CHECKS_COLUMNS):
        ws.write_string(0, j, L.label(f"c.{column}", lang), fmt["header_right"] if j == row else fmt["header"])
        body = fmt["top_wrap"] if j in wrapped else fmt["top"] if j <= row else fmt["top_indent"]
        ws.set_column(j, j, CHECKS_WIDTHS[j], body)
    ws.set_row(0, HEADER_ROW_PT)
    ws.freeze_panes(1, 0)
    reference_print(ws)
