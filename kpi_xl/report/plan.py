"""The plan of what the refresh writes: every cell of Dashboard, Coaching, Inzicht, History and Checks,
from one MonthReport.

Writers (the file writer and the xlwings writer) only render a :class:`Plan`;
they never compute or format a number themselves, so the Dashboard shows
exactly the numbers of :func:`kpi_xl.month`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.errors import problem_kinds, show_value
from kpi_xl.messages import text as message
from kpi_xl.month import MonthReport
from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching as coaching_page
from kpi_xl.report.pages import dashboard as dashboard_page
from kpi_xl.report.pages import insight as insight_page

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

Cell = tuple[int, int]


@dataclass
class Plan:
    """Cell values per owned sheet, 0-based (row, col) → value (str, float, int, datetime or None)."""

    dashboard: dict[Cell, object] = field(default_factory=dict)
    coaching: dict[Cell, object] = field(default_factory=dict)
    insight: dict[Cell, object] = field(default_factory=dict)
    history: list[list[object]] = field(default_factory=list)  # header row first
    checks: list[list[object]] = field(default_factory=list)  # header row first

    def sheets(self) -> dict[str, dict[Cell, object]]:
        return {
            L.DASHBOARD: self.dashboard,
            L.COACHING: self.coaching,
            L.INSIGHT: self.insight,
            L.HISTORY: _grid(self.history),
            L.CHECKS: _grid(self.checks),
        }


def _grid(rows: list[list[object]]) -> dict[Cell, object]:
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v is not None}


def clean(value: object) -> object:
    """NaN/NaT/None/'' → None; numpy scalars → Python; Timestamps → datetime."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def build_plan(report: MonthReport, settings: Settings, refreshed_at: dt.datetime,
               month_selector: object = None, existing_history: list[list[object]] | None = None) -> Plan:
    """Everything the refresh writes for ``report``."""
    dashboard = {pos: clean(value) for pos, value in
                 dashboard_page.cells(report, settings, refreshed_at, month_selector).items()}
    return Plan(
        dashboard=dashboard,
        coaching=_cleaned(coaching_page.cells(report, settings)),
        insight=_cleaned(insight_page.cells(report, settings)),
        history=history_rows(report, refreshed_at, existing_history or []),
        checks=checks_rows(report),
    )


def _cleaned(cells: dict[Cell, object]) -> dict[Cell, object]:
    return {cell: clean(value) for cell, value in cells.items()}


def history_rows(report: MonthReport, refreshed_at: dt.datetime, existing: list[list[object]]) -> list[list[object]]:
    """History: one row per month, oldest first. The reporting month gets every tile value; the
    12 trend months get the values the data gives them; other months keep what was there.

    Only months with data are kept (from the first to the last month with data, see
    :func:`kpi_xl.month.data_span`): a trend month before the data gets no row, and a row an
    earlier refresh wrote outside the data (or under a text that is no month) is dropped."""
    lang = report.language
    columns = list(L.HISTORY_COLUMNS)
    reporting = str(report.month)
    first, last = report.data_span or (reporting, reporting)

    def kept(month: str) -> bool:
        return month == reporting or (_is_month(month) and first <= month <= last)

    rows: dict[str, list[object]] = {}
    for old in existing[1:]:
        if old and old[0] not in (None, ""):
            month = str(old[0])[:7]
            if kept(month):
                rows[month] = [clean(v) for v in (list(old) + [None] * len(columns))[: len(columns)]]
                rows[month][0] = month
    index = {name: i for i, name in enumerate(columns)}
    for trend in report.trends.itertuples(index=False):
        if not kept(trend.month):
            continue
        row = rows.setdefault(trend.month, [trend.month] + [None] * (len(columns) - 1))
        row[index["qualified_leads"]] = clean(trend.qualified_leads)
        row[index["action_points"]] = clean(trend.action_points)
        row[index["won_revenue"]] = clean(trend.won_revenue)
    previous = str(report.month - 1)
    if previous in rows:
        for kpi in ("pipeline_value", "deal_velocity", "retention"):
            if rows[previous][index[kpi]] is None:
                rows[previous][index[kpi]] = clean(report.tiles[kpi].previous)
    current = rows.setdefault(str(report.month), [str(report.month)] + [None] * (len(columns) - 1))
    for kpi in L.TILE_KPIS:
        current[index[kpi]] = clean(report.tiles[kpi].value)
    current[index["won_revenue"]] = clean(report.won_revenue)
    current[index["refreshed_at"]] = refreshed_at.replace(microsecond=0)
    header = [L.label(f"h.{c}", lang) for c in columns]
    return [header, *[rows[m] for m in sorted(rows)]]


def _is_month(text: str) -> bool:
    """``YYYY-MM`` with a month 01..12 (what History's first column holds)."""
    return len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() \
        and 1 <= int(text[5:]) <= 12


def checks_rows(report: MonthReport) -> list[list[object]]:
    """Checks: one row per data problem (sheet, Excel row, column, value, problem and what to do).

    Past ``L.MAX_CHECK_ROWS`` problems (Excel would refuse a sheet of a million rows, and nobody reads
    one), the rest is summed up: one row per table, column and kind of problem, with the count and the
    first such row as an example."""
    lang = report.language
    header = [L.label(f"c.{c}", lang) for c in L.CHECKS_COLUMNS]
    if not report.problems:
        return [header, [L.label("c.none", lang), None, None, None, None]]
    rows = [header]
    for p in report.problems[:L.MAX_CHECK_ROWS]:
        value = None if p.value is None else show_value(p.value).strip("'")
        rows.append([p.table, p.row, p.column, value, p.reason(lang)])
    for kind in problem_kinds(report.problems[L.MAX_CHECK_ROWS:]):
        first = kind.first
        where = first.row if first.row is not None else "-"
        rows.append([kind.table, None, kind.column, None,
                     message("more_like_this", lang, count=kind.count, row=where, reason=first.reason(lang))])
    return rows

