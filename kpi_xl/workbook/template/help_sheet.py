"""The help sheet (Uitleg), in the config's language: how the workbook works, then per KPI what it means
and what to do when it is red, then the insight KPIs (not for judging people). Texts in
:mod:`kpi_xl.workbook.template.help_text`.

Printed A4 landscape, one page wide; every wrapped row gets the height its text needs (neither Excel
on opening a file nor LibreOffice grows a row by itself).
"""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.workbook.template.help_text import help_text
from kpi_xl.workbook.template.print_setup import reference_print
from kpi_xl.workbook.wrap import row_height

#: name, what it says, when it is red: about one A4 landscape page wide (print_setup)
HELP_WIDTHS = (21, 45, 50)
TITLE_PT, SECTION_PT, HEADER_PT = 24, 30, 16


def _help(ws, settings: Settings, fmt: dict) -> None:
    texts = help_text(settings.language)
    light = settings.traffic_light
    for j, width in enumerate(HELP_WIDTHS):
        ws.set_column(j, j, width)
    ws.write_string(0, 0, texts["title"], fmt["help_title"])
    ws.set_row(0, TITLE_PT)
    row = 1
    wide = HELP_WIDTHS[1] + HELP_WIDTHS[2]
    for head, body in texts["how"]:
        body = body.format(green=round(light.green * 100), orange=round(light.orange * 100))
        ws.write_string(row, 0, head, fmt["help_name"])
        ws.merge_range(row, 1, row, 2, body, fmt["help_text"])
        _fit(ws, row, [(head, HELP_WIDTHS[0]), (body, wide)])
        row += 1
    row = _table(ws, row, texts["kpi_header"], texts["kpis"], fmt["help_section"], fmt)
    ws.set_h_pagebreaks([row])  # the insight KPIs on a page of their own, apart from the five
    ws.merge_range(row, 0, row, 2, texts["insight_title"], fmt["help_insight"])
    ws.set_row(row, SECTION_PT)
    _table(ws, row + 1, texts["insight_header"], texts["insight"], fmt["header"], fmt, HEADER_PT)
    reference_print(ws)


def _table(ws, row: int, header: tuple[str, str, str], rows: list, head_format, fmt: dict,
           height: float = SECTION_PT) -> int:
    """A header and one row per KPI (name, what it says, what to do); returns the row after it."""
    for j, text in enumerate(header):
        ws.write_string(row, j, text, head_format)
    ws.set_row(row, height)
    row += 1
    for name, meaning, action in rows:
        ws.write_string(row, 0, name, fmt["help_name"])
        ws.write_string(row, 1, meaning, fmt["help_text"])
        ws.write_string(row, 2, action, fmt["help_text"])
        _fit(ws, row, list(zip((name, meaning, action), HELP_WIDTHS, strict=True)))
        row += 1
    return row


def _fit(ws, row: int, texts: list[tuple[str, float]]) -> None:
    height = row_height(texts)
    if height is not None:
        ws.set_row(row, height)
