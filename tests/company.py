"""A small hand-built company, as Excel hands it over: a header row, then raw cell values.

Every number the KPI tests expect is worked out by hand from the rows below
(see ``tests/test_kpis_company.py``). Change a row here and the hand
arithmetic there must change with it.

Three reps (Anna, Bram, Carla), report month 2026-10 (as-of date 2026-10-31).

Deals (per-stage date columns; won/lost have no stays):

====  =====  ==========  ======  ==============  =====================================================
deal  owner  created     value   stage (column)  stage dates
====  =====  ==========  ======  ==============  =====================================================
D01   Anna   2026-08-01  10000   Gewonnen        Lead 08-01, Intake 08-11, Offerte 09-01, Onderh 09-21,
                                                 Gewonnen 10-31 (text "31-10-2026": last day of the month)
D02   Bram   2026-06-15  20000   Gewonnen        Intake 06-15, Offerte 07-10, Gewonnen 09-15 (skips Onderh)
D03   Carla  2026-09-01   5000   Verloren        Intake 09-01, Offerte 09-20, Verloren 10-10
D04   Anna   2026-09-10  30000   Offerte         Lead 09-10, Intake 09-20, Offerte 10-05 (open)
D05   Bram   2026-10-01   8000   Intake          Intake 10-01 (open)
D06   Carla  2026-07-01  12000   Onderhandeling  Intake 07-01, Offerte 07-20, Onderh 08-10 (open, asleep)
D07   Anna   2026-05-01  15000   Gewonnen        Intake 05-01, Offerte 05-20, Onderh 06-10, Gewonnen 07-01
D08   Bram   2026-10-20   4000   Lead            Lead 10-20 (open)
D09   Carla  2025-12-01   7000   Gewonnen        none; closed 2026-02-15 (won date from `closed`)
D10   Anna   2026-09-05   6000   Verloren        none; closed 2026-09-25
D11   Bram   2026-11-05  50000   Intake          Intake 11-05 (after the as-of date)
D12   Carla  2026-10-10  25000   Gewonnen        Intake 10-10, Offerte 10-15, Gewonnen 11-10 (won after
                                                 the as-of date: open at 2026-10-31); value "€ 25.000,00"
D13   Anna   2025-10-01   3000   Gewonnen        Intake 2025-10-01, Gewonnen 2025-10-20 (before the window)
====  =====  ==========  ======  ==============  =====================================================
"""

from __future__ import annotations

import datetime as dt

from kpi_xl import parse_config, read_tables


def d(text: str) -> dt.datetime:
    """An Excel date cell as xlwings hands it over (a datetime at midnight)."""
    return dt.datetime.strptime(text, "%Y-%m-%d")


CONFIG = {
    "language": "nl",
    "window_months": 12,
    "stages": [
        {"name": "Lead", "probability": 0.1},
        {"name": "Intake", "probability": 0.2, "aliases": ["kennismaking"]},
        {"name": "Offerte", "probability": 0.5, "aliases": ["quote"], "stale_after_days": 21},
        {"name": "Onderhandeling", "probability": 0.8, "aliases": ["negotiation"]},
        {"name": "Gewonnen", "probability": 1.0, "aliases": ["won"]},
        {"name": "Verloren", "probability": 0.0, "aliases": ["lost"]},
    ],
    "activity_types": {
        "call": {"points": 2, "aliases": ["bellen"]},
        "email": {"points": 1, "aliases": ["mail"]},
        "meeting": {"points": 5, "aliases": ["afspraak"]},
    },
    "qualification": {
        "min_score": 1,
        "criteria": [
            {"column": "industry", "test": "in", "values": ["ICT", "Bouw"], "label": "branche"},
            {"column": "employees", "test": "min", "value": 10, "label": "omvang"},
            {"column": "budget", "test": "min", "value": 5000, "required": False, "weight": 1, "label": "budget"},
        ],
    },
    "targets": {
        "qualified_leads": {"per_rep": {"default": 2, "overrides": {"Bram": 3}}},
        "action_points": {
            "per_rep": {
                "default": {"ramp": {"start": "2026-07", "from": 10, "step_pct": 10, "cap": 13}},
                "overrides": {"Anna": 15},
            }
        },
        "pipeline_value": {"team": 50000},
        "deal_velocity": {"team": 60},
        "retention": {"team": 0.9},
    },
    "stale_after_days": 30,
    "contact_within_days": 60,
    "lookalike": {
        "attributes": [
            {"column": "industry", "weight": 2},
            {"column": "employees", "weight": 1, "bands": [10, 50]},
            {"column": "region", "weight": 1},
        ],
        "top": 10,
    },
    "bottleneck": {
        "min_deals": 2,
        "hints": {
            "Offerte": {"nl": "juiste type klant? offerte te vroeg verstuurd?",
                        "en": "right type of customer? quote sent too early?"},
            "Onderhandeling": {"nl": "prijs of waarde? zit de beslisser aan tafel?",
                               "en": "price or value? is the decision maker at the table?"},
        },
    },
    "suggested_targets": {"months": 3, "far_above": 1.5},
    "traffic_light": {"green": 1.0, "orange": 0.8},
}

