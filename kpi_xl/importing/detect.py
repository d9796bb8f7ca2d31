"""Which CRM and which kind of export a file is, from its headers; else which table the user's own file
fills: by its name (``deals.csv``, ``Klanten.xlsx``, ...) or else by the table whose required columns its
headers give (the built-in aliases of :mod:`kpi_xl.tables.headers` and kpi.yaml's ``columns:``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.config import Settings
from kpi_xl.config.imports import CRMS
from kpi_xl.errors import KpiError
from kpi_xl.importing.mapping import KindMapping, mapping
from kpi_xl.names import name_key
from kpi_xl.tables.headers import REQUIRED, TABLES, match_headers, normalize

# a file of the user's own is named after its table (case-insensitive, Dutch or English)
FILE_NAMES: dict[str, str] = {
    **dict.fromkeys(("deals", "deal", "opportunities", "opportunity", "verkoopkansen", "kansen"), "Deals"),
    **dict.fromkeys(("leads", "lead"), "Leads"),
    **dict.fromkeys(("activities", "activity", "activiteiten", "activiteit", "acties", "contactmomenten"),
                    "Activities"),
    **dict.fromkeys(("customers", "customer", "klanten", "klant", "accounts"), "Customers"),
    **dict.fromkeys(("stagehistory", "stage history", "fasehistorie", "fasegeschiedenis", "fase historie",
                     "history"), "StageHistory"),
}
OWN_ORDER = ("Deals", "Activities", "Leads", "Customers", "StageHistory")


@dataclass
class Match:
    crm: str | None
    kind: str
    table: str
    positions: dict[str, int]  # field → column position in the file
    language: str  # "en" or "nl": the language most matched headers are in
    spec: KindMapping | None = None
    stage_columns: dict[int, str] | None = None  # own files' Deals: position → stage


def match_kind(headers: list[str], spec: KindMapping) -> tuple[dict[int, str], str] | None:
    """The field of each header position and the export's language, when the headers give the kind's
    required fields (and one of its signature headers); else None."""
    keys = [name_key(h) for h in headers]  # CRM headers compared whole: 'Deal - ID' is not 'Deal ID'
    where = {}
    for position, key in enumerate(keys):
        where.setdefault(key, position)
    if spec.signature and not any(name_key(s) in where for s in spec.signature):
        return None
    if any(name_key(s) in where for s in spec.excludes):
        return None
    positions: dict[str, int] = {}
    votes = {"en": 0, "nl": 0}
    taken: set[int] = set()
    for field in spec.fields:
        for key, lang in spec.headers(field):
            if key in where and (where[key] not in taken or field in ("company",)):
                positions[field] = where[key]
                taken.add(where[key])
                if lang in votes:
                    votes[lang] += 1
                break
    if any(f not in positions for f in spec.required):
        return None
    return positions, ("nl" if votes["nl"] > votes["en"] else "en")


def recognise(path: Path, headers: list[str], settings: Settings, crm: str | None) -> Match:
    """The CRM and kind of a file (``crm`` given: only that CRM); else the user's own table."""
    best: Match | None = None
    for name in ([crm] if crm else CRMS):
        spec_all = mapping(name, settings)
        for kind, spec in spec_all.kinds.items():
            found = match_kind(headers, spec)
            if found is None:
                continue
            positions, language = found
            if best is None or len(positions) > len(best.positions):
                best = Match(name, kind, spec.table, positions, language, spec)
    if best is not None:
        return best
    if crm:
        expected = "; ".join(f"{kind}: {', '.join(_first_headers(spec))}"
                             for kind, spec in mapping(crm, settings).kinds.items())
        raise KpiError.coded("import.wrong_crm", path=path, crm=crm, expected=expected, headers=_shown(headers))
    return own_table(path, headers, settings)


def _first_headers(spec: KindMapping) -> list[str]:
    return [next(iter(spec.fields[f].values()))[0] for f in spec.required]


def _shown(headers: list[str]) -> str:
    shown = ", ".join(f"'{h}'" for h in headers[:12])
    return shown + (", …" if len(headers) > 12 else "")


def user_aliases(settings: Settings, table: str) -> dict[str, tuple[str, ...]]:
    """kpi.yaml's ``columns:`` header names for ``table`` (field → headers)."""
    return {field: tuple(names) for field, names in settings.header_aliases(table).items()}


def own_headers(headers: list[str], settings: Settings, table: str) -> list[str]:
    """The headers with kpi.yaml's ``columns:`` names replaced by the field they name."""
    aliases = {normalize(a): field for field, names in user_aliases(settings, table).items() for a in names}
    return [aliases.get(normalize(h), h) for h in headers]


def table_by_name(path: Path) -> str | None:
    stem = normalize(Path(path).stem)
    if stem in FILE_NAMES:
        return FILE_NAMES[stem]
    first = re.split(r"[^a-z]+", stem.replace(" ", ""))[0] if stem else ""
    return FILE_NAMES.get(first) or FILE_NAMES.get(stem.split(" ")[0] if stem else "")


def own_table(path: Path, headers: list[str], settings: Settings) -> Match:
    """The table a file with the user's own column names fills."""
    stage_labels = {label: s.name for s in settings.stages for label in [s.name, *s.aliases]}
    table = table_by_name(path)
    candidates = [table] if table else list(OWN_ORDER)
    best: tuple[int, Match] | None = None
    for name in candidates:
        renamed = own_headers(headers, settings, name)
        columns, stages, _ = match_headers(name, renamed, stage_labels if name == "Deals" else None)
        fields = {canonical: position for position, canonical in columns.items()}
        if table is None and any(r not in fields for r in REQUIRED[name]):
            continue
        known = {c.name for c in TABLES[name]}
        score = sum(1 for f in fields if f in known) + len(stages)
        match = Match(None, "table", name, fields, settings.language, None, stages)
        if best is None or score > best[0]:
            best = (score, match)
    if best is None:
        raise KpiError.coded("import.not_recognised", path=path, crms=", ".join(CRMS), headers=_shown(headers))
    return best[1]
