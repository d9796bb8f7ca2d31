"""Build ``workbook_template.xlsm``: the workbook every director starts from.

    python -m kpi_xl.workbook.template build [PATH] [--config FILE]

Sheets: Dashboard (first), Coaching, Inzicht, Leads, Activities, Deals, Customers, History,
Checks, Uitleg. Each data sheet holds an Excel Table named exactly like the
sheet with the headers of KPIS.md (Deals with one date column per configured
stage), dropdowns for stage and activity type from the config, date and euro
formats and a frozen header row. The Dashboard's formatting, charts, month
selector and print setup live here; a refresh only fills in values (see
:mod:`kpi_xl.report.layout` for the geometry both use). The build is reproducible:
the same config gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import xlsxwriter

from kpi_xl.config import Settings, load_config
from kpi_xl.report import layout as L
from kpi_xl.workbook.template.coaching import _coaching
from kpi_xl.workbook.template.dashboard import _dashboard
from kpi_xl.workbook.template.data_sheets import _data_sheet, table_columns
from kpi_xl.workbook.template.formats import DATE_FORMAT, _formats
from kpi_xl.workbook.template.help_sheet import _help
from kpi_xl.workbook.template.history_checks import _checks, _history
from kpi_xl.workbook.template.insight import _insight_page
from kpi_xl.workbook.template.xlwings_conf import _xlwings_conf, xlwings_settings

__all__ = ["REPO_TEMPLATE", "build", "default_vba_project", "main", "table_columns", "template_path",
           "xlwings_settings"]

BUILD_DATE = dt.datetime(2026, 1, 1)
SHEET_ORDER = (L.DASHBOARD, L.COACHING, L.INSIGHT, *L.DATA_SHEETS, L.HISTORY, L.CHECKS, L.HELP, L.XLWINGS_CONF)
# the VBA code names of the sheets earlier templates had stay as they were; the pages added later follow
CODE_NAMES = {name: f"Sheet{i + 1}" for i, name in enumerate(
    [n for n in SHEET_ORDER if n not in (L.COACHING, L.INSIGHT)] + [L.COACHING, L.INSIGHT])}


def build(path: str | Path, settings: Settings, vba_project: bytes | None = None) -> Path:
    """Write the template workbook to ``path`` (``.xlsm`` when a VBA project is given)."""
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"default_date_format": DATE_FORMAT, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "kpi_xl", "subject": "Sales KPI's", "author": "kpi_xl", "created": BUILD_DATE})
    wb.set_calc_mode("auto")
    fmt = _formats(wb)
    sheets = {name: wb.add_worksheet(name) for name in SHEET_ORDER}
    if vba_project is not None:
        wb.set_vba_name("ThisWorkbook")
        for name, sheet in sheets.items():
            sheet.set_vba_name(CODE_NAMES[name])
        wb.add_vba_project(io.BytesIO(vba_project), is_stream=True)
    for name in L.DATA_SHEETS:
        _data_sheet(sheets[name], name, settings, fmt)
    _dashboard(wb, sheets[L.DASHBOARD], settings, fmt, with_button=vba_project is not None)
    if L.COACHING in sheets:  # (a test builds the earlier template, without the pages)
        _coaching(sheets[L.COACHING], settings, fmt)
    if L.INSIGHT in sheets:
        _insight_page(wb, sheets[L.INSIGHT], settings, fmt)
    _history(sheets[L.HISTORY], settings, fmt)
    _checks(sheets[L.CHECKS], settings, fmt)
    _help(sheets[L.HELP], settings, fmt)
    _xlwings_conf(sheets[L.XLWINGS_CONF])
    sheets[L.DASHBOARD].activate()
    wb.close()
    return path


REPO_TEMPLATE = Path(__file__).resolve().parents[3] / "workbook_template.xlsm"  # the repository's root


def template_path() -> Path:
    """The committed template at the repository root (or the packaged copy)."""
    from importlib import resources

    packaged = resources.files("kpi_xl").joinpath("data/workbook_template.xlsm")
    if packaged.is_file():
        return Path(str(packaged))
    return REPO_TEMPLATE


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kpi_xl.workbook.template", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the template workbook")
    b.add_argument("path", nargs="?", default=str(REPO_TEMPLATE))
    b.add_argument("--config", default=None, help="YAML config (default: the packaged config)")
    args = parser.parse_args(argv)
    settings = load_config(args.config)
    path = build(args.path, settings, vba_project=default_vba_project(settings))
    print(f"built {path}")
    return 0


def default_vba_project(settings: Settings) -> bytes | None:
    """The project's VBA (RefreshKPIs + the standalone xlwings module), when the VBA builder is available."""
    try:
        from kpi_xl.workbook.vba import build_vba_project, kpi_modules, xlwings_vba_sources
    except ImportError:
        return None
    modules, classes = xlwings_vba_sources()
    modules = {**modules, **kpi_modules(settings.language)}
    return build_vba_project(["ThisWorkbook", *[CODE_NAMES[n] for n in SHEET_ORDER]], modules, classes)
