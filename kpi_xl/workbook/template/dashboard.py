"""The Dashboard sheet: one A4 landscape page with the five KPI cards and the table per rep.

Formats, column widths, the month selector, the cards' trend charts and the print setup; a refresh only
fills in the values (the cells are in :mod:`kpi_xl.report.pages.dashboard`). One function per block,
called top to bottom in the order the cells are written, so the built file stays the same byte for byte.

Sized for print at about 100%: the print area A1:T34 is about 565 pt high (an A4 landscape page holds
552 pt between 0.3" margins) and, in LibreOffice, as wide as the page (see COLUMN_PX), so 10 pt text
prints at 9.5 pt or more. The headers of the rep table are turned (narrow columns, full words).
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.report.pages import dashboard as D
from kpi_xl.workbook.template.charts import _trend_charts
from kpi_xl.workbook.template.formats import LIGHT_FILLS

# A..T, 20 equal columns (four a card). LibreOffice, without Calibri, draws a column 4/3 as wide as Excel
# does (it measures widths in DejaVu Sans digits), so 20 × 39 px here is 1,040 px there: the 799 pt between
# its margins. Excel prints the same area at 100%, a quarter narrower than the page.
COLUMN_PX = 39
WIDER = {16: 31, 17: 47}  # R holds the month selector: wider, its card's label columns as wide together
MARGIN_IN = 0.3


def _dashboard(wb, ws, settings: Settings, fmt: dict, with_button: bool) -> None:
    lang = settings.language
    _page_setup(ws)
    _header(ws, fmt, lang)
    for i, kpi in enumerate(D.KPIS):
        _card(ws, fmt, kpi, D.card_col(i))
    ws.merge_range(*D.NOTE, D.NOTE[0], L.LAST_COL, "", fmt["dash_note"])
    _reps_table(ws, fmt)
    _chart_data(ws, fmt)
    _trend_charts(wb, ws, settings)
    if with_button:
        ws.insert_button(*D.BUTTON, {"macro": "RefreshKPIs", "caption": "Vernieuwen" if lang == "nl" else "Refresh",
                                     "width": 150, "height": 34})


def _page_setup(ws) -> None:
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=MARGIN_IN, bottom=MARGIN_IN)
    ws.print_area(0, 0, L.LAST_ROW, L.LAST_COL)
    ws.center_horizontally()
    ws.set_column_pixels(0, L.LAST_COL, COLUMN_PX)
    for col, px in WIDER.items():
        ws.set_column_pixels(col, col, px)
    ws.set_column_pixels(L.LAST_COL + 1, L.TREND_COL - 1, 24)
    ws.set_column_pixels(L.TREND_COL, L.TREND_COL + 1 + len(D.KPIS), 90)
    ws.set_column_pixels(L.MONTHS_LIST_COL, L.MONTHS_LIST_COL, 70)
    heights = {0: 26, 3: 6, D.CARD_ROW: 26, D.VALUE_ROW: 30, D.NOTE[0]: 26, D.NOTE[0] + 1: 6, D.REPS_TITLE[0]: 18,
               D.REPS_HEADER_ROW: 62, **{D.REPS_FIRST_ROW + i: 14 for i in range(L.MAX_REPS + 1)}}
    for row, points in heights.items():
        ws.set_row(row, points)


def _header(ws, fmt: dict, lang: str) -> None:
    ws.write_string(*D.TITLE, D.label("title_empty", lang), fmt["title"])
    ws.write_blank(*D.MONTH_LABEL, None, fmt["label_right"])
    ws.write_blank(*L.MONTH_CELL, None, fmt["input"])  # the third cell format: earlier workbooks have it so
    ws.data_validation(*L.MONTH_CELL, *L.MONTH_CELL, {
        "validate": "list",
        "source": f"={L.a1(L.TREND_FIRST_ROW, L.MONTHS_LIST_COL, True)}:"
                  f"{L.a1(L.TREND_FIRST_ROW + L.MAX_MONTHS - 1, L.MONTHS_LIST_COL, True)}",
        "error_type": "warning",
        "input_title": "Maand" if lang == "nl" else "Month",
        "input_message": ("Kies een maand; leeg = de laatste maand met data. Druk daarna op Vernieuwen."
                          if lang == "nl" else "Pick a month; empty = the latest month with data. Then press Refresh."),
    })
    ws.write_blank(*D.MONTH_USED_LABEL, None, fmt["label_right"])
    ws.write_blank(*D.MONTH_USED, None, fmt["text_bold_left"])
    ws.write_blank(*D.REFRESHED_LABEL, None, fmt["label_right"])
    ws.merge_range(*D.REFRESHED, D.REFRESHED[0], L.LAST_COL, "", fmt["datetime"])
    ws.write_url(*D.PROBLEMS, f"internal:'{L.CHECKS}'!A1", fmt["dash_problems"], string=" ")


def _card(ws, fmt: dict, kpi: str, c: int) -> None:
    """One card: its name, the value, two extra lines, target, % and light, last month, change, suggestion;
    labels in the first two columns, values in the last two; the trend chart below (charts.py)."""
    last = c + D.CARD_COLS - 1
    ws.merge_range(D.CARD_ROW, c, D.CARD_ROW, last, "", fmt["card_label"])
    ws.merge_range(D.VALUE_ROW, c, D.VALUE_ROW, last, "", fmt[f"card_value_{kpi}"])
    values = {D.EXTRA_ROWS[0]: "card_pad", D.EXTRA_ROWS[1]: "card_pad", D.TARGET_ROW: f"card_num_{kpi}",
              D.PREVIOUS_ROW: f"card_num_{kpi}", D.CHANGE_ROW: f"card_change_{kpi}",
              D.SUGGESTED_ROW: f"card_num_{kpi}"}
    if kpi == "deal_velocity":
        values[D.VELOCITY_MEDIAN[0]] = "card_days"
    if kpi == "pipeline_value":
        values[D.PIPELINE_COVERAGE[0]] = "card_times"
        values[D.PIPELINE_EXPECTED[0]] = "card_pct"
    for row in range(D.EXTRA_ROWS[0], D.SUGGESTED_ROW + 1):
        ws.merge_range(row, c, row, c + 1, "", fmt["card_text"])
        if row == D.SHARE_ROW:
            ws.write_blank(row, c + 2, None, fmt["card_pct"])
            ws.write_blank(row, c + 3, None, fmt["card_light"])
        else:
            ws.merge_range(row, c + 2, row, last, "", fmt[values[row]])
    for row in range(D.CHART_ROW, D.CHART_ROW + D.CHART_ROWS):
        for col in range(c, last + 1):
            ws.write_blank(row, col, None, fmt["card_pad_first" if col == c else "card_pad"])
    _lights(ws, D.SHARE_ROW, D.SHARE_ROW, c + 2, c + 3, fmt)


def _reps_table(ws, fmt: dict) -> None:
    ws.merge_range(*D.REPS_TITLE, D.REPS_TITLE[0], L.LAST_COL, "", fmt["section"])
    kinds = {"rep": "text", "points": "count", "target": "count", "share": "pct", "light": "light_word",
             "qualified": "count", "pipeline": "euro", "coverage": "times", "expected": "pct"}
    header = D.REPS_HEADER_ROW
    for key, col in D.REP_COL.items():
        span = D.REP_SPAN.get(key, 1)
        head = fmt["header"] if key == "rep" else fmt["header_turned"]
        _cell(ws, header, col, span, head)
        for i in range(L.MAX_REPS):
            _cell(ws, D.REPS_FIRST_ROW + i, col, span, fmt[kinds[key]])
    for j in range(L.MAX_TYPES):
        ws.write_blank(header, D.TYPES_COL + j, None, fmt["header_turned"])
        for i in range(L.MAX_REPS):
            ws.write_blank(D.REPS_FIRST_ROW + i, D.TYPES_COL + j, None, fmt["count"])
    ws.write_blank(*D.MORE, None, fmt["more"])
    _lights(ws, D.REPS_FIRST_ROW, D.REPS_FIRST_ROW + L.MAX_REPS - 1, D.REP_COL["share"], D.REP_COL["light"], fmt)


def _cell(ws, row: int, col: int, span: int, cell_format) -> None:
    if span == 1:
        ws.write_blank(row, col, None, cell_format)
    else:
        ws.merge_range(row, col, row, col + span - 1, "", cell_format)


def _chart_data(ws, fmt: dict) -> None:
    ws.write_blank(*D.TREND_TITLE, None, fmt["label"])
    kinds = ["chart_data", "chart_data", "chart_data", "chart_data", "chart_euro", "chart_data", "chart_data"]
    for j, key in enumerate(kinds):
        ws.write_blank(D.TREND_HEADER_ROW, L.TREND_COL + j, None, fmt["header"])
        for i in range(12):
            ws.write_blank(L.TREND_FIRST_ROW + i, L.TREND_COL + j, None, fmt[key])
    ws.write_blank(D.TREND_HEADER_ROW, L.MONTHS_LIST_COL, None, fmt["header"])


def _lights(ws, first_row, last_row, pct_col, status_col, fmt) -> None:
    """Fill the % and the light word with the light's colour (in either language)."""
    column = L.a1(first_row, status_col).rstrip("0123456789")
    status = f"${column}{first_row + 1}"
    for light in LIGHT_FILLS:
        words = [D.LABELS[light]["nl"], D.LABELS[light]["en"]]
        rule = "OR(" + ",".join(f'{status}="{w}"' for w in words) + ")"
        ws.conditional_format(first_row, pct_col, last_row, status_col,
                              {"type": "formula", "criteria": "=" + rule, "format": fmt[f"light_{light}"]})
