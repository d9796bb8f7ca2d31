"""Properties of the KPI layer on random small companies (hypothesis).

The companies are typed DataFrames (``tables_from_frames``) with the config of
the hand-built company (``tests/company.py``): random leads, activities,
deals with per-stage dates (sometimes out of order, sometimes only a
``closed`` date), customers, and a random report month judged either at its
last day or at a ``today`` inside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpi_xl import compute, prepare, tables_from_frames
from kpi_xl.periods import as_of_date, month_starts

try:
    from tests import company as co
except ImportError:  # pytest put tests/ itself on sys.path
    import company as co

SETTINGS = co.settings()
OPEN = SETTINGS.open_stages  # Lead, Intake, Offerte, Onderhandeling
WON, LOST = SETTINGS.won, SETTINGS.lost
BASE = pd.Timestamp("2025-06-01")
SPAN = 640  # days: 2025-06-01 .. 2027-03-03
MONTHS = pd.period_range("2025-07", "2027-02", freq="M")

OWNERS = st.sampled_from(["Anna", "Bram", "Carla", None])
INDUSTRY = st.sampled_from(["ICT", "Bouw", "Retail", None])
EMPLOYEES = st.sampled_from([None, 5.0, 10.0, 20.0, 50.0, 80.0, 300.0])
REGION = st.sampled_from(["Noord", "Zuid", "Oost", None])
MONEY = st.one_of(st.none(), st.sampled_from([0.0, 1000.0, 5000.0, 20000.0]),
                  st.floats(0, 100000, allow_nan=False).map(lambda x: round(x, 2)))

PROPERTY = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LEAD_COLUMNS = ["lead_id", "created", "owner", "company", "source", "qualified", "industry", "employees", "region",
                "budget"]
ACTIVITY_COLUMNS = ["date", "owner", "type", "lead_id", "deal_id", "customer_id"]
DEAL_COLUMNS = ["deal_id", "owner", "created", "value", "stage", "closed", "lead_id"]
CUSTOMER_COLUMNS = ["customer_id", "since", "until", "revenue", "last_contact", "company", "owner", "lead_id",
                    "industry", "employees", "region"]
EVENT_COLUMNS = ["deal_id", "stage", "date", "_row", "_column"]


# ----------------------------------------------------------------------------
# strategies: rows as dicts; ``first`` and ``last`` bound every date


def _day(offset: int) -> pd.Timestamp:
    return BASE + pd.Timedelta(days=offset)


@st.composite
def lead_rows(draw, prefix: str, first: int, last: int, max_rows: int):
    rows = []
    for i in range(draw(st.integers(0, max_rows))):
        rows.append({
            "lead_id": f"{prefix}L{i}", "created": _day(draw(st.integers(first, last))), "owner": draw(OWNERS),
            "company": f"{prefix}Bedrijf {i}", "source": draw(st.sampled_from(["Website", "Event", None])),
            "qualified": draw(st.sampled_from([None, None, True, False])), "industry": draw(INDUSTRY),
            "employees": draw(EMPLOYEES), "region": draw(REGION), "budget": draw(MONEY),
        })
    return rows


@st.composite
def deal_rows(draw, prefix: str, first: int, last: int, max_rows: int, lead_ids: list[str], disorder: bool = True,
              walk: bool = False):
    """Deals and their stage entries: per-stage column form (each stage at most once, in order) or, with
    ``walk``, StageHistory form (any sequence of open stages: back and forth, re-entries)."""
    deals, events = [], []
    for i in range(draw(st.integers(0, max_rows))):
        deal_id = f"{prefix}D{i}"
        created = draw(st.integers(first, last))
        if walk:
            # Intake and Offerte twice as likely: back-and-forth between them is the common re-entry
            stages = draw(st.lists(st.sampled_from([*OPEN, *OPEN[1:3]]), max_size=6))
        else:
            stages = [s for s in OPEN if draw(st.booleans())]
        end = draw(st.sampled_from([None, WON, LOST]))
        path = stages + ([end] if end else [])
        # the first stage date may lie a little before `created` (first contact is then that date)
        start = created + draw(st.integers(-5 if first < created - 5 else 0, 10))
        dates, day = [], start
        for _ in path:
            dates.append(day)
            day += draw(st.integers(0, 60))
        if disorder and len(dates) > 1 and draw(st.integers(0, 4)) == 0:
            dates = draw(st.permutations(dates))  # stage dates out of order
        with_history = bool(path) and draw(st.integers(0, 2)) > 0
        closed = None
        if end and (not with_history or draw(st.booleans())):
            closed = _day(dates[-1]) if dates else None
            if not with_history and draw(st.integers(0, 5)) == 0:
                closed = None  # a won/lost deal without any date: not usable
        current = path[-1] if path else draw(st.sampled_from(OPEN))
        deals.append({"deal_id": deal_id, "owner": draw(OWNERS), "created": _day(created), "value": draw(MONEY),
                      "stage": current, "closed": closed,
                      "lead_id": draw(st.sampled_from([None, *lead_ids, *lead_ids])) if lead_ids else None})
        if with_history:
            row = i + 2
            events += [{"deal_id": deal_id, "stage": s, "date": _day(d), "_row": row, "_column": s}
                       for s, d in zip(path, dates, strict=True)]
    return deals, events


@st.composite
def customer_rows(draw, prefix: str, first: int, last: int, max_rows: int, lead_ids: list[str]):
    rows = []
    for i in range(draw(st.integers(0, max_rows))):
        since = draw(st.integers(first, last))
        until = draw(st.one_of(st.none(), st.integers(1, 400)))
        contact = draw(st.one_of(st.none(), st.integers(first, last + 60)))
        rows.append({
            "customer_id": f"{prefix}C{i}", "since": _day(since),
            "until": None if until is None else _day(since + until), "revenue": draw(MONEY),
            "last_contact": None if contact is None else _day(contact), "company": f"{prefix}Klant {i}",
            "owner": draw(OWNERS), "lead_id": draw(st.sampled_from([None, *lead_ids, *lead_ids])) if lead_ids else None,
            "industry": draw(INDUSTRY), "employees": draw(EMPLOYEES), "region": draw(REGION),
        })
    return rows


@st.composite
def activity_rows(draw, first: int, last: int, max_rows: int, deal_ids, customer_ids, lead_ids):
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        rows.append({
            "date": _day(draw(st.integers(first, last))), "owner": draw(OWNERS),
            "type": draw(st.sampled_from(["call", "email", "meeting", "whatsapp"])),
            "lead_id": draw(st.sampled_from([None, *lead_ids])),
            "deal_id": draw(st.sampled_from([None, *deal_ids])),
            "customer_id": draw(st.sampled_from([None, *customer_ids])),
        })
    return rows


@dataclasses.dataclass
class Company:
    leads: list[dict]
    activities: list[dict]
    deals: list[dict]
    events: list[dict]
    customers: list[dict]
    source: str = "columns"  # the stage history: per-stage date columns, or a StageHistory table

    def tables(self, extra: Company | None = None):
        def frame(rows, columns, dates=(), objects=()):
            f = pd.DataFrame(rows, columns=columns)
            for c in columns:
                if c in dates:
                    f[c] = pd.to_datetime(f[c])
                elif c in objects:
                    f[c] = f[c].astype(object).where(f[c].notna(), None)
            return f

        def rows(name):
            return getattr(self, name) + (getattr(extra, name) if extra else [])

        text = ("lead_id", "deal_id", "customer_id", "owner", "company", "source", "industry", "region", "type",
                "stage", "_column", "qualified")
        leads = frame(rows("leads"), LEAD_COLUMNS, ("created",), text)
        activities = frame(rows("activities"), ACTIVITY_COLUMNS, ("date",), text)
        deals = frame(rows("deals"), DEAL_COLUMNS, ("created", "closed"), text)
        customers = frame(rows("customers"), CUSTOMER_COLUMNS, ("since", "until", "last_contact"), text)
        events = frame(rows("events"), EVENT_COLUMNS, ("date",), text)
        events["_row"] = events["_row"].astype("int64")
        tables = tables_from_frames(leads, activities, deals, customers, events)
        tables.history_source = self.source
        return tables


@st.composite
def companies(draw, first: int = 0, last: int = SPAN, disorder: bool = True):
    source = draw(st.sampled_from(["columns", "table"]))
    leads = draw(lead_rows("", first, last, 8))
    lead_ids = [r["lead_id"] for r in leads]
    deals, events = draw(deal_rows("", first, last, 8, lead_ids, disorder, walk=source == "table"))
    customers = draw(customer_rows("", first, last, 6, lead_ids))
    activities = draw(activity_rows(first, last, 12, [r["deal_id"] for r in deals],
                                    [r["customer_id"] for r in customers], lead_ids))
    return Company(leads, activities, deals, events, customers, source)


@st.composite
def months(draw):
    """(month, today): judged at the month's last day, or at a day inside the month."""
    month = draw(st.sampled_from(list(MONTHS)))
    if draw(st.booleans()):
        return month, dt.date(2030, 1, 1)
    day = draw(st.integers(1, month.days_in_month))
    return month, dt.date(month.year, month.month, day)


