"""The workbook package's structure: which part is the workbook, its sheets' parts, its rels, its date system.

Read with a defused XML parser (no DTD, no entities), so any valid OOXML form works, whichever program
wrote it: a namespace prefix on every element (``<x:sheet>``, as the Open XML SDK writes), single-quoted
attributes, other relationship ids, absolute targets (``/xl/worksheets/sheet1.xml``).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
           "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional (what Excel writes), strict
XML_NS = "http://www.w3.org/XML/1998/namespace"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
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
        raise KpiError(both_languages("part_damaged", part=part, reason=err)) from None


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
