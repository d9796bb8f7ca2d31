"""Reading the workbook without Excel: the Excel Tables (typed columns with fastexcel, or rows with
python-calamine), the month selector and the History sheet, with Excel error values put back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import python_calamine as calamine

from kpi_xl.errors import KpiError
from kpi_xl.messages import text
from kpi_xl.report import layout as L
from kpi_xl.workbook import early_scan, lock_handover
from kpi_xl.workbook.error_scan import SheetScan
from kpi_xl.workbook.package_check import UNREADABLE, check_readable, unreadable
from kpi_xl.workbook.places import TablePlace, table_places

if TYPE_CHECKING:
    from kpi_xl.tables.columns import TableColumns

__all__ = ["WorkbookData", "read_workbook"]


@dataclass
class WorkbookData:
    """What a refresh reads from the file."""

    tables: dict[str, list[list[object]]]  # table name → rows, header first
    first_rows: dict[str, int]  # table name → Excel row of its header
    month_selector: object
    history: list[list[object]]
    handled: dict[str, object] = field(default_factory=dict)  # table name → what ``each_table`` gave for it


def read_workbook(path: str | Path, tables: Iterable[str] = (*L.DATA_SHEETS, "StageHistory"),
                  columns: bool = False, each_table: Callable[[str, object, int], object] | None = None,
                  day_columns: Callable[[str, list[str]], frozenset[int]] | None = None) -> WorkbookData:
    """Read the Excel Tables (by table name), the month selector and the History sheet.

    ``columns=True`` (what a refresh uses) reads each Excel Table with
    fastexcel, column by column and typed (dates, numbers and text arrive as
    whole arrays, no Python object per cell): ``tables[name]`` is then a
    :class:`~kpi_xl.tables.columns.TableColumns`. A column holding more than
    one kind of cell (a text date among dates), or an error value, costs that
    column only (:mod:`kpi_xl.workbook.typed_table`). The sheets are scanned
    and read two at a time, in threads (the inflating and fastexcel's parsing
    run outside Python's lock, which is meanwhile handed over often:
    :mod:`kpi_xl.workbook.lock_handover`). Tables fastexcel cannot read, data
    sheets that are not an Excel Table, and every table without ``columns``,
    are read as rows with python-calamine.

    ``each_table(name, TableColumns, header row)`` is called in the reading thread as soon as a table is
    read typed (a refresh parses it there, while the next sheet is read); what it returns (unless None) is
    in ``handled``. ``day_columns``: see :func:`~kpi_xl.workbook.typed_table.read_typed_table`.
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
    # every sheet is scanned (error cells, which the readers return as empty, and true part sizes) before a
    # reader inflates it
    scan = early_scan.take(path) or SheetScan(path)  # begun by `kpi-xl refresh` before its imports, if it was
    scan.drop_early(keep=read)
    typed: dict[str, TableColumns] = {}
    errors: dict[str, dict[tuple[int, int], object]] = {}
    handled: dict[str, object] = {}
    selector = None
    history: list[list[object]] = []
    with lock_handover.shortened(), ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpi-xl-read") as pool:
        fast = {name: places[name] for name in tables if columns and name in names and name in places}
        pending = _start_typed(pool, path, scan, fast, each_table, day_columns)
        # meanwhile, in this thread: the other sheets' scans, the month selector and the History sheet
        for sheet in read - pending.keys():
            errors[sheet] = scan.cells(sheet)
        if L.DASHBOARD in book.sheet_names:
            selector = _read(L.DASHBOARD, lambda: _cell(book.get_sheet_by_name(L.DASHBOARD), *L.MONTH_CELL))
        if L.HISTORY in book.sheet_names:
            history = [list(r) for r in _read(L.HISTORY, lambda: book.get_sheet_by_name(L.HISTORY).to_python(
                skip_empty_area=False))]
        for sheet, job in pending.items():
            errors[sheet], read_typed, done = job.result()
            typed.update(read_typed)
            handled.update(done)
    out: dict[str, object] = {}
    first_rows: dict[str, int] = {}
    for name in tables:
        if name in names:
            if name in typed:
                out[name], first_rows[name] = typed[name], places[name].top + 1
                continue
            sheet_errors = errors.get(where[name], {})
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
    return WorkbookData(out, first_rows, selector, history, handled)


def _start_typed(pool: ThreadPoolExecutor, path: Path, scan: SheetScan, places: dict[str, TablePlace],
                 each_table=None, day_columns=None) -> dict[str, Future]:
    """Each sheet holding one of these Excel Tables scanned and then its tables read typed with fastexcel,
    in ``pool``, the largest sheet first: {sheet: future of (its error cells, {table: TableColumns},
    {table: what each_table gave})}. A table fastexcel cannot read is left out (it is read as rows).

    zlib and fastexcel release Python's lock, so on two cores the scan of one sheet and the parsing of
    another overlap. One fastexcel reader per sheet: a reader is not shared between threads.
    """
    from kpi_xl.workbook.typed_table import read_typed_table

    try:
        import fastexcel
    except ImportError:  # pragma: no cover - a dependency; without it every table goes the rows way
        fastexcel = None
    by_sheet: dict[str, list[str]] = {}
    for name, place in places.items():
        by_sheet.setdefault(place.sheet, []).append(name)
    def sheet_job(sheet: str):
        findings = scan.sheet(sheet)
        cells = findings.cells
        read: dict[str, TableColumns] = {}
        done: dict[str, object] = {}
        if fastexcel is None:
            return cells, read, done
        try:
            _quiet_fastexcel()
            reader = fastexcel.read_excel(str(path))
        except Exception:  # a file fastexcel cannot open: its tables go the rows way
            return cells, read, done
        for name in by_sheet[sheet]:
            place = places[name]
            inside = {(row - place.top - 1, col - place.left): shown for (row, col), shown in cells.items()
                      if place.holds_data_cell(row, col)}
            booleans = None if findings.boolean_columns is None else frozenset(
                col - place.left for col in findings.boolean_columns if place.left <= col <= place.right)
            table = read_typed_table(reader, name, inside, booleans, day_columns)
            if table is not None:
                read[name] = table
                if each_table is not None and (result := each_table(name, table, place.top + 1)) is not None:
                    done[name] = result
        return cells, read, done

    return {sheet: pool.submit(sheet_job, sheet) for sheet in sorted(by_sheet, key=lambda s: -scan.sizes.get(s, 0))}


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
