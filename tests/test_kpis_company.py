"""Every number of the MonthReport for the hand-built company, worked out by hand.

The company lives in ``tests/company.py`` (raw Excel rows + its own config).
Report month 2026-10, judged at the as-of date 2026-10-31 (``today`` is passed
explicitly so the tests never depend on the real date). Day counts are written
out month by month: "Aug 11 → Sep 1 = 20 + 1 = 21" means 20 days left in
August after the 11th plus 1 day into September.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from kpi_xl import compute, prepare
from kpi_xl.kpis import velocity as ve

try:
    from tests import company as co
except ImportError:  # pytest put tests/ itself on sys.path
    import company as co

d = co.d

LATER = dt.date(2027, 1, 15)  # a "today" well after the report month: as-of = last day of the month
approx = pytest.approx


@pytest.fixture(scope="module")
def settings():
    return co.settings()


@pytest.fixture(scope="module")
def tables(settings):
    return co.tables(config=settings)


@pytest.fixture(scope="module")
def report(tables, settings):
    return compute(tables, settings, "2026-10", today=LATER)


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Rows of ``frame`` as tuples (NaN/NaT become None) for exact comparison."""
    out = []
    for row in frame[columns].itertuples(index=False):
        out.append(tuple(None if (not isinstance(v, str) and pd.isna(v)) else v for v in row))
    return out


def stages(report) -> pd.DataFrame:
    """``report.stage_times`` indexed by stage, with None where there is no number."""
    frame = report.stage_times.set_index("stage").astype(object)
    return frame.where(frame.notna(), None)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# ----------------------------------------------------------------------------
# the month and its as-of date


def test_month_and_as_of(report):
    assert str(report.month) == "2026-10"
    assert report.as_of == ts("2026-10-31")  # a past month: the last day of the month
    assert report.window.start == ts("2025-11-01")  # 12 months: 2025-11 .. 2026-10
    assert report.window.end == ts("2026-10-31")
    assert report.language == "nl"
    # months in which a lead, an activity or a deal is dated
    assert report.months_with_data == ["2025-10", "2025-12", "2026-05", "2026-06", "2026-07", "2026-08",
                                       "2026-09", "2026-10", "2026-11"]


def test_problems_list_the_unknown_activity_type(report):
    # A06 (Excel row 7) and A12 (Excel row 13) have type "whatsapp": not in the config
    found = sorted((p.table, p.row, p.column, p.value, p.code) for p in report.problems)
    assert found == [("Activities", 7, "Soort", "whatsapp", "unknown_activity_type"),
                     ("Activities", 13, "Soort", "whatsapp", "unknown_activity_type")]


# ----------------------------------------------------------------------------
# the five tiles


def test_tile_qualified_leads(report):
    tile = report.tiles["qualified_leads"]
    assert tile.value == 4  # October: L01, L02, L06 (manual ja), L07 (unassigned)
    # active reps = owners of October leads: Anna 2 + Bram 3 (override) + Carla 2 = 7 (unassigned has no target)
    assert tile.target == 7.0
    assert tile.share == approx(4 / 7)  # 0.571
    assert tile.light == "red"  # below 80%
    assert tile.previous == 2  # September: L09, L10 (L11 Retail, L12 employees empty)
    assert tile.change == 2  # 4 − 2
    # Jul 1 (L14), Aug 1 (L13), Sep 2 → mean 4/3 = 1.33 → two significant figures 1.3
    assert tile.suggested.value == 1.3
    assert tile.suggested.based_on == 3
    assert tile.suggested.far_off is True  # 7 > 1.5 × best month 2 = 3
    assert tile.lower_is_better is False
    assert tile.label == "Gekwalificeerde leads"


def test_tile_action_points(report):
    tile = report.tiles["action_points"]
    assert tile.value == 36.0  # Anna 15 + Bram 11 + Carla 9 + unassigned 1
    # Anna override 15 + Bram ramp 13 + Carla ramp 13 (ramp 10×1.1³ = 13.31, capped at 13) = 41
    assert tile.target == 41.0
    assert tile.share == approx(36 / 41)  # 0.878
    assert tile.light == "orange"  # 80% ≤ 87.8% < 100%
    assert tile.previous == 8.0  # September: Anna call 2 + Bram meeting 5 + Carla email 1
    assert tile.change == 28.0  # 36 − 8
    assert tile.suggested.value == 5.0  # Jul 2, Aug 5, Sep 8 → 15 / 3 = 5
    assert tile.suggested.far_off is True  # 41 > 1.5 × 8 = 12


def test_tile_pipeline_value(report):
    tile = report.tiles["pipeline_value"]
    assert tile.value == 79000.0  # open at Oct 31: D04 30000 + D05 8000 + D06 12000 + D08 4000 + D12 25000
    assert tile.target == 50000.0
    assert tile.share == approx(1.58)  # 79000 / 50000
    assert tile.light == "green"
    # Sep 30: D01 10000 (won Oct 31) + D03 5000 (lost Oct 10) + D04 30000 + D06 12000 = 57000
    assert tile.previous == 57000.0
    assert tile.change == 22000.0
    # Jul 31: D02 20000 + D06 12000 = 32000; Aug 31: + D01 10000 = 42000; Sep 30: 57000
    # mean 131000 / 3 = 43666.7 → 44000; 50000 is not above 1.5 × 57000
    assert tile.suggested.value == 44000.0
    assert tile.suggested.far_off is False


def test_tile_deal_velocity(report):
    tile = report.tiles["deal_velocity"]
    # won 2025-11-01..2026-10-31: D01 91, D02 92, D07 61, D09 76 → 320 / 4 = 80
    assert tile.value == 80.0
    assert tile.target == 60.0
    assert tile.share == approx(0.75)  # lower is better: 60 / 80
    assert tile.light == "red"
    assert tile.lower_is_better is True
    # Sep window 2025-10-01..2026-09-30: D02 92, D07 61, D09 76, D13 19 → 248 / 4 = 62
    assert tile.previous == 62.0
    assert tile.change == 18.0  # 80 − 62
    # Jul (D07 61, D09 76, D13 19) = 52, Aug = 52, Sep = 62 → 166 / 3 = 55.3 → 55
    assert tile.suggested.value == 55.0
    assert tile.suggested.far_off is False  # 60 is not below best 52 / 1.5 = 34.7


def test_tile_retention(report):
    tile = report.tiles["retention"]
    # (2025-10-31, 2026-10-31]: active at start C1 C2 C3 C5 = 4; at end C1 C2 C4 C5 = 4; new C4 = 1
    # (4 − 1) / 4 = 0.75
    assert tile.value == 0.75
    assert tile.target == 0.9
    assert tile.share == approx(0.75 / 0.9)  # 0.833
    assert tile.light == "orange"
    assert tile.previous == 0.75  # Sep 30: same four at both ends, C4 new → 3/4
    assert tile.change == 0.0
    assert tile.suggested.value == 0.75  # Jul, Aug, Sep all 0.75
    assert tile.suggested.far_off is False


