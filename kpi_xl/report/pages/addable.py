"""The pages a refresh adds to a workbook made before them (Coaching, Inzicht): their print area's last cell
and their columns' widths. Used by the file writer (:mod:`kpi_xl.workbook.add_sheet`) and by the Excel
button, which needs nothing of the file writer."""

from __future__ import annotations

from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching, insight

#: the sheets a refresh may add, with their print area's last cell and their columns' widths
ADDABLE = {
    L.COACHING: (coaching.LAST_ROW, coaching.LAST_COL, coaching.WIDTHS),
    L.INSIGHT: (insight.LAST_ROW, insight.LAST_COL, insight.WIDTHS),
}
