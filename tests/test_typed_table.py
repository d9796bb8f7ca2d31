"""A table read typed (fastexcel, :mod:`kpi_xl.workbook.typed_table`) holds, cell for cell and kind for kind,
what python-calamine reads as rows: also in columns that mix dates, numbers, yes/no and text, and with error
values. Cells the typed read cannot tell apart send the table the rows way."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table

from kpi_xl.tables.columns import EncodedColumn, TableColumns, _as_cell
from kpi_xl.workbook.read import read_workbook
from tests.workbooks import put_error_cells

pytest.importorskip("fastexcel")

# every kind of cell a data column meets, and text that looks like another kind
KINDS = [
    dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6, 13, 30), dt.datetime(2026, 3, 31),
    45000.0, 1.234, 0.0, 1.0, -5.0, 0.5, 2958466.0, 1e7, 12.0,
    True, False,
    "12", "1.234", "true", "false", "45000", "2026-01-05 00:00:00", "2026-01-05", "abc", "31-03-2026", "-",
    None,
]


def _book(path, columns: dict[str, list], errors: dict[str, str] | None = None):
    """A workbook with one sheet "Data" holding the Excel Table "Data"; ``errors``: cell → error value."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    names = list(columns)
    n = max(len(c) for c in columns.values())
    sheet.append(names)
    for i in range(n):
        sheet.append([columns[c][i] if i < len(columns[c]) else None for c in names])
    sheet.add_table(Table(displayName="Data", ref=f"A1:{get_column_letter(len(names))}{n + 1}"))
    book.save(path)
    if errors:
        put_error_cells(path, "Data", errors)
    return path


def _cells(column) -> list:
    if isinstance(column, EncodedColumn):
        return column.values.take(column.codes).tolist()
    return [_as_cell(v) for v in column.to_pylist()]


def _kinds(values: list) -> list:
    """Values with their type: True and 1.0 (or a date and a datetime) are not the same cell."""
    return [(type(v).__name__, v) for v in values]


def _both(path):
    rows = read_workbook(path, tables=["Data"]).tables["Data"]
    typed = read_workbook(path, tables=["Data"], columns=True).tables["Data"]
    return rows, typed


def _same_cells(rows, typed: TableColumns) -> None:
    assert typed.header == rows[0]
    for i, column in enumerate(typed.columns):
        assert _kinds(_cells(column)) == _kinds([r[i] for r in rows[1:]]), typed.header[i]


def test_every_kind_of_cell_in_one_column(tmp_path):
    mixed = KINDS * 3  # repeated: the distinct cells are decided once, then spread over their rows
    rows, typed = _both(_book(tmp_path / "kinds.xlsx", {"mixed": mixed, "n": list(range(len(mixed)))}))
    assert isinstance(typed, TableColumns)
    assert isinstance(typed.columns[0], EncodedColumn)
    assert not isinstance(typed.columns[1], EncodedColumn)  # the clean column costs nothing more
    _same_cells(rows, typed)
    cells = _cells(typed.columns[0])
    assert cells[KINDS.index("1.234")] == "1.234" and cells[KINDS.index(1.234)] == 1.234
    at_true = next(i for i, v in enumerate(KINDS) if v is True)  # (KINDS.index(True) finds 1.0)
    assert cells[at_true] is True and cells[KINDS.index("true")] == "true"
    assert cells[KINDS.index(dt.datetime(2026, 1, 5))] == dt.date(2026, 1, 5)
    assert cells[KINDS.index("2026-01-05 00:00:00")] == "2026-01-05 00:00:00"


def test_booleans_among_numbers(tmp_path):
    """fastexcel reads TRUE among numbers as 1.0: the column is read again as text to find them."""
    values = [1.0, True, 0.0, False, 2.5, None, 1.0]
    rows, typed = _both(_book(tmp_path / "flags.xlsx", {"v": values}))
    _same_cells(rows, typed)
    assert _cells(typed.columns[0])[:4] == [1.0, True, 0.0, False]
    assert [type(v) for v in _cells(typed.columns[0])[:2]] == [float, bool]


def test_a_zero_and_a_one_without_booleans_stay_typed(tmp_path):
    rows, typed = _both(_book(tmp_path / "numbers.xlsx", {"v": [0.0, 1.0, 2.5, None]}))
    _same_cells(rows, typed)
    assert not isinstance(typed.columns[0], EncodedColumn)


