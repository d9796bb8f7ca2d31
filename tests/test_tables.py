"""Raw rows, exactly as Excel hands them over (header row, then values), → typed tables and problems."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpi_xl.config import load_config, parse_config
from kpi_xl.errors import KpiError, Problem, TableError
from kpi_xl.tables import ROW, read_table, read_tables, tables_from_frames

SHIPPED = Path(__file__).resolve().parent.parent / "config" / "kpi.yaml"
NA_COM = -2146826246  # how classic xlwings on Windows hands over #N/A
D = dt.datetime


@pytest.fixture(scope="module")
def nl():
    return load_config(SHIPPED)


@pytest.fixture(scope="module")
def en():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["language"] = "en"
    return parse_config(data)


def codes(problems) -> list[tuple]:
    """(row, column, value, code) of each problem, in order."""
    return [(p.row, p.column, p.value, p.code) for p in problems]


def minimal(**override):
    """The four tables with one good row each; ``override`` replaces a table's rows."""
    raw = {
        "Leads": [["lead_id", "created"], ["L1", D(2026, 1, 5)]],
        "Activities": [["date", "owner", "type"], [D(2026, 1, 6), "Jan", "call"]],
        "Deals": [["deal_id", "owner", "created", "value", "stage"], ["D1", "Jan", D(2026, 1, 2), 1000.0, "Intake"]],
        "Customers": [["customer_id", "since"], ["C1", D(2025, 1, 1)]],
    }
    raw.update(override)
    return raw


# ----------------------------------------------------------------------------
# headers


def test_dutch_headers_with_odd_case_and_spaces(nl):
    rows = [
        [" Lead ID ", " Eerste contact ", "EIGENAAR", "Bron", "Gekwalificeerd", "Aantal FTE", "branche"],
        ["L1", D(2026, 3, 1), "Jan", "Website", "ja", 12, "ICT"],
    ]
    table = read_table("Leads", rows, nl)
    frame = table.frame
    assert frame.loc[0, "lead_id"] == "L1"
    assert frame.loc[0, "created"] == pd.Timestamp("2026-03-01")
    assert frame.loc[0, "owner"] == "Jan"
    assert frame.loc[0, "source"] == "Website"
    assert bool(frame.loc[0, "qualified"]) is True
    assert frame.loc[0, "industry"] == "ICT"
    # the unknown column is kept under a normalised key, with its value as given
    assert frame.loc[0, "aantal_fte"] == 12
    # the user's headers, trimmed, for messages
    assert table.headers["lead_id"] == "Lead ID"
    assert table.headers["created"] == "Eerste contact"
    assert table.headers["aantal_fte"] == "Aantal FTE"
    assert table.problems == []


@pytest.mark.parametrize(
    ("headers", "canonical"),
    [
        (["lead_id", "created", "owner"], ["lead_id", "created", "owner"]),
        (["Lead ID", "Created", "Owner"], ["lead_id", "created", "owner"]),
        (["LEAD-ID", "aangemaakt", "verkoper"], ["lead_id", "created", "owner"]),
        (["leadnummer", "First contact", "Account Manager"], ["lead_id", "created", "owner"]),
        (["Lead_Nr", "Datum", "eigenaar"], ["lead_id", "created", "owner"]),
    ],
)
def test_header_aliases(nl, headers, canonical):
    table = read_table("Leads", [headers, ["L1", "2026-03-01", "Jan"]], nl)
    assert list(table.frame[canonical].iloc[0]) == ["L1", pd.Timestamp("2026-03-01"), "Jan"]


def test_deals_headers_in_dutch(nl):
    rows = [["Deal", "Verkoper", "Aangemaakt", "Waarde", "Fase", "Gesloten", "Klant"],
            ["D1", "Jan", "2026-01-05", "€ 1.234,56", "offerte", None, "C1"]]
    frame = read_table("Deals", rows, nl).frame
    assert frame.loc[0, ["deal_id", "owner", "customer_id", "stage"]].tolist() == ["D1", "Jan", "C1", "Offerte"]
    assert frame.loc[0, "value"] == pytest.approx(1234.56)
    assert frame.loc[0, "closed"] is pd.NaT


def test_same_column_twice_keeps_the_first_and_reports(nl, en):
    rows = [["lead_id", "created", "Eigenaar", "Verkoper"], ["L1", "2026-03-01", "Jan", "Piet"]]
    table = read_table("Leads", rows, en)
    assert table.frame.loc[0, "owner"] == "Jan"
    assert codes(table.problems) == [(1, "Verkoper", None, "duplicate_header")]
    assert table.problems[0].message("en") == (
        "Leads, row 1, column 'Verkoper': column 'Eigenaar' appears twice (also as 'Verkoper'); the first one is used"
    )


def test_columns_with_a_blank_header_are_ignored(nl):
    rows = [["lead_id", None, "created", ""], ["L1", "weg", "2026-03-01", "ook weg"]]
    table = read_table("Leads", rows, nl)
    assert set(table.frame.columns) == {"lead_id", "created", "owner", "company", "source", "qualified",
                                        "industry", "employees", "region", "budget", ROW}


# ----------------------------------------------------------------------------
# missing columns and tables