LEADS_HEADER = ["Lead ID", "Aangemaakt", "Eigenaar", "Bedrijf", "Bron", "Gekwalificeerd", "Branche",
                "Medewerkers", "Regio", "Budget"]
LEADS = [
    # id     created            owner    company     source      qualified industry employees region   budget
    ["L01", d("2026-10-02"), "Anna", "Alfa BV", "Website", None, "ICT", 40.0, "Noord", 8000.0],
    ["L02", d("2026-10-05"), "Anna", "Beta BV", "Event", None, "Bouw", 120.0, "Zuid", 6000.0],
    ["L03", d("2026-10-07"), "Bram", "Gamma", "Website", None, "Retail", 30.0, "Noord", 9000.0],
    ["L04", d("2026-10-09"), "Bram", "Delta", "Referral", None, "ICT", 5.0, "Oost", 7000.0],
    ["L05", d("2026-10-12"), "Carla", "Epsilon", "Website", None, "Retail", 25.0, "Noord", 2000.0],
    ["L06", d("2026-10-15"), "Carla", "Zeta", "Event", "ja", "Retail", 3.0, "Zuid", None],
    ["L07", d("2026-10-20"), None, "Eta", "Website", None, "ICT", 60.0, "Zuid", 5000.0],
    ["L08", d("2026-10-31"), "Bram", "Theta", "Referral", "nee", "ICT", 200.0, "Zuid", 50000.0],
    ["L09", d("2026-09-03"), "Anna", "Iota", "Website", None, "ICT", 15.0, "Noord", 6000.0],
    ["L10", d("2026-09-10"), "Bram", "Kappa", "Event", None, "Bouw", 12.0, "Noord", 10000.0],
    ["L11", d("2026-09-18"), "Carla", "Lambda", "Website", None, "Retail", 50.0, "Zuid", 7000.0],
    ["L12", d("2026-09-30"), "Carla", "Mu", "Referral", None, "ICT", None, "Noord", 9000.0],
    ["L13", d("2026-08-14"), "Anna", "Nu", "Website", None, "ICT", 20.0, "Noord", 6000.0],
    ["L14", d("2026-07-20"), "Bram", "Xi", "Event", None, "Bouw", 80.0, "Zuid", 12000.0],
    ["L15", d("2026-11-03"), "Anna", "Omicron", "Website", None, "ICT", 30.0, "Noord", 9000.0],
]

