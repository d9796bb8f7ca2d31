"""The workbook on disk, without Excel: read the tables, write the owned sheets.

Reading uses python-calamine (fast, correct types). Writing never loads or
re-serialises the user's sheets: the package is copied part by part and only
the ``<sheetData>`` of the sheets the refresh owns (Dashboard, History,
Checks) is replaced. Every other byte — data sheets, tables, validations,
charts, buttons, the VBA project, sheets the user added — is carried over
unchanged. The result is written to a temporary file next to the workbook and
moved over the original only when everything succeeded.
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import python_calamine as calamine

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages, text
from kpi_xl.report import layout as L
from kpi_xl.workbook.guard import Fingerprint, check_not_open, check_writable, fingerprint, keep_owner_and_mode
from kpi_xl.workbook.package import package_layout, parse_part, relationships, sheet_parts
from kpi_xl.workbook.sheet_xml import cell_index, render_sheet

__all__ = ["Fingerprint", "WorkbookData", "check_package", "copy_entry", "error_cells", "fingerprint",
           "read_workbook", "remove_stale_temp_files", "render_sheet", "sheet_parts", "table_places",
           "write_owned_sheets"]

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class WorkbookData:
    """What a refresh reads from the file."""

    tables: dict[str, list[list[object]]]  # table name → rows, header first
    first_rows: dict[str, int]  # table name → Excel row of its header
    month_selector: object
    history: list[list[object]]


# What reading a damaged package raises (zipfile, zlib, a bad offset's seek, a part that is not UTF-8)
UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, zlib.error,
              KeyError, UnicodeDecodeError, OSError)


def _unreadable(path: Path, err: BaseException) -> KpiError:
    return KpiError(f"{path.name} cannot be read as a workbook: {err}")


def _check_readable(path: Path) -> None:
    check_package(path)


# Limits on the zip package, checked before any reader inflates a part: far above any real sales
# workbook (1,048,576 rows of a data sheet are ~150 MB of XML), far below what exhausts memory.
MAX_ENTRIES = 10_000
MAX_TOTAL_SIZE = 2 * 1024**3  # uncompressed, all parts together
MAX_RATIO = 200  # uncompressed : compressed, for a part above MAX_RATIO_SIZE
MAX_RATIO_SIZE = 50 * 1024**2
MAX_PROLOG = 1024**2  # bytes of an XML part read to find its root element
_XML_PART = (".xml", ".rels", ".vml")
_ROOT_TAG = re.compile(rb"<[A-Za-z_]")
_DECLARATIONS = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


def check_package(path: str | Path) -> None:
    """Refuse a file that is not a workbook, or a zip or XML bomb, before anything reads it.

    Checks the central directory (number of parts, their total uncompressed
    size, the compression ratio of big parts) and the prolog of every XML
    part: a ``<!DOCTYPE`` or ``<!ENTITY`` declaration (entity expansion, the
    "billion laughs") is refused. Only the first bytes of each part are
    inflated. Raises :class:`KpiError` with a message in Dutch and English.
    """
    path = Path(path)
    if not path.exists():
        raise KpiError(f"Workbook not found: {path}")
    if not zipfile.is_zipfile(path):
        raise KpiError(f"{path.name} is not an Excel workbook (.xlsx/.xlsm)")

    def refuse(code: str, **params) -> KpiError:
        return KpiError(f"{path.name}: {text(code, 'nl', **params)} / {text(code, 'en', **params)}")

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise refuse("package_entries", count=len(infos), limit=MAX_ENTRIES)
            total = sum(info.file_size for info in infos)
            if total > MAX_TOTAL_SIZE:
                raise refuse("package_size", size=_mb(total), limit=_mb(MAX_TOTAL_SIZE))
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_RATIO_SIZE and ratio > MAX_RATIO:
                    raise refuse("package_ratio", part=info.filename, size=_mb(info.file_size), ratio=int(ratio),
                                 limit=MAX_RATIO)
            for info in infos:
                xml = info.filename.lower().endswith(_XML_PART) and not info.flag_bits & 0x1
                if xml and _declares_entities(archive, info):
                    raise refuse("package_doctype", part=info.filename)
    except UNREADABLE as err:
        raise _unreadable(path, err) from None


def _declares_entities(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the XML prolog (everything before the root element) holds a DOCTYPE or ENTITY."""
    raw = prolog = b""
    with archive.open(info) as reader:
        while len(raw) < MAX_PROLOG:
            chunk = reader.read(16384)
            if not chunk:
                break
            raw += chunk
            utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # compare a UTF-16 part as UTF-8
            prolog = raw.decode("utf-16", "ignore").encode("utf-8") if utf16 else raw
            visible = _COMMENT.sub(b"", prolog)  # a comment may mention "<a" before the root
            open_comment = visible.find(b"<!--")  # a comment not closed yet: read on
            root = _ROOT_TAG.search(visible, 0, open_comment if open_comment >= 0 else len(visible))
            if root:
                return bool(_DECLARATIONS.search(visible, 0, root.start()))
    return bool(_DECLARATIONS.search(prolog)) or len(raw) >= MAX_PROLOG


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


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def read_workbook(path: str | Path, tables: Iterable[str] = (*L.DATA_SHEETS, "StageHistory"),
                  columns: bool = False) -> WorkbookData:
    """Read the Excel Tables (by table name), the month selector and the History sheet.

    ``columns=True`` (what a refresh uses) reads each Excel Table with
    fastexcel, column by column and typed (dates, numbers and text arrive as
    whole arrays, no Python object per cell): ``tables[name]`` is then a
    :class:`~kpi_xl.tables.read.TableColumns`. A table holding more than one
    type of cell in a column (a text date among dates, an amount written as
    text) is read as rows with python-calamine instead, like every table
    without ``columns``; so is a data sheet that is not an Excel Table.
    """
    path = Path(path)
    _check_readable(path)
    tables = list(tables)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as err:  # calamine raises its own error types for broken files
        raise _unreadable(path, err) from None
    names = set(book.table_names)
    try:
        places = table_places(path)
    except UNREADABLE as err:
        raise _unreadable(path, err) from None
    where = {name: places[name].sheet if name in places else name for name in tables if name in names}
    read = {*where.values(), *(n for n in tables if n in book.sheet_names), L.DASHBOARD, L.HISTORY}
    # before any reader inflates a sheet: error cells (which the readers return as empty) and true part sizes
    errors = error_cells(path, read)
    out: dict[str, object] = {}
    first_rows: dict[str, int] = {}
    fast = _FastTables(path, places) if columns else None
    for name in tables:
        if name in names:
            sheet_errors = errors.get(where[name], {})
            place = places.get(name)
            clean = place is not None and not any(place.holds_data_cell(r, c) for r, c in sheet_errors)
            typed = fast.read(name) if fast is not None and clean else None
            if typed is not None:
                out[name], first_rows[name] = typed
                continue
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
    selector = None
    history: list[list[object]] = []
    if L.DASHBOARD in book.sheet_names:
        selector = _read(L.DASHBOARD, lambda: _cell(book.get_sheet_by_name(L.DASHBOARD), *L.MONTH_CELL))
    if L.HISTORY in book.sheet_names:
        history = [list(r) for r in _read(L.HISTORY, lambda: book.get_sheet_by_name(L.HISTORY).to_python(
            skip_empty_area=False))]
    return WorkbookData(out, first_rows, selector, history)


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


