"""``kpi-xl new PATH [--config FILE]``: the workbook follows the config (Deals' stage columns, the drop-downs,
the language), the config lands next to it as kpi.yaml, and a failure leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import warnings
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree

from kpi_xl.config import default_config_path, load_config
from kpi_xl.workbook import new as new_module
from kpi_xl.workbook.export import find_soffice
from kpi_xl.workbook.new import create_workbook, fill_tables, is_default, new_workbook
from kpi_xl.workbook.package import sheet_parts
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.template import template_path
from tests.workbooks import run_cli, sheet_cells

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
FIXED = ["deal_id", "owner", "created", "value", "stage", "closed", "lost_reason", "customer_id", "lead_id"]
STAGES = ["Kennismaking", "Demo", "Voorstel", "Getekend", "Afgehaakt"]

CUSTOM = """\
language: en
stages:
  - name: Kennismaking
    probability: 0.1
  - name: Demo
    probability: 0.3
  - name: Voorstel
    probability: 0.6
  - name: Getekend
    probability: 1.0
  - name: Afgehaakt
    probability: 0.0
won_stage: Getekend
lost_stage: Afgehaakt
quote_stage: Voorstel
activity_types:
  call: 2
  visit: 5
  mail: 1
bottleneck:
  hints:
    Kennismaking: {nl: "goed gekwalificeerd?", en: "well qualified?"}
    Demo: {nl: "demo op maat?", en: "demo tailored?"}
    Voorstel: {nl: "prijs of waarde?", en: "price or value?"}
"""


@pytest.fixture()
def custom(tmp_path) -> Path:
    path = tmp_path / "configs" / "custom.yaml"
    path.parent.mkdir()
    path.write_text(CUSTOM, encoding="utf-8")
    return path


def package(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def table(path: Path, name: str) -> tuple[str, list[str]]:
    """The ref and the column names of the Excel Table ``name``, read from its XML part."""
    for part, data in package(path).items():
        if part.startswith("xl/tables/"):
            root = ElementTree.fromstring(data)
            if root.get("name") == name:
                return root.get("ref"), [c.get("name") for c in root.iterfind("m:tableColumns/m:tableColumn", NS)]
    raise AssertionError(f"no table {name}")


def validations(path: Path, sheet: str) -> dict[str, dict]:
    """The list validations of ``sheet``: the first cell of each range → its list, title and message."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read(sheet_parts(archive)[sheet]))
    found = {}
    for v in root.iterfind("m:dataValidations/m:dataValidation", NS):
        assert v.get("type") == "list"
        formula = v.find("m:formula1", NS).text
        assert formula.startswith('"') and formula.endswith('"')
        found[v.get("sqref").split(":")[0]] = {"list": formula[1:-1].split(","), "title": v.get("errorTitle"),
                                               "message": v.get("error")}
    return found


def column_letter(headers: list[str], header: str) -> str:
    return chr(ord("A") + headers.index(header))  # the tables here are narrower than 27 columns


def new(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """``kpi-xl new ARGS`` through the CLI's entry point: exit code, stdout, stderr."""
    code, err = run_cli(monkeypatch, ["new", *args])
    return code, capsys.readouterr().out, err


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() if p.is_file() else None for p in sorted(folder.iterdir())}


def test_five_custom_stages_make_the_deals_table_and_its_dropdowns(tmp_path, custom, monkeypatch, capsys):
    book = tmp_path / "out" / "sales.xlsm"
    code, out, err = new(monkeypatch, capsys, str(book), "--config", str(custom))
    assert code == 0, err
    ref, columns = table(book, "Deals")
    assert columns == [*FIXED, *STAGES]  # exactly the five stages, in the config's order, after the fixed ones
    assert ref == "A1:N2"  # 9 + 5 columns, the header and one empty row
    deals = validations(book, "Deals")
    stage = deals[f"{column_letter(columns, 'stage')}2"]
    assert stage == {"list": STAGES, "title": "Stage", "message": "This stage is not in the config."}
    assert len(deals) == 1
    _, activity_columns = table(book, "Activities")
    kinds = validations(book, "Activities")[f"{column_letter(activity_columns, 'type')}2"]
    assert kinds == {"list": ["call", "visit", "mail"], "title": "Type",
                     "message": "This type is not in the config and scores 0 points."}
    _, lead_columns = table(book, "Leads")
    assert validations(book, "Leads")[f"{column_letter(lead_columns, 'qualified')}2"]["list"] == ["yes", "no"]
    assert sheet_cells(book, "Uitleg")[(0, 0)] == "Guide — how this workbook works"  # the config's language
    assert sheet_cells(book, "Dashboard")[(0, 0)] == "Sales KPIs — press Refresh"
    assert (book.parent / "kpi.yaml").read_bytes() == custom.read_bytes()
    assert sorted(p.name for p in book.parent.iterdir()) == ["kpi.yaml", "sales.xlsm"]  # no temporary left
    assert "New workbook" in out and "Kennismaking, Demo, Voorstel, Getekend, Afgehaakt" in out
    assert str(custom) in out and f"config put next to the workbook: {book.parent / 'kpi.yaml'}" in out
    assert "werkmap" not in out.casefold()  # one language: the config's


