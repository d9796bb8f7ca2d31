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

import datetime as dt
import errno
import glob
import hashlib
import io
import math
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
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

import python_calamine as calamine

from kpi_xl import layout as L
from kpi_xl.errors import KpiError
from kpi_xl.messages import text

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_TEXT = 32_767
# what XML 1.0 forbids in a text: C0 controls but tab, line feed and carriage return. Excel stores such a
# character as an escape (ESC as _x001B_, ECMA-376 ST_Xstring) and a literal "_x001B_" as "_x005F_x001B_";
# python-calamine and Excel read them back. Lone surrogates and U+FFFE/U+FFFF are no characters: left out.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_CHARACTERS = re.compile("[\ud800-\udfff\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def excel_text(value: str) -> str:
    """A text as a cell part holds it: every character kept, as Excel writes it, and legal in XML 1.0."""
    value = _LITERAL_ESCAPE.sub("_x005F_", _NOT_CHARACTERS.sub("", value))
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group(0)):04X}_", value)


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
SCAN_CHUNK = 4 * 1024**2
SCAN_OVERLAP = 256 * 1024  # longer than any one cell: 32,767 characters of up to 4 bytes, plus markup


def error_cells(path: str | Path, sheets: Iterable[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values in these sheets: sheet → {(row, column) 0-based: ``'#N/A'``}.

    Error cells, and text cells whose text is an error value. Inflating each
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


def _put(cells: dict[tuple[int, int], str], match: re.Match, shown: str) -> None:
    ref = _CELL_REF.search(match.group(1) + b" " + match.group(2))
    if ref is None:  # Excel always writes the reference; without it the position is unknown
        return
    cells[_column_index(ref.group(1).decode("ascii") + ref.group(2).decode("ascii"))] = shown


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


def _resolve(folder: str, target: str) -> str:
    """A relationship's target as a part name: absolute (``/xl/...``) or relative to the part's folder."""
    if target.startswith("/"):
        folder = ""
    parts = [*folder.split("/"), *target.split("/")]
    out: list[str] = []
    for piece in parts:
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


def _add_place(places: dict[str, TablePlace], sheet: str, table) -> None:
    ref = re.fullmatch(r"\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?", table.get("ref", ""))
    if not ref:
        return
    top, left = _column_index(ref.group(1) + ref.group(2))
    bottom, right = _column_index(ref.group(3) + ref.group(4)) if ref.group(3) else (top, left)
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


MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional (what Excel writes), strict
XML_NS = "http://www.w3.org/XML/1998/namespace"
EPOCH_1904 = dt.datetime(1904, 1, 1)


@dataclass(frozen=True)
class PackageLayout:
    """What the workbook part says: where it is, its sheets' parts and its date system."""

    workbook: str  # the workbook part, usually xl/workbook.xml
    sheets: dict[str, str]  # sheet name → part path
    date1904: bool
    shared_strings: str | None = None  # the shared strings part, usually xl/sharedStrings.xml

    @property
    def epoch(self) -> dt.datetime:
        """Day 0 of the workbook's date serials (the 1904 system counts from 1904-01-01)."""
        return EPOCH_1904 if self.date1904 else EXCEL_EPOCH


def parse_part(archive: zipfile.ZipFile, part: str):
    """One XML part, parsed by a defused parser (no DTD, no entities): its root element."""
    try:
        return SafeET.fromstring(archive.read(part))
    except (ET.ParseError, DefusedXmlException) as err:
        raise KpiError(_say("part_damaged", part=part, reason=err)) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, target part path); external targets are left out."""
    folder, file = part.rsplit("/", 1) if "/" in part else ("", part)
    rels = f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for rel in parse_part(archive, rels):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode", "").lower() == "external":
            continue
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target:
            out[rid] = (rel.get("Type", ""), _resolve(folder, target))
    return out


def package_layout(archive: zipfile.ZipFile) -> PackageLayout:
    """The workbook part (found through the package's own rels), its sheets and its date system."""
    workbook = next((target for kind, target in relationships(archive, "").values()
                     if kind.endswith("/officeDocument") and target in archive.NameToInfo), "xl/workbook.xml")
    root = parse_part(archive, workbook)
    targets = relationships(archive, workbook)
    sheets: dict[str, str] = {}
    date1904 = False
    for element in root.iter():
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904", "").strip().lower() in ("1", "true")
        elif name == "sheet" and element.get("name") is not None:
            ids = [v for k, v in element.attrib.items() if _local(k) == "id" and k.startswith("{")]
            rid = ids[0] if ids else element.get("id")
            if rid in targets:
                sheets[element.get("name")] = targets[rid][1]
    shared = next((target for kind, target in targets.values() if kind.endswith("/sharedStrings")),
                  "xl/sharedStrings.xml")  # where Excel puts it, for a package whose rels leave it out
    return PackageLayout(workbook, sheets, date1904, shared)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part path (``xl/worksheets/sheet1.xml``) from workbook.xml and its rels."""
    return package_layout(archive).sheets


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&")


def _column_index(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    number = int("".join(ch for ch in ref if ch.isdigit()))
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch.upper()) - 64)
    return number - 1, col - 1


def render_sheet(xml: bytes | str, cells: dict[tuple[int, int], object], keep_styled_blanks: bool,
                 area: tuple[tuple[int, int, int | None, int], ...] | None = None,
                 user_cells: Iterable[tuple[int, int]] = (), epoch: dt.datetime = EXCEL_EPOCH,
                 part: str = "sheet") -> bytes:
    """Replace the sheet's cell values by ``cells``; keep every cell's style and row's height.

    The part is parsed with a defused XML parser, so any valid form works
    (a namespace prefix such as ``<x:sheetData>``, single quotes, rows and
    cells without a reference); the new cells are written with the part's own
    prefix. Inside ``area`` (the cells the refresh owns, None = all), cells
    of the old sheet that ``cells`` does not mention are kept as styled blanks
    (``keep_styled_blanks``) or dropped; outside it, every cell is kept as the
    user wrote it (value, formula, style). A formula in one of
    ``user_cells`` (the month choice) is kept too. New cells take the style
    of the cell that was there, else of their column. Dates are serials from
    ``epoch`` (the workbook's date system).
    """
    source = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        prefixes, declared, root = _parse_with_prefixes(source)
    except (ET.ParseError, DefusedXmlException) as err:
        raise KpiError(_say("part_damaged", part=part, reason=err)) from None
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    sheet_data = root.find(f"{{{ns}}}sheetData" if ns else "sheetData")
    text_xml = _decode_part(source)
    match = _SHEETDATA.search(text_xml)
    if sheet_data is None or not match:
        raise KpiError("a sheet of the workbook has no cell data part; the file may be damaged")
    p = match.group(1)  # the prefix the part uses for its cells ("" or "x:")
    q = f"{{{ns}}}" if ns else ""
    old: dict[tuple[int, int], object] = {}  # position → the cell element as the part holds it
    row_attrs: dict[int, str] = {}
    r = -1
    for row in sheet_data.iter(f"{q}row"):
        given = _count(row.get("r"))
        r = given - 1 if given else r + 1  # a row without its number follows the one before
        kept = {k: v for k, v in row.attrib.items() if k in ("ht", "customHeight", "hidden", "s", "customFormat")}
        row_attrs[r] = "".join(f" {k}={_attr(v)}" for k, v in kept.items())
        c = -1
        for cell in row.iter(f"{q}c"):
            ref = cell.get("r")
            c = _column_index(ref)[1] if ref and _CELL_NAME.fullmatch(ref.strip()) else c + 1
            old[(r, c)] = cell
    styles = {pos: cell.get("s", "") for pos, cell in old.items()}
    column_styles = []
    for col in root.iter(f"{q}col"):
        low, high = _count(col.get("min")), _count(col.get("max"))
        if col.get("style") and low and high:
            column_styles.append((low - 1, high - 1, col.get("style")))

    def style_of(pos: tuple[int, int]) -> str:
        if pos in styles:
            return styles[pos]
        for lo, hi, style in column_styles:
            if lo <= pos[1] <= hi:
                return style
        return ""

    # the user's cells: outside the owned area, or a formula in a cell the user fills in
    users = {pos for pos in old if not L.in_area(area, *pos) and pos not in cells}
    users |= {pos for pos in user_cells if pos in old and old[pos].find(f"{q}f") is not None}
    positions = set(cells) | users
    if keep_styled_blanks:
        positions |= {pos for pos, s in styles.items() if s and L.in_area(area, *pos)}
    else:
        positions |= {pos for pos, s in styles.items() if s and pos[0] == 0 and L.in_area(area, *pos)}
    by_row: dict[int, list[int]] = {}
    for r, c in positions:
        by_row.setdefault(r, []).append(c)
    for r in row_attrs:
        by_row.setdefault(r, [])
    out = [f"<{p}sheetData>"]
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        if not cols and not row_attrs.get(r):
            continue
        out.append(f'<{p}row r="{r + 1}"{row_attrs.get(r, "")}>')
        for c in cols:
            if (r, c) in users:
                out.append(_element_xml(old[(r, c)], prefixes, declared, {"r": L.a1(r, c)}))
            else:
                out.append(_cell_xml(r, c, cells.get((r, c)), style_of((r, c)), p, epoch))
        out.append(f"</{p}row>")
    out.append(f"</{p}sheetData>")
    new_xml = text_xml[: match.start()] + "".join(out) + text_xml[match.end():]
    if positions:
        last_row = max(r for r, _ in positions)
        last_col = max(c for _, c in positions)
        new_xml = re.sub(rf"<{re.escape(p)}dimension\b[^>]*?(?:/>|>\s*</{re.escape(p)}dimension\s*>)",
                         f'<{p}dimension ref="A1:{L.a1(last_row, last_col)}"/>', new_xml, count=1)
    return new_xml.encode("utf-8")


def _count(value: str | None) -> int | None:
    """A row or column number as an attribute holds it (1-based); None when it is missing or not one."""
    value = (value or "").strip()
    return int(value) if re.fullmatch("[0-9]{1,9}", value) and int(value) > 0 else None


_SHEETDATA = re.compile(r"<((?:[\w.-]+:)?)sheetData\b[^>]*?(?:/>|>.*?</\1sheetData\s*>)", re.S)
_CELL_NAME = re.compile(r"\$?[A-Za-z]{1,3}\$?\d+")
_DECLARED_ENCODING = re.compile(r"^(<\?xml[^>]*?encoding=)([\"'])[^\"']*\2")


def _decode_part(data: bytes) -> str:
    """A part's text; one stored as UTF-16 (valid XML, rare) is written back as UTF-8 and says so."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", data.decode("utf-16"), count=1)
    return data.decode("utf-8-sig")


def _parse_with_prefixes(data: bytes):
    """(namespace → prefix, the namespaces the root declares, the root element), with a defused parser."""
    prefixes: dict[str, str] = {}
    declared: set[str] = set()
    root = None
    for event, item in SafeET.iterparse(io.BytesIO(data), events=("start-ns", "start")):
        if event == "start-ns":
            prefix, uri = item
            prefixes.setdefault(uri, prefix)
            if root is None:
                declared.add(uri)
        elif root is None:
            root = item
    return prefixes, declared, root


def _text(value: str) -> str:
    """Element text escaped; a carriage return as a reference (a parser would read a bare one as a newline)."""
    return escape(value, {"\r": "&#13;"})


def _attr(value: str) -> str:
    return '"' + escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}) + '"'


def _element_xml(element, prefixes: dict[str, str], declared: set[str], replace: dict[str, str] | None = None,
                 top: bool = True) -> str:
    """An element written back as the part held it (with the part's own prefixes)."""
    used: set[str] = set()

    def qname(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}", 1)
        if uri == XML_NS:
            return "xml:" + local
        used.add(uri)
        prefix = prefixes.get(uri, "")
        return f"{prefix}:{local}" if prefix else local

    def write(node, attrs: dict[str, str]) -> str:
        name = qname(node.tag)
        head = "<" + name + "".join(f" {qname(k)}={_attr(v)}" for k, v in attrs.items())
        children = list(node)
        if not children and not node.text:
            return head + "/>"
        body = _text(node.text or "")
        for child in children:
            body += write(child, dict(child.attrib)) + _text(child.tail or "")
        return f"{head}>{body}</{name}>"

    xml = write(element, {**element.attrib, **(replace or {})})
    missing = [uri for uri in used if uri not in declared]  # declared inside the sheet, not on its root
    if missing and top:
        name_end = xml.index(" ") if " " in xml[: xml.index(">")] else xml.index(">")
        xmlns = "".join(f" xmlns:{prefixes[u]}={_attr(u)}" if prefixes.get(u) else f" xmlns={_attr(u)}"
                        for u in missing)
        xml = xml[:name_end] + xmlns + xml[name_end:]
    return xml


def _cell_xml(row: int, col: int, value: object, style: str, p: str = "", epoch: dt.datetime = EXCEL_EPOCH) -> str:
    ref = L.a1(row, col)
    s = f" s={_attr(style)}" if style else ""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return f'<{p}c r="{ref}"{s}/>'
    if isinstance(value, bool):
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, (int, float)):
        return f'<{p}c r="{ref}"{s}><{p}v>{_number(value)}</{p}v></{p}c>'
    if isinstance(value, (dt.datetime, dt.date)):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        serial = (value.replace(tzinfo=None) - epoch).total_seconds() / 86400
        return f'<{p}c r="{ref}"{s}><{p}v>{_number(serial)}</{p}v></{p}c>'
    text = excel_text(cut_utf16(_NOT_CHARACTERS.sub("", str(value)), MAX_TEXT))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    # always an inline string: text from the data is never a formula
    return f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t{space}>{_text(text)}</{p}t></{p}is></{p}c>'


