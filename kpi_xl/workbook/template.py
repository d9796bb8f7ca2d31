"""Build ``workbook_template.xlsm``: the workbook every director starts from.

    python -m kpi_xl.workbook.template build [PATH] [--config FILE]

Sheets: Dashboard (first), Leads, Activities, Deals, Customers, History,
Checks, Uitleg. Each data sheet holds an Excel Table named exactly like the
sheet with the headers of KPIS.md (Deals with one date column per configured
stage), dropdowns for stage and activity type from the config, date and euro
formats and a frozen header row. The Dashboard's formatting, charts, month
selector and print setup live here; a refresh only fills in values (see
:mod:`kpi_xl.report.layout` for the geometry both use). The build is reproducible:
the same config gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import xlsxwriter

from kpi_xl.config import Settings, load_config
from kpi_xl.report import layout as L

BUILD_DATE = dt.datetime(2026, 1, 1)
DATE_FORMAT = "dd-mm-yyyy"
EURO_FORMAT = '"€" #,##0'
EURO_CENTS = '"€" #,##0.00'
PCT_FORMAT = "0%"
DAYS_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
DATA_ROWS = 1_048_575  # validations and formats reach to the bottom of the sheet

TABLE_COLUMNS: dict[str, list[tuple[str, str | None, float]]] = {
    # header, number format, width
    "Leads": [("lead_id", None, 12), ("created", DATE_FORMAT, 12), ("owner", None, 18), ("company", None, 24),
              ("source", None, 14), ("qualified", None, 11), ("industry", None, 22), ("employees", COUNT_FORMAT, 11),
              ("region", None, 14), ("budget", EURO_FORMAT, 12)],
    "Activities": [("date", DATE_FORMAT, 12), ("owner", None, 18), ("type", None, 12), ("lead_id", None, 12),
                   ("deal_id", None, 12), ("customer_id", None, 12), ("notes", None, 40)],
    "Deals": [("deal_id", None, 12), ("owner", None, 18), ("created", DATE_FORMAT, 12), ("value", EURO_FORMAT, 12),
              ("stage", None, 15), ("closed", DATE_FORMAT, 12), ("lost_reason", None, 20), ("customer_id", None, 12),
              ("lead_id", None, 12)],
    "Customers": [("customer_id", None, 12), ("company", None, 24), ("owner", None, 18), ("since", DATE_FORMAT, 12),
                  ("until", DATE_FORMAT, 12), ("revenue", EURO_FORMAT, 12), ("last_contact", DATE_FORMAT, 13),
                  ("industry", None, 22), ("employees", COUNT_FORMAT, 11), ("region", None, 14),
                  ("lead_id", None, 12)],
}
SHEET_ORDER = (L.DASHBOARD, *L.DATA_SHEETS, L.HISTORY, L.CHECKS, L.HELP, L.XLWINGS_CONF)
CODE_NAMES = {name: f"Sheet{i + 1}" for i, name in enumerate(SHEET_ORDER)}
TILE_FORMATS = {"qualified_leads": COUNT_FORMAT, "action_points": COUNT_FORMAT, "pipeline_value": EURO_FORMAT,
                "deal_velocity": DAYS_FORMAT, "retention": PCT_FORMAT}

BLUE, GREY, LIGHT = "#1F4E79", "#7F7F7F", "#DDEBF7"
LIGHT_FILLS = {"green": "#C6EFCE", "orange": "#FFE699", "red": "#F8CBAD"}


def table_columns(name: str, settings: Settings) -> list[tuple[str, str | None, float]]:
    columns = list(TABLE_COLUMNS[name])
    if name == "Deals":
        columns += [(stage, DATE_FORMAT, 12) for stage in settings.stage_names]
    return columns


def build(path: str | Path, settings: Settings, vba_project: bytes | None = None) -> Path:
    """Write the template workbook to ``path`` (``.xlsm`` when a VBA project is given)."""
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"default_date_format": DATE_FORMAT, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "kpi_xl", "subject": "Sales KPI's", "author": "kpi_xl", "created": BUILD_DATE})
    wb.set_calc_mode("auto")
    fmt = _formats(wb)
    sheets = {name: wb.add_worksheet(name) for name in SHEET_ORDER}
    if vba_project is not None:
        wb.set_vba_name("ThisWorkbook")
        for name, sheet in sheets.items():
            sheet.set_vba_name(CODE_NAMES[name])
        wb.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    for name in L.DATA_SHEETS:
        _data_sheet(sheets[name], name, settings, fmt)
    _dashboard(wb, sheets[L.DASHBOARD], settings, fmt, with_button=vba_project is not None)
    _history(sheets[L.HISTORY], settings, fmt)
    _checks(sheets[L.CHECKS], settings, fmt)
    _help(sheets[L.HELP], settings, fmt)
    _xlwings_conf(sheets[L.XLWINGS_CONF])
    sheets[L.DASHBOARD].activate()
    wb.close()
    return path


def _formats(wb) -> dict:
    f = {}

    def add(key, **props):
        f[key] = wb.add_format({"font_name": "Calibri", "font_size": 10, **props})

    add("plain")
    add("title", bold=True, font_size=18, font_color=BLUE)
    add("label", font_color=GREY)
    add("label_right", font_color=GREY, align="right")
    add("input", bg_color="#FFF2CC", border=1, align="center", bold=True)
    add("datetime", num_format="dd-mm-yyyy hh:mm", align="left")
    add("count_left", num_format=COUNT_FORMAT, align="left", bold=True)
    add("section", bold=True, font_size=12, font_color=BLUE, bottom=2, bottom_color=BLUE)
    add("header", bold=True, bg_color=LIGHT, bottom=1, text_wrap=True, valign="bottom")
    add("header_right", bold=True, bg_color=LIGHT, bottom=1, align="right", text_wrap=True, valign="bottom")
    add("text")
    add("wrap", text_wrap=True, valign="top", font_size=9)
    add("count", num_format=COUNT_FORMAT)
    add("euro", num_format=EURO_FORMAT)
    add("pct", num_format=PCT_FORMAT)
    add("days", num_format=DAYS_FORMAT)
    add("score", num_format="0")
    add("status", align="center", bold=True)
    add("tile_label", bold=True, font_color="white", bg_color=BLUE, align="left")
    add("tile_small", font_color=GREY, font_size=9, bg_color="#F2F2F2")
    add("tile_pad", bg_color="#F2F2F2")
    add("tile_note", font_color="#C00000", font_size=8, bg_color="#F2F2F2", italic=True)
    for kpi, number in TILE_FORMATS.items():
        add(f"tile_value_{kpi}", num_format=number, bold=True, font_size=20, bg_color="#F2F2F2", align="left")
        add(f"tile_num_{kpi}", num_format=number, font_size=9, bg_color="#F2F2F2")
    add("tile_pct", num_format=PCT_FORMAT, font_size=9, bg_color="#F2F2F2", bold=True)
    add("tile_status", font_size=9, bg_color="#F2F2F2", bold=True, align="center")
    add("insight_title", bold=True, italic=True, font_size=11, font_color=GREY, bottom=1, bottom_color=GREY)
    add("insight_label", italic=True, font_color=GREY, font_size=9)
    add("insight_pct", num_format=PCT_FORMAT, font_color=GREY, font_size=9)
    add("insight_euro", num_format=EURO_FORMAT, font_color=GREY, font_size=9)
    add("insight_header", italic=True, font_color=GREY, font_size=9, bottom=1)
    add("insight_text", font_color=GREY, font_size=9)
    add("insight_count", num_format=COUNT_FORMAT, font_color=GREY, font_size=9)
    add("more", italic=True, font_color=GREY, font_size=9)
    add("chart_data", font_color=GREY, font_size=9)
    add("chart_euro", font_color=GREY, font_size=9, num_format=EURO_FORMAT)
    for light, colour in LIGHT_FILLS.items():
        f[f"light_{light}"] = wb.add_format({"bg_color": colour})
    for number in (DATE_FORMAT, EURO_FORMAT, COUNT_FORMAT):
        add(f"number:{number}", num_format=number)
    add("help_title", bold=True, font_size=14, font_color=BLUE)
    add("help_head", bold=True, font_color=BLUE)
    add("help_text", text_wrap=True, valign="top")
    return f


def _data_sheet(ws, name: str, settings: Settings, fmt: dict) -> None:
    columns = table_columns(name, settings)
    spec = []
    for i, (header, number, width) in enumerate(columns):
        cell_format = fmt["plain"] if number is None else fmt[f"number:{number}"]
        ws.set_column(i, i, width, cell_format)
        spec.append({"header": header, "format": cell_format})
    ws.add_table(0, 0, 1, len(columns) - 1, {"name": name, "columns": spec, "style": "Table Style Medium 2"})
    ws.freeze_panes(1, 0)
    headers = [c[0] for c in columns]
    if "stage" in headers:
        i = headers.index("stage")
        ws.data_validation(1, i, DATA_ROWS, i, {
            "validate": "list", "source": settings.stage_names, "error_type": "warning",
            "error_title": "Fase" if settings.language == "nl" else "Stage",
            "error_message": ("Deze fase staat niet in de config." if settings.language == "nl"
                              else "This stage is not in the config."),
        })
    if name == "Activities":
        i = headers.index("type")
        ws.data_validation(1, i, DATA_ROWS, i, {
            "validate": "list", "source": list(settings.points), "error_type": "warning",
            "error_title": "Type",
            "error_message": ("Dit type staat niet in de config en telt als 0 punten." if settings.language == "nl"
                              else "This type is not in the config and scores 0 points."),
        })
    if name == "Leads":
        i = headers.index("qualified")
        yes_no = ["ja", "nee"] if settings.language == "nl" else ["yes", "no"]
        ws.data_validation(1, i, DATA_ROWS, i, {"validate": "list", "source": yes_no, "error_type": "warning"})


def _dashboard(wb, ws, settings: Settings, fmt: dict, with_button: bool) -> None:
    lang = settings.language
    ws.hide_gridlines(2)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 1)
    ws.set_margins(left=0.3, right=0.3, top=0.4, bottom=0.4)
    ws.print_area(0, 0, L.LAST_ROW, L.LAST_COL)
    ws.center_horizontally()
    ws.set_column(0, 0, 16)
    ws.set_column(1, L.LAST_COL, 10)
    ws.set_column(L.LEADS_COL, L.LEADS_COL, 15)
    ws.set_column(L.PIPE_COL, L.PIPE_COL, 14)
    ws.set_column(L.TREND_COL, L.TREND_COL + 3, 11)
    ws.set_column(L.MONTHS_LIST_COL, L.MONTHS_LIST_COL, 9)
    ws.set_row(0, 26)
    ws.set_row(L.TILE_ROW + 1, 28)
    ws.set_row(L.REPS_HEADER_ROW, 26)

    put = ws.write_blank
    put(*L.TITLE, None, fmt["title"])
    ws.write_string(*L.TITLE, L.label("title_empty", lang), fmt["title"])
    put(*L.MONTH_LABEL, None, fmt["label_right"])
    ws.write_blank(*L.MONTH_CELL, None, fmt["input"])
    ws.data_validation(*L.MONTH_CELL, *L.MONTH_CELL, {
        "validate": "list",
        "source": f"={L.a1(L.TREND_FIRST_ROW, L.MONTHS_LIST_COL, True)}:"
                  f"{L.a1(L.TREND_FIRST_ROW + L.MAX_MONTHS - 1, L.MONTHS_LIST_COL, True)}",
        "error_type": "warning",
        "input_title": "Maand" if lang == "nl" else "Month",
        "input_message": ("Kies een maand; leeg = de laatste maand met data. Druk daarna op Vernieuwen."
                          if lang == "nl" else "Pick a month; empty = the latest month with data. Then press Refresh."),
    })
    put(*L.MONTH_USED_LABEL, None, fmt["label_right"])
    put(*L.MONTH_USED, None, fmt["status"])
    put(*L.REFRESHED_LABEL, None, fmt["label_right"])
    ws.merge_range(*L.REFRESHED, L.REFRESHED[0], L.LAST_COL, "", fmt["datetime"])
    put(*L.PROBLEMS_LABEL, None, fmt["label_right"])
    put(*L.PROBLEMS, None, fmt["count_left"])
    ws.write_url(*L.PROBLEMS, f"internal:'{L.CHECKS}'!A1", fmt["count_left"], string=" ")

    for i, kpi in enumerate(L.TILE_KPIS):
        c, r = L.tile_col(i), L.TILE_ROW
        last = c + L.TILE_WIDTH - 2  # the last column of a tile is a white gap
        ws.merge_range(r, c, r, last, "", fmt["tile_label"])
        ws.merge_range(r + 1, c, r + 1, last, "", fmt[f"tile_value_{kpi}"])
        for rr in (r + 2, r + 3, r + 4):
            put(rr, c, None, fmt["tile_small"])
            put(rr, c + 1, None, fmt[f"tile_num_{kpi}"])
        put(r + 2, c + 2, None, fmt["tile_pct"])
        put(r + 2, c + 3, None, fmt["tile_status"])
        put(r + 3, c + 2, None, fmt[f"tile_num_{kpi}"])
        put(r + 3, c + 3, None, fmt["tile_pad"])
        put(r + 4, c + 2, None, fmt["tile_note"])
        put(r + 4, c + 3, None, fmt["tile_pad"])
        status = L.a1(r + 2, c + 3, True)
        for light in LIGHT_FILLS:
            words = [L.LABELS[light]["nl"], L.LABELS[light]["en"]]
            rule = "OR(" + ",".join(f'{status}="{w}"' for w in words) + ")"
            ws.conditional_format(r + 2, c + 2, r + 2, c + 3, {"type": "formula", "criteria": "=" + rule,
                                                               "format": fmt[f"light_{light}"]})

    # tables below the tiles
    _section(ws, L.REPS_TITLE, fmt)
    for j in range(L.REPS_COLS):
        put(L.REPS_HEADER_ROW, j, None, fmt["header"] if j == 0 else fmt["header_right"])
    number_cols = ["text", "count", "count", "pct", "status"] + ["count"] * L.MAX_TYPES
    for i in range(L.MAX_REPS):
        for j, key in enumerate(number_cols):
            put(L.REPS_FIRST_ROW + i, j, None, fmt[key])
    put(L.REPS_FIRST_ROW + L.MAX_REPS, 0, None, fmt["more"])
    _lights(ws, L.REPS_FIRST_ROW, L.REPS_FIRST_ROW + L.MAX_REPS - 1, 3, 4, fmt)

    _section(ws, L.LEADS_TITLE, fmt)
    for j, key in enumerate(["text", "count", "count"]):
        put(L.REPS_HEADER_ROW, L.LEADS_COL + j, None, fmt["header"] if j == 0 else fmt["header_right"])
        for i in range(L.MAX_REPS):
            put(L.REPS_FIRST_ROW + i, L.LEADS_COL + j, None, fmt[key])
    put(L.REPS_FIRST_ROW + L.MAX_REPS, L.LEADS_COL, None, fmt["more"])

    _section(ws, L.PIPE_TITLE, fmt)
    for j, key in enumerate(["text", "count", "euro", "euro", "days", "days"]):
        put(L.REPS_HEADER_ROW, L.PIPE_COL + j, None, fmt["header"] if j == 0 else fmt["header_right"])
        for i in range(L.MAX_STAGES):
            put(L.REPS_FIRST_ROW + i, L.PIPE_COL + j, None, fmt[key])

    # chart data (right of the print area)
    put(*L.TREND_TITLE, None, fmt["label"])
    for j, key in enumerate(["chart_data", "chart_data", "chart_euro", "chart_data"]):
        put(L.TREND_HEADER_ROW, L.TREND_COL + j, None, fmt["header"])
        for i in range(12):
            put(L.TREND_FIRST_ROW + i, L.TREND_COL + j, None, fmt[key])
    put(L.TREND_HEADER_ROW, L.MONTHS_LIST_COL, None, fmt["header"])

    _charts(wb, ws, settings, lang)

    # customer relationship
    _section(ws, L.CUSTOMERS_TITLE, fmt)
    for i, key in enumerate(["count", "pct", "pct", "count", "days", "count"]):
        put(L.CUSTOMERS_FIRST_ROW + i, 0, None, fmt["text"])
        put(L.CUSTOMERS_FIRST_ROW + i, 3, None, fmt[key])
    _section(ws, L.LOOKALIKE_TITLE, fmt)
    for j, key in enumerate(["text", "text", "score", "wrap"]):
        put(L.LOOKALIKE_HEADER_ROW, j, None, fmt["header"])
    for i in range(L.TOP_LOOKALIKES):
        r = L.LOOKALIKE_FIRST_ROW + i
        put(r, 0, None, fmt["text"])
        put(r, 1, None, fmt["text"])
        put(r, 2, None, fmt["score"])
        ws.merge_range(r, 3, r, 8, "", fmt["wrap"])
        ws.set_row(r, 24)
    ws.merge_range(L.LOOKALIKE_HEADER_ROW, 3, L.LOOKALIKE_HEADER_ROW, 8, "", fmt["header"])

    rep, deals, point = L.BOTTLENECK_COLS
    _section(ws, L.BOTTLENECK_TITLE, fmt)
    ws.merge_range(L.BOTTLENECK_HEADER_ROW, rep, L.BOTTLENECK_HEADER_ROW, deals - 1, "", fmt["header"])
    put(L.BOTTLENECK_HEADER_ROW, deals, None, fmt["header_right"])
    ws.merge_range(L.BOTTLENECK_HEADER_ROW, point, L.BOTTLENECK_HEADER_ROW, L.SLEEPING_COLS[0] - 2, "",
                   fmt["header"])
    for i in range(L.MAX_BOTTLENECKS):
        r = L.BOTTLENECK_FIRST_ROW + i
        ws.merge_range(r, rep, r, deals - 1, "", fmt["text"])
        put(r, deals, None, fmt["count"])
        ws.merge_range(r, point, r, L.SLEEPING_COLS[0] - 2, "", fmt["wrap"])
        ws.set_row(r, 24)

    deal, owner, stage, idle, value = L.SLEEPING_COLS
    _section(ws, L.SLEEPING_TITLE, fmt)
    for col, key, head in ((deal, "text", "header"), (stage, "text", "header"), (idle, "count", "header_right"),
                           (value, "euro", "header_right")):
        put(L.SLEEPING_HEADER_ROW, col, None, fmt[head])
        for i in range(L.TOP_SLEEPING):
            put(L.SLEEPING_FIRST_ROW + i, col, None, fmt[key])
    ws.merge_range(L.SLEEPING_HEADER_ROW, owner, L.SLEEPING_HEADER_ROW, stage - 1, "", fmt["header"])
    for i in range(L.TOP_SLEEPING):
        ws.merge_range(L.SLEEPING_FIRST_ROW + i, owner, L.SLEEPING_FIRST_ROW + i, stage - 1, "", fmt["text"])
    put(L.SLEEPING_FIRST_ROW + L.TOP_SLEEPING, deal, None, fmt["more"])

    # insight: visibly secondary
    ws.merge_range(L.INSIGHT_TITLE[0], 0, L.INSIGHT_TITLE[0], 4, "", fmt["insight_title"])
    for i, key in enumerate(["insight_pct", "insight_pct", "insight_pct", "insight_pct", "insight_euro"]):
        put(L.INSIGHT_FIRST_ROW + i, 0, None, fmt["insight_label"])
        put(L.INSIGHT_FIRST_ROW + i, 3, None, fmt[key])
    for j, key in enumerate(["insight_text", "insight_count", "insight_count", "insight_pct", "insight_pct"]):
        put(L.CONVERSION_HEADER_ROW, L.CONVERSION_COL + j, None, fmt["insight_header"])
        for i in range(L.MAX_STAGES):
            put(L.CONVERSION_FIRST_ROW + i, L.CONVERSION_COL + j, None, fmt[key])

    if with_button:
        ws.insert_button(0, 10, {"macro": "RefreshKPIs", "caption": "Vernieuwen" if lang == "nl" else "Refresh",
                                 "width": 150, "height": 34})


def _section(ws, cell, fmt) -> None:
    ws.write_blank(*cell, None, fmt["section"])


def _lights(ws, first_row, last_row, pct_col, status_col, fmt) -> None:
    for light in LIGHT_FILLS:
        words = [L.LABELS[light]["nl"], L.LABELS[light]["en"]]
        status = "$" + L.a1(first_row, status_col).rstrip("0123456789") + str(first_row + 1)
        rule = "OR(" + ",".join(f'{status}="{w}"' for w in words) + ")"
        ws.conditional_format(first_row, pct_col, last_row, status_col,
                              {"type": "formula", "criteria": "=" + rule, "format": fmt[f"light_{light}"]})


def _charts(wb, ws, settings: Settings, lang: str) -> None:
    name = L.DASHBOARD
    stages = len(settings.open_stages)
    first, last = L.REPS_FIRST_ROW, L.REPS_FIRST_ROW + stages - 1
    categories = [name, first, L.PIPE_COL, last, L.PIPE_COL]
    starts = [0, 5, 10, 15, 20, L.LAST_COL + 1]  # five charts side by side, A..Z

    def chart(kind, title, series, slot, number=None):
        c = wb.add_chart({"type": kind})
        for s in series:
            c.add_series(s)
        c.set_title({"name": title, "name_font": {"size": 10, "bold": True}})
        c.set_legend({"position": "bottom", "font": {"size": 8}} if len(series) > 1 else {"none": True})
        width = sum(_column_px(ws, col) for col in range(starts[slot], starts[slot + 1])) - 8
        c.set_size({"width": width, "height": L.CHART_ROWS * 20})
        c.set_x_axis({"num_font": {"size": 8}})
        c.set_y_axis({"num_font": {"size": 8}, "num_format": number or "General", "major_gridlines": {
            "visible": True, "line": {"color": "#E0E0E0"}}})
        c.set_chartarea({"border": {"none": True}})
        ws.insert_chart(L.CHART_ROW, starts[slot], c, {"x_offset": 4, "y_offset": 2, "object_position": 1})

    chart("column", L.label("chart_pipeline", lang), [
        {"name": L.label("value", lang), "categories": categories,
         "values": [name, first, L.PIPE_COL + 2, last, L.PIPE_COL + 2], "fill": {"color": BLUE}},
        {"name": L.label("weighted", lang), "categories": categories,
         "values": [name, first, L.PIPE_COL + 3, last, L.PIPE_COL + 3], "fill": {"color": "#9DC3E6"}},
    ], 0, number='"€" #,##0')
    chart("bar", L.label("chart_stage_time", lang), [
        {"name": L.label("days_in_stage", lang), "categories": categories,
         "values": [name, first, L.PIPE_COL + 4, last, L.PIPE_COL + 4], "fill": {"color": "#2E75B6"}},
        {"name": L.label("days_so_far", lang), "categories": categories,
         "values": [name, first, L.PIPE_COL + 5, last, L.PIPE_COL + 5], "fill": {"color": "#BDD7EE"}},
    ], 1)
    t0, t1 = L.TREND_FIRST_ROW, L.TREND_FIRST_ROW + 11
    months = [name, t0, L.TREND_COL, t1, L.TREND_COL]
    chart("column", L.label("chart_leads", lang), [
        {"name": L.label("leads_title", lang), "categories": months,
         "values": [name, t0, L.TREND_COL + 1, t1, L.TREND_COL + 1], "fill": {"color": "#548235"}}], 2)
    chart("column", L.label("chart_revenue", lang), [
        {"name": L.label("won_revenue", lang), "categories": months,
         "values": [name, t0, L.TREND_COL + 2, t1, L.TREND_COL + 2], "fill": {"color": BLUE}}], 3,
          number='"€" #,##0')
    chart("line", L.label("chart_points", lang), [
        {"name": L.label("points", lang), "categories": months,
         "values": [name, t0, L.TREND_COL + 3, t1, L.TREND_COL + 3], "line": {"color": "#C55A11", "width": 2},
         "marker": {"type": "circle", "size": 4}}], 4)


def _column_px(ws, col: int) -> int:
    """Pixel width of a column as XlsxWriter lays it out (it keeps set_column widths in pixels)."""
    info = ws.col_info.get(col)
    return 64 if info is None or info.width is None else int(info.width)


def _history(ws, settings: Settings, fmt: dict) -> None:
    lang = settings.language
    formats = [None, "count", "count", "euro", "days", "pct", "euro", "datetime"]
    for j, column in enumerate(L.HISTORY_COLUMNS):
        ws.write_string(0, j, L.label(f"h.{column}", lang), fmt["header"])
        ws.set_column(j, j, 16 if j else 10, fmt[formats[j]] if formats[j] else None)
    ws.freeze_panes(1, 0)


def _checks(ws, settings: Settings, fmt: dict) -> None:
    lang = settings.language
    widths = [12, 8, 18, 24, 90]
    for j, column in enumerate(L.CHECKS_COLUMNS):
        ws.write_string(0, j, L.label(f"c.{column}", lang), fmt["header"])
        ws.set_column(j, j, widths[j])
    ws.freeze_panes(1, 0)


HELP_TEXT = {
    "nl": [
        ("Zo werkt deze werkmap", None),
        ("1. Uw data", "Vul de tabellen Leads, Activities, Deals en Customers (plakken uit uw CRM mag). Laat de "
                       "kopregels staan; extra kolommen mogen. Data-bladen worden nooit door de vernieuwing "
                       "gewijzigd."),
        ("2. Vernieuwen", "Kies eventueel een maand op het Dashboard (leeg = laatste maand) en druk op "
                          "Vernieuwen. Zonder Excel: kpi-xl refresh werkmap.xlsm"),
        ("3. Checks", "Elke cel die niet gebruikt kon worden staat op het blad Checks, met rij, kolom en wat te "
                      "doen. Die rij telt niet mee in de KPI's die ze raakt; er wordt nooit stilzwijgend 0 van "
                      "gemaakt."),
        ("De vijf KPI's", None),
        ("Gekwalificeerde leads", "Nieuwe leads in de maand die voldoen aan de checklist van uw ideale klant "
                                  "(of kolom qualified = ja)."),
        ("Actiepunten", "Punten per contactmoment (bellen, e-mail, intake, ...) per verkoper, tegen het doel."),
        ("Pijplijnwaarde", "Waarde van de open deals op de peildatum, ook gewogen met de kans per fase."),
        ("Doorlooptijd", "Gemiddeld aantal dagen van eerste contact tot getekend (12 maanden), en per fase."),
        ("Klantbehoud", "Deel van de klanten van een jaar geleden dat nog klant is; plus opzeggingen, klanten "
                        "zonder recent contact en leads die lijken op uw beste klanten."),
        ("Inzicht", "Conversie, sluitratio en groei staan apart: nuttig, maar niet om medewerkers op te "
                    "beoordelen. De bottleneck per verkoper is een gesprekspunt voor coaching."),
        ("Functies in cellen", "Met xlwings (alleen Excel voor Windows): =DEAL_VELOCITY(Deals; \"Offerte\") "
                               "enz. Op de Mac werkt de knop Vernieuwen wel, de celfuncties niet."),
        ("Configuratie", "Fasen, punten, checklist en doelen staan in kpi.yaml naast deze werkmap."),
    ],
    "en": [
        ("How this workbook works", None),
        ("1. Your data", "Fill the tables Leads, Activities, Deals and Customers (pasting from your CRM is fine). "
                         "Keep the header rows; extra columns are fine. Data sheets are never changed by a "
                         "refresh."),
        ("2. Refresh", "Optionally pick a month on the Dashboard (empty = latest month) and press Refresh. "
                       "Without Excel: kpi-xl refresh workbook.xlsm"),
        ("3. Checks", "Every cell that could not be used is listed on the Checks sheet with its row, column and "
                      "what to do. That row is left out of the KPIs it affects; it is never silently made 0."),
        ("The five KPIs", None),
        ("Qualified leads", "New leads in the month that pass the ideal-customer checklist (or qualified = yes)."),
        ("Action points", "Points per contact moment (call, e-mail, intake, ...) per rep, against the target."),
        ("Pipeline value", "Value of the open deals at the as-of date, also weighted by stage probability."),
        ("Deal velocity", "Average days from first contact to signed (12 months), and per stage."),
        ("Retention", "Share of last year's customers still with you; plus churn, customers without recent "
                      "contact and leads that look like your best customers."),
        ("Insight", "Conversion, close ratio and growth are kept apart: useful, but not for judging people. "
                    "The bottleneck per rep is a coaching talking point."),
        ("Worksheet functions", "With xlwings (Excel for Windows only): =DEAL_VELOCITY(Deals, \"Offerte\") etc. "
                                "On the Mac the Refresh button works, the cell functions do not."),
        ("Configuration", "Stages, points, checklist and targets live in kpi.yaml next to this workbook."),
    ],
}


def _help(ws, settings: Settings, fmt: dict) -> None:
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "kpi_xl", fmt["help_title"])
    for i, (head, body) in enumerate(HELP_TEXT.get(settings.language, HELP_TEXT["en"]), start=2):
        ws.write_string(i, 0, head, fmt["help_head"])
        if body:
            ws.write_string(i, 1, body, fmt["help_text"])


def xlwings_settings() -> list[tuple[str, str]]:
    """xlwings' settings, one (name, value) row each, read by the xlwings VBA from the sheet ``xlwings.conf``.

    ``UDF Modules`` is the module "Import Functions" reads. ``Interpreter_Mac`` names ``python3``:
    with no setting xlwings runs ``python``, which no Mac has unless the user made it. On Windows
    xlwings' default (``pythonw`` on the PATH) is kept. The VBA reads the rows down to the first
    empty one, so they stay contiguous.
    """
    return [("UDF Modules", L.UDF_MODULE), ("Interpreter_Mac", L.INTERPRETER_MAC)]


def _xlwings_conf(ws) -> None:
    for row, (name, value) in enumerate(xlwings_settings()):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, value)
    ws.set_column(0, 1, 24)
    ws.hide()


REPO_TEMPLATE = Path(__file__).resolve().parents[2] / "workbook_template.xlsm"  # the repository's root


def template_path() -> Path:
    """The committed template at the repository root (or the packaged copy)."""
    from importlib import resources

    packaged = resources.files("kpi_xl").joinpath("data/workbook_template.xlsm")
    if packaged.is_file():
        return Path(str(packaged))
    return REPO_TEMPLATE


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kpi_xl.workbook.template", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the template workbook")
    b.add_argument("path", nargs="?", default=str(REPO_TEMPLATE))
    b.add_argument("--config", default=None, help="YAML config (default: the packaged config)")
    args = parser.parse_args(argv)
    settings = load_config(args.config)
    path = build(args.path, settings, vba_project=default_vba_project(settings))
    print(f"built {path}")
    return 0


def default_vba_project(settings: Settings) -> bytes | None:
    """The project's VBA (RefreshKPIs + the standalone xlwings module), when the VBA builder is available."""
    try:
        from kpi_xl.workbook.vba import build_vba_project, kpi_modules, xlwings_vba_sources
    except ImportError:
        return None
    modules, classes = xlwings_vba_sources()
    modules = {**modules, **kpi_modules(settings.language)}
    return build_vba_project(["ThisWorkbook", *[CODE_NAMES[n] for n in SHEET_ORDER]], modules, classes)


if __name__ == "__main__":
    sys.exit(main())
