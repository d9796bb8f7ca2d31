"""Helpers for tests that build and inspect real workbooks."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import python_calamine as calamine

from kpi_xl.config import load_config
from kpi_xl.report import layout as L
from kpi_xl.sample import generate
from kpi_xl.workbook.new import fill_tables, new_workbook
from kpi_xl.workbook.package import sheet_parts

NOW = dt.datetime(2026, 11, 2, 8, 30)
TODAY = dt.date(2026, 11, 2)


def demo_workbook(path: Path, seed: int = 7, messy: bool = False, settings=None) -> Path:
    """A new workbook (as ``settings`` make it; default: the template's copy) filled with the seeded sample
    company (not refreshed)."""
    company = generate(seed=seed, messy=messy)
    new_workbook(path, overwrite=True, settings=settings)  # the template's copy, or built from the settings given
    settings = settings or load_config()
    fill_tables(path, company.rows(), settings)
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def owned_parts(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        mapping = sheet_parts(archive)
    return {mapping[name] for name in L.OWNED_SHEETS}


def sheet_cells(path: Path, sheet: str) -> dict[tuple[int, int], object]:
    """Every non-empty cell of a sheet, 0-based (row, col) → value, as calamine reads it."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v not in ("", None)}


def run_cli(monkeypatch, argv: list[str]) -> tuple[int, str]:
    """``kpi-xl ARGV`` run in this process (so monkeypatched faults apply): its exit code and what it
    wrote to stderr."""
    import io
    import sys
    from contextlib import redirect_stderr

    import pytest

    from kpi_xl import cli

    monkeypatch.setattr(sys, "argv", ["kpi-xl", *argv])
    stderr = io.StringIO()
    with redirect_stderr(stderr), pytest.raises(SystemExit) as exited:
        cli.errors.file = stderr
        try:
            cli.main()
        finally:
            cli.errors.file = sys.__stderr__
    return exited.value.code, stderr.getvalue()


def put_error_cells(path: Path, sheet: str, cells: dict[str, str]) -> None:
    """Turn cells of ``sheet`` into Excel error cells (``t="e"``), as Excel writes ``#N/A``."""
    with zipfile.ZipFile(path) as archive:
        part = sheet_parts(archive)[sheet]
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    tmp = path.with_suffix(".tmp.xlsm")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename == part:
                xml = data.decode("utf-8")
                for ref, error in cells.items():
                    xml, n = re.subn(rf'<c r="{ref}"([^>]*?)(?: t="\w+")?(/>|>.*?</c>)',
                                     lambda m, ref=ref, error=error: f'<c r="{ref}"{m.group(1)} t="e"><v>{error}</v></c>',
                                     xml, count=1, flags=re.S)
                    assert n == 1, ref
                data = xml.encode("utf-8")
            out.writestr(info, data)
    shutil.move(tmp, path)


def damage(arrow: Path, description: Path, kind: str) -> bool:
    """Damage a cache entry the way a disk, a killed process or another program may: ``kind`` is truncated,
    bit (one bit flipped), foreign_json, garbage (the description) or missing (the Arrow file); False for
    a kind this does not know."""
    if kind == "truncated":
        arrow.write_bytes(arrow.read_bytes()[:100])
    elif kind == "bit":
        data = bytearray(arrow.read_bytes())
        data[len(data) // 2] ^= 0x01
        arrow.write_bytes(bytes(data))
    elif kind == "foreign_json":
        description.write_text('{"format": 1}', encoding="utf-8")
    elif kind == "garbage":
        description.write_bytes(b"\x00\xff not json")
    elif kind == "missing":
        arrow.unlink()
    else:
        return False
    return True


def at_once(work, inputs: list) -> list:
    """``work(input)`` for every input, each in a thread of its own, all started together (two refreshes at
    once); the results in the inputs' order. An error in any thread is raised here."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(inputs)) as pool:
        return list(pool.map(work, inputs))