def test_missing_required_column_names_table_column_and_found_headers(en):
    rows = [["Deal ID", "Eigenaar", "created", " Fase "], ["D1", "Jan", "2026-01-01", "Intake"]]
    with pytest.raises(TableError) as info:
        read_table("Deals", rows, en)
    assert str(info.value) == ("Deals: column 'value' is missing (columns found: 'Deal ID', 'Eigenaar', 'created', 'Fase')"
                               "\nDoes your table call it something else? Name your header in kpi.yaml, for example "
                               "columns: {Deals: {value: [your header]}}")
    assert isinstance(info.value, KpiError)


def test_missing_required_column_in_dutch(nl):
    rows = [["deal_id", "Eigenaar", "created", "stage"]]
    with pytest.raises(TableError) as info:
        read_table("Deals", rows, nl)
    assert str(info.value) == ("Deals: kolom 'value' ontbreekt (gevonden kolommen: 'deal_id', 'Eigenaar', 'created', "
                               "'stage')\nHeet die kolom bij u anders? Noem uw kolomnaam in kpi.yaml, bijvoorbeeld "
                               "columns: {Deals: {value: [uw kolomnaam]}}")


def test_every_missing_column_of_every_table_in_one_error(en):
    raw = minimal(Deals=[["deal_id", "owner"]], Customers=[["klant"]])
    with pytest.raises(TableError) as info:
        read_tables(raw, en)
    message = str(info.value)
    for column in ("created", "value", "stage"):
        assert f"Deals: column '{column}' is missing (columns found: 'deal_id', 'owner')" in message
    assert "Customers: column 'since' is missing (columns found: 'klant')" in message


@pytest.mark.parametrize("rows", [[], [[]], [[None, "", "  "]], [[None, None], ["L1", "2026-01-01"]]])
def test_no_header_row(en, rows):
    with pytest.raises(TableError) as info:
        read_table("Leads", rows, en)
    assert str(info.value) == "Leads: no header row found; the first row must hold the column names"


def test_absent_table(nl, en):
    raw = minimal()
    del raw["Customers"]
    with pytest.raises(TableError) as info:
        read_tables(raw, en)
    assert str(info.value) == "Customers: table not found; make an Excel Table named 'Customers'"
    with pytest.raises(TableError) as info:
        read_tables(raw, nl)
    assert str(info.value) == "Customers: tabel niet gevonden; maak een Excel-tabel met de naam 'Customers'"


# ----------------------------------------------------------------------------
# shapes


def test_header_only_gives_empty_typed_frames(en):
    tables = read_tables(
        {"Leads": [["lead_id", "created"]], "Activities": [["date", "owner", "type"]],
         "Deals": [["deal_id", "owner", "created", "value", "stage"]], "Customers": [["customer_id", "since"]]},
        en,
    )
    assert len(tables.leads) == len(tables.activities) == len(tables.deals) == len(tables.customers) == 0
    assert tables.leads.dtypes.to_dict() == {
        "lead_id": object, "created": "datetime64[ns]", ROW: "int64", "owner": object, "company": object,
        "source": object, "qualified": "boolean", "industry": object, "employees": "float64", "region": object,
        "budget": "float64",
    }
    assert tables.deals.dtypes.to_dict() == {
        "deal_id": object, "owner": object, "created": "datetime64[ns]", "value": "float64", "stage": object,
        ROW: "int64", "closed": "datetime64[ns]", "lost_reason": object, "customer_id": object, "lead_id": object,
    }
    assert set(tables.activities.columns) == {"date", "owner", "type", "lead_id", "deal_id", "customer_id",
                                              "notes", ROW}
    assert tables.customers["until"].dtype == "datetime64[ns]"
    assert tables.customers["revenue"].dtype == "float64"
    assert list(tables.stage_events.columns) == ["deal_id", "stage", "date", ROW, "_column"]
    assert tables.stage_events["date"].dtype == "datetime64[ns]"
    assert tables.history_source is None
    assert tables.problems == []


def test_one_row_table(en):
    table = read_table("Customers", [["customer_id", "since", "revenue"], ["C1", 45658, "€ 12.000"]], en)
    assert len(table.frame) == 1
    assert table.frame.loc[0, "since"] == pd.Timestamp("2025-01-01")
    assert table.frame.loc[0, "revenue"] == 12000.0
    assert table.frame.loc[0, "until"] is pd.NaT
    assert table.frame.loc[0, ROW] == 2


def test_rows_shorter_and_longer_than_the_header(en):
    rows = [["lead_id", "created", "owner", "source"],
            ["L1", "2026-03-01"],  # short: owner and source blank
            ["L2", "2026-03-02", "Jan", "Event", "extra", 12, None]]  # long: the extra cells are ignored
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L1", "L2"]
    assert table.frame["owner"].tolist() == [None, "Jan"]
    assert table.frame["source"].tolist() == [None, "Event"]
    assert table.problems == []


def test_tuples_and_a_single_cell_row(en):
    rows = (("lead_id",), ("L1",), "L2")
    with pytest.raises(TableError):  # created is required
        read_table("Leads", rows, en)
    rows = (("lead_id", "created"), ("L1", "2026-03-01"))
    assert read_table("Leads", rows, en).frame["lead_id"].tolist() == ["L1"]


