"""Reading the workbook without Excel: the Excel Tables (typed columns with fastexcel, or rows with
python-calamine), the month selector and the History sheet, with Excel error values put back."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import python_calamine as calamine

from kpi_xl.errors import KpiError
from kpi_xl.messages import text
from kpi_xl.report import layout as L
from kpi_xl.workbook.error_scan import error_cells
from kpi_xl.workbook.package_check import UNREADABLE, check_readable, unreadable
from kpi_xl.workbook.places import TablePlace, table_places

__all__ = ["WorkbookData", "read_workbook"]


@dataclass
class WorkbookData:
    """What a refresh reads from the file."""

    tables: dict[str, list[list[object]]]  # table name → rows, header first
    first_rows: dict[str, int]  # table name → Excel row of its header
    month_selector: object
    history: list[list[object]]


def read_workbook(path: str | Path, tables: Iterable[str] = (*L.DATA_SHEETS, "StageHistory"),
                  columns: bool = False) -> WorkbookData:
    """Read the Excel Tables (by table name), the month selector and the History sheet.

    ``columns=True`` (what a refresh uses) reads each Excel Table with
    fastexcel, column by column and typed (dates, numbers and text arrive as
    whole arrays, no Python object per cell): ``tables[name]`` is then a
    :class:`~kpi_xl.tables.columns.TableColumns`. A table holding more than one
    type of cell in a column (a text date among dates, an amount written as
    text) is read as rows with python-calamine instead, like every table
    without ``columns``; so is a data sheet that is not an Excel Table.
    """
    path = Path(path)
    check_readable(path)
    tables = list(tables)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as err:  # calamine raises its own error types for broken files
        raise unreadable(path, err) from None
    names = set(book.table_names)
    try:
        places = table_places(path)
    except UNREADABLE as err:
        raise unreadable(path, err) from None
    where = {name: places[name].sheet if name in places else name for name in tables if name in names}
    read = {*where.values(), *(n for n in tables if n in book.sheet_names), L.DASHBOARD, L.HISTORY}
    # before any reader inflates a sheet: error cells (which the readers return as empty) and true part sizes
    errors = error_cells(path, read)
    out: dict[str, object] = {}
    first_rows: dict[str, int] = {}
    fast = _FastTables(path, places) if columns else None
    for name in tables:
        if name in names:
            sheet_errors = errors.get(where[name], {})
            place = places.get(name)
            clean = place is not None and not any(place.holds_data_cell(r, c) for r, c in sheet_errors)
            typed = fast.read(name) if fast is not None and clean else None
            if typed is not None:
                out[name], first_rows[name] = typed
                continue
            table = _read(where[name], lambda: book.get_table_by_name(name))
            header = [table.columns]
            body = [list(r) for r in _read(where[name], table.to_python)]
            _put_errors(body, sheet_errors, table.start)
            out[name] = header + body
            first_rows[name] = table.start[0]  # start is the first data row (0-based) = the header's Excel row
        elif name in book.sheet_names and name != "StageHistory":
            rows = [list(r) for r in _read(name, lambda: book.get_sheet_by_name(name).to_python(
                skip_empty_area=False))]
            _put_errors(rows, errors.get(name, {}), (0, 0))
            out[name] = rows
            first_rows[name] = 1
    selector = None
    history: list[list[object]] = []
    if L.DASHBOARD in book.sheet_names:
        selector = _read(L.DASHBOARD, lambda: _cell(book.get_sheet_by_name(L.DASHBOARD), *L.MONTH_CELL))
    if L.HISTORY in book.sheet_names:
        history = [list(r) for r in _read(L.HISTORY, lambda: book.get_sheet_by_name(L.HISTORY).to_python(
            skip_empty_area=False))]
    return WorkbookData(out, first_rows, selector, history)


def _read(sheet: str, reader):
    """Call a calamine reader; its own error types (a damaged sheet part) become a message."""
    try:
        return reader()
    except KpiError:
        raise
    except Exception as err:  # python-calamine raises its own exception types
        reason = " ".join(str(err).split())[:200] or type(err).__name__
        raise KpiError(f"{text('sheet_damaged', 'nl', sheet=sheet, reason=reason)} / "
                       f"{text('sheet_damaged', 'en', sheet=sheet, reason=reason)}") from None


def _put_errors(rows: list[list[object]], errors: dict[tuple[int, int], str], start: tuple[int, int]) -> None:
    """Write each error (``'#N/A'``) into the cell it came from, where the readers left it empty."""
    top, left = start
    for (row, col), shown in errors.items():
        r, c = row - top, col - left
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = shown


class _FastTables:
    """Excel Tables read column by column with fastexcel (typed Arrow arrays); None means: read it as rows."""

    def __init__(self, path: Path, places: dict[str, TablePlace]):
        self.path = path
        self.reader = None
        self.header_rows = {name: place.top + 1 for name, place in places.items()}
        try:
            import fastexcel

            _quiet_fastexcel()
            self.reader = fastexcel.read_excel(str(path))
        except Exception:  # no fastexcel, or a file it cannot open: every table goes the rows way
            self.reader = None

    def read(self, name: str):
        """(TableColumns, Excel row of the header), or None when the table must be read as rows."""
        if self.reader is None or name not in self.header_rows:
            return None
        from kpi_xl.tables.columns import TableColumns

        try:
            # strict: a column holding two kinds of cell (dates and text) is refused, not converted to text
            table = self.reader.load_table(name, schema_sample_rows=None, dtype_coercion="strict").to_arrow()
        except Exception:
            return None
        header = list(table.column_names)
        return TableColumns(header, [table.column(i) for i in range(table.num_columns)]), self.header_rows[name]


def _quiet_fastexcel() -> None:
    """fastexcel logs a warning for an all-empty column (it reads it as text); that is not news for a user."""
    import logging

    logging.getLogger("fastexcel").setLevel(logging.ERROR)


def _cell(sheet, row: int, col: int) -> object:
    rows = sheet.to_python(skip_empty_area=False)
    if row < len(rows) and col < len(rows[row]):
        value = rows[row][col]
        return None if value == "" else value
    return None
