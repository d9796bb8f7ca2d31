"""``kpi-xl import`` end to end: the real reader (``kpi_xl.importing``) and the real writer
(``replace_tables``) on real files, through the command.

Small Pipedrive exports typed here by hand check what the command does to the workbook (the backup, a
second import replacing, an unreadable file changing nothing, ``--no-refresh`` leaving the owned sheets)
and what it prints; the fixture exports of every CRM (``tests/crm_exports.py``) imported and refreshed
must give the KPIs of the same company typed into the tables directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi_xl.config import load_config
from kpi_xl.workbook.import_file import backup_path, import_files
from kpi_xl.workbook.new import new_workbook
from kpi_xl.workbook.read import read_workbook
from tests.workbooks import owned_parts, parts, run_cli

pytest.importorskip("kpi_xl.importing")
pytest.importorskip("kpi_xl.workbook.replace_tables")

DEALS = """Deal - ID,Deal - Title,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status,Deal - Owner,\
Deal - Deal created,Deal - Won time,Deal - Lost time,Deal - Lost reason
1,Alpha,10000,EUR,Offerte,open,Sanne de Vries,2026-08-03 10:00:00,,,
2,Beta,25000,EUR,Onderhandeling,won,Sanne de Vries,2026-07-01 09:00:00,2026-09-15 16:00:00,,
3,Gamma,5000,EUR,Demo gepland,open,Piet Jansen,2026-09-02 11:00:00,,,
4,Delta,8000,EUR,Intake,lost,Piet Jansen,2026-08-10 09:30:00,,2026-09-20 12:00:00,Prijs
"""
ACTIVITIES = """Activity - Type,Activity - Due date,Activity - Done,Activity - Assigned to user,Activity - Deal ID
Call,2026-09-01 10:00:00,Done,Sanne de Vries,1
Meeting,2026-09-03 14:00:00,Done,Sanne de Vries,2
Email,2026-09-04 09:15:00,Done,Piet Jansen,3
Call,2026-09-07 11:00:00,Done,Piet Jansen,
"""


def pipedrive(folder: Path, deals: str = DEALS, activities: str = ACTIVITIES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deals.csv").write_text(deals, encoding="utf-8")
    (folder / "activities.csv").write_text(activities, encoding="utf-8")
    return [folder / "deals.csv", folder / "activities.csv"]


def table(path: Path, name: str) -> list[dict]:
    """The rows of one Excel Table as dicts by header (as the workbook holds them)."""
    rows = read_workbook(path, tables=[name]).tables[name]
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row)) for row in rows[1:]]


@pytest.fixture
def book(tmp_path):
    return new_workbook(tmp_path / "verkoop.xlsm")


def test_no_refresh_writes_the_tables_keeps_the_backup_and_leaves_the_owned_sheets(book, tmp_path, monkeypatch,
                                                                                   capsys):
    before = parts(book)
    original = book.read_bytes()
    code, err = run_cli(monkeypatch, ["import", str(book), *map(str, pipedrive(tmp_path / "x")), "--no-refresh"])
    out = capsys.readouterr().out
    assert code == 0, err
    assert backup_path(book).read_bytes() == original
    after = parts(book)
    for part in owned_parts(book):
        assert after[part] == before[part], part  # Dashboard, History, Checks: not refreshed
    deals = table(book, "Deals")
    assert [str(d["deal_id"]) for d in deals] == ["1", "2", "3", "4"]
    assert [d["stage"] for d in deals] == ["Offerte", "Gewonnen", "Demo gepland", "Verloren"]
    assert [d["value"] for d in deals] == [10000, 25000, 5000, 8000]
    assert len(table(book, "Activities")) == 4
    assert "Geïmporteerd uit Pipedrive in verkoop.xlsm:" in out
    assert "Deals: 4 rijen uit deals.csv" in out and "Activities: 4 rijen uit activities.csv" in out
    assert "1 waarde niet in kpi.yaml" in out
    assert "Deals (deals.csv): fase 'Demo gepland' (1×, regels 4) is geen fase in kpi.yaml" in out
    assert "niet overgenomen (de tabel heeft er geen kolom voor): deal_name, currency" in out
    assert "verkoop.before-import.xlsm" in out


def test_a_second_import_replaces_the_rows(book, tmp_path):
    settings = load_config()
    import_files(book, pipedrive(tmp_path / "a"), settings)
    two = DEALS.splitlines()[0] + "\n" + "\n".join(DEALS.splitlines()[3:5]) + "\n"
    import_files(book, pipedrive(tmp_path / "b", deals=two), settings)
    assert [str(d["deal_id"]) for d in table(book, "Deals")] == ["3", "4"]
    assert len(table(book, "Activities")) == 4  # the same four, not eight


def test_an_unreadable_file_changes_nothing(book, tmp_path, monkeypatch):
    original = book.read_bytes()
    broken = tmp_path / "deals.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    code, err = run_cli(monkeypatch, ["import", str(book), str(broken)])
    assert code == 1 and "Traceback" not in err
    assert book.read_bytes() == original
    assert not backup_path(book).exists()


def test_a_file_of_no_crm_changes_nothing(book, tmp_path, monkeypatch):
    original = book.read_bytes()
    other = tmp_path / "boodschappen.csv"
    other.write_text("artikel;aantal\nbrood;2\n", encoding="utf-8")
    code, err = run_cli(monkeypatch, ["import", str(book), str(other)])
    assert code == 1 and "Traceback" not in err
    assert book.read_bytes() == original


def test_import_then_refresh_prints_the_kpis(book, tmp_path, monkeypatch, capsys):
    code, err = run_cli(monkeypatch, ["import", str(book), *map(str, pipedrive(tmp_path / "x")),
                                      "--month", "2026-09"])
    out = capsys.readouterr().out
    assert code == 0, err
    assert "De vijf KPI's — 2026-09" in out
    assert out.index("Geïmporteerd uit Pipedrive") < out.index("De vijf KPI's")


def test_the_backup_is_replaced_by_the_next_import(book, tmp_path):
    settings = load_config()
    import_files(book, pipedrive(tmp_path / "a"), settings)
    first_import = book.read_bytes()
    import_files(book, pipedrive(tmp_path / "b"), settings)
    assert backup_path(book).read_bytes() == first_import


def test_a_copy_elsewhere_imports_the_same(book, tmp_path):
    """The import depends on the files' content, not on where they lie or what they are called."""
    settings = load_config()
    files = pipedrive(tmp_path / "a")
    other = tmp_path / "elders"
    other.mkdir()
    renamed = [shutil.copyfile(f, other / f"export {i}.csv") for i, f in enumerate(files)]
    second = tmp_path / "tweede.xlsm"
    new_workbook(second)
    import_files(book, files, settings)
    import_files(second, renamed, settings)
    assert table(book, "Deals") == table(second, "Deals")


def test_an_unknown_crm_is_said_in_the_configs_language(book, tmp_path, monkeypatch):
    original = book.read_bytes()
    code, err = run_cli(monkeypatch, ["import", str(book), *map(str, pipedrive(tmp_path / "x")), "--crm", "exact"])
    assert code == 1 and "Traceback" not in err
    assert "onbekend CRM 'exact'" in err and "hubspot, pipedrive, salesforce, teamleader" in err
    assert book.read_bytes() == original
