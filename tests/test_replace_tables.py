"""replace_tables: an import's frames replace the rows of the workbook's Excel Tables, and nothing else changes."""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import python_calamine as calamine
import xlsxwriter
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpi_xl.config import load_config
from kpi_xl.errors import KpiError
from kpi_xl.workbook.new import new_workbook
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.refresh import load_tables, refresh_file
from kpi_xl.workbook.replace_tables import TableWrite, replace_tables
from tests.workbooks import NOW, TODAY, demo_workbook, parts

SETTINGS = load_config()
DEALS_PART, DEALS_TABLE = "xl/worksheets/sheet6.xml", "xl/tables/table3.xml"  # in the template
DEALS_HEADERS = ["deal_id", "owner", "created", "value", "stage", "closed", "lost_reason", "customer_id", "lead_id",
                 "Lead", "Intake", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"]


@pytest.fixture
def book(tmp_path) -> Path:
    return new_workbook(tmp_path / "book.xlsm")


def _deals(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "deal_id": [f"D{i}" for i in range(n)],
        "owner": ["Ann" if i % 2 else "Bob" for i in range(n)],
        "created": pd.to_datetime([dt.datetime(2026, 1, 1) + dt.timedelta(days=i % 300) for i in range(n)]),
        "value": [1000.0 + i for i in range(n)],
        "stage": ["Offerte"] * n,
    })


def _rows(path: Path, table: str) -> list[list[object]]:
    """The table's rows (header first) as python-calamine reads them."""
    return read_workbook(path, tables=[table]).tables[table]