# ----------------------------------------------------------------------------
# invariants


def _numbers(values) -> list[float]:
    return [float(v) for v in values if v is not None and not pd.isna(v)]


@PROPERTY
@given(company=companies(), when=months())
def test_pipeline_durations_and_retention_stay_in_range(company, when):
    month, today = when
    tables = company.tables()
    prepared = prepare(tables, SETTINGS)
    report = compute(prepared, SETTINGS, month, today=today)
    eps = 1e-6

    # weighted pipeline ≤ pipeline, both ≥ 0 (in total, per stage and per owner)
    p = report.pipeline
    assert 0 <= p.weighted <= p.value + eps
    for frame in (p.per_stage, p.per_owner):
        assert (frame["weighted"] >= 0).all() and (frame["value"] >= 0).all()
        assert (frame["weighted"] <= frame["value"] + eps).all()
    assert p.per_stage["deals"].sum() == p.deals == report.sales_velocity.open_deals
    assert p.per_stage["value"].sum() == pytest.approx(p.value)

    # no duration is negative
    timeline = prepared.timeline
    assert (timeline.stays["end"].dropna() >= timeline.stays.loc[timeline.stays["end"].notna(), "start"]).all()
    assert (timeline.deals["cycle_days"].dropna() >= 0).all()
    assert all(x >= 0 for x in _numbers([report.cycle.mean, report.cycle.median]))
    for column in ("mean", "median", "open_mean"):
        assert all(x >= 0 for x in _numbers(report.stage_times[column]))
    assert (report.sleeping["idle_days"] >= 0).all()
    assert all(x >= 0 for x in _numbers([report.customers.average_tenure_days]))
    assert all(x >= 0 for x in _numbers(report.customers.needs_attention["days_since_contact"]))
    assert all(x >= 0 for x in _numbers([report.sales_velocity.per_day, report.sales_velocity.average_cycle_days]))

    # retention and gross revenue retention within 0..1
    r = report.customers.retention
    for rate in _numbers([r.rate, r.revenue_rate, report.tiles["retention"].value,
                          report.tiles["retention"].previous, report.close_ratio, report.quote_to_close]):
        assert 0 <= rate <= 1
    for frame, columns in ((report.conversion, ["conversion", "won_share"]),):
        for column in columns:
            assert all(0 <= x <= 1 for x in _numbers(frame[column]))
    assert 0 <= report.qualified.month_count <= report.qualified.leads_in_month