def cut_utf16(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-16 code units (how Excel counts a cell's 32,767 characters),
    never between the two halves of a character outside the BMP (an emoji is two units)."""
    if len(text) * 2 <= limit:  # quick: no character is more than two units
        return text
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * limit:
        return text
    cut = units[: 2 * limit]
    if cut and 0xD8 <= cut[-1] <= 0xDB:  # the last unit is the first half of a pair: leave the pair out
        cut = cut[:-2]
    return cut.decode("utf-16-le", "surrogatepass")


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


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
    status = real.stat()
    # root may write anything: a workbook without any write permission is refused for everyone
    if not status.st_mode & 0o222 or not os.access(real, os.W_OK) or not os.access(real.parent, os.W_OK):
        raise KpiError(_say("read_only", name=path.name))
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
        _same_owner_and_mode(tmp, status)
        if fingerprint(real) != expected:  # another program saved the workbook after the refresh read it
            raise KpiError(_say("changed_meanwhile", name=path.name))
        os.replace(tmp, real)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        _raise_unchanged(err, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _say(code: str, **params) -> str:
    """A message in Dutch and English, for the terminal and the Excel alert alike."""
    return f"{text(code, 'nl', **params)} / {text(code, 'en', **params)}"


LOCK_FILES = ("~${name}", ".~lock.{name}#")  # Excel's, LibreOffice's


def check_not_open(path: Path) -> None:
    """Refuse a workbook that Excel or LibreOffice has open (their lock file lies beside it).

    Through a symbolic link both the link's folder and the real file's folder are looked in.
    """
    real = Path(os.path.realpath(path))
    for place in dict.fromkeys((path, real)):
        for pattern in LOCK_FILES:
            lock = place.with_name(pattern.format(name=place.name))
            if lock.exists():
                raise KpiError(_say("open_elsewhere", name=path.name, lock=lock.name))


def _same_owner_and_mode(tmp: Path, status: os.stat_result) -> None:
    """Give the new file the original's owner, group and permissions (as far as the system allows)."""
    for uid, gid in ((status.st_uid, status.st_gid), (-1, status.st_gid)):
        try:
            os.chown(tmp, uid, gid)
            break
        except (OSError, AttributeError):  # not root: a file can only be given away to one's own groups
            continue
    try:
        os.chmod(tmp, status.st_mode & 0o7777)
    except OSError:
        pass


@dataclass(frozen=True)
class Fingerprint:
    """What identifies one saved version of a file: size, modification time and a hash of its bytes."""

    size: int
    modified_ns: int
    sha256: str


def fingerprint(path: str | Path) -> Fingerprint:
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    return Fingerprint(status.st_size, status.st_mtime_ns, digest)


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
