"""What the meeting pages need from the KPI layer: the light that follows the printed %, the median on the
velocity card, the signed change, activity-type labels and the sleeping deals per rep.

The company is ``tests/company.py`` (report month 2026-10, as-of 2026-10-31); its numbers are worked out
by hand in ``tests/test_kpis_company.py`` and repeated here where a test needs them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl import compute
from kpi_xl.config import activity_label, load_config
from kpi_xl.kpis import targets as tg

try:
    from tests import company as co
except ImportError:  # pytest put tests/ itself on sys.path
    import company as co

d = co.d
LATER = dt.date(2027, 1, 15)
SETTINGS = co.settings()  # green from 100%, orange from 80%


@pytest.fixture(scope="module")
def report():
    return compute(co.tables(config=SETTINGS), SETTINGS, "2026-10", today=LATER)


# ----------------------------------------------------------------------------
# the traffic light follows the % that is shown


@pytest.mark.parametrize(("share", "percent", "light"), [
    (0.995, 100, "green"),  # 99.5% is printed "100%" (half away from zero, as Excel): green
    (0.9949, 99, "orange"),  # 99.49% → "99%"
    (0.795, 80, "orange"),  # 79.5% → "80%": orange from 80%
    (0.7949, 79, "red"),  # 79.49% → "79%": red
    (0.0, 0, "red"),
    (None, None, None),
    (float("nan"), None, None),
])
def test_light_on_the_edges(share, percent, light):
    assert tg.shown_percent(share) == percent
    assert tg.traffic_light(share, SETTINGS) == light


def test_ninety_against_ninety_is_green():
    # the demo's retention: 94 of 105 = 0.8952, shown "90%"; target 90% → 0.90 / 0.90 = 100%, green
    # (it used to be 0.8952 / 0.9 = 99.5% → "99%", orange, next to "90%" and "doel 90%")
    st_ = tg.status(94 / 105, 0.9, "retention", SETTINGS)
    assert (st_.share, st_.percent, st_.light) == (1.0, 100, "green")


@pytest.mark.parametrize(("days", "percent", "light"), [
    (50.4, 100, "green"),  # shown 50 d against 50: 50 / 50 = 100%
    (50.5, 98, "orange"),  # shown 51 d: 50 / 51 = 98.04% → "98%"
])
def test_velocity_light_from_the_days_shown(days, percent, light):
    st_ = tg.status(days, 50.0, "deal_velocity", SETTINGS)
    assert (st_.percent, st_.light) == (percent, light)


def test_tiles_and_rep_rows_carry_the_printed_percent(report):
    tiles = report.tiles
    assert (tiles["qualified_leads"].percent, tiles["qualified_leads"].light) == (57, "red")  # 4 / 7 = 57.1%
    assert (tiles["action_points"].percent, tiles["action_points"].light) == (88, "orange")  # 36 / 41 = 87.8%
    assert (tiles["deal_velocity"].percent, tiles["deal_velocity"].light) == (75, "red")  # 60 / 80
    assert (tiles["retention"].percent, tiles["retention"].light) == (83, "orange")  # 0.75 / 0.9 = 83.3%
    rows = report.action.per_rep
    # Anna 15 / 15 = 100%, Bram 11 / 13 = 84.6% → 85, Carla 9 / 13 = 69.2% → 69; unassigned has no target
    assert list(zip(rows["owner"][:3], rows["percent"][:3], rows["light"][:3], strict=True)) == [
        ("Anna", 100, "green"), ("Bram", 85, "orange"), ("Carla", 69, "red")]


@given(share=st.floats(0, 3))
def test_the_light_is_a_function_of_the_printed_percent(share):
    # two shares printed alike always get the same light
    percent = tg.shown_percent(share)
    assert tg.traffic_light(share, SETTINGS) == tg.traffic_light(percent / 100, SETTINGS)
    assert abs(percent - share * 100) <= 0.5 + 1e-9


# ----------------------------------------------------------------------------
# deal velocity: mean and median


def test_velocity_card_has_mean_and_median(report):
    tile = report.tiles["deal_velocity"]
    # won in the window: D07 61, D09 76, D01 91, D02 92 days → mean 320 / 4 = 80, median (76 + 91) / 2 = 83.5
    assert (tile.value, tile.median) == (80.0, 83.5)
    assert tile.median == report.cycle.median  # one number, one place
    assert all(t.median is None for k, t in report.tiles.items() if k != "deal_velocity")


def test_median_of_one_deal_and_of_none():
    one = co.mini(deals=[co.deal("D1", "Anna", d("2026-09-01"), 1000.0, "Gewonnen", Intake=d("2026-09-01"),
                                 Gewonnen=d("2026-10-10"))])
    # Sep 1 → Oct 10 = 29 + 10 = 39 days: mean and median 39
    assert compute(co.tables(one, SETTINGS), SETTINGS, "2026-10", today=LATER).tiles["deal_velocity"].median == 39.0
    empty = compute(co.tables(co.mini(), SETTINGS), SETTINGS, "2026-10", today=LATER)
    assert empty.tiles["deal_velocity"].median is None


# ----------------------------------------------------------------------------
# activity-type labels


def test_packaged_labels_in_both_languages():
    s = load_config()
    assert [activity_label(s, k) for k in s.points] == ["Bellen", "Voicemail", "E-mail", "LinkedIn", "Intake",
                                                       "Afspraak"]
    assert [activity_label(s, k, "en") for k in s.points] == ["Call", "Voicemail", "E-mail", "LinkedIn", "Intake",
                                                             "Meeting"]


def test_label_defaults_to_the_key_with_a_capital(report):
    # the company's config has no labels; an unknown type is named the same way
    assert [activity_label(SETTINGS, k) for k in ("call", "email", "whatsapp")] == ["Call", "Email", "Whatsapp"]
    # the per-rep table keeps the keys as its columns
    assert {"call", "email", "meeting"} <= set(report.action.per_rep.columns)


def test_a_label_in_one_language_only():
    s = co.settings(activity_types={**co.CONFIG["activity_types"],
                                    "call": {"points": 2, "label": {"nl": "Bellen"}}})
    assert (activity_label(s, "call", "nl"), activity_label(s, "call", "en")) == ("Bellen", "Call")


def test_a_bad_label_names_its_path():
    with pytest.raises(Exception, match=r"activity_types\.call\.label\.nl"):
        co.settings(activity_types={"call": {"points": 2, "label": {"nl": " "}}})
    with pytest.raises(Exception, match=r"activity_types\.call\.label\.de"):
        co.settings(activity_types={"call": {"points": 2, "label": {"de": "Anrufen"}}})


# ----------------------------------------------------------------------------
# sleeping deals per rep


def test_sleeping_deals_carry_their_owner_and_the_rep_is_on_the_coaching_list():
    raw = co.mini(deals=[
        # D1 idle since Jul 1 (created, Intake): 122 days > 30; it entered Intake in the window (1 deal for Dirk)
        # D2 has no owner and entered Intake in 2025, before the window (Nov 2025 – Oct 2026)
        co.deal("D1", "Dirk", d("2026-07-01"), 1000.0, "Intake", Intake=d("2026-07-01")),
        co.deal("D2", None, d("2025-06-01"), 2000.0, "Intake", Intake=d("2025-06-01")),
    ])
    r = compute(co.tables(raw, SETTINGS), SETTINGS, "2026-10", today=LATER)
    # D2: Jun 1 2025 → Oct 31 2026 = 365 + 152 = 517 days; D1: Jul 1 → Oct 31 = 30 + 31 + 30 + 31 = 122 days
    assert [(x.deal_id, x.owner, x.idle_days) for x in r.sleeping.itertuples()] == [
        ("D2", "(geen eigenaar)", 517), ("D1", "Dirk", 122)]
    # everyone with a sleeping deal is on the coaching list once; the unowned deal entered no stage in the window
    assert [(b.owner, b.deals, b.clear) for b in r.bottlenecks] == [("(geen eigenaar)", 0, False), ("Dirk", 1, False)]
