"""Pipeline against the sales target: coverage and expected attainment of the fiscal quarter, by hand.

Stage probabilities of the packaged config: Lead 0.1, Intake 0.2, Offerte 0.5, Onderhandeling 0.7.
"""

from __future__ import annotations

import copy
import datetime as dt
import math

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpi_xl import compute, parse_config, read_tables, udfs
from kpi_xl.config import default_config_path
from kpi_xl.excel import functions as fx
from kpi_xl.kpis import coverage as cv
from kpi_xl.tables.headers import REQUIRED

DEAL_HEADER = ["deal_id", "owner", "created", "value", "stage", "Lead", "Offerte", "Gewonnen", "Verloren"]
BASE = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def deal(deal_id, owner, created, value, stage, lead=None, quote=None, won=None, lost=None) -> list:
    return [deal_id, owner, d(created), value, stage, lead and d(lead), quote and d(quote), won and d(won),
            lost and d(lost)]


def config(won_revenue: dict | None, fiscal_start: int = 1):
    data = copy.deepcopy(BASE)
    data["fiscal_year_start_month"] = fiscal_start
    if won_revenue is None:
        data["targets"].pop("won_revenue", None)
    else:
        data["targets"]["won_revenue"] = won_revenue
    return parse_config(data)


def tables(deals: list[list], settings):
    rows = {name: [REQUIRED[name]] for name in ("Leads", "Activities", "Customers")}
    rows["Deals"] = [DEAL_HEADER, *deals]
    return read_tables(rows, settings)


@pytest.fixture(autouse=True)
def fresh_cache():
    fx.CACHE.clear()
    yield


# Q4 2026 (fiscal year = calendar year); report month 2026-10, as-of 2026-10-31.
QUARTER = [
    deal("W0", "Anna", "2026-08-01", 50000, "Gewonnen", lead="2026-08-01", won="2026-09-20"),  # last quarter
    deal("W1", "Anna", "2026-08-01", 60000, "Gewonnen", lead="2026-08-01", won="2026-10-10"),  # this quarter
    deal("L1", "Anna", "2026-09-01", 99000, "Verloren", lead="2026-09-01", lost="2026-10-12"),  # lost: nowhere
    deal("O1", "Anna", "2026-09-01", 210000, "Offerte", lead="2026-09-01", quote="2026-10-01"),  # 0.5
    deal("O2", "Bram", "2026-10-05", 150000, "Lead", lead="2026-10-05"),  # 0.1
]
TEAM_100K = {"team": 100000, "per_rep": {"overrides": {"Anna": 80000, "Carla": 10000}}}


def test_quarter_by_hand():
    settings = config(TEAM_100K)
    report = compute(tables(QUARTER, settings), settings, "2026-10")
    c = report.coverage
    assert (str(c.first_month), str(c.last_month), c.quarter) == ("2026-10", "2026-12", 4)
    assert c.target == 300000  # 3 × 100,000
    assert c.won_so_far == 60000  # W1 only: W0 was won in Q3, L1 was lost
    assert c.open_pipeline == 360000 == report.pipeline.value  # O1 210,000 + O2 150,000: the pipeline KPI's value
    assert c.weighted_pipeline == pytest.approx(120000)  # 210,000 × 0.5 + 150,000 × 0.1 = 105,000 + 15,000
    assert c.remaining == 240000  # 300,000 − 60,000
    assert c.coverage == pytest.approx(1.5)  # 360,000 ÷ 240,000
    assert c.expected_attainment == pytest.approx(0.6)  # (60,000 + 120,000) ÷ 300,000
    assert c.target_reached is False
    assert c.month_target == 100000


