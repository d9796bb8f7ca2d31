"""The Dashboard's five charts, drawn from the pipeline table and the chart data right of the print area."""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.workbook.template.formats import BLUE

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
