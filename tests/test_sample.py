"""The sample company generator (kpi_xl.sample): seeded, realistic, readable by both entry points."""

from __future__ import annotations

import collections
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi_xl import compute, load_config, read_tables, tables_from_frames
from kpi_xl.sample import REP_NAMES, SampleCompany, generate

TODAY = dt.date(2026, 11, 26)  # after the demo's last month: its as-of date is 2026-10-31
TABLES = ("leads", "activities", "deals", "customers", "stage_events")


@pytest.fixture(scope="module")
def settings():
    return load_config()


@pytest.fixture(scope="module")
def company(settings) -> SampleCompany:
    return generate(seed=7, settings=settings)


@pytest.fixture(scope="module")
def report(company, settings):
    return compute(read_tables(company.rows(), settings), settings, month=company.end_month, today=TODAY)


# -- seeded ---------------------------------------------------------------------


def test_same_seed_gives_identical_frames(company, settings):
    again = generate(seed=7, settings=settings).frames()
    for name, frame in company.frames().items():
        pd.testing.assert_frame_equal(frame, again[name], obj=name)
    assert company.rows() == generate(seed=7, settings=settings).rows()


def test_another_seed_gives_another_company(company, settings):
    other = generate(seed=8, settings=settings)
    assert not company.deals["value"].equals(other.deals["value"])
    assert not company.activities["date"].equals(other.activities["date"])


# -- sizes ----------------------------------------------------------------------


def test_demo_size(company):
    assert (len(company.leads), len(company.activities), len(company.deals), len(company.customers)) == (
        2_000, 20_000, 600, 150)
    assert len(company.reps) >= 8 and company.reps[: len(REP_NAMES)] == list(REP_NAMES)
    assert company.end_month == "2026-10"
    assert company.start == pd.Timestamp("2025-09-01") and company.end == pd.Timestamp("2026-10-31")
    months = company.activities["date"].dt.to_period("M")
    assert months.nunique() == 14 and str(months.min()) == "2025-09" and str(months.max()) == "2026-10"


def test_scale_multiplies_the_counts(settings):
    half = generate(scale=0.5, settings=settings)
    assert (len(half.leads), len(half.activities), len(half.deals), len(half.customers)) == (1_000, 10_000, 300, 75)


def test_explicit_counts_are_exact(settings):
    small = generate(seed=3, settings=settings, leads=5_000, activities=30_000, deals=1_500, customers=400)
    assert (len(small.leads), len(small.activities), len(small.deals), len(small.customers)) == (
        5_000, 30_000, 1_500, 400)
    assert len(small.reps) == 12  # one rep per 2,500 activities
    assert small.deals["deal_id"].is_unique and small.leads["lead_id"].is_unique


def test_other_end_month_and_length(settings):
    short = generate(end_month="2025-06", months=6, settings=settings, scale=0.2)
    assert short.start == pd.Timestamp("2025-01-01") and short.end == pd.Timestamp("2025-06-30")
    for frame, column in ((short.leads, "created"), (short.activities, "date")):
        assert frame[column].between(short.start, short.end).all()
    # deals: in the history, or opened before it and still open on its first day (a going concern)
    deals = short.deals
    assert deals["created"].le(short.end).all()
    before = deals[deals["created"] < short.start]
    assert len(before) and not before["closed"].lt(short.start).any()


# -- typed frames and Excel rows --------------------------------------------------


def test_frames_are_typed_with_canonical_columns(company):
    frames = company.frames()
    assert set(frames) == set(TABLES)
    assert list(frames["deals"].columns) == ["deal_id", "owner", "created", "value", "stage", "closed",
                                             "lost_reason", "customer_id", "lead_id"]
    for name, column in (("leads", "created"), ("activities", "date"), ("deals", "created"),
                         ("deals", "closed"), ("customers", "since"), ("customers", "until"),
                         ("stage_events", "date")):
        assert frames[name][column].dtype == "datetime64[ns]", (name, column)
    assert frames["deals"]["value"].dtype == "float64" and frames["customers"]["revenue"].dtype == "float64"
    assert frames["leads"]["qualified"].dtype == "boolean"
    assert set(frames["stage_events"]["stage"]) <= set(company.settings.stage_names)


