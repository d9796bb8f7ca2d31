"""Which header means which column: case-insensitive, trimmed, Dutch and English aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpi_xl.names import name_key

# Column kinds decide how cells are coerced.
ID, TEXT, DATE, MONEY, NUMBER, BOOL = "id", "text", "date", "money", "number", "bool"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()


def _c(name, kind, required=False, *aliases):
    return Column(name, kind, required, tuple(aliases))


OWNER = ("eigenaar", "verkoper", "accountmanager", "account manager", "rep", "sales rep", "vertegenwoordiger")
PROFILE = (
    _c("industry", TEXT, False, "branche", "sector", "industrie"),
    _c("employees", NUMBER, False, "medewerkers", "aantal medewerkers", "werknemers", "fte", "employee count"),
    _c("region", TEXT, False, "regio", "provincie", "gebied"),
    _c("budget", MONEY, False),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "Leads": (
        _c("lead_id", ID, True, "lead", "lead nr", "leadnummer", "lead nummer", "id"),
        _c("created", DATE, True, "aangemaakt", "eerste contact", "first contact", "created at", "created on",
           "aanmaakdatum", "datum", "date"),
        _c("owner", TEXT, False, *OWNER),
        _c("company", TEXT, False, "bedrijf", "bedrijfsnaam", "organisatie", "company name"),
        _c("source", TEXT, False, "bron", "herkomst", "kanaal", "lead source"),
        _c("qualified", BOOL, False, "gekwalificeerd", "gekwalificeerd?", "qualified?"),
        *PROFILE,
    ),
    "Activities": (
        _c("date", DATE, True, "datum", "activity date", "activiteitsdatum"),
        _c("owner", TEXT, True, *OWNER),
        _c("type", TEXT, True, "soort", "activiteit", "activity", "activity type", "type activiteit", "kanaal"),
        _c("lead_id", ID, False, "lead", "lead nr", "leadnummer"),
        _c("deal_id", ID, False, "deal", "deal nr", "dealnummer", "opportunity", "opportunity id"),
        _c("customer_id", ID, False, "klant", "klant id", "klantnummer", "customer"),
        _c("notes", TEXT, False, "notities", "notitie", "opmerkingen", "omschrijving"),
    ),
    "Deals": (
        _c("deal_id", ID, True, "deal", "deal nr", "dealnummer", "opportunity", "opportunity id", "id"),
        _c("owner", TEXT, True, *OWNER),
        _c("created", DATE, True, "aangemaakt", "eerste contact", "first contact", "created at", "aanmaakdatum"),
        _c("value", MONEY, True, "waarde", "bedrag", "amount", "dealwaarde", "deal value", "omzet"),
        _c("stage", TEXT, True, "fase", "status", "stadium", "huidige fase", "current stage"),
        _c("closed", DATE, False, "gesloten", "afgesloten", "close date", "closed date", "datum gesloten",
           "sluitdatum"),
        _c("lost_reason", TEXT, False, "reden verlies", "reden verloren", "verliesreden"),
        _c("customer_id", ID, False, "klant", "klant id", "klantnummer", "customer"),
        _c("lead_id", ID, False, "lead nr", "leadnummer", "lead nummer"),
    ),
    "Customers": (
        _c("customer_id", ID, True, "klant", "klant id", "klantnummer", "customer", "id"),
        _c("since", DATE, True, "sinds", "klant sinds", "customer since", "start", "startdatum", "begin"),
        _c("until", DATE, False, "tot", "klant tot", "einddatum", "end", "opgezegd", "churned"),
        _c("revenue", MONEY, False, "omzet", "jaaromzet", "yearly revenue", "annual revenue", "omzet per jaar"),
        _c("last_contact", DATE, False, "laatste contact", "last contacted", "laatst gesproken"),
        _c("company", TEXT, False, "bedrijf", "bedrijfsnaam", "organisatie", "company name", "naam"),
        _c("owner", TEXT, False, *OWNER),
        _c("lead_id", ID, False, "lead", "lead nr", "leadnummer"),
        *PROFILE,
    ),
    "StageHistory": (
        _c("deal_id", ID, True, "deal", "deal nr", "dealnummer", "opportunity"),
        _c("stage", TEXT, True, "fase", "status", "stadium"),
        _c("date", DATE, True, "datum", "entered", "ingegaan", "datum fase"),
    ),
}

REQUIRED = {table: [c.name for c in cols if c.required] for table, cols in TABLES.items()}


def normalize(header: object) -> str:
    """``' Eerste_Contact '`` → ``'eerste contact'``: the form headers are compared in."""
    return " ".join(re.sub(r"[_\-.]+", " ", name_key(shown_header(header))).split())


def shown_header(header: object) -> str:
    """A header as the user reads it in messages: ``' Eerste contact '`` → ``'Eerste contact'``."""
    if header is None or (isinstance(header, float) and header != header):  # an empty cell (None or NaN)
        return ""
    return " ".join(str(header).split())


def column_key(header: object) -> str:
    """The DataFrame name of an extra (unknown) column: ``'Aantal FTE'`` → ``'aantal_fte'``."""
    return normalize(header).replace(" ", "_")


def table_name(name: object) -> str | None:
    """The table a name means, compared as headers are (``'deals'`` → ``'Deals'``); None for no table."""
    return {normalize(t): t for t in TABLES}.get(normalize(name))


def field_name(table: str, name: object) -> str | None:
    """The canonical column of ``table`` a name means (``'Lost reason'`` → ``'lost_reason'``); None for none."""
    return {normalize(c.name): c.name for c in TABLES[table]}.get(normalize(name))


def match_headers(
    table: str,
    headers: list[object],
    stage_labels: dict[str, str] | None = None,
    aliases: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[int, str], dict[int, str], list[tuple[str, str, str]]]:
    """Map header positions to canonical columns.

    Returns ``(columns, stage_columns, duplicates)``: position → canonical column
    name, position → stage name (for per-stage date columns in Deals), and
    ``(canonical, kept header, ignored header)`` for columns given twice.

    ``aliases`` are the user's own header names per canonical column (``columns:``
    in kpi.yaml, :meth:`~kpi_xl.config.Settings.header_aliases`). A header is
    looked up in this order, the first that knows it decides:

    1. the user's ``aliases``: what the user says wins over everything built in, so a
       user's ``status`` mapped to ``lost_reason`` is the lost reason, not the stage,
       and even a canonical name mapped to another column (``lost_reason: [stage]``)
       means what the user says;
    2. the exact canonical name (``owner``): it still means itself when the user gave
       other names for that column, so a header ``value`` stays the value even with
       ``value: [close_value]``;
    3. a stage name or alias (Deals only): that stage's date column, so a stage called
       "Lead" is a stage date column in Deals (the config refuses a user's header that
       is also a stage name);
    4. the built-in Dutch and English aliases (``eigenaar``, ``bedrag``);
    5. anything else is an extra column, kept under :func:`column_key`.

    Two headers for one column: the first is used, except that a header the user
    named in ``aliases`` is used before one found by rule 2 or 4 (the config says
    which column it wants); the other is reported in ``duplicates``.
    """
    spec = TABLES[table]
    exact = {normalize(c.name): c.name for c in spec}
    alias = {normalize(a): c.name for c in spec for a in c.aliases}
    own = {normalize(a): name for name, names in (aliases or {}).items() for a in names if normalize(a)}
    stages = {normalize(k): v for k, v in (stage_labels or {}).items()}
    columns: dict[int, str] = {}
    stage_columns: dict[int, str] = {}
    taken: dict[str, int] = {}
    chosen: set[str] = set()  # columns found by the user's own name
    duplicates: list[tuple[str, str, str]] = []
    for position, header in enumerate(headers):
        key = normalize(header)
        if not key:
            continue
        if key in own:
            name = own[key]
        elif key in exact:
            name = exact[key]
        elif key in stages and key not in ("stage",):
            stage = stages[key]
            if stage in stage_columns.values():
                kept = headers[next(p for p, s in stage_columns.items() if s == stage)]
                duplicates.append((stage, shown_header(kept), shown_header(header)))
            else:
                stage_columns[position] = stage
            continue
        elif key in alias:
            name = alias[key]
        else:
            name = column_key(header)
        if name in taken:
            if key in own and name not in chosen:  # the user's own name wins over a built-in one
                first = taken[name]
                del columns[first]
                duplicates.append((name, shown_header(header), shown_header(headers[first])))
            else:
                duplicates.append((name, shown_header(headers[taken[name]]), shown_header(header)))
                continue
        taken[name] = position
        columns[position] = name
        if key in own:
            chosen.add(name)
    return columns, stage_columns, duplicates


def required_header(table: str, aliases: Mapping[str, Iterable[str]] | None = None) -> list[str]:
    """A header row that :func:`match_headers` reads as exactly the required columns of ``table`` under
    these ``aliases``: each column's canonical name, or the user's first own name for it when the user
    gave that canonical name to another column (an empty table of the right shape)."""
    own = {normalize(a): name for name, names in (aliases or {}).items() for a in names if normalize(a)}
    row = []
    for name in REQUIRED[table]:
        if own.get(normalize(name), name) == name:
            row.append(name)
        else:
            row.append(next((a for a in (aliases or {}).get(name, ()) if own.get(normalize(a)) == name), name))
    return row
