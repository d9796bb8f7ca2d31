"""Where a Table's data rows go: the table parts read, and a data sheet's part streamed to keep what stays.

A data sheet may hold a million rows: its part is read in chunks and never parsed whole. What stays of it
is the part before ``<sheetData>`` (columns, panes, ...), the rows down to the table's header (kept as
they are), the user's cells outside the table's columns below the header, and everything after
``</sheetData>`` (validations, conditional formats, the table parts). When the sheet's ``<dimension>``
says no cell lies outside the table's columns, the old data rows are skipped without looking at them.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.report import layout as L
from kpi_xl.workbook.package import PackageLayout, _local, parse_part, relationships
from kpi_xl.workbook.sheet_xml import _decode_part, cell_index

READ_CHUNK = 1 << 22

_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?")


@dataclass
class TableSpot:
    """One Excel Table of the package: its name, sheet, parts, range (0-based) and header texts."""

    name: str
    sheet: str
    sheet_part: str
    table_part: str
    top: int
    left: int
    bottom: int
    right: int
    headers: list[str]
    table_id: int
    totals: bool
    header: bool = True  # False: a table without a header row (headerRowCount="0")


def find_tables(src: zipfile.ZipFile, package: PackageLayout) -> dict[str, TableSpot]:
    """Every Table of the workbook by its name (and display name), found through the sheets' table parts."""
    spots: dict[str, TableSpot] = {}
    names = set(src.NameToInfo)
    for sheet, part in package.sheets.items():
        if part not in names:
            continue
        for kind, table_part in relationships(src, part).values():
            if not kind.endswith("/table") or table_part not in names:
                continue
            table = parse_part(src, table_part)
            ref = _REF.fullmatch(table.get("ref", "").strip())
            if not ref:
                continue
            top, left = cell_index(ref.group(1) + ref.group(2))
            bottom, right = cell_index(ref.group(3) + ref.group(4)) if ref.group(3) else (top, left)
            headers = [c.get("name", "") for c in table.iter() if _local(c.tag) == "tableColumn"]
            totals = (table.get("totalsRowCount") or "0").strip() not in ("", "0")
            table_id = int(table.get("id")) if (table.get("id") or "").isdigit() else 0
            header = (table.get("headerRowCount") or "1").strip() != "0"
            spot = TableSpot(table.get("name", ""), sheet, part, table_part, top, left, bottom, right, headers,
                             table_id, totals, header)
            for key in ("name", "displayName"):
                if table.get(key):
                    spots.setdefault(table.get(key), spot)
    return spots


def resized_table(xml: str, spot: TableSpot, rows: int) -> str:
    """The table part with its ``ref``, its autoFilter's and a sort's covering the header and ``rows`` rows
    (at least one: Excel requires a data row)."""
    bottom = spot.top + max(1, rows)
    first, last = L.a1(spot.top, spot.left), L.a1(bottom, spot.right)
    xml = re.sub(r"""(<(?:[\w.-]+:)?(?:table|autoFilter)\b[^>]*?\bref\s*=\s*)(["'])[^"']*\2""",
                 rf"\g<1>\g<2>{first}:{last}\g<2>", xml)
    return re.sub(r"""(<(?:[\w.-]+:)?sortState\b[^>]*?\bref\s*=\s*)(["'])[^"']*\2""",
                  rf"\g<1>\g<2>{L.a1(spot.top + 1, spot.left)}:{last}\g<2>", xml)


@dataclass
class SheetScan:
    """What stays of a data sheet's part when its table's rows are replaced."""

    head: bytes  # everything before <sheetData>
    open_tag: bytes  # <sheetData> as the part writes it ("" when the part had <sheetData/>)
    prefix: str  # the part's namespace prefix for cells ("" or "x:")
    top_rows: list[bytes] = field(default_factory=list)  # rows down to the header, as they are
    last_top_row: int = -1  # 0-based index of the last of those
    first_data_styles: dict[int, str] = field(default_factory=dict)  # column → style of the first data row
    column_styles: list[tuple[int, int, str]] = field(default_factory=list)  # <col min max style>, 0-based
    around: dict[int, tuple[str, str]] = field(default_factory=dict)  # row → user cells left / right of it
    tail: bytes = b""  # everything after </sheetData>
    dimension: tuple[int, int, int, int] | None = None

    def style(self, col: int) -> str:
        """A new cell's style: that of the table's first data cell as it was, else its column's."""
        if col in self.first_data_styles:
            return self.first_data_styles[col]
        for low, high, style in self.column_styles:
            if low <= col <= high:
                return style
        return ""

    def head_with_dimension(self, last_row: int, right: int) -> bytes:
        """The head with ``<dimension>`` covering what the new sheet holds (the part's own prefix)."""
        if self.dimension is None:
            return self.head
        top, left, last_col = min(self.dimension[0], last_row), self.dimension[1], max(self.dimension[3], right)
        ref = f"{L.a1(top, left)}:{L.a1(max(last_row, top), last_col)}".encode()
        p = self.prefix.encode()
        return re.sub(rb"<" + re.escape(p) + rb"dimension\b[^>]*?(?:/>|>\s*</" + re.escape(p) + rb"dimension\s*>)",
                      b"<" + p + b'dimension ref="' + ref + b'"/>', self.head, count=1)


_SHEETDATA_OPEN = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*)>")
_ATTR = re.compile(rb"""\b([\w:]+)\s*=\s*(["'])(.*?)\2""", re.DOTALL)