@hsettings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(company=companies(disorder=False))
def test_stays_of_a_won_deal_add_up_to_at_most_its_cycle_time(company):
    tables = company.tables()
    timeline = prepare(tables, SETTINGS).timeline
    events = tables.stage_events
    won_with_history = set(events.loc[events["stage"] == WON, "deal_id"])
    deals = timeline.deals.set_index("deal_id")
    stays = timeline.stays.assign(days=(timeline.stays["end"] - timeline.stays["start"]).dt.days)
    for deal_id in won_with_history:
        if pd.isna(deals.at[deal_id, "won_date"]):
            continue  # lost earlier than won: the earlier decides
        own = stays[stays["deal_id"] == deal_id]
        assert own["end"].notna().all()  # every stay of a won deal has ended
        assert not own["excluded"].any()  # dates in order: nothing left out
        # time per stage, worked out from the entries in order: each entry lasts until the next one;
        # a re-entered stage (StageHistory) adds up
        entries = [e for e in company.events if e["deal_id"] == deal_id]
        expected: dict[str, int] = {}
        for this, following in zip(entries, entries[1:]):
            if this["stage"] not in (WON, LOST):
                expected[this["stage"]] = expected.get(this["stage"], 0) + (following["date"] - this["date"]).days
        assert own.groupby("stage")["days"].sum().to_dict() == expected
        if deals.at[deal_id, "won_date"] < deals.at[deal_id, "created"] and own.empty:
            # won (by its won-stage date) before its first contact: listed, and no cycle time
            assert pd.isna(deals.at[deal_id, "cycle_days"])
            assert ("won_before_created", deals.at[deal_id, "_row"]) in {(p.code, p.row) for p in timeline.problems}
            continue
        assert own["days"].sum() <= deals.at[deal_id, "cycle_days"]
        # and with the dates in order the stays cover first stage date → won date exactly
        first_entry = events.loc[events["deal_id"] == deal_id, "date"].min()
        assert own["days"].sum() == (deals.at[deal_id, "won_date"] - first_entry).days


