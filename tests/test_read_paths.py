"""The two ways a refresh reads a table give the same frames and problems.

``read_workbook(path)`` hands every table over as rows (python-calamine, one
Python object per cell); ``read_workbook(path, columns=True)`` reads Excel
Tables column by column with fastexcel (typed arrays) and falls back to rows
for a table whose columns mix kinds of cell. Both must end in exactly the same
DataFrames, the same problems and the same Excel row numbers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi_xl.config import load_config
from kpi_xl.report.layout import a1
from kpi_xl.sample import generate
from kpi_xl.tables import read_tables
from kpi_xl.tables.columns import EncodedColumn, TableColumns
from kpi_xl.workbook.new import fill_tables, new_workbook
from kpi_xl.workbook.read import read_workbook
from tests.workbooks import put_error_cells

pytest.importorskip("fastexcel")

SETTINGS = load_config()


def _workbook(path, messy: bool, extra=None, with_rows=False):
    company = generate(seed=11, messy=messy)
    rows = company.rows()
    if extra:
        extra(rows)
    new_workbook(path, overwrite=True)
    fill_tables(path, rows, SETTINGS)
    return (path, rows) if with_rows else path


def _filled(rows, table: str, column: str, from_row: int) -> str:
    """The reference of the first filled cell of ``column`` at or below sheet row ``from_row``.

    Picked by content, not by position, so the test keeps hitting a filled cell when the sample
    company changes. The tables start in A1 (header in row 1) in the template.
    """
    header = rows[table][0]
    col = header.index(column)
    for index in range(from_row - 1, len(rows[table])):
        if rows[table][index][col] not in (None, ""):
            return a1(index, col)
    raise AssertionError(f"{table}.{column} has no filled cell from row {from_row}")


def _both(path):
    as_rows = read_workbook(path)
    as_columns = read_workbook(path, columns=True)
    assert as_rows.first_rows == as_columns.first_rows
    return (read_tables(as_rows.tables, SETTINGS, as_rows.first_rows),
            read_tables(as_columns.tables, SETTINGS, as_columns.first_rows), as_columns)


def _assert_same(a, b):
    for name in ("leads", "activities", "deals", "customers", "stage_events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    assert a.problems == b.problems
    assert a.headers == b.headers
    assert a.history_source == b.history_source


def test_clean_workbook_every_table_typed(tmp_path):
    path = _workbook(tmp_path / "clean.xlsm", messy=False)
    rows, columns, data = _both(path)
    assert all(isinstance(data.tables[n], TableColumns) for n in ("Leads", "Activities", "Deals", "Customers"))
    _assert_same(rows, columns)
    assert rows.problems == []


def _bad_cells(rows):
    leads, activities, deals, customers = rows["Leads"], rows["Activities"], rows["Deals"], rows["Customers"]
    leads[10][1] = True  # a boolean in a date column
    leads[11][1] = 45000.0  # a serial number in a date column
    leads[12][7] = "12 fte"  # text among numbers
    leads[13][9] = "€ 12k"  # money as text
    deals[20][3] = "1.234"  # money as text with a thousands mark
    deals[21][2] = dt.datetime(2026, 3, 4, 15, 30)  # a date with a time of day
    activities[30][0] = "2026-03-31"  # a text date
    activities[31][2] = 17.0  # a number as activity type
    activities[32][3] = 12345.0  # a lead id typed as a number
    customers[5][2] = dt.datetime(9999, 12, 31)  # "until" far beyond what pandas holds: a bad date, row left out
    customers.append([None] * len(customers[0]))  # an empty row at the end


def test_messy_workbook_same_tables_and_problems(tmp_path):
    path, rows = _workbook(tmp_path / "messy.xlsm", messy=True, extra=_bad_cells, with_rows=True)
    leads = {_filled(rows, "Leads", "created", 20): "#N/A", _filled(rows, "Leads", rows["Leads"][0][9], 21): "#DIV/0!",
             _filled(rows, "Leads", "owner", 22): "#REF!"}
    put_error_cells(path, "Leads", leads)
    put_error_cells(path, "Deals", {_filled(rows, "Deals", "value", 9): "#VALUE!",
                                 _filled(rows, "Deals", "Intake", 12): "#N/A"})
    rows, columns, data = _both(path)
    _assert_same(rows, columns)
    assert rows.problems  # the messy cells are reported
    # every table is read typed; a mixed column (text dates among dates, amounts as text) or one with an
    # error cell comes as distinct cells and codes, the other columns as they were read
    assert all(isinstance(data.tables[n], TableColumns) for n in ("Leads", "Activities", "Deals", "Customers"))
    leads = dict(zip(data.tables["Leads"].header, data.tables["Leads"].columns, strict=True))
    assert isinstance(leads["created"], EncodedColumn)
    assert not isinstance(leads["lead_id"], EncodedColumn)
    # Excel row numbers: the lead whose date is 'gisteren' sits in sheet row 2 + 5
    bad = [p for p in columns.problems if p.table == "Leads" and p.value == "gisteren"]
    assert [p.row for p in bad] == [7]


def test_typed_columns_match_rows_cell_for_cell(tmp_path):
    """read_table_columns on typed columns (a 9999 date included) equals read_table on rows."""
    path = _workbook(tmp_path / "typed.xlsm", messy=False)
    rows, columns, data = _both(path)
    assert all(isinstance(data.tables[t], TableColumns) for t in ("Leads", "Activities", "Deals", "Customers"))
    _assert_same(rows, columns)


def test_error_cells_are_reported_by_both_routes(tmp_path):
    """The readers return error cells as empty; the sheet scan puts them back, in their column only."""
    path, cells = _workbook(tmp_path / "typed.xlsm", messy=False, with_rows=True)
    value, created, since = (_filled(cells, "Deals", "value", 9), _filled(cells, "Deals", "created", 10),
                             _filled(cells, "Customers", "since", 4))
    put_error_cells(path, "Deals", {value: "#N/A", created: "#REF!"})
    put_error_cells(path, "Customers", {since: "#N/A"})
    rows, columns, data = _both(path)
    deals = dict(zip(data.tables["Deals"].header, data.tables["Deals"].columns, strict=True))
    assert isinstance(deals["value"], EncodedColumn) and isinstance(deals["created"], EncodedColumn)
    assert not isinstance(deals["deal_id"], EncodedColumn)  # a column without error cells stays as read
    assert not any(isinstance(c, EncodedColumn) for c in data.tables["Leads"].columns)
    _assert_same(rows, columns)
    errors = sorted((p.table, p.row, p.value) for p in columns.problems if p.code == "excel_error")
    row = lambda ref: int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))  # noqa: E731
    assert errors == sorted([("Customers", row(since), "#N/A"), ("Deals", row(value), "#N/A"),
                             ("Deals", row(created), "#REF!")])


def test_columns_from_numpy_and_objects():
    """Typed numpy columns, object columns and rows give the same table."""
    from kpi_xl.tables.columns import read_table_columns
    from kpi_xl.tables.read import read_table

    header = ["deal_id", "owner", "created", "value", "stage"]
    n = 600
    created = pd.date_range("2026-01-01", periods=n, freq="D").to_numpy()
    values = [float(i * 10) if i % 7 else float("nan") for i in range(n)]
    ids = [f"D{i:04d}" for i in range(n)]
    ids[3] = ids[2]
    owners = ["Anna" if i % 2 else "Bram " for i in range(n)]
    stages = ["Offerte" if i % 3 else "Nope" for i in range(n)]
    rows = [header] + [[ids[i], owners[i], created[i].astype("datetime64[us]").item().date(),
                        values[i] if values[i] == values[i] else "", stages[i]] for i in range(n)]
    a = read_table("Deals", rows, SETTINGS, 4)
    b = read_table_columns("Deals", header, [ids, pd.Series(owners, dtype=object), created, values, stages],
                           SETTINGS, 4)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.problems == b.problems


def test_a_text_date_among_dates_costs_no_second_reading_in_a_refresh(tmp_path, monkeypatch):
    """A refresh reads only the day of a date column: there a date cell and fastexcel's text for it are the
    same day, so text dates among a column of dates do not make it read that column again. The tables are
    still exactly those of the rows read."""
    from kpi_xl.workbook import typed_table
    from kpi_xl.workbook.refresh import load_tables

    def texts(rows):
        rows["Activities"][30][0] = "2026-03-31"  # a text date
        rows["Activities"][31][0] = "31-03-2026"
        rows["Activities"][32][0] = "2026-03-05 00:00:00"  # text that reads exactly as fastexcel writes a date
        rows["Leads"][10][1] = "gisteren"  # text that is no date at all: reported, as by the rows read

    path = _workbook(tmp_path / "texts.xlsm", messy=False, extra=texts)
    again: list[tuple[str, dict]] = []
    real = typed_table._load

    def counting(reader, name, dtypes=None):
        if dtypes is not None:
            again.append((name, dtypes))
        return real(reader, name, dtypes)

    monkeypatch.setattr(typed_table, "_load", counting)
    refreshed, data = load_tables(path, SETTINGS)
    assert again == []
    assert all(isinstance(data.tables[n], TableColumns) for n in ("Leads", "Activities", "Deals", "Customers"))
    as_rows = read_workbook(path)
    _assert_same(read_tables(as_rows.tables, SETTINGS, as_rows.first_rows), refreshed)
    assert [p.value for p in refreshed.problems if p.table == "Leads" and p.code == "bad_date"] == ["gisteren"]


def test_a_number_among_dates_is_still_read_again_in_a_refresh(tmp_path, monkeypatch):
    """Digits in a date column may be a serial number or text (12 is a day in 1900 as a number, nothing as
    text): that column is read again as dates."""
    from kpi_xl.workbook import typed_table
    from kpi_xl.workbook.refresh import load_tables

    def numbers(rows):
        rows["Activities"][30][0] = "2026-03-31"
        rows["Activities"][31][0] = 12.0

    path = _workbook(tmp_path / "numbers.xlsm", messy=False, extra=numbers)
    again: list[str] = []
    real = typed_table._load
    monkeypatch.setattr(typed_table, "_load", lambda reader, name, dtypes=None: (
        again.append(name) if dtypes is not None else None) or real(reader, name, dtypes))
    refreshed, _ = load_tables(path, SETTINGS)
    assert again == ["Activities"]
    as_rows = read_workbook(path)
    _assert_same(read_tables(as_rows.tables, SETTINGS, as_rows.first_rows), refreshed)
