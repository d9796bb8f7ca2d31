"""One rep is one rep: names a person reads as the same are one name in every KPI, table, target and note.

The numbers are worked out by hand in the comments; the shipped config gives
call 2, voicemail 1, email 1, intake 10, meeting 5 points, and per-rep
action-point targets of 450 for Sanne de Vries and 250 × 1.05^9 = 387.83
(the ramp in 2026-10) for everyone else.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpi_xl.config import parse_config
from kpi_xl.errors import ConfigError
from kpi_xl.excel import functions as fx
from kpi_xl.month import compute, data_problems, prepare
from kpi_xl.names import case_key, name_key, read_as, same_name, tidy, visible
from kpi_xl.report.plan import checks_rows
from kpi_xl.sample import generate
from kpi_xl.tables import read_tables

SHIPPED = Path(__file__).resolve().parent.parent / "config" / "kpi.yaml"
D = dt.datetime
TODAY = dt.date(2026, 12, 1)
NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731


@pytest.fixture(scope="module")
def en():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["language"] = "en"
    data["activity_types"]["réunion"] = 3
    return parse_config(data)


# --------------------------------------------------------------------------- the key


SANNE = ["Sanne de Vries", "sanne de vries", "SANNE DE VRIES", "Sanne  de Vries", "Sanne\u00a0de Vries",
         " Sanne de\tVries\u200b", "Sanne\nde Vries", "Ｓａｎｎｅ de Vries", "Sanne de\u202fVries\ufeff"]


@pytest.mark.parametrize("spelling", SANNE)
def test_every_spelling_of_sanne_has_one_key(spelling):
    assert name_key(spelling) == "sanne de vries"


def test_what_stays_different():
    assert name_key("José") != name_key("Jose")  # other letters: another person
    assert name_key("José") == name_key(NFD("JOSÉ"))  # the same letters in another Unicode form
    assert name_key("Jan de Vries") != name_key("Jan de Vries-Bakker")
    assert name_key("J. de Vries") != name_key("J de Vries")


def test_typographic_twins_and_empty():
    assert name_key("O’Brien") == name_key("O'Brien") == name_key("o`brien")
    assert name_key("Jan–Willem") == name_key("Jan-Willem") == name_key("jan\u2011willem")
    assert name_key("Straße") == name_key("STRASSE")
    assert name_key("\u200b") == name_key(" \u00a0\t") == name_key("\x00") == ""
    assert case_key("K001") != case_key("k001") and case_key(" K001\u00a0") == "K001"
    assert read_as("Sanne\u00adde") == "Sannede"  # a soft hyphen shows nothing inside a word


def test_shown_spelling_and_visible_variant():
    assert tidy("Sanne  de\u00a0Vries ") == "Sanne de Vries"
    assert tidy(NFD("Zoë")) == "Zoë" and len(tidy(NFD("Zoë"))) == 3
    assert visible("Sanne\u00a0de Vries") == "Sanne[U+00A0]de Vries"
    assert visible(NFD("Zoë")) == NFD("Zoë") + " (NFD)"  # as typed, with what makes it differ
    assert visible("Sanne  de Vries") == "Sanne  de Vries"


# --------------------------------------------------------------------------- one rep in every KPI


def raw_tables() -> dict[str, list[list[object]]]:
    """Sanne in eight spellings over three tables, Jan once; ids and sources in several spellings."""
    day = D(2026, 10, 20)
    return {
        "Leads": [
            ["lead_id", "created", "owner", "source", "qualified"],
            ["L1", D(2026, 10, 2), "SANNE DE VRIES", "Website", "ja"],  # row 2
            ["L2", D(2026, 10, 3), "sanne de vries ", "website", "ja"],  # row 3
            ["L3", D(2026, 10, 4), "Jan Jansen", "WEBSITE\u00a0", "nee"],  # row 4
        ],
        "Activities": [
            ["date", "owner", "type", "deal_id", "customer_id"],
            [day, "Sanne de Vries", "call", "d1", "k001 "],  # 2 points; row 2
            [day, "sanne de vries", "meeting", None, None],  # 5
            [day, "SANNE DE VRIES", "email", None, None],  # 1
            [day, "Sanne  de Vries", "intake", None, None],  # 10
            [day, "Sanne\u00a0de Vries", "call", None, None],  # 2
            [day, "Sanne de Vries\u200b", "voicemail", None, None],  # 1
            [day, "sanne de vries", "call", None, None],  # 2: Sanne 23 points
            [day, "Jan Jansen", "call", None, None],  # 2
        ],
        "Deals": [
            ["deal_id", "owner", "created", "value", "stage"],
            ["D1", "sanne de vries", D(2026, 9, 1), 1000, "offerte "],
            ["D2", "Sanne de Vries", D(2026, 9, 1), 500, "Offerte"],
        ],
        "Customers": [
            ["customer_id", "since", "owner"],
            ["K001", D(2025, 1, 1), "Sanne de Vries"],
            ["K002", D(2025, 1, 1), "Jan Jansen"],
        ],
    }


@pytest.fixture(scope="module")
def report(en):
    return compute(read_tables(raw_tables(), en), en, month="2026-10", today=TODAY)


def test_sanne_is_one_rep_with_her_own_target(report):
    per_rep = report.action.per_rep.set_index("owner")
    # spellings counted over all tables: 'Sanne de Vries' 4 + 1 (Activities rows 2, 5, 6, 7; Deals) = 5,
    # 'sanne de vries' 1 + 2 + 1 = 4, 'SANNE DE VRIES' 1 + 1 = 2: the first is shown
    assert list(per_rep.index) == ["Sanne de Vries", "Jan Jansen"]
    assert per_rep.loc["Sanne de Vries", "points"] == 2 + 5 + 1 + 10 + 2 + 1 + 2
    assert per_rep.loc["Sanne de Vries", "target"] == 450  # her override, for every spelling
    assert per_rep.loc["Jan Jansen", "target"] == pytest.approx(387.83)
    assert report.action.team_points == 25
    assert report.action.team_target == pytest.approx(450 + 387.83)


def test_sanne_is_one_row_in_leads_pipeline_and_customers(report):
    owners = report.qualified.per_owner.set_index("owner")
    assert owners.loc["Sanne de Vries", "leads"] == 2 and owners.loc["Sanne de Vries", "qualified"] == 2
    assert len(owners) == 2
    sources = report.qualified.per_source
    assert list(sources["source"]) == ["Website"]  # three spellings, one each: the first seen is shown
    assert sources["leads"].tolist() == [3] and sources["qualified"].tolist() == [2]
    pipeline = report.pipeline.per_owner
    assert pipeline["owner"].tolist() == ["Sanne de Vries"]
    assert pipeline["value"].tolist() == [1500] and pipeline["weighted"].tolist() == [750]  # both in Offerte
    # 'k001 ' in Activities is customer K001: contacted on 2026-10-20; K002 never was
    assert report.customers.needs_attention["customer_id"].tolist() == ["K002"]
    # 'd1' in Activities is deal D1: active 11 days before 2026-10-31; D2 idle since 2026-09-01 (60 > 21 days)
    assert report.sleeping["deal_id"].tolist() == ["D2"]


def test_the_variants_are_notes_on_checks(report):
    notes = [p for p in report.problems if p.code == "name_variants"]
    said = {(p.table, p.column, p.row): p.message("en") for p in notes}
    assert said[("Activities", "owner", 2)] == (
        "Activities, row 2, column 'owner' ('Sanne de Vries'): note: one name spelled in more than one way "
        "('sanne de vries' 2×, 'Sanne de Vries' 1×, 'SANNE DE VRIES' 1×, 'Sanne  de Vries' 1×, "
        "'Sanne[U+00A0]de Vries' 1×, 'Sanne de Vries[U+200B]' 1×); every row counts, as 'Sanne de Vries'")
    assert "'sanne de vries' 1×, 'Sanne de Vries' 1×" in said[("Deals", "owner", 2)]
    assert "'SANNE DE VRIES' 1×, 'sanne de vries' 1×" in said[("Leads", "owner", 2)]
    assert "'Website' 1×, 'website' 1×, 'WEBSITE' 1×" in said[("Leads", "source", 2)]
    assert "'d1' 1×); every row counts, as 'D1'" in said[("Activities", "deal_id", 2)]
    assert "'k001' 1×); every row counts, as 'K001'" in said[("Activities", "customer_id", 2)]
    assert len(notes) == 6  # Customers spells Sanne as shown: no note there
    assert all(p.code == "name_variants" for p in report.problems)  # nothing else is wrong
    rows = checks_rows(report)
    assert ["Leads", 2, "owner", "Sanne de Vries"] == rows[1][:4]
    assert rows[1][4].startswith("note: one name spelled in more than one way ('SANNE DE VRIES' 1×")


def test_check_lists_the_same_notes(en, report):
    problems = data_problems(prepare(read_tables(raw_tables(), en), en), TODAY)
    assert [p.message("en") for p in problems] == [p.message("en") for p in report.problems]


def test_tie_goes_to_the_first_seen_spelling(en):
    raw = raw_tables()
    raw["Leads"] = [raw["Leads"][0], ["L1", D(2026, 10, 2), "SANNE DE VRIES", None, None]] * 1
    raw["Activities"] = [raw["Activities"][0], [D(2026, 10, 20), "sanne de vries", "call", None, None]]
    raw["Deals"] = [raw["Deals"][0]]
    raw["Customers"] = [raw["Customers"][0]]
    tables = read_tables(raw, en)
    # one row each: Leads is counted first
    assert tables.activities["owner"].tolist() == ["SANNE DE VRIES"]
    assert tables.leads["owner"].tolist() == ["SANNE DE VRIES"]


def test_a_name_that_shows_nothing_is_unassigned(en):
    raw = raw_tables()
    raw["Activities"][2][1] = "\u200b\u00a0"
    tables = read_tables(raw, en)
    assert tables.activities["owner"].isna().tolist() == [False, True, False, False, False, False, False, False]


# --------------------------------------------------------------------------- types, stages, ids


def test_activity_types_in_any_spelling(en):
    raw = raw_tables()
    labels = ["CALL", "Call\u00a0", " BELLEN\t", "tele\u00adfoon", "e\u2011mail", NFD("RÉUNION"), "réunion",
              "Re\u0301union\u00a0"]
    raw["Activities"] = [raw["Activities"][0]] + [[D(2026, 10, 20), "Jan Jansen", t, None, None] for t in labels]
    tables = read_tables(raw, en)
    assert tables.activities["type"].tolist() == ["call"] * 4 + ["email"] + ["réunion"] * 3
    report = compute(tables, en, month="2026-10", today=TODAY)
    assert report.action.team_points == 4 * 2 + 1 + 3 * 3
    assert report.action.unknown_types.empty


def test_unknown_types_are_one_type(en):
    raw = raw_tables()
    raw["Activities"] = [raw["Activities"][0]] + [[D(2026, 10, 20), "Jan", t, None, None]
                                                  for t in ("Webinar", "webinar", "WEBINAR ", "Webinar")]
    report = compute(read_tables(raw, en), en, month="2026-10", today=TODAY)
    assert report.action.unknown_types.to_dict("records") == [{"type": "Webinar", "activities": 4}]


def test_stage_values_and_stage_date_headers(en):
    raw = raw_tables()
    raw["Deals"] = [
        ["deal_id", "owner", "created", "value", "stage", "OFFERTE\u00a0", "Onder\u00adhandeling"],
        ["D1", "Jan", D(2026, 9, 1), 1000, " offerte", D(2026, 9, 10), None],
        ["D2", "Jan", D(2026, 9, 1), 500, "ONDERHANDELING", D(2026, 9, 5), D(2026, 9, 25)],
    ]
    tables = read_tables(raw, en)
    assert tables.deals["stage"].tolist() == ["Offerte", "Onderhandeling"]
    events = tables.stage_events.sort_values(["deal_id", "date"])
    assert events[["deal_id", "stage"]].values.tolist() == [["D1", "Offerte"], ["D2", "Offerte"],
                                                            ["D2", "Onderhandeling"]]
    history = [["deal_id", "stage", "date"], ["d1 ", "offerte ", D(2026, 9, 10)], ["D2", "OFFERTE", D(2026, 9, 5)]]
    tables = read_tables({**raw, "StageHistory": history}, en)
    assert tables.history_source == "table"
    assert tables.stage_events[["deal_id", "stage"]].values.tolist() == [["D1", "Offerte"], ["D2", "Offerte"]]
    assert not [p for p in tables.problems if p.code != "name_variants"]


def test_ids_link_in_any_case_and_spacing(en):
    raw = raw_tables()
    raw["Deals"][1] += ["k001", "l2"]
    raw["Deals"][0] += ["customer_id", "lead_id"]
    raw["Deals"][2] += [None, None]
    raw["Customers"][0].append("lead_id")
    raw["Customers"][1].append("L1\u00a0")
    raw["Customers"][2].append(None)
    tables = read_tables(raw, en)
    assert tables.deals["customer_id"].tolist() == ["K001", None]
    assert tables.deals["lead_id"].tolist() == ["L2", None]
    assert tables.customers["lead_id"].tolist() == ["L1", None]


def test_own_table_duplicates_in_another_spelling(en):
    raw = raw_tables()
    raw["Deals"][2][0] = "D1\u00a0"  # trailing NBSP: the same id as row 2
    tables = read_tables(raw, en)
    assert tables.deals["deal_id"].tolist() == ["D1"]
    assert [(p.row, p.code) for p in tables.problems if p.code == "duplicate_id"] == [(3, "duplicate_id")]


def test_ids_that_differ_only_in_case_in_their_own_table_stay_apart(en):
    """Salesforce's 15-character ids are case-sensitive: 006Ab and 006aB are two opportunities."""
    raw = raw_tables()
    raw["Deals"][1][0], raw["Deals"][2][0] = "006Ab", "006aB"
    raw["Activities"][1][3] = "006aB "
    raw["Activities"][2][3] = "006ab"  # neither of them: an id Deals does not hold
    tables = read_tables(raw, en)
    assert tables.deals["deal_id"].tolist() == ["006Ab", "006aB"]
    assert tables.activities["deal_id"].tolist()[:2] == ["006aB", "006ab"]
    report = compute(tables, en, month="2026-10", today=TODAY)
    assert report.sleeping["deal_id"].tolist() == ["006Ab"]  # 006aB had an activity on 2026-10-20