# ----------------------------------------------------------------------------
# time travel


def assert_same(a, b, path="report"):
    """Exact equality of two report parts (floats to 1e-9, NaN equal to NaN)."""
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame), path
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                      check_index_type=False, check_column_type=False, obj=path)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b, check_dtype=False, check_index_type=False, obj=path)
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), path
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, (float, np.floating)) or isinstance(b, (float, np.floating)):
        if a is None or b is None:
            assert a is b, f"{path}: {a!r} != {b!r}"
        elif math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), f"{path}: {a!r} != {b!r}"
        else:
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), f"{path}: {a!r} != {b!r}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


@st.composite
def company_and_later_rows(draw):
    company = draw(companies())
    month, today = draw(months())
    as_of = as_of_date(month, today)
    after = (as_of - BASE).days + 1  # the first day after the as-of date
    last = after + 200
    lead_ids = [r["lead_id"] for r in company.leads]
    leads = draw(lead_rows("X", after, last, 4))
    all_leads = lead_ids + [r["lead_id"] for r in leads]
    deals, events = draw(deal_rows("X", after, last, 4, lead_ids, walk=company.source == "table"))
    # rows of the extra deals continue below the existing ones
    events = [{**e, "_row": e["_row"] + len(company.deals)} for e in events]
    customers = draw(customer_rows("X", after, last, 3, lead_ids))  # existing leads that become customers later
    activities = draw(activity_rows(
        after, last, 6,
        [r["deal_id"] for r in company.deals + deals], [r["customer_id"] for r in company.customers + customers],
        all_leads))
    # none of the new rows may be dated on or before D (first stage dates may not precede `created` here)
    return company, Company(leads, activities, deals, events, customers, company.source), month, today


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=company_and_later_rows())
def test_rows_dated_after_the_as_of_date_change_nothing(case):
    company, later, month, today = case
    before = compute(company.tables(), SETTINGS, month, today=today)
    after = compute(company.tables(extra=later), SETTINGS, month, today=today)
    assert after.as_of == before.as_of
    for f in dataclasses.fields(before):
        if f.name in ("problems", "months_with_data", "data_span"):
            continue  # not KPIs: new rows may bring their own data problems and months
        assert_same(getattr(before, f.name), getattr(after, f.name), f.name)


COVERAGE_SETTINGS = {start: co.settings(fiscal_year_start_month=start, targets={
    **co.CONFIG.get("targets", {}), "won_revenue": {"per_rep": {"default": 10000, "overrides": {"Anna": 0}}}})
    for start in (1, 4, 11)}


