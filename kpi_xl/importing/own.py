"""A file with the user's own column names (no CRM recognised it): its columns matched to the table's
fields by the built-in aliases and kpi.yaml's ``columns:``, typed by the field's kind; columns no field
knows are kept as text under their own name; stages and activity types map as for a CRM."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.importing.convert import FIELD_KINDS, Columns, as_frame, kept
from kpi_xl.importing.result import Unmapped, unmapped_values
from kpi_xl.importing.values import map_names
from kpi_xl.tables.headers import BOOL, REQUIRED, TABLES, TEXT


def build_own(cols: Columns, table: str, stage_columns: dict[int, str], settings: Settings,
              unmapped: list[Unmapped]) -> pd.DataFrame:
    missing = [f for f in REQUIRED[table] if not cols.has(f)]
    if missing:
        aliases = {c.name: c.aliases for c in TABLES[table]}
        raise KpiError.coded("import.missing_field", path=cols.ctx.path, field=missing[0],
                             expected=", ".join((missing[0], *aliases.get(missing[0], ()))[:6]))
    known = {c.name for c in TABLES[table]}
    columns: dict[str, np.ndarray] = {}
    for name in sorted(cols.positions, key=cols.positions.get):
        kind = FIELD_KINDS.get(name, TEXT) if name in known else TEXT
        columns[name] = cols.text(name) if kind in (BOOL, TEXT) else cols.get(name)
    for position, stage in stage_columns.items():
        dates = cols.date(stage, header=cols.raw.headers[position], column=cols.raw.columns[position])
        columns[stage] = np.fmin(columns[stage], dates) if stage in columns else dates
    frame = as_frame(columns) if columns else pd.DataFrame(index=pd.RangeIndex(cols.n))
    lookup_of = {("Deals", "stage"): ("stage", settings.stage_lookup),
                 ("StageHistory", "stage"): ("stage", settings.stage_lookup),
                 ("Activities", "type"): ("activity_type", settings.activity_lookup)}
    for (name, field), (kind, lookup) in lookup_of.items():
        if name == table and field in frame:
            written = frame[field].to_numpy(dtype=object)
            mapped, not_mapped, keys = map_names(written, lookup)
            frame[field] = kept(mapped)
            unmapped += unmapped_values(kind, table, cols.ctx.path, keys, written, cols.rows, not_mapped)
    return frame