def _table_xml(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode("utf-8")


def _refs(path: Path, part: str) -> tuple[str, str]:
    xml = _table_xml(path, part)
    return (re.search(r'<table\b[^>]*\bref="([^"]+)"', xml).group(1),
            re.search(r'<autoFilter\b[^>]*\bref="([^"]+)"', xml).group(1))


def _dimension(path: Path, part: str) -> str:
    return re.search(r'<dimension ref="([^"]+)"', _table_xml(path, part)).group(1)


def test_values_come_back_as_written(book):
    long_text = "x" * 40_000
    frame = pd.DataFrame({
        "deal_id": ["D1", "D2", "D3", "D4"],
        "owner": ['Ann & "Bob" <sales>', "  leading and trailing  ", "bell\x07 and _x0041_ and\r\nCRLF", long_text],
        "created": pd.to_datetime(["2026-01-05", "2026-02-28 13:45", None, "1900-03-01"], format="ISO8601"),
        "value": [1234.5, np.nan, -0.25, 1e15],
        "stage": ["=SUM(A1:A2)", None, "", "Offerte"],
        "Offerte": pd.to_datetime(["2026-01-20 08:00", None, None, None]),
    })
    result = replace_tables(book, {"Deals": frame}, SETTINGS)
    assert result["Deals"] == TableWrite("Deals", 4, ["deal_id", "owner", "created", "value", "stage", "Offerte"], [],
                                         [h for h in DEALS_HEADERS if h not in frame.columns])
    rows = _rows(book, "Deals")
    assert rows[0] == DEALS_HEADERS
    col = {h: i for i, h in enumerate(DEALS_HEADERS)}
    assert [r[col["deal_id"]] for r in rows[1:]] == ["D1", "D2", "D3", "D4"]
    owners = [r[col["owner"]] for r in rows[1:]]
    assert owners[:2] == ['Ann & "Bob" <sales>', "  leading and trailing  "]
    assert owners[2] == "bell\x07 and _x0041_ and\r\nCRLF"
    assert owners[3] == "x" * 32_767  # Excel's limit of a cell
    assert [r[col["created"]] for r in rows[1:]] == [dt.date(2026, 1, 5), dt.datetime(2026, 2, 28, 13, 45), "",
                                                     dt.date(1900, 3, 1)]
    assert [r[col["value"]] for r in rows[1:]] == [1234.5, "", -0.25, 1e15]
    assert [r[col["stage"]] for r in rows[1:]] == ["=SUM(A1:A2)", "", "", "Offerte"]  # text, not a formula
    assert rows[1][col["Offerte"]] == dt.datetime(2026, 1, 20, 8, 0)
    assert all(rows[1][col[h]] == "" for h in ("closed", "lost_reason", "Lead", "Verloren"))
    # the typed route of a refresh (fastexcel) reads the same
    typed = read_workbook(book, tables=["Deals"], columns=True).tables["Deals"]
    assert typed.columns[col["value"]].to_pylist() == [1234.5, None, -0.25, 1e15]
    assert typed.columns[col["created"]].to_pylist()[1] == dt.datetime(2026, 2, 28, 13, 45)


def test_cells_take_their_columns_style_and_carry_no_shared_string(book):
    replace_tables(book, {"Deals": _deals(2)}, SETTINGS)
    xml = _table_xml(book, DEALS_PART)
    row2 = re.search(r'<row r="2">(.*?)</row>', xml).group(1)
    # template column styles: text 33, date 64, euro 37
    assert row2.startswith('<c s="33" t="inlineStr"><is><t>D0</t></is></c><c s="33" t="inlineStr"><is><t>Bob</t>'
                           '</is></c><c s="64"><v>46023</v></c><c s="37"><v>1000</v></c>')
    assert row2.endswith('<c s="64"/>')
    assert 't="s"' not in xml.split('<row r="2">', 1)[1]


def test_every_other_part_is_byte_identical(book):
    before = parts(book)
    replace_tables(book, {"Deals": _deals(10), "Activities": pd.DataFrame({
        "date": pd.to_datetime(["2026-03-01", "2026-03-02"]), "owner": ["Ann", "Bob"], "type": ["call", "visit"],
        "notes": [None, "x"]})}, SETTINGS)
    after = parts(book)
    changed = {DEALS_PART, DEALS_TABLE, "xl/worksheets/sheet5.xml", "xl/tables/table2.xml"}
    assert set(after) == set(before)
    assert {n for n in before if before[n] != after[n]} == changed
    with zipfile.ZipFile(book) as archive:
        assert [i.filename for i in archive.infolist()] == list(before)  # the same order
    # the sheet's own parts around the rows: the same bytes before and after <sheetData>
    old, new = before[DEALS_PART].decode(), after[DEALS_PART].decode()
    assert new.split("<sheetData>")[0] == old.split("<sheetData>")[0].replace('ref="A1:O1"', 'ref="A1:O11"')
    assert new.split("</sheetData>")[1] == old.split("</sheetData>")[1]


def test_the_table_covers_exactly_the_rows_when_it_grows_and_shrinks(book):
    replace_tables(book, {"Deals": _deals(500)}, SETTINGS)
    assert _refs(book, DEALS_TABLE) == ("A1:O501", "A1:O501")
    assert _dimension(book, DEALS_PART) == "A1:O501"
    assert len(_rows(book, "Deals")) == 501
    replace_tables(book, {"Deals": _deals(3)}, SETTINGS)
    assert _refs(book, DEALS_TABLE) == ("A1:O4", "A1:O4")
    assert _dimension(book, DEALS_PART) == "A1:O4"
    rows = _rows(book, "Deals")
    assert [r[0] for r in rows[1:]] == ["D0", "D1", "D2"]
    assert '<row r="5"' not in _table_xml(book, DEALS_PART)
    replace_tables(book, {"Deals": _deals(0)}, SETTINGS)
    assert _refs(book, DEALS_TABLE) == ("A1:O2", "A1:O2")  # Excel needs one (empty) data row
    assert _dimension(book, DEALS_PART) == "A1:O1"
    assert "<row r=\"2\"" not in _table_xml(book, DEALS_PART)
    tables, _ = load_tables(book, SETTINGS)
    assert len(tables.deals) == 0


def _own_workbook(path: Path) -> Path:
    """A user's workbook: a title above the table, the table at B3, an extra column of the user's, cells
    beside and below it, and a formula elsewhere."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Mijn deals")
    ws.write("A1", "Deals van dit jaar")
    date = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.set_column("D:D", 12, date)
    headers = ["Deal", "Eigenaar", "Aangemaakt", "Waarde", "Fase", "Mijn notitie"]
    ws.add_table("B3:G5", {"name": "Deals", "columns": [{"header": h} for h in headers],
                           "data": [["X1", "Old", dt.datetime(2020, 1, 1), 5, "Lead", "keep?"],
                                    ["X2", "Old", dt.datetime(2020, 1, 2), 6, "Lead", "no"]]})
    ws.write("A4", "note left of row 4")
    ws.write("I4", "right of row 4")
    ws.write("I40", "far below, right")
    ws.write("C9", "below the table in its columns")
    ws.write_formula("K1", "=1+1", None, 2)
    wb.close()
    return path


def test_a_table_away_from_a1_with_the_users_own_column_and_cells(tmp_path):
    book = _own_workbook(tmp_path / "own.xlsx")
    frame = _deals(3).assign(industry=["a", "b", "c"])
    result = replace_tables(book, {"Deals": frame}, SETTINGS)["Deals"]
    assert result.headers == ["Deal", "Eigenaar", "Aangemaakt", "Waarde", "Fase"]
    assert result.not_written == ["industry"]
    assert result.left_empty == ["Mijn notitie"]
    sheet = calamine.CalamineWorkbook.from_path(str(book)).get_sheet_by_name("Mijn deals").to_python()
    cells = {(r, c): v for r, row in enumerate(sheet) for c, v in enumerate(row) if v not in ("", None)}
    assert cells[(0, 0)] == "Deals van dit jaar"
    assert [cells[(2, c)] for c in range(1, 7)] == ["Deal", "Eigenaar", "Aangemaakt", "Waarde", "Fase", "Mijn notitie"]
    assert [cells[(r, 1)] for r in (3, 4, 5)] == ["D0", "D1", "D2"]
    assert cells[(3, 3)] == dt.date(2026, 1, 1)
    assert (3, 6) not in cells and (4, 6) not in cells  # the user's column is left empty
    assert cells[(3, 0)] == "note left of row 4" and cells[(3, 8)] == "right of row 4"
    assert cells[(39, 8)] == "far below, right"
    assert (8, 2) not in cells  # an old cell inside the table's columns below its header goes
    assert cells[(0, 10)] == 2  # the formula's cached value, the formula kept
    xml = _table_xml(book, "xl/worksheets/sheet1.xml")
    assert "<f>1+1</f>" in xml
    table = next(n for n in zipfile.ZipFile(book).namelist() if n.startswith("xl/tables/"))
    assert _refs(book, table) == ("B3:G6", "B3:G6")
    assert _dimension(book, "xl/worksheets/sheet1.xml") == "A1:K40"
    rows = _rows(book, "Deals")
    assert [r[0] for r in rows] == ["Deal", "D0", "D1", "D2"]
    # a frame column named exactly like the user's own header goes under it; the table name's case is free
    again = replace_tables(book, {"deals": _deals(1).assign(**{"Mijn notitie": ["eigen"]})}, SETTINGS)["deals"]
    assert again.left_empty == [] and again.headers[-1] == "Mijn notitie"
    assert _rows(book, "Deals")[1] == ["D0", "Bob", dt.date(2026, 1, 1), 1000.0, "Offerte", "eigen"]


def test_a_1904_workbook_gets_serials_of_its_own_date_system(tmp_path):
    book = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(str(book), {"date_1904": True})
    ws = wb.add_worksheet("Deals")
    ws.set_column("C:C", 12, wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.add_table("A1:E2", {"name": "Deals", "columns": [
        {"header": h} for h in ("deal_id", "owner", "created", "value", "stage")]})
    wb.close()
    replace_tables(book, {"Deals": _deals(2)}, SETTINGS)
    xml = _table_xml(book, "xl/worksheets/sheet1.xml")
    assert re.search(r'<c s="\d+"><v>44561</v></c>', xml)  # 2026-01-01 counted from 1904-01-01
    assert [r[2] for r in _rows(book, "Deals")[1:]] == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]


def test_a_failure_half_way_leaves_the_original_and_no_temporary_file(book, tmp_path):
    original = book.read_bytes()
    with pytest.raises(RuntimeError, match="injected"):
        replace_tables(book, {"Deals": _deals(50), "Activities": _deals(0)[[]]}, SETTINGS, fail_after="Deals",
                       backup=tmp_path / "book.before-import.xlsm")
    assert book.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]
    (tmp_path / "book.before-import.xlsm").write_bytes(b"an older backup")
    with pytest.raises(RuntimeError, match="injected"):
        replace_tables(book, {"Deals": _deals(5)}, SETTINGS, fail_after="Deals",
                       backup=tmp_path / "book.before-import.xlsm")
    assert (tmp_path / "book.before-import.xlsm").read_bytes() == b"an older backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.before-import.xlsm", "book.xlsm"]


@pytest.mark.parametrize("where", ["rows", "backup"])
def test_a_full_disk_leaves_the_original_and_says_so(book, tmp_path, monkeypatch, where):
    import errno

    import kpi_xl.workbook.replace_tables as writer

    original = book.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "rows":  # the deflate thread's write of the sheet rows
        monkeypatch.setattr(zipfile._ZipWriteFile, "write", full)
    else:
        monkeypatch.setattr(writer.shutil, "copyfileobj", full)
    with pytest.raises(KpiError, match="disk is full"):
        replace_tables(book, {"Deals": _deals(100_000)}, SETTINGS, backup=tmp_path / "book.before-import.xlsm")
    assert book.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsm"]


def test_zip64_only_for_a_sheet_that_may_pass_4_gb(book, monkeypatch):
    import kpi_xl.workbook.replace_tables as writer

    def local_sizes(path: Path) -> tuple[int, int]:
        """The 32-bit sizes in the Deals sheet's local header (0xFFFFFFFF: ZIP64 holds them)."""
        with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
            handle.seek(archive.getinfo(DEALS_PART).header_offset)
            header = handle.read(30)
        return struct.unpack("<2L", header[18:26])

    replace_tables(book, {"Deals": _deals(10)}, SETTINGS)
    assert 0 < local_sizes(book)[0] < local_sizes(book)[1] < 2**31  # plain sizes, no ZIP64
    monkeypatch.setattr(writer, "_may_pass_4gb", lambda *args: True)
    replace_tables(book, {"Deals": _deals(10)}, SETTINGS)
    assert local_sizes(book) == (0xFFFFFFFF, 0xFFFFFFFF)
    with zipfile.ZipFile(book) as archive:
        assert archive.testzip() is None
    assert [r[0] for r in _rows(book, "Deals")[1:]] == [f"D{i}" for i in range(10)]


def test_the_backup_is_the_original_and_replaces_an_older_one(book, tmp_path):
    original = book.read_bytes()
    backup = tmp_path / "book.before-import.xlsm"
    backup.write_bytes(b"an older backup")
    replace_tables(book, {"Deals": _deals(5)}, SETTINGS, backup=backup)
    assert backup.read_bytes() == original
    assert book.read_bytes() != original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.before-import.xlsm", "book.xlsm"]


def test_refused_when_open_unknown_table_or_totals_row(book, tmp_path):
    original = book.read_bytes()
    with pytest.raises(KpiError, match="Opportunities"):
        replace_tables(book, {"Opportunities": _deals(1)}, SETTINGS)
    (tmp_path / "~$book.xlsm").write_bytes(b"")
    with pytest.raises(KpiError, match="open"):
        replace_tables(book, {"Deals": _deals(1)}, SETTINGS)
    assert book.read_bytes() == original
    totals = tmp_path / "totals.xlsx"
    wb = xlsxwriter.Workbook(str(totals))
    wb.add_worksheet("Deals").add_table("A1:B3", {"name": "Deals", "total_row": True,
                                                  "columns": [{"header": "deal_id"}, {"header": "value"}]})
    wb.close()
    with pytest.raises(KpiError, match="total row|totaalrij"):
        replace_tables(totals, {"Deals": _deals(1)}, SETTINGS)


def test_a_save_by_another_program_meanwhile_stops_the_import(book, tmp_path, monkeypatch):
    import kpi_xl.workbook.write as writer  # replace_tables writes through write.replaced_atomically

    theirs = _own_workbook(tmp_path / "theirs.xlsx").read_bytes()  # another version, saved meanwhile
    keep = writer.keep_owner_and_mode

    def other_program_saves(tmp, status):
        keep(tmp, status)
        book.write_bytes(theirs)

    monkeypatch.setattr(writer, "keep_owner_and_mode", other_program_saves)
    with pytest.raises(KpiError, match="import"):
        replace_tables(book, {"Deals": _deals(3)}, SETTINGS, backup=tmp_path / "book.before-import.xlsm")
    assert book.read_bytes() == theirs
    assert not _temp_files(tmp_path)
    assert not (tmp_path / "book.before-import.xlsm").exists()  # no backup of an import that did not happen
    (tmp_path / "theirs.xlsx").unlink()


def test_through_a_symbolic_link_the_target_is_written_and_the_link_kept(book, tmp_path):
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    replace_tables(link, {"Deals": _deals(3)}, SETTINGS)
    assert link.is_symlink() and link.resolve() == book.resolve()
    assert [r[0] for r in _rows(book, "Deals")[1:]] == ["D0", "D1", "D2"]


def test_a_table_without_header_row_is_refused(tmp_path):
    book = tmp_path / "bare.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    wb.add_worksheet("Deals").add_table("A1:B2", {"name": "Deals", "header_row": False,
                                                  "columns": [{"header": "deal_id"}, {"header": "value"}]})
    wb.close()
    original = book.read_bytes()
    with pytest.raises(KpiError, match="header row|kopregel"):
        replace_tables(book, {"Deals": _deals(1)}, SETTINGS)
    assert book.read_bytes() == original


