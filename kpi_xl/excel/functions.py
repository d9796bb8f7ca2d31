"""The worksheet functions as plain Python: table rows in, one KPI out, through the core.

:mod:`kpi_xl.udfs` wraps these for Excel (``@xw.func``). Each function takes
rows exactly as Excel hands them over (header first) and calls the same KPI
functions as :func:`kpi_xl.month`, with the same defaults as the Dashboard:
the as-of date is that of the latest month with data, the window the
``window_months`` of the config. Parsed tables are cached by content, so 50
formulas over one table parse it once; the config is re-read when its file
changes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.errors import KpiError, cut_text
from kpi_xl.excel.gc_pause import gc_paused
from kpi_xl.kpis import action_points as ap
from kpi_xl.kpis import coverage as cv
from kpi_xl.kpis import customers as cu
from kpi_xl.kpis import insight as ins
from kpi_xl.kpis import lookalike as la
from kpi_xl.kpis import pipeline as pl
from kpi_xl.kpis import qualified_leads as ql
from kpi_xl.kpis import targets as tg
from kpi_xl.kpis import velocity as ve
from kpi_xl.kpis.timeline import Timeline, build_timeline
from kpi_xl.messages import text
from kpi_xl.month import compute, data_months, default_month
from kpi_xl.names import name_key, same_name
from kpi_xl.periods import as_of_date, parse_month, trailing_window
from kpi_xl.tables import ParsedTable, Tables, read_table
from kpi_xl.tables.headers import required_header
from kpi_xl.tables.read import assemble

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

CACHE_SIZE = 32


# --------------------------------------------------------------------------- caches


class _Cache:
    """A small LRU cache keyed by table content."""

    def __init__(self, size: int = CACHE_SIZE):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key, make):
        if key in self.items:
            self.items.move_to_end(key)
            self.hits += 1
            return self.items[key]
        self.misses += 1
        value = make()
        self.items[key] = value
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value

    def put(self, key, value) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)

    def clear(self) -> None:
        self.items.clear()
        self.hits = self.misses = 0


CACHE = _Cache()
_CONFIGS: dict[Path, tuple[float, Settings]] = {}


def settings_for(workbook: str | Path | None = None, config: str | Path | None = None) -> Settings:
    """The config for a workbook (``kpi.yaml`` next to it, else the packaged one), re-read when it changes."""
    from kpi_xl.config import find_config, load_config  # pydantic and yaml: imported by the first use
    path = find_config(workbook, config).resolve()
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    cached = _CONFIGS.get(path)
    if cached is None or cached[0] != stamp:
        _CONFIGS[path] = (stamp, load_config(path))
    return _CONFIGS[path][1]


SAMPLE_ROWS = 64
_SERIALS = itertools.count(1)


@dataclass
class _Stored:
    rows: list[list[object]]  # a copy of the rows as parsed, to compare the next call's rows with
    parsed: ParsedTable
    serial: int  # identifies this content in the keys of everything derived from it


def _fingerprint(rows: list[list[object]]) -> tuple:
    """Shape plus a hash of evenly spaced rows: finds the cached table that may hold these rows."""
    step = max(1, len(rows) // SAMPLE_ROWS)
    sample = rows[::step] + rows[-1:]
    return len(rows), len(rows[0]) if rows else 0, hash(tuple(map(tuple, sample)))


def parsed(name: str, rows: list[list[object]], settings: Settings, first_row: int = 1) -> tuple[int, ParsedTable]:
    """The parsed table for these rows, parsed once per content: a cached table is used only when
    every cell is equal (a full comparison, several times cheaper than hashing every cell)."""
    key = ("table", name, first_row, settings.fingerprint, _fingerprint(rows))
    stored = CACHE.items.get(key)
    if stored is not None and stored.rows == rows:
        CACHE.items.move_to_end(key)
        CACHE.hits += 1
        return stored.serial, stored.parsed
    CACHE.misses += 1
    stored = _Stored([list(r) for r in rows], read_table(name, rows, settings, first_row), next(_SERIALS))
    CACHE.put(key, stored)
    return stored.serial, stored.parsed


_EMPTY: dict[tuple[str, str], ParsedTable] = {}


def _empty(name: str, settings: Settings) -> ParsedTable:
    """A table a function does not take: empty, made once per config (apart from the content cache)."""
    key = (name, settings.fingerprint)
    if key not in _EMPTY:
        if len(_EMPTY) >= 4 * CACHE_SIZE:  # a config edited all day long: start afresh
            _EMPTY.clear()
        _EMPTY[key] = read_table(name, [required_header(name, settings.header_aliases(name))], settings)
    return _EMPTY[key]


@dataclass
class Prepared:
    tables: Tables
    timeline: Timeline
    settings: Settings
    key: tuple


def prepare(settings: Settings, **given: tuple[list[list[object]], int]) -> Prepared:
    """Parsed tables (the given ones; the others empty) and the deal timeline, from the cache."""
    with gc_paused():
        return _prepare(settings, **given)


def _prepare(settings: Settings, **given: tuple[list[list[object]], int]) -> Prepared:
    names = {"leads": "Leads", "activities": "Activities", "deals": "Deals", "customers": "Customers"}
    parts = {}
    keys = []
    for arg, name in names.items():
        if given.get(arg) is not None:
            rows, first_row = given[arg]
            serial, parts[name] = parsed(name, rows, settings, first_row)
            keys.append((name, serial))
        else:
            parts[name] = _empty(name, settings)

    key = (settings.fingerprint, tuple(keys))

    def make() -> Prepared:
        tables = assemble(parts, settings)
        return Prepared(tables, build_timeline(tables, settings), settings, key)

    return CACHE.get(("prepared", *key), make)


def _result(p: Prepared, name: str, args: tuple, make):
    """A function's result for these tables and arguments, computed once (today is part of the key)."""
    return CACHE.get(("result", name, *p.key, dt.date.today(), *map(repr, args)), make)


