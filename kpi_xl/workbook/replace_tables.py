"""The one writer of the data sheets: an import's frames replace the rows of the workbook's Excel Tables.

Each frame replaces every data row of the Table of its name: the header row stays as the user has it,
each frame column goes under the table column whose header means that field (as a refresh matches
headers), the Table's ``ref`` (and its autoFilter's) covers exactly the header and the new rows, each
new cell takes its column's style. Every other part of the package is copied byte for byte (the VBA
project, the shared strings: texts are written as inline strings). A workbook without a StageHistory
Table gets one when the import brings stage changes (:mod:`kpi_xl.workbook.stage_history_sheet`).

Atomic like the refresh's writer: a temporary file next to the workbook, fsync, ``os.replace`` after
the same guards (not open in Excel, writable, not saved by another program meanwhile); the original
is first copied to ``backup`` when one is given. The rows are built column by column
(:mod:`kpi_xl.workbook.table_cells`) and streamed into the zip at deflate level 1.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.tables.headers import TABLES, match_headers
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.package_check import unreadable
from kpi_xl.workbook.stage_history_sheet import add_stage_history
from kpi_xl.workbook.table_cells import ColumnCells, rows_xml
from kpi_xl.workbook.table_sheet import SheetScan, TableSpot, find_tables, resized_table, scan_sheet
from kpi_xl.workbook.write import copy_entry, replaced_atomically

__all__ = ["TableWrite", "replace_tables"]

DATA_LEVEL = 1  # deflate level of the rewritten data sheets: big, repetitive XML; speed over size
PART_LEVEL = 6
COLUMN_THREADS = 2  # columns prepared side by side (Arrow and numpy release the GIL)


@dataclass
class TableWrite:
    """What one table received."""

    table: str
    rows: int
    headers: list[str]  # the table's headers that were written, as the table has them
    not_written: list[str]  # frame columns the table has no column for
    left_empty: list[str]  # table headers the frame did not fill


def table_fields(table: str, headers: list[str], settings: Settings) -> dict[int, str]:
    """Header position → the field it means (a canonical column, a stage name, or an extra column's key),
    matched as the refresh matches them. The one place an import decides which header is which field."""
    known = next((t for t in TABLES if t.casefold() == table.casefold()), None)
    if known is None:
        return {i: h for i, h in enumerate(headers)}
    columns, stage_columns, _duplicates = match_headers(known, headers,
                                                        settings.stage_lookup if known == "Deals" else None,
                                                        settings.header_aliases(known))  # `columns:` in kpi.yaml
    return {**columns, **stage_columns}


def replace_tables(path, tables: dict[str, pd.DataFrame], settings: Settings, *,
                   backup: Path | None = None, fail_after: str | None = None) -> dict[str, TableWrite]:
    """Replace the data rows of the named Excel Tables by the frames, atomically; see the module's text.

    ``backup``: the original file is copied there (atomically, replacing an older one) right before the
    new workbook replaces it; when the import fails, an older backup stays as it was.
    ``fail_after`` (tests): raise after writing that table's sheet, to prove the original survives.
    """
    path = Path(path)
    with replaced_atomically(path, changed_code="import_changed_meanwhile") as job:
        with zipfile.ZipFile(job.real) as src:
            try:
                package = package_layout(src)
                spots = find_tables(src, package)
            except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
                raise unreadable(path, err) from None
            result = _write(src, job.tmp, package, spots, tables, settings, fail_after, path)
        if backup is not None:  # copied now, put in place only together with the new workbook
            target = Path(os.path.realpath(backup))
            copy = _copy_beside(job.real, target)
            job.temporary.append(copy)
            job.before_replace.append(lambda: os.replace(copy, target))
    return result


def _write(src: zipfile.ZipFile, tmp: Path, package, spots: dict[str, TableSpot], tables: dict[str, pd.DataFrame],
           settings: Settings, fail_after: str | None, path: Path) -> dict[str, TableWrite]:
    changed: dict[str, bytes] = {}
    added: dict[str, SheetScan] = {}
    wanted: dict[str, TableSpot] = {}
    folded = {key.casefold(): spot for key, spot in spots.items()}  # Excel's table names ignore case
    for name in tables:
        if name.casefold() in folded:
            wanted[name] = folded[name.casefold()]
        elif name.casefold() == "stagehistory":
            new_parts, spot, scan = add_stage_history(src, package, spots)
            changed.update(new_parts)
            added[spot.sheet_part] = scan
            wanted[name] = spot
        else:
            raise KpiError(both_languages("import_no_table", name=path.name, table=name))
    _check_places(wanted, spots)
    by_sheet = {spot.sheet_part: name for name, spot in wanted.items()}
    by_table = {spot.table_part: name for name, spot in wanted.items()}
    result: dict[str, TableWrite] = {}
    new_tables: dict[str, bytes] = {}
    plans = {}
    for name, spot in wanted.items():
        frame = tables[name]
        placed = _placed(frame, spot.headers, table_fields(name, spot.headers, settings))
        plans[name] = (frame, placed)
        result[name] = TableWrite(name, len(frame), [spot.headers[i] for i in sorted(placed)],
                                  [str(c) for c in frame.columns if c not in placed.values()],
                                  [h for i, h in enumerate(spot.headers) if i not in placed])
        table_xml = changed.pop(spot.table_part, None) or src.read(spot.table_part)
        new_tables[spot.table_part] = resized_table(table_xml.decode("utf-8-sig"), spot, len(frame)).encode("utf-8")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=PART_LEVEL) as dst:
        for info in src.infolist():
            if info.filename in by_sheet:
                name = by_sheet[info.filename]
                _write_sheet(dst, info, scan_sheet(src, info.filename, wanted[name]), wanted[name], *plans[name],
                             package.epoch)
                if fail_after == name:
                    raise RuntimeError(f"injected failure after {name}")
            elif info.filename in by_table:
                dst.writestr(_fresh_info(info), new_tables[info.filename])
            elif info.filename in changed:
                dst.writestr(_fresh_info(info), changed.pop(info.filename))
            else:
                copy_entry(src, dst, info)
        for part, scan in added.items():
            name = by_sheet[part]
            _write_sheet(dst, zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)), scan, wanted[name],
                         *plans[name], package.epoch)
            if fail_after == name:
                raise RuntimeError(f"injected failure after {name}")
        for part, data in [*changed.items(), *((p, new_tables[p]) for p in new_tables
                                               if p not in src.NameToInfo)]:
            dst.writestr(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return result


def _placed(frame: pd.DataFrame, headers: list[str], fields: dict[int, str]) -> dict[int, object]:
    """Table column position → the frame column written under it: by the field its header means, else a
    frame column named exactly like the header (the user's own column)."""
    by_field = {field: i for i, field in sorted(fields.items())}
    by_header = {h: i for i, h in reversed(list(enumerate(headers)))}
    placed: dict[int, object] = {}
    for column in frame.columns:
        position = by_field.get(column, by_header.get(column))
        if position is not None and position not in placed:
            placed[position] = column
    return placed


def _check_places(wanted: dict[str, TableSpot], spots: dict[str, TableSpot]) -> None:
    """Refuse what this writer cannot do without harming the user's work: a totals row, no header row, two
    replaced tables on one sheet, another table in the columns below a replaced table's header."""
    seen: dict[str, str] = {}
    for name, spot in wanted.items():
        if spot.totals:
            raise KpiError(both_languages("import_totals_row", table=name))
        if not spot.header:
            raise KpiError(both_languages("import_no_header_row", table=name))
        if spot.sheet_part in seen:
            raise KpiError(both_languages("import_shared_sheet", table=name, other=seen[spot.sheet_part],
                                          sheet=spot.sheet))
        seen[spot.sheet_part] = name
        for other in {id(s): s for s in spots.values()}.values():
            if other is not spot and other.sheet_part == spot.sheet_part and other.bottom > spot.top \
                    and other.left <= spot.right and spot.left <= other.right:
                raise KpiError(both_languages("import_shared_sheet", table=name, other=other.name, sheet=spot.sheet))


def _write_sheet(dst: zipfile.ZipFile, info: zipfile.ZipInfo, scan: SheetScan, spot: TableSpot,
                 frame: pd.DataFrame, placed: dict[int, object], epoch) -> None:
    """The sheet part again: its head, the rows down to the header, the new rows (the user's cells beside
    them kept), the user's rows below, its tail; streamed into the zip at deflate level 1."""
    count = len(frame)
    p = scan.prefix
    with_ref = spot.left > 0 or bool(scan.around)

    def cells(col: int) -> ColumnCells:
        column = placed.get(col - spot.left)
        values = frame[column] if column is not None else None
        return ColumnCells(values, scan.style(col), p, epoch, col, with_ref and col == spot.left)

    with ThreadPoolExecutor(max_workers=COLUMN_THREADS, thread_name_prefix="kpi-xl-columns") as pool:
        columns = list(pool.map(cells, range(spot.left, spot.right + 1)))
    inside = {r: v for r, v in scan.around.items() if r <= spot.top + count}
    below = sorted(r for r in scan.around if r > spot.top + count)
    around = None
    if inside:
        import pyarrow as pa

        first = spot.top + 1
        around = tuple(pa.array([inside.get(first + i, ("", ""))[k] for i in range(count)], pa.large_string())
                       for k in (0, 1))
    last_row = max([scan.last_top_row, spot.top + count, *below])
    zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zinfo.compress_type = zipfile.ZIP_DEFLATED
    setattr(zinfo, "compress_level" if hasattr(zinfo, "compress_level") else "_compresslevel", DATA_LEVEL)  # 3.13
    zinfo.external_attr = info.external_attr
    with dst.open(zinfo, "w", force_zip64=_may_pass_4gb(columns, count, scan)) as entry, _Pipeline(entry) as out:
        _faster_deflate(entry)
        out.write(scan.head_with_dimension(last_row, spot.right))
        out.write(scan.open_tag or f"<{p}sheetData>".encode())
        for row in scan.top_rows:
            out.write(row)
        for chunk in rows_xml(columns, count, spot.top + 1, p, around):
            out.write(chunk)
        for r in below:
            left, right = scan.around[r]
            out.write(f'<{p}row r="{r + 1}">{left}{right}</{p}row>'.encode())
        out.write(f"</{p}sheetData>".encode())
        out.write(scan.tail)


def _may_pass_4gb(columns: list[ColumnCells], count: int, scan: SheetScan) -> bool:
    """Whether the sheet part may need ZIP64 (more than 4 GB of XML): an upper bound of its size, from the
    value bytes and at most 64 bytes of markup per cell. ZIP64 only then: Excel's reading of ZIP64 entries
    is strict (a small entry written with ZIP64 fields is a risk for nothing)."""
    values = sum(c.nbytes() for c in columns)
    markup = count * (32 + 64 * len(columns)) + len(scan.head) + len(scan.tail) + sum(map(len, scan.top_rows))
    around = sum(len(left) + len(right) for left, right in scan.around.values())
    return values + markup + around > 2**31


def _faster_deflate(entry) -> None:
    """Deflate this zip entry with ISA-L (the ``isal`` package) when it is installed: the same deflate format,
    about three times as fast as zlib at level 1 on sheet XML (and a little smaller). Without it, zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        return
    if getattr(entry, "_compressor", None) is not None:  # zipfile's deflate object of this entry
        entry._compressor = isal_zlib.compressobj(DATA_LEVEL, isal_zlib.DEFLATED, -15)


class _Pipeline:
    """Writes handed to one worker thread, in order, while the caller builds the next chunk.

    The zip entry's write (CRC, deflate, file write) releases the GIL on big buffers, so on two cores
    compressing one chunk overlaps building the next. At most ``depth`` chunks wait (bounded memory);
    a failed write is raised at the next write or at the end."""

    def __init__(self, entry, depth: int = 2):
        self.entry, self.depth = entry, depth
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-xl-deflate")
        self.pending: deque = deque()

    def write(self, data) -> None:
        while len(self.pending) >= self.depth:
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(self.entry.write, data))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind, error, trace) -> None:
        try:
            while self.pending:
                future = self.pending.popleft()
                if kind is None:
                    future.result()
                else:
                    future.cancel()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _fresh_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = zipfile.ZIP_DEFLATED
    fresh.external_attr = info.external_attr
    return fresh


def _copy_beside(source: Path, target: Path) -> Path:
    """``source`` copied to a temporary file beside ``target`` (flushed to disk); the caller moves it in place,
    so a backup is never half a file, and an older one stays until the import succeeds."""
    fd, name = tempfile.mkstemp(prefix=f".~{target.stem}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as data:
            shutil.copyfileobj(data, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