ACTIVITIES_HEADER = ["Datum", "Eigenaar", "Soort", "lead_id", "deal_id", "customer_id", "Notities"]
ACTIVITIES = [
    # date              owner    type        lead   deal   customer notes
    [d("2026-10-01"), "Anna", "call", "L01", None, None, None],  # A01
    [d("2026-10-03"), "Anna", "Bellen", "L02", None, None, None],  # A02 alias, other case
    [d("2026-10-06"), "Anna", "meeting", None, "D01", None, None],  # A03
    [d("2026-10-08"), "Anna", "email", "L01", None, None, None],  # A04
    [d("2026-10-14"), "Anna", "afspraak", None, "D04", None, None],  # A05 alias → meeting; wakes D04
    [d("2026-10-21"), "Anna", "whatsapp", "L09", None, None, None],  # A06 unknown type
    [d("2026-10-02"), "Bram", "call", "L03", None, None, None],  # A07
    [d("2026-10-09"), "Bram", "MAIL", "L04", None, None, None],  # A08 alias, upper case
    [d("2026-10-16"), "Bram", "email", None, None, None, None],  # A09
    [d("2026-10-23"), "Bram", "meeting", None, None, "C1", None],  # A10
    [d("2026-10-30"), "Bram", "call", "L08", None, None, None],  # A11
    [d("2026-10-31"), "Bram", "whatsapp", None, None, None, None],  # A12 unknown type
    [d("2026-10-05"), "Carla", "call", None, None, None, None],  # A13
    [d("2026-10-19"), "Carla", "meeting", None, "D12", None, None],  # A14
    [d("2026-10-27"), "Carla", "call", None, None, "C5", None],  # A15 contact with C5
    [d("2026-10-12"), None, "email", None, None, None, "nobody's"],  # A16 unassigned
    [d("2026-09-04"), "Anna", "call", None, "D01", None, None],  # A17
    [d("2026-09-11"), "Bram", "meeting", None, None, None, None],  # A18
    [d("2026-09-25"), "Carla", "email", None, None, None, None],  # A19
    [d("2026-08-20"), "Carla", "meeting", None, "D06", None, None],  # A20 last movement of D06
    [d("2026-07-15"), "Bram", "call", None, None, None, None],  # A21
    [d("2026-11-02"), "Anna", "meeting", None, "D06", None, None],  # A22 after the as-of date
    [d("2026-11-02"), "Bram", "call", None, None, "C2", None],  # A23 after the as-of date
]

