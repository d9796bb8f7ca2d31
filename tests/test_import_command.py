"""``kpi-xl import`` end to end: the real reader (``kpi_xl.importing``) and the real writer
(``replace_tables``) on real files, through the command.

Small Pipedrive exports typed here by hand check what the command does to the workbook (the backup, a
second import replacing, an unreadable file changing nothing, ``--no-refresh`` leaving the owned sheets)
and what it prints; the fixture exports of every CRM (``tests/crm_exports.py``) imported and refreshed
must give the KPIs of the same company typed into the tables directly.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from kpi_xl.config import load_config
from kpi_xl.workbook.import_file import backup_path, import_files
from kpi_xl.workbook.new import new_workbook
from kpi_xl.workbook.package import sheet_parts
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
    with zipfile.ZipFile(book) as archive:
        sheets = sheet_parts(archive)
    changed = {name for name in after if after[name] != before.get(name)}
    assert set(after) == set(before)  # no part added or lost (no stage changes: no StageHistory sheet)
    assert {p for p in changed if not p.startswith("xl/tables/")} == {sheets["Deals"], sheets["Activities"]}
    assert len(changed) == 4  # and the two Tables' definitions (their ref); the rest byte for byte
    deals = table(book, "Deals")
    assert [str(d["deal_id"]) for d in deals] == ["1", "2", "3", "4"]
    assert [d["stage"] for d in deals] == ["Offerte", "Gewonnen", "Demo gepland", "Verloren"]
    assert [d["value"] for d in deals] == [10000, 25000, 5000, 8000]
    assert len(table(book, "Activities")) == 4
    assert "Geïmporteerd uit Pipedrive in verkoop.xlsm:" in out
    assert "Deals: 4 rijen uit deals.csv" in out and "Activities: 4 rijen uit activities.csv" in out
    assert "1 waarde die kpi.yaml niet kent:" in out
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


# ---------------------------------------------------------------- every CRM: imported = typed directly

MONTH = "2026-10"
CASES = [("pipedrive", "en"), ("pipedrive", "nl"), ("hubspot", "en"), ("hubspot", "nl"), ("salesforce", "en"),
         ("teamleader", "nl")]


def frame_rows(frame) -> list[list[object]]:
    """A canonical frame as Excel hands a table over: the header, then datetime, float, str or None cells."""
    import pandas as pd

    columns = []
    for name in frame.columns:
        values = frame[name]
        blank = values.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(values):
            cells = values.to_numpy(dtype="datetime64[us]").astype(object).tolist()
        elif pd.api.types.is_float_dtype(values):
            cells = values.to_numpy(dtype="float64").tolist()
        else:
            cells = [None if v == "" else v for v in values.to_numpy(dtype=object).tolist()]
        columns.append([None if b else c for b, c in zip(blank, cells, strict=True)])
    return [list(map(str, frame.columns)), *map(list, zip(*columns, strict=True))]


def kpis(report) -> dict:
    """The numbers a refresh prints: the five KPIs (value, target, previous month) and the pipeline's cover."""
    out = {kpi: (tile.value, tile.target, tile.previous) for kpi, tile in report.tiles.items()}
    out["won_revenue"] = report.won_revenue
    out["close_ratio"] = report.close_ratio
    out["coverage"] = (report.coverage.open_pipeline, report.coverage.remaining)
    return out


@pytest.fixture(scope="module")
def company():
    from kpi_xl.sample import generate

    return generate(seed=7)


@pytest.mark.parametrize(("crm", "language"), CASES)
def test_imported_and_refreshed_gives_the_kpis_of_the_same_company_typed_directly(company, tmp_path, crm,
                                                                                   language):
    crm_exports = pytest.importorskip("tests.crm_exports")
    from kpi_xl.config import default_config_path
    from kpi_xl.report import layout as L
    from kpi_xl.workbook.new import fill_tables
    from kpi_xl.workbook.refresh import refresh_file
    from kpi_xl.workbook.replace_tables import replace_tables
    from tests.workbooks import NOW, TODAY

    config = tmp_path / "kpi.yaml"  # beside both workbooks: the import and both refreshes read it
    chosen = f"\nimport:\n  pipeline: {crm_exports.PIPELINE}\n" if crm == "hubspot" else ""  # its deals mix two
    config.write_text(default_config_path().read_text(encoding="utf-8") + chosen, encoding="utf-8")
    settings = load_config(config)
    write = getattr(crm_exports, f"write_{crm}")
    files = write(company, tmp_path / "exports", language) if crm in ("pipedrive", "hubspot") else write(
        company, tmp_path / "exports")
    via_import = new_workbook(tmp_path / "import.xlsm")
    outcome = import_files(via_import, files, settings)
    assert outcome.result.crm == crm
    imported = refresh_file(via_import, month=MONTH, now=NOW, today=TODAY).report

    reference = {name: frame for name, frame in crm_exports.reference(company, crm).items()
                 if name in outcome.writes}  # the tables the export fills, typed by hand
    typed = new_workbook(tmp_path / "typed.xlsm")
    fill_tables(typed, {name: frame_rows(frame) for name, frame in reference.items() if name in L.DATA_SHEETS},
                settings)
    if "StageHistory" in reference:  # the template has no StageHistory table to type into: the writer adds it
        replace_tables(typed, {"StageHistory": reference["StageHistory"]}, settings)
    direct = refresh_file(typed, month=MONTH, now=NOW, today=TODAY).report

    assert kpis(imported) == kpis(direct)
    assert imported.tiles["pipeline_value"].value > 0  # a real company, not two empty workbooks


def test_an_english_config_imports_in_english(book, tmp_path, monkeypatch, capsys):
    from kpi_xl.config import default_config_path

    text = default_config_path().read_text(encoding="utf-8").replace("language: nl", "language: en")
    (tmp_path / "kpi.yaml").write_text(text, encoding="utf-8")
    code, err = run_cli(monkeypatch, ["import", str(book), *map(str, pipedrive(tmp_path / "x")), "--month", "2026-09"])
    out = capsys.readouterr().out
    assert code == 0, err
    assert "Importing into verkoop.xlsm" in out and "Imported from Pipedrive into verkoop.xlsm:" in out
    assert "Deals: 4 rows from deals.csv; no problems" in out
    assert "1 value kpi.yaml does not know:" in out and "stage 'Demo gepland'" in out
    assert "The previous workbook is kept as verkoop.before-import.xlsm" in out
    assert "The five KPIs — 2026-09" in out
    for dutch in ("rijen", "Geïmporteerd", "vorige werkmap", "De vijf"):
        assert dutch not in out


def test_a_refresh_that_fails_after_the_import_says_the_import_is_written(book, tmp_path, monkeypatch):
    code, err = run_cli(monkeypatch, ["import", str(book), *map(str, pipedrive(tmp_path / "x")), "--month", "2030-01"])
    assert code == 1 and "Traceback" not in err
    said = " ".join(err.split())
    assert "2030-01" in said  # the refresh's own message: a month after the data
    assert ("De gegevens zijn wel geïmporteerd (vorige werkmap: verkoop.before-import.xlsm); vernieuw na het "
            f"herstel met: kpi-xl refresh {book}") in said
    assert [str(d["deal_id"]) for d in table(book, "Deals")] == ["1", "2", "3", "4"]