def test_per_rep_by_hand():
    settings = config(TEAM_100K)
    per_rep = compute(tables(QUARTER, settings), settings, "2026-10").coverage_per_rep
    assert list(per_rep.columns) == cv.PER_REP_COLUMNS
    anna, bram = (per_rep[per_rep["owner"] == name].iloc[0] for name in ("Anna", "Bram"))
    # Anna: 3 × 80,000 = 240,000; won 60,000; open 210,000 (weighted 105,000)
    assert anna["quarter_target"] == 240000 and anna["won_so_far"] == 60000 and anna["open_pipeline"] == 210000
    assert anna["coverage"] == pytest.approx(210000 / 180000)  # 210,000 ÷ (240,000 − 60,000) = 1.1667
    assert anna["expected_attainment"] == pytest.approx(0.6875)  # (60,000 + 105,000) ÷ 240,000
    # Bram: no override and no per-rep default → no target: empty, not a division by zero
    assert bram["open_pipeline"] == 150000 and bram["won_so_far"] == 0
    assert bram["quarter_target"] is None or math.isnan(bram["quarter_target"])
    assert bram["coverage"] is None or math.isnan(bram["coverage"])
    assert bram["expected_attainment"] is None or math.isnan(bram["expected_attainment"])
    assert not bram["target_reached"]
    # Carla has a target but no deal: she is not in the table (no open or won deal) ...
    assert "Carla" not in set(per_rep["owner"])
    # ... and the worksheet function gives her 0 coverage: 0 ÷ (3 × 10,000 − 0)
    assert fx.pipeline_coverage(settings, ([DEAL_HEADER, *QUARTER], 1), "carla", "2026-10") == 0.0


def test_no_target_is_empty_never_a_division_by_zero():
    settings = config(None)
    c = compute(tables(QUARTER, settings), settings, "2026-10").coverage
    assert c.target is None and c.remaining is None
    assert c.coverage is None and c.expected_attainment is None and c.target_reached is False
    assert c.won_so_far == 60000 and c.open_pipeline == 360000  # still shown


def test_empty_deals():
    settings = config(TEAM_100K)
    report = compute(tables([], settings), settings, "2026-10")
    c = report.coverage
    # nothing won, nothing open: 0 ÷ (300,000 − 0) = 0 coverage, 0 ÷ 300,000 expected
    assert (c.target, c.won_so_far, c.open_pipeline, c.coverage, c.expected_attainment) == (300000, 0, 0, 0, 0)
    assert report.coverage_per_rep.empty and list(report.coverage_per_rep.columns) == cv.PER_REP_COLUMNS


def test_target_reached():
    settings = config({"team": 100000})
    rows = [*QUARTER, deal("W2", "Bram", "2026-09-01", "€ 250.000", "Gewonnen", lead="2026-09-01", won="2026-10-20")]
    c = compute(tables(rows, settings), settings, "2026-10").coverage
    # won 60,000 + 250,000 = 310,000 ≥ 300,000: nothing remains → no coverage number, the flag instead
    assert c.won_so_far == 310000 and c.remaining == 0
    assert c.coverage is None and c.target_reached is True
    assert c.expected_attainment == pytest.approx(1.4333, abs=1e-4)  # (310,000 + 120,000) ÷ 300,000
    assert fx.pipeline_coverage(settings, ([DEAL_HEADER, *rows], 1), None, "2026-10") == "doel gehaald"


def test_target_exactly_reached_and_zero_target():
    assert cv.coverage(100.0, 300.0, 300.0) is None and cv.target_reached(300.0, 300.0)  # 300 − 300 = 0 left
    assert cv.coverage(100.0, 0.0, 0.0) is None and cv.target_reached(0.0, 0.0)  # a target of 0 is reached
    assert cv.expected_attainment(0.0, 50.0, 0.0) is None  # ÷ 0: empty
    assert cv.coverage(100.0, None, 0.0) is None and not cv.target_reached(None, 0.0)


def test_fiscal_year_from_april_with_a_ramp():
    # ramp from 2026-04: 100,000, +10,000 a month → Apr 100,000 + May 110,000 + Jun 120,000 = 330,000
    settings = config({"team": {"ramp": {"start": "2026-04", "from": 100000, "step": 10000}}}, fiscal_start=4)
    rows = [
        deal("W0", "Anna", "2026-02-01", 50000, "Gewonnen", lead="2026-02-01", won="2026-03-31"),  # Q4 of last FY
        deal("W1", "Anna", "2026-02-01", 33000, "Gewonnen", lead="2026-02-01", won="2026-04-01"),  # Q1, first day
    ]
    c = compute(tables(rows, settings), settings, "2026-05").coverage
    assert (str(c.first_month), str(c.last_month), c.quarter) == ("2026-04", "2026-06", 1)
    assert c.target == 330000 and c.won_so_far == 33000
    assert c.coverage == 0.0  # nothing open: 0 ÷ (330,000 − 33,000)
    assert c.expected_attainment == pytest.approx(0.1)  # 33,000 ÷ 330,000
    assert c.month_target == 110000  # May


