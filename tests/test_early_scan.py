"""The scan of the largest sheet begun before a command's imports (kpi_xl.workbook.early_scan), and the
cache filled in the background (kpi_xl.workbook.parse_cache.BackgroundStores): a refresh with them finds
exactly what a refresh without them finds, and a file saved meanwhile is scanned again."""

from __future__ import annotations

import os
import shutil
import threading

import pytest

from kpi_xl.config import load_config
from kpi_xl.workbook import parse_cache
from kpi_xl.workbook import refresh as refresh_module
from kpi_xl.workbook.early_scan import EarlyScan
from kpi_xl.workbook.error_scan import SheetScan
from kpi_xl.workbook.refresh import refresh_file
from tests.workbooks import NOW, TODAY, demo_workbook, put_error_cells

SETTINGS = load_config()


@pytest.fixture
def scanned(monkeypatch):
    """The sheets the refresh's own scan looks at, call by call."""
    seen: list[str] = []
    real = SheetScan.sheet

    def counting(self, sheet):
        seen.append(sheet)
        return real(self, sheet)

    monkeypatch.setattr(SheetScan, "sheet", counting)
    return seen


def _errors(result) -> list[tuple]:
    return sorted((p.table, p.row, p.value) for p in result.report.problems if p.code == "excel_error")


def _early(path) -> EarlyScan:
    early = EarlyScan(path)
    early._done.wait()  # (the refresh waits for it too; here the test decides what happens after)
    return early


def test_the_early_scan_spares_the_refresh_that_sheets_scan(tmp_path, scanned, monkeypatch):
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    book = demo_workbook(tmp_path / "book.xlsm")
    put_error_cells(book, "Activities", {"A5": "#N/A", "C9": "#REF!"})
    twin = shutil.copyfile(book, tmp_path / "twin.xlsm")
    early = _early(book)
    assert early.sheet == "Activities"  # the largest data sheet
    scanned.clear()  # (the early scan went through SheetScan.sheet too)
    with_early = refresh_file(book, month="2026-10", now=NOW, today=TODAY, early=early)
    assert "Activities" not in scanned and {"Leads", "Deals", "Customers"} <= set(scanned)
    without = refresh_file(twin, month="2026-10", now=NOW, today=TODAY)
    assert _errors(with_early) == _errors(without) == [("Activities", 5, "#N/A"), ("Activities", 9, "#REF!")]
    assert with_early.plan.sheets() == without.plan.sheets()


@pytest.mark.parametrize("how", ["moved_over", "written_in_place"])
def test_a_file_saved_after_the_early_scan_is_scanned_again(tmp_path, scanned, monkeypatch, how):
    """OneDrive or Excel saves the workbook between the early scan and the refresh: the early findings
    (no error cells) are not the file's; the refresh scans the sheet again and finds the new #N/A."""
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    book = demo_workbook(tmp_path / "book.xlsm")
    saved = shutil.copyfile(book, tmp_path / "saved.xlsm")
    put_error_cells(saved, "Activities", {"B7": "#N/A"})
    early = _early(book)
    if how == "moved_over":
        os.replace(saved, book)
    else:
        book.write_bytes(saved.read_bytes())
    scanned.clear()
    result = refresh_file(book, month="2026-10", now=NOW, today=TODAY, early=early)
    assert "Activities" in scanned
    assert _errors(result) == [("Activities", 7, "#N/A")]


def test_the_early_scan_of_what_is_no_workbook_leaves_it_to_the_refresh(tmp_path):
    """Anything wrong is for the refresh's own scan to say; the early scan neither raises nor waits."""
    junk = tmp_path / "junk.xlsm"
    junk.write_bytes(b"not a zip at all")
    early = _early(junk)
    assert early.sheet is None
    assert early.findings(None, "Activities") is None
    missing = _early(tmp_path / "missing.xlsm")
    assert missing.findings(None, "Activities") is None


def test_another_sheet_is_not_kept_waiting(tmp_path, monkeypatch):
    """Only the reader of the sheet being scanned early waits for that scan."""
    book = demo_workbook(tmp_path / "book.xlsm")
    hold = threading.Event()
    real = SheetScan.sheet

    def slow(self, sheet):
        hold.wait(30)
        return real(self, sheet)

    monkeypatch.setattr(SheetScan, "sheet", slow)
    early = EarlyScan(book)
    early._chosen.wait(30)
    assert early.sheet == "Activities"
    assert early.findings(SheetScan(book), "Leads") is None  # at once, while Activities is still scanned
    assert not early._done.is_set()
    hold.set()
    assert early.findings(SheetScan(book), "Activities") is not None


def test_the_cache_is_filled_in_the_background_with_the_tables_as_parsed(tmp_path, monkeypatch):
    """The stores run beside the computing, which makes new frames (one spelling per name) from the
    parsed ones: what is stored is the table as parsed, so a second refresh writes the same pages."""
    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    book = demo_workbook(tmp_path / "book.xlsm", seed=11, messy=True)
    first = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    assert len(list((tmp_path / "cache").iterdir())) >= 4  # stored before refresh_file returned
    second = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    third = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    assert first.plan.sheets() == second.plan.sheets() == third.plan.sheets()


def test_a_failed_refresh_waits_for_no_store_it_did_not_begin(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    book = demo_workbook(tmp_path / "book.xlsm")
    before = book.read_bytes()

    def fails(*args, **kwargs):
        raise RuntimeError("computing failed")

    monkeypatch.setattr(refresh_module, "plan_for", fails)
    with pytest.raises(RuntimeError, match="computing failed"):
        refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    assert book.read_bytes() == before
    assert not [t for t in threading.enumerate() if t.name.startswith("kpi-xl-cache")]
    assert not [p for p in (tmp_path / "cache").glob(".tmp-*")]  # nothing half-written


def test_background_stores_hand_over_a_snapshot(tmp_path, monkeypatch):
    """A frame changed after it was handed over (a new column, a column replaced) is stored as handed."""
    import pandas as pd

    from kpi_xl.tables.parse import ParsedTable

    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    frame = pd.DataFrame({"owner": pd.Series(["Jan", None, "Piet"], dtype=object), "value": [1.0, 2.5, None],
                          "_row": [2, 3, 4]})  # (text as the parsing leaves it: object columns)
    parsed = ParsedTable("Deals", frame, headers={"owner": "Eigenaar"})
    hold = threading.Event()
    real = parse_cache.store
    monkeypatch.setattr(parse_cache, "store", lambda key, table: hold.wait(30) and real(key, table))
    with parse_cache.BackgroundStores() as stores:
        stores.add("k" * 40, parsed)
        # (the refresh's own frames are never changed so, but a store must not depend on it)
        frame["owner"] = pd.Series(["X", "Y", "Z"], dtype=object)
        frame["extra"] = 1
        parsed.headers["value"] = "Waarde"
        hold.set()
    kept = parse_cache.load("k" * 40, "Deals")
    assert kept.frame["owner"].tolist() == ["Jan", None, "Piet"] and "extra" not in kept.frame
    assert kept.headers == {"owner": "Eigenaar"}