# ----------------------------------------------------------------------------
# KPI 1 — qualified leads


def test_qualified_leads(report):
    q = report.qualified
    assert q.month_count == 4
    assert q.leads_in_month == 8  # L01..L08
    assert q.rate == 0.5  # 4 / 8
    # per owner (qualified desc, leads desc, name): Anna 2/2; Carla 1 of 2 (L06); unassigned 1 of 1 (L07);
    # Bram 0 of 3 (L03 Retail, L04 5 employees, L08 manual nee)
    assert records(q.per_owner, ["owner", "leads", "qualified"]) == [
        ("Anna", 2, 2), ("Carla", 2, 1), ("(geen eigenaar)", 1, 1), ("Bram", 3, 0)]
    # Website L01 L03 L05 L07 → 2; Event L02 L06 → 2; Referral L04 L08 → 0
    assert records(q.per_source, ["source", "leads", "qualified"]) == [
        ("Website", 4, 2), ("Event", 2, 2), ("Referral", 2, 0)]
    # checklist-decided and rejected in October: L03 (branche), L04 (omvang), L05 (branche and budget 2000)
    assert q.rejections.to_dict() == {"branche": 2, "omvang": 1, "budget": 1}
    assert q.top_rejection == "branche"
    by_month = {str(k): int(v) for k, v in q.by_month.items()}
    assert by_month == {"2026-07": 1, "2026-08": 1, "2026-09": 2, "2026-10": 4}  # L15 (November) is after D


def test_manual_qualified_column_overrides_the_checklist(tables, settings):
    leads = prepare(tables, settings).qualification.leads.set_index("lead_id")
    # L06: "ja" although the checklist fails (Retail, 3 employees, no budget)
    assert bool(leads.at["L06", "qualified"]) is True
    assert bool(leads.at["L06", "by_checklist"]) is False
    assert not leads.at["L06", "criterion: branche"] and not leads.at["L06", "criterion: omvang"]
    # L08: "nee" although every criterion passes (ICT, 200 employees, budget 50000)
    assert bool(leads.at["L08", "qualified"]) is False
    assert bool(leads.at["L08", "by_checklist"]) is False
    assert leads.at["L08", "criterion: branche"] and leads.at["L08", "criterion: omvang"]
    # L07: budget exactly 5000 passes "min 5000": optional score 1 reaches min_score 1
    assert bool(leads.at["L07", "qualified"]) is True and leads.at["L07", "score"] == 1.0
    # L05: required criteria... branche fails (Retail); L12: employees empty fails
    assert bool(leads.at["L05", "qualified"]) is False
    assert bool(leads.at["L12", "qualified"]) is False and not leads.at["L12", "criterion: omvang"]


# ----------------------------------------------------------------------------
# KPI 2 — action points


def test_action_points(report):
    a = report.action
    assert a.team_points == 36.0
    assert a.team_target == 41.0  # Anna 15 + Bram 13 + Carla 13: reps with activities in October
    assert a.team_share == approx(36 / 41)
    # Anna: call 2 + Bellen 2 + meeting 5 + email 1 + afspraak 5 + whatsapp 0 = 15 → 15/15 green
    # Bram: call 2 + MAIL 1 + email 1 + meeting 5 + call 2 + whatsapp 0 = 11 → 11/13 = 84.6% orange
    # Carla: call 2 + meeting 5 + call 2 = 9 → 9/13 = 69.2% red
    # unassigned: email 1, no target (not a rep)
    assert records(a.per_rep, ["owner", "points", "call", "email", "meeting", "target", "light"]) == [
        ("Anna", 15.0, 2, 1, 2, 15.0, "green"),
        ("Bram", 11.0, 2, 2, 1, 13.0, "orange"),
        ("Carla", 9.0, 2, 0, 1, 13.0, "red"),
        ("(geen eigenaar)", 1.0, 0, 1, 0, None, None),
    ]
    assert list(a.per_rep["share"][:3]) == approx([1.0, 11 / 13, 9 / 13])
    assert a.per_rep["share"].iloc[3] is None or pd.isna(a.per_rep["share"].iloc[3])
    assert records(a.unknown_types, ["type", "activities"]) == [("whatsapp", 2)]
    by_month = {str(k): v for k, v in a.by_month.items()}
    assert by_month == {"2026-07": 2.0, "2026-08": 5.0, "2026-09": 8.0, "2026-10": 36.0}  # November is after D


def test_action_point_ramp_in_an_earlier_month(tables, settings):
    # September: ramp 10 × 1.1² = 12.1 for Bram and Carla, Anna 15 → team 39.2
    september = compute(tables, settings, "2026-09", today=LATER)
    a = september.action
    assert records(a.per_rep, ["owner", "points", "target"]) == [
        ("Bram", 5.0, 12.1), ("Anna", 2.0, 15.0), ("Carla", 1.0, 12.1)]
    assert a.team_target == approx(39.2)
    # August: 10 × 1.1 = 11; only Carla is active
    august = compute(tables, settings, "2026-08", today=LATER)
    assert records(august.action.per_rep, ["owner", "points", "target"]) == [("Carla", 5.0, 11.0)]
    assert august.action.team_target == 11.0
    # July (the start month): 10; before the start month the start value too
    july = compute(tables, settings, "2026-07", today=LATER)
    assert records(july.action.per_rep, ["owner", "points", "target"]) == [("Bram", 2.0, 10.0)]


# ----------------------------------------------------------------------------
# KPI 3 — pipeline


def test_pipeline(report):
    p = report.pipeline
    assert p.value == 79000.0
    # D04 Offerte 30000 × 0.5 = 15000; D05 Intake 8000 × 0.2 = 1600; D06 Onderh 12000 × 0.8 = 9600;
    # D08 Lead 4000 × 0.1 = 400; D12 Offerte (won only on Nov 10) 25000 × 0.5 = 12500 → 39100
    assert p.weighted == approx(39100.0)
    assert p.deals == 5
    assert p.deals_without_value == 0
    assert records(p.per_stage, ["stage", "deals", "value"]) == [
        ("Lead", 1, 4000.0), ("Intake", 1, 8000.0), ("Offerte", 2, 55000.0), ("Onderhandeling", 1, 12000.0)]
    assert list(p.per_stage["weighted"]) == approx([400.0, 1600.0, 27500.0, 9600.0])
    # Carla D06 + D12 = 37000 (9600 + 12500), Anna D04 30000 (15000), Bram D05 + D08 = 12000 (1600 + 400)
    assert records(p.per_owner, ["owner", "deals", "value"]) == [
        ("Carla", 2, 37000.0), ("Anna", 1, 30000.0), ("Bram", 2, 12000.0)]
    assert list(p.per_owner["weighted"]) == approx([22100.0, 15000.0, 2000.0])


