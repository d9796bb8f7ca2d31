"""``import_files`` and the import's summary, with the reader and the writer replaced by fakes in
``sys.modules``: the order of the steps, the refusals before anything is read, the backup's name, and
every line the director reads (Dutch and English, numbers in the language's style)."""

from __future__ import annotations

import shutil
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from kpi_xl.config import load_config
from kpi_xl.errors import KpiError
from kpi_xl.workbook.import_file import ImportOutcome, backup_path, import_files
from kpi_xl.workbook.import_summary import bad_values, summary_lines
from kpi_xl.workbook.template import template_path
from tests.workbooks import demo_workbook, run_cli

# ---------------------------------------------------------------- the fakes (the agreed interfaces)


@dataclass
class ExportFile:
    path: Path
    crm: str | None
    kind: str
    table: str
    rows: int
    encoding: str = "utf-8"
    delimiter: str | None = ","


@dataclass
class ImportProblem:
    table: str
    path: Path
    row: int | None
    column: str | None
    value: object
    code: str = "bad"
    params: dict = field(default_factory=dict)

    def message(self, language: str) -> str:
        return f"{self.path.name}, {'regel' if language == 'nl' else 'line'} {self.row}: {self.value}"


@dataclass
class Unmapped:
    kind: str
    value: str
    count: int
    table: str
    first_rows: list[int]

    def message(self, language: str) -> str:
        rows = ", ".join(map(str, self.first_rows))
        said = "voeg toe aan kpi.yaml" if language == "nl" else "add to kpi.yaml"
        return f"{self.table}: {self.kind} '{self.value}' ({self.count}×, {rows}): {said}"


@dataclass
class ImportResult:
    crm: str | None
    tables: dict
    files: list
    problems: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)


@dataclass
class TableWrite:
    table: str
    rows: int
    headers: list
    not_written: list = field(default_factory=list)
    left_empty: list = field(default_factory=list)


class Fakes:
    """The reader and writer as ``import_files`` sees them; records every call."""

    def __init__(self, result: ImportResult | Exception):
        self.result = result
        self.reads: list[tuple] = []
        self.writes: list[tuple] = []

    def read_exports(self, files, settings, crm=None):
        self.reads.append((list(files), settings, crm))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result

    def replace_tables(self, path, tables, settings, *, backup=None, fail_after=None):
        self.writes.append((Path(path), tables, backup))
        if backup is not None:
            shutil.copyfile(path, backup)
        return {name: TableWrite(name, len(frame), list(frame.columns)) for name, frame in tables.items()}


@pytest.fixture
def fake(monkeypatch):
    """Install fakes with a given result; returns the :class:`Fakes`."""

    def install(result):
        fakes = Fakes(result)
        importing = types.ModuleType("kpi_xl.importing")
        importing.CRMS = ("hubspot", "pipedrive", "salesforce", "teamleader")
        importing.read_exports = fakes.read_exports
        writer = types.ModuleType("kpi_xl.workbook.replace_tables")
        writer.replace_tables = fakes.replace_tables
        monkeypatch.setitem(sys.modules, "kpi_xl.importing", importing)
        monkeypatch.setitem(sys.modules, "kpi_xl.workbook.replace_tables", writer)
        return fakes

    return install


@pytest.fixture
def book(tmp_path):
    target = tmp_path / "verkoop.xlsm"
    shutil.copyfile(template_path(), target)
    return target


def deals(n: int) -> pd.DataFrame:
    return pd.DataFrame({"deal_id": [f"D{i}" for i in range(n)], "value": [1000.0 * i for i in range(n)]})


