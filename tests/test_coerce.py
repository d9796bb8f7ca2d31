"""Cell values as Excel hands them over → typed columns (the ``to_*`` functions of kpi_xl.tables.coerce)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kpi_xl.errors import KpiError
from kpi_xl.tables import coerce

NAT = pd.NaT


def col(*values) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def one_date(value):
    dates, bad = coerce.to_dates(col(value))
    return dates.iloc[0], bool(bad.iloc[0])


def one_amount(value):
    amounts, bad = coerce.to_money(col(value))
    return amounts.iloc[0], bool(bad.iloc[0])


# ----------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(2026, 3, 31), "2026-03-31"),
        (dt.datetime(2026, 3, 31, 23, 59, 59), "2026-03-31"),  # the time is dropped
        (dt.datetime(2026, 3, 31, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))), "2026-03-31"),
        (dt.date(2026, 3, 31), "2026-03-31"),
        (pd.Timestamp("2026-03-31 08:00"), "2026-03-31"),
        (np.datetime64("2026-03-31"), "2026-03-31"),
        (46000, "2025-12-09"),  # Excel serial numbers
        (46000.75, "2025-12-09"),  # serial with a time of day
        (45351, "2024-02-29"),  # leap day
        (45658, "2025-01-01"),
        (1, "1900-01-01"),  # Excel's day 1
        (59, "1900-02-28"),
        (61, "1900-03-01"),  # Excel counts a 1900-02-29 that never was
        ("46000", "2025-12-09"),  # a serial number stored as text
        ("2026-03-31", "2026-03-31"),
        ("31-03-2026", "2026-03-31"),
        ("31/03/2026", "2026-03-31"),
        ("31.03.2026", "2026-03-31"),
        ("1-3-2026", "2026-03-01"),
        ("2026/03/31", "2026-03-31"),
        ("31 mrt 2026", "2026-03-31"),
        ("31 maart 2026", "2026-03-31"),
        ("31 Mar 2026", "2026-03-31"),
        ("31 MRT. 2026", "2026-03-31"),
        ("1 okt 2026", "2026-10-01"),
        ("3 mei 2026", "2026-05-03"),
        ("2026-03-31T14:30:00", "2026-03-31"),
        ("2026-03-31 14:30", "2026-03-31"),
        ("2026-03-31 14:30:15.123", "2026-03-31"),
        ("  2026-03-31  ", "2026-03-31"),
        ("29-02-2024", "2024-02-29"),
    ],
)
def test_dates_that_are_read(value, expected):
    date, bad = one_date(value)
    assert date == pd.Timestamp(expected)
    assert bad is False


@pytest.mark.parametrize(
    "value",
    [
        "31-02-2026",  # impossible day
        "29-02-2026",  # not a leap year
        "2026-13-01",
        "32 mrt 2026",
        "31 foo 2026",
        "03/31/2026",  # US order is not guessed
        "morgen",
        "2026-03-31 garbage",
        0,  # Excel shows 1900-01-00
        -5,
        60,  # 1900-02-29
        2958465,  # 9999-12-31: Excel's last day, far beyond what a sales table holds
        1e20,
        math.inf,
        10**400,  # an int too large for a float
        True,  # a checkbox in a date column
        dt.date(1500, 1, 1),
        dt.datetime(1, 1, 1),
        dt.date(9999, 12, 31),
        "9999-12-31",
        "0001-01-01",
        "31 mrt 9999",
        ["2026-03-31"],
    ],
)
def test_dates_that_are_bad(value):
    date, bad = one_date(value)
    assert date is NAT
    assert bad is True


@pytest.mark.parametrize("value", [None, "", "   ", math.nan, NAT])
def test_blank_dates_are_not_bad(value):
    date, bad = one_date(value)
    assert date is NAT
    assert bad is False


def test_dates_keep_the_index_and_come_as_datetime64_ns():
    series = pd.Series(["2026-01-02", None, "x", 46000], index=[7, 8, 9, 10], dtype=object)
    dates, bad = coerce.to_dates(series)
    assert dates.dtype == "datetime64[ns]"
    assert list(dates.index) == [7, 8, 9, 10]
    assert dates[7] == pd.Timestamp("2026-01-02") and dates[10] == pd.Timestamp("2025-12-09")
    assert bad.tolist() == [False, False, True, False]


def test_last_day_of_the_last_whole_month_pandas_holds_is_read_and_the_next_is_bad():
    serial = (pd.Timestamp("2262-03-31") - pd.Timestamp("1899-12-30")).days
    dates, bad = coerce.to_dates(col("2262-03-31", "2262-04-01", serial, serial + 1, dt.datetime(2262, 4, 5)))
    assert dates.tolist()[0] == pd.Timestamp("2262-03-31")
    assert dates.tolist()[2] == pd.Timestamp("2262-03-31")
    assert bad.tolist() == [False, True, False, True, True]


def test_a_report_month_must_end_inside_what_pandas_holds():
    from kpi_xl.periods import parse_month

    assert parse_month("2262-03") == pd.Period("2262-03", freq="M")
    for month in ("2262-04", "2263-01", "1899-12", 2958465, dt.date(9999, 1, 1)):
        with pytest.raises(KpiError, match="the month must lie between 1900-01 and 2262-03"):
            parse_month(month)


# ----------------------------------------------------------------------------
# money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.56, 1234.56),
        (12, 12.0),
        (0, 0.0),
        ("€ 1.234,56", 1234.56),
        ("€1.234.567,89", 1234567.89),
        ("1,234.56", 1234.56),
        ("$1,000", 1000.0),
        ("EUR 100", 100.0),
        ("12k", 12000.0),
        ("12K", 12000.0),
        ("12 k", 12000.0),
        ("2,5k", 2500.0),
        ("1,5 mln", 1500000.0),
        ("1.5m", 1500000.0),
        ("1.234", 1234.0),  # one separator, three digits after it: thousands
        ("1,234,567", 1234567.0),
        ("12,5", 12.5),  # otherwise it is the decimal mark
        ("12.50", 12.5),
        ("0,5", 0.5),
        ("1 234,56", 1234.56),
        ("1.234,-", 1234.0),  # Dutch for a round amount
        ("(100)", -100.0),
        ("-100", -100.0),
        ("€ -50", -50.0),
        ("-€ 50", -50.0),
        ("(€ 100)", -100.0),
        ("100-", -100.0),  # trailing minus, as accounting exports write it
        ("+100", 100.0),
        ("  250  ", 250.0),
    ],
)
def test_amounts_that_are_read(value, expected):
    amount, bad = one_amount(value)
    assert amount == pytest.approx(expected)
    assert bad is False


@pytest.mark.parametrize(
    "value",
    ["abc", "1.2.3", ",5", "12m2", "€", "k", "1e5", "nan", "inf", "1,23,4", "1.234,5.6", True, False, math.inf,
     -math.inf, 10**400, dt.date(2026, 1, 1), "#N/A text"],
)
def test_amounts_that_are_bad_become_nan_never_zero(value):
    amount, bad = one_amount(value)
    assert math.isnan(amount)
    assert bad is True


@pytest.mark.parametrize("value", [None, "", "  ", math.nan])
def test_blank_amounts_are_nan_and_not_bad(value):
    amount, bad = one_amount(value)
    assert math.isnan(amount)
    assert bad is False


def test_money_dtype_and_index():
    amounts, bad = coerce.to_money(pd.Series(["1.234,56", None, "x"], index=[4, 5, 6], dtype=object))
    assert amounts.dtype == "float64"
    assert list(amounts.index) == [4, 5, 6]
    assert amounts[4] == pytest.approx(1234.56)
    assert bad.tolist() == [False, False, True]


def test_parse_amount_directly():
    assert coerce.parse_amount("€ 1.234,56") == pytest.approx(1234.56)
    assert coerce.parse_amount("(1.000)") == -1000.0
    assert coerce.parse_amount("twaalf") is None


def test_plain_numbers():
    numbers, bad = coerce.to_number(col(12, "50", "1.234", "12,5", "veel", None))
    assert numbers.tolist()[:4] == [12.0, 50.0, 1234.0, 12.5]
    assert math.isnan(numbers.iloc[4]) and math.isnan(numbers.iloc[5])
    assert bad.tolist() == [False, False, False, False, True, False]


# ----------------------------------------------------------------------------
# booleans


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ja", True), ("nee", False), ("yes", True), ("no", False), ("true", True), ("false", False),
     ("1", True), ("0", False), (True, True), (False, False), (1, True), (0, False), (1.0, True), (0.0, False),
     ("JA", True), (" Nee ", False), ("Y", True), ("n", False), ("TRUE", True), ("waar", True), ("onwaar", False)],
)
def test_booleans(value, expected):
    values, bad = coerce.to_bool(col(value))
    assert values.iloc[0] is not pd.NA
    assert bool(values.iloc[0]) is expected
    assert bool(bad.iloc[0]) is False


@pytest.mark.parametrize("value", ["misschien", "2", 2, -1, 0.5, "jaa", dt.date(2026, 1, 1), 10**400])
def test_booleans_that_are_bad(value):
    values, bad = coerce.to_bool(col(value))
    assert values.iloc[0] is pd.NA
    assert bool(bad.iloc[0]) is True


def test_blank_boolean_is_na_not_bad():
    values, bad = coerce.to_bool(col(None, "", math.nan))
    assert values.dtype == "boolean"
    assert values.isna().all()
    assert not bad.any()


# ----------------------------------------------------------------------------
# text and ids


def test_text_and_ids():
    out = coerce.to_text(col(1.0, 12, 1.5, "  a  b ", None, "", "   ", math.nan, dt.date(2026, 1, 2),
                             dt.datetime(2026, 1, 2, 15), 1e20, 10**30, -0.0, np.int64(7)))
    assert out.tolist() == ["1", "12", "1.5", "a  b", None, None, None, None, "2026-01-02", "2026-01-02",
                            "100000000000000000000", "1000000000000000000000000000000", "0", "7"]


def test_ids_typed_as_numbers_match_ids_typed_as_text():
    assert coerce.to_text(col(1001.0)).iloc[0] == coerce.to_text(col("1001")).iloc[0] == coerce.to_text(
        col(1001)).iloc[0] == "1001"


# ----------------------------------------------------------------------------
# Excel errors and blanks


def test_excel_errors_as_text_and_as_com_codes():
    errors = coerce.excel_errors(col("#N/A", " #n/a ", -2146826246, -2146826246.0, "#DIV/0!", -2146826281, "#WAARDE!",
                                     "#REF!", 5, None, True, "N/A", math.nan, "#n/b"))
    assert errors.tolist()[:8] == ["#N/A", "#N/A", "#N/A", "#N/A", "#DIV/0!", "#DIV/0!", "#WAARDE!", "#REF!"]
    assert errors.iloc[8:13].isna().all()
    assert errors.iloc[13] == "#N/B"


def test_is_blank():
    assert coerce.is_blank(col(None, "", "  \t", math.nan, 0, "0", False)).tolist() == [
        True, True, True, True, False, False, False]
