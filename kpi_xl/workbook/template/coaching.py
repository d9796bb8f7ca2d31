"""The Coaching sheet ("Gesprekspunten per verkoper"): print setup and the formatted, empty blocks a refresh fills.

The geometry is :mod:`kpi_xl.report.pages.coaching`'s; the refresh writes only values. Text is 11 pt and
the print area is sized so that A4 landscape, fit to one page, prints it at about 9–10 pt.
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching as C

TITLE_HEIGHT, HEADER_HEIGHT, LINE_HEIGHT, LOWER_HEIGHT = 24, 30, 15, 30  # points


def page_setup(ws, last_row: int, last_col: int, widths: tuple[int, ...]) -> None:
    """One A4 landscape page: fit 1×1, the print area, no gridlines, the columns' widths (characters)."""
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.3, right=0.3, top=0.4, bottom=0.4)
    ws.print_area(0, 0, last_row, last_col)
    ws.center_horizontally()
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def _coaching(ws, settings: Settings, fmt: dict) -> None:
    page_setup(ws, C.LAST_ROW, C.LAST_COL, C.WIDTHS)
    put = ws.write_blank
    lang = settings.language
    ws.set_row(C.TITLE[0], TITLE_HEIGHT)
    ws.write_string(*C.TITLE, C.label("title", lang), fmt["page_title"])
    put(*C.MONTH, None, fmt["page_month"])
    ws.set_row(C.HEADER_ROW, HEADER_HEIGHT)
    for col in range(C.LAST_COL + 1):
        right = col in (C.DEALS, C.SLEEP_IDLE, C.SLEEP_VALUE)
        put(C.HEADER_ROW, col, None, fmt["page_header_right" if right else "page_header"])
    ws.merge_range(C.HEADER_ROW, C.POINT, C.HEADER_ROW, C.POINT_LAST, "", fmt["page_header"])
    sleeping = ((C.SLEEP_DEAL, "page_text"), (C.SLEEP_STAGE, "page_text"), (C.SLEEP_IDLE, "page_count"),
                (C.SLEEP_VALUE, "page_euro"), (C.SLEEP_MORE, "page_more"))
    for i in range(C.MAX_REPS):
        top = C.FIRST_ROW + i * C.ROWS_PER_REP
        last = top + C.ROWS_PER_REP - 1
        for r in range(top, last + 1):
            ws.set_row(r, LINE_HEIGHT)
            for col, key in sleeping:
                put(r, col, None, fmt[key])
        ws.merge_range(top, C.REP, last, C.REP, "", fmt["page_name"])
        ws.merge_range(top, C.DEALS, last, C.DEALS, "", fmt["page_count"])
        ws.merge_range(top, C.POINT, last, C.POINT_LAST, "", fmt["page_wrap"])
    put(*C.MORE_REPS, None, fmt["page_more"])

    # customers that need attention, look-alike leads
    for cell in ((C.LOWER_TITLE_ROW, C.CUSTOMER_COLS[0]), (C.LOWER_TITLE_ROW, C.LOOKALIKE_COLS[0])):
        put(*cell, None, fmt["page_section"])
    ws.set_row(C.LOWER_HEADER_ROW, HEADER_HEIGHT)
    customer_keys = ("page_wrap", "page_count", "page_date")
    lookalike_keys = ("page_wrap", "page_text", "page_score", "page_wrap")
    for col in range(C.LAST_COL + 1):
        right = col in (C.CUSTOMER_COLS[1], C.LOOKALIKE_COLS[2])
        put(C.LOWER_HEADER_ROW, col, None, fmt["page_header_right" if right else "page_header"])
    ws.merge_range(C.LOWER_HEADER_ROW, C.LOOKALIKE_COLS[3], C.LOWER_HEADER_ROW, C.WHY_LAST, "",
                   fmt["page_header"])
    for i in range(C.LOWER_ROWS):
        r = C.LOWER_FIRST_ROW + i
        ws.set_row(r, LOWER_HEIGHT)
        for col, key in zip(C.CUSTOMER_COLS, customer_keys, strict=True):
            put(r, col, None, fmt[key])
        for col, key in zip(C.LOOKALIKE_COLS[:3], lookalike_keys[:3], strict=True):
            put(r, col, None, fmt[key])
        ws.merge_range(r, C.LOOKALIKE_COLS[3], r, C.WHY_LAST, "", fmt["page_wrap"])
    put(C.LOWER_MORE_ROW, C.CUSTOMER_COLS[0], None, fmt["page_more"])


__all__ = ["page_setup"]
assert C.LAST_COL < L.PAGE_LAST_COL and C.LAST_ROW <= L.PAGE_LAST_ROW  # inside the area a refresh owns
