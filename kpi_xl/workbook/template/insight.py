"""The Inzicht sheet ("niet voor het beoordelen van medewerkers"): print setup, grey blocks and two charts.

Visibly secondary: grey, italic title, the "not for judging people" label on top. The geometry is
:mod:`kpi_xl.report.pages.insight`'s; the two native charts (pipeline per stage, days per stage) are
drawn from the pipeline table on this sheet, which the refresh fills.
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.report.pages import insight as I
from kpi_xl.workbook.template.charts import _column_px
from kpi_xl.workbook.template.coaching import HEADER_HEIGHT, LINE_HEIGHT, TITLE_HEIGHT, page_setup

FIGURE_FORMATS = {"close_ratio": "quiet_pct", "quote_to_close": "quiet_pct", "growth_revenue": "quiet_pct",
                  "growth_leads": "quiet_pct", "sales_velocity": "quiet_euro", "qualification_rate": "quiet_pct",
                  "top_rejection": "quiet_wrap", "rejected_by_top": "quiet_count"}
CONVERSION_FORMATS = ("quiet_text", "quiet_count", "quiet_count", "quiet_count", "quiet_pct", "quiet_pct")
PIPE_FORMATS = ("quiet_text", "quiet_count", "quiet_euro", "quiet_euro", "quiet_days", "quiet_days")
AXIS_PT = 11  # chart axes and legend: at the page's print scale (about 84%) still 9 pt


def _insight_page(wb, ws, settings: Settings, fmt: dict) -> None:
    page_setup(ws, I.LAST_ROW, I.LAST_COL, I.WIDTHS)
    lang = settings.language
    put = ws.write_blank
    ws.set_row(I.TITLE[0], TITLE_HEIGHT)
    ws.write_string(*I.TITLE, I.label("title", lang), fmt["quiet_title"])
    put(*I.MONTH, None, fmt["quiet_month"])
    ws.write_string(*I.NOTE, I.label("note", lang), fmt["quiet_note"])

    put(*I.FIGURES_TITLE, None, fmt["quiet_section"])
    for i, key in enumerate(I.FIGURES):
        r = I.FIGURES_FIRST_ROW + i
        ws.set_row(r, LINE_HEIGHT)
        put(r, I.FIGURE_LABEL, None, fmt["quiet_text"])
        if key == "top_rejection":  # a criterion's name can be long: over B..D, wrapped
            ws.set_row(r, 3 * LINE_HEIGHT)
            put(r, I.FIGURE_LABEL, None, fmt["quiet_wrap"])
            ws.merge_range(r, I.FIGURE_VALUE, r, I.GAP_COL - 1, "", fmt[FIGURE_FORMATS[key]])
        else:
            put(r, I.FIGURE_VALUE, None, fmt[FIGURE_FORMATS[key]])

    _table(ws, fmt, I.CONVERSION_TITLE, I.CONVERSION_HEADER_ROW, I.CONVERSION_FIRST_ROW, I.RIGHT_COL,
           CONVERSION_FORMATS, I.MAX_STAGES)
    _table(ws, fmt, I.SOURCES_TITLE, I.SOURCES_HEADER_ROW, I.SOURCES_FIRST_ROW, 0,
           ("quiet_text", "quiet_count", "quiet_count"), I.MAX_SOURCES)
    put(*I.SOURCES_MORE, None, fmt["quiet_more"])
    _table(ws, fmt, I.PIPE_TITLE, I.PIPE_HEADER_ROW, I.PIPE_FIRST_ROW, I.RIGHT_COL, PIPE_FORMATS, I.MAX_STAGES)
    _charts(wb, ws, settings, fmt)


def _table(ws, fmt: dict, title, header_row: int, first_row: int, first_col: int, formats, rows: int) -> None:
    ws.write_blank(*title, None, fmt["quiet_section"])
    ws.set_row(header_row, HEADER_HEIGHT)
    for j, key in enumerate(formats):
        ws.write_blank(header_row, first_col + j, None, fmt["quiet_header" if j == 0 else "quiet_header_right"])
        for i in range(rows):
            ws.write_blank(first_row + i, first_col + j, None, fmt[key])


def _charts(wb, ws, settings: Settings, fmt: dict) -> None:
    """Pipeline per stage (left) and days per stage (right), from the pipeline table of this sheet."""
    lang = settings.language
    name = L.INSIGHT
    first = I.PIPE_FIRST_ROW
    last = first + max(1, min(len(settings.open_stages), I.MAX_STAGES)) - 1
    stage = I.RIGHT_COL
    categories = [name, first, stage, last, stage]

    def series(key: str, colour: str) -> dict:  # named by the table's heading: it follows the language
        col = stage + I.PIPE_KEYS.index(key)
        return {"name": [name, I.PIPE_HEADER_ROW, col], "categories": categories,
                "values": [name, first, col, last, col], "fill": {"color": colour}}

    def chart(kind: str, title: tuple[int, int], parts: list[dict], left: int, right: int,
              number: str = "General") -> None:
        ws.write_string(*title, I.label("chart_pipeline" if title == I.PIPELINE_CHART_TITLE else
                                        "chart_stage_time", lang), fmt["quiet_section"])
        c = wb.add_chart({"type": kind})
        for part in parts:
            c.add_series(part)
        c.set_title({"none": True})  # the heading above it is a cell the refresh writes
        c.set_legend({"position": "bottom", "font": {"size": AXIS_PT}})
        width = sum(_column_px(ws, col) for col in range(left, right + 1)) - 8
        c.set_size({"width": width, "height": I.CHART_ROWS * 20})
        c.set_x_axis({"num_font": {"size": AXIS_PT}})
        c.set_y_axis({"num_font": {"size": AXIS_PT}, "num_format": number,
                      "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
        c.set_chartarea({"border": {"none": True}})
        ws.insert_chart(I.CHART_ROW, left, c, {"x_offset": 4, "y_offset": 2, "object_position": 1})

    chart("column", I.PIPELINE_CHART_TITLE, [series("value", "#7F7F7F"), series("weighted", "#BFBFBF")],
          0, I.GAP_COL - 1, number='"€" #,##0')
    chart("bar", I.STAGE_TIME_CHART_TITLE, [series("days_in_stage", "#7F7F7F"),
                                                     series("days_so_far", "#D9D9D9")], I.RIGHT_COL, I.LAST_COL)


assert I.LAST_COL < L.PAGE_LAST_COL and I.LAST_ROW <= L.PAGE_LAST_ROW  # inside the area a refresh owns
