"""Inside Excel: the Refresh button (:mod:`.button`), the worksheet functions (:mod:`.udfs`, computed by
:mod:`.functions`, their arguments read by :mod:`.args`).

Workbooks carry two names that must keep working: the button's
``RunPython "import kpi_xl.excel; kpi_xl.excel.refresh()"`` and ``UDF Modules = kpi_xl.udfs``
(``kpi_xl/udfs.py`` re-exports :mod:`kpi_xl.excel.udfs`).
"""

from kpi_xl.excel.button import refresh

__all__ = ["refresh"]
