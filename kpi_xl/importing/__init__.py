"""CRM exports (HubSpot, Pipedrive, Salesforce, Teamleader) and the user's own files → the canonical tables.

    result = read_exports([Path("deals.csv"), Path("activities.csv")], settings)
    result.tables["Deals"]        # canonical columns (kpi_xl.tables.headers), one date column per stage
    result.problems, result.unmapped

Each file is read (:mod:`.files`), recognised (:mod:`.detect`: the CRM and the kind of export from its
headers, or the table of a file with the user's own column names), its columns typed in the export's
locale (:mod:`.dates`, :mod:`.numbers`, :mod:`.convert`) and shaped into its table (:mod:`.deals`,
:mod:`.records`, :mod:`.own`; HubSpot's stage-date columns in :mod:`.hubspot`). The CRM mappings are data:
``crms/<crm>.yaml`` (:mod:`.mapping`), overridable from kpi.yaml's ``import:`` section.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.config.imports import CRMS
from kpi_xl.errors import KpiError
from kpi_xl.importing.convert import Columns, Context
from kpi_xl.importing.deals import build_deals
from kpi_xl.importing.detect import Match, recognise
from kpi_xl.importing.files import RawFile, read_file
from kpi_xl.importing.hubspot import stage_date_columns
from kpi_xl.importing.mapping import mapping
from kpi_xl.importing.own import build_own
from kpi_xl.importing.records import build_activities, build_customers, build_history, build_leads
from kpi_xl.importing.result import ExportFile, ImportProblem, ImportResult, Unmapped

__all__ = ["CRMS", "ExportFile", "ImportProblem", "ImportResult", "Unmapped", "read_exports"]

# the order tables are built in: Customers after Deals (a customer's since date may come from its won deals)
BUILD_ORDER = ("Deals", "StageHistory", "Activities", "Leads", "Customers")


def read_exports(files: Sequence[Path], settings: Settings, crm: str | None = None) -> ImportResult:
    """Read export files (CSV or XLSX) into the workbook's tables.

    ``crm`` None: each file's CRM and kind is recognised from its headers (a file no CRM recognises is a
    table with the user's own column names); all files must then come from one CRM. Stops with a
    :class:`~kpi_xl.errors.KpiError` for a file that cannot be read or recognised, a required column
    missing, several pipelines with none chosen, or several currencies.
    """
    if crm is not None and crm not in CRMS:
        raise KpiError.coded("import.unknown_crm", crm=crm, known=", ".join(CRMS))
    read = [_read(Path(path), settings, crm) for path in files]
    found = {match.crm for _, match in read if match.crm}
    if len(found) > 1:
        raise KpiError.coded("import.two_crms", found=", ".join(
            f"{raw.path.name}: {match.crm}" for raw, match in read if match.crm))
    problems: list[ImportProblem] = []
    unmapped: list[Unmapped] = []
    parts: dict[str, list[pd.DataFrame]] = {}
    exported: dict[int, ExportFile] = {}
    order = sorted(range(len(read)), key=lambda i: BUILD_ORDER.index(read[i][1].table))
    for i in order:
        raw, match = read[i]
        frame = _build(raw, match, settings, problems, unmapped, parts)
        parts.setdefault(match.table, []).append(frame)
        exported[i] = ExportFile(raw.path, match.crm, match.kind, match.table, len(frame), raw.encoding,
                                 raw.delimiter)
    tables = {name: _concat(frames) for name, frames in parts.items()}
    return ImportResult(crm or (found.pop() if found else None), tables, [exported[i] for i in range(len(read))],
                        problems, unmapped)


def _read(path: Path, settings: Settings, crm: str | None) -> tuple[RawFile, Match]:
    """One file read: recognised on its header, then only the columns its table is built from parsed."""
    matches: list[Match] = []

    def choose(headers: list[str]) -> set[int] | None:
        matches.append(recognise(path, headers, settings, crm))
        return needed(matches[0], headers)

    raw = read_file(path, choose)
    return raw, matches[0]


def needed(match: Match, headers: list[str]) -> set[int] | None:
    """The columns a file's table is built from (None: all, for a file with the user's own names)."""
    if match.crm is None:
        return None
    dated = {c.position for c in stage_date_columns(headers, match.spec)}
    return set(match.positions.values()) | dated


def _build(raw: RawFile, match: Match, settings: Settings, problems: list[ImportProblem],
           unmapped: list[Unmapped], parts: dict[str, list[pd.DataFrame]]) -> pd.DataFrame:
    config_order = settings.imports.date_order
    if match.crm is None:
        default_order = "dmy"
    else:
        default_order = mapping(match.crm, settings).date_order.get(match.language, "dmy")
    ctx = Context(raw.path, match.table, match.language, config_order or default_order, config_order, problems)
    if match.crm is None:
        cols = Columns(raw, match.positions, ctx)  # positions found on the headers as kpi.yaml renames them
        return build_own(cols, match.table, match.stage_columns or {}, settings, unmapped)
    cols = Columns(raw, match.positions, ctx)
    spec = match.spec
    if match.table == "Deals":
        return build_deals(cols, spec, settings, unmapped)
    if match.table == "Activities":
        return build_activities(cols, settings, unmapped)
    if match.table == "Leads":
        return build_leads(cols, settings, unmapped)
    if match.table == "StageHistory":
        return build_history(cols, spec, settings, unmapped)
    deals = _concat(parts["Deals"]) if parts.get("Deals") else None
    return build_customers(cols, spec, settings, unmapped, deals)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
