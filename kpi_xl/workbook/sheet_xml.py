"""An owned sheet's part written again: new cell values, every style, row height and user's cell kept.

The part is parsed with a defused XML parser; the new ``<sheetData>`` is written with the part's own
namespace prefix. Texts are written as Excel writes them: legal XML 1.0, cut at Excel's limit counted
in UTF-16 units; dates as serials of the workbook's date system.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html import escape

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.report import layout as L
from kpi_xl.workbook.package import EXCEL_EPOCH, XML_NS
from kpi_xl.workbook.wrap import row_heights

MAX_TEXT = 32_767  # characters of a cell, counted in UTF-16 units

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


def cell_index(ref: str) -> tuple[int, int]:
    """``B5`` → (4, 1), 0-based (row, column)."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    number = int("".join(ch for ch in ref if ch.isdigit()))
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch.upper()) - 64)
    return number - 1, col - 1


_HEIGHT_ATTRS = re.compile(r"""\s+(?:ht|customHeight)=(["']).*?\1""")


def render_sheet(xml: bytes | str, cells: dict[tuple[int, int], object], keep_styled_blanks: bool,
                 area: tuple[tuple[int, int, int | None, int], ...] | None = None,
                 user_cells: Iterable[tuple[int, int]] = (), epoch: dt.datetime = EXCEL_EPOCH,
                 part: str = "sheet", wrap_columns: Iterable[int] = ()) -> bytes:
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
    ``epoch`` (the workbook's date system). With ``wrap_columns`` the rows below the
    header inside ``area`` get the height their wrapped text in those columns needs
    (:mod:`kpi_xl.workbook.wrap`), and lose the one an earlier refresh gave them.
    """
    source = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        prefixes, declared, root = _parse_with_prefixes(source)
    except (ET.ParseError, DefusedXmlException) as err:
        raise KpiError(both_languages("part_damaged", part=part, reason=err)) from None
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
            c = cell_index(ref)[1] if ref and _CELL_NAME.fullmatch(ref.strip()) else c + 1
            old[(r, c)] = cell
    styles = {pos: cell.get("s", "") for pos, cell in old.items()}
    column_styles = []
    for col in root.iter(f"{q}col"):
        low, high = _count(col.get("min")), _count(col.get("max"))
        if col.get("style") and low and high:
            column_styles.append((low - 1, high - 1, col.get("style")))

    if wrap_columns:
        widths = {}
        for col in root.iter(f"{q}col"):
            low, high = _count(col.get("min")), _count(col.get("max"))
            if col.get("width") and low and high:
                widths.update(dict.fromkeys(range(low - 1, high), float(col.get("width"))))
        heights = row_heights(cells, widths, wrap_columns)
        for r in {*row_attrs, *heights}:
            if r == 0 or not L.in_area(area, r, min(wrap_columns)):
                continue
            attrs = _HEIGHT_ATTRS.sub("", row_attrs.get(r, ""))
            row_attrs[r] = attrs + (f' ht="{heights[r]:g}" customHeight="1"' if r in heights else "")

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
    return escape(value, quote=False).replace("\r", "&#13;")


def _attr(value: str) -> str:
    """An attribute's value, quoted; a line break or tab as a reference (a parser would read it as a space)."""
    return '"' + escape(value, quote=False).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'


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