# --------------------------------------------------------------------------- targets and worksheet functions


def test_override_names_in_any_spelling(en):
    data = en.model_dump(mode="json", by_alias=True)
    data["targets"]["action_points"]["per_rep"]["overrides"] = {"SANNE  de\u00a0vries": 300}
    settings = parse_config(data)
    report = compute(read_tables(raw_tables(), settings), settings, month="2026-10", today=TODAY)
    assert report.action.per_rep.set_index("owner").loc["Sanne de Vries", "target"] == 300


def test_two_overrides_for_one_rep_are_a_config_mistake(en):
    data = en.model_dump(mode="json", by_alias=True)
    data["targets"]["qualified_leads"]["per_rep"]["overrides"] = {"Sanne de Vries": 3, "sanne  DE vries": 4}
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert "targets.qualified_leads.per_rep.overrides: 'sanne  DE vries' and 'Sanne de Vries' are the same rep" \
        in str(err.value)


@pytest.mark.parametrize("rep", ["sanne de vries", "SANNE\u00a0DE  VRIES", "Sanne de Vries"])
def test_worksheet_functions_find_the_rep_in_any_spelling(en, rep):
    fx.CACHE.clear()
    raw = raw_tables()
    assert fx.action_points(en, (raw["Activities"], 1), rep, "2026-10") == 23
    assert fx.action_target(en, rep, "2026-10") == 450
    assert fx.qualified_leads(en, (raw["Leads"], 1), "2026-10", rep) == 2
    assert fx.pipeline_value(en, (raw["Deals"], 1), owner=rep, as_of=dt.date(2026, 10, 31)) == 1500
    assert fx.pipeline_value(en, (raw["Deals"], 1), stage="OFFERTE\u00a0", as_of=dt.date(2026, 10, 31)) == 1500


