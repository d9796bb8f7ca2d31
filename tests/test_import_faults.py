"""``kpi-xl import`` killed at random moments: the workbook is the original byte for byte or the complete
imported one, never half of each; a backup that exists is the original."""

from __future__ import annotations

import random
import sys
import zipfile
from pathlib import Path

from kpi_xl.sample import generate
from kpi_xl.workbook.import_file import backup_path
from kpi_xl.workbook.new import new_workbook
from kpi_xl.workbook.read import read_workbook
from tests.crm_exports import write_pipedrive
from tests.kills import kill_somewhere, timed_run

KILLS = 12


def _rows(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every part's CRC checks out
    tables = read_workbook(path, tables=["Deals", "Activities", "Customers"]).tables
    return {name: len(rows) - 1 for name, rows in tables.items()}


def _others(folder: Path, book: Path) -> set[Path]:
    return {p for p in folder.iterdir() if p.is_file() and p not in (book, backup_path(book))}


def test_killed_at_random_moments_the_workbook_is_the_original_or_the_imported_one(tmp_path):
    files = write_pipedrive(generate(seed=7), tmp_path / "exports", "en")
    book = new_workbook(tmp_path / "book.xlsm")
    original = book.read_bytes()
    command = [sys.executable, "-m", "kpi_xl.cli", "import", str(book), *map(str, files), "--no-refresh"]
    # one undisturbed run: how long it takes, and when the new workbook is being written beside it
    duration, write_time = timed_run(command, lambda: bool(_others(tmp_path, book)))
    imported = _rows(book)
    assert imported["Deals"] == 600 and imported["Customers"] == 150 and imported["Activities"] > 19_000

    rng = random.Random(20261202)
    outcomes = {"original": 0, "imported": 0}
    during_write = 0
    for i in range(KILLS):
        book.write_bytes(original)
        backup_path(book).unlink(missing_ok=True)
        for leftover in _others(tmp_path, book):
            leftover.unlink()
        during_write += kill_somewhere(command, lambda: bool(_others(tmp_path, book)), rng, i, duration, write_time,
                                       reach=1.2)
        if book.read_bytes() == original:
            outcomes["original"] += 1
        else:
            assert _rows(book) == imported, f"kill {i}: neither the original nor the imported workbook"
            outcomes["imported"] += 1
            assert backup_path(book).exists()  # the workbook is replaced only after the backup is complete
        if backup_path(book).exists():  # written atomically too: never a half copy
            assert backup_path(book).read_bytes() == original, f"kill {i}: a damaged backup"
        for leftover in _others(tmp_path, book):
            assert leftover.name.startswith(".~") and leftover.name.endswith(".tmp"), leftover.name
    print(f"\nkills: {KILLS}, during the write: {during_write}, outcomes: {outcomes}, normal run {duration:.2f} s, "
          f"write phase {write_time:.2f} s")
    assert sum(outcomes.values()) == KILLS
    assert during_write >= KILLS // 3  # the kills really hit the write, not only the start-up
