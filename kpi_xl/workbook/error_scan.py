"""The scan of the sheet XML for what the readers return as empty: Excel error values (``#N/A``), error
text, and formulas without a calculated value."""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kpi_xl.error_values import EXCEL_ERRORS
from kpi_xl.workbook.inflate import part_chunks
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.package_check import UNREADABLE, unreadable
from kpi_xl.workbook.sheet_xml import cell_index

__all__ = ["SCAN_CHUNK", "SCAN_OVERLAP", "ScanStopped", "SheetFindings", "SheetScan", "error_cells"]


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
# A TRUE/FALSE cell (``<c r="B5" t="b">``): fastexcel reads one among numbers as 1 or 0, so the typed read
# needs to know which columns hold one (kpi_xl.workbook.typed_table).
_BOOLEAN_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?\bt=[\"']b[\"'][^>]*)>")
_BOOLEAN_HINTS = (b't="b"', b"t='b'")
_TAG_OVERLAP = 4096  # longer than any cell's start tag
SCAN_CHUNK = 4 * 1024**2
SCAN_OVERLAP = 256 * 1024  # longer than any one cell: 32,767 characters of up to 4 bytes, plus markup


def error_cells(path: str | Path, sheets: Iterable[str]) -> dict[str, dict[tuple[int, int], str]]:
    """Excel error values in these sheets: sheet → {(row, column) 0-based: ``'#N/A'``}.

    Error cells, and text cells whose text is an error value; formula cells without a calculated value
    (scripts write them so) as a :class:`~kpi_xl.tables.coerce.FormulaWithoutValue`. Inflating each
    sheet part once, as a stream (:func:`~kpi_xl.workbook.inflate.part_chunks`), also checks what the
    central directory claims: the part's declared size and its CRC, so a part that unpacks to more than
    it says is refused here, before python-calamine or fastexcel inflate it.
    """
    scan = SheetScan(path)
    return {sheet: cells for sheet in sheets if (cells := scan.cells(sheet))}


