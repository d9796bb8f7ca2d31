"""The Refresh button inside Excel (Windows and Mac), through xlwings' ``RunPython``.

The workbook's VBA module ``KPIRefresh`` runs
``RunPython "import kpi_xl.excel; kpi_xl.excel.refresh()"``. :func:`refresh`
reads the four tables from the open workbook, computes the month and writes
exactly the Dashboard, Coaching, Inzicht, History and Checks that ``kpi-xl refresh``
writes to a file, from the same :class:`~kpi_xl.report.plan.Plan`. Screen updating is off
while it writes, and each block of cells is one range write. A page the workbook lacks (made by
an earlier template) is added first, after the page before it.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.excel.functions import settings_for
from kpi_xl.report import layout as L
from kpi_xl.report.month_plan import plan_for
from kpi_xl.report.pages.addable import ADDABLE
from kpi_xl.report.plan import Plan
from kpi_xl.tables import read_tables

TABLE_NAMES = (*L.DATA_SHEETS, "StageHistory")
_LOOKS_PARSED = re.compile(r"^[\s\d.,:/+\-]+$")  # text Excel would turn into a number or a date


def read_book(book) -> tuple[dict[str, list[list[object]]], dict[str, int]]:
    """Every Excel Table of the workbook named like one of ours: rows (header first), header row numbers."""
    rows: dict[str, list[list[object]]] = {}
    first_rows: dict[str, int] = {}
    for sheet in book.sheets:
        for table in sheet.tables:
            if table.name in TABLE_NAMES:
                values = table.range.options(ndim=2, err_to_str=True).value
                rows[table.name] = [list(r) for r in values]
                first_rows[table.name] = table.range.row
    return rows, first_rows


def excel_text(value: object) -> object:
    """Text that Excel would read as a formula, number or date is written with a leading apostrophe."""
    if isinstance(value, str) and value and (value[0] in "=+-@" or _LOOKS_PARSED.match(value)):
        return "'" + value
    return value


def blocks(cells: dict[tuple[int, int], object]) -> list[tuple[int, int, list[list[object]]]]:
    """Group cells into rectangles: runs of adjacent columns, stacked when rows share a span."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for r in sorted({r for r, _ in cells}):
        cols = sorted(c for rr, c in cells if rr == r)
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.setdefault(r, []).append((start, prev))
                start = c
            prev = c
        runs.setdefault(r, []).append((start, prev))
    out: list[tuple[int, int, list[list[object]]]] = []
    open_blocks: dict[tuple[int, int], tuple[int, list[list[object]]]] = {}
    for r in sorted(runs):
        still_open = {}
        for span in runs[r]:
            values = [excel_text(cells[(r, c)]) for c in range(span[0], span[1] + 1)]
            if span in open_blocks and open_blocks[span][0] + len(open_blocks[span][1]) == r:
                top, rows = open_blocks[span]
                rows.append(values)
                still_open[span] = (top, rows)
            else:
                still_open[span] = (r, [values])
        for span, (top, rows) in open_blocks.items():
            if span not in still_open or still_open[span][0] != top:
                out.append((top, span[0], rows))
        open_blocks = still_open
    out += [(top, span[0], rows) for span, (top, rows) in open_blocks.items()]
    return sorted(out)


EXCEL_ROWS = 1_048_576


def add_missing_pages(book) -> list[str]:
    """Add the pages (Coaching, Inzicht) the workbook does not have, each after the page before it, with
    the page's column widths and print area; returns their names."""
    present = [sheet.name for sheet in book.sheets]
    added = []
    for name in L.PAGES:
        if name in present or name not in ADDABLE:
            continue
        before = [page for page in L.PAGES[: L.PAGES.index(name)] if page in present]
        anchor = before[-1] if before else present[0]
        sheet = book.sheets.add(name, after=book.sheets[anchor])
        last_row, last_col, widths = ADDABLE[name]
        for col, width in enumerate(widths):
            sheet.range((1, col + 1)).column_width = width
        sheet.page_setup.print_area = f"A1:{L.a1(last_row, last_col)}"
        present.insert(present.index(anchor) + 1, name)
        added.append(name)
    return added


def write_plan(book, plan: Plan) -> int:
    """Write the plan into the open workbook; returns the number of range writes."""
    app = book.app
    updating = app.screen_updating
    app.screen_updating = False
    writes = 0
    try:
        for name, cells in plan.sheets().items():
            sheet = book.sheets[name]
            # the user's formulas in the cells they fill in (the month choice) are written back as formulas
            formulas = {}
            for row, col in L.USER_CELLS.get(name, ()):
                formula = sheet.range((row + 1, col + 1)).formula
                if isinstance(formula, str) and formula.startswith("="):
                    formulas[(row, col)] = formula
            # only the areas the refresh owns: a note or formula beside them is the user's
            for top, left, bottom, right in L.owned_area(name) or ():
                sheet.range((top + 1, left + 1), ((bottom + 1) if bottom is not None else EXCEL_ROWS,
                                                  right + 1)).clear_contents()
            for row, col, values in blocks({pos: v for pos, v in cells.items() if pos not in formulas}):
                sheet.range((row + 1, col + 1)).value = values
                writes += 1
            for (row, col), formula in formulas.items():
                sheet.range((row + 1, col + 1)).formula = formula
    finally:
        app.screen_updating = updating
    return writes


def refresh_book(book, now: dt.datetime | None = None, today: dt.date | None = None):
    """Refresh an open workbook (an ``xlwings.Book``); returns the MonthReport."""
    workbook = Path(book.fullname) if book.fullname else None
    # The config (pydantic, yaml and kpi.yaml) loads in a thread while Excel hands over the tables: a click
    # spends that time waiting for Excel anyway. A mistake in the config is still said first.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-xl-config") as pool:
        config = pool.submit(settings_for, workbook)
        try:
            raw, first_rows = read_book(book)
        finally:
            settings = config.result()
    missing = [name for name in L.DATA_SHEETS if name not in raw]
    if missing:
        raise KpiError(f"Excel Table(s) {', '.join(missing)} not found; keep the tables named Leads, Activities, "
                       "Deals and Customers")
    tables = read_tables(raw, settings, first_rows)
    dashboard = book.sheets[L.DASHBOARD]
    selector = dashboard.range((L.MONTH_CELL[0] + 1, L.MONTH_CELL[1] + 1)).value
    history_values = book.sheets[L.HISTORY].used_range.options(ndim=2).value or []
    report, plan = plan_for(tables, settings, selector, selector, history_values, now=now, today=today)
    add_missing_pages(book)
    write_plan(book, plan)
    return report


def refresh() -> None:
    """Called by the workbook's Refresh button (``RunPython``)."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        refresh_book(book)
    except KpiError as err:
        book.app.alert(str(err), title="kpi_xl", mode="critical")
    except OSError as err:  # e.g. kpi.yaml unreadable: the system's words and the file, not a traceback
        where = f": {err.filename}" if err.filename else ""
        book.app.alert(f"{err.strerror or err}{where}. Nothing was changed / er is niets gewijzigd.",
                       title="kpi_xl", mode="critical")