# ----------------------------------------------------------------------------
# KPI 4 — velocity


def test_cycle_time(report):
    c = report.cycle
    # D01 Aug 1 → Oct 31 = 31 + 30 + 30 = 91 (won on the last day of the month, date given as text)
    # D02 Jun 15 → Sep 15 = 15 + 31 + 31 + 15 = 92; D07 May 1 → Jul 1 = 31 + 30 = 61
    # D09 (no stage dates: won date = closed) Dec 1 → Feb 15 = 31 + 31 + 14 = 76
    # D12 won Nov 10 (after D), D13 won 2025-10-20 (before the window) do not count
    assert c.deals == 4
    assert c.mean == 80.0  # (91 + 92 + 61 + 76) / 4
    assert c.median == 83.5  # 61, 76, 91, 92 → (76 + 91) / 2


def test_time_in_stage(report):
    st = stages(report)
    assert list(st.index) == ["Lead", "Intake", "Offerte", "Onderhandeling"]
    # Lead: D01 Aug 1 → Aug 11 = 10, D04 Sep 10 → Sep 20 = 10; still there: D08 Oct 20 → Oct 31 = 11
    assert (st.at["Lead", "mean"], st.at["Lead", "median"], st.at["Lead", "deals"]) == (10.0, 10.0, 2)
    assert (st.at["Lead", "open_mean"], st.at["Lead", "open_deals"]) == (11.0, 1)
    # Intake: D01 Aug 11 → Sep 1 = 21, D02 Jun 15 → Jul 10 = 25, D03 Sep 1 → Sep 20 = 19,
    # D04 Sep 20 → Oct 5 = 15, D06 Jul 1 → Jul 20 = 19, D07 May 1 → May 20 = 19, D12 Oct 10 → Oct 15 = 5
    # mean 123 / 7 = 17.57; median of 5 15 19 19 19 21 25 = 19; still there: D05 Oct 1 → Oct 31 = 30
    assert st.at["Intake", "mean"] == approx(123 / 7)
    assert (st.at["Intake", "median"], st.at["Intake", "deals"]) == (19.0, 7)
    assert (st.at["Intake", "open_mean"], st.at["Intake", "open_deals"]) == (30.0, 1)
    # Offerte: D01 Sep 1 → Sep 21 = 20, D02 Jul 10 → Sep 15 = 21 + 31 + 15 = 67 (Onderh skipped: the stay
    # ends at Gewonnen), D03 Sep 20 → Oct 10 = 20, D06 Jul 20 → Aug 10 = 21, D07 May 20 → Jun 10 = 21
    # mean 149 / 5 = 29.8; median 21; still there: D04 Oct 5 → Oct 31 = 26, D12 Oct 15 → Oct 31 = 16 → 21
    assert st.at["Offerte", "mean"] == approx(29.8)
    assert (st.at["Offerte", "median"], st.at["Offerte", "deals"]) == (21.0, 5)
    assert (st.at["Offerte", "open_mean"], st.at["Offerte", "open_deals"]) == (21.0, 2)
    # Onderhandeling: D01 Sep 21 → Oct 31 = 9 + 31 = 40, D07 Jun 10 → Jul 1 = 21 → 30.5
    # still there: D06 Aug 10 → Oct 31 = 21 + 30 + 31 = 82
    assert (st.at["Onderhandeling", "mean"], st.at["Onderhandeling", "median"]) == (30.5, 30.5)
    assert st.at["Onderhandeling", "deals"] == 2
    assert (st.at["Onderhandeling", "open_mean"], st.at["Onderhandeling", "open_deals"]) == (82.0, 1)


def test_time_in_stage_with_open_stays_included(tables, settings):
    prepared = prepare(tables, settings)
    report = compute(prepared, settings, "2026-10", today=LATER)
    offerte = ve.time_in_stage(prepared.timeline, "Offerte", report.window, report.as_of, include_open=True)
    # completed 20, 67, 20, 21, 21 plus days so far 26 (D04) and 16 (D12) → 191 / 7
    assert offerte.deals == 7
    assert offerte.mean == approx(191 / 7)
    assert offerte.median == 21.0  # 16 20 20 21 21 26 67
    # per rep: Anna's Offerte stays: D01 20, D07 21 → 20.5
    anna = ve.time_in_stage(prepared.timeline, "Offerte", report.window, report.as_of, owner="anna")
    assert (anna.mean, anna.deals, anna.open_mean, anna.open_deals) == (20.5, 2, 26.0, 1)


def test_won_deal_stays_add_up_to_its_cycle_time(tables, settings):
    timeline = prepare(tables, settings).timeline
    stays = timeline.stays[timeline.stays["deal_id"] == "D01"]
    days = ((stays["end"] - stays["start"]).dt.days).tolist()
    assert days == [10, 21, 20, 40]  # Lead, Intake, Offerte, Onderhandeling
    assert sum(days) == 91  # = D01's cycle time


def test_sales_velocity(report):
    v = report.sales_velocity
    assert v.open_deals == 5
    # closed in the window: won D01 D02 D07 D09, lost D03 (Oct 10) D10 (Sep 25, from `closed`) → 4 / 6
    assert v.win_rate == approx(2 / 3)
    assert v.average_won_value == 13000.0  # (10000 + 20000 + 15000 + 7000) / 4
    assert v.average_cycle_days == 80.0
    assert v.per_day == approx(5 * (2 / 3) * 13000 / 80)  # 541.67 € per day


def test_sleeping_deals(report):
    # D06: stage change Aug 10, last activity Aug 20 (the Nov 2 one is after D) → Oct 31 − Aug 20 = 11+30+31 = 72
    #   > 30 days (Onderhandeling has no own limit)
    # not asleep: D04 activity Oct 14 → 17 ≤ 21 (Offerte's own limit; without the activity it would be 26);
    #   D05 Intake Oct 1 → exactly 30, not more than 30; D08 11; D12 activity Oct 19 → 12
    assert records(report.sleeping, ["deal_id", "owner", "stage", "idle_days", "value", "last_movement"]) == [
        ("D06", "Carla", "Onderhandeling", 72, 12000.0, ts("2026-08-20"))]


# ----------------------------------------------------------------------------
# KPI 5 — the customer relationship


