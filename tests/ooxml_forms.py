"""Workbooks in other valid OOXML forms than the template's: as the Open XML SDK writes them, 1904 dates.

Excel, LibreOffice, the Open XML SDK, EPPlus and ClosedXML all write valid packages that differ in
form: a namespace prefix on every element (``<x:sheetData>``), single-quoted attributes, other
relationship ids, absolute targets (``/xl/worksheets/sheet1.xml``). These helpers rewrite a workbook
made by :mod:`kpi_xl.workbook.new` into such forms, with a real XML parser, keeping its meaning.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"


def _attr(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
    return "'" + value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + "'"


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def rewrite_part(data: bytes, main_prefix: str = "x", rename: dict[str, str] | None = None) -> bytes:
    """One XML part written again: the main namespace under ``main_prefix``, every attribute in single
    quotes, every namespace declared on the root; ``rename`` maps old relationship ids to new ones."""
    prefixes: dict[str, str] = {}
    root = None
    for event, item in ET.iterparse(io.BytesIO(data), events=("start-ns", "start")):
        if event == "start-ns":
            prefixes.setdefault(item[1], item[0])
        elif root is None:
            root = item
    if MAIN in prefixes:
        prefixes[MAIN] = main_prefix
    rename = rename or {}

    def qname(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}", 1)
        if uri == XML_NS:
            return "xml:" + local
        prefix = prefixes[uri]
        return f"{prefix}:{local}" if prefix else local

    def write(node, top: bool) -> str:
        attrs = []
        if top:
            attrs = [(f"xmlns:{p}" if p else "xmlns", uri) for uri, p in prefixes.items()]
        for key, value in node.attrib.items():
            if rename and (key == f"{{{REL}}}id" or key == "Id") and value in rename:
                value = rename[value]
            attrs.append((qname(key), value))
        head = "<" + qname(node.tag) + "".join(f" {k}={_attr(v)}" for k, v in attrs)
        children = list(node)
        if not children and not node.text:
            return head + "/>"
        body = _text(node.text or "") + "".join(write(c, False) + _text(c.tail or "") for c in children)
        return f"{head}>{body}</{qname(node.tag)}>"

    return ("<?xml version='1.0' encoding='utf-8'?>\r\n" + write(root, True)).encode("utf-8")


def _absolute(data: bytes, folder: str) -> bytes:
    """Every relationship target of a .rels part made absolute (``/xl/worksheets/sheet1.xml``)."""
    def fix(match: re.Match) -> bytes:
        target = match.group(2).decode()
        if target.startswith("/") or "://" in target:
            return match.group(0)
        parts: list[str] = []
        for piece in [*folder.split("/"), *target.split("/")]:
            if piece == "..":
                parts.pop()
            elif piece and piece != ".":
                parts.append(piece)
        return b"Target=" + match.group(1) + ("/" + "/".join(parts)).encode() + match.group(1)
    return re.sub(rb"Target=(['\"])([^'\"]*)\1", fix, data)


def sdk_style(source: Path, target: Path) -> Path:
    """``source`` as the Open XML SDK would write it: ``x:`` prefixes, single quotes, absolute targets,
    other relationship ids for the sheets."""
    with zipfile.ZipFile(source) as src:
        rels = src.read("xl/_rels/workbook.xml.rels")
        ids = re.findall(rb'Id="(rId\d+)"', rels)
        rename = {old.decode(): f"R{i:04x}e5d2" for i, old in enumerate(ids, start=7)}
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                name = info.filename
                if name.endswith((".xml", ".rels")):
                    data = rewrite_part(data, rename=rename if name in ("xl/workbook.xml",
                                                                         "xl/_rels/workbook.xml.rels") else None)
                    if name.endswith(".rels"):
                        owner_folder = name.rsplit("/_rels/", 1)[0] if "/_rels/" in name else ""
                        data = _absolute(data, owner_folder)
                dst.writestr(info, data)
    return target


def date1904(source: Path, target: Path) -> Path:
    """``source`` switched to the 1904 date system (``<workbookPr date1904="1"/>``), nothing else changed."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                if b"<workbookPr" in data:
                    data = re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', data, count=1)
                else:
                    data = re.sub(rb"(<sheets\b)", b'<workbookPr date1904="1"/>\\1', data, count=1)
            dst.writestr(info, data)
    return target


def edit_part(book: Path, part: str, change) -> None:
    """Rewrite one part of ``book`` in place: ``change(text) -> text`` (what a user's edit in Excel would do)."""
    with zipfile.ZipFile(book) as src:
        items = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in items:
            dst.writestr(info, change(data.decode("utf-8")).encode("utf-8") if info.filename == part else data)


def add_cells(xml: str, row: int, cells: str) -> str:
    """``cells`` (``<c>`` elements, to the right of the row's others) appended to sheet row ``row`` (1-based),
    in a new row at the end when the sheet has no such row."""
    found = re.search(rf'<row r="{row}"[^>]*?(/>|>.*?</row>)', xml, re.S)
    if found is None:
        return xml.replace("</sheetData>", f'<row r="{row}">{cells}</row></sheetData>')
    whole = found.group(0)
    grown = whole[:-2] + f">{cells}</row>" if found.group(1) == "/>" else whole[:-6] + cells + "</row>"
    return xml.replace(whole, grown, 1)