def test_blank_rows_in_the_middle_are_skipped_silently(en):
    rows = [["lead_id", "created", "owner"],
            ["L1", "2026-03-01", "Jan"],
            [None, None, None],
            ["", "  ", None],
            [None],
            ["L2", "2026-03-02", "Piet"],
            [None, None, None]]
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L1", "L2"]
    assert table.frame[ROW].tolist() == [2, 6]  # the Excel rows, gaps included
    assert table.problems == []


def test_row_with_only_an_ignored_column_filled_is_blank(en):
    rows = [["lead_id", "created", None], ["L1", "2026-03-01", None], [None, None, "notitie"]]
    table = read_table("Leads", rows, en)
    assert len(table.frame) == 1 and table.problems == []


# ----------------------------------------------------------------------------
# dates


def test_dates_in_every_form(en):
    values = [D(2026, 3, 31, 14, 5), dt.date(2026, 3, 31), 46000, 45351, "2026-03-31", "31-03-2026",
              "31/03/2026", "31 mrt 2026", "31 maart 2026", "31 Mar 2026", "2026-03-31T09:15:00"]
    rows = [["lead_id", "created"]] + [[f"L{i}", v] for i, v in enumerate(values)]
    table = read_table("Leads", rows, en)
    expected = ["2026-03-31", "2026-03-31", "2025-12-09", "2024-02-29"] + ["2026-03-31"] * 7
    assert table.frame["created"].tolist() == [pd.Timestamp(d) for d in expected]
    assert table.problems == []


def test_impossible_date_names_table_row_header_and_value_and_leaves_the_row_out(en):
    rows = [["Lead ID", " Eerste contact "], ["L1", "2026-03-01"], ["L2", "31-02-2026"], ["L3", "2026-03-03"]]
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L1", "L3"]
    assert codes(table.problems) == [(3, "Eerste contact", "31-02-2026", "bad_date")]
    assert table.problems[0].message("en") == (
        "Leads, row 3, column 'Eerste contact' ('31-02-2026'): not a valid date; "
        "use for example 2026-03-31 or 31-03-2026; the row is left out"
    )
    assert table.problems[0].message("nl") == (
        "Leads, rij 3, kolom 'Eerste contact' ('31-02-2026'): geen geldige datum; "
        "gebruik bijvoorbeeld 31-03-2026 of 2026-03-31; de rij telt niet mee"
    )


def test_blank_row_key_is_reported_and_the_row_left_out(en):
    rows = [["lead_id", "created"], [None, "2026-03-01"], ["L2", None], ["L3", "2026-03-01"]]
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L3"]
    assert codes(table.problems) == [(2, "lead_id", None, "required_empty"), (3, "created", None, "required_empty")]
    assert table.problems[1].message("en") == "Leads, row 3, column 'created': required value is empty; the row is left out"


def test_bad_date_outside_the_row_keys_keeps_the_row(en):
    rows = [["deal_id", "owner", "created", "value", "stage", "closed"],
            ["D1", "Jan", "2026-01-01", 100, "Gewonnen", "gisteren"]]
    table = read_table("Deals", rows, en)
    assert table.frame["deal_id"].tolist() == ["D1"]
    assert table.frame.loc[0, "closed"] is pd.NaT
    assert codes(table.problems) == [(2, "closed", "gisteren", "bad_date")]
    assert table.problems[0].message("en") == (
        "Deals, row 2, column 'closed' ('gisteren'): not a valid date; use for example 2026-03-31 or 31-03-2026"
    )


# ----------------------------------------------------------------------------
# money


def test_amounts_in_every_form(en):
    values = [1500, 1234.56, "€ 1.234,56", "1,234.56", "12k", "1.234", "12,5", None]
    rows = [["deal_id", "owner", "created", "value", "stage"]] + [
        [f"D{i}", "Jan", "2026-01-01", v, "Intake"] for i, v in enumerate(values)]
    frame = read_table("Deals", rows, en).frame
    assert frame["value"].tolist()[:7] == pytest.approx([1500, 1234.56, 1234.56, 1234.56, 12000, 1234, 12.5])
    assert math.isnan(frame["value"].iloc[7])


def test_negative_amount_is_reported_and_left_out_of_sums_but_the_row_stays(en):
    rows = [["deal_id", "owner", "created", "Waarde", "stage"],
            ["D1", "Jan", "2026-01-01", "(100)", "Intake"],
            ["D2", "Jan", "2026-01-01", -250, "Intake"],
            ["D3", "Jan", "2026-01-01", 300, "Intake"]]
    table = read_table("Deals", rows, en)
    assert table.frame["deal_id"].tolist() == ["D1", "D2", "D3"]
    values = table.frame["value"]
    assert math.isnan(values.iloc[0]) and math.isnan(values.iloc[1])  # never 0, never negative
    assert values.iloc[2] == 300
    assert values.sum() == 300
    assert codes(table.problems) == [(2, "Waarde", "(100)", "negative_money"), (3, "Waarde", -250, "negative_money")]
    assert table.problems[1].message("en") == (
        "Deals, row 3, column 'Waarde' (-250): amount is negative; the row is left out of the amounts"
    )
    assert table.problems[1].message("nl") == (
        "Deals, rij 3, kolom 'Waarde' (-250): bedrag is negatief; de rij telt niet mee in de bedragen"
    )


