"""Writing the owned sheets (Dashboard, Coaching, Inzicht, History, Checks) into the workbook, atomically.

Writing never loads or re-serialises the user's sheets: the package is copied part by part and only
the ``<sheetData>`` of the sheets the refresh owns (Dashboard, History,
Checks) is replaced. Every other byte — data sheets, tables, validations,
charts, buttons, the VBA project, sheets the user added — is carried over
unchanged. The result is written to a temporary file next to the workbook and
moved over the original only when everything succeeded. A page the workbook lacks (Coaching or
Inzicht, in a workbook an earlier template made) is added (:mod:`kpi_xl.workbook.add_sheet`).

Also: copying a zip entry unchanged, and removing the temporary files of a refresh that was killed.
"""

from __future__ import annotations

import errno
import glob
import os
import re
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.report import layout as L
from kpi_xl.workbook.add_sheet import ADDABLE, add_pages
from kpi_xl.workbook.guard import Fingerprint, check_not_open, check_writable, fingerprint, keep_owner_and_mode
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.package_check import check_readable, unreadable
from kpi_xl.workbook.sheet_xml import render_sheet
from kpi_xl.workbook.wrap import WRAPPED_COLUMNS

__all__ = ["Replacement", "copy_entry", "remove_stale_temp_files", "replaced_atomically", "write_owned_sheets"]


def write_owned_sheets(path: str | Path, sheets: dict[str, dict[tuple[int, int], object]],
                       keep_styled_blanks: Iterable[str] = L.PAGES, fail_after: str | None = None,
                       table_sizes: dict[str, int] | None = None,
                       unchanged_since: Fingerprint | None = None) -> None:
    """Replace the cell data of ``sheets`` in the workbook at ``path``, atomically.

    Through a symbolic link the real workbook is written and the link kept.
    The new file gets the original's mode, owner and group. Right before the
    replace the original is checked against ``unchanged_since`` (what the
    refresh read; default: the file as this function found it): if another
    program saved it meanwhile, nothing is written.

    ``table_sizes`` (table name → data rows) resizes Excel Tables, for filling
    the data sheets of a new workbook (the demo); a refresh never passes it.
    ``fail_after`` is for tests: raise after writing that part, to prove the
    original survives a failure half-way.
    """
    path = Path(path)
    keep = set(keep_styled_blanks)
    with replaced_atomically(path, unchanged_since) as job:
        real, tmp = job.real, job.tmp
        with zipfile.ZipFile(real) as src:
            try:
                package = package_layout(src)
            except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
                raise unreadable(path, err) from None
            parts = package.sheets
            missing = [name for name in sheets if name not in parts and name not in ADDABLE]
            if missing:
                raise KpiError(f"{path.name} has no sheet named {', '.join(repr(m) for m in missing)}; "
                               "start from the template (kpi-xl new)")
            # a page an earlier template did not have (Coaching, Inzicht) is added to the package
            changed, added = add_pages(src, package, [n for n in sheets if n not in parts]) \
                if any(n not in parts for n in sheets) else ({}, {})
            parts = {**parts, **added}
            replaced = {parts[name]: name for name in sheets}
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
                for info in src.infolist():
                    if table_sizes and info.filename.startswith("xl/tables/"):
                        xml = src.read(info).decode("utf-8")
                        dst.writestr(_fresh_info(info), _resize_table(xml, table_sizes).encode("utf-8"))
                    elif info.filename in replaced:
                        name = replaced[info.filename]
                        data = render_sheet(src.read(info), sheets[name], name in keep, L.owned_area(name),
                                            L.USER_CELLS.get(name, ()), package.epoch, info.filename,
                                            WRAPPED_COLUMNS.get(name, ()))
                        dst.writestr(_fresh_info(info), data)
                        if fail_after == name:
                            raise RuntimeError(f"injected failure after {name}")
                    elif info.filename in changed:
                        dst.writestr(_fresh_info(info), changed[info.filename])
                    else:
                        copy_entry(src, dst, info)
                for name, part in added.items():
                    data = render_sheet(changed[part], sheets[name], False, L.owned_area(name), (),
                                        package.epoch, part)
                    dst.writestr(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)), data,
                                 compress_type=zipfile.ZIP_DEFLATED)
                    if fail_after == name:
                        raise RuntimeError(f"injected failure after {name}")


@dataclass
class Replacement:
    """A workbook being replaced (:func:`replaced_atomically`): write the new package to ``tmp``."""

    path: Path  # as given (maybe a symbolic link)
    real: Path  # the file itself
    tmp: Path  # the new workbook, beside it
    temporary: list[Path] = field(default_factory=list)  # more files to remove when it fails
    before_replace: list[Callable[[], None]] = field(default_factory=list)  # run right before the replace