def scan_sheet(src: zipfile.ZipFile, part: str, spot: TableSpot) -> SheetScan:
    """Read the sheet part once, in chunks; keep what stays when the table's rows are replaced."""
    with src.open(part) as reader:
        first = reader.read(READ_CHUNK)
        if first[:2] in (b"\xff\xfe", b"\xfe\xff"):  # a UTF-16 part (valid, rare): read whole, as UTF-8
            stream = _Chunks(None, _decode_part(first + reader.read()).encode("utf-8"))
        else:
            stream = _Chunks(reader, first)
        buffer = stream.until(_SHEETDATA_OPEN)
        match = _SHEETDATA_OPEN.search(buffer)
        if match is None:
            raise KpiError(both_languages("part_damaged", part=part, reason="no <sheetData>"))
        p = match.group(1)
        scan = SheetScan(buffer[: match.start()], b"" if match.group(2) else match.group(0), p.decode())
        scan.column_styles = _column_styles(scan.head)
        dimension = _DIMENSION.search(scan.head)
        ref = _REF.fullmatch(dimension.group(1).decode().strip()) if dimension else None
        if ref:
            top, left = cell_index(ref.group(1) + ref.group(2))
            bottom, right = cell_index(ref.group(3) + ref.group(4)) if ref.group(3) else (top, left)
            scan.dimension = (top, left, bottom, right)
        rest = buffer[match.end():]
        if match.group(2):  # <sheetData/>: no rows
            scan.tail = rest + stream.rest()
            scan.open_tag = match.group(0)[:-2].rstrip() + b">"
            return scan
        _rows(scan, stream, rest, p, spot)
    return scan


class _Chunks:
    """A zip entry's bytes, handed out in chunks."""

    def __init__(self, reader, first: bytes):
        self.reader, self.pending = reader, first

    def read(self) -> bytes:
        out, self.pending = self.pending, b""
        if not out and self.reader is not None:
            out = self.reader.read(READ_CHUNK)
        return out

    def until(self, pattern: re.Pattern) -> bytes:
        buffer = self.read()
        while not pattern.search(buffer):
            more = self.read()
            if not more:
                break
            buffer += more
        return buffer

    def rest(self) -> bytes:
        parts = []
        while chunk := self.read():
            parts.append(chunk)
        return b"".join(parts)


def _column_styles(head: bytes) -> list[tuple[int, int, str]]:
    out = []
    for col in _COL.finditer(head):
        attrs = {k.decode(): v.decode() for k, _, v in _ATTR.findall(col.group(1))}
        low, high, style = attrs.get("min", ""), attrs.get("max", ""), attrs.get("style")
        if style and low.isdigit() and high.isdigit():
            out.append((int(low) - 1, int(high) - 1, style))
    return out


def _rows(scan: SheetScan, stream: _Chunks, buffer: bytes, p: bytes, spot: TableSpot) -> None:
    """Walk the rows: keep those down to the header, note the first data row's styles and the user's cells
    outside the table's columns; skip the rest unseen when the dimension says nothing lies outside."""
    row_re = re.compile(rb"<" + p + rb"row\b([^>]*?)(?:/>|>(.*?)</" + p + rb"row\s*>)", re.DOTALL)
    close = b"</" + p + b"sheetData"
    alone = scan.dimension is not None and spot.left <= scan.dimension[1] and scan.dimension[3] <= spot.right
    r = -1
    while True:
        end = buffer.find(close)
        limit = end if end >= 0 else len(buffer)
        position = 0
        for row in row_re.finditer(buffer, 0, limit):
            position = row.end()
            attrs = {k: v for k, _, v in _ATTR.findall(row.group(1))}
            given = attrs.get(b"r", b"").strip()
            r = int(given) - 1 if given.isdigit() and int(given) > 0 else r + 1
            if r <= spot.top:
                scan.top_rows.append(row.group(0))
                scan.last_top_row = r
            else:
                _data_row(scan, r, row.group(2) or b"", p, spot)
        if end >= 0:
            tail = buffer[end:] + stream.rest()
            scan.tail = tail[tail.index(b">") + 1:]
            return
        buffer = buffer[position:]
        if alone and r > spot.top + 1:  # nothing outside the table's columns: the old rows need no look
            while (end := buffer.find(close)) < 0:
                more = stream.read()
                if not more:
                    raise KpiError(both_languages("part_damaged", part=spot.sheet_part, reason="no </sheetData>"))
                buffer = buffer[-len(close):] + more
            buffer = buffer[end:]  # the rows before it are old data rows in the table's columns
            continue
        more = stream.read()
        if not more:
            raise KpiError(both_languages("part_damaged", part=spot.sheet_part, reason="no </sheetData>"))
        buffer += more


def _data_row(scan: SheetScan, r: int, body: bytes, p: bytes, spot: TableSpot) -> None:
    cell_re = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>.*?</" + p + rb"c\s*>)", re.DOTALL)
    c = -1
    left, right = [], []
    for cell in cell_re.finditer(body):
        attrs = {k: v for k, _, v in _ATTR.findall(cell.group(1))}
        ref = attrs.get(b"r", b"").decode().strip()
        c = cell_index(ref)[1] if re.fullmatch(r"\$?[A-Za-z]{1,3}\$?\d+", ref) else c + 1
        if spot.left <= c <= spot.right:
            if r == spot.top + 1 and b"s" in attrs:
                scan.first_data_styles[c] = attrs[b"s"].decode()
            continue
        xml = cell.group(0).decode("utf-8")
        if not ref:
            xml = f'<{p.decode()}c r="{L.a1(r, c)}"' + xml[len(p) + 2:]
        (left if c < spot.left else right).append(xml)
    if left or right:
        scan.around[r] = ("".join(left), "".join(right))