@pytest.mark.parametrize(("month", "start", "expected"), [
    ("2026-05", 4, ["2026-04", "2026-05", "2026-06"]),
    ("2026-03", 4, ["2026-01", "2026-02", "2026-03"]),  # Q4 of the fiscal year 2025/26
    ("2026-01", 11, ["2025-11", "2025-12", "2026-01"]),  # a quarter across the calendar year
    ("2026-12", 1, ["2026-10", "2026-11", "2026-12"]),
    ("2026-07", 7, ["2026-07", "2026-08", "2026-09"]),
])
def test_quarter_months(month, start, expected):
    assert [str(m) for m in cv.quarter_months(pd.Period(month, freq="M"), start)] == expected


def test_month_in_the_middle_of_the_quarter_counts_only_up_to_the_as_of_date():
    settings = config({"team": 100000})
    rows = [
        deal("W1", "Anna", "2026-08-01", 60000, "Gewonnen", lead="2026-08-01", won="2026-10-10"),
        deal("W2", "Anna", "2026-08-01", 30000, "Gewonnen", lead="2026-08-01", won="2026-11-20"),
        deal("W3", "Bram", "2026-08-01", 40000, "Gewonnen", lead="2026-08-01", won="2026-12-05"),
    ]
    t = tables(rows, settings)
    # November, as-of 2026-11-30: W1 + W2 won = 90,000; W3 (won in December) was open at D in stage Lead
    c = compute(t, settings, "2026-11").coverage
    assert c.won_so_far == 90000 and c.open_pipeline == 40000 and c.weighted_pipeline == pytest.approx(4000)
    assert c.coverage == pytest.approx(40000 / 210000)  # 40,000 ÷ (300,000 − 90,000)
    assert c.expected_attainment == pytest.approx(0.3133, abs=1e-4)  # (90,000 + 4,000) ÷ 300,000
    # judged on 2026-11-15 (today inside November): W2 is not won yet and open (Lead, 0.1) too
    c = compute(t, settings, "2026-11", today=dt.date(2026, 11, 15)).coverage
    assert c.won_so_far == 60000 and c.open_pipeline == 70000  # W2 30,000 + W3 40,000
    assert c.coverage == pytest.approx(70000 / 240000)  # 70,000 ÷ (300,000 − 60,000)
    assert c.expected_attainment == pytest.approx(0.2233, abs=1e-4)  # (60,000 + 7,000) ÷ 300,000


def test_team_target_without_a_team_value_is_the_sum_of_the_reps():
    settings = config({"per_rep": {"default": 50000, "overrides": {"Bram": 20000}}})
    c = compute(tables(QUARTER, settings), settings, "2026-10").coverage
    # reps with an open or won deal: Anna (50,000) and Bram (20,000) → 3 × 70,000 = 210,000
    assert c.target == 210000
    assert c.coverage == pytest.approx(2.4)  # 360,000 ÷ (210,000 − 60,000)


def test_worksheet_function_equals_the_report():
    settings = config(TEAM_100K)
    report = compute(tables(QUARTER, settings), settings, "2026-10")
    rows = [DEAL_HEADER, *QUARTER]
    assert fx.pipeline_coverage(settings, (rows, 1), None, "2026-10") == report.coverage.coverage == 1.5
    anna = report.coverage_per_rep.set_index("owner").loc["Anna", "coverage"]
    assert fx.pipeline_coverage(settings, (rows, 1), " ANNA ", "2026-10") == pytest.approx(anna)
    assert fx.pipeline_coverage(settings, (rows, 1), "Bram", "2026-10") is None  # no target: an empty cell
    # the default month is the latest month with deals (2026-10), as on the Dashboard
    assert fx.pipeline_coverage(settings, (rows, 1)) == 1.5


def test_worksheet_function_with_the_packaged_config():
    # packaged: team 150,000 a month → Q4 target 450,000; W1 60,000 won; open 360,000 → 360,000 ÷ 390,000
    assert udfs.PIPELINE_COVERAGE([DEAL_HEADER, *QUARTER], None, "2026-10") == pytest.approx(360000 / 390000)
    assert udfs.PIPELINE_COVERAGE([DEAL_HEADER, *QUARTER], "Bram", "2026-10") == pytest.approx(150000 / 54000)
    assert udfs.PIPELINE_COVERAGE([DEAL_HEADER, *QUARTER], month="oktober").endswith("2026-10")  # readable error


