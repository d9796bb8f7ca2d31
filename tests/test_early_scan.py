"""The largest sheet scanned while ``kpi-xl refresh`` imports (:mod:`kpi_xl.workbook.early_scan`): the reader
takes it only for the file it opened, a refresh writes the same cells with it as without, a failed one is
done again by the reader (same message), and one that nobody takes is stopped."""

from __future__ import annotations

import shutil
import struct
import threading
import time
import zipfile

import pytest

from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.workbook import early_scan, error_scan
from kpi_xl.workbook.cache_place import cache_folder
from kpi_xl.workbook.package import sheet_parts
from kpi_xl.workbook.refresh import refresh_file
from tests.workbooks import NOW, TODAY, demo_workbook, put_error_cells, run_cli, sheet_cells

EARLY = "kpi-xl-early-scan"


@pytest.fixture
def scanned(monkeypatch):
    """(thread name, sheet) of every sheet scan, in order."""
    seen: list[tuple[str, str]] = []
    real = error_scan.SheetScan.scan

    def spy(self, sheet, stop=None):
        seen.append((threading.current_thread().name, sheet))
        return real(self, sheet, stop)

    monkeypatch.setattr(error_scan.SheetScan, "scan", spy)
    return seen


def _wait_until_scanned(path) -> None:
    early = early_scan._pending[early_scan._key(path)]
    assert early.ready.wait(30)
    for future in early.scan.early.values():
        future.exception(timeout=30)


def _early_threads_end() -> None:
    for thread in [t for t in threading.enumerate() if t.name == EARLY]:
        thread.join(timeout=30)
        assert not thread.is_alive()


def _pages(path) -> dict:
    return {sheet: sheet_cells(path, sheet) for sheet in (L.DASHBOARD, L.COACHING, L.INSIGHT, L.CHECKS, L.HISTORY)}


def test_the_refresh_takes_the_early_scan_and_writes_what_it_writes_without(tmp_path, monkeypatch, scanned):
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    source = demo_workbook(tmp_path / "source.xlsm", seed=11, messy=True)
    put_error_cells(source, "Activities", {"B5": "#N/A"})  # found by the scan alone: fastexcel reads it as empty
    plain, early = shutil.copy(source, tmp_path / "plain.xlsm"), shutil.copy(source, tmp_path / "early.xlsm")
    refresh_file(plain, now=NOW, today=TODAY)
    assert (threading.current_thread().name, "Activities") not in scanned  # the reader's threads scan it
    scanned.clear()
    early_scan.start(early)
    refresh_file(early, now=NOW, today=TODAY)
    assert [sheet for _, sheet in scanned].count("Activities") == 1
    assert (EARLY, "Activities") in scanned
    assert _pages(early) == _pages(plain)
    assert any("#N/A" in str(value) for value in sheet_cells(early, L.CHECKS).values())
    assert early_scan._pending == {}


def test_a_file_saved_after_the_early_scan_began_is_scanned_again(tmp_path, monkeypatch, scanned):
    """Another program saves the workbook after the scan opened it: the scan is of another file, not used."""
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    expected = shutil.copy(path, tmp_path / "expected.xlsm")
    put_error_cells(expected, "Activities", {"B7": "#DIV/0!"})
    refresh_file(expected, now=NOW, today=TODAY)
    early_scan.start(path)
    _wait_until_scanned(path)
    put_error_cells(path, "Activities", {"B7": "#DIV/0!"})  # saved meanwhile (a new file in its place)
    scanned.clear()
    refresh_file(path, now=NOW, today=TODAY)
    assert [sheet for _, sheet in scanned].count("Activities") == 1 and (EARLY, "Activities") not in scanned
    assert _pages(path) == _pages(expected)
    _early_threads_end()


