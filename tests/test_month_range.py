"""The month a refresh is asked for is checked like data, and History holds only months with data.

The small company below has dated rows in 2026-03 (a lead), 2026-04 (an activity) and 2026-05 (a
lead), so the months with data run from 2026-03 to 2026-05; today is 2026-11-02.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.tables import read_tables
from kpi_xl.workbook.refresh import plan_for
from tests import company
from tests.company import activity, d, lead, mini

NOW = dt.datetime(2026, 11, 2, 8, 30)
TODAY = dt.date(2026, 11, 2)
LEADS = [lead("L1", d("2026-03-10")), lead("L2", d("2026-05-20"))]
ACTIVITIES = [activity(d("2026-04-02"), "Anna", "call")]


def plan(raw, month=None, history=None):
    settings = company.settings()
    return plan_for(read_tables(raw, settings), settings, month, None, history or [], now=NOW, today=TODAY)


def history_months(history) -> list[str]:
    return [row[0] for row in history[1:]]


@pytest.mark.parametrize("month", ["2026-02", "2020-01", "2026-06", "2030-01"])
def test_a_month_outside_the_data_is_refused_naming_the_range(month):
    with pytest.raises(KpiError) as info:
        plan(mini(leads=LEADS, activities=ACTIVITIES), month)
    assert str(info.value) == (f"{month}: die maand valt buiten de gegevens; kies een maand van 2026-03 t/m 2026-05 / "
                               f"{month}: that month is outside the data; choose a month from 2026-03 to 2026-05")


@pytest.mark.parametrize("month", ["2026-03", "2026-04", "2026-05", "3-2026"])
def test_the_first_last_and_a_middle_month_are_accepted(month):
    report, _ = plan(mini(leads=LEADS, activities=ACTIVITIES), month)
    assert report.data_span == ("2026-03", "2026-05")


def test_a_date_typed_in_the_future_does_not_widen_the_range():
    typo = [*LEADS, lead("L3", d("2031-05-01"))]
    with pytest.raises(KpiError) as info:
        plan(mini(leads=typo, activities=ACTIVITIES), "2031-05")
    assert "2026-03 to 2026-05" in str(info.value)
    report, built = plan(mini(leads=typo, activities=ACTIVITIES))
    assert str(report.month) == "2026-05"
    assert history_months(built.history) == ["2026-03", "2026-04", "2026-05"]


def test_a_customer_who_started_earlier_does_not_widen_the_range():
    customers = [company.customer("C1", d("2019-12-01"))]
    with pytest.raises(KpiError, match="from 2026-03 to 2026-05"):
        plan(mini(leads=LEADS, activities=ACTIVITIES, customers=customers), "2020-01")


def test_with_customers_only_their_dates_are_the_range():
    customers = [company.customer("C1", d("2025-12-01")), company.customer("C2", d("2026-02-01"),
                                                                           until=d("2026-04-30"))]
    report, built = plan(mini(customers=customers), "2026-01")
    assert report.data_span == ("2025-12", "2026-04")
    assert history_months(built.history) == ["2025-12", "2026-01"]
    retention = L.HISTORY_COLUMNS.index("retention")
    assert built.history[-1][retention] == report.tiles["retention"].value


def test_history_holds_only_months_with_data():
    _, built = plan(mini(leads=LEADS, activities=ACTIVITIES), "2026-05")
    # the 12 trend months run from 2025-06; the data starts in 2026-03
    assert history_months(built.history) == ["2026-03", "2026-04", "2026-05"]
    leads_column = L.HISTORY_COLUMNS.index("qualified_leads")
    points_column = L.HISTORY_COLUMNS.index("action_points")
    rows = {row[0]: row for row in built.history[1:]}
    assert rows["2026-04"][points_column] == 2.0  # one call, 2 points
    assert rows["2026-03"][leads_column] == 1


def test_a_refresh_removes_rows_an_earlier_refresh_wrote_wrongly():
    _, first = plan(mini(leads=LEADS, activities=ACTIVITIES), "2026-05")
    columns = len(L.HISTORY_COLUMNS)
    wrong = [
        ["2025-01", 0, 0.0, None, None, None, 0.0, None],  # an empty month an old version wrote
        ["2030-01", 0, 0.0, 0.0, None, None, 0.0, dt.datetime(2026, 10, 1)],  # a refresh of --month 2030-01
        ["hallo", 1, 2, 3, 4, 5, 6, 7],
        [dt.datetime(2026, 4, 1), 9, 9.0, 123.0, None, None, 9.0, None],  # a month Excel turned into a date
    ]
    existing = [first.history[0], *wrong]
    _, second = plan(mini(leads=LEADS, activities=ACTIVITIES), None, history=existing)
    assert history_months(second.history) == ["2026-03", "2026-04", "2026-05"]
    april = second.history[2]
    assert len(april) == columns
    assert april[L.HISTORY_COLUMNS.index("pipeline_value")] == 123.0  # kept: not a trend column
    assert april[L.HISTORY_COLUMNS.index("action_points")] == 2.0  # the data's value, not the old 9


def test_an_empty_workbook_refreshes_its_month_only():
    report, built = plan(company.header_only())
    assert report.data_span is None
    assert history_months(built.history) == ["2026-11"]
    with pytest.raises(KpiError) as info:
        plan(company.header_only(), "2026-10")
    assert str(info.value) == ("2026-10: de werkmap bevat nog geen gedateerde rijen; laat de maand leeg / "
                               "2026-10: the workbook holds no dated rows yet; leave the month empty")