def test_unreadable_amount_is_nan_and_reported(en):
    rows = [["deal_id", "owner", "created", "value", "stage"], ["D1", "Jan", "2026-01-01", "abc", "Intake"]]
    table = read_table("Deals", rows, en)
    assert len(table.frame) == 1 and math.isnan(table.frame.loc[0, "value"])
    assert codes(table.problems) == [(2, "value", "abc", "bad_money")]
    assert table.problems[0].message("nl") == (
        "Deals, rij 2, kolom 'value' ('abc'): geen geldig bedrag; gebruik een getal zoals 1234,56; "
        "de rij telt niet mee in de bedragen"
    )


# ----------------------------------------------------------------------------
# qualified (yes/no)


def test_qualified_yes_no_in_every_form(en):
    values = ["ja", "nee", "yes", "no", "true", "false", "1", "0", True, False, 1, 0, None, "misschien"]
    rows = [["lead_id", "created", "qualified"]] + [[f"L{i}", "2026-03-01", v] for i, v in enumerate(values)]
    table = read_table("Leads", rows, en)
    got = table.frame["qualified"]
    assert got.dtype == "boolean"
    assert got.iloc[:12].tolist() == [True, False] * 6
    assert got.iloc[12] is pd.NA and got.iloc[13] is pd.NA
    assert len(table.frame) == 14  # a bad yes/no does not cost the lead
    assert codes(table.problems) == [(15, "qualified", "misschien", "bad_bool")]
    assert table.problems[0].message("nl") == "Leads, rij 15, kolom 'qualified' ('misschien'): gebruik ja/nee (of leeg laten)"


# ----------------------------------------------------------------------------
# Excel error values


def test_excel_errors_in_any_column(en):
    rows = [["lead_id", "created", "owner", "employees", "qualified", "Sector code"],
            ["L1", "#N/A", "Jan", 10, "ja", "A"],
            ["L2", "2026-03-01", "#REF!", "#DIV/0!", NA_COM, "#VALUE!"],
            ["L3", NA_COM, "Jan", 10, "ja", "B"]]
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L2"]  # the #N/A dates cost L1 and L3
    frame = table.frame
    assert frame.loc[0, "owner"] is None
    assert math.isnan(frame.loc[0, "employees"])
    assert frame.loc[0, "qualified"] is pd.NA
    assert frame.loc[0, "sector_code"] is None
    assert sorted(codes(table.problems)) == sorted([
        (2, "created", "#N/A", "excel_error"),
        (3, "owner", "#REF!", "excel_error"),
        (3, "employees", "#DIV/0!", "excel_error"),
        (3, "qualified", "#N/A", "excel_error"),
        (3, "Sector code", "#VALUE!", "excel_error"),
        (4, "created", "#N/A", "excel_error"),
    ])
    com = next(p for p in table.problems if p.row == 4)
    assert com.message("en") == (
        "Leads, row 4, column 'created' ('#N/A'): Excel error value #N/A; fix the formula or value; the row is left out"
    )
    assert com.message("nl") == (
        "Leads, rij 4, kolom 'created' ('#N/A'): Excel-foutwaarde #N/A; corrigeer de formule of waarde; "
        "de rij telt niet mee"
    )


def test_excel_error_in_a_money_column_is_not_a_second_problem(en):
    rows = [["deal_id", "owner", "created", "value", "stage"], ["D1", "Jan", "2026-01-01", "#N/A", "Intake"]]
    table = read_table("Deals", rows, en)
    assert codes(table.problems) == [(2, "value", "#N/A", "excel_error")]
    assert math.isnan(table.frame.loc[0, "value"])


# ----------------------------------------------------------------------------
# ids, stages, activity types, customers


def test_duplicate_ids_keep_the_first_and_report_the_later_with_both_rows(en):
    rows = [["Lead ID", "created", "owner"],
            ["L1", "2026-03-01", "Jan"],
            ["L2", "2026-03-02", "Jan"],
            [" L1 ", "2026-03-03", "Piet"],
            [1001, "2026-03-04", "Piet"],
            ["1001", "2026-03-05", "Piet"]]
    table = read_table("Leads", rows, en)
    assert table.frame["lead_id"].tolist() == ["L1", "L2", "1001"]
    assert table.frame["owner"].tolist() == ["Jan", "Jan", "Piet"]
    assert codes(table.problems) == [(4, "Lead ID", "L1", "duplicate_id"), (6, "Lead ID", "1001", "duplicate_id")]
    assert table.problems[0].params["first_row"] == 2
    assert table.problems[0].message("en") == (
        "Leads, row 4, column 'Lead ID' ('L1'): duplicate Lead ID (also in row 2); only the first one counts"
    )
    assert table.problems[1].message("nl") == (
        "Leads, rij 6, kolom 'Lead ID' ('1001'): dubbele Lead ID (ook in rij 5); alleen de eerste telt mee"
    )