def test_error_cells_go_in_their_column(tmp_path):
    path = _book(tmp_path / "errors.xlsx", {"d": [dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6),
                                                  dt.datetime(2026, 1, 7)],
                                            "t": ["a", "b", "c"], "x": ["a", 1.0, None]},
                 errors={"A3": "#N/A", "C3": "#DIV/0!"})
    rows, typed = _both(path)
    _same_cells(rows, typed)
    assert _cells(typed.columns[0])[1] == "#N/A" and _cells(typed.columns[2])[1] == "#DIV/0!"
    assert not isinstance(typed.columns[1], EncodedColumn)


@pytest.mark.parametrize("odd", [dt.time(13, 30), 1e15, -1e12], ids=["time", "huge", "huge negative"])
def test_cells_the_typed_read_cannot_tell_apart_go_the_rows_way(tmp_path, odd):
    """A time of day among dates, or a number beyond fastexcel's date reading (it panics) beside dates."""
    path = _book(tmp_path / "odd.xlsx", {"v": [dt.datetime(2026, 1, 5), "12", odd, "x"]})
    assert isinstance(read_workbook(path, tables=["Data"], columns=True).tables["Data"], list)


def test_large_numbers_among_text_ids_stay_typed(tmp_path):
    """Ids of eleven digits, as numbers and as text (a CRM's record ids): read as yes/no, not as dates."""
    ids = [12345678901.0, "12345678902", "D0001", 98765432101.0, -1e12, "12345678902"]
    rows, typed = _both(_book(tmp_path / "ids.xlsx", {"id": ids}))
    assert isinstance(typed, TableColumns)
    _same_cells(rows, typed)
    assert _kinds(_cells(typed.columns[0])[:2]) == [("float", 12345678901.0), ("str", "12345678902")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=st.lists(st.lists(st.sampled_from([*KINDS, 1e15, -1e12, "12345678901"]), min_size=1, max_size=12), min_size=1, max_size=3))
def test_any_mix_reads_as_the_rows_read_does(tmp_path_factory, columns):
    path = tmp_path_factory.mktemp("mix") / "mix.xlsx"
    rows, typed = _both(_book(path, {f"c{i}": c for i, c in enumerate(columns)}))
    if isinstance(typed, list):  # the typed read gave up: it is the rows read
        assert typed == rows
        return
    _same_cells(rows, typed)


def test_encoded_cells_spread_like_numpy_take():
    column = EncodedColumn(np.array([1, 0, 1], dtype=np.intp), np.array(["a", True], dtype=object))
    assert _cells(column) == [True, "a", True] and len(column) == 3


DAY_KINDS = [dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6, 13, 30), dt.datetime(1999, 12, 31), "2026-01-05",
             "31-03-2026", "2026-01-05 00:00:00", "2026-01-06 13:30:00", "gisteren", "45000", 45000.0, 12.0, "12",
             True, "true", None, dt.datetime(2261, 6, 1), dt.datetime(1901, 1, 2)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.sampled_from(DAY_KINDS), min_size=1, max_size=14))
def test_a_day_column_read_as_text_gives_the_days_the_cells_give(tmp_path_factory, cells):
    """Where the caller reads only the day (a refresh's date columns), the typed read may hand over a
    column of dates with text among it as fastexcel's text, without a second reading. That text must give
    the same days, and the same unreadable cells showing the same values, as the cells themselves."""
    import fastexcel
    import pandas as pd

    from kpi_xl.tables import coerce
    from kpi_xl.workbook.typed_table import read_typed_table

    path = _book(tmp_path_factory.mktemp("days") / "days.xlsx", {"d": cells})
    rows = read_workbook(path, tables=["Data"]).tables["Data"]
    typed = read_typed_table(fastexcel.read_excel(str(path)), "Data", day_columns=lambda name, header: frozenset({0}))
    if typed is None:
        return  # the rows way: nothing to compare
    as_text, as_cells = pd.Series(_cells(typed.columns[0]), dtype=object), pd.Series([r[0] for r in rows[1:]],
                                                                                    dtype=object)
    days, bad = coerce.to_dates(as_text)
    cell_days, cell_bad = coerce.to_dates(as_cells)
    pd.testing.assert_series_equal(days, cell_days)
    pd.testing.assert_series_equal(bad, cell_bad)
    assert _kinds(as_text[bad].tolist()) == _kinds(as_cells[cell_bad].tolist())  # Checks shows the same values
