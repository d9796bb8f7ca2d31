"""The refresh on a real file: the Dashboard equals compute(), nothing else in the file changes."""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pytest

from kpi_xl import compute, load_config, read_tables
from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.report.pages import dashboard as D
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.write import write_owned_sheets
from tests.workbooks import NOW, TODAY, demo_workbook, owned_parts, parts, sheet_cells

MONTH = "2026-10"


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """The demo workbook before and after one refresh of October 2026."""
    folder = tmp_path_factory.mktemp("refresh")
    before = demo_workbook(folder / "before.xlsm")
    after = folder / "after.xlsm"
    shutil.copyfile(before, after)
    result = refresh_file(after, month=MONTH, now=NOW, today=TODAY)
    return before, after, result


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(b, dt.datetime) and isinstance(a, (dt.datetime, dt.date)):
        return abs((dt.datetime.combine(a, dt.time()) if not isinstance(a, dt.datetime) else a) - b) < dt.timedelta(
            seconds=1)
    return a == b


def test_every_dashboard_cell_is_written_as_planned(refreshed):
    _, after, result = refreshed
    cells = sheet_cells(after, L.DASHBOARD)
    planned = {pos: v for pos, v in result.plan.dashboard.items() if v is not None}
    mismatches = [(L.a1(*pos), v, cells.get(pos)) for pos, v in planned.items() if not _same(cells.get(pos), v)]
    assert not mismatches, mismatches[:10]
    # and nothing else carries a value (no stale numbers)
    extra = {L.a1(*pos): v for pos, v in cells.items() if pos not in planned}
    assert not extra


def test_dashboard_numbers_equal_an_independent_compute(refreshed):
    """Read the file's tables again, compute the month, and compare with the Dashboard cells."""
    _, after, _ = refreshed
    settings = load_config()
    data = read_workbook(after)
    report = compute(read_tables(data.tables, settings, data.first_rows), settings, month=MONTH, today=TODAY)
    cells = sheet_cells(after, L.DASHBOARD)
    for i, kpi in enumerate(L.TILE_KPIS):
        tile, c = report.tiles[kpi], D.card_col(i)
        assert _same(cells[(D.VALUE_ROW, c)], tile.value), kpi
        assert _same(cells[(D.TARGET_ROW, c + 2)], tile.target), kpi
        assert _same(cells[(D.SHARE_ROW, c + 2)], tile.share), kpi
        assert cells[(D.SHARE_ROW, c + 3)] == D.label(tile.light, "nl"), kpi
        assert _same(cells[(D.PREVIOUS_ROW, c + 2)], tile.previous), kpi
        assert _same(cells[(D.CHANGE_ROW, c + 2)], tile.change), kpi
        assert _same(cells.get((D.SUGGESTED_ROW, c + 2), tile.target), tile.suggested.value), kpi
    assert _same(cells[D.VELOCITY_MEDIAN], report.cycle.median)
    assert cells[D.MONTH_USED] == MONTH
    assert cells[D.PROBLEMS] == D.problems_text(len(report.problems), "nl")
    for i, row in enumerate(report.action.per_rep.head(L.MAX_REPS).itertuples(index=False)):
        r = D.REPS_FIRST_ROW + i
        assert cells[(r, D.REP_COL["rep"])] == row.owner
        assert _same(cells[(r, D.REP_COL["points"])], row.points)
        assert _same(cells[(r, D.REP_COL["target"])], row.target)
        assert _same(cells[(r, D.REP_COL["share"])], row.share)
    qualified = dict(zip(report.qualified.per_owner["owner"], report.qualified.per_owner["qualified"], strict=True))
    pipeline = dict(zip(report.pipeline.per_owner["owner"], report.pipeline.per_owner["value"], strict=True))
    shown = {cells[(D.REPS_FIRST_ROW + i, 0)]: i for i in range(L.MAX_REPS) if (D.REPS_FIRST_ROW + i, 0) in cells}
    for owner, count in qualified.items():
        assert cells.get((D.REPS_FIRST_ROW + shown[owner], D.REP_COL["qualified"]), 0) == count, owner
    for owner, value in pipeline.items():
        assert _same(cells[(D.REPS_FIRST_ROW + shown[owner], D.REP_COL["pipeline"])], value), owner
    assert sum(cells.get((D.REPS_FIRST_ROW + i, D.REP_COL["pipeline"]), 0) for i in range(L.MAX_REPS)) == \
        pytest.approx(report.pipeline.value)
    trend = report.trends
    for i in range(12):
        r = L.TREND_FIRST_ROW + i
        assert cells[(r, L.TREND_COL)] == trend["month"][i]
        for j, kpi in enumerate(L.TILE_KPIS):
            expected = trend[kpi][i]
            if expected is None or math.isnan(expected):
                assert (r, D.TREND_KPI_COL + j) not in cells, (kpi, i)
            else:
                assert _same(cells.get((r, D.TREND_KPI_COL + j), 0.0), expected), (kpi, i)
    # the trend's last month is the card's value
    for j, kpi in enumerate(L.TILE_KPIS):
        assert _same(cells[(L.TREND_FIRST_ROW + 11, D.TREND_KPI_COL + j)], report.tiles[kpi].value), kpi


