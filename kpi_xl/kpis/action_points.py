"""KPI 2 — sales conversations as action points (action KPI).

* Each activity scores the points of its type in the config (types matched
  case-insensitively with aliases by the tables layer). An unknown type
  scores 0 and is listed (here with its count, and on Checks).
* Points per rep per month, with counts per type, compared with the rep's
  target (override or default, ramps applied) and the team target (explicit,
  or the sum of the targets of the reps active that month: reps with at least
  one activity in the month). Activities without an owner count for the team
  and are shown as their own row, without a target (they are not a rep).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.kpis import targets as tg
from kpi_xl.kpis.text_columns import objects
from kpi_xl.periods import month_starts, sum_by_month

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


def with_points(activities: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Activities (date, owner, type) with ``points`` (0 for unknown types) and ``month`` (datetime64[M])."""
    codes, types = pd.factorize(activities["type"], use_na_sentinel=True)
    points = np.array([settings.points.get(t, 0.0) for t in types] + [0.0], dtype=float)
    known = np.array([t in settings.points for t in types] + [False], dtype=bool)
    return pd.DataFrame(copy=False, data={
        "date": activities["date"].to_numpy(),
        "owner": objects(activities["owner"], activities.index),
        "type": objects(activities["type"], activities.index),
        "points": points[codes],  # code -1 (no type) takes the last entry: 0 points
        "known_type": known[codes],
        "month": month_starts(activities["date"].to_numpy()),
    }, index=activities.index)


@dataclass
class ActionPoints:
    team_points: float
    team_target: float | None
    team_share: float | None
    per_rep: pd.DataFrame  # owner, points, <count per type (config keys)>..., target, share, percent, light
    unknown_types: pd.DataFrame  # type, activities
    by_month: pd.Series  # Period → team points


def action_points(scored: pd.DataFrame, month: pd.Period, as_of: pd.Timestamp, settings: Settings,
                  unassigned: str = "(geen)") -> ActionPoints:
    """KPI 2 for ``month``, counting activities dated on or before the as-of date."""
    seen = scored["date"].to_numpy() <= as_of.to_datetime64()
    by_month = sum_by_month(scored["month"].to_numpy()[seen], scored["points"].to_numpy()[seen])
    now = scored[seen & (scored["month"].to_numpy() == np.datetime64(str(month), "M"))]
    owner = now["owner"].fillna(unassigned)
    kpi = settings.targets.action_points
    per_rep = now.groupby(owner)["points"].sum().rename("points").to_frame()
    per_rep = per_rep.join(_counts_per_type(owner, now, settings)).fillna(0)
    per_rep.index.name = "owner"
    per_rep = per_rep.reset_index()
    per_rep["target"] = [None if rep == unassigned else tg.rep_target(kpi, rep, month)
                         for rep in per_rep["owner"]]
    statuses = [tg.status(p, t, "action_points", settings) for p, t in zip(per_rep["points"], per_rep["target"],
                                                                        strict=True)]
    per_rep["share"] = [st.share for st in statuses]
    per_rep["percent"] = [st.percent for st in statuses]  # the % shown; the light follows it
    per_rep["light"] = [st.light for st in statuses]
    per_rep = per_rep.sort_values(["points", "owner"], ascending=[False, True]).reset_index(drop=True)
    active = [rep for rep in per_rep["owner"] if rep != unassigned]
    team = float(now["points"].sum())
    team_target = tg.team_target(kpi, month, active)
    unknown = now[~now["known_type"]].groupby("type").size().rename("activities").reset_index()
    return ActionPoints(team, team_target, tg.status(team, team_target, "action_points", settings).share, per_rep,
                        unknown, by_month)


def _counts_per_type(owner: pd.Series, now: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Activities per rep (index ``owner``) and known type (a column per type present, in the config's order):
    ``groupby([owner, "type"]).size().unstack(fill_value=0)``, counted over codes instead of grouped."""
    known = now["known_type"].to_numpy(dtype=bool)
    reps, rep_names = pd.factorize(owner.to_numpy(dtype=object)[known])
    kinds, kind_names = pd.factorize(now["type"].to_numpy(dtype=object)[known])
    table = np.bincount(reps * len(kind_names) + kinds, minlength=len(rep_names) * len(kind_names))
    counts = pd.DataFrame(table.reshape(len(rep_names), len(kind_names)), index=pd.Index(rep_names, name="owner",
                          dtype=object), columns=pd.Index(kind_names, name="type", dtype=object))
    return counts[[t for t in settings.points if t in counts.columns]]
