"""The Dashboard cards' trend charts: 12 months of each KPI, drawn from the trend data right of the print area."""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L
from kpi_xl.report.pages import dashboard as D
from kpi_xl.workbook.template.formats import BLUE

AXIS_FORMATS = {"qualified_leads": "#,##0", "action_points": "#,##0", "pipeline_value": '"€" #,##0,"k"',
                "deal_velocity": "0", "retention": "0%"}
AXIS_FONT = {"size": 10, "color": "#595959"}  # printed at ~95%: still 9.5 pt


def _trend_charts(wb, ws, settings: Settings) -> None:
    """One small line chart per card, in the card's trend rows."""
    name = L.DASHBOARD
    first, last = L.TREND_FIRST_ROW, L.TREND_FIRST_ROW + 11
    months = [name, first, L.TREND_COL + 1, last, L.TREND_COL + 1]  # a letter per month
    for i, kpi in enumerate(D.KPIS):
        column = D.TREND_KPI_COL + i
        c = wb.add_chart({"type": "line"})
        c.add_series({"categories": months, "values": [name, first, column, last, column],
                      "line": {"color": BLUE, "width": 2}, "marker": {"type": "circle", "size": 4,
                                                                       "fill": {"color": BLUE},
                                                                       "border": {"color": BLUE}}})
        c.set_legend({"none": True})
        c.set_x_axis({"num_font": {**AXIS_FONT, "rotation": 0}, "interval_unit": 1, "major_tick_mark": "none",
                      "line": {"color": "#BFBFBF"}})
        c.set_y_axis({"num_font": AXIS_FONT, "num_format": AXIS_FORMATS[kpi], "major_gridlines": {
            "visible": True, "line": {"color": "#E0E0E0"}}, "line": {"none": True}})
        c.set_chartarea({"border": {"none": True}, "fill": {"none": True}})
        c.set_plotarea({"fill": {"none": True}})
        start = D.card_col(i)
        width = sum(_column_px(ws, col) for col in range(start, start + D.CARD_COLS)) - 6
        c.set_size({"width": width, "height": D.CHART_ROWS * 20 - 4})
        ws.insert_chart(D.CHART_ROW, start, c, {"x_offset": 3, "y_offset": 2, "object_position": 1})


def _column_px(ws, col: int) -> int:
    """Pixel width of a column as XlsxWriter lays it out (it keeps set_column widths in pixels)."""
    info = ws.col_info.get(col)
    return 64 if info is None or info.width is None else int(info.width)