def test_stage_history_is_added_and_a_refresh_uses_it(tmp_path):
    book = demo_workbook(tmp_path / "demo.xlsm")
    deals, _ = load_tables(book, SETTINGS)
    assert deals.history_source == "columns"
    before = parts(book)
    ids = deals.deals["deal_id"].head(3).tolist()
    history = pd.DataFrame({"deal_id": [ids[0], ids[0], ids[1], ids[2]],
                            "stage": ["Lead", "Offerte", "Lead", "Lead"],
                            "date": pd.to_datetime(["2026-01-05", "2026-02-10 09:30", "2026-03-01", "2026-03-02"],
                                                   format="ISO8601")})
    result = replace_tables(book, {"StageHistory": history}, SETTINGS)
    assert result["StageHistory"] == TableWrite("StageHistory", 4, ["deal_id", "stage", "date"], [], [])
    after = parts(book)
    new = set(after) - set(before)
    assert new == {"xl/worksheets/sheet12.xml", "xl/worksheets/_rels/sheet12.xml.rels", "xl/tables/table5.xml"}
    assert {n for n in before if before[n] != after[n]} == {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                                             "[Content_Types].xml", "docProps/app.xml"}
    names = calamine.CalamineWorkbook.from_path(str(book)).sheet_names
    assert names[names.index("Customers") + 1] == "StageHistory"
    assert 'id="5" name="StageHistory"' in after["xl/tables/table5.xml"].decode()
    assert 'ref="A1:C5"' in after["xl/tables/table5.xml"].decode()
    tables, _ = load_tables(book, SETTINGS)
    assert tables.history_source == "table"
    events = tables.stage_events
    assert events["deal_id"].tolist() == history["deal_id"].tolist()
    assert events["date"].tolist() == history["date"].dt.normalize().tolist()  # the KPIs count days
    assert _rows(book, "StageHistory")[2] == [ids[0], "Offerte", dt.datetime(2026, 2, 10, 9, 30)]
    result = refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    assert result.report is not None
    # a second import writes into the table the first one added
    replace_tables(book, {"StageHistory": history.head(1)}, SETTINGS)
    assert len(load_tables(book, SETTINGS)[0].stage_events) == 1
    assert "xl/worksheets/sheet13.xml" not in parts(book)