@PROPERTY
@given(company=companies(), when=months(), start=st.sampled_from(sorted(COVERAGE_SETTINGS)))
def test_coverage_adds_up_to_the_pipeline_and_the_won_revenue(company, when, start):
    month, today = when
    settings = COVERAGE_SETTINGS[start]
    report = compute(company.tables(), settings, month, today=today)
    c, per_rep = report.coverage, report.coverage_per_rep
    # the quarter holds the month; the open pipeline is the pipeline KPI's value
    assert c.first_month <= month <= c.last_month and c.last_month == c.first_month + 2
    assert (c.first_month.month - start) % 3 == 0
    assert c.open_pipeline == report.pipeline.value
    # won so far = the won revenue of the quarter's months up to this one (the trend's column, another path)
    trend = report.trends.set_index("month")["won_revenue"]
    quarter = [str(m) for m in pd.period_range(c.first_month, month, freq="M")]
    assert c.won_so_far == pytest.approx(sum(trend[m] for m in quarter))
    # the reps add up to the team
    assert per_rep["won_so_far"].sum() == pytest.approx(c.won_so_far)
    assert per_rep["open_pipeline"].sum() == pytest.approx(c.open_pipeline)
    # a number or the flag, never both; with a target the expectation covers what is won
    for target, won, cov, reached, expected in [
            (c.target, c.won_so_far, c.coverage, c.target_reached, c.expected_attainment),
            *per_rep[["quarter_target", "won_so_far", "coverage", "target_reached", "expected_attainment"]]
            .itertuples(index=False)]:
        target = None if target is None or pd.isna(target) else target
        cov = None if cov is None or pd.isna(cov) else cov
        if target is None:
            assert cov is None and not reached
            continue
        assert (cov is None) == bool(reached)
        assert cov is None or cov >= 0
        if target > 0:
            assert expected >= won / target - 1e-9


# --------------------------------------------------------------------------- month_starts


@given(st.lists(st.one_of(st.none(), st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1)), max_size=300))
def test_month_starts_is_numpys_month_of_every_date(nanoseconds):
    """Any datetime64[ns] (NaT included, from 1677 to 2262, before and after 1970) gets the month numpy gives."""
    dates = np.array([np.iinfo(np.int64).min if n is None else n for n in nanoseconds], dtype="int64").view(
        "datetime64[ns]")
    got = month_starts(dates)
    assert got.dtype == np.dtype("datetime64[M]")
    assert np.array_equal(got, dates.astype("datetime64[M]"), equal_nan=True)


def test_month_starts_of_a_day_and_its_last_nanosecond():
    dates = np.array(["1969-12-31T23:59:59.999999999", "1970-01-01", "2026-02-28T23:59:59.999999999", "NaT",
                      "2026-03-01"], dtype="datetime64[ns]")
    assert [str(m) for m in month_starts(dates)] == ["1969-12", "1970-01", "2026-02", "NaT", "2026-03"]
    assert month_starts(np.array([], dtype="datetime64[ns]")).dtype == np.dtype("datetime64[M]")


def test_the_text_columns_the_kpis_derive_stay_plain_objects():
    """pandas 3 would copy every owner and type into Arrow strings (kpi_xl.kpis.text_columns); the values
    and their empties stay as given."""
    from kpi_xl.kpis import action_points as ap

    activities = pd.DataFrame({
        "date": pd.to_datetime(["2026-01-05", "2026-02-01", None]),
        "owner": pd.Series(["Anna", None, "Bram"], dtype=object),
        "type": pd.Series(["call", "meeting", None], dtype=object),
    }).set_axis([4, 5, 6])
    scored = ap.with_points(activities, SETTINGS)
    assert scored["owner"].dtype == object and scored["type"].dtype == object
    assert scored["owner"].tolist() == ["Anna", None, "Bram"] and scored["type"].tolist() == ["call", "meeting", None]
    assert scored["points"].tolist() == [2.0, 5.0, 0.0] and scored["known_type"].tolist() == [True, True, False]
    assert [str(m)[:7] for m in scored["month"]] == ["2026-01", "2026-02", "NaT"]
    assert scored.index.tolist() == [4, 5, 6]
    scored.loc[4, "owner"] = "Carla"  # the scored frame is the KPI's own: writing into it changes no table
    assert activities["owner"].tolist() == ["Anna", None, "Bram"]


LABELS = st.sampled_from(["ICT", "Bouw", "retail", "10–50", "<10", "", None, float("nan")])


