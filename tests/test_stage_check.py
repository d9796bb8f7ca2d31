"""What ``kpi-xl check`` says about stages: configured stages without any date, and stage names in the data
that the config lacks (per name: how many rows, the first five Excel rows)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from kpi_xl import read_table, read_tables
from kpi_xl.report.console import stage_lines
from kpi_xl.tables.columns import read_table_columns
from kpi_xl.tables.stage_check import stage_report
from tests import company as c
from tests.test_config_columns import DEALS, crm_workbook
from tests.workbooks import run_cli

D = dt.datetime


def unknown(found) -> list[tuple[str, int, tuple[int, ...]]]:
    return [(stage, int(count), rows) for stage, count, rows in found.itertuples(index=False)]


def messy_deals() -> dict:
    """The company's Deals (rows 2-14) with stages the config lacks, typed several ways."""
    raw = c.raw_tables()
    for row, stage in {3: "Demo", 5: "demo ", 6: "DEMO", 8: "Demo", 9: "Demo", 10: "Demo", 12: "Pitch",
                       13: "#N/A", 14: None}.items():
        raw["Deals"][row - 1][4] = stage
    return raw


def test_unknown_stages_are_counted_per_name_with_their_first_rows():
    tables = c.tables(messy_deals())
    assert unknown(tables.unknown_stages["Deals"]) == [("Demo", 6, (3, 5, 6, 8, 9)), ("Pitch", 1, (12,))]
    report = stage_report(tables, c.settings())
    assert report.without_dates == []  # every stage has its column in the company's Deals
    assert stage_lines(report, "nl") == [
        "fase 'Demo' staat niet in de config: 6 deals (rijen 3, 5, 6, 8, 9, …)",
        "fase 'Pitch' staat niet in de config: 1 deal (rij 12)",
    ]
    assert stage_lines(report, "en") == [
        "stage 'Demo' is not in the config: 6 deals (rows 3, 5, 6, 8, 9, …)",
        "stage 'Pitch' is not in the config: 1 deal (row 12)",
    ]


def test_the_stage_history_table_is_counted_too_and_gives_every_stage_its_dates():
    history = [["D01", "Lead", D(2026, 8, 1)], ["D01", "Demo", D(2026, 8, 3)], ["D02", "Kwalificatie", D(2026, 6, 1)],
               ["D02", "demo", D(2026, 6, 9)], ["D02", "Intake", D(2026, 6, 15)]]
    deals = [c.deal("D01", "Anna", D(2026, 8, 1), 100.0, "Lead"), c.deal("D02", "Bram", D(2026, 6, 1), 50.0, "Intake")]
    tables = read_tables(c.mini(deals=deals, history=history), c.settings())
    assert unknown(tables.unknown_stages["StageHistory"]) == [("Demo", 2, (3, 5)), ("Kwalificatie", 1, (4,))]
    report = stage_report(tables, c.settings(language="en"))
    assert report.without_dates == []
    assert stage_lines(report, "en") == [
        "stage 'Demo' is not in the config: 2 rows in StageHistory (rows 3, 5)",
        "stage 'Kwalificatie' is not in the config: 1 row in StageHistory (row 4)",
    ]
    assert stage_lines(report, "nl")[1] == "fase 'Kwalificatie' staat niet in de config: 1 rij in StageHistory (rij 4)"


def test_configured_stages_without_a_date_column():
    raw = c.raw_tables()
    keep = [0, 1, 2, 3, 4, 5, 6, 7, 9]  # deal_id … lead_id, Gesloten, and of the stages only Intake
    raw["Deals"] = [[row[i] for i in keep] for row in raw["Deals"]]
    tables = c.tables(raw)
    assert tables.stage_columns == ("Intake",)
    report = stage_report(tables, c.settings())
    assert report.without_dates == ["Lead", "Offerte", "Onderhandeling"]  # won and lost: 'Gesloten'
    assert stage_lines(report, "nl")[0] == (
        "fase 'Lead' heeft geen datumkolom in Deals (en er is geen tabel StageHistory); de tijd in die fase en de "
        "conversie ernaar zijn niet te berekenen")
    assert stage_lines(report, "en")[2] == (
        "stage 'Onderhandeling' has no date column in Deals (and there is no StageHistory table); the time in that "
        "stage and the conversion to it cannot be computed")
    no_closed = [[row[i] for i in keep if i != 5] for row in c.raw_tables()["Deals"]]
    raw["Deals"] = no_closed
    without = stage_report(c.tables(raw), c.settings()).without_dates
    assert without == ["Lead", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"]
    # an empty StageHistory table gives no dates: the Deals columns still decide
    raw["StageHistory"] = [["Deal", "Fase", "Datum"]]
    assert stage_report(c.tables(raw), c.settings()).without_dates == without


def test_nothing_to_say_about_a_clean_table():
    report = stage_report(c.tables(), c.settings())
    assert not report and stage_lines(report, "nl") == []


def big_deals(n: int = 600) -> list[list[object]]:
    """``n`` deals in Intake, except 'Demo' in every hundredth (Excel rows 9, 109, …) and 'Pitch' in row 300."""
    rows = [["deal_id", "owner", "created", "value", "stage"]]
    for i in range(n):
        row = i + 2
        stage = "Demo" if row % 100 == 9 else "Pitch" if row == 300 else "Intake"
        rows.append([f"D{i}", "Anna", D(2026, 1, 1) + dt.timedelta(days=i % 200), 100.0, stage])
    return rows


def test_a_large_table_per_distinct_value():
    rows = big_deals()
    expected = [("Demo", 6, (9, 109, 209, 309, 409)), ("Pitch", 1, (300,))]
    assert unknown(read_table("Deals", rows, c.settings()).unknown_stages) == expected
    columns = [pa.array([row[j] for row in rows[1:]]) for j in range(5)]
    assert unknown(read_table_columns("Deals", rows[0], columns, c.settings()).unknown_stages) == expected


# ----------------------------------------------------------------------------
# the command


def test_check_prints_the_stage_report(tmp_path, monkeypatch, capsys):
    """The export's workbook (see tests/test_config_columns.py) with two deals in a stage the config lacks:
    Excel rows 8 and 9. Prospecting and Engaging have no date column; Won and Lost take 'close_date'."""
    closing = [["X1", "Zane Levy", "GTX Basic", "Hatfan", "Closing", D(2017, 3, 2), None, 550.0],
               ["X2", "Moses Frase", "GTX Basic", "Hatfan", "closing", D(2017, 3, 3), None, 550.0]]
    book = crm_workbook(tmp_path / "crm.xlsm", [*DEALS, *closing])
    code, errors = run_cli(monkeypatch, ["check", str(book)])
    said = " ".join(capsys.readouterr().out.split())
    assert code == 1, said + errors
    assert ("Stages: stage 'Prospecting' has no date column in Deals (and there is no StageHistory table); the time "
            "in that stage and the conversion to it cannot be computed stage 'Engaging' has no date column") in said
    assert "stage 'Closing' is not in the config: 2 deals (rows 8, 9)" in said
    assert "2 data problems" in said