def test_the_custom_workbook_refreshes_to_numbers_computed_by_hand(tmp_path, custom):
    book = tmp_path / "sales.xlsm"
    made = create_workbook(book, config=custom)
    assert made.built and made.config_written and made.backup is None
    d = dt.datetime
    deals = [[*FIXED, *STAGES],
             # open at the end of March: 10,000 in Demo, 25,000 in Voorstel, 7,500 in Kennismaking
             ["D1", "Anna", d(2026, 1, 10), 10_000, "Demo", None, None, None, None, d(2026, 1, 10), d(2026, 2, 1)],
             ["D2", "Bob", d(2026, 2, 1), 25_000, "Voorstel", None, None, None, None, d(2026, 2, 1), d(2026, 2, 10),
              d(2026, 3, 1)],
             ["D3", "Anna", d(2026, 3, 5), 7_500, "Kennismaking", None, None, None, None, d(2026, 3, 5)],
             # won in March, lost in February, created after March (not open at its end)
             ["D4", "Bob", d(2026, 1, 5), 40_000, "Getekend", d(2026, 3, 10), None, None, None, d(2026, 1, 5),
              d(2026, 1, 20), d(2026, 2, 10), d(2026, 3, 10)],
             ["D5", "Anna", d(2026, 1, 15), 5_000, "Afgehaakt", d(2026, 2, 20), "price", None, None, d(2026, 1, 15),
              None, None, None, d(2026, 2, 20)],
             ["D6", "Bob", d(2026, 4, 2), 99_999, "Demo", None, None, None, None, d(2026, 4, 2), d(2026, 4, 3)]]
    activities = [["date", "owner", "type", "deal_id"],
                  [d(2026, 3, 2), "Anna", "call", "D1"], [d(2026, 3, 3), "Anna", "call", "D3"],
                  [d(2026, 3, 4), "Bob", "Call", "D2"], [d(2026, 3, 9), "Bob", "visit", "D4"],
                  [d(2026, 3, 12), "Anna", "mail", "D1"], [d(2026, 3, 20), "Bob", "mail", "D2"],
                  [d(2026, 2, 27), "Bob", "visit", "D2"]]  # February: not in March's points
    leads = [["lead_id", "created", "owner", "company"], ["L1", d(2026, 3, 1), "Anna", "Acme"]]
    fill_tables(book, {"Deals": deals, "Activities": activities, "Leads": leads}, made.settings)
    ref, _ = table(book, "Deals")
    assert ref == "A1:N7"
    result = refresh_file(book, month="2026-03", today=dt.date(2026, 4, 15), now=d(2026, 4, 15, 9))
    report = result.report
    assert result.config_path == book.parent / "kpi.yaml"  # the kpi.yaml `new` put there
    assert report.pipeline.deals == 3
    assert report.tiles["pipeline_value"].value == 42_500
    assert report.pipeline.weighted == pytest.approx(10_000 * 0.3 + 25_000 * 0.6 + 7_500 * 0.1)  # 18,750
    assert report.tiles["action_points"].value == 2 + 2 + 2 + 5 + 1 + 1  # 13
    assert report.won_revenue == 40_000
    assert report.close_ratio == 0.5  # D4 won, D5 lost in the window
    assert list(report.pipeline.per_stage["stage"]) == ["Kennismaking", "Demo", "Voorstel"]
    assert list(report.pipeline.per_stage["value"]) == [7_500, 10_000, 25_000]


def test_the_default_config_gives_the_committed_template_byte_for_byte(tmp_path, monkeypatch, capsys):
    book = tmp_path / "sales.xlsm"
    code, out, err = new(monkeypatch, capsys, str(book))
    assert code == 0, err
    assert book.read_bytes() == template_path().read_bytes()
    assert (tmp_path / "kpi.yaml").read_bytes() == default_config_path().read_bytes()
    assert "kopie van het sjabloon" in out and "configuratie naast de werkmap gezet" in out
    # the same settings in other bytes (a comment added) still copy the template; the comment is kept
    config = tmp_path / "other" / "kpi.yaml"
    config.parent.mkdir()
    config.write_bytes(default_config_path().read_bytes() + b"\n# mijn aantekening\n")
    assert is_default(load_config(config))
    made = create_workbook(config.parent / "b.xlsm")
    assert not made.built and not made.config_written and made.config == config
    assert made.workbook.read_bytes() == template_path().read_bytes()
    assert config.read_bytes().endswith(b"# mijn aantekening\n")


