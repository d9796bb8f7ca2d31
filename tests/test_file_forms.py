"""Issue 10 part 4: any valid workbook works, whichever program wrote it, and the refresh keeps what is
the user's (cells beside the owned areas, a formula in the month cell); dates in the 1904 system, texts at
Excel's limit in UTF-16 units, control characters never raw in the file or the terminal."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_xl.config import load_config
from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.report.plan import build_plan
from kpi_xl.sample import generate
from kpi_xl.workbook.export import dashboard_only, find_soffice
from kpi_xl.workbook.new import fill_tables, new_workbook
from kpi_xl.workbook.package import sheet_parts
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.sheet_xml import MAX_TEXT, cut_utf16
from kpi_xl.workbook.write import write_owned_sheets
from tests.ooxml_forms import add_cells, date1904, edit_part, sdk_style
from tests.workbooks import NOW, TODAY, demo_workbook, owned_parts, parts, run_cli, sheet_cells

MONTH = "2026-10"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    """The demo workbook as the template writes it, refreshed: what every other form must give."""
    book = demo_workbook(tmp_path_factory.mktemp("plain") / "book.xlsm")
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    return book


def _owned_cells(book: Path) -> dict[str, dict]:
    return {name: sheet_cells(book, name) for name in L.OWNED_SHEETS}


def _raw(book: Path, sheet: str) -> str:
    with zipfile.ZipFile(book) as archive:
        return archive.read(sheet_parts(archive)[sheet]).decode("utf-8")


def test_a_workbook_written_like_the_open_xml_sdk_refreshes_the_same(plain, tmp_path):
    """x: prefixes on every element, single quotes, other relationship ids and absolute targets."""
    source = demo_workbook(tmp_path / "template_form.xlsm")
    book = sdk_style(source, tmp_path / "sdk.xlsm")
    assert "<x:sheetData>" in _raw(book, L.DASHBOARD) and "r:id='R" in parts(book)["xl/workbook.xml"].decode()
    before = parts(book)
    read_plain, read_sdk = read_workbook(source, columns=True), read_workbook(book, columns=True)
    for name in L.DATA_SHEETS:  # the same tables, typed column by column
        a, b = read_plain.tables[name], read_sdk.tables[name]
        assert a.header == b.header and all(x.equals(y) for x, y in zip(a.columns, b.columns, strict=True)), name
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert _owned_cells(book) == _owned_cells(plain)
    after = parts(book)
    assert {n for n in before if before[n] != after[n]} == owned_parts(book)  # data sheets untouched
    dashboard = _raw(book, L.DASHBOARD)
    assert "<x:sheetData>" in dashboard and "<sheetData" not in dashboard and "<c " not in dashboard
    ET.fromstring(dashboard)  # well-formed, every prefix declared
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    assert workbook[L.DASHBOARD][L.a1(*L.REFRESHED)].value == NOW and workbook[L.DASHBOARD]["R2"].value == MONTH
    # the Dashboard-only copy for the PDF hides every sheet but the Dashboard in this form too
    dashboard_only(book, tmp_path / "print.xlsx")
    states = {ws.title: ws.sheet_state for ws in openpyxl.load_workbook(tmp_path / "print.xlsx")}
    assert states.pop(L.DASHBOARD) == "visible" and set(states.values()) == {"hidden"}


def test_a_default_namespace_declared_as_prefix_and_no_cell_references(plain, tmp_path):
    """Rows and cells without an ``r`` reference (valid: they follow the one before) are placed right."""
    book = demo_workbook(tmp_path / "book.xlsm")
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    part = owned_parts(book)

    def drop_references(xml: str) -> str:  # A1 B1 C1 D1 E1 written without their reference
        return re.sub(r'(<c) r="[A-E]1"', r"\1", xml)
    checks = sheet_parts(zipfile.ZipFile(book))[L.CHECKS]
    assert checks in part
    edit_part(book, checks, drop_references)
    assert re.search(r'<c s="\d+" t="inlineStr"><is><t>Rij', _raw(book, L.CHECKS))  # the header's style index
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert _owned_cells(book) == _owned_cells(plain)


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice(plain, tmp_path):
    source = demo_workbook(tmp_path / "in.xlsm")
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run([find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--convert-to", "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(tmp_path / "lo"),
                           str(source)], capture_output=True, text=True, timeout=180, check=False)
    book = tmp_path / "lo" / "in.xlsm"
    assert done.returncode == 0 and book.is_file(), done.stderr
    assert b'appName="Calc"' in parts(book)["xl/workbook.xml"]
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert _owned_cells(book) == _owned_cells(plain)


def test_a_1904_workbook_gets_its_dates_with_the_right_serial(plain, tmp_path):
    """Mac Excel's 1904 date system: day 0 is 1904-01-01, 1,462 days after the 1900 system's."""
    settings_ = load_config()
    book = date1904(new_workbook(tmp_path / "t.xlsm"), tmp_path / "book1904.xlsm")
    fill_tables(book, generate(seed=7).rows(), settings_)  # the data dates in the 1904 system too
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    # the readers (python-calamine, fastexcel) read the data dates in the workbook's system: the same KPIs
    assert _owned_cells(book) == _owned_cells(plain)
    serial = (NOW - dt.datetime(1904, 1, 1)).total_seconds() / 86400  # 44,866.354… (46,328.354… in the 1900 system)
    refreshed = re.search(rf'<c r="{L.a1(*L.REFRESHED)}"[^>]*><v>([^<]+)</v>', _raw(book, L.DASHBOARD))
    assert float(refreshed.group(1)) == pytest.approx(serial) and round(serial) == 44866
    plain_serial = re.search(rf'<c r="{L.a1(*L.REFRESHED)}"[^>]*><v>([^<]+)</v>', _raw(plain, L.DASHBOARD))
    assert float(plain_serial.group(1)) - float(refreshed.group(1)) == pytest.approx(1462)
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    assert workbook.epoch == dt.datetime(1904, 1, 1)
    history = workbook[L.HISTORY]
    column = L.HISTORY_COLUMNS.index("refreshed_at") + 1
    stamps = [history.cell(r, column).value for r in range(2, history.max_row + 1)]
    stamps = [s for s in stamps if s is not None]  # months filled in before the first refresh have none
    assert stamps and all(s == NOW for s in stamps)  # every date the refresh writes


def _user_cells(book: Path, month_formula: str) -> None:
    """What a director adds: notes and formulas beside the Dashboard and the Checks list, a formula
    in the month cell."""
    names = sheet_parts(zipfile.ZipFile(book))

    def dashboard(xml: str) -> str:
        xml = xml.replace(f'<c r="{L.a1(*L.MONTH_CELL)}" s="3"/>', month_formula)
        xml = add_cells(xml, 3, '<c r="AI3" t="inlineStr"><is><t>Notitie: bel Jan</t></is></c>'
                                '<c r="AJ3"><f>SUM(X1,1)</f><v>46329.35</v></c>')
        return add_cells(xml, 70, '<c r="A70" t="inlineStr"><is><t xml:space="preserve"> onder </t></is></c>'
                                  '<c r="B70" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>')
    edit_part(book, names[L.DASHBOARD], dashboard)
    edit_part(book, names[L.CHECKS], lambda xml: add_cells(
        xml, 2, '<c r="H2" t="inlineStr"><is><t>gezien, 2 nov</t></is></c>'))


@pytest.mark.parametrize("formula, used", [
    ('<c r="R1" s="3" t="str"><f>TEXT(EDATE(TODAY(),-2),"yyyy-mm")</f><v>2026-09</v></c>', "2026-09"),
    ('<c r="R1" s="3"><f>DATE(2026,8,1)</f><v>46235</v></c>', "2026-08"),
])
def test_the_users_cells_and_month_formula_are_kept(tmp_path, formula, used):
    book = demo_workbook(tmp_path / "book.xlsm", messy=True)
    refresh_file(book, now=NOW, today=TODAY)
    _user_cells(book, formula)
    for _ in range(2):  # and again: nothing of the user's wears off
        refresh_file(book, now=NOW, today=TODAY)
        dashboard = _raw(book, L.DASHBOARD)
        assert formula in dashboard  # the month cell as the user wrote it: formula and cached value
        cells = sheet_cells(book, L.DASHBOARD)
        assert cells[L.MONTH_USED] == used  # the formula's value is the month shown
        assert cells[(2, 34)] == "Notitie: bel Jan" and cells[(2, 35)] == pytest.approx(46329.35)
        assert cells[(69, 0)] == " onder " and cells[(69, 1)] == "ab"
        assert sheet_cells(book, L.CHECKS)[(1, 7)] == "gezien, 2 nov"
        assert len(sheet_cells(book, L.CHECKS)) > 10  # the messy data's problems are listed beside the note
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    assert workbook[L.DASHBOARD]["AJ3"].value == "=SUM(X1,1)" and workbook[L.DASHBOARD]["B70"].value == '="a"&"b"'
    assert workbook[L.DASHBOARD]["R1"].value.startswith(("=TEXT(", "=DATE("))


def test_inside_the_owned_area_an_old_value_is_cleared(tmp_path):
    """The other side of keeping the user's cells: what the last refresh wrote and this one does not (a
    problem fixed since) does not stay behind."""
    book = demo_workbook(tmp_path / "book.xlsm", messy=True)
    refresh_file(book, now=NOW, today=TODAY)
    assert len(sheet_cells(book, L.CHECKS)) > 10
    write_owned_sheets(book, {L.CHECKS: {(0, 0): "Blad", (1, 0): "Geen dataproblemen gevonden."}})
    assert sheet_cells(book, L.CHECKS) == {(0, 0): "Blad", (1, 0): "Geen dataproblemen gevonden."}


def test_the_plan_writes_only_inside_the_owned_areas(plain):
    settings_ = load_config()
    book = demo_workbook(plain.with_name("messy.xlsm"), messy=True)
    result = refresh_file(book, now=NOW, today=TODAY)
    plan = build_plan(result.report, settings_, NOW, existing_history=[])
    for name, cells in plan.sheets().items():
        outside = [pos for pos in cells if not L.in_area(L.owned_area(name), *pos)]
        assert outside == [], name
    assert not L.in_area(L.owned_area(L.DASHBOARD), 2, 34) and not L.in_area(L.owned_area(L.CHECKS), 1, 7)


# --------------------------------------------------------------------------- texts: UTF-16 length, XML-legal


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@given(st.text(alphabet=st.sampled_from(["a", "é", "€", "😀", "𝄞", "\U0010FFFF"]), max_size=60),
       st.integers(min_value=0, max_value=80))
@settings(max_examples=300, deadline=None)
def test_cut_utf16_keeps_a_whole_prefix_within_the_limit(text, limit):
    cut = cut_utf16(text, limit)
    assert text.startswith(cut) and _units(cut) <= limit
    assert cut == text or _units(text[: len(cut) + 1]) > limit  # nothing more would have fitted
    cut.encode("utf-8")  # no half of a surrogate pair


@pytest.mark.parametrize("text, units", [
    ("😀" * 20_000, 32_766),  # 40,000 units: the cut falls inside a pair, which is left out whole
    ("a" + "😀" * 20_000, 32_767),
    ("ab😀" * 13_334, 32_766),  # 40,002 characters, 53,336 units: 8,191 × 4 units, "ab", half a pair
    ("é" * 40_000, 32_767),
])
def test_a_long_text_is_cut_at_excels_limit_in_utf16_units(tmp_path, text, units):
    book = demo_workbook(tmp_path / "book.xlsm")
    write_owned_sheets(book, {L.CHECKS: {(0, 0): text}})
    read = sheet_cells(book, L.CHECKS)[(0, 0)]
    assert _units(read) == units <= MAX_TEXT and text.startswith(read)
    assert openpyxl.load_workbook(book, keep_vba=True)[L.CHECKS]["A1"].value == read


def test_control_characters_never_make_the_xml_illegal(tmp_path):
    """XML 1.0 cannot hold ESC or BEL: they are written as Excel writes them (``_x001B_``), so nothing is lost
    and the part stays legal; a literal ``_x0041_`` is escaped so that it does not turn into an A."""
    book = demo_workbook(tmp_path / "book.xlsm")
    value = "\x1b[31mrood\x07\x00\x0b\x0c\ud800\udfff\ufffe\tend\r\nnext\x7f\x85"
    literal = "_x001B_ en _x0041_ letterlijk"
    write_owned_sheets(book, {L.CHECKS: {(0, 0): value, (0, 1): literal}})
    xml = _raw(book, L.CHECKS)
    ET.fromstring(xml)
    assert "rood_x0007__x0000__x000B__x000C_\tend" in xml and "_x005F_x001B_ en _x005F_x0041_" in xml
    read = sheet_cells(book, L.CHECKS)
    assert read[(0, 0)] == "\x1b[31mrood\x07\x00\x0b\x0c\tend\r\nnext\x7f\x85"  # only the non-characters left out
    assert read[(0, 1)] == literal
    openpyxl.load_workbook(book, keep_vba=True)  # (openpyxl shows the escapes as they are)


def _messy_cell_workbook(path: Path) -> Path:
    settings_ = load_config()
    rows = generate(seed=7).rows()
    deals = rows["Deals"]
    created = next(i for i, v in enumerate(deals[1]) if isinstance(v, (dt.date, dt.datetime)))
    # XML cannot hold ESC or BEL: written as Excel writes them (_x001B_), the readers turn them back into ESC
    deals[1][created] = "\x1b[31m\x1b]0;pwned\x07rood\rX\u202egnp.exe"
    new_workbook(path)
    fill_tables(path, rows, settings_)
    return path


def test_check_and_refresh_never_print_a_control_character(tmp_path):
    book = _messy_cell_workbook(tmp_path / "book.xlsm")
    for command in ("check", "refresh"):
        done = subprocess.run([sys.executable, "-m", "kpi_xl.cli", command, str(book)], capture_output=True,
                              text=True, timeout=300, check=False)
        said = done.stdout + done.stderr
        assert "Traceback" not in said
        joined = " ".join(said.split())  # rich wraps long lines
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", said), repr(said[-400:])
        if command == "check":
            assert done.returncode == 1
            assert "'\\x1b[31m\\x1b]0;pwned\\x07rood\\rX\\u202egnp.exe'" in joined  # shown, escaped
    checks = sheet_cells(book, L.CHECKS)  # the Checks sheet holds the value as it is (escaped in the XML)
    assert checks[(1, 3)] == "\x1b[31m\x1b]0;pwned\x07rood\rX\u202egnp.exe"
    ET.fromstring(_raw(book, L.CHECKS))


def test_an_error_message_with_markup_and_escapes_reaches_the_terminal_escaped(tmp_path, monkeypatch):
    import kpi_xl.workbook.refresh as refresh_module

    def refuse(*args, **kwargs):
        raise KpiError("Deals: column 'created' is missing (columns found: '\x1b[2J[bold]x[/bold]\x07')")
    monkeypatch.setattr(refresh_module, "refresh_file", refuse)
    code, stderr = run_cli(monkeypatch, ["refresh", str(tmp_path / "book.xlsm")])
    said = " ".join(stderr.split())
    assert code == 1
    assert "'\\x1b[2J[bold]x[/bold]\\x07'" in said and "\x1b" not in stderr.replace("\x1b[", "")


@pytest.mark.parametrize("change", [
    lambda xml: xml.replace('<row r="2">', '<row r="0">', 1),  # not a row number: taken as the next row
    lambda xml: xml.replace('<row r="2">', '<row r="²">', 1),
    lambda xml: xml.replace(' s="8" ', ' s="8&quot;&lt;" ', 1),  # a style that is not a number
    lambda xml: re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", xml, flags=re.S),
    lambda xml: xml.replace("<sheetData>", "<sheetData><!-- <sheetData> --><?pi x?>", 1),
])
def test_odd_but_valid_owned_sheets_are_written_valid(tmp_path, change):
    book = demo_workbook(tmp_path / "book.xlsm")
    edit_part(book, sheet_parts(zipfile.ZipFile(book))[L.CHECKS], change)
    refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    ET.fromstring(_raw(book, L.CHECKS))
    cells = sheet_cells(book, L.CHECKS)
    assert cells[(0, 0)] == "Blad" and cells[(1, 0)] == "Geen dataproblemen gevonden."


def test_a_damaged_owned_sheet_is_named_and_the_file_unchanged(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    part = sheet_parts(zipfile.ZipFile(book))[L.CHECKS]
    edit_part(book, part, lambda xml: xml.replace("</sheetData>", "</sheetDta>", 1))
    original = book.read_bytes()
    with pytest.raises(KpiError, match=rf"part {re.escape(part)} of the file is not valid XML .*the file is damaged"):
        refresh_file(book, month=MONTH, now=NOW, today=TODAY)
    assert book.read_bytes() == original
