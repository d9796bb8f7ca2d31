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

import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import problem_kinds, show_value
from kpi_xl.messages import text as message
from kpi_xl.month import MonthReport
from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching as coaching_page
from kpi_xl.report.pages import insight as insight_page

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
    lang = report.language
    cells: dict[Cell, object] = {}

    def put(cell: Cell, value: object) -> None:
        cells[cell] = clean(value)

    def lab(key: str, **params) -> str:
        return L.label(key, lang, **params)

    # header
    put(L.TITLE, lab("title", month=_month_name(report.month, lang)))
    put(L.MONTH_LABEL, lab("month"))
    put(L.MONTH_CELL, month_selector)
    put(L.MONTH_USED_LABEL, lab("month_used"))
    put(L.MONTH_USED, str(report.month))
    put(L.REFRESHED_LABEL, lab("refreshed"))
    put(L.REFRESHED, refreshed_at.replace(microsecond=0))
    put(L.PROBLEMS_LABEL, lab("problems"))
    put(L.PROBLEMS, len(report.problems))

    # tiles
    for i, kpi in enumerate(L.TILE_KPIS):
        tile = report.tiles[kpi]
        c = L.tile_col(i)
        r = L.TILE_ROW
        put((r, c), tile.label)
        put((r + 1, c), tile.value)
        put((r + 2, c), lab("target"))
        put((r + 2, c + 1), tile.target)
        put((r + 2, c + 2), tile.share)
        put((r + 2, c + 3), lab(tile.light) if tile.light else None)
        put((r + 3, c), lab("previous"))
        put((r + 3, c + 1), tile.previous)
        put((r + 3, c + 2), tile.change)
        put((r + 4, c), lab("suggested"))
        put((r + 4, c + 1), tile.suggested.value)
        put((r + 4, c + 2), lab("far_off") if tile.suggested.far_off else None)

    # action points per rep
    types = list(settings.points)[: L.MAX_TYPES]
    put(L.REPS_TITLE, lab("reps_title"))
    header = [lab("rep"), lab("points"), lab("target"), lab("pct"), lab("status"), *types]
    for j, text in enumerate(header):
        put((L.REPS_HEADER_ROW, j), text)
    per_rep = report.action.per_rep
    for i, row in enumerate(per_rep.head(L.MAX_REPS).itertuples(index=False)):
        r = L.REPS_FIRST_ROW + i
        record = row._asdict()
        light = clean(record["light"])  # None, or NaN when no rep has a target
        values = [record["owner"], record["points"], record["target"], record["share"],
                  lab(light) if light else None]
        values += [per_rep.iloc[i][t] if t in per_rep.columns else 0 for t in types]
        for j, v in enumerate(values):
            put((r, j), v)
    _more(put, per_rep, L.MAX_REPS, (L.REPS_FIRST_ROW + L.MAX_REPS, 0), lang)

    # qualified leads per owner
    put(L.LEADS_TITLE, lab("leads_title"))
    for j, text in enumerate([lab("owner"), lab("leads"), lab("qualified")]):
        put((L.REPS_HEADER_ROW, L.LEADS_COL + j), text)
    owners = report.qualified.per_owner
    for i, row in enumerate(owners.head(L.MAX_REPS).itertuples(index=False)):
        for j, v in enumerate(row):
            put((L.REPS_FIRST_ROW + i, L.LEADS_COL + j), v)
    _more(put, owners, L.MAX_REPS, (L.REPS_FIRST_ROW + L.MAX_REPS, L.LEADS_COL), lang)

    # pipeline and time per stage
    put(L.PIPE_TITLE, lab("pipe_title"))
    for j, key in enumerate(["stage", "deals", "value", "weighted", "days_in_stage", "days_so_far"]):
        put((L.REPS_HEADER_ROW, L.PIPE_COL + j), lab(key))
    times = report.stage_times.set_index("stage")
    for i, row in enumerate(report.pipeline.per_stage.head(L.MAX_STAGES).itertuples(index=False)):
        r = L.REPS_FIRST_ROW + i
        values = [row.stage, row.deals, row.value, row.weighted, times.at[row.stage, "mean"],
                  times.at[row.stage, "open_mean"]]
        for j, v in enumerate(values):
            put((r, L.PIPE_COL + j), v)

    # trend data (feeds the trend charts)
    put(L.TREND_TITLE, lab("trend_title"))
    for j, key in enumerate(["trend_month", "leads_title", "won_revenue", "points"]):
        put((L.TREND_HEADER_ROW, L.TREND_COL + j), lab(key))
    for i, row in enumerate(report.trends.itertuples(index=False)):
        for j, v in enumerate([row.month, row.qualified_leads, row.won_revenue, row.action_points]):
            put((L.TREND_FIRST_ROW + i, L.TREND_COL + j), v)
    put((L.TREND_HEADER_ROW, L.MONTHS_LIST_COL), lab("months_list"))
    for i, month in enumerate(reversed(report.months_with_data[-L.MAX_MONTHS:])):
        put((L.TREND_FIRST_ROW + i, L.MONTHS_LIST_COL), month)

    # customer relationship
    cust = report.customers
    put(L.CUSTOMERS_TITLE, lab("customers_title"))
    tenure = None if cust.average_tenure_days is None else cust.average_tenure_days / 365.25
    pairs = [("active", cust.active), ("retention", cust.retention.rate),
             ("revenue_retention", cust.retention.revenue_rate), ("churned", cust.retention.churned),
             ("tenure", tenure), ("attention", len(cust.needs_attention))]
    for i, (key, value) in enumerate(pairs):
        put((L.CUSTOMERS_FIRST_ROW + i, 0), lab(key))
        put((L.CUSTOMERS_FIRST_ROW + i, 3), value)
    put(L.LOOKALIKE_TITLE, lab("lookalike_title"))
    for j, key in enumerate(["lead", "company", "score", "why"]):
        put((L.LOOKALIKE_HEADER_ROW, j), lab(key))
    for i, row in enumerate(report.lookalikes.head(L.TOP_LOOKALIKES).itertuples(index=False)):
        for j, v in enumerate([row.lead_id, row.company, row.score, row.why]):
            put((L.LOOKALIKE_FIRST_ROW + i, j), v)

    # bottlenecks
    put(L.BOTTLENECK_TITLE, lab("bottleneck_title"))
    for col, key in zip(L.BOTTLENECK_COLS, ["rep", "deals", "talking_point"], strict=True):
        put((L.BOTTLENECK_HEADER_ROW, col), lab(key))
    for i, b in enumerate(report.bottlenecks[: L.MAX_BOTTLENECKS]):
        for col, v in zip(L.BOTTLENECK_COLS, [b.owner, b.deals, b.talking_point[lang]], strict=True):
            put((L.BOTTLENECK_FIRST_ROW + i, col), v)

    # sleeping deals
    put(L.SLEEPING_TITLE, lab("sleeping_title"))
    for col, key in zip(L.SLEEPING_COLS, ["deal", "owner", "stage", "idle_days", "value"], strict=True):
        put((L.SLEEPING_HEADER_ROW, col), lab(key))
    sleeping = report.sleeping
    for i, row in enumerate(sleeping.head(L.TOP_SLEEPING).itertuples(index=False)):
        values = [row.deal_id, row.owner, row.stage, row.idle_days, row.value]
        for col, v in zip(L.SLEEPING_COLS, values, strict=True):
            put((L.SLEEPING_FIRST_ROW + i, col), v)
    _more(put, sleeping, L.TOP_SLEEPING, (L.SLEEPING_FIRST_ROW + L.TOP_SLEEPING, L.SLEEPING_COLS[0]), lang)

    # insight (secondary)
    put(L.INSIGHT_TITLE, lab("insight_title"))
    insight = [("close_ratio", report.close_ratio), ("quote_to_close", report.quote_to_close),
               ("growth_revenue", report.growth["won_revenue"]), ("growth_leads", report.growth["qualified_leads"]),
               ("sales_velocity", report.sales_velocity.per_day)]
    for i, (key, value) in enumerate(insight):
        put((L.INSIGHT_FIRST_ROW + i, 0), lab(key))
        put((L.INSIGHT_FIRST_ROW + i, 3), value)
    for j, key in enumerate(["stage", "entered", "advanced", "conversion", "won_share"]):
        put((L.CONVERSION_HEADER_ROW, L.CONVERSION_COL + j), lab(key))
    for i, row in enumerate(report.conversion.head(L.MAX_STAGES).itertuples(index=False)):
        for j, v in enumerate([row.stage, row.entered, row.advanced, row.conversion, row.won_share]):
            put((L.CONVERSION_FIRST_ROW + i, L.CONVERSION_COL + j), v)

    return Plan(
        dashboard=cells,
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


MONTH_NAMES = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}


def _month_name(month: pd.Period, lang: str) -> str:
    return f"{MONTH_NAMES.get(lang, MONTH_NAMES['en'])[month.month - 1]} {month.year}"


def _more(put, frame: pd.DataFrame, limit: int, cell: Cell, lang: str) -> None:
    if len(frame) > limit:
        put(cell, L.label("more", lang, n=len(frame) - limit))