def test_a_different_kpi_yaml_beside_is_refused_and_nothing_is_written(tmp_path, custom, monkeypatch, capsys):
    beside = tmp_path / "kpi.yaml"
    beside.write_bytes(default_config_path().read_bytes())
    before = listing(tmp_path)
    code, _, err = new(monkeypatch, capsys, str(tmp_path / "sales.xlsm"), "--config", str(custom))
    assert code == 1
    assert listing(tmp_path) == before  # no workbook, kpi.yaml untouched, no temporary
    message = " ".join(err.split())
    assert str(beside) in message and str(custom) in message and "--force" in message
    assert "differs from the config" in message and "verschilt" not in message  # the config's language: en


def test_force_keeps_the_different_kpi_yaml_as_bak(tmp_path, custom, monkeypatch, capsys):
    beside = tmp_path / "kpi.yaml"
    old = default_config_path().read_bytes()
    beside.write_bytes(old)
    (tmp_path / "kpi.yaml.bak").write_bytes(b"# an earlier backup\n")
    code, out, err = new(monkeypatch, capsys, str(tmp_path / "sales.xlsm"), "--config", str(custom), "--force")
    assert code == 0, err
    assert beside.read_bytes() == custom.read_bytes()
    assert (tmp_path / "kpi.yaml.bak").read_bytes() == b"# an earlier backup\n"  # an earlier backup is kept
    assert (tmp_path / "kpi.yaml.bak2").read_bytes() == old
    assert f"the previous kpi.yaml was kept as {tmp_path / 'kpi.yaml.bak2'}" in " ".join(out.split())
    assert table(tmp_path / "sales.xlsm", "Deals")[1][-5:] == STAGES


def test_an_identical_kpi_yaml_or_the_same_file_is_left_alone(tmp_path, custom):
    beside = tmp_path / "kpi.yaml"
    beside.write_bytes(custom.read_bytes())
    os.utime(beside, (1_000_000_000, 1_000_000_000))
    made = create_workbook(tmp_path / "a.xlsm", config=custom)
    assert not made.config_written and made.backup is None
    assert beside.stat().st_mtime == 1_000_000_000  # not rewritten
    again = create_workbook(tmp_path / "b.xlsm")  # no --config: the kpi.yaml beside, the same file
    assert again.config == beside and not again.config_written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsm", "b.xlsm", "configs", "kpi.yaml"]
    assert table(tmp_path / "b.xlsm", "Deals")[1][-5:] == STAGES


def test_an_existing_workbook_is_refused_without_force_and_replaced_with_it(tmp_path, custom):
    book = tmp_path / "sales.xlsm"
    book.write_bytes(b"mine")
    with pytest.raises(Exception, match="already exists"):
        create_workbook(book, config=custom)
    assert book.read_bytes() == b"mine" and not (tmp_path / "kpi.yaml").exists()
    create_workbook(book, config=custom, force=True)
    assert table(book, "Deals")[1][-5:] == STAGES
    with pytest.raises(Exception, match=r"\.xlsm"):
        create_workbook(tmp_path / "sales.xlsx", config=custom)


def test_a_failure_while_placing_the_workbook_puts_the_old_kpi_yaml_back(tmp_path, custom, monkeypatch):
    beside = tmp_path / "kpi.yaml"
    beside.write_bytes(b"language: nl\n# the director's own\n")
    before = listing(tmp_path)
    real_replace = os.replace

    def failing(src, dst):
        if str(dst).endswith(".xlsm"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(new_module.os, "replace", failing)
    with pytest.raises(OSError):
        create_workbook(tmp_path / "sales.xlsm", config=custom, force=True)
    assert listing(tmp_path) == before  # no workbook, the old kpi.yaml back, no backup, no temporary


def test_a_failure_while_building_leaves_nothing(tmp_path, custom, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(new_module, "build", broken)
    with pytest.raises(RuntimeError):
        create_workbook(tmp_path / "sales.xlsm", config=custom)
    with pytest.raises(RuntimeError):
        create_workbook(tmp_path / "new" / "folder" / "sales.xlsm", config=custom)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["configs", "new"]  # the folder it made is gone again
    assert list((tmp_path / "new").iterdir()) == []


def test_new_workbook_without_settings_is_still_the_template(tmp_path):
    book = new_workbook(tmp_path / "plain.xlsm")
    assert book.read_bytes() == template_path().read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.xlsm"]  # the library call writes no kpi.yaml


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed; CI installs it")
def test_libreoffice_opens_the_custom_workbook_with_its_tables(tmp_path, custom):
    book = tmp_path / "sales.xlsm"
    made = create_workbook(book, config=custom)
    d = dt.datetime
    fill_tables(book, {"Deals": [[*FIXED, *STAGES],
                                 ["D1", "Anna", d(2026, 3, 2), 1_000, "Demo", None, None, None, None, d(2026, 3, 2),
                                  d(2026, 3, 9)]]}, made.settings)
    refresh_file(book, month="2026-03", today=dt.date(2026, 4, 1), now=d(2026, 4, 1, 9))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "out"), str(book)], capture_output=True, timeout=180, check=True)
    converted = tmp_path / "out" / "sales.xlsx"
    ref, columns = table(converted, "Deals")  # LibreOffice kept the Table, its columns and its rows
    assert columns == [*FIXED, *STAGES] and ref == "A1:N2"
    cells = sheet_cells(converted, "Deals")
    assert [cells[(0, c)] for c in range(14)] == [*FIXED, *STAGES]
    assert cells[(1, 0)] == "D1" and cells[(1, 4)] == "Demo"
    assert re.search(r"Pipeline", " ".join(str(v) for v in sheet_cells(converted, "Dashboard").values()))


