"""The life of every deal: stage entries, stays, first contact, won and lost dates.

Built once from the Deals table and the stage history (StageHistory rows or
the per-stage date columns), independent of the as-of date; every KPI then
judges it at its own as-of date D. Rules (KPIS.md §4):

* first contact = ``created``, or the earliest stage date when that is earlier;
* won date = the first date the deal entered the won stage, else ``closed``
  when the deal's current stage is the won stage (the same for lost);
* a stay in stage S starts when the deal enters S and ends when it enters any
  other stage (the next entry in date order; same-day entries follow the
  configured order). With StageHistory every stay counts, so re-entered stages
  add up. Won and lost are endpoints and have no stays;
* in the per-stage-columns form, a stage date earlier than the date of a stage
  that comes before it in the configured order is a data problem: the stays of
  both stages are left out (their durations would be negative in process
  order), the deal still counts for everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import Problem
from kpi_xl.tables import ROW, Tables

DAY = np.timedelta64(1, "D")


@dataclass
class Timeline:
    """``deals``: one row per usable deal with ``first_contact``, ``won_date``,
    ``lost_date`` (NaT when not reached) and the columns of the Deals table;
    ``events``: stage entries (deal_id, stage, date, order) sorted per deal;
    ``stays``: deal_id, stage, start, end (NaT while the deal is still in it)
    and ``excluded`` (a stay left out because of a data problem)."""

    deals: pd.DataFrame
    events: pd.DataFrame
    stays: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    def open_at(self, as_of: pd.Timestamp) -> pd.Series:
        """Deals created on or before D that had not been won or lost on or before D."""
        d = self.deals
        return (d["first_contact"] <= as_of) & ~(d["won_date"] <= as_of) & ~(d["lost_date"] <= as_of) & d["usable"]

    def stage_at(self, as_of: pd.Timestamp, settings: Settings) -> pd.Series:
        """Stage of every deal at D: the last stage entered on or before D.

        A deal without any stage history uses its ``stage`` column; a deal
        whose first stage entry lies after D is in the first configured stage.
        """
        known = self.events[self.events["date"] <= as_of]
        stage = lookup(known.groupby("deal_id", sort=False)["stage"].last(), self.deals["deal_id"])
        no_history = ~self.deals["deal_id"].isin(self.events["deal_id"])
        stage = stage.where(~no_history, self.deals["stage"])
        return stage.fillna(settings.stage_names[0]).where(self.deals["usable"])


def build_timeline(tables: Tables, settings: Settings) -> Timeline:
    deals = tables.deals.copy()
    order = settings.stage_order
    events = tables.stage_events[["deal_id", "stage", "date", ROW, "_column"]].copy()
    events = events[events["stage"].notna() & events["date"].notna()]
    events["order"] = events["stage"].map(order).astype("int64")
    problems: list[Problem] = []

    excluded_pairs = pd.DataFrame(columns=["deal_id", "stage"])
    if tables.history_source == "columns" and len(events):
        excluded_pairs, problems = _backwards_dates(events)

    # won / lost from the closed column when the history does not have them
    won, lost = settings.won, settings.lost
    deals["won_date"] = lookup(events[events["stage"] == won].groupby("deal_id")["date"].min(), deals["deal_id"])
    deals["lost_date"] = lookup(events[events["stage"] == lost].groupby("deal_id")["date"].min(), deals["deal_id"])
    is_won = deals["stage"].eq(won)
    is_lost = deals["stage"].eq(lost)
    deals.loc[is_won & deals["won_date"].isna(), "won_date"] = deals.loc[is_won, "closed"]
    deals.loc[is_lost & deals["lost_date"].isna(), "lost_date"] = deals.loc[is_lost, "closed"]
    deals["won_date"] = pd.to_datetime(deals["won_date"])
    deals["lost_date"] = pd.to_datetime(deals["lost_date"])
    # a deal entered both won and lost: the earlier decides
    both = deals["won_date"].notna() & deals["lost_date"].notna()
    deals.loc[both & (deals["lost_date"] < deals["won_date"]), "won_date"] = pd.NaT
    deals.loc[both & deals["won_date"].notna() & (deals["won_date"] <= deals["lost_date"]), "lost_date"] = pd.NaT

    undated = (is_won | is_lost) & deals["won_date"].isna() & deals["lost_date"].isna()
    deals["usable"] = ~undated
    for row, stage in zip(deals.loc[undated, ROW], deals.loc[undated, "stage"], strict=True):
        problems.append(Problem("Deals", int(row), None, None, "closed_without_date", {"stage": stage}))

    first = lookup(events.groupby("deal_id", sort=False)["date"].min(), deals["deal_id"])
    deals["first_contact"] = deals["created"].where(first.isna() | (deals["created"] <= first), first)
    before = deals["won_date"] < deals["first_contact"]
    for row in deals.loc[before, ROW]:
        problems.append(Problem("Deals", int(row), None, None, "won_before_created"))
    deals["cycle_days"] = ((deals["won_date"] - deals["first_contact"]) / DAY).where(~before)

    events = events.sort_values(["deal_id", "date", "order" if tables.history_source == "columns" else ROW],
                                kind="stable").reset_index(drop=True)
    stays = _stays(events, settings, excluded_pairs)
    return Timeline(deals.reset_index(drop=True), events, stays, problems)


def lookup(values: pd.Series, keys: pd.Series) -> pd.Series:
    """``values[key]`` for every key (NaN/NaT where missing), keeping the dtype even when empty."""
    values = values[~values.index.duplicated()]
    return pd.Series(values.reindex(keys.to_numpy()).to_numpy(), index=keys.index, dtype=values.dtype)


def _stays(events: pd.DataFrame, settings: Settings, excluded_pairs: pd.DataFrame) -> pd.DataFrame:
    """Consecutive entries per deal → stays; repeated entries of the same stage merge."""
    if events.empty:
        return pd.DataFrame({"deal_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                             "start": pd.Series(dtype="datetime64[ns]"), "end": pd.Series(dtype="datetime64[ns]"),
                             "excluded": pd.Series(dtype=bool)})
    deal = events["deal_id"]
    new_deal = deal.ne(deal.shift())
    # drop an entry that repeats the stage the deal is already in
    repeat = ~new_deal & events["stage"].eq(events["stage"].shift())
    ev = events[~repeat].reset_index(drop=True)
    next_deal = ev["deal_id"].shift(-1)
    end = ev["date"].shift(-1).where(next_deal.eq(ev["deal_id"]))
    stays = pd.DataFrame({"deal_id": ev["deal_id"], "stage": ev["stage"], "start": ev["date"],
                          "end": pd.to_datetime(end)})
    stays = stays[~stays["stage"].isin([settings.won, settings.lost])]
    key = pd.MultiIndex.from_frame(stays[["deal_id", "stage"]])
    bad = pd.MultiIndex.from_frame(excluded_pairs[["deal_id", "stage"]]) if len(excluded_pairs) else None
    stays["excluded"] = key.isin(bad) if bad is not None else False
    return stays.reset_index(drop=True)


def _backwards_dates(events: pd.DataFrame):
    """Per-stage columns: dates that go backwards in the configured order."""
    ev = events.sort_values(["deal_id", "order"], kind="stable")
    running_max = ev.groupby("deal_id", sort=False)["date"].cummax()
    previous_max = running_max.groupby(ev["deal_id"], sort=False).shift()
    backwards = ev["date"] < previous_max
    problems, pairs = [], []
    affected = ev[ev["deal_id"].isin(ev.loc[backwards, "deal_id"])]
    by_deal = dict(tuple(affected.groupby("deal_id", sort=False)))
    for idx in ev.index[backwards]:  # only the rows with a problem
        deal_id, stage, date = ev.at[idx, "deal_id"], ev.at[idx, "stage"], ev.at[idx, "date"]
        rows = by_deal[deal_id]
        earlier = rows[(rows["order"] < ev.at[idx, "order"]) & (rows["date"] > date)].iloc[-1]
        problems.append(Problem(
            "Deals", int(ev.at[idx, ROW]), ev.at[idx, "_column"], date.date(), "stage_date_order",
            {"stage": stage, "earlier": earlier["stage"], "earlier_date": earlier["date"].date().isoformat()},
        ))
        pairs += [(deal_id, stage), (deal_id, earlier["stage"])]
    return pd.DataFrame(pairs, columns=["deal_id", "stage"]), problems