def test_a_plain_sheet_named_stage_history_is_not_doubled(tmp_path):
    book = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    wb.add_worksheet("Deals").add_table("A1:B2", {"name": "Deals", "columns": [{"header": "deal_id"},
                                                                               {"header": "value"}]})
    wb.add_worksheet("stagehistory").write("A1", "my own notes")
    wb.close()
    original = book.read_bytes()
    history = pd.DataFrame({"deal_id": ["D1"], "stage": ["Lead"], "date": pd.to_datetime(["2026-01-05"])})
    with pytest.raises(KpiError, match="StageHistory"):
        replace_tables(book, {"Deals": _deals(1), "StageHistory": history}, SETTINGS)
    assert book.read_bytes() == original


def _soffice_csv(book: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of the workbook as LibreOffice reads it (headless), one CSV per sheet."""
    profile = out / "lo_profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(out), str(book)], check=True, capture_output=True, timeout=180)
    import csv

    sheets = {}
    for file in out.glob(f"{book.stem}-*.csv"):
        with open(file, newline="", encoding="utf-8") as handle:
            sheets[file.stem[len(book.stem) + 1:]] = list(csv.reader(handle))
    return sheets


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_result(book, tmp_path):
    frame = _deals(3)
    frame.loc[1, "owner"] = 'A & "B" <c>'
    frame.loc[2, "value"] = np.nan
    history = pd.DataFrame({"deal_id": ["D0"], "stage": ["Lead"], "date": pd.to_datetime(["2026-01-05"])})
    replace_tables(book, {"Deals": frame, "StageHistory": history}, SETTINGS)
    out = tmp_path / "lo"
    out.mkdir()
    sheets = _soffice_csv(book, out)
    deals = sheets["Deals"]
    assert deals[0][:5] == ["deal_id", "owner", "created", "value", "stage"]
    assert [r[:5] for r in deals[1:4]] == [["D0", "Bob", "01-01-2026", "€ 1.000", "Offerte"],
                                            ["D1", 'A & "B" <c>', "02-01-2026", "€ 1.001", "Offerte"],
                                            ["D2", "Bob", "03-01-2026", "", "Offerte"]] or \
        [[r[0], r[1], r[4]] for r in deals[1:4]] == [["D0", "Bob", "Offerte"], ["D1", 'A & "B" <c>', "Offerte"],
                                                     ["D2", "Bob", "Offerte"]]
    assert len([r for r in deals if any(r)]) == 4
    assert sheets["StageHistory"][:2] == [["deal_id", "stage", "date"], ["D0", "Lead", sheets["StageHistory"][1][2]]]
    assert "2026" in sheets["StageHistory"][1][2]


KILL_SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np, pandas as pd
    from kpi_xl.config import load_config
    from kpi_xl.workbook.replace_tables import replace_tables
    n = 150_000
    frame = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=n, freq="min"),
                          "owner": np.array(["Ann", "Bob", "Cas"], dtype=object)[np.arange(n) % 3],
                          "type": ["call"] * n, "notes": [f"note {i}" for i in range(n)]})
    replace_tables(sys.argv[1], {"Activities": frame}, load_config(), backup=sys.argv[2])
""")


