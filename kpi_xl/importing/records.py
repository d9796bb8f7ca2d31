"""A CRM's activities, contacts, companies/organizations and stage history → Activities, Leads, Customers
and StageHistory.

Rules (docs/IMPORT.md):

* **Activities**: only done activities are held conversations; the ones not done (``Activity - Done`` is
  0/no) are skipped, counted and their first lines named. The type maps through the config's activity
  types and aliases, else is kept as written and listed.
* **Customers**: a company/organization is a customer when the export says so: a customer-since date
  (HubSpot "Became a Customer Date", a "Customer since" field), a lifecycle stage of customer (HubSpot),
  or won deals (Pipedrive "Won deals" > 0). When none of those columns is in the file, every row is a
  customer. Customer since = that date; else the first close date of its won deals in the deals read
  with it (the same organization name / id); else empty, and listed.
* **Stage history**: one row per stage change: a history row whose stage is the one the row before it
  (same deal, by date) already had is a change of something else (amount, close date) and is left out;
  a re-entry (Offerte → Onderhandeling → Offerte) is kept.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.importing.convert import Columns, as_frame, kept
from kpi_xl.importing.deals import owners
from kpi_xl.importing.mapping import KindMapping
from kpi_xl.importing.result import SHOWN_ROWS, ImportProblem, Unmapped, cell_problems, unmapped_values
from kpi_xl.importing.values import map_coded, word_mask

PROFILE = ("industry", "employees", "region", "country", "budget")


def build_activities(cols: Columns, settings: Settings, unmapped: list[Unmapped]) -> pd.DataFrame:
    ctx = cols.ctx
    keep = np.ones(cols.n, dtype=bool)
    if cols.has("done"):
        keep = cols.yes_no("done")
        skipped = np.flatnonzero(~keep)
        if len(skipped):
            rows = ", ".join(str(int(cols.rows[i])) for i in skipped[:SHOWN_ROWS]) + (
                ", …" if len(skipped) > SHOWN_ROWS else "")
            ctx.problems.append(ImportProblem("Activities", ctx.path, None, cols.header("done"), None,
                                              "import.not_done", {"count": len(skipped), "rows": rows}))
    cols = cols.subset(keep)
    keep = np.ones(cols.n, dtype=bool)
    written = cols.text("type")
    kind, not_mapped, keys = map_coded(*cols.coded("type"), settings.activity_lookup)
    unmapped += unmapped_values("activity_type", "Activities", ctx.path, keys, written, cols.rows, not_mapped)
    return as_frame({
        "date": cols.date("date"), "owner": owners(cols, settings, unmapped, "Activities", keep), "type": kind,
        "lead_id": cols.text("lead_id"), "deal_id": cols.text("deal_id"),
        "customer_id": cols.text("customer_id"), "notes": cols.text("notes"),
    })


def build_leads(cols: Columns, settings: Settings, unmapped: list[Unmapped]) -> pd.DataFrame:
    keep = np.ones(cols.n, dtype=bool)
    frame = as_frame({
        "lead_id": cols.text("lead_id"), "created": cols.date("created"),
        "owner": owners(cols, settings, unmapped, "Leads", keep), "company": cols.text("company"),
        "source": cols.text("source"), "qualified": cols.text("qualified"),
    })
    for name in PROFILE + ("lifecycle_stage",):
        if cols.has(name):
            frame[name] = kept(cols.get(name))
    return frame


def build_customers(cols: Columns, spec: KindMapping, settings: Settings, unmapped: list[Unmapped],
                    deals: pd.DataFrame | None) -> pd.DataFrame:
    ctx = cols.ctx
    since = cols.date("since")
    said = [cols.has(f) for f in ("since", "lifecycle_stage", "won_deals")]
    if any(said):
        customer = ~np.isnat(since)
        customer |= word_mask(*cols.coded("lifecycle_stage"), spec.customer_values)
        customer |= np.nan_to_num(cols.number("won_deals")) > 0
    else:
        customer = np.ones(cols.n, dtype=bool)
    ids = cols.text("customer_id")
    if deals is not None and len(deals) and np.isnat(since).any():
        won = deals[(deals["stage"] == settings.won) & deals["customer_id"].notna() & deals["closed"].notna()]
        first = won.groupby("customer_id")["closed"].min()
        from_deals = pd.Series(ids, dtype=object).map(first).to_numpy(dtype="datetime64[ns]")
        since = np.where(np.isnat(since), from_deals, since)
    frame = as_frame({
        "customer_id": ids, "since": since, "until": cols.date("until"), "revenue": cols.number("revenue"),
        "last_contact": cols.date("last_contact"), "company": cols.text("company"),
        "owner": owners(cols, settings, unmapped, "Customers", customer), "lead_id": cols.text("lead_id"),
    })
    for name in PROFILE:
        if cols.has(name):
            frame[name] = kept(cols.get(name))
    no_since = customer & np.isnat(since)
    ctx.problems += cell_problems("Customers", ctx.path, cols.header("since") if cols.has("since") else None,
                                  no_since, np.full(cols.n, None), cols.rows, "import.no_since", ids=ids)
    return frame[customer].reset_index(drop=True)


def build_history(cols: Columns, spec: KindMapping, settings: Settings, unmapped: list[Unmapped]) -> pd.DataFrame:
    written = cols.text("stage")
    stage, not_mapped, keys = map_coded(*cols.coded("stage"), settings.stage_lookup)
    won, lost = word_mask(*cols.coded("stage"), spec.stage_won), word_mask(*cols.coded("stage"), spec.stage_lost)
    stage[won], stage[lost] = settings.won, settings.lost
    unmapped += unmapped_values("stage", "StageHistory", cols.ctx.path, keys, written, cols.rows,
                                not_mapped & ~won & ~lost)
    frame = as_frame({"deal_id": cols.text("deal_id"), "stage": stage, "date": cols.date("date")})
    frame = frame.sort_values(["deal_id", "date"], kind="stable", na_position="last")
    same_deal = frame["deal_id"].eq(frame["deal_id"].shift())
    repeat = same_deal & frame["stage"].eq(frame["stage"].shift())
    return frame[~repeat].reset_index(drop=True)
