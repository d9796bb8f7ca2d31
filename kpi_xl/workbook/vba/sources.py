"""The VBA that goes into the workbook: xlwings' standalone module and the KPI macros."""

from __future__ import annotations

from pathlib import Path

#: The xlwings release whose VBA we ship. The VBA names this release's DLL
#: (xlwings64-0.37.8.dll), so the Python side must have exactly this version installed.
XLWINGS_VERSION = "0.37.8"

LANGUAGES = ("nl", "en")

#: Python code that the refresh button runs through xlwings' ``RunPython``.
REFRESH_CALL = "import kpi_xl.excel; kpi_xl.excel.refresh()"


def xlwings_vba_sources() -> tuple[dict[str, str], dict[str, str]]:
    """``({"xlwings": source}, {"Dictionary": source})`` read from the installed xlwings.

    The module is the package's ``xlwings.bas`` (RunPython, ImportPythonUDFs, config
    reading) and the class its ``addin/Dictionary.cls`` (needed by the module on Mac), as
    xlwings 0.37.8 ships them — the same pair its ``quickstart --standalone`` template
    carries. Returned without what :func:`~kpi_xl.workbook.vba.build_vba_project` adds: the
    ``Attribute VB_Name`` line and the ``VERSION 1.0 CLASS … END`` export header.
    """
    import xlwings

    if xlwings.__version__ != XLWINGS_VERSION:
        raise RuntimeError(
            f"xlwings {xlwings.__version__} is installed, but the workbook VBA must come from xlwings "
            f"{XLWINGS_VERSION} (it names xlwings64-{XLWINGS_VERSION}.dll): pip install xlwings=={XLWINGS_VERSION}"
        )
    package = Path(xlwings.__file__).resolve().parent
    module = _read(package / "xlwings.bas")
    first, _, body = module.partition("\r\n")
    if first != 'Attribute VB_Name = "xlwings"':
        raise RuntimeError(f"unexpected first line of {package / 'xlwings.bas'}: {first!r}")

    cls = _read(package / "addin" / "Dictionary.cls")
    header, separator, rest = cls.partition("\r\nEND\r\n")
    if not (separator and header.startswith("VERSION 1.0 CLASS\r\nBEGIN\r\n")):
        raise RuntimeError(f"unexpected header in {package / 'addin' / 'Dictionary.cls'}")
    first, _, dictionary = rest.partition("\r\n")
    if first != 'Attribute VB_Name = "Dictionary"':
        raise RuntimeError(f"unexpected attribute line in Dictionary.cls: {first!r}")
    return {"xlwings": body}, {"Dictionary": dictionary}


def _read(path: Path) -> str:
    text = path.read_bytes().decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


_HEADER = {
    "nl": (
        "' KPIRefresh: vernieuwt de KPI's in deze werkmap (kpi_xl).",
        "' De knop 'Vernieuwen' roept RefreshKPIs aan. Die laat Python via xlwings",
        "' (RunPython) de tabellen lezen en de KPI-bladen opnieuw vullen.",
        "' Nodig op deze pc: Python met kpi_xl en xlwings " + XLWINGS_VERSION + ".",
    ),
    "en": (
        "' KPIRefresh: refreshes the KPIs in this workbook (kpi_xl).",
        "' The 'Refresh' button calls RefreshKPIs, which has Python (through xlwings'",
        "' RunPython) read the tables and fill the KPI sheets again.",
        "' Needed on this PC: Python with kpi_xl and xlwings " + XLWINGS_VERSION + ".",
    ),
}


def kpi_modules(language: str) -> dict[str, str]:
    """The workbook's own standard modules: ``KPIRefresh`` with ``Sub RefreshKPIs()``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    lines = [
        *_HEADER[language],
        "",
        "Option Explicit",
        "",
        "Public Sub RefreshKPIs()",
        f'    RunPython "{REFRESH_CALL}"',
        "End Sub",
    ]
    return {"KPIRefresh": "\r\n".join(lines) + "\r\n"}
