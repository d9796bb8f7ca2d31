"""The Refresh button's Python side against the real xlwings classes (autospec), and its
equivalence with the file refresh: same cells, same values, from the same report."""

from __future__ import annotations

import errno
import shutil
from unittest import mock

import pytest
import xlwings as xw
import xlwings.main as xm

from kpi_xl.errors import KpiError
from kpi_xl.excel import button as excel
from kpi_xl.report import layout as L
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.refresh import refresh_file
from tests.workbooks import NOW, TODAY, demo_workbook, sheet_cells


class FakeBook:
    """An autospec'd xlwings Book whose sheets and tables hold the rows of a real workbook file."""

    def __init__(self, path, names=(L.DASHBOARD, L.COACHING, L.INSIGHT, *L.DATA_SHEETS, L.HISTORY, L.CHECKS,
                                    L.HELP)):
        data = read_workbook(path)
        self.book = mock.create_autospec(xw.Book, instance=True)
        self.book.fullname = str(path)
        self.app = mock.create_autospec(xw.App, instance=True)
        self.app.screen_updating = True
        self.book.app = self.app
        self.writes: list[tuple[str, tuple, object]] = []
        self.clears: list[tuple[str, tuple]] = []
        self.sheets = {}
        self.data = data
        for name in names:
            self.sheets[name] = self._sheet(name)
        collection = mock.create_autospec(xm.Sheets, instance=True)
        collection.__iter__.side_effect = lambda: iter(list(self.sheets.values()))
        collection.__getitem__.side_effect = lambda key: self.sheets[key]
        collection.add.side_effect = self._add
        self.book.sheets = collection

    def _sheet(self, name):
        sheet = mock.create_autospec(xm.Sheet, instance=True)
        sheet.name = name
        sheet.tables = self._tables(name, self.data)
        sheet.range.side_effect = self._range_factory(name)
        used = mock.create_autospec(xw.Range, instance=True)
        used.options.return_value.value = self.data.history if name == L.HISTORY else None
        used.clear_contents.side_effect = lambda n=name: self.clears.append((n, ("used_range",)))
        sheet.used_range = used
        sheet.page_setup = mock.create_autospec(xm.PageSetup, instance=True)
        return sheet

    def _add(self, name=None, before=None, after=None):
        """Sheets.add as Excel does it: the new sheet right after ``after``."""
        assert before is None and after is not None and after.name in self.sheets
        order = list(self.sheets)
        order.insert(order.index(after.name) + 1, name)
        self.sheets[name] = self._sheet(name)
        self.sheets = {n: self.sheets[n] for n in order}
        return self.sheets[name]

    def _tables(self, name, data):
        tables = mock.create_autospec(xm.Tables, instance=True)
        items = []
        if name in data.tables:
            table = mock.create_autospec(xm.Table, instance=True)
            table.name = name
            rng = mock.create_autospec(xw.Range, instance=True)
            rng.row = data.first_rows[name]
            rng.options.return_value.value = [[None if v == "" else v for v in row] for row in data.tables[name]]
            table.range = rng
            items.append(table)
        tables.__iter__.side_effect = lambda: iter(items)
        return tables

    def _range_factory(self, sheet_name):
        def make(cell1, cell2=None):
            rng = mock.create_autospec(xw.Range, instance=True)
            rng.value = None
            rng.clear_contents.side_effect = lambda: self.clears.append((sheet_name, (cell1, cell2)))
            self.writes.append((sheet_name, (cell1, cell2), rng))
            return rng
        return make

    def written(self) -> dict[str, dict[tuple[int, int], object]]:
        """Cells as Excel would hold them after the writes (apostrophe prefixes are not part of the value)."""
        out: dict[str, dict[tuple[int, int], object]] = {}
        for sheet, (cell1, _), rng in self.writes:
            if not isinstance(rng.value, list):
                continue
            row0, col0 = cell1
            for i, values in enumerate(rng.value):
                for j, value in enumerate(values):
                    if isinstance(value, str) and value.startswith("'"):
                        value = value[1:]
                    key = (row0 - 1 + i, col0 - 1 + j)
                    if value is None:
                        out.setdefault(sheet, {}).pop(key, None)
                    else:
                        out.setdefault(sheet, {})[key] = value
        return out


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("excel")
    path = demo_workbook(folder / "book.xlsm", messy=True)
    fake = FakeBook(path)
    report = excel.refresh_book(fake.book, now=NOW, today=TODAY)
    file_copy = folder / "file.xlsm"
    shutil.copyfile(path, file_copy)
    file_result = refresh_file(file_copy, now=NOW, today=TODAY)
    return fake, report, file_result, file_copy