def test_customer_relationship(report):
    c = report.customers
    assert c.active == 4  # C1 C2 C4 C5 (C5 leaves on Nov 15, after D; C6 starts in December)
    r = c.retention
    assert (r.active_start, r.active_end, r.new, r.churned) == (4, 4, 1, 1)
    assert r.rate == 0.75  # (4 − 1) / 4
    # revenue active at start: C1 10000 + C2 20000 + C3 5000 + C5 12000 = 47000; kept C1 C2 C5 = 42000
    assert r.revenue_rate == approx(42000 / 47000)
    # tenure at Oct 31: C1 since 2022-01-01: 1461 (2022..2025, 2024 leap) + 303 = 1764;
    # C2 since 2024-05-01: 730 + 183 = 913; C4 since 2026-03-01: 244; C5 since 2025-06-01: 365 + 152 = 517
    assert c.average_tenure_days == approx((1764 + 913 + 244 + 517) / 4)  # 859.5
    # needs attention (> 60 days): C4 never contacted (first), C2 last_contact Jun 1 → 152 days (the
    # activity of Nov 2 is after D); C5's old last_contact (Jul 1) is refreshed by the call of Oct 27
    assert records(c.needs_attention, ["customer_id", "company", "owner", "last_contact", "days_since_contact"]) == [
        ("C4", "Klant Vier", "Bram", None, None), ("C2", "Klant Twee", "Bram", ts("2026-06-01"), 152.0)]
    assert records(c.churned, ["customer_id", "until", "revenue"]) == [("C3", ts("2026-04-30"), 5000.0)]


def test_lookalike_leads(report):
    # profile = active customers C1 (ICT, 40, Noord), C2 (ICT, 120, Zuid), C4 (Bouw, 15, Oost), C5 (ICT, 8, Noord)
    # industry: ICT 3/4, Bouw 1/4; employees bands <10 1/4, 10–50 2/4, 50+ 1/4; region Noord 2/4, Zuid 1/4, Oost 1/4
    # score = (2 × industry + employees + region) / 4 × 100
    # open leads: L01..L10, L12 (L11 lost deal D03, L13 won deal D01, L14 customer C4, L15 after D;
    # L01 and L09 have deals that are not closed at D)
    lk = report.lookalikes
    assert records(lk, ["lead_id", "company", "owner", "score"]) == [
        ("L01", "Alfa BV", "Anna", 62.5),  # (2×.75 + .5 + .5) / 4
        ("L09", "Iota", "Anna", 62.5),  # (2×.75 + .5 + .5) / 4
        ("L04", "Delta", "Bram", 50.0),  # (2×.75 + .25 + .25) / 4
        ("L07", "Eta", None, 50.0),  # (2×.75 + .25 + .25) / 4
        ("L08", "Theta", "Bram", 50.0),  # (2×.75 + .25 + .25) / 4
        ("L12", "Mu", "Carla", 50.0),  # (2×.75 + 0 (employees empty) + .5) / 4
        ("L10", "Kappa", "Bram", 37.5),  # (2×.25 + .5 + .5) / 4
        ("L02", "Beta BV", "Anna", 25.0),  # (2×.25 + .25 + .25) / 4
        ("L03", "Gamma", "Bram", 25.0),  # (0 + .5 + .5) / 4
        ("L05", "Epsilon", "Carla", 25.0),  # (0 + .5 + .5) / 4
    ]  # top 10: L06 (12.5) is left off
    why = dict(zip(lk["lead_id"], lk["why"], strict=True))
    assert why["L01"] == "industry ICT 75%; employees 10–50 50%; region Noord 50%"
    assert why["L12"] == "industry ICT 75%; employees — 0%; region Noord 50%"  # employees empty
    assert why["L03"] == "industry Retail 0%; employees 10–50 50%; region Noord 50%"
    assert why["L08"] == "industry ICT 75%; employees 50+ 25%; region Zuid 25%"


# ----------------------------------------------------------------------------
# insight KPIs


def test_stage_conversion(report):
    # first entries in the window (events after D left out):
    # Lead: D01 (on, won), D04 (on), D08 → 3 entered, 2 advanced, 1 won
    # Intake: D01 D02 D03 D04 D05 D06 D07 D12 → 8; all but D05 moved on → 7; won D01 D02 D07 → 3
    # Offerte: D01 D02 D03 D04 D06 D07 D12 → 7; on: D01 D02 (won, Onderh skipped) D06 D07 → 4; won 3
    # Onderhandeling: D01 D06 D07 → 3; on (won): D01 D07 → 2
    assert records(report.conversion, ["stage", "entered", "advanced", "won"]) == [
        ("Lead", 3, 2, 1), ("Intake", 8, 7, 3), ("Offerte", 7, 4, 3), ("Onderhandeling", 3, 2, 2)]
    assert list(report.conversion["conversion"]) == approx([2 / 3, 7 / 8, 4 / 7, 2 / 3])
    assert list(report.conversion["won_share"]) == approx([1 / 3, 3 / 8, 3 / 7, 2 / 3])
    assert report.close_ratio == approx(2 / 3)  # won 4 ÷ (won 4 + lost 2)
    assert report.quote_to_close == approx(3 / 7)  # of the 7 Offerte entries, D01 D02 D07 won


def test_month_over_month_growth_and_won_revenue(report):
    assert report.won_revenue == 10000.0  # D01, won Oct 31
    assert report.growth["won_revenue"] == -0.5  # (10000 − 20000 (D02 in Sep)) / 20000
    assert report.growth["qualified_leads"] == 1.0  # (4 − 2) / 2


def test_bottlenecks(report):
    b = {x.owner: x for x in report.bottlenecks}
    assert list(b) == ["Anna", "Bram", "Carla"]
    # Anna (D01 D04 D07): Lead 2/2, Intake 3/3, Offerte 2/3 = 67% ≥ team 57%, Onderh 2/2: no shortfall
    anna = b["Anna"]
    assert (anna.deals, anna.stage, anna.rep_rate, anna.team_rate) == (3, None, None, None)
    assert anna.talking_point == {"nl": "geen duidelijk knelpunt", "en": "no clear bottleneck"}
    assert (anna.clear, anna.why_unclear) == (False, "small_gap")
    # her largest "shortfall" is Offerte: team 4/7 − her 2/3 = −2/21 = −9.52 points (above the team everywhere)
    assert anna.gap_points == approx(-200 / 21)
    # Bram (D02 D05 D08): Lead 0/1 vs 2/3 (short 0.67), Intake 1/2 vs 7/8 (0.375), Offerte 1/1 → Lead
    bram = b["Bram"]
    assert (bram.deals, bram.stage, bram.rep_rate) == (3, "Lead", 0.0)
    assert bram.clear and bram.gap_points == approx(200 / 3)  # 67 points ≥ min_gap_points 10
    assert bram.team_rate == approx(2 / 3)
    assert bram.talking_point == {
        "nl": "Lead → Intake 0% tegenover team 67%: waar loopt het vast? bespreek concrete deals",
        "en": "Lead → Intake 0% vs team 67%: where does it get stuck? discuss concrete deals"}
    # Carla (D03 D06 D12): Intake 3/3, Offerte 1/3 vs 4/7 (short 0.24), Onderh 0/1 vs 2/3 (0.67) → Onderh
    carla = b["Carla"]
    assert (carla.deals, carla.stage, carla.rep_rate) == (3, "Onderhandeling", 0.0)
    assert carla.talking_point == {
        "nl": "Onderhandeling → Gewonnen 0% tegenover team 67%: prijs of waarde? zit de beslisser aan tafel?",
        "en": "Onderhandeling → Gewonnen 0% vs team 67%: price or value? is the decision maker at the table?"}