def test_unknown_stage_in_deals_is_reported_and_none(en):
    rows = [["deal_id", "owner", "created", "value", "Fase"],
            ["D1", "Jan", "2026-01-01", 100, " quote "],
            ["D2", "Jan", "2026-01-01", 100, "Prospect"],
            ["D3", "Jan", "2026-01-01", 100, None]]
    table = read_table("Deals", rows, en)
    assert table.frame["deal_id"].tolist() == ["D1", "D2", "D3"]  # the deals stay
    assert table.frame["stage"].tolist() == ["Offerte", None, None]
    assert codes(table.problems) == [(3, "Fase", "Prospect", "unknown_stage")]
    assert table.problems[0].message("en") == (
        "Deals, row 3, column 'Fase' ('Prospect'): stage 'Prospect' is not in the config "
        "(known: Lead, Intake, Offerte, Onderhandeling, Gewonnen, Verloren); the deal is left out of stage KPIs"
    )


def test_activity_types_by_alias_and_unknown_kept_as_label(en):
    rows = [["Datum", "Eigenaar", "Soort"],
            ["2026-01-05", "Jan", "Bellen"],
            ["2026-01-05", "Jan", " E-mail "],
            ["2026-01-06", "Jan", "Fax"],
            ["2026-01-06", "Jan", None]]
    table = read_table("Activities", rows, en)
    assert table.frame["type"].tolist() == ["call", "email", "Fax"]
    assert codes(table.problems) == [(4, "Soort", "Fax", "unknown_activity_type"), (5, "Soort", None, "required_empty")]
    assert table.problems[0].message("nl") == (
        "Activities, rij 4, kolom 'Soort' ('Fax'): activiteitstype 'Fax' staat niet in de config; telt als 0 punten"
    )


def test_activity_without_owner_counts_for_the_team(en):
    rows = [["date", "owner", "type"], ["2026-01-05", None, "call"]]
    table = read_table("Activities", rows, en)
    assert table.frame["owner"].tolist() == [None]
    assert table.problems == []


def test_customer_until_before_since_is_left_out(en):
    rows = [["klant", "sinds", "tot"],
            ["C1", "2025-01-01", "2024-06-30"],
            ["C2", "2025-01-01", None],
            ["C3", "2025-01-01", "2025-01-01"]]
    table = read_table("Customers", rows, en)
    assert table.frame["customer_id"].tolist() == ["C2", "C3"]
    assert codes(table.problems) == [(2, "tot", dt.date(2024, 6, 30), "until_before_since")]
    assert table.problems[0].message("en") == (
        "Customers, row 2, column 'tot' (2024-06-30): end date is before the start date (2025-01-01); "
        "the row is left out"
    )


def test_customer_with_unreadable_until_is_left_out_not_taken_as_active(en):
    rows = [["customer_id", "since", "until"], ["C1", "2025-01-01", "ooit"], ["C2", "2025-01-01", "#N/A"],
            ["C3", "2025-01-01", None]]
    table = read_table("Customers", rows, en)
    assert table.frame["customer_id"].tolist() == ["C3"]
    assert codes(table.problems) == [(3, "until", "#N/A", "excel_error"), (2, "until", "ooit", "bad_date")]
    assert all(p.reason("en").endswith("the row is left out") for p in table.problems)


# ----------------------------------------------------------------------------
# stage history


DEALS_WITH_STAGE_COLUMNS = [
    ["deal_id", "owner", "created", "value", "stage", "Intake", "Offerte", "Gewonnen", "Lead"],
    ["D1", "Jan", "2026-01-02", 1000, "Offerte", "2026-01-05", "2026-02-01", None, None],
    ["D2", "Jan", "2026-01-02", 2000, "Gewonnen", "05-01-2026", None, 46050, "2026-01-02"],
    ["D3", "Jan", "2026-01-02", 500, "Intake", None, None, None, None],
]


def test_a_long_unknown_stage_is_shown_cut_once(en):
    """A pasted 32,767-character cell in the stage column: the message shows its first 200 characters."""
    rows = [["deal_id", "owner", "created", "value", "stage"], ["D1", "Jan", "2026-01-01", 100, "z" * 32_767]]
    problem = read_table("Deals", rows, en).problems[0]
    cut = "z" * 200 + "…"
    assert problem.message("en") == (
        f"Deals, row 2, column 'stage' ('{cut}'): stage '{cut}' is not in the config "
        "(known: Lead, Intake, Offerte, Onderhandeling, Gewonnen, Verloren); the deal is left out of stage KPIs"
    )


def test_per_stage_date_columns_become_stage_events(en):
    tables = read_tables(minimal(Deals=DEALS_WITH_STAGE_COLUMNS), en)
    assert tables.history_source == "columns"
    events = tables.stage_events.sort_values(["deal_id", "date"]).reset_index(drop=True)
    assert events[["deal_id", "stage", "date"]].values.tolist() == [
        ["D1", "Intake", pd.Timestamp("2026-01-05")],
        ["D1", "Offerte", pd.Timestamp("2026-02-01")],
        ["D2", "Lead", pd.Timestamp("2026-01-02")],
        ["D2", "Intake", pd.Timestamp("2026-01-05")],
        ["D2", "Gewonnen", pd.Timestamp("2026-01-28")],  # serial 46050 = 46000 + 50 days
    ]
    assert events[ROW].tolist() == [2, 2, 3, 3, 3]
    assert events["_column"].tolist() == ["Intake", "Offerte", "Lead", "Intake", "Gewonnen"]
    # the stage columns are not columns of the deals table
    assert "intake" not in tables.deals.columns and "lead" not in tables.deals.columns
    assert tables.deals["lead_id"].isna().all()  # 'Lead' is the stage, not the lead id
    assert tables.problems == []


