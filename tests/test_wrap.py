"""Row heights for wrapped text (kpi_xl.workbook.wrap) and the refresh writing them into Checks."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kpi_xl.report import layout as L
from kpi_xl.workbook.sheet_xml import render_sheet
from kpi_xl.workbook.wrap import CHARS_PER_UNIT, LINE_PT, PAD_PT, lines_needed, row_height, row_heights


def test_lines_needed_by_hand():
    # width 10 → int(10 × 1.25) = 12 characters a line
    assert int(10 * CHARS_PER_UNIT) == 12
    assert lines_needed("", 10) == 1 and lines_needed(None, 10) == 1
    assert lines_needed("x" * 12, 10) == 1
    assert lines_needed("x" * 25, 10) == 3  # ⌈25 / 12⌉ = 3
    assert lines_needed("a\n" + "b" * 13, 10) == 3  # a newline starts a line: 1 + ⌈13 / 12⌉ = 1 + 2
    assert lines_needed("x" * 5, 0.1) == 5  # a column too narrow for one character: one a line


def test_row_height_by_hand():
    assert row_height([("x" * 25, 10)]) == 3 * LINE_PT + PAD_PT == 41.0  # 3 lines × 13 pt + 2 pt
    assert row_height([("short", 50), ("also short", 50)]) is None  # one line: the default height stays
    assert row_height([]) is None
    # the tallest cell of the row decides: 2 lines (⌈20 / 12⌉) against 3 lines (⌈30 / 12⌉)
    assert row_height([("x" * 20, 10), ("y" * 30, 10)]) == 41.0


def test_row_heights_only_wrapped_text_below_the_header():
    cells = {(0, 4): "x" * 200,  # the header row keeps the template's height
             (1, 4): "x" * 25, (1, 0): "y" * 500,  # column 0 is not wrapped
             (2, 4): "kort",  # one line
             (3, 4): 12345678901234567890,  # a number never wraps
             (4, 3): "z" * 13}
    assert row_heights(cells, {4: 10, 3: 10}, (3, 4)) == {1: 41.0, 4: 28.0}  # 2 lines: 2 × 13 + 2


@given(st.text(max_size=400), st.floats(min_value=1, max_value=200))
def test_a_longer_text_never_gets_a_lower_row(text, width):
    longer = lines_needed(text + "x", width)
    assert longer >= lines_needed(text, width)
    # enough lines for every character: lines × characters a line ≥ the longest paragraph
    per_line = max(1, int(width * CHARS_PER_UNIT))
    assert all(lines_needed(text, width) * per_line >= len(part) for part in text.split("\n"))


CHECKS_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols>'
              '<col min="4" max="4" width="10" customWidth="1" style="3"/>'
              '<col min="5" max="5" width="20" customWidth="1" style="3"/></cols><sheetData>'
              '<row r="1" ht="30" customHeight="1"><c r="A1" t="inlineStr"><is><t>Blad</t></is></c></row>'
              '<row r="2" ht="80" customHeight="1"><c r="E2" t="inlineStr"><is><t>oud</t></is></c></row>'
              '<row r="4" ht="80" customHeight="1"><c r="E4" t="inlineStr"><is><t>oud</t></is></c></row>'
              '</sheetData></worksheet>')


def test_the_refresh_writes_the_heights_of_checks_rows_and_drops_stale_ones():
    # column E is 20 wide: int(20 × 1.25) = 25 characters a line
    cells = {(0, 0): "Blad", (1, 4): "p" * 60, (2, 4): "kort", (2, 3): "w" * 40}
    xml = render_sheet(CHECKS_XML, cells, False, L.owned_area(L.CHECKS), wrap_columns=(3, 4)).decode()
    rows = dict(re.findall(r'<row r="(\d+)"([^>]*)>', xml))
    assert rows["1"] == ' ht="30" customHeight="1"'  # the header's height is the template's
    assert rows["2"] == ' ht="41" customHeight="1"'  # ⌈60 / 25⌉ = 3 lines: 3 × 13 + 2
    assert rows["3"] == ' ht="54" customHeight="1"'  # the value in D, 10 wide: ⌈40 / 12⌉ = 4 lines: 4 × 13 + 2
    assert "4" not in rows  # the stale row of an earlier refresh is gone, its height too
