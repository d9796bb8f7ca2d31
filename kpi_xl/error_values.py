"""Excel's error values as a cell shows them (English and Dutch Excel), and the codes classic xlwings hands
over for them on Windows. Kept apart from :mod:`kpi_xl.tables.coerce` so that the sheet scan can use
them without importing pandas."""

from __future__ import annotations

__all__ = ["EXCEL_ERRORS", "EXCEL_ERROR_CODES"]

EXCEL_ERRORS = frozenset(
    {"#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
     "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#N/B", "#WAARDE!",
     "#DEEL/0!", "#VERW!", "#NAAM?", "#GETAL!", "#LEEG!"}
)
# How classic xlwings on Windows hands over error cells (COM error codes).
EXCEL_ERROR_CODES = {
    -2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?", -2146826288: "#NULL!",
    -2146826252: "#NUM!", -2146826265: "#REF!", -2146826273: "#VALUE!",
}
