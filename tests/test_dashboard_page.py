"""The Dashboard page (issue 12, page 1): its cells from the hand-built company, its words in one language,
and the demo as LibreOffice prints it (one A4 landscape page, text at 9 pt or more).

The company's numbers are worked out by hand in tests/company.py and tests/test_kpis_company.py; the
arithmetic each assertion relies on is repeated beside it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi_xl import compute
from kpi_xl.config import activity_label
from kpi_xl.report import layout as L
from kpi_xl.report.pages import dashboard as D
from kpi_xl.report.plan import build_plan
from kpi_xl.workbook.export import dashboard_pdf, find_soffice
from kpi_xl.workbook.refresh import refresh_file

try:
    from tests import company as co
    from tests.workbooks import NOW, TODAY, demo_workbook
except ImportError:  # pragma: no cover - run from inside tests/
    import company as co
    from workbooks import NOW, TODAY, demo_workbook

LATER = dt.date(2027, 1, 15)  # well after the report month: as-of = 2026-10-31
approx = pytest.approx


def _cells(settings) -> dict:
    report = compute(co.tables(config=settings), settings, "2026-10", today=LATER)
    return build_plan(report, settings, NOW).dashboard


@pytest.fixture(scope="module")
def cells():
    return _cells(co.settings())


@pytest.fixture(scope="module")
def cells_en():
    return _cells(co.settings(language="en"))


def test_cards_hold_the_month_report_numbers(cells):
    leads, points, pipeline, velocity, retention = (D.card_col(i) for i in range(5))
    # qualified leads: October L01, L02, L06, L07 = 4 against 7 → 4/7 = 57% red; September 2 → change +2
    assert cells[(D.CARD_ROW, leads)] == "Gekwalificeerde leads"
    assert cells[(D.VALUE_ROW, leads)] == 4
    assert cells[(D.TARGET_ROW, leads + 2)] == 7
    assert cells[(D.SHARE_ROW, leads + 2)] == approx(4 / 7)
    assert cells[(D.SHARE_ROW, leads + 3)] == "rood"
    assert (cells[(D.PREVIOUS_ROW, leads + 2)], cells[(D.CHANGE_ROW, leads + 2)]) == (2, 2)
    # suggestion: Jul 1, Aug 1, Sep 2 → 4/3 → 1.3, and 7 > 1.5 × best month 2 = 3: flagged
    assert cells[(D.SUGGESTED_ROW, leads)] == "Voorstel !"
    assert cells[(D.SUGGESTED_ROW, leads + 2)] == 1.3
    # action points: Anna 15 + Bram 11 + Carla 9 + unassigned 1 = 36; September 8 → +28; Jul 2 Aug 5 Sep 8 → 5
    assert cells[(D.VALUE_ROW, points)] == 36
    assert cells[(D.CHANGE_ROW, points + 2)] == 28
    assert cells[(D.SUGGESTED_ROW, points + 2)] == 5
    # pipeline: D04 30000 + D05 8000 + D06 12000 + D08 4000 + D12 25000 = 79000 against 50000 → 158% green
    assert cells[(D.VALUE_ROW, pipeline)] == 79000
    assert cells[(D.SHARE_ROW, pipeline + 2)] == approx(1.58)
    assert cells[(D.SHARE_ROW, pipeline + 3)] == "groen"
    assert cells[(D.PIPELINE_COVERAGE[0], pipeline)] == "Dekking"
    assert cells.get(D.PIPELINE_COVERAGE) is None  # the hand-built company's config sets no won-revenue target
    # deal velocity: mean 80 days against 60 (lower is better: 60/80 = 75% red); median of 61 76 91 92 = 83.5
    assert cells[(D.VALUE_ROW, velocity)] == 80
    assert cells[(D.SHARE_ROW, velocity + 2)] == approx(0.75)
    assert cells[(D.VELOCITY_MEDIAN[0], velocity)] == "Mediaan"
    assert cells[D.VELOCITY_MEDIAN] == 83.5
    # retention: (4 − 1) / 4 = 0.75 against 0.9; September 0.75 → change 0; suggestion 0.75 ≠ 0.9: shown
    assert cells[(D.VALUE_ROW, retention)] == 0.75
    assert cells[(D.CHANGE_ROW, retention + 2)] == 0
    assert (cells[(D.SUGGESTED_ROW, retention)], cells[(D.SUGGESTED_ROW, retention + 2)]) == ("Voorstel", 0.75)
    # the page says what "voorstel" and "!" mean, with the config's numbers (3 months, 1,5×)
    assert "laatste 3 maanden" in cells[D.NOTE] and "1,5×" in cells[D.NOTE] and "!" in cells[D.NOTE]


def test_a_suggestion_equal_to_the_target_is_not_shown():
    config = co.settings()
    targets = {**co.CONFIG["targets"], "retention": {"team": 0.75}}  # the suggestion: Jul, Aug, Sep 0.75
    cells = _cells(co.settings(targets=targets))
    retention = D.card_col(4)
    assert cells[(D.TARGET_ROW, retention + 2)] == 0.75 and cells[(D.SHARE_ROW, retention + 2)] == 1.0
    assert (D.SUGGESTED_ROW, retention) not in cells and (D.SUGGESTED_ROW, retention + 2) not in cells
    assert config.targets.retention.team.value == 0.9  # the company itself is unchanged


def test_one_row_per_rep_ties_action_points_to_leads_and_pipeline(cells):
    rows = {cells[(r, 0)]: r for r in range(D.REPS_FIRST_ROW, D.REPS_FIRST_ROW + L.MAX_REPS) if (r, 0) in cells}
    # the action KPI's order (Anna, Bram, Carla, unassigned); leads and pipeline matched by name
    assert list(rows) == ["Anna", "Bram", "Carla", "(geen eigenaar)"]
    col = D.REP_COL
    anna, bram, carla, nobody = rows.values()
    # Anna: call 2 + Bellen 2 + meeting 5 + email 1 + afspraak 5 = 15 of 15 → 100% green; leads 2 of 2;
    # pipeline D04 30000; calls 2, emails 1, meetings 2
    assert [cells.get((anna, col[k])) for k in ("points", "target", "share", "light", "qualified", "pipeline")] \
        == [15, 15, 1.0, "groen", 2, 30000]
    types = list(co.settings().points)
    assert [cells[(anna, D.TYPES_COL + types.index(t))] for t in ("call", "email", "meeting")] == [2, 1, 2]
    # Bram: 11 of 13 → 84.6% orange; 0 of 3 leads qualified; D05 8000 + D08 4000 = 12000
    assert [cells.get((bram, col[k])) for k in ("points", "target", "light", "qualified", "pipeline")] == \
        [11, 13, "oranje", 0, 12000]
    assert cells[(bram, col["share"])] == approx(11 / 13)
    # Carla: 9 of 13 → 69.2% red; 1 lead (L06); D06 12000 + D12 25000 = 37000
    assert [cells.get((carla, col[k])) for k in ("points", "light", "qualified", "pipeline")] == \
        [9, "rood", 1, 37000]
    # activities without an owner: 1 point (an email), no target, no light, one qualified lead (L07)
    assert [cells.get((nobody, col[k])) for k in ("points", "target", "light", "qualified", "pipeline")] == \
        [1, None, None, 1, None]
    assert D.MORE not in cells  # four rows: no "… en nog"


def test_the_header_says_how_many_data_problems_in_words():
    assert D.problems_text(0, "nl") == "Geen dataproblemen"
    assert D.problems_text(1, "nl") == "1 dataprobleem → Checks"
    assert D.problems_text(3, "nl") == "3 dataproblemen → Checks"
    assert D.problems_text(12_000, "nl") == "12.000 dataproblemen → Checks"
    assert D.problems_text(1, "en") == "1 data problem → Checks"
    assert D.problems_text(12_000, "en") == "12,000 data problems → Checks"


def test_the_trend_data_ends_with_the_cards_values(cells):
    last = L.TREND_FIRST_ROW + 11
    # 12 months: 2025-11 .. 2026-10 with a letter each (N D J F M A M J J A S O)
    assert [cells[(L.TREND_FIRST_ROW + i, L.TREND_COL)] for i in (0, 11)] == ["2025-11", "2026-10"]
    assert "".join(cells[(L.TREND_FIRST_ROW + i, L.TREND_COL + 1)] for i in range(12)) == "NDJFMAMJJASO"
    # October as the cards show it: 4 leads, 36 points, 79000 pipeline, 80 days, 0.75 retained
    assert [cells.get((last, D.TREND_KPI_COL + j)) for j in range(5)] == [4, 36, 79000, 80, 0.75]
    # September's pipeline is the card's "last month": 57000
    assert cells[(last - 1, D.TREND_KPI_COL + 2)] == 57000


def test_every_cell_lies_in_the_owned_area(cells):
    area = L.owned_area(L.DASHBOARD)
    assert all(L.in_area(area, *pos) for pos in cells)
    assert all(r <= L.LAST_ROW and c <= L.LAST_COL for r, c in cells if c < L.TREND_COL)


ENGLISH = {"vs", "call", "email", "target", "rep", "points", "last", "month", "change", "suggested", "green",
           "orange", "red", "median", "coverage", "expected", "refreshed", "problems", "pipeline", "shown",
           "qualified", "velocity", "retention", "per", "the"}
DUTCH = {"doel", "verkoper", "punten", "vorige", "maand", "verschil", "voorstel", "groen", "oranje", "rood",
         "mediaan", "dekking", "verwacht", "vernieuwd", "dataproblemen", "getoonde", "gekwal", "pijplijn",
         "licht", "leeg", "laatste", "gemiddelde", "verkoper", "klantbehoud", "doorlooptijd", "geen", "het", "en"}


def _words(cells: dict, skip=()) -> set[str]:
    texts = [v for (r, c), v in cells.items() if isinstance(v, str) and c <= L.LAST_COL and (r, c) not in skip]
    return {w for t in texts for w in re.findall(r"[^\W\d_]+", t.casefold())}


def _type_headers() -> set:
    return {(D.REPS_HEADER_ROW, D.TYPES_COL + j) for j in range(L.MAX_TYPES)}


def test_the_dutch_page_has_no_english_words_and_the_english_page_no_dutch(cells, cells_en):
    # "per" is Dutch as well ("Per verkoper"): only the English list's other words count on the Dutch page
    assert _words(cells, _type_headers()) & (ENGLISH - {"per"}) == set()
    assert _words(cells_en, _type_headers()) & DUTCH == set()
    assert "Sales KPIs — October 2026" in cells_en.values() and "Per rep: action points, leads and pipeline" in \
        cells_en.values()


def test_the_activity_type_columns_carry_the_configs_labels(cells, cells_en):
    settings = co.settings()  # no labels in this config: the key with a capital ("Call")
    for j, key in enumerate(list(settings.points)[: L.MAX_TYPES]):
        assert cells[(D.REPS_HEADER_ROW, D.TYPES_COL + j)] == activity_label(settings, key, "nl")
        assert cells_en[(D.REPS_HEADER_ROW, D.TYPES_COL + j)] == activity_label(settings, key, "en")


def test_pipeline_card_and_rep_rows_carry_coverage_and_expected_attainment():
    """The packaged config has a won-revenue target: the card and each rep row show the report's numbers."""
    from kpi_xl import load_config, read_tables
    from kpi_xl.sample import generate

    settings = load_config()
    report = compute(read_tables(generate(seed=7).rows(), settings), settings, "2026-10")
    cells = build_plan(report, settings, NOW).dashboard
    # the packaged config labels the activity types in Dutch: Bellen, E-mail, ... not call, email
    assert _words({pos: cells.get(pos) for pos in _type_headers()}) & ENGLISH == set()
    assert cells[(D.REPS_HEADER_ROW, D.TYPES_COL)] == activity_label(settings, next(iter(settings.points)), "nl")
    team = report.coverage
    assert team.target and not team.target_reached
    # coverage = open pipeline ÷ (quarter target − won so far); expected = (won + weighted) ÷ target
    assert cells[D.PIPELINE_COVERAGE] == approx(team.open_pipeline / (team.target - team.won_so_far))
    assert cells[D.PIPELINE_EXPECTED] == approx((team.won_so_far + team.weighted_pipeline) / team.target)
    per_rep = report.coverage_per_rep.set_index("owner")
    shown = 0
    for i in range(L.MAX_REPS):
        owner = cells.get((D.REPS_FIRST_ROW + i, D.REP_COL["rep"]))
        if owner in per_rep.index and per_rep.at[owner, "coverage"] == per_rep.at[owner, "coverage"]:
            assert cells[(D.REPS_FIRST_ROW + i, D.REP_COL["coverage"])] == approx(per_rep.at[owner, "coverage"])
            assert cells[(D.REPS_FIRST_ROW + i, D.REP_COL["expected"])] == approx(
                per_rep.at[owner, "expected_attainment"])
            shown += 1
    assert shown >= 3