# --------------------------------------------------------------------------- Excel error cells

# python-calamine reads an error cell (``<c t="e"><v>#N/A</v></c>``) as an empty string, and fastexcel
# reads an error cell, or the text "#N/A" in a column of numbers or dates, as an empty cell: a #N/A in a
# data sheet would silently count as empty. The sheet XML is scanned for them instead; only the chunks
# that can hold one at all (a ``#``) are searched cell by cell.
_ERROR_HINTS = (b't="e"', b"t='e'")
_TEXT_HINT = b">#"
# ([^>/]*)> : an element that closes itself (<c r="A1" t="e"/>) holds nothing, and must not reach into the next cell
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)\bt=[\"']e[\"']([^>/]*)>(.*?)</(?:\w+:)?c>", re.S)
_TEXT_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)\bt=[\"']inlineStr[\"']([^>/]*)>(.*?)</(?:\w+:)?c>", re.S)
_SHARED_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)\bt=[\"']s[\"']([^>]*)>\s*<(?:\w+:)?v>(\d+)</", re.S)
_CELL_REF = re.compile(rb"\br=[\"']([A-Za-z]{1,3})(\d+)[\"']")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_TEXT_RUN = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>")
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si\s*/>", re.S)
# A formula whose cell ends without a value (``<f>A2*2</f></c>``, or ``<v/>`` as openpyxl writes it) was never
# calculated: the readers return it as empty. As Excel and the scripts write cells (no prefix, no space between
# tags) such a cell ends in one of _UNCALCULATED_HINTS, which a calculated one never does (except a formula
# calculated to empty text, which the pattern then tells apart): a chunk of a million calculated formulas is
# passed over after a few byte searches. Sheets written otherwise (a prefix, spaces) go through the pattern.
_UNCALCULATED_HINTS = (b"f></c>", b"/></c>", b"<v></v></c>")
_UNCALCULATED_END = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?P<v><(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_CELL_START = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</")
_TEXT_TYPE = re.compile(rb"\bt=[\"']str[\"']")
SCAN_CHUNK = 4 * 1024**2
SCAN_OVERLAP = 256 * 1024  # longer than any one cell: 32,767 characters of up to 4 bytes, plus markup


def error_cells(path: str | Path, sheets: Iterable[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values in these sheets: sheet → {(row, column) 0-based: ``'#N/A'``}.

    Error cells, and text cells whose text is an error value; formula cells without a calculated value
    (scripts write them so) as a :class:`~kpi_xl.tables.coerce.FormulaWithoutValue`. Inflating each
    sheet part once, as a stream, also checks what the central directory
    claims: zipfile stops at a part's declared size and checks its CRC, so a
    part that unpacks to more than it says is refused here, before
    python-calamine or fastexcel inflate it.
    """
    from kpi_xl.tables.coerce import EXCEL_ERRORS

    path = Path(path)
    found: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            package = package_layout(archive)
            parts = package.sheets
            shared = _error_strings(archive, package.shared_strings, EXCEL_ERRORS)
            for sheet in sheets:
                part = parts.get(sheet)
                if part is None or part not in archive.NameToInfo:
                    continue
                cells = _scan_part(archive, part, shared, EXCEL_ERRORS)
                if cells:
                    found[sheet] = cells
    except UNREADABLE as err:
        raise _unreadable(path, err) from None
    return found


def _error_strings(archive: zipfile.ZipFile, part: str | None, errors: frozenset[str]) -> dict[bytes, str]:
    """Shared strings that are an error value: ``b'>12</'`` (the end of ``<v>12</v>`` or ``<x:v>12</x:v>``)
    → ``'#N/A'`` (usually none at all)."""
    if part is None or part not in archive.NameToInfo:
        return {}
    xml = archive.read(part)
    if _TEXT_HINT not in xml:
        return {}
    out = {}
    for index, item in enumerate(_SHARED_ITEM.finditer(xml)):
        shown = _error_text(item.group(1) or b"", errors)
        if shown:
            out[b">%d</" % index] = shown
    return out


def _error_text(xml: bytes, errors: frozenset[str]) -> str | None:
    text_value = _unescape(b"".join(_TEXT_RUN.findall(xml)).decode("utf-8", "replace")).strip().upper()
    return text_value if text_value in errors else None


def _scan_part(archive: zipfile.ZipFile, part: str, shared: dict[bytes, str],
               errors: frozenset[str]) -> dict[tuple[int, int], str]:
    """Every error value (and error text) holds a ``#``: a chunk without one is passed over after a single
    fast byte search, so scanning costs little more than inflating. A chunk with one is searched together
    with the end of the chunk before it; a cell cut off at the chunk's end is finished with the next one."""
    cells: dict[tuple[int, int], str] = {}
    tail = b""
    finish_next = False
    with archive.open(part) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            # (a cell cut at the chunk's end: the tail has it; a hint cut there: the seam has it)
            seam = tail[-16:] + chunk[:16]
            if _may_hold_uncalculated(chunk) or any(hint in seam for hint in _UNCALCULATED_HINTS):
                _uncalculated(tail + chunk, cells)
            if finish_next or b"#" in chunk:
                _collect(tail + chunk, cells, shared, errors)  # found twice (overlap) is found once: a dict
                hash_at, end_at = chunk.rfind(b"#"), chunk.rfind(b"c>")
                if hash_at > end_at:  # a '#' after the last cell end: that cell may go on in the next chunk
                    finish_next = True
                elif end_at >= 0:
                    finish_next = False
            elif shared:  # cells pointing at a shared string that is an error text hold no '#' themselves
                buffer = tail + chunk
                if any(key in buffer for key in shared):
                    _collect(buffer, cells, shared, errors)
            tail = chunk[-SCAN_OVERLAP:] if len(chunk) >= SCAN_OVERLAP else (tail + chunk)[-SCAN_OVERLAP:]
    return cells


def _collect(xml: bytes, cells: dict[tuple[int, int], str], shared: dict[bytes, str],
             errors: frozenset[str]) -> None:
    if any(hint in xml for hint in _ERROR_HINTS):
        for match in _ERROR_CELL.finditer(xml):
            value = _CELL_VALUE.search(match.group(3))
            shown = _unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
            _put(cells, match, shown or "#VALUE!")
    if _TEXT_HINT in xml and b"inlineStr" in xml:
        for match in _TEXT_CELL.finditer(xml):
            shown = _error_text(match.group(3), errors) if _TEXT_HINT in match.group(3) else None
            if shown:
                _put(cells, match, shown)
    if shared and any(key in xml for key in shared):
        for match in _SHARED_CELL.finditer(xml):
            shown = shared.get(b">" + match.group(3) + b"</")
            if shown:
                _put(cells, match, shown)


def _may_hold_uncalculated(xml: bytes) -> bool:
    if b"f" not in xml:  # one byte, found as fast as '#': most data sheets (text in shared strings) hold none
        return False
    if any(hint in xml for hint in _UNCALCULATED_HINTS):
        return True
    if b"<f" not in xml and b":f" not in xml:
        return False  # no formula at all: the usual data sheet
    # formulas written otherwise than Excel writes them: a prefix, or space between a formula and its value
    return b"</c>" not in xml or xml.count(b"</f>") != xml.count(b"</f><v>")


def _uncalculated(xml: bytes, cells: dict) -> None:
    """Formula cells without a calculated value → :class:`FormulaWithoutValue` (a formula that calculated to
    empty text, ``t="str"`` with an empty ``<v>``, has its value)."""
    from kpi_xl.tables.coerce import FormulaWithoutValue

    for end in _UNCALCULATED_END.finditer(xml):
        at = end.start()
        start, prefixed = xml.rfind(b"<c", 0, at), xml.rfind(b":c", 0, at)  # the cell this formula is in
        if prefixed > start:
            start = xml.rfind(b"<", 0, prefixed)
        cell = _CELL_START.match(xml, start) if start >= 0 else None
        ref = _CELL_REF.search(cell.group(1)) if cell is not None else None
        if ref is None:
            continue
        inside = xml[cell.end():end.end()]
        if end.group("v") is not None and _TEXT_TYPE.search(cell.group(1)):  # calculated to empty text
            continue
        formula = _FORMULA_TEXT.search(inside)
        shown = _unescape(formula.group(1).decode("utf-8", "replace")).strip() if formula else ""
        cells[cell_index(ref.group(1).decode("ascii") + ref.group(2).decode("ascii"))] = \
            FormulaWithoutValue(shown[:200])


def _put(cells: dict[tuple[int, int], str], match: re.Match, shown: str) -> None:
    ref = _CELL_REF.search(match.group(1) + b" " + match.group(2))
    if ref is None:  # Excel always writes the reference; without it the position is unknown
        return
    cells[cell_index(ref.group(1).decode("ascii") + ref.group(2).decode("ascii"))] = shown


def _put_errors(rows: list[list[object]], errors: dict[tuple[int, int], str], start: tuple[int, int]) -> None:
    """Write each error (``'#N/A'``) into the cell it came from, where the readers left it empty."""
    top, left = start
    for (row, col), shown in errors.items():
        r, c = row - top, col - left
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = shown


class _FastTables:
    """Excel Tables read column by column with fastexcel (typed Arrow arrays); None means: read it as rows."""

    def __init__(self, path: Path, places: dict[str, TablePlace]):
        self.path = path
        self.reader = None
        self.header_rows = {name: place.top + 1 for name, place in places.items()}
        try:
            import fastexcel

            _quiet_fastexcel()
            self.reader = fastexcel.read_excel(str(path))
        except Exception:  # no fastexcel, or a file it cannot open: every table goes the rows way
            self.reader = None

    def read(self, name: str):
        """(TableColumns, Excel row of the header), or None when the table must be read as rows."""
        if self.reader is None or name not in self.header_rows:
            return None
        from kpi_xl.tables.read import TableColumns

        try:
            # strict: a column holding two kinds of cell (dates and text) is refused, not converted to text
            table = self.reader.load_table(name, schema_sample_rows=None, dtype_coercion="strict").to_arrow()
        except Exception:
            return None
        header = list(table.column_names)
        return TableColumns(header, [table.column(i) for i in range(table.num_columns)]), self.header_rows[name]


@dataclass(frozen=True)
class TablePlace:
    """Where an Excel Table sits: its sheet and its range, 0-based (``top`` is the header row)."""

    sheet: str
    top: int
    left: int
    bottom: int
    right: int

    def holds_data_cell(self, row: int, col: int) -> bool:
        return self.top < row <= self.bottom and self.left <= col <= self.right


def table_places(path: Path) -> dict[str, TablePlace]:
    """Table name (and display name) → its sheet and range, from the table parts and the sheets' rels.

    Read from the package, so nothing inflates a sheet: python-calamine's
    ``get_table_by_name`` would parse the whole sheet just to say where a table is.
    """
    places: dict[str, TablePlace] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.NameToInfo)
        for sheet, part in sheet_parts(archive).items():
            for kind, table_part in relationships(archive, part).values():
                if kind.endswith("/table") and table_part in names:
                    _add_place(places, sheet, parse_part(archive, table_part))
    return places


def _add_place(places: dict[str, TablePlace], sheet: str, table) -> None:
    ref = re.fullmatch(r"\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?", table.get("ref", ""))
    if not ref:
        return
    top, left = cell_index(ref.group(1) + ref.group(2))
    bottom, right = cell_index(ref.group(3) + ref.group(4)) if ref.group(3) else (top, left)
    for key in ("name", "displayName"):
        if key in table.attrib:
            places.setdefault(table.get(key), TablePlace(sheet, top, left, bottom, right))


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


# --------------------------------------------------------------------------- writing


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&")


def write_owned_sheets(path: str | Path, sheets: dict[str, dict[tuple[int, int], object]],
                       keep_styled_blanks: Iterable[str] = (L.DASHBOARD,), fail_after: str | None = None,
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
    _check_readable(path)
    real = Path(os.path.realpath(path))  # a symbolic link: write its target, keep the link
    check_not_open(path)
    check_writable(path)
    status = real.stat()
    expected = unchanged_since or fingerprint(real)
    keep = set(keep_styled_blanks)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".~{real.stem}.", suffix=".tmp", dir=real.parent)
    except OSError as err:
        _raise_unchanged(err, path)
    tmp = Path(tmp_name)
    try:
        os.close(fd)
        with zipfile.ZipFile(real) as src:
            try:
                package = package_layout(src)
            except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
                raise _unreadable(path, err) from None
            parts = package.sheets
            missing = [name for name in sheets if name not in parts]
            if missing:
                raise KpiError(f"{path.name} has no sheet named {', '.join(repr(m) for m in missing)}; "
                               "start from the template (kpi-xl new)")
            replaced = {parts[name]: name for name in sheets}
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as dst:
                for info in src.infolist():
                    if table_sizes and info.filename.startswith("xl/tables/"):
                        xml = src.read(info).decode("utf-8")
                        dst.writestr(_fresh_info(info), _resize_table(xml, table_sizes).encode("utf-8"))
                    elif info.filename in replaced:
                        name = replaced[info.filename]
                        data = render_sheet(src.read(info), sheets[name], name in keep, L.owned_area(name),
                                            L.USER_CELLS.get(name, ()), package.epoch, info.filename)
                        dst.writestr(_fresh_info(info), data)
                        if fail_after == name:
                            raise RuntimeError(f"injected failure after {name}")
                    else:
                        copy_entry(src, dst, info)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        keep_owner_and_mode(tmp, status)
        if fingerprint(real) != expected:  # another program saved the workbook after the refresh read it
            raise KpiError(both_languages("changed_meanwhile", name=path.name))
        os.replace(tmp, real)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        _raise_unchanged(err, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