DEALS_HEADER = ["deal_id", "Eigenaar", "Aangemaakt", "Waarde", "Fase", "Gesloten", "Reden verlies", "lead_id",
                "Lead", "Intake", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"]
DEALS = [
    # id   owner   created          value    stage            closed            reason  lead
    #      Lead             Intake           Offerte          Onderhandeling   Gewonnen         Verloren
    ["D01", "Anna", d("2026-08-01"), 10000.0, "Gewonnen", None, None, "L13",
     d("2026-08-01"), d("2026-08-11"), d("2026-09-01"), d("2026-09-21"), "31-10-2026", None],
    ["D02", "Bram", d("2026-06-15"), 20000.0, "Gewonnen", None, None, None,
     None, d("2026-06-15"), d("2026-07-10"), None, d("2026-09-15"), None],
    ["D03", "Carla", d("2026-09-01"), 5000.0, "Verloren", None, "prijs", "L11",
     None, d("2026-09-01"), d("2026-09-20"), None, None, d("2026-10-10")],
    ["D04", "Anna", d("2026-09-10"), 30000.0, "Offerte", None, None, "L09",
     d("2026-09-10"), d("2026-09-20"), d("2026-10-05"), None, None, None],
    ["D05", "Bram", d("2026-10-01"), 8000.0, "Intake", None, None, None,
     None, d("2026-10-01"), None, None, None, None],
    ["D06", "Carla", d("2026-07-01"), 12000.0, "Onderhandeling", None, None, None,
     None, d("2026-07-01"), d("2026-07-20"), d("2026-08-10"), None, None],
    ["D07", "Anna", d("2026-05-01"), 15000.0, "Gewonnen", None, None, None,
     None, d("2026-05-01"), d("2026-05-20"), d("2026-06-10"), d("2026-07-01"), None],
    ["D08", "Bram", d("2026-10-20"), 4000.0, "Lead", None, None, None,
     d("2026-10-20"), None, None, None, None, None],
    ["D09", "Carla", d("2025-12-01"), 7000.0, "won", d("2026-02-15"), None, None,
     None, None, None, None, None, None],
    ["D10", "Anna", d("2026-09-05"), 6000.0, "Verloren", d("2026-09-25"), "timing", None,
     None, None, None, None, None, None],
    ["D11", "Bram", d("2026-11-05"), 50000.0, "Intake", None, None, None,
     None, d("2026-11-05"), None, None, None, None],
    ["D12", "Carla", d("2026-10-10"), "€ 25.000,00", "Gewonnen", None, None, "L01",
     None, d("2026-10-10"), d("2026-10-15"), None, d("2026-11-10"), None],
    ["D13", "Anna", d("2025-10-01"), 3000.0, "Gewonnen", None, None, None,
     None, d("2025-10-01"), None, None, d("2025-10-20"), None],
]

CUSTOMERS_HEADER = ["customer_id", "Klant sinds", "Klant tot", "Jaaromzet", "Laatste contact", "Bedrijf",
                    "Eigenaar", "lead_id", "Branche", "Medewerkers", "Regio"]
CUSTOMERS = [
    # id   since            until            revenue  last contact     company    owner   lead   industry emp region
    ["C1", d("2022-01-01"), None, 10000.0, d("2026-10-01"), "Klant Een", "Anna", None, "ICT", 40.0, "Noord"],
    ["C2", d("2024-05-01"), None, 20000.0, d("2026-06-01"), "Klant Twee", "Bram", None, "ICT", 120.0, "Zuid"],
    ["C3", d("2023-03-01"), d("2026-04-30"), 5000.0, None, "Klant Drie", "Carla", None, "Bouw", 30.0, "Noord"],
    ["C4", d("2026-03-01"), None, 8000.0, None, "Klant Vier", "Bram", "L14", "Bouw", 15.0, "Oost"],
    ["C5", d("2025-06-01"), d("2026-11-15"), 12000.0, d("2026-07-01"), "Klant Vijf", "Carla", None, "ICT", 8.0,
     "Noord"],
    ["C6", d("2026-12-01"), None, 9000.0, None, "Klant Zes", "Anna", None, "ICT", 40.0, "Noord"],
    ["C7", d("2021-01-01"), d("2025-06-30"), 4000.0, None, "Klant Zeven", "Anna", None, "Bouw", 300.0, "Zuid"],
]


def settings(**changes):
    """The company's config (optionally with top-level settings changed)."""
    return parse_config({**CONFIG, **changes})


def raw_tables() -> dict[str, list[list]]:
    """The four tables as Excel hands them over (fresh lists: safe to modify)."""
    return {
        "Leads": [list(LEADS_HEADER), *[list(r) for r in LEADS]],
        "Activities": [list(ACTIVITIES_HEADER), *[list(r) for r in ACTIVITIES]],
        "Deals": [list(DEALS_HEADER), *[list(r) for r in DEALS]],
        "Customers": [list(CUSTOMERS_HEADER), *[list(r) for r in CUSTOMERS]],
    }


def tables(raw: dict | None = None, config=None):
    config = config or settings()
    return read_tables(raw or raw_tables(), config)


def header_only() -> dict[str, list[list]]:
    """Every table with its header row and no data."""
    return {name: [rows[0]] for name, rows in raw_tables().items()}


# ----------------------------------------------------------------------------
# builders for the small special-case companies (same headers, same config)

STAGE_COLUMNS = ["Lead", "Intake", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"]


def lead(lead_id, created, owner="Anna", *, source="Website", qualified=None, industry="ICT", employees=20.0,
         region="Noord", budget=6000.0, company=None):
    return [lead_id, created, owner, company or f"Bedrijf {lead_id}", source, qualified, industry, employees,
            region, budget]


def activity(date, owner, kind, *, lead=None, deal=None, customer=None):
    return [date, owner, kind, lead, deal, customer, None]


def deal(deal_id, owner, created, value, stage, *, closed=None, lead=None, reason=None, **stage_dates):
    """A Deals row; ``stage_dates`` by stage name, e.g. ``Intake=d("2026-09-01")``."""
    unknown = set(stage_dates) - set(STAGE_COLUMNS)
    if unknown:
        raise ValueError(f"not a stage column: {unknown}")
    return [deal_id, owner, created, value, stage, closed, reason, lead,
            *[stage_dates.get(s) for s in STAGE_COLUMNS]]


def customer(customer_id, since, *, until=None, revenue=10000.0, last_contact=None, owner="Anna", lead=None,
             industry="ICT", employees=20.0, region="Noord"):
    return [customer_id, since, until, revenue, last_contact, f"Klant {customer_id}", owner, lead, industry,
            employees, region]


def mini(leads=(), activities=(), deals=(), customers=(), history=None) -> dict[str, list[list]]:
    """Raw tables with the company's headers and the given rows; ``history`` = StageHistory rows."""
    raw = {
        "Leads": [list(LEADS_HEADER), *map(list, leads)],
        "Activities": [list(ACTIVITIES_HEADER), *map(list, activities)],
        "Deals": [list(DEALS_HEADER), *map(list, deals)],
        "Customers": [list(CUSTOMERS_HEADER), *map(list, customers)],
    }
    if history is not None:
        raw["StageHistory"] = [["Deal", "Fase", "Datum"], *map(list, history)]
    return raw
