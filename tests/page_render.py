"""Render one sheet of a workbook to PDF through LibreOffice and measure its words (pdftotext -bbox).

For the tests of the meeting pages: each sheet exactly one landscape page, its words' heights.
In LibreOffice's PDFs a word's box is about 1.3× the font size: 9 pt type ≈ 11.7 pt box.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.workbook.export import find_soffice
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.write import copy_entry

NINE_PT_BOX = 11.7  # the box of 9 pt type
SEVEN_PT_BOX = 9.1  # the box of 7 pt type

_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\b[^>]*?/>")
_NAME = re.compile(r"""\bname\s*=\s*(["'])(.*?)\1""", re.S)
_STATE = re.compile(r"""\s+state\s*=\s*(["']).*?\1""", re.S)


def missing_tools() -> str | None:
    """Why the render tests cannot run here (None: they can)."""
    if find_soffice() is None:
        return "LibreOffice is not installed"
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            return f"{tool} (poppler-utils) is not installed"
    return None


def only_sheet(source: Path, target: Path, sheet: str) -> None:
    """A copy of the workbook in which every sheet but ``sheet`` is hidden (so it prints alone)."""

    def hide(match: re.Match) -> str:
        tag = match.group(0)
        name = _NAME.search(tag)
        if name and html.unescape(name.group(2)) == sheet:
            return _STATE.sub("", tag)
        return _STATE.sub("", tag)[:-2].rstrip() + ' state="hidden"/>'

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        workbook = package_layout(src).workbook
        for info in src.infolist():
            if info.filename == workbook:
                xml = src.read(info).decode("utf-8-sig")
                names = [html.unescape(_NAME.search(t).group(2)) for t in _SHEET_TAG.findall(xml)]
                xml = re.sub(r'\bactiveTab="\d+"', f'activeTab="{names.index(sheet)}"', xml)
                if "activeTab=" not in xml:
                    xml = re.sub(r"<((?:[\w.-]+:)?)workbookView\b", rf'<\1workbookView activeTab="{names.index(sheet)}"',
                                 xml, count=1)
                # LibreOffice prints a hidden sheet that has a print area: only the shown sheet keeps its own
                index = names.index(sheet)
                xml = re.sub(r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">[^<]*</definedName>',
                             lambda m: m.group(0) if int(m.group(1)) == index else "", xml)
                dst.writestr(info.filename, _SHEET_TAG.sub(hide, xml).encode("utf-8"))
            elif info.filename.startswith("xl/worksheets/sheet"):  # no sheet selected but the one shown
                xml = src.read(info).decode("utf-8-sig")
                dst.writestr(info.filename, re.sub(r'\s+tabSelected="(?:1|true)"', "", xml).encode("utf-8"))
            else:
                copy_entry(src, dst, info)


@dataclass
class Rendered:
    pages: int
    width: float  # points, of the first page
    height: float
    words: list[tuple[str, float]]  # text, box height (points)
    text: str


def render(workbook: Path, sheet: str, tmp: Path) -> Rendered:
    copy = tmp / f"{re.sub(r'[^A-Za-z]', '', sheet)}.xlsx"
    only_sheet(workbook, copy, sheet)
    profile = (tmp / "profile").as_uri()
    subprocess.run([find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(copy)], check=True, capture_output=True,
                   timeout=240)
    pdf = copy.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout
    words = [(html.unescape(m.group(3)), float(m.group(2)) - float(m.group(1)))
             for m in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
                                  boxes)]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return Rendered(pages, float(size.group(1)), float(size.group(2)), words, text)