def test_bottleneck_needs_min_deals(tables):
    # with min_deals 4 nobody has enough deals (each rep has 3 in the window): every rep stays, unclear
    strict = co.settings(bottleneck={**co.CONFIG["bottleneck"], "min_deals": 4})
    found = compute(co.tables(config=strict), strict, "2026-10", today=LATER).bottlenecks
    assert [(b.owner, b.deals, b.stage, b.why_unclear, b.gap_points) for b in found] == [
        ("Anna", 3, None, "few_deals", None), ("Bram", 3, None, "few_deals", None),
        ("Carla", 3, None, "few_deals", None)]
    assert {b.talking_point["nl"] for b in found} == {"geen duidelijk knelpunt"}


def test_trends(report):
    t = report.trends
    assert list(t["month"]) == [str(m) for m in pd.period_range("2025-11", "2026-10", freq="M")]
    assert list(t["qualified_leads"]) == [0] * 8 + [1, 1, 2, 4]  # Jul L14, Aug L13, Sep L09 L10, Oct 4
    # Feb D09 7000, Jul D07 15000, Sep D02 20000, Oct D01 10000
    assert list(t["won_revenue"]) == [0, 0, 0, 7000, 0, 0, 0, 0, 15000, 0, 20000, 10000]
    assert list(t["action_points"]) == [0] * 8 + [2, 5, 8, 36]


# ----------------------------------------------------------------------------
# other months of the same company


def test_a_past_month_gives_the_numbers_it_had(tables, settings):
    # refreshed in November or in January: September is judged on Sep 30 either way
    for today in (dt.date(2026, 11, 27), LATER):
        r = compute(tables, settings, "2026-09", today=today)
        assert r.as_of == ts("2026-09-30")
        # open at Sep 30: D01 Onderh (Sep 21) 10000×.8, D03 Offerte (Sep 20) 5000×.5 (lost only Oct 10),
        # D04 Intake (Sep 20, Offerte came Oct 5) 30000×.2, D06 Onderh 12000×.8
        assert r.pipeline.value == 57000.0
        assert r.pipeline.weighted == approx(8000 + 2500 + 6000 + 9600)
        assert records(r.pipeline.per_stage, ["stage", "deals", "value"]) == [
            ("Lead", 0, 0.0), ("Intake", 1, 30000.0), ("Offerte", 1, 5000.0), ("Onderhandeling", 2, 22000.0)]
        assert r.qualified.month_count == 2 and r.qualified.leads_in_month == 4
        # window 2025-10-01..2026-09-30: D13 19, D09 76, D07 61, D02 92
        assert (r.cycle.mean, r.cycle.median, r.cycle.deals) == (62.0, 68.5, 4)
        assert r.won_revenue == 20000.0
        # D06 last movement Aug 20 → Sep 30 = 11 + 30 = 41 > 30
        assert records(r.sleeping, ["deal_id", "idle_days"]) == [("D06", 41)]
        assert r.tiles["retention"].value == 0.75
        assert r.customers.active == 4
        # Offerte at Sep 30: completed D01 20, D02 67, D06 21, D07 21 → 32.25; D03 Sep 20 → 10 so far
        st = stages(r)
        assert st.at["Offerte", "mean"] == approx((20 + 67 + 21 + 21) / 4)
        assert (st.at["Offerte", "open_mean"], st.at["Offerte", "open_deals"]) == (10.0, 1)


def test_today_inside_the_month_is_the_as_of_date(tables, settings):
    r = compute(tables, settings, "2026-10", today=dt.date(2026, 10, 20))
    assert r.as_of == ts("2026-10-20")
    assert r.window.end == ts("2026-10-20")
    # open at Oct 20: D01 Onderh 10000 (won Oct 31), D04 Offerte 30000, D05 Intake 8000, D06 Onderh 12000,
    # D08 Lead 4000 (created that day), D12 Offerte 25000; D03 was lost on Oct 10
    assert r.pipeline.value == 89000.0
    assert r.pipeline.weighted == approx(8000 + 15000 + 1600 + 9600 + 400 + 12500)  # 47100
    # leads of October created up to Oct 20: L01..L07 (L08 is dated Oct 31); qualified L01 L02 L06 L07
    assert r.qualified.month_count == 4
    assert r.qualified.leads_in_month == 7
    assert r.qualified.rate == approx(4 / 7)
    # activities up to Oct 20: Anna 2+2+5+1+5 = 15, Bram 2+1+1 = 4, Carla 2+5 = 7, unassigned 1 → 27
    assert r.action.team_points == 27.0
    assert records(r.action.per_rep, ["owner", "points"]) == [
        ("Anna", 15.0), ("Carla", 7.0), ("Bram", 4.0), ("(geen eigenaar)", 1.0)]
    assert r.action.unknown_types.empty  # both whatsapp rows are dated after Oct 20
    # won in 2025-11-01..2026-10-20: D02 92, D07 61, D09 76 (D01 only on Oct 31)
    assert r.cycle.mean == approx(229 / 3)
    assert r.won_revenue == 0.0
    assert r.growth["won_revenue"] == -1.0  # (0 − 20000) / 20000
    # D06: Aug 20 → Oct 20 = 11 + 30 + 20 = 61; D01 last activity Oct 6 → 14 ≤ 30
    assert records(r.sleeping, ["deal_id", "idle_days"]) == [("D06", 61)]
    assert r.tiles["retention"].value == 0.75  # (2025-10-20, 2026-10-20]: C1 C2 C3 C5 → C1 C2 C4 C5, new C4
    assert r.tiles["pipeline_value"].previous == 57000.0  # September is still judged on Sep 30
    assert r.trends["qualified_leads"].iloc[-1] == 4
    assert r.trends["action_points"].iloc[-1] == 27.0