def test_stage_columns_by_alias_header(en):
    rows = [["deal_id", "owner", "created", "value", "stage", "Quote", "won"],
            ["D1", "Jan", "2026-01-02", 1000, "won", "2026-01-10", "2026-01-20"]]
    tables = read_tables(minimal(Deals=rows), en)
    assert sorted(tables.stage_events["stage"]) == ["Gewonnen", "Offerte"]


def test_bad_stage_date_is_reported_and_that_event_left_out(en):
    rows = [DEALS_WITH_STAGE_COLUMNS[0],
            ["D1", "Jan", "2026-01-02", 1000, "Offerte", "2026-01-05", "31-02-2026", "#N/A", None]]
    tables = read_tables(minimal(Deals=rows), en)
    assert tables.stage_events["stage"].tolist() == ["Intake"]
    assert len(tables.deals) == 1
    assert codes(tables.problems) == [(2, "Offerte", "31-02-2026", "bad_date"), (2, "Gewonnen", "#N/A", "excel_error")]


def test_stage_events_of_left_out_and_duplicate_deals_are_dropped(en):
    rows = [DEALS_WITH_STAGE_COLUMNS[0],
            ["D1", "Jan", "2026-01-02", 1000, "Offerte", "2026-01-05", None, None, None],
            ["D1", "Piet", "2026-01-03", 1000, "Gewonnen", "2026-01-06", "2026-01-07", "2026-01-08", None],
            ["D2", "Jan", "nooit", 1000, "Intake", "2026-01-09", None, None, None]]
    tables = read_tables(minimal(Deals=rows), en)
    assert tables.deals["deal_id"].tolist() == ["D1"]
    assert tables.stage_events[["deal_id", "stage", "date", ROW]].values.tolist() == [
        ["D1", "Intake", pd.Timestamp("2026-01-05"), 2]]
    assert [p.code for p in tables.problems] == ["bad_date", "duplicate_id"]


def test_stage_history_table_wins_over_the_columns(en):
    history = [["Deal", "Fase", "Datum"],
               ["D1", "Intake", "2026-01-04"],
               ["D1", "quote", 46030],
               ["D9", "Intake", "2026-01-04"],
               ["D2", "Prospect", "2026-01-04"],
               ["D2", "Intake", None],
               [None, None, None],
               ["D2", "Gewonnen", "2026-02-01"]]
    tables = read_tables(minimal(Deals=DEALS_WITH_STAGE_COLUMNS, StageHistory=history), en)
    assert tables.history_source == "table"
    assert tables.stage_events[["deal_id", "stage", "date"]].values.tolist() == [
        ["D1", "Intake", pd.Timestamp("2026-01-04")],
        ["D1", "Offerte", pd.Timestamp("2026-01-08")],  # 46030 = 46000 + 30 days
        ["D2", "Gewonnen", pd.Timestamp("2026-02-01")],
    ]
    assert tables.stage_events[ROW].tolist() == [2, 3, 8]  # row 7 is blank
    assert tables.stage_events.dtypes.to_dict() == {
        "deal_id": object, "stage": object, "date": "datetime64[ns]", ROW: "int64", "_column": object}
    history_problems = [p for p in tables.problems if p.table == "StageHistory"]
    assert sorted(codes(history_problems)) == [
        (4, "Deal", "D9", "unknown_deal"),
        (5, "Fase", "Prospect", "unknown_stage_row"),
        (6, "Datum", None, "required_empty"),
    ]
    orphan = next(p for p in history_problems if p.code == "unknown_deal")
    assert orphan.message("en") == "StageHistory, row 4, column 'Deal' ('D9'): deal 'D9' is not in Deals; the row is left out"
    assert orphan.message("nl") == (
        "StageHistory, rij 4, kolom 'Deal' ('D9'): deal 'D9' staat niet in Deals; de rij telt niet mee"
    )
    unknown = next(p for p in history_problems if p.code == "unknown_stage_row")
    assert unknown.message("en") == (
        "StageHistory, row 5, column 'Fase' ('Prospect'): stage 'Prospect' is not in the config "
        "(known: Lead, Intake, Offerte, Onderhandeling, Gewonnen, Verloren); the row is left out"
    )


def test_empty_stage_history_falls_back_to_the_columns(en):
    tables = read_tables(minimal(Deals=DEALS_WITH_STAGE_COLUMNS, StageHistory=[["deal_id", "stage", "date"]]), en)
    assert tables.history_source == "columns"
    assert len(tables.stage_events) == 5