def test_rows_look_like_excel(company, settings):
    rows = company.rows()
    assert rows["Deals"][0][-len(settings.stage_names):] == settings.stage_names
    for table, body in rows.items():
        width = len(body[0])
        assert all(len(r) == width for r in body), table
        kinds = {type(v) for r in body[1:] for v in r}
        assert kinds <= {str, float, dt.datetime, type(None)}, (table, kinds)


def test_read_tables_gives_the_frames_without_problems(company, settings):
    tables = read_tables(company.rows(), settings)
    assert tables.problems == []
    assert tables.history_source == "columns"
    frames = company.frames()
    for name in TABLES:
        assert len(getattr(tables, name)) == len(frames[name]), name
    pd.testing.assert_series_equal(tables.deals["value"], frames["deals"]["value"], check_names=False)
    assert tables.activities["type"].tolist() == frames["activities"]["type"].tolist()


def test_dutch_headers_read_the_same(company, settings):
    tables = read_tables(company.rows(headers="nl"), settings)
    assert tables.problems == []
    assert tables.headers["Deals"]["value"] == "Waarde"
    assert len(tables.activities) == len(company.activities)


def test_frames_and_rows_give_the_same_kpis(company, settings, report):
    from_frames = compute(tables_from_frames(**company.frames()), settings, month="2026-10", today=TODAY)
    assert {k: t.value for k, t in from_frames.tiles.items()} == {k: t.value for k, t in report.tiles.items()}
    assert from_frames.sleeping["deal_id"].tolist() == report.sleeping["deal_id"].tolist()


# -- realistic --------------------------------------------------------------------


def test_compute_on_the_demo_gives_all_five_tiles(report):
    assert set(report.tiles) == {"qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention"}
    for kpi, tile in report.tiles.items():
        assert tile.value is not None and tile.value > 0, kpi
        assert tile.previous is not None and tile.previous > 0, kpi
    assert 0 < report.tiles["retention"].value < 1
    assert 20 < report.tiles["deal_velocity"].value < 120  # days first contact → won
    assert len(report.sleeping) > 0
    assert len(report.lookalikes) == 10 and report.lookalikes["score"].gt(0).all()
    assert report.customers.retention.churned > 0 and len(report.customers.needs_attention) > 0
    assert report.stage_times["mean"].notna().all()
    assert len(report.bottlenecks) >= 8


def test_deal_mix(company, settings):
    stage = company.deals["stage"]
    won, lost = (stage == settings.won).mean(), (stage == settings.lost).mean()
    # every deal ends (won, lost, or written off after it stalled); only the young ones are open at the end
    assert 0.32 <= won <= 0.44 and 0.40 <= lost <= 0.55
    assert 0.08 <= 1 - won - lost <= 0.22
    closed = stage.isin([settings.won, settings.lost])
    assert company.deals["closed"].notna().eq(closed).all()
    assert company.deals.loc[stage == settings.lost, "lost_reason"].notna().all()
    assert company.deals["value"].gt(0).all()
    # ~13% of the new business was opened before the Leads table starts (no lead_id), 12% is upsell
    assert company.deals["lead_id"].notna().mean() > 0.7 and company.deals["customer_id"].notna().any()


def test_stage_dates_in_order_with_some_skipped(company, settings):
    dates = company.stage_dates[settings.stage_names]
    open_stages = dates[settings.open_stages]
    # clean data: no stage date goes backwards in the configured order
    running = open_stages.T.cummax().T.shift(axis=1)
    assert not (open_stages < running).any().any()
    last_entered = open_stages.notna()
    skipped = last_entered & ~last_entered.shift(axis=1, fill_value=True) | (~last_entered & last_entered.shift(
        -1, axis=1, fill_value=False))
    assert skipped.any(axis=1).mean() > 0.05  # some deals skip a stage
    first = open_stages.min(axis=1)
    assert (first == company.deals["created"]).all()  # the first stage is entered at first contact
    won = dates[settings.won]
    assert (won.dropna() >= open_stages.max(axis=1)[won.notna()]).all()


