"""The Dashboard as PDF, rendered by LibreOffice (headless) when it is installed."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.workbook.write import copy_entry
from kpi_xl.workbook.package import package_layout

SOFFICE_NAMES = ("soffice", "libreoffice")


def find_soffice() -> str | None:
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def dashboard_only(source: Path, target: Path) -> None:
    """A copy of the workbook in which every sheet but the Dashboard is hidden (so it prints alone).

    The workbook part is found through the package's rels and its ``<sheet>`` elements are
    matched whatever their namespace prefix and quotes (as the Open XML SDK writes them).
    """
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        workbook = package_layout(src).workbook
        for info in src.infolist():
            if info.filename == workbook:
                xml = src.read(info).decode("utf-8-sig")
                xml = _SHEET_TAG.sub(_hide_unless_dashboard, xml)
                xml = _OTHER_PRINT_AREAS.sub("", xml)  # LibreOffice prints a hidden sheet that has a print area
                dst.writestr(info.filename, xml.encode("utf-8"))
            else:
                copy_entry(src, dst, info)


_SHEET_TAG = re.compile(r"<(?:[\w.-]+:)?sheet\b[^>]*?/>")
_NAME = re.compile(r"""\bname\s*=\s*(["'])(.*?)\1""", re.S)
_OTHER_PRINT_AREAS = re.compile(
    r"<(?:[\w.-]+:)?definedName\b[^>]*\bname=[\"']_xlnm\.Print_Area[\"'][^>]*>(?!'?" + re.escape(L.DASHBOARD)
    + r"'?!)[^<]*</(?:[\w.-]+:)?definedName>")
_STATE = re.compile(r"""\s+state\s*=\s*(["']).*?\1""", re.S)


def _hide_unless_dashboard(match: re.Match) -> str:
    tag = match.group(0)
    name = _NAME.search(tag)
    if name and html.unescape(name.group(2)) == L.DASHBOARD:
        return tag
    return _STATE.sub("", tag)[:-2].rstrip() + ' state="hidden"/>'


def dashboard_pdf(workbook: str | Path, out: str | Path | None = None, timeout: float = 180) -> Path:
    """Render the Dashboard sheet of ``workbook`` to a PDF (default: next to the workbook)."""
    workbook = Path(workbook)
    if not workbook.is_file():
        raise KpiError(f"Workbook not found: {workbook}")
    soffice = find_soffice()
    if soffice is None:
        raise KpiError("LibreOffice is not installed, so no PDF can be made here. Install it "
                       "(Debian/Ubuntu: sudo apt-get install libreoffice-calc) or print the Dashboard from Excel.")
    target = Path(out) if out else workbook.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="kpi_xl_pdf_") as tmp:
        tmp_dir = Path(tmp)
        copy = tmp_dir / f"{workbook.stem}.xlsx"
        dashboard_only(workbook, copy)
        profile = (tmp_dir / "profile").as_uri()
        command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(tmp_dir), str(copy)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise KpiError(f"LibreOffice did not finish within {timeout:.0f} s") from None
        produced = tmp_dir / f"{workbook.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise KpiError(f"LibreOffice could not convert {workbook.name}: {(done.stderr or done.stdout).strip()}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target