def test_stage_history_missing_column(en):
    with pytest.raises(TableError) as info:
        read_tables(minimal(StageHistory=[["deal_id", "stage"]]), en)
    assert str(info.value).splitlines() == [
        "StageHistory: column 'date' is missing (columns found: 'deal_id', 'stage')",
        "Does your table call it something else? Name your header in kpi.yaml, for example "
        "columns: {StageHistory: {date: [your header]}}"]


# ----------------------------------------------------------------------------
# Excel row numbers


def test_first_rows_shift_the_excel_row_numbers(en):
    deals = [["deal_id", "owner", "created", "value", "stage"],
             ["D1", "Jan", "nooit", 100, "Intake"],
             [None, None, None, None, None],
             ["D2", "Jan", "2026-01-01", -5, "Intake"]]
    leads = [["lead_id", "created"], ["L1", "fout"]]
    tables = read_tables(minimal(Deals=deals, Leads=leads), en, first_rows={"Deals": 5})
    assert codes(tables.problems) == [
        (2, "created", "fout", "bad_date"),  # Leads: header in row 1, the default
        (6, "created", "nooit", "bad_date"),  # Deals: header in row 5, first data row 6
        (8, "value", -5, "negative_money"),
    ]
    assert tables.deals[ROW].tolist() == [8]


def test_read_table_first_row(en):
    rows = [["lead_id", "created"], ["L1", "2026-01-01"], ["L2", "x"]]
    table = read_table("Leads", rows, en, first_row=10)
    assert table.frame[ROW].tolist() == [11]
    assert table.problems[0].row == 12


# ----------------------------------------------------------------------------
# all four tables together


def test_read_tables_collects_every_problem(nl):
    raw = minimal(
        Leads=[["lead_id", "created"], ["L1", "2026-01-01"], ["L1", "2026-01-02"]],
        Activities=[["date", "owner", "type"], ["2026-01-05", "Jan", "fax"]],
        Customers=[["customer_id", "since"], ["C1", "morgen"]],
    )
    tables = read_tables(raw, nl)
    assert [(p.table, p.code) for p in tables.problems] == [
        ("Leads", "duplicate_id"), ("Activities", "unknown_activity_type"), ("Customers", "bad_date")]
    assert len(tables.leads) == 1 and len(tables.customers) == 0
    assert tables.headers["Deals"]["value"] == "value"


def test_problem_messages_read_well_in_both_languages():
    problem = Problem("Deals", 7, "Waarde", "abc", "bad_money", {"consequence": "left_out"})
    assert problem.message("en") == (
        "Deals, row 7, column 'Waarde' ('abc'): not a valid amount; use a number such as 1234.56; the row is left out"
    )
    assert problem.message("nl") == (
        "Deals, rij 7, kolom 'Waarde' ('abc'): geen geldig bedrag; gebruik een getal zoals 1234,56; de rij telt niet mee"
    )
    table_level = Problem("Leads", None, None, None, "bad_bool")
    assert table_level.message("nl") == "Leads: gebruik ja/nee (of leeg laten)"
    assert Problem("Deals", 3, "created", dt.date(2026, 3, 31), "bad_date").message("en").startswith(
        "Deals, row 3, column 'created' (2026-03-31): ")
    assert Problem("Deals", 3, "value", 1500.0, "negative_money").message("en") == (
        "Deals, row 3, column 'value' (1500): amount is negative")


def test_tables_from_frames_fills_missing_columns_and_rows(en):
    leads = pd.DataFrame({"lead_id": ["L1"], "created": [pd.Timestamp("2026-01-01")]})
    activities = pd.DataFrame({"date": [pd.Timestamp("2026-01-02")], "owner": ["Jan"], "type": ["call"]})
    deals = pd.DataFrame({"deal_id": ["D1", "D2"], "owner": ["Jan", "Jan"], "created": ["2026-01-01", "2026-01-02"],
                          "value": [100, 200], "stage": ["Intake", "Offerte"]})
    customers = pd.DataFrame({"customer_id": ["C1"], "since": [pd.Timestamp("2025-01-01")]})
    tables = tables_from_frames(leads, activities, deals, customers)
    assert tables.deals[ROW].tolist() == [2, 3]
    assert tables.deals["created"].dtype == "datetime64[ns]"
    assert tables.deals["value"].dtype == "float64"
    assert tables.deals["closed"].isna().all()
    assert tables.leads["qualified"].dtype == "boolean"
    assert tables.history_source is None
    assert list(tables.stage_events.columns) == ["deal_id", "stage", "date", ROW, "_column"]


def test_first_usable_row_of_an_id_counts(en):
    rows = [["customer_id", "since", "until"],
            ["C1", "2025-01-01", "2024-01-01"],  # unusable: ends before it starts
            ["C1", "2025-02-01", None],
            ["C2", "nooit", None],  # unusable: no start date
            ["C2", "2025-03-01", None]]
    table = read_table("Customers", rows, en)
    assert table.frame[["customer_id", ROW]].values.tolist() == [["C1", 3], ["C2", 5]]
    assert table.frame["since"].tolist() == [pd.Timestamp("2025-02-01"), pd.Timestamp("2025-03-01")]
    assert sorted(p.code for p in table.problems) == ["bad_date", "until_before_since"]


# --------------------------------------------------------------------------- big tables: distinct-value path


