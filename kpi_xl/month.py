"""The one entry point: every KPI of one month, as one result object.

``compute(tables, settings, month="2026-10")`` returns a :class:`MonthReport`
that the Dashboard, the CLI and the worksheet functions all render; no number
is computed anywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem
from kpi_xl.kpis import action_points as ap
from kpi_xl.kpis import coverage as cv
from kpi_xl.kpis import customers as cu
from kpi_xl.kpis import insight as ins
from kpi_xl.kpis import links
from kpi_xl.kpis import lookalike as la
from kpi_xl.kpis import pipeline as pl
from kpi_xl.kpis import qualified_leads as ql
from kpi_xl.kpis import targets as tg
from kpi_xl.kpis import velocity as ve
from kpi_xl.kpis.timeline import Timeline, build_timeline, ids_to_positions
from kpi_xl.messages import text
from kpi_xl.periods import Window, as_of_date, month_starts, parse_month, trailing_window
from kpi_xl.tables import Tables

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

KPIS = ("qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention")


@dataclass
class Tile:
    """One of the five KPIs as the Dashboard shows it."""

    kpi: str
    label: str
    value: float | None
    target: float | None
    share: float | None  # of target (1.0 = on target), from value and target as shown
    light: str | None  # green / orange / red, from ``percent``
    previous: float | None  # the same KPI for the previous month
    change: float | None  # value − previous
    suggested: tg.Suggestion
    lower_is_better: bool = False
    percent: int | None = None  # the share in whole %, as printed next to the light
    median: float | None = None  # deal velocity only: the median cycle time (the value is the mean)


@dataclass
class Prepared:
    """Everything derived from the tables that does not depend on the month."""

    tables: Tables
    settings: Settings
    timeline: Timeline
    qualification: ql.Qualification
    scored_activities: pd.DataFrame
    problems: list[Problem]
    months: list[str]  # months with data, oldest first
    dated_months: list[str]  # the same, or the customers' start and end months when there are none
    activity_customers: np.ndarray  # position in Customers of each activity's customer (-1: none)


def prepare(tables: Tables, settings: Settings) -> Prepared:
    """Month-independent work (deal timelines, lead qualification, activity points), done once."""
    # the deal timeline runs beside the lead and activity work: numpy and pandas release the GIL
    # in much of it, so the second core shortens the refresh
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(build_timeline, tables, settings)
        qualification = ql.qualify(tables.leads, settings)
        scored = ap.with_points(tables.activities, settings)
        customers = cu.positions(tables.customers, tables.activities["customer_id"])
        months = data_months(tables)
        # customers' start dates go back years before the sales data: they count only when there is nothing else
        dated = months or _months_of([tables.customers["since"], tables.customers["until"]])
        # the deal of each activity needs only the Deals ids, in the timeline's order: found while it is built
        deal_codes = ids_to_positions(tables.activities["deal_id"], tables.deals["deal_id"])
        timeline = pending.result()
    problems = [*tables.problems, *timeline.problems, *qualification.problems,
                *links.unlinked_activities(tables.activities, {"deal_id": timeline.activity_codes(tables.activities,
                                                                                                  deal_codes),
                                                               "customer_id": customers},
                                           tables.headers.get("Activities", {}), tables.left_out_ids,
                                           {"Deals": len(tables.deals), "Customers": len(tables.customers)})]
    return Prepared(tables, settings, timeline, qualification, scored, problems, months, dated, customers)


@dataclass
class MonthReport:
    month: pd.Period
    as_of: pd.Timestamp
    window: Window  # the trailing window (window_months) used by velocity and insight KPIs
    language: str
    tiles: dict[str, Tile]
    qualified: ql.QualifiedLeads
    action: ap.ActionPoints
    pipeline: pl.Pipeline
    coverage: cv.Coverage  # the pipeline against the won-revenue target of the fiscal quarter (team)
    coverage_per_rep: pd.DataFrame  # cv.PER_REP_COLUMNS: owner, quarter_target, won_so_far, open_pipeline, ...
    cycle: ve.CycleTime
    stage_times: pd.DataFrame
    sales_velocity: ve.SalesVelocity
    sleeping: pd.DataFrame
    customers: cu.CustomerRelationship
    lookalikes: pd.DataFrame
    conversion: pd.DataFrame
    close_ratio: float | None
    quote_to_close: float | None
    won_revenue: float
    growth: dict[str, float | None]
    bottlenecks: list[ins.Bottleneck]
    trends: pd.DataFrame  # month, qualified_leads, won_revenue, action_points, pipeline_value, deal_velocity,
    # retention (the last 12 months)
    problems: list[Problem] = field(default_factory=list)
    months_with_data: list[str] = field(default_factory=list)
    data_span: tuple[str, str] | None = None  # first and last month with data (see :func:`data_span`)


def _lookalikes(tables: Tables, timeline: Timeline, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    profile = la.profile_customers(tables.customers, as_of, settings)
    candidates = la.open_leads(tables.leads, tables.customers, timeline, as_of)
    return la.lookalike_scores(candidates, profile, settings, top=settings.lookalike.top)


def _insight(timeline: Timeline, window: Window, as_of: pd.Timestamp, settings: Settings):
    entries = ins.entries_in(timeline, window, as_of, settings)
    conversion = ins.stage_conversion(entries, settings)
    return entries, conversion, ins.quote_to_close(entries, settings)


def won_revenue_by_month(timeline: Timeline, as_of: pd.Timestamp) -> pd.Series:
    """Value of the deals won per month (by won date), up to D."""
    deals = timeline.deals
    won = deals[deals["usable"] & (deals["won_date"] <= as_of)]
    return won["value"].groupby(won["won_date"].dt.to_period("M")).sum()


def compute(
    tables: Tables | Prepared,
    settings: Settings,
    month: str | dt.date | pd.Period | None = None,
    today: dt.date | None = None,
) -> MonthReport:
    """All KPIs for ``month`` (default: the latest month with data), judged at its as-of date."""
    prepared = tables if isinstance(tables, Prepared) else prepare(tables, settings)
    tables = prepared.tables
    timeline = prepared.timeline
    lang = settings.language
    unassigned = text("unassigned", lang)
    months = prepared.months
    if month is None or (isinstance(month, str) and not month.strip()):
        month = default_month(months, today)
    month = parse_month(month)
    as_of = as_of_date(month, today)
    previous_month = month - 1
    window = trailing_window(month, as_of, settings.window_months)

    # look-alike leads and the insight KPIs need nothing else computed here: they run beside the rest
    pool = ThreadPoolExecutor(max_workers=1)
    pending_lookalikes = pool.submit(_lookalikes, tables, timeline, as_of, settings)
    pending_insight = pool.submit(_insight, timeline, window, as_of, settings)
    pool.shutdown(wait=False)
    # KPI 1
    qualified = ql.qualified_leads(prepared.qualification, month, unassigned, as_of, text("no_source", lang))
    # KPI 2
    action = ap.action_points(prepared.scored_activities, month, as_of, settings, unassigned)
    # KPI 3
    open_now = pl.open_deals(timeline, as_of, settings)
    pipeline = pl.pipeline_value(open_now, settings, unassigned)
    # KPI 4
    cycle = ve.cycle_time(timeline, window)
    stage_times = ve.stage_times(timeline, window, as_of, settings)
    velocity = ve.sales_velocity(timeline, window, as_of)
    sleeping = ve.sleeping_deals(timeline, tables.activities, as_of, settings)
    sleeping["owner"] = sleeping["owner"].fillna(unassigned)  # grouped per rep on the coaching page
    # KPI 5
    year_before = as_of - pd.DateOffset(months=12)
    relationship = cu.customer_relationship(tables.customers, tables.activities, as_of, year_before, settings,
                                            prepared.activity_customers)
    lookalikes = pending_lookalikes.result()
    # insight
    entries, conversion, quote_close = pending_insight.result()
    # every rep with deals in the window or a sleeping deal gets one entry on the coaching page
    bottlenecks = ins.bottlenecks(entries, settings, conversion, reps=sleeping["owner"])
    won_by_month = won_revenue_by_month(timeline, as_of)
    won_now = float(won_by_month.get(month, 0.0))
    won_before = float(won_by_month.get(previous_month, 0.0))
    growth = {
        "won_revenue": ins.growth(won_now, won_before),
        "qualified_leads": ins.growth(qualified.month_count, _get(qualified.by_month, previous_month, 0)),
    }

    # the five tiles: value now, previous month, recent months for the suggestion
    def pipeline_at(m: pd.Period) -> float:
        return pl.pipeline_total(timeline.deals.loc[timeline.open_at(as_of_date(m, today)), "value"])

    def velocity_at(m: pd.Period) -> float | None:
        d = as_of_date(m, today)
        return ve.cycle_time(timeline, trailing_window(m, d, settings.window_months)).mean

    def retention_at(m: pd.Period) -> float | None:
        d = as_of_date(m, today)
        return cu.retention(tables.customers, d - pd.DateOffset(months=12), d).rate

    recent = [month - i for i in range(settings.suggested_targets.months, 0, -1)]
    coverage, coverage_per_rep = cv.pipeline_coverage(
        open_now, timeline, settings, month, as_of, unassigned,
        recent_won=[float(_get(won_by_month, m, 0.0)) for m in recent])
    series: dict[str, tuple[float | None, Callable[[pd.Period], float | None]]] = {
        "qualified_leads": (qualified.month_count, lambda m: float(_get(qualified.by_month, m, 0))),
        "action_points": (action.team_points, lambda m: float(_get(action.by_month, m, 0.0))),
        "pipeline_value": (pipeline.value, pipeline_at),
        "deal_velocity": (cycle.mean, velocity_at),
        "retention": (relationship.retention.rate, retention_at),
    }
    lead_owners = qualified.per_owner["owner"][qualified.per_owner["owner"] != unassigned]
    active_reps = {
        "qualified_leads": list(lead_owners),
        "action_points": [r for r in action.per_rep["owner"] if r != unassigned],
    }
    trend_months = pd.period_range(month - 11, month, freq="M")
    trended = ("pipeline_value", "deal_velocity", "retention")  # the others' months are counted above
    card_trends: dict[str, list[float | None]] = {}
    tiles = {}
    for kpi, (value, at) in series.items():
        kpi_targets = getattr(settings.targets, kpi)
        target = action.team_target if kpi == "action_points" else tg.team_target(
            kpi_targets, month, active_reps.get(kpi, []))
        months_before = {previous_month, *recent, *(trend_months[:-1] if kpi in trended else [])}
        history = {m: at(m) for m in sorted(months_before)}
        if kpi in trended:
            card_trends[kpi] = [value if m == month else history[m] for m in trend_months]
        previous = history[previous_month]
        status = tg.status(value, target, kpi, settings)
        tiles[kpi] = Tile(
            kpi=kpi, label=text(f"kpi.{kpi}", lang), value=value, target=target, share=status.share,
            light=status.light, percent=status.percent, previous=previous,
            change=None if value is None or previous is None else value - previous,
            suggested=tg.suggested_target([history[m] for m in recent], target, kpi, settings),
            lower_is_better=kpi in tg.LOWER_IS_BETTER,
            median=cycle.median if kpi == "deal_velocity" else None,
        )

    trends = pd.DataFrame({
        "month": [str(m) for m in trend_months],
        "qualified_leads": [int(_get(qualified.by_month, m, 0)) for m in trend_months],
        "won_revenue": [float(_get(won_by_month, m, 0.0)) for m in trend_months],
        "action_points": [float(_get(action.by_month, m, 0.0)) for m in trend_months],
        # the Dashboard cards' trends: each month as that month's card showed it (this month: the card)
        **{kpi: card_trends[kpi] for kpi in trended},
    })

    return MonthReport(
        month=month, as_of=as_of, window=window, language=lang, tiles=tiles,
        qualified=qualified, action=action, pipeline=pipeline, coverage=coverage,
        coverage_per_rep=coverage_per_rep, cycle=cycle, stage_times=stage_times,
        sales_velocity=velocity, sleeping=sleeping, customers=relationship, lookalikes=lookalikes,
        conversion=conversion, close_ratio=ve.win_rate(timeline, window),
        quote_to_close=quote_close, won_revenue=won_now, growth=growth,
        bottlenecks=bottlenecks, trends=trends,
        problems=data_problems(prepared, today), months_with_data=months,
        data_span=data_span(prepared.dated_months, today),
    )


def data_problems(prepared: Prepared, today: dt.date | None = None) -> list[Problem]:
    """Every problem the Checks sheet lists (and ``kpi-xl check`` prints): the tables' and the timeline's,
    then dates after ``today``."""
    return [*prepared.problems, *future_dates(prepared.tables, today or dt.date.today())]


FUTURE_DATES = (("Leads", "leads", "created"), ("Activities", "activities", "date"), ("Deals", "deals", "created"))


def future_dates(tables: Tables, today: dt.date) -> list[Problem]:
    """The dates that decide a row's month but lie after ``today``: listed on Checks (the row still counts)."""
    problems = []
    for name, attribute, column in FUTURE_DATES:
        frame = getattr(tables, attribute)
        late = frame[frame[column] > pd.Timestamp(today)]
        header = tables.headers.get(name, {}).get(column, column)
        problems += [Problem(name, int(row), header, day.date(), "future_date", {"today": today.isoformat()})
                     for row, day in zip(late["_row"], late[column], strict=True)]
    return problems