def test_same_name_per_cell():
    import pandas as pd

    cells = pd.Series(["Sanne de Vries", None, "SANNE  DE VRIES", "Jan"], dtype=object)
    assert same_name(cells, "sanne\u00a0de vries").tolist() == [True, False, True, False]


# --------------------------------------------------------------------------- the property


def _respell(text: str, how: int) -> str:
    """One way a person may type ``text`` again and still mean it."""
    if how == 0:
        return text.upper()
    if how == 1:
        return text.lower()
    if how == 2:
        return f" {text}\u00a0"
    if how == 3:
        return text.replace(" ", "  ")
    if how == 4:
        return text.replace(" ", "\u00a0")
    if how == 5:
        return NFD(text) + "\u200b"
    return f"\t{text}\n"


RESPELLED = {"Leads": ("lead_id", "owner", "source"), "Activities": ("owner", "type", "lead_id", "deal_id",
                                                                   "customer_id"),
             "Deals": ("deal_id", "owner", "stage", "customer_id", "lead_id"),
             "Customers": ("customer_id", "owner", "lead_id")}


def _numbers(report) -> dict:
    """Every KPI number of the month report (names left out: only their spelling may change)."""
    out = {f"tile.{k}": (t.value, t.target, t.share, t.previous) for k, t in report.tiles.items()}
    out["reps"] = sorted(zip(report.action.per_rep["points"], report.action.per_rep["target"].fillna(-1)))
    out["owners"] = sorted(report.qualified.per_owner[["leads", "qualified"]].values.tolist())
    out["sources"] = sorted(report.qualified.per_source[["leads", "qualified"]].values.tolist())
    out["pipeline"] = (report.pipeline.value, report.pipeline.weighted,
                       sorted(report.pipeline.per_owner[["deals", "value"]].values.tolist()))
    out["cycle"] = (report.cycle.mean, report.cycle.median)
    out["sleeping"] = sorted(report.sleeping["value"].tolist())
    out["attention"] = len(report.customers.needs_attention)
    out["retention"] = report.customers.retention.rate
    out["lookalikes"] = sorted(report.lookalikes["score"].tolist())
    out["insight"] = (report.close_ratio, report.quote_to_close, report.won_revenue,
                      sorted((b.deals, b.rep_rate or -1) for b in report.bottlenecks))
    out["trends"] = report.trends.drop(columns="month").values.tolist()
    out["problems"] = sorted(p.code for p in report.problems if not p.code.startswith("name_variants"))
    return out


