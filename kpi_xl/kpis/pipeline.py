"""KPI 3 — deal value in the pipeline (result KPI).

* A deal is open at the as-of date D when it was created on or before D and
  had not entered the won or lost stage on or before D.
* Its stage at D is the last stage it entered on or before D (stage history),
  or its ``stage`` column when it has no history.
* Pipeline value = sum of ``value`` over open deals; weighted pipeline = sum of
  ``value`` × the probability of the stage at D. A deal whose value could not
  be read is counted as a deal but left out of the amounts (never as 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.kpis.timeline import Timeline

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


def open_deals(timeline: Timeline, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """The deals open at D with ``stage_at`` and ``weighted`` value."""
    deals = timeline.deals
    mask = timeline.open_at(as_of)
    frame = deals[mask].copy()
    frame["stage_at"] = timeline.stage_at(as_of, settings)[mask]
    frame["probability"] = frame["stage_at"].map(settings.probabilities)
    frame["weighted"] = frame["value"] * frame["probability"]
    return frame


@dataclass
class Pipeline:
    value: float
    weighted: float
    deals: int
    deals_without_value: int
    per_stage: pd.DataFrame  # stage, deals, value, weighted (every open stage, in order)
    per_owner: pd.DataFrame  # owner, deals, value, weighted


def pipeline_total(open_values: pd.Series) -> float:
    """Pipeline value: the sum of the ``value`` of the open deals (unreadable values left out)."""
    return float(open_values.sum())


def pipeline_value(open_frame: pd.DataFrame, settings: Settings, unassigned: str = "(geen)") -> Pipeline:
    """KPI 3 from :func:`open_deals`."""
    def summary(key) -> pd.DataFrame:  # deals, value, weighted per key (named aggregations cost 3x more)
        grouped = open_frame.groupby(key)
        out = grouped[["value", "weighted"]].sum()
        out.insert(0, "deals", grouped.size())
        return out

    per_stage = summary(open_frame["stage_at"]).reindex(settings.open_stages)
    per_stage[["deals"]] = per_stage[["deals"]].fillna(0).astype(int)
    per_stage[["value", "weighted"]] = per_stage[["value", "weighted"]].fillna(0.0)
    per_stage.index.name = "stage"
    per_owner = summary(open_frame["owner"].fillna(unassigned).rename("owner"))
    per_owner = per_owner.sort_values(["value", "deals"], ascending=False)
    return Pipeline(
        value=pipeline_total(open_frame["value"]),
        weighted=float(open_frame["weighted"].sum()),
        deals=len(open_frame),
        deals_without_value=int(open_frame["value"].isna().sum()),
        per_stage=per_stage.reset_index(),
        per_owner=per_owner.reset_index(),
    )
