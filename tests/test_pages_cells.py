"""The Coaching and Inzicht pages' cells: values from the MonthReport, by hand on the small company,
empty, one-row and messy inputs, and one language per page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi_xl import compute
from kpi_xl.report import layout as L
from kpi_xl.report.pages import coaching as C
from kpi_xl.report.pages import insight as I
from kpi_xl.report.plan import build_plan
from kpi_xl.sample import generate
from kpi_xl.tables import read_tables

try:
    from tests import company as co
except ImportError:  # pytest put tests/ itself on sys.path
    import company as co

d = co.d
LATER = dt.date(2027, 1, 15)  # as-of = 2026-10-31
NOW = dt.datetime(2026, 11, 2, 9, 0)
approx = pytest.approx


def plan_of(raw=None, **config):
    settings = co.settings(**config)
    report = compute(co.tables(raw, settings), settings, "2026-10", today=LATER)
    return report, build_plan(report, settings, NOW)


@pytest.fixture(scope="module")
def company():
    return plan_of()


def block(rep_index: int) -> int:
    return C.FIRST_ROW + rep_index * C.ROWS_PER_REP


# ---------------------------------------------------------------------------- Coaching


def test_coaching_per_rep_bottleneck_and_sleeping_deals_by_hand(company):
    report, plan = company
    cells = plan.coaching
    assert cells[C.TITLE] == "Gesprekspunten per verkoper" and cells[C.MONTH] == "2026-10"
    # reps with a bottleneck line or a sleeping deal, by name: Anna, Bram, Carla (3 deals each: D01 D04 D07, ...)
    assert [cells.get((block(i), C.REP)) for i in range(4)] == ["Anna", "Bram", "Carla", None]
    assert [cells[(block(i), C.DEALS)] for i in range(3)] == [3, 3, 3]
    points = {b.owner: b.talking_point["nl"] for b in report.bottlenecks}
    assert [cells[(block(i), C.POINT)] for i in range(3)] == [points["Anna"], points["Bram"], points["Carla"]]
    # the only sleeping deal: D06 of Carla, Onderhandeling, last activity Aug 20 → Oct 31 = 11 + 30 + 31 = 72 days
    carla = block(2)
    assert [cells[(carla, col)] for col in (C.SLEEP_DEAL, C.SLEEP_STAGE, C.SLEEP_IDLE, C.SLEEP_VALUE)] == [
        "D06", "Onderhandeling", 72, 12000.0]
    assert (block(0), C.SLEEP_DEAL) not in cells and (carla, C.SLEEP_MORE) not in cells


def test_coaching_customers_and_lookalikes_by_hand(company):
    report, plan = company
    cells = plan.coaching
    assert cells[(C.LOWER_TITLE_ROW, 0)] == "Klanten zonder contact in 60 dagen"  # contact_within_days: 60
    first, second = C.LOWER_FIRST_ROW, C.LOWER_FIRST_ROW + 1
    # C4 never contacted (first), C2 last contact Jun 1 → Oct 31 = 29 + 31 + 31 + 30 + 31 = 152 days
    assert [cells.get((first, c)) for c in C.CUSTOMER_COLS] == ["Klant Vier", None, "nooit"]
    assert [cells.get((second, c)) for c in C.CUSTOMER_COLS] == ["Klant Twee", 152, dt.datetime(2026, 6, 1)]
    assert (C.LOWER_MORE_ROW, 0) not in cells  # 2 customers, room for 5
    looks = report.lookalikes.head(C.LOWER_ROWS)
    shown = [tuple(cells[(C.LOWER_FIRST_ROW + i, c)] for c in C.LOOKALIKE_COLS) for i in range(len(looks))]
    assert shown == [(r.company, r.lead_id, approx(r.score), r.why) for r in looks.itertuples()]
    assert all(";" in why or why for *_, why in shown) and len(shown) == 5


def test_coaching_more_sleeping_deals_than_rows_says_how_many():
    # Anna: four open deals created Jul 1, entered Intake Jul 1, no activity → Oct 31 − Jul 1 = 122 days each
    deals = [co.deal(f"D{i}", "Anna", d("2026-07-01"), 1000.0 * i, "Intake", Intake=d("2026-07-01"))
             for i in range(1, 5)]
    report, plan = plan_of(co.mini(deals=deals))
    cells = plan.coaching
    assert cells[(block(0), C.REP)] == "Anna"
    assert cells[(block(0), C.SLEEP_IDLE)] == 122 and cells[(block(0) + 1, C.SLEEP_IDLE)] == 122
    assert cells[(block(0), C.SLEEP_MORE)] == "+2 meer"  # 4 sleeping, 2 rows
    assert len(report.sleeping) == 4


def test_coaching_with_more_reps_than_blocks_says_how_many():
    # 12 reps with one sleeping deal each; the page has 10 blocks
    deals = [co.deal(f"D{i:02d}", f"Rep {i:02d}", d("2026-07-01"), 100.0, "Intake", Intake=d("2026-07-01"))
             for i in range(12)]
    _, plan = plan_of(co.mini(deals=deals))
    cells = plan.coaching
    assert cells[(block(9), C.REP)] == "Rep 09"
    assert cells[C.MORE_REPS] == "… en nog 2 verkopers"  # 12 − 10


def test_empty_tables_give_labels_and_no_numbers():
    _, plan = plan_of(co.header_only())
    numbers = [v for v in plan.coaching.values() if isinstance(v, (int, float))]
    assert numbers == []
    assert plan.coaching[(C.LOWER_FIRST_ROW, C.CUSTOMER_COLS[0])] == "geen"
    assert plan.coaching[(C.LOWER_FIRST_ROW, C.LOOKALIKE_COLS[0])] == "geen"
    cells = plan.insight
    assert cells[(I.FIGURES_FIRST_ROW + I.FIGURES.index("top_rejection"), I.FIGURE_VALUE)] == "geen"
    assert cells[(I.FIGURES_FIRST_ROW + I.FIGURES.index("qualification_rate"), I.FIGURE_VALUE)] is None  # 0 leads
    assert (I.SOURCES_FIRST_ROW, 0) not in cells
    # the four open stages are listed, with 0 deals: Lead, Intake, Offerte, Onderhandeling
    assert [cells[(I.PIPE_FIRST_ROW + i, I.RIGHT_COL + 1)] for i in range(4)] == [0, 0, 0, 0]


def test_one_row_company():
    raw = co.mini(
        leads=[co.lead("L1", d("2026-10-05"), "Anna", budget=6000.0)],  # ICT, 20 employees: qualified
        deals=[co.deal("D1", "Anna", d("2026-09-01"), 1000.0, "Gewonnen", lead="L1", Intake=d("2026-09-01"),
                       Offerte=d("2026-09-15"), Gewonnen=d("2026-10-10"))],
    )
    report, plan = plan_of(raw)
    cells = plan.insight
    row = {key: I.FIGURES_FIRST_ROW + i for i, key in enumerate(I.FIGURES)}
    assert cells[(row["qualification_rate"], I.FIGURE_VALUE)] == 1.0  # 1 qualified ÷ 1 lead
    assert cells[(row["close_ratio"], I.FIGURE_VALUE)] == 1.0  # 1 won ÷ 1 closed
    assert cells[(row["top_rejection"], I.FIGURE_VALUE)] == "geen"  # no lead rejected
    assert [cells[(I.SOURCES_FIRST_ROW, j)] for j in range(3)] == ["Website", 1, 1]
    # 1 deal < min_deals 2: Anna is listed once, without a bottleneck ("geen duidelijk knelpunt")
    assert [(b.owner, b.clear, b.why_unclear) for b in report.bottlenecks] == [("Anna", False, "few_deals")]
    assert plan.coaching[(block(0), C.REP)] == "Anna"
    assert plan.coaching[(block(0), C.POINT)] == "geen duidelijk knelpunt"


# ---------------------------------------------------------------------------- Inzicht


def test_insight_key_figures_by_hand(company):
    report, plan = company
    cells = plan.insight
    assert cells[I.TITLE] == "Inzicht — niet voor het beoordelen van medewerkers"
    row = {key: I.FIGURES_FIRST_ROW + i for i, key in enumerate(I.FIGURES)}
    # October: L01..L08; qualified L01 L02 L07 (checklist) and L06 (manual "ja") → 4 / 8
    assert cells[(row["qualification_rate"], I.FIGURE_VALUE)] == 0.5
    # checklist-decided and rejected: L03 (Retail), L04 (5 employees), L05 (Retail, budget 2000):
    # branche rejects L03 and L05 = 2, omvang L04 = 1, budget L05 = 1 → branche, 2
    assert cells[(row["top_rejection"], I.FIGURE_VALUE)] == "branche"
    assert cells[(row["rejected_by_top"], I.FIGURE_VALUE)] == 2
    # closed in the window (Nov 2025 .. Oct 2026): won D01 D02 D07 D09, lost D03 D10 → 4 / 6
    assert cells[(row["close_ratio"], I.FIGURE_VALUE)] == approx(2 / 3)
    for key, value in I.figures(report).items():  # the rest: the report's own numbers, not recomputed
        assert cells.get((row[key], I.FIGURE_VALUE)) == (approx(value) if isinstance(value, float) else value)


def test_insight_sources_and_pipeline_by_hand(company):
    _, plan = company
    cells = plan.insight
    sources = [tuple(cells[(I.SOURCES_FIRST_ROW + i, j)] for j in range(3)) for i in range(3)]
    # Website L01(q) L03 L05 L07(q) → 4, 2; Event L02(q) L06(q) → 2, 2; Referral L04 L08 → 2, 0
    assert sources == [("Website", 4, 2), ("Event", 2, 2), ("Referral", 2, 0)]
    pipe = [tuple(cells[(I.PIPE_FIRST_ROW + i, I.RIGHT_COL + j)] for j in range(4)) for i in range(4)]
    # open at Oct 31: D08 Lead 4000 (×0.1); D05 Intake 8000 (×0.2); D04 30000 + D12 25000 Offerte (×0.5);
    # D06 Onderhandeling 12000 (×0.8)
    assert pipe == [("Lead", 1, 4000.0, approx(400.0)), ("Intake", 1, 8000.0, approx(1600.0)),
                    ("Offerte", 2, 55000.0, approx(27500.0)), ("Onderhandeling", 1, 12000.0, approx(9600.0))]


def test_insight_conversion_is_the_reports(company):
    report, plan = company
    for i, row in enumerate(report.conversion.itertuples(index=False)):
        shown = [plan.insight.get((I.CONVERSION_FIRST_ROW + i, I.RIGHT_COL + j)) for j in range(6)]
        expected = [getattr(row, key) for key in I.CONVERSION_KEYS]
        assert shown == [None if isinstance(v, float) and v != v else approx(v) if isinstance(v, float) else v
                         for v in expected]


# ---------------------------------------------------------------------------- the sample company (messy)


@pytest.fixture(scope="module")
def sample():
    company = generate(seed=7, messy=True)
    out = {}
    for lang in ("nl", "en"):
        from kpi_xl import load_config

        settings = load_config().model_copy(update={"language": lang})
        tables = read_tables(company.rows(), settings)
        report = compute(tables, settings, "2026-10", today=LATER)
        out[lang] = (report, build_plan(report, settings, NOW))
    return out


def test_every_sleeping_deal_is_under_its_rep_or_counted_in_more(sample):
    report, plan = sample["nl"]
    cells = plan.coaching
    per_rep = report.sleeping.groupby("owner").size()
    for i in range(C.MAX_REPS):
        name = cells.get((block(i), C.REP))
        if name is None:
            break
        shown = [cells.get((block(i) + j, C.SLEEP_DEAL)) for j in range(C.ROWS_PER_REP)]
        shown = [s for s in shown if s is not None]
        more = cells.get((block(i), C.SLEEP_MORE))
        extra = int(re.search(r"\d+", more).group(0)) if more else 0
        assert len(shown) + extra == per_rep.get(name, 0), name
        own = report.sleeping[report.sleeping["owner"] == name]["deal_id"].head(C.ROWS_PER_REP).tolist()
        assert shown == own  # the longest idle first


ENGLISH = ("vs", "call", "email", "target", "stage", "rep", "reps", "days", "won", "growth", "customers",
           "more", "never", "none", "why", "source", "qualified", "value", "insight", "judging", "and")
DUTCH = ("verkoper", "verkopers", "klanten", "dagen", "fase", "doel", "geen", "nog", "waarom", "groei", "bron",
         "meer", "nooit", "bedrijf", "waarde", "gewogen", "inzicht", "beoordelen", "en", "t.o.v.", "gesprekspunten")


def _label_words(report, plan) -> set[str]:
    """The words of every text on the two pages that is not data (names, stages, companies, ids, sources,
    criteria) nor a talking point (its text is the report's, from kpi_xl/messages)."""
    data = {*report.sleeping["owner"], *report.sleeping["stage"], *report.sleeping["deal_id"],
            *report.customers.needs_attention["company"].dropna(), *report.lookalikes["company"].dropna(),
            *report.lookalikes["lead_id"], *report.lookalikes["why"], *report.qualified.per_source["source"],
            *report.conversion["stage"], *report.qualified.rejections.index, str(report.month),
            *(b.owner for b in report.bottlenecks)}
    data |= {text for b in report.bottlenecks for text in b.talking_point.values()}
    words = set()
    for cells in (plan.coaching, plan.insight):
        for value in cells.values():
            if isinstance(value, str) and value not in data:
                words |= {w.casefold() for w in re.findall(r"[\w.]+", value)}
    return words


def test_dutch_pages_have_no_english_labels_and_english_pages_no_dutch(sample):
    nl = _label_words(*sample["nl"])
    en = _label_words(*sample["en"])
    assert not nl & set(ENGLISH), nl & set(ENGLISH)
    assert not en & set(DUTCH), en & set(DUTCH)
    assert {"verkoper", "fase", "inzicht"} <= nl and {"rep", "stage", "insight"} <= en  # the lists can bite


def test_pages_hold_only_plain_values(sample):
    for lang in ("nl", "en"):
        _, plan = sample[lang]
        for sheet in (plan.coaching, plan.insight):
            for (r, c), value in sheet.items():
                assert r <= L.PAGE_LAST_ROW and c <= L.PAGE_LAST_COL
                assert value is None or isinstance(value, (str, int, float, dt.datetime)), (r, c, value)