def _temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".~*.tmp"))


def test_killed_mid_write_leaves_the_original_or_the_complete_new_workbook(book, tmp_path):
    original = book.read_bytes()
    backup = tmp_path / "book.before-import.xlsm"
    command = [sys.executable, "-c", KILL_SCRIPT, str(book), str(backup)]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    # one undisturbed run on a copy: how long the temporary file exists
    probe = tmp_path / "probe" / "book.xlsm"
    probe.parent.mkdir()
    shutil.copyfile(book, probe)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(probe), str(probe.with_suffix(".bak"))],
                            env=environment, stderr=subprocess.PIPE)
    first = last = None
    start = time.perf_counter()
    while proc.poll() is None:
        if _temp_files(probe.parent):
            last = time.perf_counter() - start
            first = first or last
        time.sleep(0.002)
    assert proc.returncode == 0, proc.stderr.read()
    assert first is not None
    window = max(last - first, 0.01)
    complete = len(read_workbook(probe, tables=["Activities"]).tables["Activities"])
    assert complete == 150_001

    rng = random.Random(20261202)
    outcomes = {"original": 0, "new": 0}
    writing = 0
    for _ in range(6):
        book.write_bytes(original)
        proc = subprocess.Popen(command, env=environment, stderr=subprocess.DEVNULL)
        began = time.perf_counter()
        while proc.poll() is None and not _temp_files(tmp_path) and time.perf_counter() - began < 60:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, window))
        writing += bool(_temp_files(tmp_path))
        proc.kill()
        proc.wait()
        if book.read_bytes() == original:
            outcomes["original"] += 1
        else:
            assert len(read_workbook(book, tables=["Activities"]).tables["Activities"]) == complete
            outcomes["new"] += 1
        if backup.exists():
            assert backup.read_bytes() == original  # a backup is never half a file
        for leftover in _temp_files(tmp_path):
            leftover.unlink()
    assert sum(outcomes.values()) == 6
    assert writing >= 3, (writing, outcomes)  # the kills really hit the write, not only the start-up