def test_customers_churn_and_profile(company):
    customers = company.customers
    assert 0.10 <= customers["until"].notna().mean() <= 0.20
    assert (customers["until"].dropna() > customers.loc[customers["until"].notna(), "since"]).all()
    assert customers["revenue"].notna().mean() > 0.9
    assert customers["lead_id"].notna().any()  # customers won from the deals
    for column in ("industry", "employees", "region"):
        assert customers[column].notna().mean() > 0.9 and company.leads[column].notna().mean() > 0.9


def test_leads_qualified_mostly_blank(company):
    rows = company.rows()["Leads"]
    column = rows[0].index("qualified")
    values = collections.Counter(r[column] for r in rows[1:])
    assert set(values) == {None, "ja", "nee"}
    assert values[None] / sum(values.values()) > 0.9
    assert company.leads["owner"].isna().any()  # unassigned leads exist


def test_activity_types_use_aliases_and_are_all_known(company, settings):
    labels = set(company.activity_labels)
    assert {"telefoon", "bellen", "mail", "afspraak"} <= labels
    assert set(company.activities["type"]) == set(settings.points)
    links = company.activities[["lead_id", "deal_id", "customer_id"]].notna().mean()
    assert 0.25 < links["deal_id"] < 0.5 and 0.05 < links["customer_id"] < 0.3
    assert company.activities["deal_id"].dropna().isin(company.deals["deal_id"]).all()
    assert company.activities["customer_id"].dropna().isin(company.customers["customer_id"]).all()
    weekday = company.activities["date"].dt.day_of_week
    assert weekday.ge(5).mean() < 0.03


def test_stage_history_with_reentries(company, settings):
    history = company.stage_history()
    assert list(history.columns) == ["deal_id", "stage", "date"]
    counts = history.groupby(["deal_id", "stage"]).size()
    assert (counts.xs(settings.quote, level="stage") > 1).any()  # Offerte entered twice
    tables = read_tables(company.rows(history=True), settings)
    assert tables.history_source == "table" and tables.problems == []
    report = compute(tables, settings, month="2026-10", today=TODAY)
    assert all(t.value for t in report.tiles.values())
    via_frames = compute(company.tables(history=True), settings, month="2026-10", today=TODAY)
    assert via_frames.problems == []
    assert {k: t.value for k, t in via_frames.tiles.items()} == {k: t.value for k, t in report.tiles.items()}


# -- a going concern (issue 12: a demo a director believes) ------------------------------


@pytest.fixture(scope="module")
def months(company, settings):
    """The demo's 14 monthly reports, as the History sheet shows them."""
    from kpi_xl.month import prepare

    prepared = prepare(company.tables(), settings)
    return {str(m): compute(prepared, settings, month=str(m), today=TODAY)
            for m in pd.period_range("2025-09", "2026-10", freq="M")}


def _first_last(months, kpi):
    values = [r.tiles[kpi].value for r in months.values()]
    return sum(values[:3]) / 3, sum(values[-3:]) / 3


@pytest.mark.parametrize("kpi", ["action_points", "pipeline_value", "qualified_leads", "retention"])
def test_the_demo_does_not_grow_out_of_nothing(months, kpi):
    # the first and the last three months within ±30% of each other; before: action points 1.030 in the
    # first month and 3.909 in the last (×3.8), the pipeline 152.600 → 1.837.850 (×12)
    first, last = _first_last(months, kpi)
    assert first > 0 and 0.7 <= last / first <= 1.3, (kpi, first, last)


def test_the_pipeline_is_open_on_day_one(company, months):
    # deals opened before 2025-09-01 and open on it: the first month's pipeline is not built from nothing
    opened_before = company.deals[company.deals["created"] < company.start]
    assert len(opened_before) >= 0.05 * len(company.deals)
    assert months["2025-09"].tiles["pipeline_value"].value >= 0.5 * months["2026-10"].tiles["pipeline_value"].value


