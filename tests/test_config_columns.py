"""``columns:`` in kpi.yaml: the user's own header names, checked by the config and used wherever headers are
matched (the refresh by file and by the button, the worksheet functions).

The export used throughout has the headers of the public "CRM sales opportunities" dataset
(``opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value``) and
its four stages. Six deals, as-of date 2017-03-31 (the latest month with data, March 2017):

=========  ===============  ==========  ==========  ==========  =====
id         agent            stage       engaged     closed      value
=========  ===============  ==========  ==========  ==========  =====
1C1I7A6R   Moses Frase      Won         2016-10-20  2017-03-01   1054
Z063OYW0   Darcel Schlecht  Won         2016-10-25  2017-03-11   4514
EC4QE1BX   Darcel Schlecht  Won         2016-10-25  2017-03-07     50
MV1LWRNH   Moses Frase      Lost        2016-10-25  2017-03-09      0
PE84CX4O   Zane Levy        Engaging    2017-02-10                550
LAEUZ1TV   Zane Levy        Engaging    2017-03-01               4821
=========  ===============  ==========  ==========  ==========  =====

By hand: the pipeline at 2017-03-31 is the two Engaging deals, 550 + 4821 = 5371 (weighted at 0.4: 2148.4);
won in March: three deals, 1054 + 4514 + 50 = 5618; close ratio 3 won / (3 won + 1 lost) = 0.75; days from
engaging to won: 2016-10-20 → 2017-03-01 = 132, 2016-10-25 → 2017-03-11 = 137, 2016-10-25 → 2017-03-07 = 133,
mean 134, median 133.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from kpi_xl import load_config, parse_config, read_table
from kpi_xl.errors import ConfigError, TableError
from kpi_xl.excel import functions as fx
from kpi_xl.excel import udfs
from kpi_xl.excel.args import looks_like_header, table_rows
from kpi_xl.tables.headers import match_headers, required_header
from tests.workbooks import NOW, TODAY, run_cli

D = dt.datetime

STAGES = [
    {"name": "Prospecting", "probability": 0.1},
    {"name": "Engaging", "probability": 0.4, "aliases": ["engage"]},
    {"name": "Won", "probability": 1.0},
    {"name": "Lost", "probability": 0.0},
]
CRM_COLUMNS = {
    "Deals": {
        "deal_id": ["opportunity_id"],
        "owner": ["sales_agent"],
        "stage": ["deal_stage"],
        "created": ["engage_date"],
        "closed": ["close_date"],
        "value": ["close_value"],
    },
}
CRM = {"language": "en", "stages": STAGES, "won_stage": "Won", "lost_stage": "Lost", "quote_stage": "Engaging",
       "columns": CRM_COLUMNS}

HEADER = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
          "close_value"]
DEALS = [
    ["1C1I7A6R", "Moses Frase", "GTX Plus Basic", "Cancity", "Won", D(2016, 10, 20), D(2017, 3, 1), 1054.0],
    ["Z063OYW0", "Darcel Schlecht", "GTXPro", "Isdom", "Won", D(2016, 10, 25), D(2017, 3, 11), 4514.0],
    ["EC4QE1BX", "Darcel Schlecht", "MG Special", "Cancity", "Won", D(2016, 10, 25), D(2017, 3, 7), 50.0],
    ["MV1LWRNH", "Moses Frase", "GTX Basic", "Codehow", "Lost", D(2016, 10, 25), D(2017, 3, 9), 0.0],
    ["PE84CX4O", "Zane Levy", "GTX Basic", "Hatfan", "Engaging", D(2017, 2, 10), None, 550.0],
    ["LAEUZ1TV", "Zane Levy", "GTXPro", "Rangreen", "Engaging", D(2017, 3, 1), None, 4821.0],
]


def crm(**changes):
    return parse_config({**CRM, **changes})


def deal_rows() -> list[list[object]]:
    return [list(HEADER), *map(list, DEALS)]


def mistakes_of(config: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(config)
    return info.value.details


# ----------------------------------------------------------------------------
# the config


def test_columns_are_read_with_canonical_table_and_column_names():
    settings = crm(columns={"deals": {"Owner": "sales_agent", "Lost reason": ["why", "reason lost"]},
                            "LEADS": {"created": "first_contact_date", "source": ["origin"]}})
    assert settings.columns == {"Deals": {"owner": ["sales_agent"], "lost_reason": ["why", "reason lost"]},
                                "Leads": {"created": ["first_contact_date"], "source": ["origin"]}}
    assert settings.header_aliases("Deals") == {"owner": ("sales_agent",), "lost_reason": ("why", "reason lost")}
    assert settings.header_aliases("Customers") == {}
    assert crm(columns={}).header_aliases("Deals") == {}


def test_the_fingerprint_sees_a_change_of_columns():
    first = crm().fingerprint
    assert crm().fingerprint == first
    assert crm(columns={"Deals": {**CRM_COLUMNS["Deals"], "value": ["amount_won"]}}).fingerprint != first
    assert crm(columns={}).fingerprint != first


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "columns.Dealz: 'Dealz' is not a table (known: Leads, Activities, Deals, Customers, StageHistory)"),
    ("nl", "columns.Dealz: 'Dealz' is geen tabel (bekend: Leads, Activities, Deals, Customers, StageHistory)"),
])
def test_an_unknown_table_is_refused(language, expected):
    assert mistakes_of({**CRM, "language": language, "columns": {"Dealz": {"owner": "sales_agent"}}}) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("columns.Deals.agent: 'agent' is not a column of Deals (known: deal_id, owner, created, value, stage, "
            "closed, lost_reason, customer_id, lead_id)")),
    ("nl", ("columns.Deals.agent: 'agent' is geen kolom van Deals (bekend: deal_id, owner, created, value, stage, "
            "closed, lost_reason, customer_id, lead_id)")),
])
def test_an_unknown_column_is_refused_and_the_known_ones_listed(language, expected):
    assert mistakes_of({**CRM, "language": language, "columns": {"Deals": {"agent": "sales_agent"}}}) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "columns.Deals.owner: must not be empty"), ("nl", "columns.Deals.owner: mag niet leeg zijn"),
])
@pytest.mark.parametrize("names", [[""], ["sales_agent", "  "], "_"])
def test_an_empty_name_is_refused(language, expected, names):
    assert mistakes_of({**CRM, "language": language, "columns": {"Deals": {"owner": names}}}) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "columns.Deals.lost_reason: 'Sales agent' is also given for owner; one header can be one column only"),
    ("nl", "columns.Deals.lost_reason: 'Sales agent' staat ook bij owner; één kolomnaam kan maar één kolom zijn"),
])
def test_one_header_for_two_columns_of_a_table_is_refused(language, expected):
    config = {**CRM, "language": language,
              "columns": {"Deals": {"owner": "sales_agent", "lost_reason": ["why", "Sales agent"]}}}
    assert mistakes_of(config) == [expected]


def test_one_header_in_two_tables_and_twice_for_one_column_is_fine():
    settings = crm(columns={"Deals": {"owner": ["sales_agent", "SALES AGENT"]}, "Leads": {"owner": "sales_agent"}})
    assert settings.columns == {"Deals": {"owner": ["sales_agent"]}, "Leads": {"owner": ["sales_agent"]}}


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("columns.Deals.closed: 'Engaging' is also the stage 'Engaging': a column so named in Deals is that "
            "stage's date, not closed; choose another header")),
    ("nl", ("columns.Deals.closed: 'Engaging' is ook de fase 'Engaging': een kolom met die naam in Deals is de "
            "datum van die fase, niet closed; kies een andere kolomnaam")),
])
def test_a_deals_header_that_is_a_stage_is_refused(language, expected):
    config = {**CRM, "language": language, "columns": {"Deals": {"closed": "Engaging"}}}
    assert mistakes_of(config) == [expected]


def test_a_stage_alias_is_refused_too_but_only_in_deals():
    assert mistakes_of({**CRM, "columns": {"Deals": {"created": "ENGAGE"}}}) == [
        ("columns.Deals.created: 'ENGAGE' is also the stage 'Engaging': a column so named in Deals is that "
         "stage's date, not created; choose another header")]
    assert crm(columns={"Leads": {"created": "engage"}}).header_aliases("Leads") == {"created": ("engage",)}


def test_every_mistake_at_once_and_a_table_given_twice():
    details = mistakes_of({**CRM, "columns": {"Dealz": {"owner": "x"}, "Deals": {"agent": "x", "owner": ""},
                                              "deals": {"owner": "y"}}})
    assert details == [
        "columns.Dealz: 'Dealz' is not a table (known: Leads, Activities, Deals, Customers, StageHistory)",
        ("columns.Deals.agent: 'agent' is not a column of Deals (known: deal_id, owner, created, value, stage, "
         "closed, lost_reason, customer_id, lead_id)"),
        "columns.Deals.owner: must not be empty",
        "columns.deals: 'deals' is given twice (also as 'Deals')",
    ]


def test_a_number_or_a_mapping_is_not_a_header():
    assert mistakes_of({**CRM, "columns": {"Deals": {"value": 2024}}}) == [
        "columns.Deals.value[0]: must be text (put it in quotes), got 2024"]
    assert mistakes_of({**CRM, "columns": {"Deals": ["owner"]}}) == ["columns.Deals: must be a mapping (key: value)"]


def test_check_config_reads_columns_from_the_file(tmp_path, monkeypatch, capsys):
    good = tmp_path / "kpi.yaml"
    good.write_text(yaml.safe_dump(CRM), encoding="utf-8")
    assert load_config(good).header_aliases("Deals")["owner"] == ("sales_agent",)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**CRM, "language": "nl", "columns": {"Deals": {"eigenaar": "sales_agent"}}}),
                   encoding="utf-8")
    code, said = run_cli(monkeypatch, ["check-config", str(bad)])
    assert code == 1
    assert "columns.Deals.eigenaar: 'eigenaar' is geen kolom van Deals (bekend: deal_id, owner" in said
    assert run_cli(monkeypatch, ["check-config", str(good)])[0] == 0


def test_the_commented_example_in_the_shipped_config_is_valid():
    """config/kpi.yaml shows columns: commented out; with the comment signs taken away it is a valid config."""
    path = Path(__file__).resolve().parents[1] / "config" / "kpi.yaml"
    text = path.read_text(encoding="utf-8")
    assert load_config(path).columns == {}  # shipped inactive
    example = text[text.index("# columns:"):]
    data = yaml.safe_load("\n".join(line[2:] for line in example.splitlines()))
    settings = parse_config({**yaml.safe_load(text), **data})
    assert settings.header_aliases("Deals")["value"] == ("close_value",)
    assert settings.header_aliases("Leads") == {"created": ("first_contact_date",), "source": ("origin",)}


# ----------------------------------------------------------------------------
# matching


def test_the_users_headers_are_found():
    parsed = read_table("Deals", deal_rows(), crm())
    assert parsed.problems == []
    assert parsed.headers == {"deal_id": "opportunity_id", "owner": "sales_agent", "product": "product",
                              "account": "account", "stage": "deal_stage", "created": "engage_date",
                              "closed": "close_date", "value": "close_value"}
    frame = parsed.frame
    assert frame["deal_id"].tolist() == [r[0] for r in DEALS]
    assert frame["value"].tolist() == [1054.0, 4514.0, 50.0, 0.0, 550.0, 4821.0]
    assert frame["stage"].tolist() == ["Won", "Won", "Won", "Lost", "Engaging", "Engaging"]
    assert frame["created"].iloc[0] == D(2016, 10, 20) and frame["closed"].isna().sum() == 2


def test_without_columns_the_export_stops_at_its_missing_columns():
    """'opportunity_id' is a built-in name of the deal id; the others are not."""
    with pytest.raises(TableError) as info:
        read_table("Deals", deal_rows(), crm(columns={}))
    lines = str(info.value).splitlines()
    found = ("(columns found: 'opportunity_id', 'sales_agent', 'product', 'account', 'deal_stage', 'engage_date', "
             "'close_date', 'close_value')")
    missing = [f"Deals: column '{column}' is missing {found}" for column in ("owner", "created", "value", "stage")]
    hint = ("Does your table call it something else? Name your header in kpi.yaml, for example "
            "columns: {Deals: {owner: [your header]}}")
    assert lines == [*missing, hint]


@pytest.mark.parametrize("header", ["Sales_Agent", " sales agent ", "SALES-AGENT", "sales.agent", "Sales\u00a0Agent"])
def test_case_spaces_and_separators_do_not_matter(header):
    rows = deal_rows()
    rows[0][1] = header
    parsed = read_table("Deals", rows, crm(columns={"Deals": {**CRM_COLUMNS["Deals"], "owner": "sales agent"}}))
    assert parsed.headers["owner"] == header.strip().replace("\u00a0", " ")
    assert parsed.frame["owner"].tolist()[:2] == ["Moses Frase", "Darcel Schlecht"]


def test_a_users_header_wins_over_a_built_in_alias():
    """'status' is a built-in name of the stage; the user says it is the lost reason."""
    header = ["deal_id", "owner", "created", "value", "Fase", "Status"]
    rows = [header, ["D1", "Jan", D(2017, 1, 5), 100.0, "Lost", "too expensive"]]
    parsed = read_table("Deals", rows, crm(columns={"Deals": {"lost_reason": "status"}}))
    assert parsed.frame["stage"].tolist() == ["Lost"] and parsed.frame["lost_reason"].tolist() == ["too expensive"]
    assert parsed.problems == []
    # without the config 'Status' is a second stage column: the first ('Fase') is used
    plain = read_table("Deals", rows, crm(columns={}))
    assert [(p.code, p.column) for p in plain.problems] == [("duplicate_header", "Status")]


def test_a_users_header_is_used_before_a_built_in_one_for_the_same_column():
    """'Fase' comes first and is a built-in name of the stage, but the user named 'status' for it."""
    header = ["deal_id", "owner", "created", "value", "Fase", "Status"]
    rows = [header, ["D1", "Jan", D(2017, 1, 5), 100.0, "Engaging", "Won"]]
    parsed = read_table("Deals", rows, crm(columns={"Deals": {"stage": "status"}}))
    assert parsed.frame["stage"].tolist() == ["Won"]
    assert [(p.code, p.row, p.column) for p in parsed.problems] == [("duplicate_header_own", 1, "Fase")]
    assert parsed.problems[0].reason("en") == ("column 'Fase' is not used: columns: in kpi.yaml names 'Status' for "
                                               "the same column")
    assert parsed.problems[0].reason("nl") == ("kolom 'Fase' wordt niet gebruikt: columns: in kpi.yaml noemt "
                                               "'Status' voor dezelfde kolom")


def test_the_exact_canonical_name_still_means_itself():
    """value: [close_value] adds a name; a header 'value' is still the value (and loses to close_value when
    both are there)."""
    settings = crm()
    header = ["deal_id", "owner", "created", "value", "stage"]
    alone = read_table("Deals", [header, ["D1", "Jan", D(2017, 1, 5), 100.0, "Won"]], settings)
    assert alone.frame["value"].tolist() == [100.0] and alone.problems == []
    both = read_table("Deals", [[*header, "close_value"], ["D1", "Jan", D(2017, 1, 5), 100.0, "Won", 80.0]], settings)
    assert both.frame["value"].tolist() == [80.0]
    assert [(p.code, p.column) for p in both.problems] == [("duplicate_header_own", "value")]


def test_a_canonical_name_the_user_gives_to_another_column_means_that_column():
    settings = crm(columns={"Deals": {"lost_reason": "stage", "stage": "deal_stage"}})
    header = ["deal_id", "owner", "created", "value", "stage", "deal_stage"]
    parsed = read_table("Deals", [header, ["D1", "Jan", D(2017, 1, 5), 100.0, "price", "Lost"]], settings)
    assert parsed.frame["lost_reason"].tolist() == ["price"] and parsed.frame["stage"].tolist() == ["Lost"]
    assert parsed.problems == []


def test_match_headers_takes_the_aliases_and_keeps_stage_columns():
    columns, stages, duplicates = match_headers(
        "Deals", ["opportunity_id", "Won", "sales_agent", None, "close_value"], {"won": "Won"},
        {"deal_id": ["opportunity_id"], "owner": ("sales_agent",), "value": ["close_value"]})
    assert columns == {0: "deal_id", 2: "owner", 4: "value"} and stages == {1: "Won"} and duplicates == []


def test_an_empty_table_of_the_right_shape_under_the_users_names():
    aliases = {"deal_id": ("opportunity_id",), "lead_id": ("deal_id",)}  # 'deal_id' means the lead here
    assert required_header("Deals", aliases) == ["opportunity_id", "owner", "created", "value", "stage"]
    assert required_header("Deals", {}) == ["deal_id", "owner", "created", "value", "stage"]
    settings = crm(columns={"Deals": {"deal_id": "opportunity_id", "lead_id": "deal_id"}})
    assert len(read_table("Deals", [required_header("Deals", settings.header_aliases("Deals"))], settings).frame) == 0


# ----------------------------------------------------------------------------
# the refresh: by file and by the button


def crm_workbook(path, deals=DEALS):
    """A workbook whose Deals table has the export's headers (written as the template's, then renamed as a
    user would), with the config beside it."""
    openpyxl = pytest.importorskip("openpyxl")
    from kpi_xl.workbook.new import fill_tables, new_workbook

    new_workbook(path, overwrite=True)
    template = ["deal_id", "owner", "lost_reason", "customer_id", "stage", "created", "closed", "value"]
    fill_tables(path, {"Deals": [template, *map(list, deals)]}, load_config())
    book = openpyxl.load_workbook(path, keep_vba=True)
    sheet = book["Deals"]
    table = sheet.tables["Deals"]
    renamed = dict(zip(template, HEADER, strict=True))
    for cell, column in zip(sheet[1], table.tableColumns, strict=False):
        if cell.value in renamed:
            cell.value = column.name = renamed[cell.value]
    book.save(path)
    (path.parent / "kpi.yaml").write_text(yaml.safe_dump(CRM), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crm_book(tmp_path_factory):
    return crm_workbook(tmp_path_factory.mktemp("crm") / "crm.xlsm")


def assert_figures_worked_out_by_hand(report) -> None:
    """The month of the DEALS sample (the public dataset's headers) as worked out by hand; every route to it
    (a workbook with those headers, an import of the file) must come to these."""
    assert str(report.month) == "2017-03"
    assert report.tiles["pipeline_value"].value == pytest.approx(5371.0)
    assert report.pipeline.weighted == pytest.approx(2148.4)
    assert report.won_revenue == pytest.approx(5618.0)
    assert report.close_ratio == pytest.approx(0.75)
    assert report.tiles["deal_velocity"].value == pytest.approx(134.0)
    assert report.cycle.median == pytest.approx(133.0)


def test_a_workbook_with_the_exports_headers_refreshes(crm_book, tmp_path):
    from kpi_xl.workbook.refresh import refresh_file

    path = tmp_path / "book.xlsm"
    shutil.copyfile(crm_book, path)
    shutil.copyfile(crm_book.parent / "kpi.yaml", tmp_path / "kpi.yaml")
    report = refresh_file(path, now=NOW, today=TODAY).report
    assert_figures_worked_out_by_hand(report)
    assert [p.code for p in report.problems] == []


def test_the_button_reads_the_same_headers(crm_book):
    from kpi_xl.excel import button
    from tests.test_excel_refresh import FakeBook

    fx._CONFIGS.clear()
    report = button.refresh_book(FakeBook(crm_book).book, now=NOW, today=TODAY)
    assert report.tiles["pipeline_value"].value == pytest.approx(5371.0)
    assert report.won_revenue == pytest.approx(5618.0)


# ----------------------------------------------------------------------------
# the worksheet functions, with rows as Excel hands them over (header first)


@pytest.fixture
def crm_settings(monkeypatch):
    settings = crm()
    fx.CACHE.clear()
    monkeypatch.setattr(fx, "settings_for", lambda *args, **kwargs: settings)
    return settings


def test_worksheet_functions_read_the_exports_headers(crm_settings):
    rows = deal_rows()
    assert udfs.PIPELINE_VALUE(rows) == pytest.approx(5371.0)
    assert udfs.PIPELINE_VALUE(rows, "engaging", True) == pytest.approx(2148.4)
    assert udfs.CLOSE_RATIO(rows) == pytest.approx(0.75)
    assert udfs.DEAL_VELOCITY(rows) == pytest.approx(134.0)
    assert fx.pipeline_value(crm_settings, table_rows(rows, "Deals", crm_settings.header_aliases("Deals"))) == \
        pytest.approx(5371.0)


def test_a_function_without_deals_works_when_deal_id_means_something_else(crm_settings, monkeypatch):
    """The empty Deals table a function without deals uses must be read under the same names."""
    settings = crm(columns={"Deals": {"deal_id": "opportunity_id", "lead_id": "deal_id"}},
                   activity_types={"call": 2, "meeting": 5})
    monkeypatch.setattr(fx, "settings_for", lambda *args, **kwargs: settings)
    activities = [["date", "owner", "type"], [D(2017, 3, 2), "Zane Levy", "call"],
                  [D(2017, 3, 9), "Zane Levy", "meeting"]]
    assert udfs.ACTION_POINTS(activities) == 7.0


def test_a_header_row_is_recognised_by_the_users_names():
    aliases = crm().header_aliases("Deals")
    assert looks_like_header(HEADER, "Deals", aliases)
    assert not looks_like_header(HEADER, "Deals")
    assert not looks_like_header(DEALS[0], "Deals", aliases)
