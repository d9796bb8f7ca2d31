"""History, Checks and Uitleg printed by LibreOffice: landscape, one page wide, the header row on every page,
nothing cut off or printed over something else. The messy sample company (seed 11) gives Checks four pages.

Skipped, with the reason, where LibreOffice or poppler-utils is missing (tests/render.py).
"""

from __future__ import annotations

import re

import pytest

from kpi_xl.report import layout as L
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.template.print_setup import MARGIN_IN
from tests.render import BOX_PER_PT, render_each, require_tools
from tests.workbooks import NOW, TODAY, demo_workbook, sheet_cells

REFERENCE = (L.HISTORY, L.CHECKS, L.HELP)
MARGIN_PT = MARGIN_IN * 72  # 28.8 pt left and right


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    require_tools("pdftotext")
    folder = tmp_path_factory.mktemp("print")
    book = demo_workbook(folder / "messy.xlsm", seed=11, messy=True)
    result = refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    return result, render_each(book, REFERENCE, folder / "pdf")


@pytest.mark.parametrize("sheet", REFERENCE)
def test_each_page_is_landscape_one_page_wide_and_nothing_overlaps(printed, sheet):
    _, pages = printed
    for page in pages[sheet]:
        assert page.landscape and (round(page.width), round(page.height)) == (842, 595), (sheet, page.number)
        # one page wide: no word reaches into the left or right margin, where a cut-off text would print
        assert page.beyond(MARGIN_PT - 1) == [], (sheet, page.number, page.beyond(MARGIN_PT - 1)[:3])
        assert page.overlapping() == [], (sheet, page.number, page.overlapping()[:3])
        # printed near 100%: body text of 10 pt stays at least 9 pt (a 9 pt word box is 11.7 pt high)
        assert page.share_at_least(9 * BOX_PER_PT) >= 0.9, (sheet, page.number)
        assert page.words_under(7 * BOX_PER_PT) == [], (sheet, page.number)


def test_checks_prints_every_problem_whole_with_the_header_on_every_page(printed):
    result, pages = printed
    checks = pages[L.CHECKS]
    header = " ".join(result.plan.checks[0])  # Blad Rij Kolom Waarde Probleem en wat te doen
    assert len(checks) >= 3  # the messy company's problems (85 here) do not fit on one page
    for page in checks:
        assert page.lines()[0] == header, page.number  # the header row repeated on every page
        assert page.lines()[-1] == f"Checks {page.number} / {len(checks)}"  # the footer
    printed_words = " ".join(w.text for page in checks for w in page.words)
    problems = [row[4] for row in result.plan.checks[1:]]
    assert len(problems) >= 60  # the messy seed 11 company: 85 problems today
    for problem in problems:  # wrapped, never cut off: every word of every problem, in its order
        assert re.search(r"\s+".join(map(re.escape, problem.split())), printed_words), problem


def test_history_and_uitleg(printed):
    result, pages = printed
    history = pages[L.HISTORY]
    assert len(history) == 1
    months = [row[0] for row in result.plan.history[1:]]
    header = " ".join(result.plan.history[0]).split()  # maand gekwalificeerde leads actiepunten …
    first = next(w for w in history[0].words if w.text == months[0])
    above = [w.text for w in history[0].words if w.y1 <= first.y0 + 1]  # the header, wrapped, above it
    assert sorted(above) == sorted(header)
    assert months[0] == "2025-11" and months[-1] == "2026-10" and all(m in history[0].text for m in months)
    uitleg = pages[L.HELP]
    # the five KPIs on the first page, the insight KPIs on a page of their own
    assert len(uitleg) == 2
    first, second = (page.text for page in uitleg)
    for kpi in ("Gekwalificeerde leads", "Actiepunten", "Pijplijnwaarde", "Doorlooptijd", "Klantbehoud",
                "Als het rood is"):
        assert kpi in first, kpi
    assert "Inzicht — niet voor het beoordelen van medewerkers" in second and "Knelpunt per verkoper" in second


DUTCH_ONLY = ("het", "rood", "doel", "verkoper", "klant", "Wat het zegt", "Als het rood is")
ENGLISH_ONLY = ("the", "red", "target", "rep", "customer", "vs", "call", "email", "When it is red")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_uitleg_speaks_the_config_language_only(tmp_path, language):
    from kpi_xl.config import load_config
    from kpi_xl.workbook.template import build

    settings = load_config().model_copy(update={"language": language})
    book = build(tmp_path / "t.xlsx", settings)
    words = {w.strip(".,:;()=\"'…÷→") for text in sheet_cells(book, L.HELP).values() for w in str(text).split()}
    texts = " ".join(str(t) for t in sheet_cells(book, L.HELP).values())
    foreign = ENGLISH_ONLY if language == "nl" else DUTCH_ONLY
    assert [w for w in foreign if w in words or (" " in w and w in texts)] == []
    # per KPI what it means and what to do when it is red, and the lights as the config sets them
    assert ("Als het rood is" if language == "nl" else "When it is red") in texts
    assert ("oranje vanaf 80%" if language == "nl" else "orange from 80%") in texts


def test_the_reference_sheets_columns_fit_the_page_width_they_were_measured_at():
    from kpi_xl.workbook.template.help_sheet import HELP_WIDTHS
    from kpi_xl.workbook.template.history_checks import CHECKS_WIDTHS, HISTORY_WIDTHS
    from kpi_xl.workbook.template.print_setup import COLUMN_UNITS, width_units

    # Checks: 11 + 7 + 15 + 16 + 66 = 115 units, plus 5 px ÷ 7 px a column × 5 = 3.6: 118.6
    assert width_units(CHECKS_WIDTHS) == pytest.approx(118.571, abs=0.001)
    for widths in (HISTORY_WIDTHS, CHECKS_WIDTHS, HELP_WIDTHS):
        assert width_units(widths) <= COLUMN_UNITS, widths