def export(tmp_path, name="deals.csv") -> Path:
    path = tmp_path / name
    path.write_text("Deal - ID,Deal - Value\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- import_files


def test_reads_then_writes_with_the_backup_beside_the_workbook(fake, book, tmp_path):
    file = export(tmp_path)
    frames = {"Deals": deals(3)}
    fakes = fake(ImportResult("pipedrive", frames, [ExportFile(file, "pipedrive", "deals", "Deals", 3)]))
    settings = load_config()
    original = book.read_bytes()
    outcome = import_files(book, [str(file)], settings, "Pipedrive")
    assert fakes.reads == [([file], settings, "pipedrive")]  # paths as Path, the CRM's name in lower case
    assert len(fakes.writes) == 1
    written_path, written_tables, backup = fakes.writes[0]
    assert written_path == book and written_tables is frames
    assert backup == tmp_path / "verkoop.before-import.xlsm" == outcome.backup
    assert backup.read_bytes() == original
    assert outcome.tables() == ["Deals"] and outcome.rows() == 3


def test_backup_name():
    assert backup_path(Path("/x/verkoop.xlsm")) == Path("/x/verkoop.before-import.xlsm")
    assert backup_path("mijn werkmap.v2.xlsm").name == "mijn werkmap.v2.before-import.xlsm"


def test_no_crm_given_is_recognised_by_the_reader(fake, book, tmp_path):
    file = export(tmp_path)
    fakes = fake(ImportResult("hubspot", {"Deals": deals(1)}, []))
    import_files(book, [file], load_config(), crm="  ")
    assert fakes.reads[0][2] is None


@pytest.mark.parametrize(("given", "passed"), [("Pipedrive", "pipedrive"), (" HUBSPOT ", "hubspot"),
                                               ("dynamics", "dynamics"), ("", None), (None, None)])
def test_the_crm_reaches_the_reader_in_lower_case(fake, book, tmp_path, given, passed):
    fakes = fake(ImportResult(None, {"Deals": deals(1)}, []))
    import_files(book, [export(tmp_path)], load_config(), given)
    assert fakes.reads[0][2] == passed  # the reader refuses a name it does not know


def test_missing_file_missing_workbook_and_no_files_are_refused_before_reading(fake, book, tmp_path):
    fakes = fake(ImportResult(None, {"Deals": deals(1)}, []))
    with pytest.raises(KpiError) as missing:
        import_files(book, [export(tmp_path), tmp_path / "weg.csv"], load_config())
    assert missing.value.in_language("nl") == (f"exportbestand niet gevonden: {tmp_path / 'weg.csv'}; "
                                               "de werkmap is niet gewijzigd")
    with pytest.raises(KpiError) as no_book:
        import_files(tmp_path / "nieuw.xlsm", [export(tmp_path)], load_config())
    assert "kpi-xl new" in no_book.value.in_language("en")
    with pytest.raises(KpiError) as none:
        import_files(book, [], load_config())
    assert none.value.code == "cli.import.no_files"
    with pytest.raises(KpiError) as itself:
        import_files(book, [book], load_config())
    assert itself.value.code == "cli.import.same_file"
    assert fakes.reads == [] and fakes.writes == []


def test_a_workbook_open_in_excel_is_refused_before_reading(fake, book, tmp_path):
    fakes = fake(ImportResult(None, {"Deals": deals(1)}, []))
    (tmp_path / "~$verkoop.xlsm").write_bytes(b"")
    with pytest.raises(KpiError):
        import_files(book, [export(tmp_path)], load_config())
    assert fakes.reads == []


@pytest.mark.parametrize("tables", [{}, {"Deals": deals(0)}, {"Deals": deals(0), "Activities": deals(0)}])
def test_files_without_a_single_row_are_refused_and_nothing_is_written(fake, book, tmp_path, tables):
    fakes = fake(ImportResult("pipedrive", tables, []))
    before = book.read_bytes()
    with pytest.raises(KpiError) as nothing:
        import_files(book, [export(tmp_path, "a.csv"), export(tmp_path, "b.csv")], load_config())
    assert nothing.value.in_language("en") == ("nothing to import: a.csv, b.csv holds no row for Leads, "
                                                "Activities, Deals or Customers; the workbook was not changed")
    assert fakes.writes == [] and book.read_bytes() == before
    assert not backup_path(book).exists()


def test_a_reader_error_passes_unchanged_and_nothing_is_written(fake, book, tmp_path):
    fakes = fake(KpiError("file not recognised"))
    with pytest.raises(KpiError, match="file not recognised"):
        import_files(book, [export(tmp_path)], load_config())
    assert fakes.writes == []


def test_one_table_with_rows_is_enough_an_empty_one_is_written_empty(fake, book, tmp_path):
    fakes = fake(ImportResult("pipedrive", {"Deals": deals(2), "Activities": deals(0)}, []))
    outcome = import_files(book, [export(tmp_path)], load_config())
    assert set(fakes.writes[0][1]) == {"Deals", "Activities"}
    assert outcome.tables() == ["Activities", "Deals"]  # the workbook's order


# ---------------------------------------------------------------- the summary


def outcome_of(tmp_path, problems: int = 0) -> ImportOutcome:
    a, b, d = tmp_path / "acts1.csv", tmp_path / "acts2.csv", tmp_path / "deals.csv"
    result = ImportResult(
        "pipedrive", {"Activities": deals(0), "Deals": deals(0)},
        [ExportFile(d, "pipedrive", "deals", "Deals", 1), ExportFile(a, "pipedrive", "activities", "Activities", 1200),
         ExportFile(b, "pipedrive", "activities", "Activities", 34)],
        [ImportProblem("Deals", d, 2 + i, "Deal - Value", f"x{i}") for i in range(problems)],
        [Unmapped("stage", "Demo gepland", 7, "Deals", [3, 5, 9]), Unmapped("owner", "Piet", 12, "Deals", [2])])
    writes = {"Activities": TableWrite("Activities", 1234, ["date"]),
              "Deals": TableWrite("Deals", 1, ["deal_id"], not_written=["currency", "pipeline"],
                                  left_empty=["lost_reason"])}
    return ImportOutcome(tmp_path / "verkoop.xlsm", result, writes, tmp_path / "verkoop.before-import.xlsm")


def test_summary_in_dutch(tmp_path):
    lines = summary_lines(outcome_of(tmp_path, problems=1), "nl")
    assert lines == [
        "Geïmporteerd uit Pipedrive in verkoop.xlsm:",
        "  Activities: 1.234 rijen uit acts1.csv (1.200), acts2.csv (34); geen problemen",
        "  Deals: 1 rij uit deals.csv; 1 probleem",
        "      2 waarden die kpi.yaml niet kent:",
        "        Deals: owner 'Piet' (12×, 2): voeg toe aan kpi.yaml",
        "        Deals: stage 'Demo gepland' (7×, 3, 5, 9): voeg toe aan kpi.yaml",
        "      de eerste 1:",
        "        deals.csv, regel 2: x0",
        "      niet overgenomen (de tabel heeft er geen kolom voor): currency, pipeline",
        "      leeg gelaten (niet in de export): lost_reason",
        "De vorige werkmap staat in verkoop.before-import.xlsm",
    ]


def test_summary_in_english_counts_problems_beyond_the_first(tmp_path):
    lines = summary_lines(outcome_of(tmp_path, problems=1025), "en", shown=20)
    assert lines[1] == "  Activities: 1,234 rows from acts1.csv (1,200), acts2.csv (34); no problems"
    assert lines[2] == "  Deals: 1 row from deals.csv; 1,025 problems"
    head = lines.index("      the first 20:")
    assert lines[head + 1] == "        deals.csv, line 2: x0"
    assert lines[head + 20] == "        deals.csv, line 21: x19"
    assert lines[head + 21] == "        … and 1,005 more"
    assert lines[-1] == "The previous workbook is kept as verkoop.before-import.xlsm"


def test_the_readers_count_of_the_rest_counts_as_that_many_problems(tmp_path):
    outcome = outcome_of(tmp_path, problems=2)
    d = tmp_path / "deals.csv"
    outcome.result.problems.append(ImportProblem("Deals", d, None, "Deal - Value", None, "import.more",
                                                 {"count": 99_998}))
    lines = summary_lines(outcome, "en", shown=2)
    assert lines[2] == "  Deals: 1 row from deals.csv; 100,000 problems"
    assert "        … and 99,998 more" in lines
    assert bad_values(outcome.result.problems) == 100_000


def test_summary_of_own_column_names_and_a_table_no_file_names(tmp_path):
    result = ImportResult(None, {"StageHistory": deals(0)}, [])
    outcome = ImportOutcome(tmp_path / "b.xlsm", result, {"StageHistory": TableWrite("StageHistory", 0, [])}, None)
    assert summary_lines(outcome, "en") == ["Imported (own column names) into b.xlsm:",
                                            "  StageHistory: 0 rows; no problems"]


def test_every_import_message_in_both_languages():
    from kpi_xl.messages.import_command import IMPORT_MESSAGES

    for code, entry in IMPORT_MESSAGES.items():
        assert set(entry) == {"nl", "en"}, code
        assert entry["nl"] != entry["en"], code


# ---------------------------------------------------------------- the command, in this process


def test_command_no_refresh_prints_the_summary_and_leaves_the_refresh(fake, monkeypatch, capsys, tmp_path):
    book = demo_workbook(tmp_path / "verkoop.xlsm")
    file = export(tmp_path)
    fake(ImportResult("pipedrive", {"Deals": deals(2)}, [ExportFile(file, "pipedrive", "deals", "Deals", 2)],
                      unmapped=[Unmapped("stage", "Demo", 2, "Deals", [2, 3])]))
    code, err = run_cli(monkeypatch, ["import", str(book), str(file), "--no-refresh"])
    out = capsys.readouterr().out
    assert code == 0, err
    assert "Geïmporteerd uit Pipedrive in verkoop.xlsm:" in out
    assert "Deals: 2 rijen uit deals.csv; geen problemen" in out
    assert "Deals: stage 'Demo' (2×, 2, 3): voeg toe aan kpi.yaml" in out
    assert f"kpi-xl refresh {book}" in out
    assert "De vijf KPI's" not in out
    assert (tmp_path / "verkoop.before-import.xlsm").is_file()


def test_command_refreshes_as_kpi_xl_refresh_does(fake, monkeypatch, capsys, tmp_path):
    book = demo_workbook(tmp_path / "verkoop.xlsm")
    file = export(tmp_path)
    fake(ImportResult("pipedrive", {"Deals": deals(2)}, [ExportFile(file, "pipedrive", "deals", "Deals", 2)]))
    code, err = run_cli(monkeypatch, ["import", str(book), str(file), "--month", "2026-09"])
    imported = capsys.readouterr().out
    assert code == 0, err
    copy = tmp_path / "copy.xlsm"
    shutil.copyfile(backup_path(book), copy)  # the fake import wrote nothing: the same data
    code, err = run_cli(monkeypatch, ["refresh", str(copy), "--month", "2026-09"])
    refreshed = capsys.readouterr().out
    assert code == 0, err
    report = refreshed[refreshed.index("De vijf KPI's"):refreshed.index("configuratie:")]
    assert "2026-09" in report and report in imported


def test_command_exit_1_when_nothing_was_recognised(fake, monkeypatch, capsys, tmp_path):
    book = demo_workbook(tmp_path / "verkoop.xlsm")
    before = book.read_bytes()
    fake(ImportResult(None, {}, []))
    code, err = run_cli(monkeypatch, ["import", str(book), str(export(tmp_path))])
    assert code == 1
    assert "Fout: niets te importeren: deals.csv" in err and "Traceback" not in err
    assert book.read_bytes() == before


def test_interrupted_during_the_refresh_says_the_import_is_written(fake, monkeypatch, tmp_path):
    from kpi_xl import cli
    from kpi_xl.workbook import refresh

    book = demo_workbook(tmp_path / "verkoop.xlsm")
    file = export(tmp_path)
    fake(ImportResult("pipedrive", {"Deals": deals(2)}, [ExportFile(file, "pipedrive", "deals", "Deals", 2)]))

    def stopped(*args, **kwargs):
        raise cli.Interrupted(2)

    monkeypatch.setattr(refresh, "refresh_file", stopped)
    code, err = run_cli(monkeypatch, ["import", str(book), str(file)])
    assert code == 130
    assert ("Onderbroken; de gegevens zijn al geïmporteerd (vorige werkmap: verkoop.before-import.xlsm), maar de "
            f"werkmap is niet vernieuwd: kpi-xl refresh {book}") in " ".join(err.split())


def test_interrupted_while_reading_says_the_workbook_is_unchanged(fake, monkeypatch, tmp_path):
    from kpi_xl import cli

    book = demo_workbook(tmp_path / "verkoop.xlsm")
    fake(ImportResult("pipedrive", {"Deals": deals(2)}, []))

    def stopped(*args, **kwargs):
        raise cli.Interrupted(15)

    monkeypatch.setattr(sys.modules["kpi_xl.importing"], "read_exports", stopped)
    code, err = run_cli(monkeypatch, ["import", str(book), str(export(tmp_path))])
    assert code == 143
    assert "Onderbroken; de werkmap is ongewijzigd" in err
    assert not backup_path(book).exists()


def test_a_month_that_cannot_be_read_is_refused_before_the_import(fake, monkeypatch, tmp_path):
    book = demo_workbook(tmp_path / "verkoop.xlsm")
    before = book.read_bytes()
    fakes = fake(ImportResult("pipedrive", {"Deals": deals(2)}, []))
    code, err = run_cli(monkeypatch, ["import", str(book), str(export(tmp_path)), "--month", "oktober"])
    assert code == 1 and "oktober" in err
    assert fakes.reads == [] and book.read_bytes() == before
