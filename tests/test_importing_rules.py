"""Recognising each CRM and kind, the user's own files, and the rules: won/lost, done activities, the
pipeline, currencies, unmapped values, owners, customers, the stage history, the import: section."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from kpi_xl.config import parse_config
from kpi_xl.config.imports import KIND_TABLES, TABLE_FIELDS
from kpi_xl.config.load import default_config_path
from kpi_xl.errors import ConfigError, KpiError
from kpi_xl.importing import CRMS, read_exports
from kpi_xl.importing.mapping import mapping, packaged
from kpi_xl.tables.headers import TABLES


def config(**imports):
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    if imports:
        data["import"] = imports
    return parse_config(data)


SETTINGS = config()


def csv(tmp_path, name: str, rows: list[list[object]], sep: str = ",", encoding: str = "utf-8"):
    path = tmp_path / name
    pd.DataFrame(rows[1:], columns=rows[0]).to_csv(path, index=False, sep=sep, encoding=encoding)
    return path


PD_DEALS = ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Stage", "Deal - Status",
            "Deal - Owner", "Deal - Pipeline", "Deal - Organization", "Deal - Deal created", "Deal - Won time",
            "Deal - Lost time", "Deal - Lost reason"]


def pd_deal(i, stage="Offerte", status="open", value="1000", currency="EUR", pipeline="Sales", created="2026-03-02",
            won="", lost="", owner="Jan"):
    return [i, f"Deal {i}", value, currency, stage, status, owner, pipeline, "Acme", created, won, lost, ""]


# -- recognition ------------------------------------------------------------------------------------

HEADERS = {
    ("pipedrive", "deals"): PD_DEALS,
    ("pipedrive", "activities"): ["Activity - Type", "Activity - Due date", "Activity - Done",
                                  "Activity - Assigned to user", "Activity - Deal ID"],
    ("pipedrive", "organizations"): ["Organization - Name", "Organization - Owner", "Organization - Won deals"],
    ("hubspot", "deals"): ["Record ID", "Deal Name", "Deal Stage", "Pipeline", "Amount", "Deal owner", "Create Date",
                           'Date entered "Offerte (Sales Pipeline)"'],
    ("hubspot", "contacts"): ["Record ID", "First Name", "Last Name", "Create Date", "Contact owner", "Company Name",
                              "Lifecycle Stage"],
    ("hubspot", "companies"): ["Record ID", "Company name", "Company Domain Name", "Create Date", "Lifecycle Stage",
                               "Became a Customer Date"],
    ("salesforce", "opportunities"): ["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date",
                                      "Created Date", "Opportunity Owner", "Account Name"],
    ("salesforce", "opportunity_history"): ["Opportunity ID", "Opportunity Name", "Stage", "Amount", "Close Date",
                                            "Last Modified"],
    ("teamleader", "deals"): ["Deal-ID", "Titel", "Fase", "Verantwoordelijke", "Geschatte waarde", "Aangemaakt op", "Klant"],
    ("teamleader", "companies"): ["Bedrijfsnaam", "Klant sinds", "Accountmanager", "BTW-nummer"],
}


@pytest.mark.parametrize(("crm", "kind"), sorted(HEADERS))
def test_each_crm_and_kind_is_recognised_from_its_headers(tmp_path, crm, kind):
    headers = HEADERS[(crm, kind)]
    path = csv(tmp_path, "export.csv", [headers, [""] * len(headers)])
    settings = config(pipeline="Sales Pipeline") if crm == "hubspot" else SETTINGS
    result = read_exports([path], settings)
    assert result.crm == crm
    assert (result.files[0].crm, result.files[0].kind) == (crm, kind)
    assert result.files[0].table == KIND_TABLES[crm][kind]
    given = read_exports([path], settings, crm=crm)
    assert given.files[0].kind == kind


def test_a_crm_given_that_does_not_fit_names_the_file_and_what_was_expected(tmp_path):
    path = csv(tmp_path, "deals.csv", [PD_DEALS, pd_deal(1)])
    with pytest.raises(KpiError) as err:
        read_exports([path], SETTINGS, crm="hubspot")
    assert "deals.csv" in str(err.value) and "Record ID" in str(err.value)
    with pytest.raises(KpiError, match="unknown CRM 'zoho'"):
        read_exports([path], SETTINGS, crm="zoho")


def test_files_of_two_crms_are_refused(tmp_path):
    a = csv(tmp_path, "a.csv", [PD_DEALS, pd_deal(1)])
    b = csv(tmp_path, "b.csv", [HEADERS[("teamleader", "companies")], ["X", "2026-01-01", "Jan", "NL1"]])
    with pytest.raises(KpiError, match="pipedrive.*teamleader|different CRMs"):
        read_exports([a, b], SETTINGS)


def test_mappings_name_only_known_fields_and_kinds():
    assert set(CRMS) == set(KIND_TABLES)
    canonical = {t: {c.name for c in cols} for t, cols in TABLES.items()}
    for crm in CRMS:
        spec = packaged(crm)
        assert set(spec.kinds) == set(KIND_TABLES[crm])
        for kind in spec.kinds.values():
            assert set(kind.fields) <= set(TABLE_FIELDS[kind.table])
            assert canonical[kind.table] <= set(TABLE_FIELDS[kind.table]) | {"budget"}
            assert all(kind.fields[f].get("en") and kind.fields[f].get("nl") for f in kind.fields)


# -- own column names -------------------------------------------------------------------------------

def test_an_own_file_by_its_name_with_dutch_headers(tmp_path):
    path = csv(tmp_path, "Activiteiten.csv", [["Datum", "Verkoper", "Soort", "Dealnummer", "Opmerking"],
                                              ["01-03-2026", "Jan", "bellen", "D1", "x"],
                                              ["13-03-2026", "Piet", "Lunch", "", ""]], sep=";")
    result = read_exports([path], SETTINGS)
    assert result.crm is None and result.files[0].kind == "table" and result.files[0].table == "Activities"
    frame = result.tables["Activities"]
    assert frame["date"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-13")]
    assert frame["type"].tolist() == ["call", "Lunch"]
    assert frame["deal_id"].tolist() == ["D1", None]
    assert frame["opmerking"].tolist() == ["x", None]  # an extra column kept under its own name
    assert [(u.kind, u.value, u.count, u.first_rows) for u in result.unmapped] == [("activity_type", "Lunch", 1,
                                                                                     [3])]


def test_an_own_file_by_its_headers_with_stage_date_columns(tmp_path):
    path = csv(tmp_path, "export 2026.csv", [
        ["Dealnummer", "Eigenaar", "Aangemaakt", "Waarde", "Fase", "Offerte", "Gewonnen"],
        ["D1", "Jan", "2026-03-01", "€ 1.234,50", "voorstel", "2026-03-05", ""],
        ["D2", "Piet", "", "2.000", "Demo", "", ""]])
    result = read_exports([path], SETTINGS)
    frame = result.tables["Deals"]
    assert result.files[0].table == "Deals"
    assert frame["value"].tolist() == [1234.5, 2000.0]
    assert frame["stage"].tolist() == ["Offerte", "Demo"]
    assert frame["Offerte"].tolist()[0] == pd.Timestamp("2026-03-05")
    assert frame["created"].isna().tolist() == [False, True]
    assert [(u.kind, u.value) for u in result.unmapped] == [("stage", "Demo")]


def test_an_own_file_missing_a_required_column_names_it(tmp_path):
    path = csv(tmp_path, "deals.csv", [["Dealnummer", "Eigenaar", "Waarde", "Fase"], ["D1", "Jan", "1", "Lead"]])
    with pytest.raises(KpiError, match="created"):
        read_exports([path], SETTINGS)


def test_a_file_nobody_recognises_is_refused_with_its_columns(tmp_path):
    path = csv(tmp_path, "export.csv", [["foo", "bar"], ["1", "2"]])
    with pytest.raises(KpiError, match="'foo', 'bar'"):
        read_exports([path], SETTINGS)


def test_own_header_names_from_the_columns_section(tmp_path):
    path = csv(tmp_path, "sales_pipeline.csv", [
        ["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value", "account"],
        ["O1", "Jan", "Won", "2026-03-01", "2026-03-20", "1054", "Acme"],
        ["O2", "Piet", "Engaging", "2026-03-02", "", "", "Beta"]])
    with pytest.raises(KpiError, match="'opportunity_id', 'sales_agent'"):
        read_exports([path], SETTINGS)
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    data["columns"] = {"Deals": {"deal_id": ["opportunity_id"], "owner": ["sales_agent"], "stage": ["deal_stage"],
                                 "created": ["engage_date"], "closed": ["close_date"], "value": ["close_value"]}}
    result = read_exports([path], parse_config(data))
    frame = result.tables["Deals"]
    assert result.files[0].table == "Deals" and result.crm is None
    assert frame[["deal_id", "owner", "stage", "value"]].values.tolist()[0] == ["O1", "Jan", "Gewonnen", 1054.0]
    assert frame["closed"].tolist()[0] == pd.Timestamp("2026-03-20") and np.isnan(frame["value"].tolist()[1])
    assert frame["account"].tolist() == ["Acme", "Beta"]
    assert [(u.kind, u.value) for u in result.unmapped] == [("stage", "Engaging")]


def test_settings_columns_are_used_when_the_config_has_them(tmp_path, monkeypatch):
    from kpi_xl.config.settings import Settings
    monkeypatch.setattr(Settings, "header_aliases", lambda self, table: {"owner": ("sales_agent",)}
                        if table == "Deals" else {}, raising=False)
    path = csv(tmp_path, "pipeline.csv", [["opportunity_id", "sales_agent", "engage_date", "close_value", "deal_stage"],
                                          ["O1", "Jan", "2026-03-01", "10", "Lead"]])
    with pytest.raises(KpiError):  # created, value and stage are not known names yet
        read_exports([path], SETTINGS)
    monkeypatch.setattr(Settings, "header_aliases", lambda self, table: {
        "owner": ("sales_agent",), "created": ("engage_date",), "value": ("close_value",), "stage": ("deal_stage",)}
        if table == "Deals" else {}, raising=False)
    frame = read_exports([path], SETTINGS).tables["Deals"]
    assert frame[["deal_id", "owner", "value", "stage"]].values.tolist() == [["O1", "Jan", 10.0, "Lead"]]


# -- the CRM rules ----------------------------------------------------------------------------------

def test_pipedrive_status_decides_won_and_lost_and_their_dates(tmp_path):
    path = csv(tmp_path, "deals.csv", [
        PD_DEALS,
        pd_deal(1, "Onderhandeling", "won", won="2026-04-01 10:00:00", lost="2026-01-01 00:00:00"),
        pd_deal(2, "Intake", "lost", lost="2026-04-02 11:30:00"),
        pd_deal(3, "quote", "open", won="2026-04-03 00:00:00"),  # a reopened deal: open, not closed
        pd_deal(4, "Offerte", "open", created=""),
    ])
    result = read_exports([path], SETTINGS)
    frame = result.tables["Deals"]
    assert frame["stage"].tolist() == ["Gewonnen", "Verloren", "Offerte", "Offerte"]
    assert frame["closed"].tolist()[:2] == [pd.Timestamp("2026-04-01 10:00"), pd.Timestamp("2026-04-02 11:30")]
    assert frame["closed"].isna().tolist() == [False, False, True, True]
    assert frame["Gewonnen"].tolist()[0] == pd.Timestamp("2026-04-01 10:00")
    assert frame["Verloren"].tolist()[1] == pd.Timestamp("2026-04-02 11:30")
    assert frame["Offerte"].isna().all()  # nothing invented
    assert frame["value"].dtype == "float64" and frame["created"].dtype == "datetime64[ns]"
    assert frame["deal_id"].dtype == object and frame["deal_id"].tolist() == ["1", "2", "3", "4"]
    created = [p for p in result.problems if p.code == "import.no_created"]
    assert [(p.row, p.column, p.params["id"]) for p in created] == [(5, "Deal - Deal created", "4")]
    assert "4" in created[0].message("nl") and "aanmaakdatum" in created[0].message("nl")


def test_several_pipelines_need_a_choice_and_the_others_are_counted(tmp_path):
    path = csv(tmp_path, "deals.csv", [PD_DEALS, pd_deal(1), pd_deal(2, pipeline="Partners"),
                                       pd_deal(3, pipeline="Partners"), pd_deal(4)])
    with pytest.raises(KpiError, match=r"Sales \(2\), Partners \(2\)"):
        read_exports([path], SETTINGS)
    with pytest.raises(KpiError, match="'Renewals'"):
        read_exports([path], config(pipeline="Renewals"))
    result = read_exports([path], config(pipeline="sales"))
    assert result.tables["Deals"]["deal_id"].tolist() == ["1", "4"]
    assert [(u.kind, u.value, u.count, u.first_rows) for u in result.unmapped] == [("pipeline", "Partners", 2,
                                                                                     [3, 4])]
    assert "Partners" in result.unmapped[0].message("en") and "sales" in result.unmapped[0].message("en")


def test_several_currencies_are_refused_with_their_counts(tmp_path):
    path = csv(tmp_path, "deals.csv", [PD_DEALS, pd_deal(1), pd_deal(2, currency="USD"), pd_deal(3)])
    with pytest.raises(KpiError, match=r"EUR \(2\), USD \(1\)"):
        read_exports([path], SETTINGS)
    one = csv(tmp_path, "one.csv", [PD_DEALS, pd_deal(1), pd_deal(2, currency="")])
    assert read_exports([one], SETTINGS).tables["Deals"]["currency"].tolist() == ["EUR", None]


def test_unmapped_stages_are_listed_with_count_and_first_lines(tmp_path):
    rows = [PD_DEALS] + [pd_deal(i, "Demo") for i in range(1, 8)] + [pd_deal(8, "demo "), pd_deal(9, "Lead")]
    result = read_exports([csv(tmp_path, "deals.csv", rows)], SETTINGS)
    (demo,) = result.unmapped
    assert (demo.kind, demo.value, demo.count, demo.first_rows, demo.table) == ("stage", "Demo", 8,
                                                                                 [2, 3, 4, 5, 6], "Deals")
    assert result.tables["Deals"]["stage"].tolist()[-3:] == ["Demo", "demo", "Lead"]  # kept as written
    assert "alias" in demo.message("en") and "kpi.yaml" in demo.message("nl")


def test_owners_map_through_the_config_and_the_rest_are_listed(tmp_path):
    rows = [PD_DEALS, pd_deal(1, owner="jan@firma.nl"), pd_deal(2, owner="Piet")]
    result = read_exports([csv(tmp_path, "deals.csv", rows)], config(owners={"JAN@firma.nl": "Jan de Vries"}))
    assert result.tables["Deals"]["owner"].tolist() == ["Jan de Vries", "Piet"]
    assert [(u.kind, u.value) for u in result.unmapped] == [("owner", "Piet")]


ACTS = ["Activity - Type", "Activity - Due date", "Activity - Done", "Activity - Assigned to user",
        "Activity - Deal ID"]


def test_only_done_activities_count_and_the_others_are_counted(tmp_path):
    path = csv(tmp_path, "acts.csv", [ACTS, ["Call", "2026-03-02", "Done", "Jan", "1"],
                                      ["Meeting", "2026-03-03", "Not done", "Jan", ""],
                                      ["Lunch", "2026-03-04", "1", "Piet", ""], ["Email", "2026-03-05", "0", "Jan", ""],
                                      ["Call", "2026-03-06", "misschien", "Jan", ""]])
    result = read_exports([path], SETTINGS)
    frame = result.tables["Activities"]
    assert frame[["type", "owner", "deal_id"]].values.tolist() == [["call", "Jan", "1"], ["Lunch", "Piet", None]]
    not_done = [p for p in result.problems if p.code == "import.not_done"]
    assert [p.params for p in not_done] == [{"count": 3, "rows": "3, 5, 6"}]
    assert [p.row for p in result.problems if p.code == "import.bad_bool"] == [6]
    assert [(u.kind, u.value, u.count) for u in result.unmapped] == [("activity_type", "Lunch", 1)]


def test_pipedrive_customers_are_organizations_with_won_deals_since_their_first_win(tmp_path):
    deals = csv(tmp_path, "deals.csv", [PD_DEALS, pd_deal(1, status="won", won="2026-02-01 09:00:00"),
                                        pd_deal(2, status="won", won="2026-01-15 09:00:00")])
    orgs = csv(tmp_path, "orgs.csv", [["Organization - Name", "Organization - Won deals"], ["Acme", "2"],
                                      ["Prospect", "0"], ["Lost Co", "1"]])
    result = read_exports([orgs, deals], SETTINGS)
    frame = result.tables["Customers"]
    assert frame["customer_id"].tolist() == ["Acme", "Lost Co"]
    assert frame["since"].tolist()[0] == pd.Timestamp("2026-01-15 09:00")
    assert [(p.row, p.params["id"]) for p in result.problems if p.code == "import.no_since"] == [(4, "Lost Co")]
    assert [f.table for f in result.files] == ["Customers", "Deals"]  # in the order given


def test_hubspot_customers_by_lifecycle_or_date(tmp_path):
    path = csv(tmp_path, "companies.csv", [HEADERS[("hubspot", "companies")],
                                           ["1", "A", "a.nl", "1/2/2024", "Customer", "3/1/2024"],
                                           ["2", "B", "b.nl", "1/2/2024", "Lead", ""],
                                           ["3", "C", "c.nl", "1/2/2024", "Other", "3/13/2024"],
                                           ["4", "D", "d.nl", "1/2/2024", "customer", ""]])
    result = read_exports([path], SETTINGS)
    frame = result.tables["Customers"]
    assert frame["customer_id"].tolist() == ["1", "3", "4"]
    assert frame["since"].tolist()[:2] == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-13")]
    assert [p.params["id"] for p in result.problems if p.code == "import.no_since"] == ["4"]


def test_salesforce_history_keeps_stage_changes_and_re_entries(tmp_path):
    headers = ["Opportunity ID", "Stage", "Amount", "Last Modified"]
    path = csv(tmp_path, "history.csv", [headers, ["O1", "Intake", "1", "3/1/2026"], ["O1", "Intake", "2", "3/2/2026"],
                                         ["O1", "Proposal", "2", "3/5/2026"], ["O1", "Negotiation", "2", "3/13/2026"],
                                         ["O1", "Proposal", "3", "3/20/2026"], ["O2", "Closed Won", "1", "3/4/2026"],
                                         ["O1", "Mystery", "1", "3/21/2026"]])
    result = read_exports([path], SETTINGS)
    frame = result.tables["StageHistory"]
    assert frame[["deal_id", "stage"]].values.tolist() == [["O1", "Intake"], ["O1", "Offerte"],
                                                           ["O1", "Onderhandeling"], ["O1", "Offerte"],
                                                           ["O1", "Mystery"], ["O2", "Gewonnen"]]
    assert frame["date"].tolist()[3] == pd.Timestamp("2026-03-20")
    assert [(u.value, u.first_rows) for u in result.unmapped] == [("Mystery", [8])]


def test_salesforce_close_date_is_closed_only_for_won_or_lost(tmp_path):
    path = csv(tmp_path, "opps.csv", [HEADERS[("salesforce", "opportunities")],
                                      ["O1", "A", "Closed Won", "1,000.00", "3/13/2026", "1/2/2026", "Jan", "Acme"],
                                      ["O2", "B", "Proposal", "2,500.50", "4/30/2026", "1/3/2026", "Jan", "Acme"]])
    frame = read_exports([path], SETTINGS).tables["Deals"]
    assert frame["stage"].tolist() == ["Gewonnen", "Offerte"]
    assert frame["value"].tolist() == [1000.0, 2500.5]
    assert frame["closed"].tolist()[0] == pd.Timestamp("2026-03-13") and pd.isna(frame["closed"].tolist()[1])


def test_hubspot_stage_dates_only_of_the_chosen_pipeline(tmp_path):
    headers = ["Record ID", "Deal Stage", "Deal owner", 'Date entered "Offerte (Sales)"',
               'Date entered "Offerte (Partners)"', 'Date entered "Proefrit (Sales)"', "Create Date"]
    path = csv(tmp_path, "deals.csv", [headers, ["1", "Offerte", "Jan", "3/1/2026 10:00 AM", "2/1/2026", "3/2/2026",
                                                 "2/13/2026"]])
    with pytest.raises(KpiError, match="Sales, Partners"):
        read_exports([path], SETTINGS)
    result = read_exports([path], config(pipeline="Sales"))
    frame = result.tables["Deals"]
    assert frame["Offerte"].tolist() == [pd.Timestamp("2026-03-01 10:00")]
    assert [(u.kind, u.value, u.count) for u in result.unmapped] == [("stage", "Proefrit", 1)]


# -- the import: section ----------------------------------------------------------------------------

def test_header_names_from_kpi_yaml_come_first(tmp_path):
    settings = config(crm={"pipedrive": {"deals": {"value": ["Deal - Netto waarde"]}}})
    assert mapping("pipedrive", settings).kinds["deals"].fields["value"]["any"] == ["Deal - Netto waarde"]
    headers = [h if h != "Deal - Value" else "Deal - Netto waarde" for h in PD_DEALS]
    path = csv(tmp_path, "deals.csv", [headers, pd_deal(1, value="12.5")])
    assert read_exports([path], settings).tables["Deals"]["value"].tolist() == [12.5]


@pytest.mark.parametrize(("section", "said"), [
    ({"crm": {"zoho": {}}}, "unknown CRM 'zoho'"), ({"crm": {"hubspot": {"tickets": {}}}}, "'tickets'"),
    ({"crm": {"hubspot": {"deals": {"colour": ["x"]}}}}, "'colour'"), ({"date_order": "ydm"}, "date_order"),
    ({"pipline": "x"}, "pipline"),
])
def test_the_import_section_is_validated(section, said):
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8")) | {"language": "en", "import": section}
    with pytest.raises(ConfigError, match=said):
        parse_config(data)


def test_owner_ids_typed_as_numbers_in_yaml_are_text():
    assert config(owners={12345: "Jan"}).imports.owner_lookup() == {"12345": "Jan"}
    assert np.asarray(list(SETTINGS.imports.owners)).size == 0


def test_a_guessed_date_order_is_one_note_per_column_in_the_configs_language(tmp_path):
    path = csv(tmp_path, "deals.csv", [PD_DEALS, pd_deal(1, created="01-03-2026"), pd_deal(2, created="02-04-2026")])
    result = read_exports([path], SETTINGS)
    notes = [p for p in result.problems if p.code == "import.date_order_guessed"]
    assert [(p.column, p.row) for p in notes] == [("Deal - Deal created", None)]
    assert "dag-maand-jaar" in notes[0].message("nl") and "day-month-year" in notes[0].message("en")
    assert result.tables["Deals"]["created"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-02")]


@pytest.mark.parametrize("headers", [PD_DEALS, ACTS, HEADERS[("hubspot", "deals")], HEADERS[("salesforce",
                                     "opportunity_history")], ["deal_id", "owner", "created", "value", "stage"]])
def test_a_file_with_only_its_header_gives_an_empty_table(tmp_path, headers):
    path = tmp_path / "deals.csv"
    path.write_text(",".join(f'"{h}"' for h in headers) + "\n", encoding="utf-8")
    result = read_exports([path], SETTINGS)
    (frame,) = result.tables.values()
    assert len(frame) == 0 and result.files[0].rows == 0
    assert not result.problems and not result.unmapped


def test_no_files_no_tables():
    result = read_exports([], SETTINGS)
    assert (result.crm, result.tables, result.files, result.problems, result.unmapped) == (None, {}, [], [], [])


def test_every_import_message_reads_in_both_languages(tmp_path):
    from kpi_xl.importing import ImportProblem, Unmapped
    from kpi_xl.messages import MESSAGES

    params = {"import.not_done": {"count": 2, "rows": "3, 4"}, "import.more": {"count": 3},
              "import.no_created": {"id": "D1"}, "import.no_since": {"id": "K1"},
              "import.date_order_guessed": {"order": "dmy"}, "import.date_order_mixed": {"order": "mdy"}}
    for code in ("import.bad_date", "import.bad_number", "import.bad_bool", *params):
        problem = ImportProblem("Deals", tmp_path / "deals.csv", 4, "Datum", "x", code, params.get(code, {}))
        nl, en = problem.message("nl"), problem.message("en")
        assert "deals.csv" in nl and "rij 4" in nl and "'Datum'" in en and nl != en
    for kind in ("stage", "activity_type", "owner", "pipeline"):
        said = Unmapped(kind, "Demo", 7, "Deals", [2, 3, 4, 5, 6], tmp_path / "d.csv", {"chosen": "Sales"})
        assert "Demo" in said.message("nl") and "7" in said.message("en") and "2, 3, 4, 5, 6, …" in said.message("en")
    codes = [c for c in MESSAGES if c.startswith(("import.", "cfg.import_"))]
    assert all(set(MESSAGES[c]) == {"nl", "en"} for c in codes) and len(codes) > 30


def test_an_own_customers_list_is_not_taken_for_a_teamleader_export(tmp_path):
    path = csv(tmp_path, "klanten.csv", [["Klantnummer", "Naam", "Klant sinds", "Accountmanager"],
                                         ["K1", "Acme", "01-02-2024", "Jan"]])
    result = read_exports([path], SETTINGS)
    assert result.crm is None and result.files[0].table == "Customers"
    assert result.tables["Customers"][["company", "since"]].values.tolist() == [["Acme", pd.Timestamp("2024-02-01")]]


def test_an_own_deals_list_with_id_and_stage_is_not_taken_for_salesforce(tmp_path):
    path = csv(tmp_path, "deals.csv", [["Id", "Owner", "Created", "Amount", "Stage"], ["D1", "Jan", "2026-03-01",
                                                                                        "10", "Lead"]])
    result = read_exports([path], SETTINGS)
    assert result.crm is None
    assert result.tables["Deals"][["deal_id", "created"]].values.tolist() == [["D1", pd.Timestamp("2026-03-01")]]
