"""A meeting page a workbook does not have yet (made by an earlier ``kpi-xl new``) added to its package.

:func:`add_pages` returns the few parts that change — the workbook part (one ``<sheet>`` after the page
before it, the sheet indexes of defined names and views shifted, the page's print area), the workbook's
rels, ``[Content_Types].xml`` — and the new worksheet part: A4 landscape, fit to one page, the page's
column widths. Every other part stays byte for byte; the writer writes all of it atomically.
The new sheet has no template formatting (its styles would not exist in an older workbook): values only.
"""

from __future__ import annotations

import re
import zipfile
from html import unescape

from kpi_xl.report import layout as L
from kpi_xl.report.pages.addable import ADDABLE
from kpi_xl.workbook.package import REL_NS, PackageLayout
from kpi_xl.workbook.sheet_xml import _attr

WORKSHEET_TYPE = f"{REL_NS}/worksheet"
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_SHEET = re.compile(r"<((?:[\w.-]+:)?)sheet\b[^>]*?/>")
_NAME = re.compile(r"""\bname\s*=\s*(["'])(.*?)\1""", re.S)
_SHEET_ID = re.compile(r"""\bsheetId\s*=\s*["'](\d+)["']""")
_LOCAL_ID = re.compile(r"""(\blocalSheetId\s*=\s*["'])(\d+)(["'])""")
_VIEW_INDEX = re.compile(r"""(\b(?:activeTab|firstSheet)\s*=\s*["'])(\d+)(["'])""")


def new_worksheet(widths: tuple[int, ...]) -> bytes:
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w + 0.7109375}" customWidth="1"/>'
                   for i, w in enumerate(widths))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1"/>'
            '<sheetViews><sheetView showGridLines="0" workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData/>'
            '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.3" right="0.3" top="0.4" bottom="0.4" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="1"/></worksheet>'
            ).encode("utf-8")


def add_pages(src: zipfile.ZipFile, package: PackageLayout, names: list[str]
              ) -> tuple[dict[str, bytes], dict[str, str]]:
    """(part → new bytes: the changed parts and the new worksheet parts, sheet name → its new part)."""
    workbook = src.read(package.workbook).decode("utf-8-sig")
    folder = package.workbook.rsplit("/", 1)[0] if "/" in package.workbook else ""
    rels_part = f"{folder}/_rels/{package.workbook.rsplit('/', 1)[-1]}.rels" if folder else \
        f"_rels/{package.workbook}.rels"
    rels = src.read(rels_part).decode("utf-8-sig")
    types = src.read("[Content_Types].xml").decode("utf-8-sig")
    taken = set(src.namelist())
    changed: dict[str, bytes] = {}
    added: dict[str, str] = {}
    for name in sorted(names, key=L.PAGES.index):
        last_row, last_col, widths = ADDABLE[name]
        number = 1
        while f"{folder}/worksheets/sheet{number}.xml".lstrip("/") in taken:
            number += 1
        part = f"{folder}/worksheets/sheet{number}.xml".lstrip("/")
        taken.add(part)
        rid = _free_id(rels)
        rels = _before_close(rels, "Relationships", f'<Relationship Id="{rid}" Type="{WORKSHEET_TYPE}" '
                                                    f'Target="{part[len(folder) + 1:] if folder else part}"/>')
        types = _before_close(types, "Types", f'<Override PartName="/{part}" ContentType="{WORKSHEET_CONTENT}"/>')
        workbook = _insert_sheet(workbook, name, rid, last_row, last_col)
        changed[part] = new_worksheet(widths)
        added[name] = part
    changed[package.workbook] = workbook.encode("utf-8")
    changed[rels_part] = rels.encode("utf-8")
    changed["[Content_Types].xml"] = types.encode("utf-8")
    return changed, added


def _free_id(rels: str) -> str:
    used = set(re.findall(r"""\bId\s*=\s*["']([^"']+)["']""", rels))
    number = len(used) + 1
    while f"rId{number}" in used:
        number += 1
    return f"rId{number}"


def _before_close(xml: str, element: str, new: str) -> str:
    """``new`` inserted before the closing tag of the root ``element`` (with the root's namespace prefix)."""
    match = list(re.finditer(rf"</((?:[\w.-]+:)?){element}\s*>", xml))[-1]
    prefix = match.group(1)
    return xml[: match.start()] + new.replace("<", f"<{prefix}", 1) + xml[match.start():]


def sheet_names(workbook: str) -> list[str]:
    """The sheets' names in the workbook part, in their order."""
    return [unescape(_NAME.search(t.group(0)).group(2)) for t in _SHEET.finditer(workbook)]


def sheet_inserted(workbook: str, name: str, rid: str, after: int) -> tuple[str, int, str]:
    """The workbook part with a ``<sheet>`` ``name`` (relationship ``rid``, a new sheetId) after the sheet at
    position ``after``; the positions that the sheets after it had (localSheetId, activeTab, firstSheet)
    move one up. Returns (the part, the new sheet's position, the namespace prefix of the sheets)."""
    tags = list(_SHEET.finditer(workbook))
    index = after + 1
    prefix = tags[after].group(1)
    sheet_id = max((int(m.group(1)) for t in tags if (m := _SHEET_ID.search(t.group(0)))), default=0) + 1
    bound = re.search(rf"""xmlns:([\w.-]+)\s*=\s*["']{re.escape(REL_NS)}["']""", workbook)
    rel = f"{bound.group(1)}:id" if bound else "rr:id"
    declare = "" if bound else f" xmlns:rr={_attr(REL_NS)}"
    element = f"<{prefix}sheet name={_attr(name)} sheetId=\"{sheet_id}\"{declare} {rel}=\"{rid}\"/>"
    head, tail = workbook[: tags[after].end()], workbook[tags[after].end():]

    def shift(m: re.Match) -> str:  # a sheet's position: the ones after the new sheet move one up
        value = int(m.group(2))
        return f"{m.group(1)}{value + 1 if value >= index else value}{m.group(3)}"

    head = _LOCAL_ID.sub(shift, _VIEW_INDEX.sub(shift, head))
    tail = _LOCAL_ID.sub(shift, _VIEW_INDEX.sub(shift, tail))
    return head + element + tail, index, prefix


def _insert_sheet(workbook: str, name: str, rid: str, last_row: int, last_col: int) -> str:
    """The workbook part with a ``<sheet>`` for ``name`` after the page before it (else the first sheet)."""
    names = sheet_names(workbook)
    before = [p for p in L.PAGES[: L.PAGES.index(name)] if p in names]
    workbook, index, prefix = sheet_inserted(workbook, name, rid, names.index(before[-1]) if before else 0)
    area = (f"<{prefix}definedName name=\"_xlnm.Print_Area\" localSheetId=\"{index}\">"
            f"'{name}'!{L.a1(0, 0, True)}:{L.a1(last_row, last_col, True)}</{prefix}definedName>")
    if re.search(rf"</{re.escape(prefix)}definedNames\s*>", workbook):
        return _before_close(workbook, "definedNames", area.replace(f"<{prefix}", "<", 1))
    return re.sub(rf"(</{re.escape(prefix)}sheets\s*>)", lambda m: m.group(1) + f"<{prefix}definedNames>{area}"
                  f"</{prefix}definedNames>", workbook, count=1)