def test_only_the_owned_sheets_change(refreshed):
    before, after, _ = refreshed
    old, new = parts(before), parts(after)
    owned = owned_parts(after)
    assert set(old) == set(new)
    changed = {name for name in old if old[name] != new[name]}
    assert changed <= owned
    assert L.DASHBOARD in {n for n in L.OWNED_SHEETS} and changed  # the refresh did write something
    assert old["xl/vbaProject.bin"] == new["xl/vbaProject.bin"]


def test_user_sheets_and_vba_survive_byte_for_byte(tmp_path):
    """A sheet the user added (with openpyxl, as any tool might) is carried over unchanged."""
    openpyxl = pytest.importorskip("openpyxl")
    path = demo_workbook(tmp_path / "book.xlsm")
    book = openpyxl.load_workbook(path, keep_vba=True)
    notes = book.create_sheet("Mijn notities")
    notes["A1"] = "=SUM(1,2)"
    notes["A2"] = "Bespreken met Jan"
    book.save(path)
    before = parts(path)
    refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    after = parts(path)
    owned = owned_parts(path)
    for name, data in before.items():
        if name not in owned:
            assert after[name] == data, name
    assert sheet_cells(path, "Mijn notities")[(1, 0)] == "Bespreken met Jan"


def test_refresh_twice_gives_the_same_workbook(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    first = parts(path)
    refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    assert parts(path) == first


def test_a_failure_half_way_leaves_the_file_byte_identical(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    original = path.read_bytes()
    for sheet in L.OWNED_SHEETS:
        with pytest.raises(RuntimeError, match="injected"):
            refresh_file(path, month=MONTH, now=NOW, today=TODAY, _fail_after=sheet)
        assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]  # no temporary file left behind


def test_open_in_excel_is_refused_and_nothing_changes(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    original = path.read_bytes()
    (tmp_path / "~$book.xlsm").write_bytes(b"lock")
    with pytest.raises(KpiError, match="open in Excel"):
        refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    assert path.read_bytes() == original


def test_history_keeps_one_row_per_month(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    september = refresh_file(path, month="2026-09", now=NOW, today=TODAY).report
    october = refresh_file(path, month=MONTH, now=NOW, today=TODAY).report
    rows = read_workbook(path).history
    header, body = rows[0], [r for r in rows[1:] if r and r[0]]
    assert header[0] == "maand"
    months = [r[0] for r in body]
    assert months == sorted(set(months))  # one row per month, in order
    by_month = {r[0]: r for r in body}
    index = {name: i for i, name in enumerate(L.HISTORY_COLUMNS)}
    for report in (september, october):
        row = by_month[str(report.month)]
        for kpi in L.TILE_KPIS:
            expected = report.tiles[kpi].value
            assert _same(row[index[kpi]], expected) or (expected is None and row[index[kpi]] in ("", None))
    # the trend months carry qualified leads, won revenue and action points from the data
    for trend in october.trends.itertuples(index=False):
        assert _same(by_month[trend.month][index["qualified_leads"]], trend.qualified_leads)


def test_checks_lists_every_problem_and_is_replaced(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm", messy=True)
    report = refresh_file(path, month=MONTH, now=NOW, today=TODAY).report
    assert report.problems  # the messy sample has problems
    cells = sheet_cells(path, L.CHECKS)
    rows = max(r for r, _ in cells) + 1
    assert rows == len(report.problems) + 1
    first = report.problems[0]
    assert cells[(1, 0)] == first.table
    assert cells[(1, 4)] == first.reason("nl")
    # a clean refresh afterwards replaces the list entirely
    clean = demo_workbook(tmp_path / "clean.xlsm")
    shutil.copyfile(clean, path)
    refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    cells = sheet_cells(path, L.CHECKS)
    assert max(r for r, _ in cells) == 1
    assert cells[(1, 0)] == "Geen dataproblemen gevonden."


def test_month_selector_on_the_dashboard_is_used_and_kept(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    write_owned_sheets(path, {L.DASHBOARD: {L.MONTH_CELL: "2026-08"}})
    report = refresh_file(path, now=NOW, today=TODAY).report
    assert str(report.month) == "2026-08"
    cells = sheet_cells(path, L.DASHBOARD)
    assert cells[L.MONTH_CELL] == "2026-08"
    assert cells[L.MONTH_USED] == "2026-08"
    # --month wins over the selector
    assert str(refresh_file(path, month="2026-07", now=NOW, today=TODAY).report.month) == "2026-07"


def test_empty_selector_means_the_latest_month(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    report = refresh_file(path, now=NOW, today=TODAY).report
    assert str(report.month) == report.months_with_data[-1]
    months = [v for (r, c), v in sheet_cells(path, L.DASHBOARD).items()
              if c == L.MONTHS_LIST_COL and r >= L.TREND_FIRST_ROW]
    assert months[0] == report.months_with_data[-1]  # newest first in the dropdown list
    assert len(months) == len(report.months_with_data)


def test_config_next_to_the_workbook_is_used(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    text = load_config().model_dump(by_alias=True)
    text["language"] = "en"
    import yaml

    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    result = refresh_file(path, month=MONTH, now=NOW, today=TODAY)
    assert result.config_path == tmp_path / "kpi.yaml"
    cells = sheet_cells(path, L.DASHBOARD)
    assert cells[D.REPS_TITLE] == "Per rep: action points, leads and pipeline"
    assert cells[D.TITLE] == "Sales KPIs — October 2026"


def test_empty_template_refreshes(tmp_path):
    from kpi_xl.workbook.new import new_workbook

    path = new_workbook(tmp_path / "empty.xlsm")
    report = refresh_file(path, now=NOW, today=TODAY).report
    assert report.tiles["qualified_leads"].value == 0
    assert report.problems == []
    cells = sheet_cells(path, L.CHECKS)
    assert cells[(1, 0)] == "Geen dataproblemen gevonden."


def test_formula_like_text_is_written_as_text(tmp_path):
    path = demo_workbook(tmp_path / "book.xlsm")
    write_owned_sheets(path, {L.CHECKS: {(0, 0): '=HYPERLINK("http://example.invalid","klik")', (1, 0): "@SUM(1)"}})
    xml = parts(path)[sorted(owned_parts(path))[0]].decode()
    assert "<f>" not in xml


def test_parts_are_copied_raw_and_the_package_is_valid(refreshed):
    """Untouched parts keep their compressed bytes (no inflate/deflate); every CRC checks out."""
    import zipfile

    before, after, _ = refreshed
    owned = owned_parts(after)
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        assert new.testzip() is None
        old_infos = {i.filename: i for i in old.infolist()}
        for info in new.infolist():
            if info.filename in owned:
                continue
            source = old_infos[info.filename]
            assert (info.CRC, info.compress_size, info.compress_type) == (
                source.CRC, source.compress_size, source.compress_type), info.filename


def test_a_dashboard_with_an_earlier_templates_layout_gets_a_note(tmp_path):
    """A workbook from an earlier template (its Dashboard's print area was A1:Z61): the numbers are written,
    and the refresh says, in the config's language, that the page reads well only in a new workbook."""
    from tests.ooxml_forms import edit_part

    book = demo_workbook(tmp_path / "book.xlsm")
    fresh = refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    assert fresh.notes == []
    edit_part(book, "xl/workbook.xml", lambda xml: xml.replace("Dashboard!$A$1:$T$34", "Dashboard!$A$1:$Z$61"))
    earlier = refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    assert earlier.notes == [
        "het Dashboard van book.xlsm heeft nog de opmaak van een eerdere versie: de getallen kloppen, maar de "
        "pagina leest pas goed in een nieuwe werkmap. Maak er een met 'kpi-xl new' en kopieer uw vier tabellen "
        "erin"]
    assert earlier.plan.dashboard == fresh.plan.dashboard  # the same numbers either way