@contextmanager
def replaced_atomically(path: str | Path, unchanged_since: Fingerprint | None = None,
                        changed_code: str = "changed_meanwhile") -> Iterator[Replacement]:
    """The one way a workbook is written: guards first (readable, not open in Excel, writable), the new
    package written to a temporary file beside it (the caller's ``with`` body), flushed to disk, given the
    original's owner and mode, and moved over the original in one step, unless the original changed since
    ``unchanged_since`` (default: since this call; then nothing is written and ``changed_code`` says so).
    Through a symbolic link the target is written and the link kept. Any failure removes the temporary
    files and leaves the original as it was; a full disk is said in words."""
    path = Path(path)
    check_readable(path)
    real = Path(os.path.realpath(path))  # a symbolic link: write its target, keep the link
    check_not_open(path)
    check_writable(path)
    status = real.stat()
    expected = unchanged_since or fingerprint(real)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".~{real.stem}.", suffix=".tmp", dir=real.parent)
    except OSError as err:
        _raise_unchanged(err, path)
    job = Replacement(path, real, Path(tmp_name))
    try:
        os.close(fd)
        yield job
        with open(job.tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        keep_owner_and_mode(job.tmp, status)
        if fingerprint(real) != expected:  # another program saved the workbook after it was read
            raise KpiError(both_languages(changed_code, name=path.name))
        for step in job.before_replace:
            step()
        os.replace(job.tmp, real)
    except OSError as err:
        _remove(job.tmp, *job.temporary)
        _raise_unchanged(err, path)
    except BaseException:
        _remove(job.tmp, *job.temporary)
        raise


def _remove(*files: Path) -> None:
    for file in files:
        file.unlink(missing_ok=True)


def _raise_unchanged(err: OSError, path: Path) -> NoReturn:
    """A full disk is said in words; any other system error goes up as it is (the CLI names it)."""
    if err.errno == errno.ENOSPC:
        raise KpiError(f"The disk is full; {path.name} was not changed") from None
    raise err


def _resize_table(xml: str, sizes: dict[str, int]) -> str:
    """Set a table's ``ref`` (and its autoFilter's) to hold ``sizes[name]`` data rows."""
    name = re.search(r'<table\b[^>]*\bname="([^"]*)"', xml)
    if not name or name.group(1) not in sizes:
        return xml
    ref = re.search(r'<table\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', xml)
    first_col, first_row, last_col = ref.group(1), int(ref.group(2)), ref.group(3)
    new_ref = f"{first_col}{first_row}:{last_col}{first_row + max(1, sizes[name.group(1)])}"
    return re.sub(r'(<(?:table|autoFilter)\b[^>]*\bref=")[^"]*(")', rf"\g<1>{new_ref}\g<2>", xml)


def _fresh_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = zipfile.ZIP_DEFLATED
    fresh.external_attr = info.external_attr
    return fresh


def copy_entry(src: zipfile.ZipFile, dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one part unchanged: its compressed bytes as they are, without inflating them.

    A big data sheet is copied at disk speed instead of being decompressed and
    compressed again. Falls back to a decompress/recompress copy for anything
    unusual (encrypted entries, zip64, a header that does not check out).
    """
    try:
        _copy_raw(src, dst, info)
    except _NotRaw:
        with src.open(info) as reader, dst.open(_copy_info(info), "w", force_zip64=info.file_size > 2**31) as w:
            while chunk := reader.read(1 << 20):
                w.write(chunk)


class _NotRaw(Exception):
    pass


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature .. extra length (30 bytes)


def _copy_raw(src: zipfile.ZipFile, dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if info.flag_bits & 0x1 or info.file_size >= 2**31 or info.compress_size >= 2**31 or dst.fp is None:
        raise _NotRaw
    src.fp.seek(info.header_offset)
    header = src.fp.read(_LOCAL_HEADER.size)
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise _NotRaw
    src.fp.seek(info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10])
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = info.compress_type
    fresh.external_attr = info.external_attr
    fresh.create_system = info.create_system
    fresh.CRC, fresh.compress_size, fresh.file_size = info.CRC, info.compress_size, info.file_size
    fresh.flag_bits = info.flag_bits & ~0x08  # sizes go in the header: no data descriptor
    fresh.header_offset = dst.fp.tell()
    dst.fp.write(fresh.FileHeader(False))
    remaining = info.compress_size
    while remaining:
        chunk = src.fp.read(min(remaining, 1 << 20))
        if not chunk:
            raise KpiError(f"{info.filename} is cut short inside the workbook; the file may be damaged")
        dst.fp.write(chunk)
        remaining -= len(chunk)
    dst.filelist.append(fresh)
    dst.NameToInfo[fresh.filename] = fresh
    dst.start_dir = dst.fp.tell()
    dst._didModify = True


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    fresh.compress_type = info.compress_type
    fresh.external_attr = info.external_attr
    fresh.file_size = info.file_size
    return fresh


def remove_stale_temp_files(path: str | Path, older_than: float = 60.0) -> list[Path]:
    """Delete ``.~<stem>.*.tmp`` files next to the workbook left by a refresh that was killed.

    A refresh that is stopped hard (power cut, killed process) cannot remove
    its temporary file; the original is untouched. The next refresh removes
    such files once they are older than ``older_than`` seconds, so a refresh
    running at the same moment is left alone.
    """
    path = Path(path)
    removed = []
    now = time.time()
    for stale in path.parent.glob(f".~{glob.escape(path.stem)}.*.tmp"):
        try:
            if now - stale.stat().st_mtime > older_than:
                stale.unlink()
                removed.append(stale)
        except OSError:
            pass
    return removed