def test_suggested_monthly_target():
    settings = config({"team": 100000})
    rows = [deal(f"W{m}", "Anna", "2026-06-01", 10000 * m, "Gewonnen", lead="2026-06-01", won=f"2026-{m:02d}-15")
            for m in (7, 8, 9)]
    c = compute(tables(rows, settings), settings, "2026-10").coverage
    # the 3 months before October: 70,000, 80,000, 90,000 → mean 80,000; 100,000 ≤ 1.5 × 90,000: not far off
    assert c.suggested.value == 80000 and c.suggested.based_on == 3 and not c.suggested.far_off


@hsettings(max_examples=200, deadline=None)
@given(target=st.one_of(st.none(), st.floats(0, 1e9)), won=st.floats(0, 1e9), open_=st.floats(0, 1e9),
       share=st.floats(0, 1))
def test_coverage_invariants(target, won, open_, share):
    weighted = open_ * share
    c = cv.coverage(open_, target, won)
    e = cv.expected_attainment(won, weighted, target)
    reached = cv.target_reached(target, won)
    if target is None:
        assert c is None and e is None and not reached
        return
    # exactly one of: a coverage number, or the target reached
    assert (c is None) == reached
    if c is not None:
        assert c >= 0 and c * (target - won) == pytest.approx(open_, rel=1e-9, abs=1e-6)
    if e is not None:
        assert e * target == pytest.approx(won + weighted, rel=1e-9, abs=1e-6)
        assert e >= won / target - 1e-12  # the weighted pipeline only adds


def test_won_revenue_target_mistakes_name_their_path():
    data = copy.deepcopy(BASE)
    data["targets"]["won_revenue"] = {"team": -5, "per_rep": {"default": {"ramp": {"start": "2026-13", "from": 1}}}}
    with pytest.raises(Exception) as err:
        parse_config(data)
    message = str(err.value)
    assert "targets.won_revenue.team.value: moet 0 of meer zijn, nu -5" in message
    assert "targets.won_revenue.per_rep.default.ramp.start:" in message


def test_packaged_config_has_a_won_revenue_target():
    settings = parse_config(copy.deepcopy(BASE))
    assert settings.targets.won_revenue.team.value == 150000
    assert settings.targets.won_revenue.per_rep.default.value == 18000
    assert settings.fiscal_year_start_month == 1


def test_worksheet_function_equals_the_report_on_the_demo():
    from kpi_xl import load_config
    from kpi_xl.sample import generate

    settings = load_config()
    rows = generate(seed=7).rows()
    report = compute(read_tables(rows, settings), settings)
    month = str(report.month)
    assert report.coverage.target == 450000  # packaged config: 3 × 150,000
    assert udfs.PIPELINE_COVERAGE(rows["Deals"], month=month) == pytest.approx(report.coverage.coverage, rel=1e-12)
    for row in report.coverage_per_rep.itertuples(index=False):
        assert row.quarter_target == 54000  # 3 × the per-rep default of 18,000
        assert udfs.PIPELINE_COVERAGE(rows["Deals"], row.owner, month) == pytest.approx(row.coverage, rel=1e-12)
    # one number: the team's open pipeline is the pipeline KPI's, the reps' won so far add up to the team's
    assert report.coverage.open_pipeline == report.pipeline.value == report.coverage_per_rep["open_pipeline"].sum()
    assert report.coverage_per_rep["won_so_far"].sum() == pytest.approx(report.coverage.won_so_far)


def test_the_terminal_says_coverage_and_expected_attainment_in_the_configs_language():
    from kpi_xl.report.console import coverage_line

    settings = config(TEAM_100K)
    report = compute(tables(QUARTER, settings), settings, "2026-10")
    # target 3 × 100,000; won 60,000; coverage 360,000 ÷ 240,000 = 1.5; expected 180,000 ÷ 300,000 = 60%
    assert coverage_line(report) == ("Pijplijn tegenover het omzetdoel van Q4 (€ 300.000, gewonnen € 60.000): "
                                     "dekking 1,5× · verwacht 60%")
    english = config(TEAM_100K).model_copy(update={"language": "en"})
    report_en = compute(tables(QUARTER, english), english, "2026-10")
    assert coverage_line(report_en) == ("Pipeline against the won-revenue target of Q4 (€300,000, won €60,000): "
                                        "coverage 1.5× · expected 60%")
    no_target = config(None)
    assert coverage_line(compute(tables(QUARTER, no_target), no_target, "2026-10")) is None