class SheetScan:
    """:func:`error_cells` one sheet at a time: the package's layout and its shared strings that are an error
    value are read once; :meth:`cells` opens the file itself, so threads can scan different sheets at once."""

    def __init__(self, path: str | Path):
        self.path, self.errors = Path(path), EXCEL_ERRORS
        self.early: dict[str, Future] = {}  # sheet → its findings, being scanned already (kpi_xl.workbook.early_scan)
        self.early_stop: threading.Event | None = None  # set: those scans are not wanted
        try:
            with zipfile.ZipFile(self.path) as archive:
                package = package_layout(archive)
                self.parts = package.sheets
                # the size each sheet's part claims (the largest is read first)
                self.sizes = {sheet: archive.NameToInfo[part].file_size for sheet, part in self.parts.items()
                              if part in archive.NameToInfo}
                self.shared = _error_strings(archive, package.shared_strings, EXCEL_ERRORS)
        except UNREADABLE as err:
            raise unreadable(self.path, err) from None

    def cells(self, sheet: str) -> dict[tuple[int, int], str]:
        """The error values of one sheet ({} for a sheet that is not there)."""
        return self.sheet(sheet).cells

    def sheet(self, sheet: str) -> SheetFindings:
        """The error values of one sheet and the columns holding TRUE/FALSE cells (from the scan begun early
        when there is one, see :mod:`kpi_xl.workbook.early_scan`)."""
        early = self.early.pop(sheet, None)
        if early is not None:
            try:
                return early.result()
            except Exception:  # noqa: BLE001, S110 - scanned again here, where a damaged part is reported
                pass
        return self.scan(sheet)

    def drop_early(self, keep: Iterable[str] = ()) -> None:
        """Stop the early scan unless its sheet is one of ``keep`` (the sheets still to be scanned): a refresh
        whose tables came from the cache, or a read that failed, does not wait for it."""
        keep = set(keep)
        if self.early.keys() - keep:
            if self.early_stop is not None:
                self.early_stop.set()
            self.early.clear()

    def scan(self, sheet: str, stop: threading.Event | None = None) -> SheetFindings:
        """:meth:`sheet`, scanned here and now; once ``stop`` is set, the scan ends (:class:`ScanStopped`)."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                part = self.parts.get(sheet)
                if part is None or part not in archive.NameToInfo:
                    return SheetFindings({}, frozenset())
                chunks = part_chunks(self.path, archive, part, SCAN_CHUNK)
                return _scan_part(chunks if stop is None else _until(chunks, stop), self.shared, self.errors)
        except UNREADABLE as err:
            raise unreadable(self.path, err) from None


class ScanStopped(Exception):
    """A scan ended because nobody wants it any more."""


def _until(chunks: Iterable[bytes], stop: threading.Event) -> Iterable[bytes]:
    for chunk in chunks:
        if stop.is_set():
            raise ScanStopped
        yield chunk


@dataclass(frozen=True)
class SheetFindings:
    """What the scan of one sheet found: error cells {(row, column): shown}, and the (0-based) columns
    holding a TRUE/FALSE cell (None: such a cell without its reference, so any column may)."""

    cells: dict[tuple[int, int], object]
    boolean_columns: frozenset[int] | None


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


def _scan_part(chunks: Iterable[bytes], shared: dict[bytes, str], errors: frozenset[str]) -> SheetFindings:
    """Every error value (and error text) holds a ``#``: a chunk without one is passed over after a single
    fast byte search, so scanning costs little more than inflating. A chunk with one is searched together
    with the end of the chunk before it; a cell cut off at the chunk's end is finished with the next one."""
    cells: dict[tuple[int, int], str] = {}
    booleans: set[int] | None = set()
    tail = b""
    finish_next = False
    for chunk in chunks:
        # (a cell cut at the chunk's end: the tail has it; a hint cut there: the seam has it)
        seam = tail[-16:] + chunk[:16]
        bytes_ = np.frombuffer(chunk, dtype=np.uint8)
        if _may_hold_uncalculated(chunk, bytes_) or any(hint in seam for hint in _UNCALCULATED_HINTS):
            _uncalculated(tail + chunk, cells)
        if booleans is not None and (_has_boolean_type(bytes_) or any(h in seam for h in _BOOLEAN_HINTS)):
            booleans = _boolean_columns(tail[-_TAG_OVERLAP:] + chunk, booleans)
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
    return SheetFindings(cells, None if booleans is None else frozenset(booleans))


def _boolean_columns(xml: bytes, found: set[int]) -> set[int] | None:
    """The columns of the TRUE/FALSE cells in ``xml`` added to ``found``; None for such a cell without its
    reference (any column may hold one)."""
    for tag in _BOOLEAN_CELL.finditer(xml):
        ref = _CELL_REF.search(tag.group(1))
        if ref is None:
            return None
        found.add(cell_index(ref.group(1).decode("ascii") + "1")[1])
    return found


def _has_boolean_type(bytes_: np.ndarray) -> bool:
    """Whether ``="b"`` or ``='b'`` (a TRUE/FALSE cell's type) is in the chunk: one vectorised pass (a
    byte search for the five bytes takes several times longer)."""
    at = np.flatnonzero(bytes_[2:-1] == ord("b")) + 2
    quote = bytes_[at - 1]
    return bool((((quote == ord('"')) | (quote == ord("'"))) & (bytes_[at + 1] == quote)
                 & (bytes_[at - 2] == ord("="))).any())


def _has_formula_tag(bytes_: np.ndarray) -> bool:
    """Whether ``<f`` or ``:f`` (the start of a formula element, prefixed or not) is in the chunk."""
    at = np.flatnonzero(bytes_[1:] == ord("f"))
    before = bytes_[at]
    return bool(((before == ord("<")) | (before == ord(":"))).any())


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


def _may_hold_uncalculated(xml: bytes, bytes_: np.ndarray) -> bool:
    if b"f" not in xml:  # one byte, found as fast as '#': most data sheets (text in shared strings) hold none
        return False
    if not _has_formula_tag(bytes_):
        return False  # no formula at all: the usual data sheet
    if any(hint in xml for hint in _UNCALCULATED_HINTS):
        return True
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


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&")