# ----------------------------------------------------------------------------
# special cases, each with its own small company


def test_empty_tables_give_nones_and_zeros():
    s = co.settings()
    r = compute(co.tables(co.header_only(), s), s, "2026-10", today=LATER)
    assert r.as_of == ts("2026-10-31")
    t = r.tiles
    assert (t["qualified_leads"].value, t["qualified_leads"].target, t["qualified_leads"].share) == (0, None, None)
    assert (t["action_points"].value, t["action_points"].target, t["action_points"].light) == (0.0, None, None)
    # pipeline 0 against a team target of 50000: 0% → red
    assert (t["pipeline_value"].value, t["pipeline_value"].share, t["pipeline_value"].light) == (0.0, 0.0, "red")
    assert (t["deal_velocity"].value, t["deal_velocity"].share, t["deal_velocity"].previous) == (None, None, None)
    assert (t["retention"].value, t["retention"].light, t["retention"].suggested.value) == (None, None, None)
    assert t["deal_velocity"].suggested.based_on == 0
    assert (r.qualified.month_count, r.qualified.leads_in_month, r.qualified.rate) == (0, 0, None)
    assert r.qualified.top_rejection is None and r.qualified.per_owner.empty
    assert (r.action.team_points, r.action.team_target, r.action.team_share) == (0.0, None, None)
    assert r.action.per_rep.empty and r.action.unknown_types.empty
    assert (r.pipeline.value, r.pipeline.weighted, r.pipeline.deals) == (0.0, 0.0, 0)
    assert records(r.pipeline.per_stage, ["stage", "deals", "value", "weighted"]) == [
        ("Lead", 0, 0.0, 0.0), ("Intake", 0, 0.0, 0.0), ("Offerte", 0, 0.0, 0.0), ("Onderhandeling", 0, 0.0, 0.0)]
    assert r.pipeline.per_owner.empty
    assert (r.cycle.mean, r.cycle.median, r.cycle.deals) == (None, None, 0)
    assert records(r.stage_times, ["mean", "deals", "open_mean", "open_deals"]) == [(None, 0, None, 0)] * 4
    assert (r.sales_velocity.per_day, r.sales_velocity.open_deals, r.sales_velocity.win_rate) == (None, 0, None)
    assert r.sleeping.empty
    c = r.customers
    assert (c.active, c.retention.rate, c.retention.revenue_rate, c.average_tenure_days) == (0, None, None, None)
    assert c.needs_attention.empty and c.churned.empty
    assert r.lookalikes.empty
    assert list(r.conversion["entered"]) == [0, 0, 0, 0]
    assert r.conversion["conversion"].isna().all()
    assert (r.close_ratio, r.quote_to_close, r.won_revenue) == (None, None, 0.0)
    assert r.growth == {"won_revenue": None, "qualified_leads": None}
    assert r.bottlenecks == []
    assert len(r.trends) == 12 and not r.trends[["qualified_leads", "won_revenue", "action_points"]].any().any()
    assert r.problems == [] and r.months_with_data == []


def test_one_row_per_table():
    s = co.settings()
    raw = co.mini(
        leads=[co.lead("L1", d("2026-10-05"), "Anna", budget=6000.0)],  # ICT, 20 employees: qualified
        activities=[co.activity(d("2026-10-06"), "Anna", "call", deal="D1")],
        deals=[co.deal("D1", "Anna", d("2026-09-01"), 1000.0, "Gewonnen", lead="L1",
                       Intake=d("2026-09-01"), Offerte=d("2026-09-15"), Gewonnen=d("2026-10-10"))],
        customers=[co.customer("C1", d("2026-10-10"), revenue=1000.0, lead="L1")],
    )
    r = compute(co.tables(raw, s), s, "2026-10", today=LATER)
    ql = r.tiles["qualified_leads"]
    assert (ql.value, ql.target, ql.share, ql.light) == (1, 2.0, 0.5, "red")  # Anna's default 2
    ap = r.tiles["action_points"]
    assert (ap.value, ap.target, ap.share) == (2.0, 15.0, approx(2 / 15))  # one call; Anna's override 15
    assert (r.pipeline.value, r.pipeline.deals) == (0.0, 0)  # the only deal is won
    # Sep 1 → Oct 10 = 29 + 10 = 39
    assert (r.cycle.mean, r.cycle.median, r.cycle.deals) == (39.0, 39.0, 1)
    st = stages(r)
    assert st.at["Intake", "mean"] == 14.0  # Sep 1 → Sep 15
    assert st.at["Offerte", "mean"] == 25.0  # Sep 15 → Oct 10 = 15 + 10
    assert st.at["Lead", "deals"] == 0 and st.at["Lead", "mean"] is None
    assert (r.close_ratio, r.quote_to_close) == (1.0, 1.0)
    assert r.sales_velocity.per_day == 0.0  # 0 open deals × 1.0 × 1000 / 39
    assert r.won_revenue == 1000.0 and r.growth["won_revenue"] is None  # nothing won in September
    c = r.customers
    assert c.active == 1 and c.retention.rate is None  # nobody was a customer on 2025-10-31
    assert c.retention.new == 1
    assert c.average_tenure_days == 21.0  # Oct 10 → Oct 31
    # the call was about the deal, not the customer: no contact at all
    assert records(c.needs_attention, ["customer_id", "last_contact"]) == [("C1", None)]
    assert r.lookalikes.empty  # L1 is a customer now (and its deal is won)
    # Anna has 1 deal, fewer than min_deals 2: listed, without a bottleneck
    assert [(b.owner, b.deals, b.clear, b.why_unclear) for b in r.bottlenecks] == [("Anna", 1, False, "few_deals")]
    assert records(r.conversion, ["stage", "entered", "advanced", "won"]) == [
        ("Lead", 0, 0, 0), ("Intake", 1, 1, 1), ("Offerte", 1, 1, 1), ("Onderhandeling", 0, 0, 0)]


