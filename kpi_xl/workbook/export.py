"""The meeting pages as one PDF, rendered by LibreOffice (headless) when it is installed.

``kpi-xl export WORKBOOK --pdf`` prints the sheets of :data:`kpi_xl.report.layout.PAGES` (Dashboard,
then Coaching and Inzicht), in that order, into one PDF; ``--all`` adds History, Checks and Uitleg.
LibreOffice prints the visible sheets in tab order, each with its own print setup (print area, fit to
page, landscape), so the copy it converts has the chosen sheets first, in the asked order, and every
other sheet hidden. The workbook itself is never changed.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages, text
from kpi_xl.report import layout as L
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.write import copy_entry

SOFFICE_NAMES = ("soffice", "libreoffice")
#: printed after the meeting pages by ``--all``: the reference sheets
REFERENCE_SHEETS = (L.HISTORY, L.CHECKS, L.HELP)


def find_soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def say(code: str, language: str | None, **params) -> str:
    """A message of the export in ``language``; both languages (``nl / en``) when it is not known."""
    return text(code, language, **params) if language else both_languages(code, **params)


def sheets_for(include_all: bool) -> tuple[str, ...]:
    """The sheets ``kpi-xl export`` prints: the meeting pages, and with ``--all`` the reference sheets."""
    return (*L.PAGES, *REFERENCE_SHEETS) if include_all else tuple(L.PAGES)


def sheet_names(workbook: str | Path) -> list[str]:
    """The workbook's sheet names, in tab order."""
    with zipfile.ZipFile(workbook) as src:
        xml = src.read(package_layout(src).workbook).decode("utf-8-sig")
    return [_name_of(tag) for tag in _SHEET_TAG.findall(xml)]


def only_sheets(source: Path, target: Path, sheets: Sequence[str]) -> list[str]:
    """A copy of the workbook that prints ``sheets`` and nothing else, in the order given.

    The chosen sheets move to the front of the tab order (in the order of ``sheets``), every other
    sheet is hidden. A sheet-local defined name (a print area, the repeated header rows) points at its
    sheet by position, so its ``localSheetId`` follows the sheet. The ``<sheet>`` elements are matched
    whatever their namespace prefix and quotes (as the Open XML SDK writes them). Returns the sheets
    found, in print order.
    """
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        workbook = package_layout(src).workbook
        found: list[str] = []
        for info in src.infolist():
            if info.filename == workbook:
                xml, found = _reorder(src.read(info).decode("utf-8-sig"), sheets)
                dst.writestr(info.filename, xml.encode("utf-8"))
            else:
                copy_entry(src, dst, info)
    return found


def dashboard_only(source: Path, target: Path) -> None:
    """A copy of the workbook in which every sheet but the Dashboard is hidden (so it prints alone)."""
    only_sheets(source, target, (L.DASHBOARD,))


_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\b[^>]*?/>")
_NAME = re.compile(r"""\bname\s*=\s*(["'])(.*?)\1""", re.S)
_STATE = re.compile(r"""\s+state\s*=\s*(["']).*?\1""", re.S)
_LOCAL_ID = re.compile(r"""(\blocalSheetId\s*=\s*)(["'])(\d+)\2""")
_TAB = re.compile(r"""\s+(?:activeTab|firstSheet)\s*=\s*(["'])\d+\1""")
_PRINT_NAME = re.compile(r"""<((?:[\w.-]+:)?definedName)\b(?=[^>]*\bname\s*=\s*["']_xlnm\.Print_)"""
                         r"""[^>]*?\blocalSheetId\s*=\s*["'](\d+)["'][^>]*>.*?</\1\s*>""", re.S)
_VIEW = re.compile(r"(<(?:[\w.-]+:)?workbookView\b[^>]*?)(\s*/?>)")


def _name_of(tag: str) -> str:
    name = _NAME.search(tag)
    return html.unescape(name.group(2)) if name else ""


def _reorder(xml: str, sheets: Sequence[str]) -> tuple[str, list[str]]:
    tags = _SHEET_TAG.findall(xml)
    names = [_name_of(tag) for tag in tags]
    shown = [names.index(s) for s in dict.fromkeys(sheets) if s in names]
    order = shown + [i for i in range(len(tags)) if i not in shown]  # new position → old position
    new_index = {old: new for new, old in enumerate(order)}
    moved = [_STATE.sub("", tags[old]) if old in shown else _hidden(tags[old]) for old in order]
    spans = [m.span() for m in _SHEET_TAG.finditer(xml)]
    if spans:  # the tags sit side by side in <sheets>: replace them in place, one by one
        pieces, last = [], 0
        for (start, end), tag in zip(spans, moved, strict=True):
            pieces += [xml[last:start], tag]
            last = end
        xml = "".join(pieces) + xml[last:]
    printed = set(shown)
    # LibreOffice prints a hidden sheet that has a print area: a hidden sheet's print names go
    xml = _PRINT_NAME.sub(lambda m: m.group(0) if int(m.group(2)) in printed else "", xml)
    xml = _LOCAL_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}{new_index.get(int(m.group(3)), m.group(3))}"
                                  f"{m.group(2)}", xml)
    xml = _VIEW.sub(lambda m: _TAB.sub("", m.group(1)) + ' activeTab="0"' + m.group(2), xml)  # never a hidden one
    return xml, [names[i] for i in shown]


def _hidden(tag: str) -> str:
    return _STATE.sub("", tag)[:-2].rstrip() + ' state="hidden"/>'


def check_target(out: str | Path, language: str | None = None) -> Path:
    """``out`` as the PDF to write: a name that does not end in ``.pdf`` is refused (it would be a PDF
    under another name, or overwrite a workbook)."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise KpiError(say("export_suffix", language, path=out, suggestion=out.with_suffix(".pdf").name))
    return out


def export_pdf(workbook: str | Path, out: str | Path | None = None, sheets: Sequence[str] | None = None,
               language: str | None = None, timeout: float = 180) -> tuple[Path, list[str]]:
    """Render ``sheets`` of ``workbook`` (default: the meeting pages) into one PDF, in that order.

    Default target: the workbook's name with ``.pdf``. Sheets the workbook does not have are left out
    (an older workbook); none at all is a mistake. Returns the PDF and the sheets it holds.
    """
    workbook = Path(workbook)
    sheets = tuple(sheets or L.PAGES)
    target = check_target(out, language) if out else workbook.with_suffix(".pdf")
    if not workbook.is_file():
        raise KpiError(say("export_not_found", language, path=workbook))
    soffice = find_soffice()
    if soffice is None:
        raise KpiError(say("export_no_libreoffice", language))
    with tempfile.TemporaryDirectory(prefix="kpi_xl_pdf_") as tmp:
        tmp_dir = Path(tmp)
        copy = tmp_dir / f"{workbook.stem}.xlsx"
        found = only_sheets(workbook, copy, sheets)
        if not found:
            raise KpiError(say("export_no_pages", language, name=workbook.name, sheets=", ".join(sheets)))
        profile = (tmp_dir / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(tmp_dir), str(copy)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise KpiError(say("export_timeout", language, seconds=f"{timeout:.0f}")) from None
        produced = tmp_dir / f"{workbook.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise KpiError(say("export_failed", language, name=workbook.name,
                               reason=(done.stderr or done.stdout).strip()))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target, found


def dashboard_pdf(workbook: str | Path, out: str | Path | None = None, timeout: float = 180) -> Path:
    """Render the Dashboard sheet of ``workbook`` alone to a PDF (default: next to the workbook)."""
    return export_pdf(workbook, out, (L.DASHBOARD,), timeout=timeout)[0]