def _frames_strategy():
    text = st.one_of(st.none(), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
    number = st.one_of(st.just(math.nan), st.floats(allow_nan=False, allow_infinity=False, width=64,
                                                    min_value=-1e12, max_value=1e12))
    date = st.one_of(st.none(), st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)))
    row = st.tuples(text, number, date, text)
    return st.lists(row, min_size=0, max_size=12)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_frames_strategy())
def test_random_frames_round_trip(tmp_path_factory, rows):
    book = new_workbook(tmp_path_factory.mktemp("prop") / "book.xlsm")
    frame = pd.DataFrame({
        "owner": pd.Series([r[0] for r in rows], dtype=object),
        "value": pd.Series([r[1] for r in rows], dtype="float64"),
        "created": pd.Series(pd.to_datetime([r[2] for r in rows]), dtype="datetime64[ns]"),
        "lost_reason": pd.Series([r[3] for r in rows], dtype=object),
    })
    replace_tables(book, {"Deals": frame}, SETTINGS)
    got = _rows(book, "Deals")
    col = {h: i for i, h in enumerate(got[0])}
    assert len(got) == 1 + max(len(rows), 1)  # an empty table keeps one empty row
    for (owner, value, created, reason), back in zip(rows, got[1:], strict=False):
        for written, read in ((owner, back[col["owner"]]), (reason, back[col["lost_reason"]])):
            expected = _as_excel_keeps(written)
            assert read == expected, (written, read)
        assert back[col["value"]] == ("" if math.isnan(value) else value)
        if created is None:
            assert back[col["created"]] == ""
        else:
            read = back[col["created"]]
            read = read if isinstance(read, dt.datetime) else dt.datetime.combine(read, dt.time())
            assert abs(read - created) <= dt.timedelta(milliseconds=1)