def test_big_tables_parse_exactly_like_small_ones(monkeypatch):
    """Tables from DISTINCT_MIN_ROWS rows on convert each distinct value once; the result must not differ."""
    import datetime as _dt

    from kpi_xl.tables import convert
    from kpi_xl.tables import read as read_module

    settings = load_config()
    base = [
        ["D1", "Jan", _dt.datetime(2026, 1, 5), "€ 1.234,56", "offerte", "2026-01-06", None, 46000.0],
        ["D2", " Piet ", "31-02-2026", "-5", "Foo", "#N/A", _dt.date(2026, 2, 1), "x"],
        ["D3", None, "2026-03-01", 12.0, "Gewonnen", None, "2026-03-02", None],
        [None, None, None, None, None, None, None, None],
        ["D4", "Jan", 46100, "12k", "#REF!", "2026-01-10", "2026-01-09", "2026-02-01"],
    ]
    header = ["deal_id", "owner", "created", "value", "stage", "Intake", "Offerte", "Gewonnen"]
    body = []
    for i in range(120):  # 600 rows, every deal id distinct, the other values repeating
        for row in base:
            body.append([f"{row[0]}-{i}" if row[0] else None, *row[1:]])
    rows = [header, *body]
    fast = read_module.read_table("Deals", rows, settings)
    monkeypatch.setattr(convert, "DISTINCT_MIN_ROWS", 10**9)
    slow = read_module.read_table("Deals", rows, settings)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.stage_dates.reset_index(drop=True), slow.stage_dates.reset_index(drop=True))
    assert [p.message("en") for p in fast.problems] == [p.message("en") for p in slow.problems]
    assert len(fast.problems) > 400


def test_blank_text_cells_are_none_never_nan(en):
    """Text columns hold str or None only (KPIs test `is None`/notna on them): blank, unknown and mapped."""
    activities = read_table("Activities", [["date", "owner", "type", "deal_id"],
                                           ["2026-01-05", "Jan", "Bezoek", "D1"],
                                           ["2026-01-06", None, "Raadsel", None],
                                           ["2026-01-07", " ", "bezoek", float("nan")]], en)
    deals = read_table("Deals", [["deal_id", "owner", "created", "value", "stage"],
                                 ["D1", None, "2026-01-01", 1, "Prospect"], ["D2", "Jan", "2026-01-01", 1, None]], en)
    for frame in (activities.frame, deals.frame):
        for column in frame.columns[frame.dtypes == object]:
            assert all(v is None or isinstance(v, str) for v in frame[column]), (column, frame[column].tolist())
    assert activities.frame["type"].tolist() == ["meeting", "Raadsel", "meeting"]
    assert deals.frame["stage"].tolist() == [None, None]


@pytest.mark.parametrize("rows_each", [1, 300])  # one row, and enough rows for the distinct-value path
def test_half_a_surrogate_pair_from_excel_is_read_not_a_traceback(en, rows_each):
    """Excel can hand over text holding half of a surrogate pair (COM strings are UTF-16): the rest of the
    text is kept, the half becomes U+FFFD, and every KPI is computed (pandas' Arrow strings refused it)."""
    from kpi_xl import compute
    from kpi_xl.sample import generate

    rows = generate(seed=7, scale=0.2).rows()  # 400 leads, 4,000 activities, 120 deals
    leads, deals, acts = rows["Leads"], rows["Deals"], rows["Activities"]
    for i in range(1, 1 + rows_each):
        deals[min(i, len(deals) - 1)][deals[0].index("owner")] = "Sanne\ud800"
        acts[i][acts[0].index("owner")] = "Sanne\ud800"
        acts[i][acts[0].index("type")] = "call\ud83d"
        leads[i][leads[0].index("company")] = "Co\udfff BV"
    leads[0].append("note\udc00")  # an extra column whose header holds one too
    for row in leads[1:]:
        row.append("x")
    tables = read_tables(rows, en)
    assert "Sanne\ufffd" in set(tables.deals["owner"]) and "Sanne\ufffd" in set(tables.activities["owner"])
    assert "Co\ufffd BV" in set(tables.leads["company"])
    unknown = [p for p in tables.problems if p.code == "unknown_activity_type"]
    assert unknown and unknown[0].value == "call\ufffd"
    unknown[0].message("en").encode("utf-8")  # printable and writable
    month = acts[1][acts[0].index("date")].strftime("%Y-%m")  # the month of the first activity
    report = compute(tables, en, month=month, today=dt.date(2026, 11, 26))
    assert "Sanne\ufffd" in set(report.action.per_rep["owner"])


def test_valid_text_leaves_clean_columns_alone():
    import numpy as np

    from kpi_xl.tables.coerce import valid_text

    assert valid_text(np.array(["a", None, 1.5, dt.datetime(2026, 1, 1)], dtype=object)) is None
    assert valid_text(np.array([], dtype=object)) is None
    assert valid_text(np.array(["\U0001f600 ok"], dtype=object)) is None  # a whole pair is a character
    fixed = valid_text(np.array(["a\ud83d", None, 3.0, "\ude00b"], dtype=object))
    assert fixed.tolist() == ["a\ufffd", None, 3.0, "\ufffdb"]
