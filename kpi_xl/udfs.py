"""The worksheet functions under the name workbooks carry: ``UDF Modules = kpi_xl.udfs`` in ``xlwings.conf``.

They live in :mod:`kpi_xl.excel.udfs`; xlwings finds them here by their ``__xlfunc__`` attribute and
calls them by name (``XLPy.CallUDF("kpi_xl.udfs", "DEAL_VELOCITY", ...)``), so every workbook made
before the package had an ``excel`` folder keeps working.
"""

from kpi_xl.excel.udfs import (  # noqa: F401
    ACTION_POINTS,
    ACTION_TARGET,
    ACTIVE_CUSTOMERS,
    CLOSE_RATIO,
    DEAL_VELOCITY,
    KPI_SUMMARY,
    LOOKALIKE,
    PIPELINE_COVERAGE,
    PIPELINE_VALUE,
    QUALIFIED_LEADS,
    RETENTION_RATE,
    SALES_VELOCITY,
    STAGE_CONVERSION,
)

__all__ = ["QUALIFIED_LEADS", "ACTION_POINTS", "ACTION_TARGET", "PIPELINE_VALUE", "PIPELINE_COVERAGE", "DEAL_VELOCITY", "SALES_VELOCITY", "CLOSE_RATIO", "STAGE_CONVERSION", "RETENTION_RATE", "ACTIVE_CUSTOMERS", "LOOKALIKE", "KPI_SUMMARY"]