def test_the_xlwings_writer_and_the_file_writer_render_the_same_cells(both):
    fake, report, file_result, file_copy = both
    assert report.tiles["pipeline_value"].value == file_result.report.tiles["pipeline_value"].value
    written = fake.written()
    for sheet in L.OWNED_SHEETS:
        in_file = sheet_cells(file_copy, sheet)
        in_excel = written.get(sheet, {})
        assert in_file, sheet
        assert set(in_excel) == set(in_file), sheet
        for pos, value in in_file.items():
            other = in_excel[pos]
            if hasattr(other, "year") and hasattr(value, "year"):
                if type(other) is not type(value):  # a date-only cell reads back as a date
                    other, value = other.date() if hasattr(other, "date") else other, \
                        value.date() if hasattr(value, "date") else value
                    assert other == value, (sheet, pos)
                else:
                    assert abs((other - value).total_seconds()) < 1, (sheet, pos)
            elif isinstance(value, float) or isinstance(other, float):
                assert other == pytest.approx(value), (sheet, L.a1(*pos))
            else:
                assert other == value, (sheet, L.a1(*pos))


def test_few_round_trips_and_screen_updating_restored(both):
    fake, _, file_result, _ = both
    writes = [w for w in fake.writes if isinstance(w[2].value, list)]
    cells = sum(len(c) for c in file_result.plan.sheets().values())
    assert len(writes) < cells / 4  # blocks, not cells
    assert fake.app.screen_updating is True
    assert {sheet for sheet, _ in fake.clears} == set(L.OWNED_SHEETS)
    data_sheets_written = {sheet for sheet, _, rng in fake.writes if isinstance(rng.value, list)} - set(
        L.OWNED_SHEETS)
    assert not data_sheets_written  # never a write to the user's data sheets


def test_formula_like_and_date_like_text_stays_text():
    assert excel.excel_text('=HYPERLINK("x")') == "'=HYPERLINK(\"x\")"
    assert excel.excel_text("@SUM(1)") == "'@SUM(1)"
    assert excel.excel_text("2026-10") == "'2026-10"
    assert excel.excel_text("Jan Jansen") == "Jan Jansen"
    assert excel.excel_text(12.5) == 12.5


def test_the_button_reports_a_fixable_problem_in_a_message_box(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "book.xlsm")
    fake = FakeBook(path)
    fake.sheets["Deals"].tables = mock.create_autospec(xm.Tables, instance=True)
    fake.sheets["Deals"].tables.__iter__.side_effect = lambda: iter([])
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: fake.book))
    excel.refresh()
    fake.app.alert.assert_called_once()
    message = fake.app.alert.call_args.args[0]
    assert "Deals" in message and "not found" in message
    with pytest.raises(KpiError):
        excel.refresh_book(fake.book)


def test_the_button_reports_a_system_error_in_a_message_box(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "book.xlsm")
    fake = FakeBook(path)
    monkeypatch.setattr(xw.Book, "caller", classmethod(lambda cls: fake.book))
    denied = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "kpi.yaml"))
    monkeypatch.setattr(excel, "settings_for", mock.Mock(side_effect=denied))
    excel.refresh()
    fake.app.alert.assert_called_once()
    assert fake.app.alert.call_args.args[0] == (f"Permission denied: {tmp_path / 'kpi.yaml'}. "
                                                "Nothing was changed / er is niets gewijzigd.")
    assert fake.app.alert.call_args.kwargs == {"title": "kpi_xl", "mode": "critical"}