def _as_excel_keeps(text: str | None) -> str:
    """What a text cell holds after the round trip: empty for None and "", U+FFFE/U+FFFF left out."""
    if not text:
        return ""
    return text.replace("\ufffe", "").replace("\uffff", "")


def test_columns_of_every_pandas_type(book):
    frame = pd.DataFrame({
        "deal_id": pd.Series(["D1", None, "D3"], dtype="string"),
        "owner": pd.Categorical(["Ann", "Bob", None]),
        "value": pd.Series([5, None, 7], dtype="Int64"),
        "created": [dt.date(2026, 1, 2), None, dt.date(2026, 1, 4)],
        "stage": ["Lead", 3, dt.datetime(2026, 1, 5, 6, 0)],  # mixed kinds: one by one
        "closed": pd.to_datetime(["2026-02-01 12:00", None, None]).tz_localize("Europe/Amsterdam"),
        "lost_reason": [True, False, None],
        "customer_id": pd.Series([pd.NA, "C2", 7], dtype=object),  # pandas' own missing value among kinds
    })
    replace_tables(book, {"Deals": frame}, SETTINGS)
    rows = _rows(book, "Deals")
    col = {h: i for i, h in enumerate(rows[0])}
    got = {h: [r[col[h]] for r in rows[1:]] for h in frame.columns}
    assert got["deal_id"] == ["D1", "", "D3"]
    assert got["owner"] == ["Ann", "Bob", ""]
    assert got["value"] == [5.0, "", 7.0]
    assert got["created"] == [dt.date(2026, 1, 2), "", dt.date(2026, 1, 4)]
    assert got["stage"] == ["Lead", 3.0, 46027.25]  # the stage column has no date format
    assert got["closed"] == [dt.datetime(2026, 2, 1, 12, 0), "", ""]  # the wall-clock time is kept
    assert got["lost_reason"] == [True, False, ""]
    assert got["customer_id"] == ["", "C2", 7.0]


def test_an_error_text_keeps_its_place_for_the_error_scan(book):
    from kpi_xl.workbook.error_scan import error_cells

    frame = _deals(3)
    frame["owner"] = ["Ann", "#N/A", "# not an error"]
    frame["lost_reason"] = ["#REF!", None, "x"]
    replace_tables(book, {"Deals": frame}, SETTINGS)
    assert error_cells(book, ["Deals"]) == {"Deals": {(2, 1): "#N/A", (1, 6): "#REF!"}}
    rows = _rows(book, "Deals")
    assert [r[1] for r in rows[1:]] == ["Ann", "#N/A", "# not an error"]


def test_with_isal_installed_its_deflate_writes_the_sheet(book, monkeypatch):
    import types
    import zlib

    used = []

    def compressobj(level, method, wbits):
        used.append((level, wbits))
        return zlib.compressobj(level, method, wbits)

    fake = types.ModuleType("isal")
    fake.isal_zlib = types.SimpleNamespace(compressobj=compressobj, DEFLATED=zlib.DEFLATED)
    monkeypatch.setitem(sys.modules, "isal", fake)
    replace_tables(book, {"Deals": _deals(20)}, SETTINGS)
    assert used == [(1, -15)]
    assert [r[0] for r in _rows(book, "Deals")[1:]] == [f"D{i}" for i in range(20)]
    with zipfile.ZipFile(book) as archive:
        assert archive.testzip() is None


