"""The workbook's VBA project: build a source-only ``vbaProject.bin`` on any OS.

Typical use with XlsxWriter (the code names must match the document modules)::

    from kpi_xl.workbook.vba import build_vba_project, kpi_modules, xlwings_vba_sources

    modules, classes = xlwings_vba_sources()
    modules.update(kpi_modules("nl"))
    data = build_vba_project(["ThisWorkbook", "Sheet1", "Sheet2"], modules, classes)
    workbook = xlsxwriter.Workbook("kpi.xlsm")
    workbook.add_vba_project(io.BytesIO(data), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    sheet = workbook.add_worksheet("KPI"); sheet.set_vba_name("Sheet1")
"""

from .project import build_vba_project
from .sources import LANGUAGES, REFRESH_CALL, XLWINGS_VERSION, kpi_modules, xlwings_vba_sources

__all__ = [
    "LANGUAGES",
    "REFRESH_CALL",
    "XLWINGS_VERSION",
    "build_vba_project",
    "kpi_modules",
    "xlwings_vba_sources",
]