def test_blocks_cover_every_cell_once():
    cells = {(r, c): r * 10 + c for r in range(5) for c in range(4) if (r + c) % 3}
    seen = {}
    for row, col, values in excel.blocks(cells):
        for i, line in enumerate(values):
            for j, value in enumerate(line):
                assert (row + i, col + j) not in seen
                seen[(row + i, col + j)] = value
    assert seen == cells


def test_the_button_keeps_a_month_formula_and_clears_only_the_owned_areas(tmp_path):
    """Like the file writer: a formula in the month cell is written back as the formula (Excel then
    recalculates it), and only the areas the refresh owns are cleared, never a sheet's whole used range."""
    path = demo_workbook(tmp_path / "book.xlsm")
    fake = FakeBook(path)
    make = fake._range_factory(L.DASHBOARD)
    month = (L.MONTH_CELL[0] + 1, L.MONTH_CELL[1] + 1)
    seen: list = []

    def cell_with_formula(cell1, cell2=None):
        rng = make(cell1, cell2)
        rng.formula = ""
        if (cell1, cell2) == (month, None):
            cleared = any(sheet == L.DASHBOARD for sheet, _ in fake.clears)
            rng.formula = "" if cleared else "=DATE(2026,8,1)"  # the user's formula, until cleared
            seen.append(rng)
        return rng
    fake.sheets[L.DASHBOARD].range.side_effect = cell_with_formula
    excel.refresh_book(fake.book, now=NOW, today=TODAY)
    assert len(seen) >= 2 and seen[-1].formula == "=DATE(2026,8,1)"
    assert L.MONTH_CELL not in fake.written()[L.DASHBOARD]  # no value over the formula
    assert all(cells != ("used_range",) for _, cells in fake.clears)
    assert (L.DASHBOARD, ((1, 1), (L.LAST_ROW + 1, L.LAST_COL + 1))) in fake.clears
    assert (L.CHECKS, ((1, 1), (excel.EXCEL_ROWS, len(L.CHECKS_COLUMNS)))) in fake.clears


def test_the_config_loads_while_excel_hands_over_the_tables(tmp_path, monkeypatch):
    """The click reads kpi.yaml (pydantic, yaml) in a thread while it waits for Excel: the config's loading
    only finishes once the tables are being read (it would wait forever, and time out, if it ran first)."""
    import threading

    path = demo_workbook(tmp_path / "book.xlsm")
    fake = FakeBook(path)
    reading, loaded_in = threading.Event(), []
    real_read, real_settings = excel.read_book, excel.settings_for

    def read_book(book):
        reading.set()
        return real_read(book)

    def settings_for(workbook):
        loaded_in.append(threading.current_thread().name)
        assert reading.wait(timeout=30), "the config was loaded before the tables were read"
        return real_settings(workbook)

    monkeypatch.setattr(excel, "read_book", read_book)
    monkeypatch.setattr(excel, "settings_for", settings_for)
    report = excel.refresh_book(fake.book)
    assert loaded_in and loaded_in[0] != threading.main_thread().name
    assert report.tiles["qualified_leads"].value is not None


def test_a_config_mistake_is_said_before_a_failed_read(tmp_path):
    """Both go wrong: the message is the config's (what the user fixes first), as when it was read first."""
    path = demo_workbook(tmp_path / "book.xlsm")
    (tmp_path / "kpi.yaml").write_text("points: [this is not, a mapping\n", encoding="utf-8")
    fake = FakeBook(path)
    fake.sheets["Deals"].tables = mock.create_autospec(xm.Tables, instance=True)
    fake.sheets["Deals"].tables.__iter__.side_effect = RuntimeError("the COM call failed")
    with pytest.raises(KpiError, match="kpi.yaml"):
        excel.refresh_book(fake.book)
