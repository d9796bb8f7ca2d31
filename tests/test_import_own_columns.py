"""An export with its own headers — here those of the public "CRM sales opportunities" dataset
(``sales_pipeline.csv``: opportunity_id, sales_agent, product, account, deal_stage, engage_date,
close_date, close_value) — imported with a ``columns:`` section in kpi.yaml alone, then refreshed.

The six deals and the figures by hand are those of tests/test_config_columns.py (pipeline 5,371, weighted
2,148.4, won 5,618 in March 2017, close ratio 0.75, 134 days on average from engaging to won, median
133); a seventh deal, Prospecting without an engage date and without a value (as the dataset has them),
has no creation date: the import writes it as it is (nothing invented), the refresh lists it and leaves it out.
"""

from __future__ import annotations

import csv

import pytest
import yaml

from kpi_xl.config import parse_config
from kpi_xl.workbook.new import new_workbook
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.refresh import refresh_file
from tests.test_config_columns import CRM, DEALS, HEADER, assert_figures_worked_out_by_hand
from tests.workbooks import NOW, TODAY, run_cli

PROSPECT = ["0RJ9IH3K", "Zane Levy", "GTX Basic", "", "Prospecting", None, None, None]


def _csv(path, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(HEADER)
        for row in [*DEALS, PROSPECT]:
            writer.writerow(["" if v is None else v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else
                             f"{v:g}" if isinstance(v, float) else v for v in row])
    return path


@pytest.fixture
def book(tmp_path):
    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(CRM), encoding="utf-8")
    return new_workbook(tmp_path / "crm.xlsm", settings=parse_config(CRM))


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_the_public_datasets_export_imports_with_a_columns_section_and_refreshes(book, tmp_path, monkeypatch,
                                                                                capsys, delimiter):
    export = _csv(tmp_path / "sales_pipeline.csv", delimiter)
    code, err = run_cli(monkeypatch, ["import", str(book), str(export), "--no-refresh"])
    out = capsys.readouterr().out
    assert code == 0, err
    assert "7" in out and "sales_pipeline.csv" in out
    assert "product, account" in out  # the export's columns the table has no column for are named

    deals = read_workbook(book, ["Deals"]).tables["Deals"]
    header = deals[0]
    rows = {r[header.index("deal_id")]: r for r in deals[1:]}
    assert set(rows) == {d[0] for d in DEALS} | {PROSPECT[0]}
    assert rows["LAEUZ1TV"][header.index("owner")] == "Zane Levy"
    assert rows["LAEUZ1TV"][header.index("value")] == 4821
    assert rows[PROSPECT[0]][header.index("created")] in ("", None)  # nothing invented

    report = refresh_file(book, now=NOW, today=TODAY).report
    assert_figures_worked_out_by_hand(report)
    left_out = [(p.table, p.row, p.column) for p in report.problems if p.row is not None]
    assert left_out == [("Deals", 8, "created")]  # the Prospecting deal without an engage date: listed, left out


def test_without_the_columns_section_the_file_is_not_taken_for_a_table(book, tmp_path, monkeypatch):
    config = {k: v for k, v in CRM.items() if k != "columns"}
    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    export = _csv(tmp_path / "sales_pipeline.csv")
    before = book.read_bytes()
    code, err = run_cli(monkeypatch, ["import", str(book), str(export)])
    assert code == 1 and "sales_pipeline.csv" in err
    assert book.read_bytes() == before


def test_a_table_with_the_users_own_headers_is_filled_under_them(tmp_path, monkeypatch):
    """The workbook's Deals table itself carries the export's headers (the user renamed them): the import
    writes each field under the header `columns:` names for it."""
    pytest.importorskip("openpyxl")
    from tests.test_config_columns import crm_workbook

    book = crm_workbook(tmp_path / "own.xlsm", deals=DEALS[:2])
    export = _csv(tmp_path / "sales_pipeline.csv")
    code, err = run_cli(monkeypatch, ["import", str(book), str(export), "--no-refresh"])
    assert code == 0, err
    deals = read_workbook(book, ["Deals"]).tables["Deals"]
    header = deals[0]
    assert {"opportunity_id", "sales_agent", "close_value", "deal_stage"} <= set(header)
    rows = {r[header.index("opportunity_id")]: r for r in deals[1:]}
    assert len(rows) == 7
    assert rows["LAEUZ1TV"][header.index("sales_agent")] == "Zane Levy"
    assert rows["LAEUZ1TV"][header.index("close_value")] == 4821
    assert rows["LAEUZ1TV"][header.index("deal_stage")] == "Engaging"
    report = refresh_file(book, now=NOW, today=TODAY).report
    assert report.tiles["pipeline_value"].value == pytest.approx(5371.0)