@given(st.integers(min_value=2, max_value=10**7))
def test_more_than_one_problem_is_plural_in_both_languages(n):
    dutch, english = D.problems_text(n, "nl"), D.problems_text(n, "en")
    assert dutch.endswith(" dataproblemen → Checks") and english.endswith(" data problems → Checks")
    assert int(dutch.split()[0].replace(".", "")) == n == int(english.split()[0].replace(",", ""))


# --------------------------------------------------------------------------------------------------------
# printed by LibreOffice

BIG, SMALLEST = 11.7, 9.1  # word-box heights (pt) of 9 pt and 7 pt type in LibreOffice's PDFs
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def _pdf_pages(pdf) -> list[tuple[float, float, list[tuple[float, str]]]]:
    """Per page: width, height and the words with their box heights (pdftotext -bbox)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for chunk in xml.split("<page ")[1:]:
        width, height = map(float, _PAGE.search("<page " + chunk).groups())
        words = [(float(m[3]) - float(m[1]), m[4]) for m in _WORD.findall(chunk)]
        pages.append((width, height, words))
    return pages


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("dashboard_pdf")
    book = demo_workbook(folder / "demo.xlsm")
    report = refresh_file(book, month="2026-10", now=NOW, today=TODAY).report
    return report, _pdf_pages(dashboard_pdf(book, folder / "dashboard.pdf"))


def test_the_dashboard_prints_on_one_landscape_page_at_9_pt_or_more(printed):
    _, pages = printed
    assert len(pages) == 1
    width, height, words = pages[0]
    assert width > height  # landscape
    heights = [h for h, _ in words]
    big = sum(h >= BIG for h in heights) / len(heights)
    assert big >= 0.9, f"{big:.0%} of the words at 9 pt or more"
    assert min(heights) >= SMALLEST, sorted(words)[:10]


def test_every_card_value_and_every_rep_is_on_the_printed_page(printed):
    report, pages = printed
    words = {w for _, w in pages[0][2]}

    def shown(text: str) -> bool:  # LibreOffice prints in its own locale: 3,909 or 3.909
        return text in words or text.replace(",", "#").replace(".", ",").replace("#", ".") in words

    tiles = report.tiles
    assert shown(f"{tiles['qualified_leads'].value:,.0f}")
    assert shown(f"{tiles['action_points'].value:,.0f}")
    assert shown(f"{tiles['pipeline_value'].value:,.0f}")
    assert shown(f"{tiles['deal_velocity'].value:.1f}")
    assert shown(f"{tiles['retention'].value:.0%}")
    assert shown(f"{report.cycle.median:.1f}")
    for name in report.action.per_rep["owner"]:
        assert set(name.split()) <= words, name
    assert {"Sales", "oktober", "2026"} <= words  # the title


def test_a_refresh_of_an_earlier_dashboard_clears_its_old_blocks(tmp_path):
    """A workbook from an earlier template carries the old tiles and blocks in A1:Z61 (its lower band from
    row 40, the per-stage table in S..Z): a refresh clears them instead of keeping them beside the new page."""
    from kpi_xl.workbook.write import write_owned_sheets
    from tests.workbooks import sheet_cells

    book = demo_workbook(tmp_path / "book.xlsm")
    old = {(40, 0): "Klantrelatie", (45, 3): 17, (50, 20): "Offerte", (60, 25): 3.5, (39, 10): "Bottleneck"}
    write_owned_sheets(book, {L.DASHBOARD: old})
    assert {pos: sheet_cells(book, L.DASHBOARD).get(pos) for pos in old} == old
    refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    cells = sheet_cells(book, L.DASHBOARD)
    assert {pos: cells[pos] for pos in set(old) & set(cells)} == {}