def test_sleeping_deals_are_weeks_to_months_idle(report, months):
    # a stalled deal is written off 35..170 days after its last stage change, so none sleeps half a year
    for r in months.values():
        assert r.sleeping.empty or r.sleeping["idle_days"].max() <= 180, r.month
    idle = report.sleeping["idle_days"]
    assert len(idle) >= 5 and idle.min() > 21 and idle.max() <= 180 and idle.median() >= 30


def test_some_reps_on_target_and_some_not(report):
    # 2026-10 targets: 250 × 1.05^9 = 387.83 per rep, 450 for Sanne de Vries (the config's override)
    per_rep = report.action.per_rep
    share = per_rep["points"] / per_rep["target"]
    assert (share >= 1.0).sum() >= 1 and (share < 0.8).sum() >= 1
    assert set(per_rep["light"]) >= {"green", "red"}


def test_lookalike_scores_and_reasons_differ(report):
    top = report.lookalikes
    assert len(top) == 10
    # the top ten share the best industry and size band; the region sets them apart (two scores, three reasons)
    assert top["score"].nunique() >= 2 and top["why"].nunique() >= 3


def test_rep_productivity_is_spread_with_the_first_rep_the_most_productive(settings):
    from kpi_xl.sample.world import _World

    world = _World(np.random.default_rng(1), settings, 0, 30, messy=False)
    world.make_reps(8)
    # np.linspace(1.35, 0.65, 8): 1.35, 1.25, 1.15, ..., 0.65 (steps of 0.7 / 7 = 0.1); the first stays first
    assert world.rep_weight[0] == 1.35
    assert sorted(np.round(world.rep_weight, 2)) == [0.65, 0.75, 0.85, 0.95, 1.05, 1.15, 1.25, 1.35]


# -- messy ------------------------------------------------------------------------


def test_messy_adds_a_small_deliberate_sprinkling(settings):
    messy = generate(seed=7, settings=settings, messy=True)
    tables = read_tables(messy.rows(), settings)
    codes = collections.Counter(p.code for p in tables.problems)
    assert codes["unknown_activity_type"] > 0 and codes["bad_date"] == 2 and codes["bad_money"] == 1
    assert codes["duplicate_id"] == 1
    report = compute(tables, settings, month="2026-10", today=TODAY)
    backwards = sum(p.code == "stage_date_order" for p in report.problems)
    assert 0.01 * len(messy.deals) <= backwards <= 0.05 * len(messy.deals)
    assert len(report.action.unknown_types) > 0
    assert all(t.value for t in report.tiles.values())


# -- regression: every closed deal with its won / lost stage date (no fallback to `closed`) -------------
# (build_timeline once did ``deals.loc[empty mask, "won_date"] = Series``, which pandas 3 refuses)


def test_compute_when_every_closed_deal_has_its_stage_date(company, settings):
    frames = company.frames()
    deals, events = frames["deals"], frames["stage_events"]
    closed = deals[deals["stage"].isin([settings.won, settings.lost])]
    have = set(zip(events["deal_id"], events["stage"], strict=True))
    missing = closed[[(d, s) not in have for d, s in zip(closed["deal_id"], closed["stage"], strict=True)]]
    assert len(missing)  # the sample leaves a few out on purpose
    extra = pd.DataFrame({"deal_id": missing["deal_id"], "stage": missing["stage"], "date": missing["closed"],
                          "_row": missing.index.to_numpy() + 2, "_column": missing["stage"]})
    frames["stage_events"] = pd.concat([events, extra], ignore_index=True)
    report = compute(tables_from_frames(**frames), settings, month="2026-10", today=TODAY)
    assert report.tiles["deal_velocity"].value > 0


def test_generation_is_vectorised(settings):
    import time

    start = time.perf_counter()
    big = generate(settings=settings, leads=20_000, activities=200_000, deals=10_000, customers=2_000)
    assert len(big.activities) == 200_000
    assert time.perf_counter() - start < 5  # ~0.3 s; a per-row loop would take far longer
    assert np.isin(big.activities["owner"].unique(), big.reps).all()