@given(leads=st.lists(LABELS, max_size=60), profile=st.lists(LABELS, max_size=30))
def test_lookalike_shares_are_the_profiles_share_of_each_label(leads, profile):
    """A lead's share is the profile's share of its label (as ``Series.map`` gives it), 0 when the profile
    lacks the label or the lead's cell is empty; looked up once per distinct label."""
    from kpi_xl.kpis.lookalike import _shares

    labels = pd.Series(leads, dtype=object, index=pd.RangeIndex(3, 3 + len(leads)))
    distribution = pd.Series(profile, dtype=object).value_counts(normalize=True)
    expected = labels.map(distribution).astype(float).fillna(0.0)
    pd.testing.assert_series_equal(_shares(labels, distribution), expected, check_exact=True)
    assert all(s == 0.0 for s, label in zip(_shares(labels, distribution), leads, strict=True)
               if label is None or label != label or label not in profile)


# ----------------------------------------------------------------------------
# the date masks the month asks for again and again are numpy comparisons: the same answers as the pandas
# expressions of their definitions (NaT compares False), on every company the strategies make


def _reference_stage_at(timeline, as_of, settings) -> pd.Series:
    """:meth:`Timeline.stage_at` as pandas expressions, as its docstring defines it."""
    order, _ = timeline.last_event_at(as_of)
    names = np.array([*settings.stage_names, None], dtype=object)
    stage = pd.Series(names[np.where(order >= 0, order, len(settings.stage_names))], index=timeline.deals.index,
                      dtype=object)
    deals = timeline.deals
    column = deals["stage"]
    closed_by_d = (deals["won_date"] <= as_of) | (deals["lost_date"] <= as_of)
    column = column.mask(column.isin([settings.won, settings.lost]) & ~closed_by_d)
    stage = stage.where(deals["has_history"], column)
    return stage.fillna(settings.stage_names[0]).where(deals["usable"])


@PROPERTY
@given(company=companies(), when=months())
def test_date_masks_are_the_pandas_expressions_they_stand_for(company, when):
    from kpi_xl.kpis import customers as cu
    from kpi_xl.kpis.lookalike import open_leads
    from kpi_xl.periods import trailing_window

    month, today = when
    prepared = prepare(company.tables(), SETTINGS)
    timeline, tables = prepared.timeline, prepared.tables
    as_of = as_of_date(month, today)
    deals, customers, leads = timeline.deals, tables.customers, tables.leads

    is_open = timeline.open_at(as_of)
    expected = ((deals["first_contact"] <= as_of) & ~(deals["won_date"] <= as_of) & ~(deals["lost_date"] <= as_of)
                & deals["usable"])
    pd.testing.assert_series_equal(is_open, expected, check_names=False)

    window = trailing_window(month, as_of, SETTINGS.window_months)
    for dates in (deals["won_date"], timeline.stays["end"], tables.activities["date"]):
        pd.testing.assert_series_equal(window.contains(dates), (dates >= window.start) & (dates <= window.end))

    start = as_of - pd.DateOffset(months=12)
    for day in (start, as_of):
        expected = (customers["since"] <= day) & (customers["until"].isna() | (customers["until"] > day))
        pd.testing.assert_series_equal(cu.active_at(customers, day), expected, check_names=False)
    at_start = (customers["since"] <= start) & (customers["until"].isna() | (customers["until"] > start))
    at_end = (customers["since"] <= as_of) & (customers["until"].isna() | (customers["until"] > as_of))
    new = (customers["since"] > start) & (customers["since"] <= as_of) & at_end
    churned = customers["until"].notna() & (customers["until"] > start) & (customers["until"] <= as_of)
    kept = customers["revenue"][at_start].sum()
    retention = cu.retention(customers, start, as_of)
    assert (retention.active_start, retention.active_end, retention.new, retention.churned) == (
        int(at_start.sum()), int(at_end.sum()), int(new.sum()), int(churned.sum()))
    if retention.revenue_rate is not None:
        assert retention.revenue_rate == float(customers["revenue"][at_start & at_end].sum() / kept)

    pd.testing.assert_series_equal(timeline.stage_at(as_of, SETTINGS), _reference_stage_at(timeline, as_of, SETTINGS))

    closed = deals[(deals["won_date"] <= as_of) | (deals["lost_date"] <= as_of)]
    done = set(closed["lead_id"].dropna()) | set(customers.loc[customers["since"] <= as_of, "lead_id"].dropna())
    pd.testing.assert_frame_equal(open_leads(leads, customers, timeline, as_of),
                                  leads[(leads["created"] <= as_of) & ~leads["lead_id"].isin(done)])