def test_a_skipped_stage_has_no_stay():
    s = co.settings()
    raw = co.mini(deals=[
        # D1 skips Offerte: Intake Sep 1 → Onderh Sep 11 → won Oct 1
        co.deal("D1", "Anna", d("2026-09-01"), 1000.0, "Gewonnen", Intake=d("2026-09-01"),
                Onderhandeling=d("2026-09-11"), Gewonnen=d("2026-10-01")),
        # D2 goes through Offerte: Sep 5 → Sep 25 = 20 days
        co.deal("D2", "Bram", d("2026-09-01"), 1000.0, "Gewonnen", Intake=d("2026-09-01"), Offerte=d("2026-09-05"),
                Onderhandeling=d("2026-09-25"), Gewonnen=d("2026-10-05")),
    ])
    r = compute(co.tables(raw, s), s, "2026-10", today=LATER)
    st = stages(r)
    assert (st.at["Offerte", "mean"], st.at["Offerte", "deals"]) == (20.0, 1)  # D2 only, not (20 + 0) / 2
    assert (st.at["Intake", "mean"], st.at["Intake", "deals"]) == (7.0, 2)  # D1 Sep 1 → Sep 11 = 10, D2 4
    assert (st.at["Onderhandeling", "mean"], st.at["Onderhandeling", "deals"]) == (15.0, 2)  # D1 20, D2 10
    assert (st.at["Lead", "mean"], st.at["Lead", "deals"]) == (None, 0)  # nobody entered Lead
    assert r.cycle.mean == 32.0  # D1 30 (Sep 1 → Oct 1), D2 34 (Sep 1 → Oct 5)
    conv = r.conversion.set_index("stage")
    assert conv.at["Offerte", "entered"] == 1  # D1 never entered Offerte
    assert conv.at["Intake", "advanced"] == 2  # skipping a stage is still moving on


def test_re_entered_stages_from_stage_history_add_up():
    s = co.settings()
    raw = co.mini(
        # the per-stage columns say something else: the StageHistory table wins
        deals=[co.deal("D1", "Anna", d("2026-08-01"), 5000.0, "Gewonnen", Intake=d("2026-01-01"),
                       Offerte=d("2026-03-01"), Gewonnen=d("2026-04-01"))],
        history=[  # in the sheet out of date order on purpose
            ["D1", "Offerte", d("2026-08-11")],
            ["D1", "Intake", d("2026-08-01")],
            ["D1", "Intake", d("2026-08-21")],
            ["D1", "Offerte", d("2026-09-05")],
            ["D1", "won", d("2026-09-20")],
        ],
    )
    tables = co.tables(raw, s)
    assert tables.history_source == "table"
    r = compute(tables, s, "2026-09", today=LATER)
    st = stages(r)
    # Intake Aug 1 → Aug 11 = 10, again Aug 21 → Sep 5 = 10 + 5 = 15 → 25 (one deal, cumulative)
    assert (st.at["Intake", "mean"], st.at["Intake", "deals"]) == (25.0, 1)
    # Offerte Aug 11 → Aug 21 = 10, again Sep 5 → Sep 20 = 15 → 25
    assert (st.at["Offerte", "mean"], st.at["Offerte", "deals"]) == (25.0, 1)
    # cycle Aug 1 → Sep 20 = 30 + 20 = 50 = 25 + 25
    assert (r.cycle.mean, r.cycle.deals) == (50.0, 1)
    assert r.won_revenue == 5000.0
    assert not [p for p in r.problems if p.code == "stage_date_order"]
    # at Aug 25 the deal was back in Intake (since Aug 21): 4 days so far, 10 completed
    mid = compute(tables, s, "2026-08", today=dt.date(2026, 8, 25))
    st = stages(mid)
    assert records(mid.pipeline.per_stage, ["stage", "deals"])[1] == ("Intake", 1)
    assert (st.at["Intake", "mean"], st.at["Intake", "open_mean"]) == (10.0, 4.0)
    assert st.at["Offerte", "mean"] == 10.0


def test_stage_dates_out_of_order_are_a_problem_and_left_out():
    s = co.settings()
    raw = co.mini(deals=[
        # D1 (open): Offerte Jul 20 is before Intake Aug 1
        co.deal("D1", "Anna", d("2026-08-01"), 10000.0, "Onderhandeling", Intake=d("2026-08-01"),
                Offerte=d("2026-07-20"), Onderhandeling=d("2026-09-01")),
        # D2 (won): Onderhandeling Aug 10 is before Offerte Aug 20
        co.deal("D2", "Bram", d("2026-08-01"), 20000.0, "Gewonnen", Intake=d("2026-08-01"),
                Offerte=d("2026-08-20"), Onderhandeling=d("2026-08-10"), Gewonnen=d("2026-09-30")),
    ])
    r = compute(co.tables(raw, s), s, "2026-09", today=LATER)
    order = sorted((p.row, p.column, p.value, p.params["stage"], p.params["earlier"], p.params["earlier_date"])
                   for p in r.problems if p.code == "stage_date_order")
    assert order == [
        (2, "Offerte", dt.date(2026, 7, 20), "Offerte", "Intake", "2026-08-01"),
        (3, "Onderhandeling", dt.date(2026, 8, 10), "Onderhandeling", "Offerte", "2026-08-20"),
    ]
    assert len(r.problems) == 2
    # the deals still count: D1 is open in Onderhandeling at Sep 30, D2 is won
    assert (r.pipeline.value, r.pipeline.weighted, r.pipeline.deals) == (10000.0, 8000.0, 1)
    assert r.won_revenue == 20000.0
    assert (r.cycle.mean, r.cycle.deals) == (60.0, 1)  # D2 Aug 1 → Sep 30 = 30 + 30
    st = stages(r)
    # Intake: D2 Aug 1 → Aug 10 (next stage by date) = 9; D1's Intake and Offerte are left out
    assert (st.at["Intake", "mean"], st.at["Intake", "deals"]) == (9.0, 1)
    # Offerte: D1 and D2 both left out (no stay, not 0)
    assert (st.at["Offerte", "mean"], st.at["Offerte", "deals"], st.at["Offerte", "open_deals"]) == (None, 0, 0)
    # Onderhandeling: D2's left out; D1 there since Sep 1 → 29 days so far
    assert st.at["Onderhandeling", "deals"] == 0
    assert (st.at["Onderhandeling", "open_mean"], st.at["Onderhandeling", "open_deals"]) == (29.0, 1)


def test_won_on_the_last_day_of_the_month():
    s = co.settings()
    raw = co.mini(deals=[
        co.deal("D1", "Anna", d("2026-10-01"), 7000.0, "Gewonnen", Intake=d("2026-10-01"), Gewonnen=d("2026-10-31")),
        co.deal("D2", "Anna", d("2026-10-01"), 3000.0, "Gewonnen", Intake=d("2026-10-01"), Gewonnen=d("2026-11-01")),
    ])
    tables = co.tables(raw, s)
    for today in (dt.date(2026, 10, 31), LATER):  # on the day itself and refreshed later
        r = compute(tables, s, "2026-10", today=today)
        assert r.as_of == ts("2026-10-31")
        assert r.won_revenue == 7000.0  # D1 only
        assert (r.cycle.mean, r.cycle.deals) == (30.0, 1)  # Oct 1 → Oct 31
        assert (r.pipeline.value, r.pipeline.deals) == (3000.0, 1)  # D2 still open on Oct 31
        assert r.trends["won_revenue"].iloc[-1] == 7000.0
    november = compute(tables, s, "2026-11", today=LATER)
    assert november.won_revenue == 3000.0
    assert november.growth["won_revenue"] == approx(3000 / 7000 - 1)
    assert november.pipeline.value == 0.0