def test_take_checks_the_file_it_is_given(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    assert early_scan.take(path) is None  # none begun
    early_scan.start(path)
    _wait_until_scanned(path)
    path.touch()  # a save: another modification time
    assert early_scan.take(path) is None
    early_scan.start(path)
    assert early_scan.take(tmp_path / "." / "book.xlsm") is not None  # the same file, named another way
    early_scan.start(tmp_path / "missing.xlsm")
    assert early_scan.take(tmp_path / "missing.xlsm") is None
    _early_threads_end()


def test_a_scan_nobody_takes_is_stopped(tmp_path, monkeypatch, scanned):
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    monkeypatch.setattr(error_scan, "part_chunks", _endless)
    early_scan.start(path)
    deadline = time.monotonic() + 30
    while not scanned and time.monotonic() < deadline:
        time.sleep(0.01)
    assert scanned == [(EARLY, "Activities")]
    early_scan.discard(path)
    _early_threads_end()


def test_a_refresh_from_the_cache_stops_the_early_scan(tmp_path, reads, monkeypatch):
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    refresh_file(path, now=NOW, today=TODAY)
    reads.clear()
    (cache_folder() / early_scan.SEEN_FILE).unlink()  # (else no early scan begins: the next test)
    monkeypatch.setattr(error_scan, "part_chunks", _endless)  # a scan that ends only when stopped
    early_scan.start(path)
    refresh_file(path, month="2026-09", now=NOW, today=TODAY)
    assert reads == [[]]  # every table came from the cache: no sheet read
    assert early_scan._pending == {}
    _early_threads_end()


def _endless(*args, **kwargs):
    """A sheet part without end in the early scan's thread; the others as they are."""
    if threading.current_thread().name != EARLY:
        yield from REAL_CHUNKS(*args, **kwargs)
        return
    while True:
        time.sleep(0.01)
        yield b"<row/>"


REAL_CHUNKS = error_scan.part_chunks


def _lying_about_its_size(path, sheet: str) -> None:
    """The sheet's part claims fewer bytes than it inflates to (a zip bomb's trick), in both headers."""
    with zipfile.ZipFile(path) as archive:
        name = sheet_parts(archive)[sheet].encode()
        size = archive.getinfo(name.decode()).file_size
    data = bytearray(path.read_bytes())
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        struct.pack_into("<I", data, at + size_at, size // 2)
    path.write_bytes(bytes(data))


def test_a_failed_early_scan_is_done_again_by_the_reader_with_its_message(tmp_path, monkeypatch, scanned):
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    liar = demo_workbook(tmp_path / "liar.xlsm", seed=5)
    _lying_about_its_size(liar, "Activities")
    with pytest.raises(KpiError) as plain:
        refresh_file(liar, now=NOW, today=TODAY)
    early_scan.start(liar)
    _wait_until_scanned(liar)
    scanned.clear()
    with pytest.raises(KpiError) as early:
        refresh_file(liar, now=NOW, today=TODAY)
    assert str(early.value) == str(plain.value) and "cannot be read as a workbook" in str(plain.value)
    assert [sheet for _, sheet in scanned].count("Activities") == 1  # scanned again by the reader
    assert early_scan._pending == {}


def test_kpi_xl_refresh_scans_the_largest_sheet_early(tmp_path, monkeypatch, scanned):
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    code, _ = run_cli(monkeypatch, ["refresh", str(path)])
    assert code == 0
    assert (EARLY, "Activities") in scanned and [sheet for _, sheet in scanned].count("Activities") == 1
    assert early_scan._pending == {}
    code, _ = run_cli(monkeypatch, ["refresh", str(tmp_path / "missing.xlsm")])
    assert code != 0 and early_scan._pending == {}


def test_python_switches_often_only_while_an_early_scan_runs(tmp_path, monkeypatch):
    """The shorter switch interval (the scan gets Python's lock back between its steps) is the process's
    usual one again once the scan has ended, whether it was taken, stopped or failed."""
    import sys

    _early_threads_end()  # (a scan of an earlier test still ending would hold the short interval)
    usual = sys.getswitchinterval()
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    monkeypatch.setattr(error_scan, "part_chunks", _endless)
    early_scan.start(path)
    assert sys.getswitchinterval() < usual
    early_scan.start(tmp_path / "missing.xlsm")  # fails at once, while the other still runs
    early_scan.take(tmp_path / "missing.xlsm")
    time.sleep(0.1)
    assert sys.getswitchinterval() < usual
    early_scan.discard(path)
    _early_threads_end()
    assert sys.getswitchinterval() == usual


def test_the_reading_threads_switch_often_while_they_read(tmp_path):
    """fastexcel hands a table over in many short steps without Python's lock: while the sheets are read two
    at a time (one thread parsing while the other reads), the interval is short; after the read, whether it
    ended well or not, it is the usual one again."""
    import sys

    from kpi_xl.workbook import lock_handover
    from kpi_xl.workbook.read import read_workbook

    _early_threads_end()
    usual = sys.getswitchinterval()
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    during: list[float] = []
    read_workbook(path, ["Activities", "Deals"], columns=True,
                  each_table=lambda name, table, row: during.append(sys.getswitchinterval()))
    assert during == [pytest.approx(lock_handover.SHORT)] * 2
    assert sys.getswitchinterval() == usual

    def fails(name, table, row):
        raise RuntimeError("parsing failed")

    with pytest.raises(RuntimeError, match="parsing failed"):
        read_workbook(path, ["Activities"], columns=True, each_table=fails)
    assert sys.getswitchinterval() == usual


def test_a_workbook_whose_tables_are_cached_is_not_scanned_early(tmp_path, monkeypatch, scanned, reads):
    """Its next refresh reads no sheet: a scan beside it would only take the lock. Changed data (another CRC
    of the largest sheet's part), or a damaged note of what was cached, means an early scan again."""
    path = demo_workbook(tmp_path / "book.xlsm", seed=5)
    assert run_cli(monkeypatch, ["refresh", str(path)])[0] == 0
    assert (EARLY, "Activities") in scanned
    scanned.clear()
    reads.clear()
    assert run_cli(monkeypatch, ["refresh", str(path), "--month", "2026-09"])[0] == 0
    assert reads == [[]] and (EARLY, "Activities") not in scanned
    (cache_folder() / early_scan.SEEN_FILE).write_text("{not json", encoding="utf-8")
    assert run_cli(monkeypatch, ["refresh", str(path), "--month", "2026-08"])[0] == 0
    assert (EARLY, "Activities") in scanned
    _early_threads_end()
    scanned.clear()
    assert run_cli(monkeypatch, ["refresh", str(path), "--month", "2026-07"])[0] == 0
    assert (EARLY, "Activities") not in scanned  # noted again by the refresh from the cache
    put_error_cells(path, "Activities", {"B7": "#N/A"})
    assert run_cli(monkeypatch, ["refresh", str(path)])[0] == 0
    assert (EARLY, "Activities") in scanned and [sheet for _, sheet in scanned].count("Activities") == 1
