"""A CRM's deals (Pipedrive, HubSpot, Salesforce opportunities, Teamleader) → the Deals table.

Rules (docs/IMPORT.md):

* **Pipeline**: an export with deals of several pipelines imports only kpi.yaml's ``import: pipeline``; the
  other pipelines' deals are skipped and counted (an Unmapped of kind "pipeline"); with several and none
  chosen the import stops, listing them. HubSpot's stage-date columns of other pipelines are not read.
* **Currency**: a currency column with more than one currency stops the import (amounts in different
  currencies are never added up), listing the currencies with their counts.
* **Won and lost**: a status column (Pipedrive, Teamleader) saying won/lost, or a stage the CRM uses for a
  closed deal (HubSpot and Salesforce "Closed Won"/"Closed Lost"), makes the stage the config's won or
  lost stage; any other stage maps through the config's stages and aliases, else is kept as written and
  listed.
* **Closed**: the CRM's closed date when it has one; else the won time of a won deal and the lost time of a
  lost deal (Pipedrive); else the close date, only for a won or lost deal (for an open deal it is the
  expected close date: HubSpot, Salesforce).
* **Stage dates**: HubSpot's ``Date entered "<stage> (<pipeline>)"`` columns; the won and the lost stage's
  date is the closed date when the export has no column for it. Nothing else is filled in: a deal
  without a creation date stays without one and is listed.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.importing.convert import Columns, as_frame
from kpi_xl.importing.hubspot import for_pipeline, pipelines_of, stage_date_columns
from kpi_xl.importing.mapping import KindMapping
from kpi_xl.importing.result import Unmapped, cell_problems, unmapped_values
from kpi_xl.importing.values import map_coded, word_mask
from kpi_xl.names import name_key

NAT = np.datetime64("NaT")


def choose_pipeline(cols: Columns, settings: Settings, header_pipelines: list[str],
                    unmapped: list[Unmapped]) -> tuple[np.ndarray, str | None]:
    """``(keep, pipeline)``: the rows of the chosen pipeline and its name (None: one pipeline or none)."""
    keep = np.ones(cols.n, dtype=bool)
    chosen = settings.imports.pipeline
    path = cols.ctx.path
    if cols.has("pipeline"):
        codes, uniques = cols.coded("pipeline")
        ukeys = np.array([None if u is None else name_key(u) for u in uniques], dtype=object)
        per_unique = np.bincount(codes, minlength=len(uniques))
        counts: Counter = Counter()
        first: dict[str, str] = {}
        for value, key, n in zip(uniques, ukeys, per_unique, strict=True):  # per distinct value
            if key is not None and n:
                counts[key] += int(n)
                first.setdefault(key, str(value))
        names = [(first[k], counts[k]) for k in first]
        values, row_keys = uniques[codes], ukeys[codes]
    else:
        values, row_keys, names = None, None, [(p, 0) for p in header_pipelines]
    if not names:  # the export says nothing of pipelines
        return keep, None
    if len(names) == 1 and chosen is None:
        return keep, names[0][0] if names else None
    listed = ", ".join(f"{n} ({c})" if c else n for n, c in names)
    if chosen is None:
        raise KpiError.coded("import.pipelines", path=path, pipelines=listed)
    if name_key(chosen) not in {name_key(n) for n, _ in names}:
        raise KpiError.coded("import.pipeline_absent", path=path, pipeline=chosen, pipelines=listed)
    if values is not None:
        keep = row_keys == name_key(chosen)
        unmapped += unmapped_values("pipeline", "Deals", path, row_keys, values, cols.rows,
                                    ~keep & pd.notna(row_keys), chosen=chosen)
    return keep, chosen


def refuse_currencies(cols: Columns, keep: np.ndarray) -> np.ndarray:
    codes, uniques = cols.coded("currency")
    per_unique = np.bincount(codes[keep], minlength=len(uniques))
    counts = Counter({str(u): int(n) for u, n in zip(uniques, per_unique, strict=True) if u is not None and n})
    if len(counts) > 1:
        listed = ", ".join(f"{c} ({n})" for c, n in counts.most_common())
        raise KpiError.coded("import.currencies", path=cols.ctx.path, currencies=listed)
    return uniques[codes]


def build_deals(cols: Columns, spec: KindMapping, settings: Settings, unmapped: list[Unmapped]) -> pd.DataFrame:
    ctx = cols.ctx
    date_columns = stage_date_columns(cols.raw.headers, spec)
    keep, pipeline = choose_pipeline(cols, settings, pipelines_of(date_columns), unmapped)
    currency = refuse_currencies(cols, keep)
    stage_text = cols.text("stage")
    stage, not_mapped, keys = map_coded(*cols.coded("stage"), settings.stage_lookup)
    won = word_mask(*cols.coded("status"), spec.status_won) | word_mask(*cols.coded("stage"), spec.stage_won)
    lost = word_mask(*cols.coded("status"), spec.status_lost) | word_mask(*cols.coded("stage"), spec.stage_lost)
    stage[won], stage[lost] = settings.won, settings.lost
    won |= stage == settings.won
    lost |= stage == settings.lost
    unmapped += unmapped_values("stage", "Deals", ctx.path, keys, stage_text, cols.rows,
                                keep & not_mapped & ~won & ~lost)
    closed = cols.date("closed")
    for field, where in (("won_time", won), ("lost_time", lost), ("close_date", won | lost)):
        if cols.has(field):
            closed = np.where(np.isnat(closed) & where, cols.date(field), closed)
    closed = np.where(won | lost, closed, closed if cols.has("closed") else NAT).astype("datetime64[ns]")
    created = cols.date("created")
    columns = {
        "deal_id": cols.text("deal_id"), "owner": owners(cols, settings, unmapped, "Deals", keep),
        "created": created, "value": cols.number("value"), "stage": stage, "closed": closed,
        "lost_reason": cols.text("lost_reason"), "customer_id": cols.text("customer_id"),
        "lead_id": cols.text("lead_id"),
    }
    for name in settings.stage_names:
        columns[name] = np.full(cols.n, NAT, dtype="datetime64[ns]")
    for column in for_pipeline(date_columns, pipeline):
        _stage_dates(cols, columns, column, spec, settings, unmapped, keep)
    for name, where in ((settings.won, won), (settings.lost, lost)):
        columns[name] = np.where(np.isnat(columns[name]) & where, closed, columns[name])
    for extra in ("deal_name", "pipeline"):
        if cols.has(extra):
            columns[extra] = cols.text(extra)
    if cols.has("currency"):
        columns["currency"] = currency
    if cols.has("probability"):
        columns["probability"] = cols.number("probability")
    no_created = keep & np.isnat(created)
    ctx.problems += cell_problems("Deals", ctx.path, cols.header("created") if cols.has("created") else None,
                                  no_created, np.full(cols.n, None), cols.rows, "import.no_created",
                                  ids=columns["deal_id"])
    return as_frame(columns, keep)


def _stage_dates(cols: Columns, frame: dict[str, np.ndarray], column, spec: KindMapping, settings: Settings,
                 unmapped: list[Unmapped], keep: np.ndarray) -> None:
    """One ``Date entered`` column into the stage column it names (the earliest date when two name one)."""
    header = cols.raw.headers[column.position]
    dates = cols.date(column.stage, header=header, column=cols.raw.columns[column.position])
    key = name_key(column.stage)
    stage = settings.stage_lookup.get(key)
    if key in {name_key(w) for w in spec.stage_won}:
        stage = settings.won
    elif key in {name_key(w) for w in spec.stage_lost}:
        stage = settings.lost
    if stage is None:
        filled = keep & ~np.isnat(dates)
        if filled.any():
            shown = np.full(cols.n, column.stage, dtype=object)
            unmapped += unmapped_values("stage", "Deals", cols.ctx.path, np.full(cols.n, key, dtype=object),
                                        shown, cols.rows, filled)
        return
    frame[stage] = np.fmin(frame[stage], dates)


def owners(cols: Columns, settings: Settings, unmapped: list[Unmapped], table: str, keep: np.ndarray) -> np.ndarray:
    """The owner as ``import: owners:`` names the CRM user; kept as written (and listed when kpi.yaml has an
    owners list that misses it)."""
    values = cols.text("owner")
    lookup = settings.imports.owner_lookup()
    if not lookup:
        return values
    mapped, not_mapped, keys = map_coded(*cols.coded("owner"), lookup)
    unmapped += unmapped_values("owner", table, cols.ctx.path, keys, values, cols.rows, keep & not_mapped)
    return mapped
