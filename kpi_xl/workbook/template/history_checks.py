"""The History and Checks sheets: their header rows and column widths (a refresh fills in the rows)."""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.report import layout as L

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
