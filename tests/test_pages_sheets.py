"""Coaching and Inzicht in the workbook: printed by LibreOffice on one A4 landscape page each at 9 pt or more,
and added by a refresh (file or Excel button) to a workbook an earlier template made without them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from unittest import mock

import pytest

from kpi_xl.config import load_config
from kpi_xl.excel import button as excel
from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching as C
from kpi_xl.report.pages import insight as I
from kpi_xl.sample import generate
from kpi_xl.workbook import template as T
from kpi_xl.workbook.new import fill_tables
from kpi_xl.workbook.package import package_layout
from kpi_xl.workbook.refresh import refresh_file
from tests.page_render import NINE_PT_BOX, SEVEN_PT_BOX, missing_tools, render
from tests.test_excel_refresh import FakeBook
from tests.workbooks import NOW, TODAY, demo_workbook, parts, sheet_cells

MISSING = missing_tools()


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    book = demo_workbook(folder / "demo.xlsm")
    result = refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    return book, result


def test_template_pages_print_on_one_a4_landscape_page(refreshed):
    book, _ = refreshed
    with zipfile.ZipFile(book) as z:
        layout = package_layout(z)
        workbook = z.read(layout.workbook).decode()
        for name, page in ((L.COACHING, C), (L.INSIGHT, I)):
            xml = z.read(layout.sheets[name]).decode()
            assert 'orientation="landscape"' in xml and 'paperSize="9"' in xml and 'fitToPage="1"' in xml
            assert f"{name}!$A$1:{L.a1(page.LAST_ROW, page.LAST_COL, True)}" in workbook
    assert list(layout.sheets)[:3] == list(L.PAGES)


def test_the_file_holds_the_planned_cells(refreshed):
    book, result = refreshed
    for name, planned in ((L.COACHING, result.plan.coaching), (L.INSIGHT, result.plan.insight)):
        cells = sheet_cells(book, name)
        for pos, value in planned.items():
            if value is None:
                continue
            got = cells[pos]
            if isinstance(value, float):
                assert got == pytest.approx(value), (name, L.a1(*pos))
            elif hasattr(value, "year"):
                assert (got.year, got.month, got.day) == (value.year, value.month, value.day)
            else:
                assert got == value, (name, L.a1(*pos))


@pytest.mark.skipif(MISSING is not None, reason=f"render check needs LibreOffice and poppler: {MISSING}")
@pytest.mark.parametrize("sheet", [L.COACHING, L.INSIGHT])
def test_libreoffice_prints_the_page_on_one_landscape_page_at_9pt(refreshed, sheet, tmp_path):
    book, result = refreshed
    page = render(book, sheet, tmp_path)
    assert page.pages == 1 and page.width > page.height  # A4 landscape: 842 × 595
    heights = [h for _, h in page.words]
    assert len(heights) > 100
    big = sum(h >= NINE_PT_BOX for h in heights) / len(heights)
    assert big >= 0.9, f"{big:.0%} of the words at 9 pt or more"
    assert min(heights) >= SEVEN_PT_BOX, sorted(page.words, key=lambda w: w[1])[:5]
    words = {w for w, _ in page.words}
    report = result.report
    if sheet == L.COACHING:
        assert "Gesprekspunten" in page.text
        names = {b.owner for b in report.bottlenecks} | set(report.sleeping["owner"])
        for name in names:  # every rep, in full
            assert set(name.split()) <= words, name
        for deal in report.sleeping.groupby("owner").head(C.SLEEPING_PER_REP)["deal_id"]:
            assert deal in words
        for company in report.lookalikes.head(C.LOWER_ROWS)["company"]:  # wrapped, never cut
            assert set(company.split()) <= words, company
    else:
        assert "Inzicht — niet voor het beoordelen van medewerkers" in page.text
        figures = I.figures(report)
        for key in ("close_ratio", "quote_to_close", "qualification_rate"):
            assert f"{round(figures[key] * 100)}%" in words, key
        for row in report.qualified.per_source.itertuples():
            assert set(row.source.split()) <= words and str(row.leads) in words
        for row in report.pipeline.per_stage.itertuples():
            assert row.stage in words and str(row.deals) in words


def _earlier_template(path: Path, monkeypatch) -> Path:
    """The template as it was before Coaching and Inzicht (built without them)."""
    monkeypatch.setattr(T, "SHEET_ORDER", tuple(n for n in T.SHEET_ORDER if n not in (L.COACHING, L.INSIGHT)))
    settings = load_config()
    T.build(path, settings, vba_project=T.default_vba_project(settings))
    with zipfile.ZipFile(path) as z:
        assert list(package_layout(z).sheets)[:2] == [L.DASHBOARD, "Leads"]
    return path


@pytest.fixture
def earlier(tmp_path, monkeypatch):
    book = _earlier_template(tmp_path / "earlier.xlsm", monkeypatch)
    monkeypatch.undo()
    fill_tables(book, generate(seed=7).rows(), load_config())
    return book


def test_a_refresh_adds_the_missing_pages_and_keeps_every_other_part(earlier):
    before = parts(earlier)
    result = refresh_file(earlier, month="2026-10", now=NOW, today=TODAY)
    after = parts(earlier)
    with zipfile.ZipFile(earlier) as z:
        layout = package_layout(z)
    assert list(layout.sheets) == [L.DASHBOARD, L.COACHING, L.INSIGHT, *L.DATA_SHEETS, L.HISTORY, L.CHECKS,
                                   L.HELP, L.XLWINGS_CONF]
    new = {layout.sheets[L.COACHING], layout.sheets[L.INSIGHT]}
    assert new.isdisjoint(before) and set(after) == set(before) | new
    owned = {layout.sheets[n] for n in (L.DASHBOARD, L.HISTORY, L.CHECKS)}
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= owned | {layout.workbook, "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    workbook = after[layout.workbook].decode()
    # the Dashboard's print area keeps its sheet (index 0); the pages' print areas are theirs (1, 2)
    assert 'localSheetId="0">Dashboard!' in workbook
    assert "localSheetId=\"1\">'Coaching'!$A$1:" in workbook and "localSheetId=\"2\">'Inzicht'!$A$1:" in workbook
    assert sheet_cells(earlier, L.COACHING)[C.TITLE] == "Gesprekspunten per verkoper"
    reps = [b.owner for b in result.report.bottlenecks]
    assert sheet_cells(earlier, L.COACHING)[(C.FIRST_ROW, C.REP)] == sorted(reps)[0]
    # a second refresh finds the pages and adds nothing
    refresh_file(earlier, month="2026-10", now=NOW, today=TODAY)
    assert set(parts(earlier)) == set(after)


def test_a_failed_refresh_adding_pages_leaves_the_file_as_it_was(earlier):
    before = earlier.read_bytes()
    with pytest.raises(RuntimeError):
        refresh_file(earlier, month="2026-10", now=NOW, today=TODAY, _fail_after=L.INSIGHT)
    assert earlier.read_bytes() == before


@pytest.mark.skipif(MISSING is not None, reason=f"render check needs LibreOffice and poppler: {MISSING}")
def test_libreoffice_reads_the_added_page(earlier, tmp_path):
    refresh_file(earlier, month="2026-10", now=NOW, today=TODAY)
    page = render(earlier, L.INSIGHT, tmp_path)
    assert page.pages == 1 and page.width > page.height
    assert "Inzicht — niet voor het beoordelen van medewerkers" in page.text


def test_the_excel_button_adds_the_missing_pages_after_the_dashboard(earlier):
    names = (L.DASHBOARD, *L.DATA_SHEETS, L.HISTORY, L.CHECKS, L.HELP)
    fake = FakeBook(earlier, names=names)
    report = excel.refresh_book(fake.book, now=NOW, today=TODAY)
    assert list(fake.sheets) == [L.DASHBOARD, L.COACHING, L.INSIGHT, *names[1:]]
    calls = fake.book.sheets.add.call_args_list
    assert [c.args[0] for c in calls] == [L.COACHING, L.INSIGHT]
    assert calls[0].kwargs["after"] is fake.sheets[L.DASHBOARD] and calls[1].kwargs["after"] is fake.sheets[
        L.COACHING]
    assert fake.sheets[L.INSIGHT].page_setup.print_area == f"A1:{L.a1(I.LAST_ROW, I.LAST_COL)}"
    written = fake.written()
    assert written[L.COACHING][C.TITLE] == "Gesprekspunten per verkoper"
    assert written[L.INSIGHT][I.TITLE] == "Inzicht — niet voor het beoordelen van medewerkers"
    assert report.month.strftime("%Y-%m") == "2026-10" or str(report.month) == "2026-10"
    # a book that has the pages gets none added
    fake_again = FakeBook(earlier, names=(*names[:1], L.COACHING, L.INSIGHT, *names[1:]))
    excel.refresh_book(fake_again.book, now=NOW, today=TODAY)
    fake_again.book.sheets.add.assert_not_called()


def test_add_missing_pages_with_autospecced_xlwings():
    import xlwings.main as xm

    book = mock.create_autospec(xm.Book, instance=True)
    sheets = {n: mock.create_autospec(xm.Sheet, instance=True) for n in (L.DASHBOARD, L.INSIGHT, "Leads")}
    for name, sheet in sheets.items():
        sheet.name = name
    collection = mock.create_autospec(xm.Sheets, instance=True)
    collection.__iter__.side_effect = lambda: iter(list(sheets.values()))
    collection.__getitem__.side_effect = lambda key: sheets[key]
    added = mock.create_autospec(xm.Sheet, instance=True)
    collection.add.return_value = added
    book.sheets = collection
    assert excel.add_missing_pages(book) == [L.COACHING]  # Inzicht is there
    collection.add.assert_called_once_with(L.COACHING, after=sheets[L.DASHBOARD])
    assert added.page_setup.print_area == f"A1:{L.a1(C.LAST_ROW, C.LAST_COL)}"
    widths = [call.args for call in added.range.call_args_list]
    assert widths == [((1, col + 1),) for col in range(len(C.WIDTHS))]


def test_the_pages_keep_their_formatting_where_they_are_empty(refreshed):
    """A refresh leaves a page's empty cells styled: next month's value there gets its euro or date format."""
    book, result = refreshed
    with zipfile.ZipFile(book) as z:
        layout = package_layout(z)
        xml = z.read(layout.sheets[L.COACHING]).decode()
    empty_block = C.FIRST_ROW + (C.MAX_REPS - 1) * C.ROWS_PER_REP  # the demo has 8 reps: block 10 is empty
    assert (empty_block, C.SLEEP_VALUE) not in result.plan.coaching
    for cell in ((empty_block, C.SLEEP_VALUE), (C.HEADER_ROW, C.SLEEP_MORE), (C.LOWER_MORE_ROW - 1, C.WHY_LAST)):
        assert re.search(rf'<c r="{L.a1(*cell)}" s="\d+"', xml), L.a1(*cell)