def _latest_month(tables: Tables, month) -> pd.Period:
    """The month asked for, else the Dashboard's default month (see :func:`default_month`)."""
    return parse_month(month) if month is not None else default_month(data_months(tables))


def _stage(settings: Settings, stage) -> str | None:
    if stage is None or str(stage).strip() == "":
        return None
    found = settings.stage_lookup.get(name_key(stage))
    if found is None:
        raise KpiError(text("unknown_stage_arg", settings.language, stage=cut_text(str(stage)),
                            known=", ".join(settings.stage_names)))
    return found


def _owner_mask(frame: pd.DataFrame, owner: str | None) -> pd.Series:
    if owner is None:
        return pd.Series(True, index=frame.index)
    return same_name(frame["owner"], owner)


# --------------------------------------------------------------------------- the functions


def qualified_leads(settings: Settings, leads, month=None, owner: str | None = None) -> int:
    """Qualified leads created in the month (default: the latest month with leads)."""
    p = prepare(settings, leads=leads)

    def make() -> int:
        q = CACHE.get(("qualify", *p.key), lambda: ql.qualify(p.tables.leads, settings))
        m = _latest_month(p.tables, month)
        result = ql.qualified_leads(q, m, text("unassigned", settings.language), as_of_date(m))
        if owner is None:
            return result.month_count
        row = result.per_owner[same_name(result.per_owner["owner"], owner)]
        return int(row["qualified"].sum())

    return _result(p, "qualified_leads", (month, owner), make)


def action_points(settings: Settings, activities, owner: str | None = None, month=None) -> float:
    """Action points in the month (default: the latest month with activities), for a rep or the team."""
    p = prepare(settings, activities=activities)

    def make() -> float:
        scored = CACHE.get(("scored", *p.key), lambda: ap.with_points(p.tables.activities, settings))
        m = _latest_month(p.tables, month)
        result = ap.action_points(scored, m, as_of_date(m), settings, text("unassigned", settings.language))
        if owner is None:
            return result.team_points
        rows = result.per_rep[same_name(result.per_rep["owner"], owner)]
        return float(rows["points"].sum())

    return _result(p, "action_points", (owner, month), make)


def action_target(settings: Settings, owner: str | None = None, month=None) -> float:
    """The action-point target of a rep (or the configured team target) for the month (default: this month)."""
    m = parse_month(month) if month is not None else pd.Period(dt.date.today(), freq="M")
    kpi = settings.targets.action_points
    value = tg.rep_target(kpi, owner, m) if owner else tg.team_target(kpi, m)
    if value is None:
        raise KpiError(text("no_target", settings.language))
    return value


def pipeline_value(settings: Settings, deals, stage=None, weighted=False, owner: str | None = None,
                   as_of: dt.date | None = None) -> float:
    """Value of the deals open at the as-of date (default: the latest month's), optionally weighted."""
    p = prepare(settings, deals=deals)

    def make() -> float:
        d = pd.Timestamp(as_of) if as_of is not None else as_of_date(_latest_month(p.tables, None))
        frame = pl.open_deals(p.timeline, d, settings)
        frame = frame[_owner_mask(frame, owner)]
        chosen = _stage(settings, stage)
        if chosen is not None:
            frame = frame[frame["stage_at"] == chosen]
        result = pl.pipeline_value(frame, settings)
        return result.weighted if weighted else result.value

    return _result(p, "pipeline_value", (stage, weighted, owner, as_of), make)


