"""Property: whatever Excel hands over, reading a table never crashes with anything but a KpiError.

Arbitrary shapes (short, long, empty rows) and cell values (None, bools, huge ints, nan/inf, emoji,
Excel errors, formulas as text, dates from year 1 to 9999) under a valid header, or a random one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.config import load_config
from kpi_xl.errors import KpiError, Problem
from kpi_xl.tables import ROW, read_table, read_tables
from kpi_xl.tables.headers import DATE, TABLES

SETTINGS = load_config(Path(__file__).resolve().parent.parent / "config" / "kpi.yaml")
TABLE_NAMES = ("Leads", "Activities", "Deals", "Customers", "StageHistory")

SPECIAL_TEXT = [
    "#N/A", "#n/a ", "#DIV/0!", "#WAARDE!", "=cmd|' /C calc'!A0", "=1+1", "@SUM(A1)", "", "   ", "\t", "ja", "nee",
    "misschien", "31-02-2026", "2026-03-31", "31 mrt 2026", "31/03/2026", "46000", "€ 1.234,56", "(100)", "100-",
    "12k", "1,5 mln", "1.2.3", "-", "()", "k", "€", "Offerte", "quote", "Gewonnen", "bellen", "Fax", "L1", "D1",
    "C1", "💸🚀", "Ωmega", "\u00a0", "nan", "inf", "None", "TRUE", "9999-12-31", "0001-01-01", "1e400",
]

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([-2146826246, -2146826281, -2146826265, 0, 1, 60, 45351, 46000, 2958465, 2**63, -(2**63) - 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(SPECIAL_TEXT),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=-5)))),
)


def header_names(table: str) -> list[str]:
    """Every header the table understands: canonical names, aliases, stage names (Deals), some extras."""
    names = []
    for column in TABLES[table]:
        names += [column.name, *column.aliases, column.name.upper().replace("_", " ")]
    if table == "Deals":
        names += SETTINGS.stage_names + ["quote", " won "]
    return names + ["Aantal FTE", "notitie 2", None, "", "#N/A"]


@st.composite
def headers(draw, table: str) -> list:
    if draw(st.integers(0, 9)) == 0:  # sometimes a random header
        return draw(st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers()), max_size=6))
    required = [c.name for c in TABLES[table] if c.required]
    extra = draw(st.lists(st.sampled_from(header_names(table)), max_size=6))
    header = required + extra
    return draw(st.permutations(header))


@st.composite
def table_rows(draw, table: str) -> list:
    header = draw(headers(table))
    width = len(header)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=12))
    return [header, *rows]


@st.composite
def one_table(draw):
    table = draw(st.sampled_from(TABLE_NAMES))
    return table, draw(table_rows(table)), draw(st.integers(1, 1000))


def check_table(name: str, rows: list, first_row: int, frame: pd.DataFrame, problems: list[Problem]) -> None:
    data_rows = len(rows) - 1
    assert len(frame) <= data_rows
    assert frame[ROW].is_unique
    assert frame[ROW].between(first_row + 1, first_row + data_rows).all()
    for column in TABLES[name]:
        assert column.name in frame
        if column.kind == DATE:
            assert frame[column.name].dtype == "datetime64[ns]"
    for problem in problems:
        assert problem.row is None or (isinstance(problem.row, int) and problem.row > 0)
        assert isinstance(problem.message("nl"), str) and isinstance(problem.message("en"), str)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_table())
def test_read_table_only_raises_kpi_errors(case):
    name, rows, first_row = case
    try:
        parsed = read_table(name, rows, SETTINGS, first_row)
    except KpiError as err:
        assert str(err)
        return
    check_table(name, rows, first_row, parsed.frame, parsed.problems)
    if parsed.stage_dates is not None:
        assert parsed.stage_dates["deal_id"].isin(parsed.frame["deal_id"]).all()
        assert parsed.stage_dates[ROW].isin(parsed.frame[ROW]).all()


@st.composite
def workbook(draw):
    raw = {name: draw(table_rows(name)) for name in TABLE_NAMES if name != "StageHistory" or draw(st.booleans())}
    return raw


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(workbook())
def test_read_tables_only_raises_kpi_errors(raw):
    try:
        tables = read_tables(raw, SETTINGS)
    except KpiError:
        return
    assert tables.history_source in ("table", "columns", None)
    for name, frame in (("Leads", tables.leads), ("Activities", tables.activities), ("Deals", tables.deals),
                        ("Customers", tables.customers)):
        check_table(name, raw[name], 1, frame, [p for p in tables.problems if p.table == name])
    events = tables.stage_events
    assert events["deal_id"].isin(tables.deals["deal_id"]).all()
    assert events["stage"].isin(SETTINGS.stage_names).all()
    assert events["date"].dtype == "datetime64[ns]"
    assert events["date"].notna().all()
