"""Coaching ("Gesprekspunten per verkoper" / "Talking points per rep"): where each cell sits, its labels, its cells.

Per rep one block of ``ROWS_PER_REP`` rows: the rep, the deals behind the bottleneck, the talking point
the report gives (also "no clear bottleneck" where it says so), and that rep's sleeping deals, the
longest idle first (deal, stage, idle days, value; "+N more" beside them). Below: the customers that
need attention (no contact for ``contact_within_days``) and the look-alike leads with the reason per
attribute, company names in full (the template wraps them).

The page computes nothing: every value is one the :class:`~kpi_xl.month.MonthReport` holds.
Rows and columns are 0-based, as in :mod:`kpi_xl.report.layout`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.report.layout import lookup

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

TITLE = (0, 0)
MONTH = (0, 6)  # the month shown, beside the title
HEADER_ROW = 2
FIRST_ROW = 3
ROWS_PER_REP = 2  # a rep's block: the talking point spans it; one sleeping deal per row
MAX_REPS = 10
SLEEPING_PER_REP = ROWS_PER_REP
MORE_REPS = (FIRST_ROW + MAX_REPS * ROWS_PER_REP, 0)  # "… and N more" below the last block

# columns of the rep blocks
REP, DEALS, POINT, POINT_LAST = 0, 1, 2, 4  # the talking point is merged over C..E
SLEEP_DEAL, SLEEP_STAGE, SLEEP_IDLE, SLEEP_VALUE, SLEEP_MORE = 5, 6, 7, 8, 9
LAST_COL = SLEEP_MORE

# lower band: customers that need attention (A..C), look-alike leads (D..J)
LOWER_TITLE_ROW = MORE_REPS[0] + 2
LOWER_HEADER_ROW = LOWER_TITLE_ROW + 1
LOWER_FIRST_ROW = LOWER_HEADER_ROW + 1
LOWER_ROWS = 5
LOWER_MORE_ROW = LOWER_FIRST_ROW + LOWER_ROWS
CUSTOMER_COLS = (0, 1, 2)  # company, days without contact, last contact
LOOKALIKE_COLS = (3, 4, 5, 6)  # company, lead, score, why (merged G..J)
WHY_LAST = LAST_COL
LAST_ROW = LOWER_MORE_ROW

WIDTHS = (19, 6, 13, 24, 13, 8, 14, 7, 10, 9)  # characters: 123 print A4 landscape at about 88% (measured)

LABELS: dict[str, dict[str, str]] = {
    "title": {"nl": "Gesprekspunten per verkoper", "en": "Talking points per rep"},
    "rep": {"nl": "Verkoper", "en": "Rep"},
    "deals": {"nl": "Deals", "en": "Deals"},
    "point": {"nl": "Knelpunt en gespreksvraag", "en": "Bottleneck and question to ask"},
    "deal": {"nl": "Slapende deal", "en": "Sleeping deal"},
    "stage": {"nl": "Fase", "en": "Stage"},
    "idle": {"nl": "Dagen stil", "en": "Days idle"},
    "value": {"nl": "Waarde", "en": "Value"},
    "more": {"nl": "+{n} meer", "en": "+{n} more"},
    "more_reps": {"nl": "… en nog {n} verkopers", "en": "… and {n} more reps"},
    "customers": {"nl": "Klanten zonder contact in {days} dagen", "en": "Customers without contact for {days} days"},
    "company": {"nl": "Bedrijf", "en": "Company"},
    "days": {"nl": "Dagen", "en": "Days"},
    "last_contact": {"nl": "Laatste contact", "en": "Last contact"},
    "never": {"nl": "nooit", "en": "never"},
    "lookalikes": {"nl": "Leads die lijken op de beste klanten", "en": "Leads that look like the best customers"},
    "lead": {"nl": "Lead", "en": "Lead"},
    "score": {"nl": "Score", "en": "Score"},
    "why": {"nl": "Waarom: % van de klanten met dezelfde waarde", "en": "Why: % of customers with the same value"},
    "more_rows": {"nl": "… en nog {n}", "en": "… and {n} more"},
    "none": {"nl": "geen", "en": "none"},
}


def label(key: str, language: str, **params) -> str:
    return lookup(LABELS, key, language, **params)


def reps(report) -> list[str]:
    """The reps the page shows, by name: every rep with a bottleneck line or a sleeping deal."""
    names = {b.owner for b in report.bottlenecks} | set(report.sleeping["owner"].dropna())
    return sorted(names, key=lambda n: (n.casefold(), n))


def cells(report, settings: Settings) -> dict[tuple[int, int], object]:
    """Every value of the Coaching sheet for ``report`` (0-based cell → value; labels in its language)."""
    lang = report.language
    out: dict[tuple[int, int], object] = {}

    def lab(key: str, **params) -> str:
        return label(key, lang, **params)

    out[TITLE] = lab("title")
    out[MONTH] = str(report.month)
    heads = [(REP, "rep"), (DEALS, "deals"), (POINT, "point"), (SLEEP_DEAL, "deal"), (SLEEP_STAGE, "stage"),
             (SLEEP_IDLE, "idle"), (SLEEP_VALUE, "value")]
    for col, key in heads:
        out[(HEADER_ROW, col)] = lab(key)

    points = {b.owner: b for b in report.bottlenecks}
    sleeping = report.sleeping  # longest idle first
    names = reps(report)
    for i, name in enumerate(names[:MAX_REPS]):
        top = FIRST_ROW + i * ROWS_PER_REP
        out[(top, REP)] = name
        b = points.get(name)
        if b is not None:
            out[(top, DEALS)] = b.deals
            out[(top, POINT)] = b.talking_point.get(lang) or b.talking_point.get("en")
        own = sleeping[sleeping["owner"] == name]
        for j, row in enumerate(own.head(SLEEPING_PER_REP).itertuples(index=False)):
            for col, value in ((SLEEP_DEAL, row.deal_id), (SLEEP_STAGE, row.stage), (SLEEP_IDLE, row.idle_days),
                               (SLEEP_VALUE, row.value)):
                out[(top + j, col)] = value
        if len(own) > SLEEPING_PER_REP:
            out[(top, SLEEP_MORE)] = lab("more", n=len(own) - SLEEPING_PER_REP)
    if len(names) > MAX_REPS:
        out[MORE_REPS] = lab("more_reps", n=len(names) - MAX_REPS)

    # customers that need attention
    out[(LOWER_TITLE_ROW, CUSTOMER_COLS[0])] = lab("customers", days=settings.contact_within_days)
    for col, key in zip(CUSTOMER_COLS, ("company", "days", "last_contact"), strict=True):
        out[(LOWER_HEADER_ROW, col)] = lab(key)
    needs = report.customers.needs_attention
    for i, row in enumerate(needs.head(LOWER_ROWS).itertuples(index=False)):
        r = LOWER_FIRST_ROW + i
        out[(r, CUSTOMER_COLS[0])] = row.company if _filled(row.company) else row.customer_id
        out[(r, CUSTOMER_COLS[1])] = row.days_since_contact
        out[(r, CUSTOMER_COLS[2])] = row.last_contact if _filled(row.last_contact) else lab("never")
    if len(needs) > LOWER_ROWS:
        out[(LOWER_MORE_ROW, CUSTOMER_COLS[0])] = lab("more_rows", n=len(needs) - LOWER_ROWS)
    elif needs.empty:
        out[(LOWER_FIRST_ROW, CUSTOMER_COLS[0])] = lab("none")

    # look-alike leads
    out[(LOWER_TITLE_ROW, LOOKALIKE_COLS[0])] = lab("lookalikes")
    for col, key in zip(LOOKALIKE_COLS, ("company", "lead", "score", "why"), strict=True):
        out[(LOWER_HEADER_ROW, col)] = lab(key)
    looks = report.lookalikes
    for i, row in enumerate(looks.head(LOWER_ROWS).itertuples(index=False)):
        r = LOWER_FIRST_ROW + i
        for col, value in zip(LOOKALIKE_COLS, (row.company, row.lead_id, row.score, row.why), strict=True):
            out[(r, col)] = value
    if looks.empty:
        out[(LOWER_FIRST_ROW, LOOKALIKE_COLS[0])] = lab("none")
    return out


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NaT \
        and str(value).strip() != ""