def pipeline_coverage(settings: Settings, deals, owner: str | None = None, month=None) -> float | str | None:
    """Pipeline coverage against the won-revenue target of the fiscal quarter that holds the month (default:
    the latest month with deals), for the team or a rep, as the report computes it (:mod:`kpi_xl.kpis.coverage`).

    "doel gehaald" / "target reached" when nothing of the quarter's target remains; None without a target."""
    p = prepare(settings, deals=deals)

    def make() -> float | str | None:
        m = _latest_month(p.tables, month)
        d = as_of_date(m)
        team, per_rep = cv.pipeline_coverage(pl.open_deals(p.timeline, d, settings), p.timeline, settings, m, d,
                                             text("unassigned", settings.language))
        if owner is None:
            value, reached = team.coverage, team.target_reached
        else:
            rows = per_rep[same_name(per_rep["owner"], owner)]
            if rows.empty:  # a rep with no open or won deal: nothing against their target
                target = cv.rep_quarter_target(settings.targets.won_revenue, owner,
                                               cv.quarter_months(m, settings.fiscal_year_start_month))
                row = cv.rep_row(owner, target, 0.0, 0.0, 0.0)
            else:
                row = rows.iloc[0]
            value, reached = row["coverage"], bool(row["target_reached"])
        if reached:
            return text("coverage.reached", settings.language)
        return None if value is None or pd.isna(value) else float(value)

    return _result(p, "pipeline_coverage", (owner, month), make)


def _window(p: Prepared, months, settings: Settings):
    m = _latest_month(p.tables, None)
    d = as_of_date(m)
    return trailing_window(m, d, months or settings.window_months), d


def deal_velocity(settings: Settings, deals, stage=None, months: int | None = None,
                  owner: str | None = None) -> float | None:
    """Mean days first contact → won (no stage), or mean days in ``stage``, over the window."""
    p = prepare(settings, deals=deals)

    def make() -> float | None:
        window, d = _window(p, months, settings)
        chosen = _stage(settings, stage)
        if chosen is None:
            return ve.cycle_time(p.timeline, window, owner).mean
        return ve.time_in_stage(p.timeline, chosen, window, d, owner=owner).mean

    return _result(p, "deal_velocity", (stage, months, owner), make)


def sales_velocity(settings: Settings, deals, months: int | None = None) -> float | None:
    p = prepare(settings, deals=deals)

    def make() -> float | None:
        window, d = _window(p, months, settings)
        return ve.sales_velocity(p.timeline, window, d).per_day

    return _result(p, "sales_velocity", (months,), make)


def close_ratio(settings: Settings, deals, months: int | None = None) -> float | None:
    p = prepare(settings, deals=deals)
    return _result(p, "close_ratio", (months,), lambda: ve.win_rate(p.timeline, _window(p, months, settings)[0]))


def stage_conversion(settings: Settings, deals, from_stage, to_stage=None) -> float | None:
    p = prepare(settings, deals=deals)

    def make() -> float | None:
        window, d = _window(p, None, settings)
        entries = CACHE.get(("entries", *p.key), lambda: ins.entries_in(p.timeline, window, d, settings))
        return ins.conversion_to(entries, p.timeline, _stage(settings, from_stage), _stage(settings, to_stage), d,
                                 settings)

    return _result(p, "stage_conversion", (from_stage, to_stage), make)


def retention_rate(settings: Settings, customers, start: dt.date | None = None,
                   end: dt.date | None = None) -> float | None:
    """Retention over (start, end]; default: the 12 months up to today."""
    p = prepare(settings, customers=customers)
    end_ts = pd.Timestamp(end or dt.date.today())
    start_ts = pd.Timestamp(start) if start is not None else end_ts - pd.DateOffset(months=12)
    return cu.retention(p.tables.customers, start_ts, end_ts).rate


def active_customers(settings: Settings, customers, as_of: dt.date | None = None) -> int:
    p = prepare(settings, customers=customers)
    return int(cu.active_at(p.tables.customers, pd.Timestamp(as_of or dt.date.today())).sum())


def lookalike(settings: Settings, leads, customers, top: int | None = None) -> list[list[object]]:
    """The open leads that look most like the best customers: rows of lead, score, why (with a header)."""
    p = prepare(settings, leads=leads, customers=customers)
    d = pd.Timestamp(dt.date.today())
    profile = la.profile_customers(p.tables.customers, d, settings)
    candidates = la.open_leads(p.tables.leads, p.tables.customers, p.timeline, d)
    scores = la.lookalike_scores(candidates, profile, settings, top=top or settings.lookalike.top)
    header = [text(k, settings.language) for k in ("h.lead", "h.score", "h.why")]
    return [header] + [[r.lead_id, r.score, r.why] for r in scores.itertuples(index=False)]


def kpi_summary(settings: Settings, leads, activities, deals, customers, month=None) -> list[list[object]]:
    """The five KPIs of the month with target and % of target, as the Dashboard tiles show them."""
    p = prepare(settings, leads=leads, activities=activities, deals=deals, customers=customers)
    report = CACHE.get(("report", *p.key, str(month)), lambda: compute(p.tables, settings, month=month))
    header = [text(k, settings.language) for k in ("h.kpi", "h.value", "h.target", "h.share")]
    return [header] + [[t.label, t.value, t.target, t.share] for t in report.tiles.values()]