_DATE_NS = st.one_of(st.none(), st.integers(min_value=-(2**62), max_value=2**62))


@given(rows=st.lists(st.tuples(st.integers(0, 6), _DATE_NS, st.one_of(st.none(), st.floats(-1e6, 1e6))),
                     max_size=40), how=st.sampled_from(["min", "max"]))
def test_per_deal_is_pandas_grouping_by_deal(rows, how):
    """:func:`per_deal` gives what ``groupby(codes).min()/.max()`` reindexed to every deal gives: empty
    values skipped, NaT/NaN for a deal without any."""
    from kpi_xl.kpis.timeline import per_deal

    codes = np.array([r[0] for r in rows], dtype=np.int64)
    dates = np.array([np.datetime64("NaT") if r[1] is None else np.datetime64(r[1], "ns") for r in rows],
                     dtype="datetime64[ns]")
    numbers = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float)
    for values in (dates, numbers, codes * 3):
        expected = getattr(pd.Series(values).groupby(codes), how)().reindex(range(8)).to_numpy()
        got = per_deal(codes, values, 8, how)
        if values.dtype.kind == "M":
            assert got.dtype == values.dtype
            assert got.view(np.int64).tolist() == expected.astype("datetime64[ns]").view(np.int64).tolist()
        else:
            np.testing.assert_array_equal(got, expected.astype(float))


_MONTH = st.one_of(st.none(), st.integers(min_value=-30_000, max_value=30_000))  # months since 1970, None = NaT


@given(rows=st.lists(st.tuples(_MONTH, st.floats(-1e6, 1e6)), max_size=40))
def test_sum_by_month_is_pandas_grouping_by_month(rows):
    """:func:`sum_by_month` gives what ``groupby(months).sum()`` with a PeriodIndex gives: NaT left out, the
    months in order, only months with a value."""
    from kpi_xl.periods import sum_by_month

    months = np.array([np.datetime64("NaT") if m is None else np.datetime64(m, "M") for m, _ in rows],
                      dtype="datetime64[M]")
    values = np.array([v for _, v in rows], dtype=float)
    expected = pd.Series(values).groupby(months).sum()
    expected.index = pd.PeriodIndex(expected.index, freq="M")
    pd.testing.assert_series_equal(sum_by_month(months, values), expected, check_index_type=True)


_REPS = st.sampled_from(["Anna", "anna", "Bram", "(geen)", "Ö", "Zoë"])
_KINDS = st.sampled_from(["Telefoon", "Bezoek", "Mail", "Onbekend"])


@given(rows=st.lists(st.tuples(_REPS, _KINDS, st.booleans()), max_size=40))
def test_counts_per_type_are_pandas_grouping_by_rep_and_type(rows):
    """The action points' activities per rep and type equal ``groupby([owner, "type"]).size().unstack()``,
    reindexed to the config's types present (rows whose type is not known left out)."""
    from types import SimpleNamespace

    from kpi_xl.kpis.action_points import _counts_per_type

    settings = SimpleNamespace(points={"Mail": 1.0, "Telefoon": 2.0, "Bezoek": 5.0})  # the config's order
    now = pd.DataFrame({"owner": pd.Series([r[0] for r in rows], dtype=object),
                        "type": pd.Series([r[1] for r in rows], dtype=object),
                        "known_type": np.array([r[2] for r in rows], dtype=bool)})
    owner = now["owner"]
    known = now["known_type"]
    expected = now[known].groupby([owner[known], "type"]).size().unstack(fill_value=0)
    expected = expected.reindex(columns=[t for t in settings.points if t in expected.columns])
    got = _counts_per_type(owner, now, settings)
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(),
                                  check_column_type=False, check_index_type=False)
    assert got.index.name == "owner"