def test_leap_day():
    s = co.settings()
    raw = co.mini(
        leads=[co.lead("L1", "29-02-2028", "Anna")],  # text date on the leap day
        activities=[co.activity(d("2028-02-29"), "Anna", "meeting", customer="C1")],
        deals=[
            co.deal("D1", "Anna", d("2028-01-31"), 4000.0, "Gewonnen", Intake=d("2028-01-31"),
                    Offerte=d("2028-02-10"), Gewonnen=d("2028-02-29")),
            co.deal("D2", "Bram", d("2028-02-01"), 6000.0, "Intake", Intake=d("2028-02-01")),
        ],
        customers=[co.customer("C1", d("2027-02-28"), revenue=1000.0)],
    )
    tables = co.tables(raw, s)
    for today in (dt.date(2028, 2, 29), dt.date(2028, 6, 1)):
        r = compute(tables, s, "2028-02", today=today)
        assert r.as_of == ts("2028-02-29")
        assert r.qualified.month_count == 1  # the lead of Feb 29 belongs to February
        assert r.action.team_points == 5.0
        assert (r.cycle.mean, r.cycle.deals) == (29.0, 1)  # Jan 31 → Feb 29 = 29
        st = stages(r)
        assert st.at["Intake", "mean"] == 10.0  # Jan 31 → Feb 10
        assert st.at["Offerte", "mean"] == 19.0  # Feb 10 → Feb 29
        assert (st.at["Intake", "open_mean"], st.at["Intake", "open_deals"]) == (28.0, 1)  # D2 Feb 1 → Feb 29
        assert r.pipeline.value == 6000.0
        assert r.customers.average_tenure_days == 366.0  # 2027-02-28 → 2028-02-29
        # 12 months before Feb 29 is 2027-02-28: C1 (since that day) was active at the start → 1/1
        assert (r.customers.retention.rate, r.customers.retention.new) == (1.0, 0)
        assert r.customers.needs_attention.empty  # the meeting of Feb 29 is contact


def test_deals_still_open_at_the_as_of_date():
    s = co.settings()
    raw = co.mini(deals=[
        co.deal("D1", "Anna", d("2026-09-01"), 9000.0, "Offerte", Intake=d("2026-09-01"), Offerte=d("2026-10-10")),
    ])
    tables = co.tables(raw, s)
    october = compute(tables, s, "2026-10", today=LATER)
    st = stages(october)
    assert (st.at["Intake", "mean"], st.at["Intake", "deals"]) == (39.0, 1)  # Sep 1 → Oct 10 = 29 + 10
    assert (st.at["Offerte", "mean"], st.at["Offerte", "deals"]) == (None, 0)  # not completed
    assert (st.at["Offerte", "open_mean"], st.at["Offerte", "open_deals"]) == (21.0, 1)  # Oct 10 → Oct 31
    assert (october.pipeline.value, october.pipeline.weighted) == (9000.0, 4500.0)
    assert october.cycle.deals == 0 and october.cycle.mean is None
    assert october.sleeping.empty  # 21 idle days, not more than Offerte's 21
    assert october.sales_velocity.open_deals == 1 and october.sales_velocity.per_day is None  # nothing won yet
    september = compute(tables, s, "2026-09", today=LATER)
    st = stages(september)
    assert (st.at["Intake", "deals"], st.at["Intake", "open_mean"]) == (0, 29.0)  # Sep 1 → Sep 30 so far
    assert records(september.pipeline.per_stage, ["stage", "deals", "value"])[1] == ("Intake", 1, 9000.0)
    assert september.pipeline.weighted == approx(1800.0)  # 9000 × 0.2
    november = compute(tables, s, "2026-11", today=LATER)
    assert records(november.sleeping, ["deal_id", "stage", "idle_days"]) == [("D1", "Offerte", 51)]  # Oct 10 → Nov 30
    assert not math.isnan(november.pipeline.value) and november.pipeline.value == 9000.0


def test_deal_closed_later_without_stage_dates_is_open_in_the_first_stage():
    s = co.settings()
    raw = co.mini(deals=[
        # no stage dates, only `closed` (after the as-of date): at Oct 31 both were still open
        co.deal("D1", "Anna", d("2026-10-01"), 10000.0, "Gewonnen", closed=d("2026-11-20")),
        co.deal("D2", "Bram", d("2026-10-01"), 5000.0, "Verloren", closed=d("2026-11-15")),
    ])
    tables = co.tables(raw, s)
    october = compute(tables, s, "2026-10", today=LATER)
    # stage unknown before closing: the first configured stage (Lead, 0.1), not Gewonnen at 100% / Verloren at 0%
    assert (october.pipeline.value, october.pipeline.deals) == (15000.0, 2)
    assert october.pipeline.weighted == approx(1500.0)  # 10000 × 0.1 + 5000 × 0.1
    assert records(october.pipeline.per_stage, ["stage", "deals", "value"])[0] == ("Lead", 2, 15000.0)
    assert october.pipeline.per_stage["deals"].sum() == 2  # every open deal is in an open stage
    november = compute(tables, s, "2026-11", today=LATER)
    assert (november.pipeline.value, november.won_revenue, november.close_ratio) == (0.0, 10000.0, 0.5)
    assert november.cycle.mean == 50.0  # Oct 1 → Nov 20 = 30 + 20


def test_leads_without_source_are_grouped_as_no_source(settings):
    from kpi_xl.kpis import qualified_leads as ql

    leads = pd.DataFrame({"lead_id": ["A", "B", "C"], "created": pd.to_datetime(["2026-10-01"] * 3),
                          "owner": ["Anna", None, "Anna"], "source": ["Website", None, None],
                          "qualified": pd.array([True, True, False], dtype="boolean")})
    q = ql.qualify(leads, settings)
    result = ql.qualified_leads(q, pd.Period("2026-10", "M"), "(geen eigenaar)", None, "(geen bron)")
    # B and C have no source: 2 leads, 1 qualified (B, manual yes); A Website 1/1
    assert records(result.per_source, ["source", "leads", "qualified"]) == [
        ("(geen bron)", 2, 1), ("Website", 1, 1)]
    assert records(result.per_owner, ["owner", "leads", "qualified"]) == [
        ("Anna", 2, 1), ("(geen eigenaar)", 1, 1)]
