"""The Dashboard sheet: print setup, month selector, KPI tiles and the empty, formatted tables a refresh fills.

One function per block of the sheet; :func:`_dashboard` calls them top to bottom in the order the cells
are written, so the built file stays the same byte for byte.
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.workbook.template.charts import _charts
from kpi_xl.workbook.template.formats import LIGHT_FILLS


def _dashboard(wb, ws, settings: Settings, fmt: dict, with_button: bool) -> None:
    lang = settings.language
    _page_setup(ws)
    _header(ws, fmt, lang)
    _tiles(ws, fmt)

    # tables below the tiles
    _reps_table(ws, fmt)
    _leads_table(ws, fmt)
    _pipeline_table(ws, fmt)

    # chart data (right of the print area)
    _chart_data(ws, fmt)

    _charts(wb, ws, settings, lang)

    # customer relationship
    _customers(ws, fmt)
    _lookalikes(ws, fmt)

    _bottlenecks(ws, fmt)
    _sleeping_deals(ws, fmt)

    # insight: visibly secondary
    _insight(ws, fmt)

    if with_button:
        ws.insert_button(0, 10, {"macro": "RefreshKPIs", "caption": "Vernieuwen" if lang == "nl" else "Refresh",
                                 "width": 150, "height": 34})


def _page_setup(ws) -> None:
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


def _header(ws, fmt: dict, lang: str) -> None:
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


def _tiles(ws, fmt: dict) -> None:
    put = ws.write_blank
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


def _reps_table(ws, fmt: dict) -> None:
    put = ws.write_blank
    _section(ws, L.REPS_TITLE, fmt)
    for j in range(L.REPS_COLS):
        put(L.REPS_HEADER_ROW, j, None, fmt["header"] if j == 0 else fmt["header_right"])
    number_cols = ["text", "count", "count", "pct", "status"] + ["count"] * L.MAX_TYPES
    for i in range(L.MAX_REPS):
        for j, key in enumerate(number_cols):
            put(L.REPS_FIRST_ROW + i, j, None, fmt[key])
    put(L.REPS_FIRST_ROW + L.MAX_REPS, 0, None, fmt["more"])
    _lights(ws, L.REPS_FIRST_ROW, L.REPS_FIRST_ROW + L.MAX_REPS - 1, 3, 4, fmt)


def _leads_table(ws, fmt: dict) -> None:
    put = ws.write_blank
    _section(ws, L.LEADS_TITLE, fmt)
    for j, key in enumerate(["text", "count", "count"]):
        put(L.REPS_HEADER_ROW, L.LEADS_COL + j, None, fmt["header"] if j == 0 else fmt["header_right"])
        for i in range(L.MAX_REPS):
            put(L.REPS_FIRST_ROW + i, L.LEADS_COL + j, None, fmt[key])
    put(L.REPS_FIRST_ROW + L.MAX_REPS, L.LEADS_COL, None, fmt["more"])


def _pipeline_table(ws, fmt: dict) -> None:
    put = ws.write_blank
    _section(ws, L.PIPE_TITLE, fmt)
    for j, key in enumerate(["text", "count", "euro", "euro", "days", "days"]):
        put(L.REPS_HEADER_ROW, L.PIPE_COL + j, None, fmt["header"] if j == 0 else fmt["header_right"])
        for i in range(L.MAX_STAGES):
            put(L.REPS_FIRST_ROW + i, L.PIPE_COL + j, None, fmt[key])


def _chart_data(ws, fmt: dict) -> None:
    put = ws.write_blank
    put(*L.TREND_TITLE, None, fmt["label"])
    for j, key in enumerate(["chart_data", "chart_data", "chart_euro", "chart_data"]):
        put(L.TREND_HEADER_ROW, L.TREND_COL + j, None, fmt["header"])
        for i in range(12):
            put(L.TREND_FIRST_ROW + i, L.TREND_COL + j, None, fmt[key])
    put(L.TREND_HEADER_ROW, L.MONTHS_LIST_COL, None, fmt["header"])


def _customers(ws, fmt: dict) -> None:
    put = ws.write_blank
    _section(ws, L.CUSTOMERS_TITLE, fmt)
    for i, key in enumerate(["count", "pct", "pct", "count", "days", "count"]):
        put(L.CUSTOMERS_FIRST_ROW + i, 0, None, fmt["text"])
        put(L.CUSTOMERS_FIRST_ROW + i, 3, None, fmt[key])


def _lookalikes(ws, fmt: dict) -> None:
    put = ws.write_blank
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


def _bottlenecks(ws, fmt: dict) -> None:
    put = ws.write_blank
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


def _sleeping_deals(ws, fmt: dict) -> None:
    put = ws.write_blank
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


def _insight(ws, fmt: dict) -> None:
    put = ws.write_blank
    ws.merge_range(L.INSIGHT_TITLE[0], 0, L.INSIGHT_TITLE[0], 4, "", fmt["insight_title"])
    for i, key in enumerate(["insight_pct", "insight_pct", "insight_pct", "insight_pct", "insight_euro"]):
        put(L.INSIGHT_FIRST_ROW + i, 0, None, fmt["insight_label"])
        put(L.INSIGHT_FIRST_ROW + i, 3, None, fmt[key])
    for j, key in enumerate(["insight_text", "insight_count", "insight_count", "insight_pct", "insight_pct"]):
        put(L.CONVERSION_HEADER_ROW, L.CONVERSION_COL + j, None, fmt["insight_header"])
        for i in range(L.MAX_STAGES):
            put(L.CONVERSION_FIRST_ROW + i, L.CONVERSION_COL + j, None, fmt[key])


def _section(ws, cell, fmt) -> None:
    ws.write_blank(*cell, None, fmt["section"])


def _lights(ws, first_row, last_row, pct_col, status_col, fmt) -> None:
    for light in LIGHT_FILLS:
        words = [L.LABELS[light]["nl"], L.LABELS[light]["en"]]
        status = "$" + L.a1(first_row, status_col).rstrip("0123456789") + str(first_row + 1)
        rule = "OR(" + ",".join(f'{status}="{w}"' for w in words) + ")"
        ws.conditional_format(first_row, pct_col, last_row, status_col,
                              {"type": "formula", "criteria": "=" + rule, "format": fmt[f"light_{light}"]})
