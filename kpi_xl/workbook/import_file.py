"""``kpi-xl import`` as a library call: CRM export files read, the workbook's tables replaced.

The reading is :func:`kpi_xl.importing.read_exports` (files → typed frames, problems, unmapped values);
the writing is :func:`kpi_xl.workbook.replace_tables.replace_tables` (each Excel Table's rows replaced,
atomically, the previous workbook kept as ``NAME.before-import.xlsm``). This module puts them in order and
refuses, before a single row is read, what would fail only after minutes of reading: a workbook that
is missing, open in Excel or read-only, an export file that is not there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.workbook.guard import check_not_open, check_writable
from kpi_xl.workbook.package_check import check_readable

if TYPE_CHECKING:  # the reader and the writer are imported when an import runs
    from kpi_xl.importing import ImportResult
    from kpi_xl.workbook.replace_tables import TableWrite

BACKUP_SUFFIX = ".before-import"
TABLE_ORDER = ("Leads", "Activities", "Deals", "Customers", "StageHistory")


@dataclass
class ImportOutcome:
    """What one import read and wrote."""

    workbook: Path
    result: ImportResult              # what the files held: frames, files, problems, unmapped values
    writes: dict[str, TableWrite]     # per table: rows written, columns not written, columns left empty
    backup: Path | None               # the workbook as it was before the import

    def tables(self) -> list[str]:
        """The tables written, in the workbook's order (Leads, Activities, Deals, Customers, StageHistory)."""
        known = [name for name in TABLE_ORDER if name in self.writes]
        return known + [name for name in self.writes if name not in known]

    def rows(self) -> int:
        return sum(write.rows for write in self.writes.values())


def backup_path(workbook: str | Path) -> Path:
    """``verkoop.xlsm`` → ``verkoop.before-import.xlsm``, beside it."""
    workbook = Path(workbook)
    return workbook.with_name(f"{workbook.stem}{BACKUP_SUFFIX}{workbook.suffix}")


def import_files(workbook: str | Path, files: Sequence[str | Path], settings: Settings, crm: str | None = None,
                 *, backup: Path | None = None, fail_after: str | None = None) -> ImportOutcome:
    """Read the CRM's export ``files`` and replace the rows of the tables they fill in ``workbook``.

    ``crm`` is one of :data:`kpi_xl.importing.CRMS` (any case), or None to recognise it from the headers.
    ``backup`` (default ``NAME.before-import.xlsm`` beside the workbook) receives the workbook as it was.
    Raises :class:`KpiError` (Dutch and English, by code) and leaves the workbook as it was when the
    workbook cannot be written, a file is missing or unreadable, or the files hold no row at all.
    ``fail_after`` is for tests (passed on to the writer).
    """
    from kpi_xl.importing import read_exports
    from kpi_xl.workbook.replace_tables import replace_tables

    workbook = Path(workbook)
    paths = [Path(f) for f in files]
    crm = (crm or "").strip().lower() or None  # "Pipedrive" is pipedrive; the reader refuses an unknown name
    _check_paths(workbook, paths)
    result = read_exports(paths, settings, crm)
    if not any(len(frame) for frame in result.tables.values()):
        raise KpiError.coded("cli.import.nothing", files=", ".join(p.name for p in paths))
    backup = backup_path(workbook) if backup is None else Path(backup)
    writes = replace_tables(workbook, result.tables, settings, backup=backup, fail_after=fail_after)
    return ImportOutcome(workbook, result, dict(writes), backup)


def _check_paths(workbook: Path, files: list[Path]) -> None:
    """Everything a write would refuse, refused before the files are read (which may take a minute)."""
    if not files:
        raise KpiError.coded("cli.import.no_files")
    if not workbook.is_file():
        raise KpiError.coded("cli.import.workbook_missing", path=workbook)
    for path in files:
        if not path.is_file():
            raise KpiError.coded("cli.import.file_missing", path=path)
        if path.resolve() == workbook.resolve():
            raise KpiError.coded("cli.import.same_file", path=path)
    check_readable(workbook)
    check_not_open(workbook)
    check_writable(workbook)


__all__ = ["BACKUP_SUFFIX", "ImportOutcome", "backup_path", "import_files"]