@pytest.fixture(scope="module")
def company_rows():
    return generate(seed=3, leads=300, activities=1500, deals=120, customers=40).rows()


@pytest.fixture(scope="module")
def company_numbers(en, company_rows):
    return _numbers(compute(read_tables(company_rows, en), en, month="2026-10", today=TODAY))


@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
           phases=[Phase.explicit, Phase.reuse, Phase.generate])  # a seed does not shrink: no shrink phase
@given(seed=st.integers(0, 2**32 - 1), share=st.sampled_from([0.05, 0.5, 1.0]))
@example(seed=0, share=0.5)  # enough re-spelled ids for the "more names" note
def test_any_respelling_leaves_every_number_unchanged(en, company_rows, company_numbers, seed, share):
    """Each name and id cell is re-spelled with chance ``share``, in one of seven ways chosen at random."""
    rng = random.Random(seed)
    changed = {}
    for table, rows in company_rows.items():
        header = rows[0]
        positions = [header.index(c) for c in RESPELLED.get(table, ()) if c in header]
        new_rows = [list(header)]
        for row in rows[1:]:
            row = list(row)
            for p in positions:
                if isinstance(row[p], str) and rng.random() < share:
                    row[p] = _respell(row[p], rng.randrange(7))
            new_rows.append(row)
        changed[table] = new_rows
    assert _numbers(compute(read_tables(changed, en), en, month="2026-10", today=TODAY)) == company_numbers


def test_a_column_of_respelled_ids_gets_twenty_notes_and_a_count(en):
    raw = raw_tables()
    raw["Customers"] = [raw["Customers"][0]] + [[f"K{i:03d}", D(2025, 1, 1), "Jan"] for i in range(30)]
    raw["Activities"] = [raw["Activities"][0]] + [[D(2026, 10, 20), "Jan", "call", None, f"k{i:03d}"]
                                                  for i in range(30)]
    tables = read_tables(raw, en)
    notes = [p for p in tables.problems if p.table == "Activities" and p.column == "customer_id"]
    assert [p.code for p in notes] == ["name_variants"] * 20 + ["name_variants_more"]
    assert notes[0].message("en").startswith("Activities, row 2, column 'customer_id' ('K000'): note: one name "
                                              "spelled in more than one way ('k000' 1×)")
    assert notes[-1].message("en") == ("Activities, column 'customer_id': note: 10 more names in this column are "
                                       "spelled in more than one way; every row counts")
    assert tables.activities["customer_id"].tolist() == [f"K{i:03d}" for i in range(30)]
