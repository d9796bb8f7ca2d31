"""Dates and numbers in an export's locale: the order and the decimal separator decided per column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.importing.dates import parse_dates
from kpi_xl.importing.numbers import parse_numbers


def dates(values, default="dmy", config=None):
    return parse_dates(pa.array(values, pa.string()), default, config)


def stamps(column) -> list:
    return [None if np.isnat(v) else v.astype("datetime64[s]").item() for v in column.values]


D = dt.datetime


def test_iso_forms_with_and_without_time():
    column = dates(["2026-03-01 10:00:00", "2026-03-01", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00+01:00",
                    "2026-03-01 10:00", "2026-03-01T10:00:00.123Z"])
    assert stamps(column) == [D(2026, 3, 1, 10), D(2026, 3, 1), D(2026, 3, 1, 10), D(2026, 3, 1, 10),
                              D(2026, 3, 1, 10), D(2026, 3, 1, 10)]
    assert not column.bad.any() and column.order is None


def test_a_first_part_above_12_makes_the_column_day_month():
    column = dates(["01-03-2026", "13-03-2026", "1-3-2026 10:00"], default="mdy")
    assert stamps(column) == [D(2026, 3, 1), D(2026, 3, 13), D(2026, 3, 1, 10)]
    assert (column.order, column.note) == ("dmy", None)


def test_a_second_part_above_12_makes_the_column_month_day_with_am_pm():
    column = dates(["3/1/2026 10:00 AM", "3/13/2026 12:30 PM", "3/1/2026 12:00 AM", "3/1/26 1:05 pm"])
    assert stamps(column) == [D(2026, 3, 1, 10), D(2026, 3, 13, 12, 30), D(2026, 3, 1), D(2026, 3, 1, 13, 5)]
    assert column.order == "mdy"


def test_ambiguous_dates_follow_the_config_else_the_default_and_say_it_was_a_guess():
    guessed = dates(["01-03-2026", "02-04-2026"], default="mdy")
    assert stamps(guessed) == [D(2026, 1, 3), D(2026, 2, 4)]
    assert (guessed.order, guessed.note) == ("mdy", "guessed")
    chosen = dates(["01-03-2026", "02-04-2026"], default="mdy", config="dmy")
    assert stamps(chosen) == [D(2026, 3, 1), D(2026, 4, 2)]
    assert chosen.note is None


def test_both_orders_in_one_column_are_noted_and_the_misfits_unreadable():
    column = dates(["13-03-2026", "03-13-2026"], default="dmy")
    assert column.note == "mixed"
    assert stamps(column) == [D(2026, 3, 13), None]
    assert column.bad.tolist() == [False, True]


def test_empty_and_unreadable_cells():
    column = dates([None, "", "  ", "gisteren", "2026-02-31", "31-02-2026", "3/1/2026 13:00 PM", "2026-13-01",
                    "9999-01-01", "0001-01-01 00:00:00", "2026-03-01 25:00:00"])
    assert stamps(column) == [None] * 11
    assert column.bad.tolist() == [False, False, False] + [True] * 8


def test_typed_spreadsheet_dates_are_kept():
    column = parse_dates(pa.array([D(2026, 3, 1, 10), None, D(9999, 12, 31)], pa.timestamp("us")))
    assert stamps(column) == [D(2026, 3, 1, 10), None, None]
    assert column.bad.tolist() == [False, False, True]


def test_an_empty_column():
    assert len(dates([]).values) == 0
    assert stamps(parse_dates(pa.nulls(2))) == [None, None]


FORMS = {  # how a date is written → the order a reader needs to be told when the day is 12 or less
    "iso": ("%Y-%m-%d", None), "iso_time": ("%Y-%m-%d %H:%M:%S", None), "iso_t": ("%Y-%m-%dT%H:%M:%SZ", None),
    "nl": ("%d-%m-%Y", "dmy"), "nl_time": ("%d-%m-%Y %H:%M", "dmy"), "be": ("%d/%m/%Y", "dmy"),
    "us": ("%m/%d/%Y", "mdy"), "us_time": ("%m/%d/%Y %I:%M %p", "mdy"), "dots": ("%d.%m.%Y", "dmy"),
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=D(1990, 1, 1), max_value=D(2060, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)), min_size=1, max_size=8), st.sampled_from(sorted(FORMS)))
def test_any_date_in_any_supported_form_reads_back_equal(values, form):
    pattern, order = FORMS[form]
    written = [v.strftime(pattern) for v in values]
    column = dates(written, default="dmy", config=order)
    has_time = "%H" in pattern or "%I" in pattern
    expected = [v if has_time else v.replace(hour=0, minute=0) for v in values]
    assert stamps(column) == expected
    assert not column.bad.any()


def numbers(values, language="en"):
    return parse_numbers(pa.array(values, pa.string()), language)


def test_number_forms_decided_per_column():
    dutch = numbers(["1.234,56", "€ 1.234", "12,5", None, "", "abc", "-12,5", "EUR 1 234,50"])
    assert dutch.values[:3].tolist() == [1234.56, 1234.0, 12.5] and dutch.decimal == ","
    assert dutch.values[6:].tolist() == [-12.5, 1234.5]
    assert dutch.bad.tolist() == [False, False, False, False, False, True, False, False]
    english = numbers(["1,234.56", "$1,234.00", "1234.5"], "nl")
    assert english.values.tolist() == [1234.56, 1234.0, 1234.5] and english.decimal == "."


def test_ambiguous_thousands_follow_the_exports_language():
    assert numbers(["1.234", "2.500"], "nl").values.tolist() == [1234.0, 2500.0]
    assert numbers(["1.234", "2.500"], "en").values.tolist() == [1.234, 2.5]
    assert numbers(["1,234"], "en").values.tolist() == [1234.0]
    assert numbers(["10 %", "12,5%"], "nl").values.tolist() == [10.0, 12.5]
    plain = numbers(["12", "300"], "nl")
    assert plain.values.tolist() == [12.0, 300.0] and plain.decimal is None


def test_a_value_that_does_not_fit_the_columns_decision_is_unreadable():
    column = numbers(["1.234,50", "2.345,00", "1.5"])
    assert column.decimal == ","
    assert column.values[:2].tolist() == [1234.5, 2345.0] and np.isnan(column.values[2])
    assert column.bad.tolist() == [False, False, True]


def test_typed_numbers_are_kept():
    column = parse_numbers(pa.array([1.5, None]))
    assert column.values[0] == 1.5 and np.isnan(column.values[1]) and not column.bad.any()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-10**9, max_value=10**9), min_size=1, max_size=6),
       st.sampled_from(["nl", "en"]), st.sampled_from(["", "€ ", "$"]))
def test_any_amount_with_cents_reads_back_equal(cents, style, sign):
    values = [c / 100 for c in cents]
    written = [f"{'-' if v < 0 else ''}{sign}{abs(v):,.2f}" for v in values]
    if style == "nl":
        written = [w.translate(str.maketrans(",.", ".,")) for w in written]
    column = numbers(written, style)
    assert column.values.tolist() == pytest.approx(values)
    assert not column.bad.any()
