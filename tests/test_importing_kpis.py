"""The key check of the import: each CRM's exports of the sample company, imported, give the KPIs of the
same company typed into the tables directly (both through the refresh's table reading and
``kpi_xl.month.compute``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import yaml

from kpi_xl.config import parse_config
from kpi_xl.config.load import default_config_path
from kpi_xl.importing import read_exports
from kpi_xl.month import compute
from kpi_xl.sample import generate
from kpi_xl.tables.columns import read_table_columns
from kpi_xl.tables.read import assemble
from tests import crm_exports as fx

LATER = dt.date(2027, 1, 15)
MONTH = "2026-10"


def config(**imports):
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    if imports:
        data["import"] = imports
    return parse_config(data)


@pytest.fixture(scope="module")
def company():
    return generate(seed=7)


def report(frames: dict[str, pd.DataFrame], settings):
    """The month's KPIs of tables handed over column by column, as the refresh reads them."""
    parsed = {name: read_table_columns(name, list(frame.columns), [frame[c] for c in frame.columns], settings)
              for name, frame in frames.items()}
    return compute(assemble(parsed, settings), settings, MONTH, today=LATER)


def numbers(rep) -> dict[str, object]:
    out = {f"{kpi}.value": tile.value for kpi, tile in rep.tiles.items()}
    out |= {f"{kpi}.previous": tile.previous for kpi, tile in rep.tiles.items()}
    out |= {"won_revenue": rep.won_revenue, "close_ratio": rep.close_ratio, "quote_to_close": rep.quote_to_close,
            "cycle.median": rep.cycle.median, "sleeping": len(rep.sleeping)}
    for column in rep.trends.columns:
        out |= {f"trend.{column}.{i}": v for i, v in enumerate(rep.trends[column].tolist())}
    return out


def same(imported: dict, typed: dict) -> None:
    assert imported.keys() == typed.keys()
    for key, value in typed.items():
        got = imported[key]
        if isinstance(value, float) and isinstance(got, float):
            assert got == pytest.approx(value, rel=1e-9, nan_ok=True), key
        else:
            assert got == value, key


def compare(company, crm: str, paths, settings) -> dict:
    result = read_exports(paths, settings)
    assert result.crm == crm
    typed = fx.reference(company, crm)
    imported = {name: result.tables.get(name, frame) for name, frame in typed.items()}
    expected = numbers(report(typed, settings))
    got = numbers(report(imported, settings))
    same(got, expected)
    # not a comparison of two empty reports
    assert expected["won_revenue"] > 0 and expected["pipeline_value.value"] > 0
    assert expected["action_points.value"] > 0
    return got


@pytest.mark.parametrize("language", ["en", "nl"])
def test_pipedrive_kpis_equal_typed(company, tmp_path, language):
    paths = fx.write_pipedrive(company, tmp_path, language)
    compare(company, "pipedrive", paths, config(pipeline="Sales"))


@pytest.mark.parametrize(("language", "xlsx"), [("en", False), ("nl", True), ("nl", False)])
def test_hubspot_kpis_equal_typed(company, tmp_path, language, xlsx):
    paths = fx.write_hubspot(company, tmp_path, language, xlsx=xlsx)
    compare(company, "hubspot", paths, config(pipeline=fx.PIPELINE))


def test_salesforce_kpis_equal_typed(company, tmp_path):
    compare(company, "salesforce", fx.write_salesforce(company, tmp_path), config())


def test_teamleader_kpis_equal_typed(company, tmp_path):
    compare(company, "teamleader", fx.write_teamleader(company, tmp_path), config())


def test_the_reference_differs_when_a_fact_differs(company, tmp_path):
    """The comparison can fail: a deal's value changed in the export changes the numbers."""
    paths = fx.write_teamleader(company, tmp_path)
    frame = pd.read_csv(paths[0], sep=";", dtype=str, keep_default_na=False)
    won = np.flatnonzero((frame["Status"] == "gewonnen").to_numpy())
    frame.loc[won[-1], "Geschatte waarde"] = "999.999,00"
    frame.to_csv(paths[0], sep=";", index=False)
    with pytest.raises(AssertionError):
        compare(company, "teamleader", paths, config())


@pytest.mark.parametrize("headers", ["nl", "en"])
def test_own_files_kpis_equal_typed(company, tmp_path, headers):
    """The user's own files named after their tables (Dutch or English headers; CSV with ; and an XLSX)
    give the KPIs of the same tables typed in."""
    rows = company.rows(history=True, headers=headers)
    names = {"Deals": "Deals.xlsx", "Activities": "activiteiten.csv", "Leads": "leads.csv",
             "Customers": "Klanten.csv", "StageHistory": "stagehistory.csv"}
    paths = []
    for table, name in names.items():
        frame = pd.DataFrame(rows[table][1:], columns=rows[table][0])
        path = tmp_path / name
        if name.endswith(".xlsx"):
            frame.to_excel(path, index=False, engine="xlsxwriter")
        else:
            frame.to_csv(path, index=False, sep=";", date_format="%d-%m-%Y")
        paths.append(path)
    settings = config()
    result = read_exports(paths, settings)
    assert result.crm is None
    assert [(f.kind, f.table) for f in result.files] == [("table", t) for t in names]
    assert not result.problems and not result.unmapped
    typed = {"Leads": company.leads, "Activities": company.activities.assign(type=company.activity_labels),
             "Deals": pd.concat([company.deals, company.stage_dates], axis=1), "Customers": company.customers,
             "StageHistory": company.stage_history()}
    expected = numbers(report(typed, settings))
    same(numbers(report(result.tables, settings)), expected)
    assert expected["won_revenue"] > 0