def test_a_list_excel_cannot_hold_gives_no_dropdown_and_says_so(tmp_path, monkeypatch, capsys):
    """Excel's typed drop-down list holds 255 characters, without commas or quotes in a value: past that
    the column goes without one (never a broken one, never a warning from the library)."""
    types = "".join(f"  a_very_long_activity_type_name_{i}: 1\n" for i in range(8))  # 8 × 32 + 7 commas > 255
    text = CUSTOM.replace("  mail: 1\n", "  mail: 1\n" + types).replace("name: Demo\n", 'name: "Demo, gepland"\n')
    config = tmp_path / "long.yaml"
    config.write_text(text.replace("    Demo: {", '    "Demo, gepland": {'), encoding="utf-8")
    book = tmp_path / "book" / "sales.xlsm"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out, err = new(monkeypatch, capsys, str(book), "--config", str(config))
    assert code == 0, err
    assert validations(book, "Activities") == {} and validations(book, "Deals") == {}
    _, lead_columns = table(book, "Leads")
    assert validations(book, "Leads")[f"{column_letter(lead_columns, 'qualified')}2"]["list"] == ["yes", "no"]
    said = " ".join(out.split())
    assert "column 'type' of Activities has no drop-down" in said and "a_very_long_activity_type_name_7" in said
    assert "column 'stage' of Deals has no drop-down" in said
    assert table(book, "Deals")[1][-5:] == ["Kennismaking", "Demo, gepland", "Voorstel", "Getekend", "Afgehaakt"]


def test_exactly_255_characters_still_make_a_dropdown():
    from kpi_xl.workbook.template.data_sheets import list_fits

    assert list_fits(["a" * 127, "b" * 127]) and not list_fits(["a" * 127, "b" * 128])
    assert list_fits([]) and list_fits(["ja", "nee"]) and not list_fits(['say "hi"'])


def test_a_stage_named_like_a_fixed_deals_column_is_refused(tmp_path, monkeypatch, capsys):
    config = tmp_path / "clash.yaml"
    config.write_text(CUSTOM.replace("name: Demo\n", "name: Owner\n").replace("    Demo: {", "    Owner: {"),
                      encoding="utf-8")
    code, _, err = new(monkeypatch, capsys, str(tmp_path / "book" / "sales.xlsm"), "--config", str(config))
    assert code == 1
    assert "the stage Owner has the name of a fixed column of Deals" in " ".join(err.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clash.yaml"]  # not even the folder


def test_a_dutch_config_is_answered_in_dutch(tmp_path, monkeypatch, capsys):
    config = tmp_path / "nl.yaml"
    config.write_text(CUSTOM.replace("language: en", "language: nl"), encoding="utf-8")
    book = tmp_path / "book" / "verkoop.xlsm"
    code, out, err = new(monkeypatch, capsys, str(book), "--config", str(config))
    assert code == 0, err
    said = " ".join(out.split())
    assert "Nieuwe werkmap" in said and "opgebouwd volgens de configuratie" in said
    assert "configuratie naast de werkmap gezet" in said
    assert not {"built", "config", "workbook", "stages"} & set(re.findall(r"\w+", said.replace(str(tmp_path), "")))
    deals = validations(book, "Deals")["E2"]
    assert deals["title"] == "Fase" and deals["message"] == "Deze fase staat niet in de config."
    _, lead_columns = table(book, "Leads")
    assert validations(book, "Leads")[f"{column_letter(lead_columns, 'qualified')}2"]["list"] == ["ja", "nee"]
    code, _, err = new(monkeypatch, capsys, str(book), "--config", str(config))
    assert code == 1 and "bestaat al" in err and "already" not in err