def default_month(months: list[str], today: dt.date | None = None) -> pd.Period:
    """The month shown when none is chosen: the latest month with data that is not after this month
    (a date typed in the future does not move the Dashboard); this month when there is no data."""
    this_month = pd.Period(pd.Timestamp(today or dt.date.today()), freq="M")
    if not months:
        return this_month
    return pd.Period(([m for m in months if m <= str(this_month)] or months)[-1], freq="M")


def data_span(dated_months: list[str], today: dt.date | None = None) -> tuple[str, str] | None:
    """The months a report can be about: from the first month with a dated lead, activity or deal (the
    customers' start and end dates when there are none) to the last one, capped at this month as
    :func:`default_month` does (a date typed in the future does not widen it); None when nothing is dated.

    Customers who started years before the sales data do not widen it: a report of such a month would
    show empty leads, points and revenue, and History would fill with empty months."""
    if not dated_months:
        return None
    return dated_months[0], str(default_month(dated_months, today))


def data_months(tables: Tables) -> list[str]:
    """Months (``YYYY-MM``) in which any lead, activity or deal is dated, oldest first."""
    return _months_of([tables.leads["created"], tables.activities["date"], tables.deals["created"]])


def _months_of(dates: list[pd.Series]) -> list[str]:
    """The months (``YYYY-MM``, oldest first) in which any of these date columns has a date."""
    months: set = set()
    for column in dates:
        months_in = month_starts(column.to_numpy(dtype="datetime64[ns]"))
        numbers = months_in[~np.isnat(months_in)].astype("int64")
        if len(numbers):
            first = numbers.min()
            present = np.flatnonzero(np.bincount(numbers - first)) + first
            months |= set(present.astype("datetime64[M]").tolist())
    return [f"{m.year:04d}-{m.month:02d}" for m in sorted(months)]


def _get(series: pd.Series, key, default):
    value = series.get(key, default)
    return default if value is None or pd.isna(value) else value