def test_texts_are_escaped_in_one_buffer_with_their_ends_moved():
    import pyarrow as pa

    from kpi_xl.workbook.table_cells import _texts

    values = ["a&b", None, "<<>>", "plain", "&", "", "x > y & z < w", "é&é", None]
    escaped, preserve, located = _texts(pa.array(values, pa.large_string()))
    assert located is None
    assert escaped.to_pylist() == ["a&amp;b", None, "&lt;&lt;&gt;&gt;", "plain", "&amp;", None,
                                   "x &gt; y &amp; z &lt; w", "é&amp;é", None]
    assert preserve is None or not any(preserve.to_pylist())
    escaped, preserve, _ = _texts(pa.array([" lead", "trail\u00a0", "mid dle", "\tx"], pa.large_string()))
    assert preserve.to_pylist() == [True, True, False, True]
    # a text that needs the careful route: control character, carriage return, literal escape, too long
    escaped, _, _ = _texts(pa.array(["a\x01b", "c\rd", "_x0041_", "y" * 40_000, "ok & fine"], pa.large_string()))
    assert escaped.to_pylist()[:3] == ["a_x0001_b", "c&#13;d", "_x005F_x0041_"]
    assert escaped.to_pylist()[3] == "y" * 32_767
    assert escaped.to_pylist()[4] == "ok &amp; fine"


def test_a_workbook_in_the_open_xml_sdk_form(tmp_path):
    """x: prefixes, single quotes, absolute targets, other relationship ids: the rows come out in the
    part's own prefix, the table refs are set, StageHistory is added."""
    from tests.ooxml_forms import sdk_style

    book = sdk_style(demo_workbook(tmp_path / "demo.xlsm"), tmp_path / "sdk.xlsm")
    before = parts(book)
    deals = load_tables(book, SETTINGS)[0].deals
    assert len(deals) > 100  # the demo's deals are replaced
    history = pd.DataFrame({"deal_id": ["D1"], "stage": ["Lead"], "date": pd.to_datetime(["2026-01-05"])})
    replace_tables(book, {"Deals": _deals(4), "StageHistory": history}, SETTINGS)
    after = parts(book)
    sheet = after[DEALS_PART].decode()
    assert "<x:row r=\"2\"><x:c s=" in sheet and "<row" not in sheet
    assert "<x:dimension ref=\"A1:O5\"/>" in sheet

    def head(xml: str) -> str:  # the part before the rows, but its dimension
        return re.sub(r"<x:dimension\b[^>]*/>", "", xml.split("<x:sheetData>")[0])

    assert head(sheet) == head(before[DEALS_PART].decode())
    assert sheet.split("</x:sheetData>")[1] == before[DEALS_PART].decode().split("</x:sheetData>")[1]
    assert "ref='A1:O5'" in after[DEALS_TABLE].decode() or 'ref="A1:O5"' in after[DEALS_TABLE].decode()
    tables, _ = load_tables(book, SETTINGS)
    assert tables.deals["deal_id"].tolist() == ["D0", "D1", "D2", "D3"]
    assert tables.history_source == "table"
    assert calamine.CalamineWorkbook.from_path(str(book)).sheet_names.index("StageHistory") == \
        calamine.CalamineWorkbook.from_path(str(book)).sheet_names.index("Customers") + 1



def test_a_big_table_replaced_by_a_small_one_across_read_chunks(tmp_path):
    """The old rows span many read chunks: skipped unseen when nothing else is on the sheet, walked row by row
    (cells without a reference among them) when the user's cells stand beside the table."""
    big = 120_000
    book = new_workbook(tmp_path / "book.xlsm")
    frame = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=big, freq="min"),
                          "owner": ["Ann"] * big, "type": ["call"] * big, "notes": ["a note"] * big})
    replace_tables(book, {"Activities": frame}, SETTINGS)
    with zipfile.ZipFile(book) as archive:
        assert archive.getinfo("xl/worksheets/sheet5.xml").file_size > 3 * (1 << 22)
    replace_tables(book, {"Activities": frame.head(2)}, SETTINGS)
    assert _refs(book, "xl/tables/table2.xml") == ("A1:G3", "A1:G3")
    assert len(_rows(book, "Activities")) == 3

    own = _own_workbook(tmp_path / "own.xlsx")
    deals = _deals(big)
    replace_tables(own, {"Deals": deals}, SETTINGS)
    replace_tables(own, {"Deals": deals.head(2)}, SETTINGS)
    sheet = calamine.CalamineWorkbook.from_path(str(own)).get_sheet_by_name("Mijn deals").to_python()
    cells = {(r, c): v for r, row in enumerate(sheet) for c, v in enumerate(row) if v not in ("", None)}
    assert cells[(3, 0)] == "note left of row 4" and cells[(3, 8)] == "right of row 4"
    assert cells[(39, 8)] == "far below, right"
    assert [cells.get((r, 1)) for r in (3, 4, 5)] == ["D0", "D1", None]
    assert max(r for r, _ in cells) == 39
