"""The life of every deal: stage entries, stays, first contact, won and lost dates.

Built once from the Deals table and the stage history (StageHistory rows or
the per-stage date columns), independent of the as-of date; every KPI then
judges it at its own as-of date D. Rules (KPIS.md §4):

* first contact = ``created``, or the earliest date of an open stage when that is earlier (won and
  lost are outcomes, not contacts: a won date before the first contact is listed and the deal's cycle
  time left out, whether the date comes from the won stage, ``closed`` or StageHistory);
* a deal whose amount is empty is listed (unless lost: a lost deal's amount is used nowhere);
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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem
from kpi_xl.kpis.text_columns import objects
from kpi_xl.periods import NAT_INT, day_values
from kpi_xl.tables import ROW, Tables

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

DAY = np.timedelta64(1, "D")


@dataclass
class Timeline:
    """``deals``: one row per deal (position = the deal's ``code``) with ``first_contact``,
    ``won_date``, ``lost_date`` (NaT when not reached), ``usable`` and the Deals columns;
    ``events``: stage entries (deal_id, code, stage, order, date) sorted per deal by date;
    ``stays``: deal_id, code, stage, start, end (NaT while the deal is still in it) and
    ``excluded`` (a stay left out because of a data problem)."""

    deals: pd.DataFrame
    events: pd.DataFrame
    stays: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    stage_names: tuple[str, ...] = ()
    _activity_codes: dict = field(default_factory=dict, repr=False)

    def open_at(self, as_of: pd.Timestamp) -> pd.Series:
        """Deals created on or before D that had not been won or lost on or before D."""
        d = self.deals
        day = pd.Timestamp(as_of).to_datetime64()
        is_open = ((day_values(d["first_contact"]) <= day) & ~(day_values(d["won_date"]) <= day)
                   & ~(day_values(d["lost_date"]) <= day) & d["usable"].to_numpy(dtype=bool))
        return pd.Series(is_open, index=d.index)

    def last_event_at(self, as_of: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
        """Per deal: the order of the last stage entered on or before D (-1: none) and its date."""
        n = len(self.deals)
        order = np.full(n, -1, dtype="int64")
        date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        known = np.flatnonzero(self.events["date"].to_numpy() <= as_of.to_datetime64())
        if len(known):
            codes = self.events["code"].to_numpy()[known]
            last = known[np.r_[codes[1:] != codes[:-1], True]]
            order[self.events["code"].to_numpy()[last]] = self.events["order"].to_numpy()[last]
            date[self.events["code"].to_numpy()[last]] = self.events["date"].to_numpy()[last]
        return order, date

    def stage_at(self, as_of: pd.Timestamp, settings: Settings) -> pd.Series:
        """Stage of every deal at D: the last stage entered on or before D.

        A deal without any stage history uses its ``stage`` column; a deal
        whose first stage entry lies after D is in the first configured stage,
        and so is a deal without history whose ``stage`` column is won or lost
        but whose ``closed`` date lies after D (it was still open at D).
        """
        order, _ = self.last_event_at(as_of)
        names = np.array([*settings.stage_names, None], dtype=object)
        stage = names[np.where(order >= 0, order, len(settings.stage_names))]
        column = self.deals["stage"].to_numpy(dtype=object)
        day = pd.Timestamp(as_of).to_datetime64()
        closed_by_d = (day_values(self.deals["won_date"]) <= day) | (day_values(self.deals["lost_date"]) <= day)
        still_open = pd.Series(column, dtype=object).isin([settings.won, settings.lost]).to_numpy() & ~closed_by_d
        history = self.deals["has_history"].to_numpy(dtype=bool)
        # (numpy arrays, not Series: the same steps in a third of the time, as the pipeline and the sleeping
        # deals both ask)
        stage = np.where(history, stage, np.where(still_open, None, column))
        stage[pd.isna(stage)] = settings.stage_names[0]
        return pd.Series(np.where(self.deals["usable"].to_numpy(dtype=bool), stage, np.nan), index=self.deals.index,
                         dtype=object)

    def activity_codes(self, activities: pd.DataFrame, found: np.ndarray | None = None) -> np.ndarray:
        """The deal code of every activity (-1 when it names no known deal), computed once per table.

        ``found``: those codes, found beforehand by :func:`ids_to_positions` against the Deals table this
        timeline was built from (its deals are in that table's order): kept instead of found again."""
        key = id(activities)
        cached = self._activity_codes.get(key)
        if cached is None or cached[0] is not activities:
            codes = ids_to_positions(activities["deal_id"], self.deals["deal_id"]) if found is None else found
            self._activity_codes[key] = cached = (activities, codes)
        return cached[1]


def ids_to_positions(ids: pd.Series, table_ids: pd.Series) -> np.ndarray:
    """The position in ``table_ids`` of every id in ``ids`` (-1 when empty or unknown).

    Only filled cells are hashed, and each distinct id is looked up once: many
    activities name the same deal or customer, and most name none.
    """
    out = np.full(len(ids), -1, dtype="int64")
    values = ids.to_numpy(dtype=object)
    filled = np.flatnonzero(pd.notna(values))
    if len(filled) and len(table_ids):
        codes, distinct = pd.factorize(values[filled])
        # (both sides objects: pandas 3 would turn ``distinct`` into Arrow strings and compare across kinds)
        out[filled] = pd.Index(table_ids, dtype=object).get_indexer(pd.Index(distinct, dtype=object))[codes]
    return out


_LATEST = np.iinfo(np.int64).max


def per_deal(codes: np.ndarray, values: np.ndarray, n: int, how: str = "max") -> np.ndarray:
    """Reduce ``values`` per deal code into an array of length ``n`` (NaT/NaN where a deal has none).

    Empty values (NaT, NaN) are skipped, as pandas' ``groupby(codes).max()`` / ``.min()`` skips them;
    dates come back as dates, numbers as floats. (numpy's ``ufunc.at``: the grouping a million activities
    by deal took pandas four times as long.)"""
    if how not in ("min", "max"):
        raise ValueError(f"per_deal reduces by min or max, not {how!r}")
    values = np.asarray(values)
    codes = np.asarray(codes, dtype=np.intp)
    if values.dtype.kind == "M":  # as int64, where NaT is the smallest: a min skips it as the largest
        ints = values.view(np.int64)
        if how == "min":
            ints = np.where(ints == NAT_INT, _LATEST, ints)
        out = np.full(n, _LATEST if how == "min" else NAT_INT, dtype=np.int64)
        (np.minimum if how == "min" else np.maximum).at(out, codes, ints)
        if how == "min":
            out[out == _LATEST] = NAT_INT
        return out.view(values.dtype)
    out = np.full(n, np.nan)
    (np.fmin if how == "min" else np.fmax).at(out, codes, values.astype(float, copy=False))  # fmax skips NaN
    return out


def build_timeline(tables: Tables, settings: Settings) -> Timeline:
    deals = tables.deals.reset_index(drop=True).copy(deep=False)
    n = len(deals)
    order_of = settings.stage_order
    by_columns = tables.history_source == "columns"
    ev = _entries(tables.stage_events, deals, order_of, by_columns)
    problems: list[Problem] = []

    excluded = np.empty(0, dtype="int64")  # code * 64 + order of stays left out
    if by_columns and len(ev["code"]):
        excluded, problems = _backwards_dates(ev, settings)

    # won / lost from the history, else from the closed column
    won, lost = settings.won, settings.lost
    ev_codes, ev_dates, ev_orders = ev["code"], ev["date"], ev["order"]
    is_won_event = ev_orders == order_of[won]
    is_lost_event = ev_orders == order_of[lost]
    won_date = per_deal(ev_codes[is_won_event], ev_dates[is_won_event], n, "min")
    lost_date = per_deal(ev_codes[is_lost_event], ev_dates[is_lost_event], n, "min")
    is_won = deals["stage"].eq(won)
    is_lost = deals["stage"].eq(lost)
    won_date = pd.Series(won_date, dtype="datetime64[ns]").fillna(deals["closed"].where(is_won))
    lost_date = pd.Series(lost_date, dtype="datetime64[ns]").fillna(deals["closed"].where(is_lost))
    # a deal entered both won and lost: the earlier decides
    both = won_date.notna() & lost_date.notna()
    lost_first = both & (lost_date < won_date)
    won_date = won_date.mask(lost_first)
    lost_date = lost_date.mask(both & ~lost_first)

    undated = (is_won | is_lost) & won_date.isna() & lost_date.isna()
    for row, stage in zip(deals.loc[undated, ROW], deals.loc[undated, "stage"], strict=True):
        problems.append(Problem("Deals", int(row), None, None, "closed_without_date", {"stage": stage}))

    # won and lost are outcomes, not contacts: only an open stage's date can move the first contact earlier,
    # so a won date before it is caught whichever column (won stage, closed, StageHistory) it comes from
    contact_event = ~(is_won_event | is_lost_event)
    first = pd.Series(per_deal(ev_codes[contact_event], ev_dates[contact_event], n, "min"), dtype="datetime64[ns]")
    first_contact = deals["created"].where(first.isna() | (deals["created"] <= first), first)
    before = won_date < first_contact
    for row in deals.loc[before, ROW]:
        problems.append(Problem("Deals", int(row), None, None, "won_before_created"))
    problems += _empty_values(tables, deals, usable=~undated, won=won_date.notna(), lost=lost_date.notna())
    has_history = np.zeros(n, dtype=bool)
    has_history[ev_codes] = True
    problems += _empty_stages(tables, deals, has_history, settings)
    deals = deals.assign(
        won_date=won_date, lost_date=lost_date, usable=~undated, first_contact=first_contact,
        cycle_days=((won_date - first_contact) / DAY).where(~before),
        has_history=has_history,
    )

    # per deal in date order; same-day entries follow the configured order (columns) or the table's rows
    tiebreak = ev_orders if by_columns else ev[ROW]
    sort = np.lexsort((tiebreak, ev_dates.view("int64"), ev_codes))
    ev = {key: values[sort] for key, values in ev.items()}
    ids = deals["deal_id"].to_numpy(dtype=object)
    names = np.array(settings.stage_names, dtype=object)
    events = pd.DataFrame({
        "deal_id": objects(ids[ev["code"]]), "code": ev["code"], "stage": objects(names[ev["order"]]),
        "order": ev["order"], "date": ev["date"], ROW: ev[ROW], "_column": objects(ev["_column"]),
    })
    stays = _stays(ev, ids, names, settings, excluded)
    return Timeline(deals, events, stays, problems, tuple(settings.stage_names))


def _empty_values(tables: Tables, deals: pd.DataFrame, usable: pd.Series, won: pd.Series,
                  lost: pd.Series) -> list[Problem]:
    """Deals whose amount is empty: counted as deals, left out of the pipeline value (open) or the won
    revenue (won); a lost deal's amount is used nowhere. An amount that could not be read is listed
    already (by the tables), with the same consequence."""
    header = tables.headers.get("Deals", {}).get("value", "value")
    missing = (deals["value"].isna() & usable & ~lost).to_numpy()
    if not missing.any():
        return []
    listed = {p.row for p in tables.problems if p.table == "Deals" and p.column == header}
    rows, is_won = deals[ROW].to_numpy()[missing], won.to_numpy()[missing]
    return [Problem("Deals", int(row), header, None, "value_empty",
                    {"consequence": "left_out_of_won_revenue" if w else "left_out_of_pipeline"})
            for row, w in zip(rows.tolist(), is_won.tolist(), strict=True) if row not in listed]


def _empty_stages(tables: Tables, deals: pd.DataFrame, has_history: np.ndarray, settings: Settings) -> list[Problem]:
    """Deals with neither a stage nor a stage date: they count as open in the first stage, and are listed
    (a stage the config does not know is listed already, by the tables)."""
    header = tables.headers.get("Deals", {}).get("stage", "stage")
    empty = deals["stage"].isna().to_numpy() & ~has_history
    if not empty.any():
        return []
    listed = {p.row for p in tables.problems if p.table == "Deals" and p.column == header}
    return [Problem("Deals", row, header, None, "stage_empty", {"stage": settings.stage_names[0]})
            for row in deals[ROW].to_numpy()[empty].tolist() if row not in listed]


def _entries(raw: pd.DataFrame, deals: pd.DataFrame, order_of: dict[str, int], by_columns: bool) -> dict:
    """The usable stage entries as arrays: code (the deal's position), order, date, row, column."""
    stage = raw["stage"].to_numpy(dtype=object)
    date = raw["date"].to_numpy(dtype="datetime64[ns]")
    usable = ~pd.isna(stage) & ~np.isnat(date)
    code = _deal_codes(raw, deals, by_columns)
    keep = np.flatnonzero(usable & (code >= 0))
    stage_codes, stages = pd.factorize(stage[keep])
    order = np.array([order_of[s] for s in stages], dtype="int64")[stage_codes]
    return {"code": code[keep].astype("int64"), "order": order, "date": date[keep],
            ROW: raw[ROW].to_numpy(dtype="int64")[keep], "_column": raw["_column"].to_numpy(dtype=object)[keep]}


def _deal_codes(raw: pd.DataFrame, deals: pd.DataFrame, by_columns: bool) -> np.ndarray:
    """The position in ``deals`` of every entry's deal (-1: not a known deal).

    Entries read from the per-stage date columns come from the deal's own row,
    so their Excel row finds the deal (integers, fast); the ids confirm it.
    Otherwise each distinct id is looked up once.
    """
    if not len(deals) or not len(raw):
        return np.full(len(raw), -1, dtype="int64")
    ids = raw["deal_id"].to_numpy(dtype=object)
    if by_columns:
        deal_rows = deals[ROW].to_numpy(dtype="int64")
        if len(deal_rows) < 2 or (np.diff(deal_rows) > 0).all():
            at = np.minimum(np.searchsorted(deal_rows, raw[ROW].to_numpy(dtype="int64")), len(deal_rows) - 1)
            if (deals["deal_id"].to_numpy(dtype=object)[at] == ids).all():
                return at.astype("int64")
    return ids_to_positions(pd.Series(ids, dtype=object), deals["deal_id"])


def _stays(ev: dict, ids: np.ndarray, names: np.ndarray, settings: Settings, excluded: np.ndarray) -> pd.DataFrame:
    """Consecutive entries per deal (sorted) → stays; repeated entries of the same stage merge."""
    codes, orders = ev["code"], ev["order"]
    new_deal = np.r_[True, codes[1:] != codes[:-1]][:len(codes)]
    # drop an entry that repeats the stage the deal is already in
    keep = ~(~new_deal & np.r_[False, orders[1:] == orders[:-1]][:len(codes)])
    codes, orders, start = codes[keep], orders[keep], ev["date"][keep]
    same_deal_next = np.r_[codes[1:] == codes[:-1], False][:len(codes)]
    end = np.r_[start[1:], np.datetime64("NaT")][:len(codes)]
    end = np.where(same_deal_next, end, np.datetime64("NaT")).astype("datetime64[ns]")
    terminal = np.isin(orders, [settings.stage_order[settings.won], settings.stage_order[settings.lost]])
    codes, orders, start, end = codes[~terminal], orders[~terminal], start[~terminal], end[~terminal]
    return pd.DataFrame({
        "deal_id": objects(ids[codes]), "code": codes, "stage": objects(names[orders]), "order": orders,
        "start": start.astype("datetime64[ns]"), "end": end, "excluded": np.isin(codes * 64 + orders, excluded),
    })


def _backwards_dates(ev: dict, settings: Settings):
    """Per-stage columns: dates that go backwards in the configured order."""
    sort = np.lexsort((ev["order"], ev["code"]))
    codes, orders, dates = ev["code"][sort], ev["order"][sort], ev["date"][sort]
    running_max = pd.Series(dates).groupby(codes, sort=False).cummax().to_numpy()
    previous_max = np.r_[np.datetime64("NaT"), running_max[:-1]].astype("datetime64[ns]")
    previous_max[np.r_[True, codes[1:] != codes[:-1]]] = np.datetime64("NaT")
    backwards = np.flatnonzero(dates < previous_max)  # NaT compares False: a deal's first entry never is
    problems, pairs = [], []
    names = settings.stage_names
    for at in backwards:  # only the entries with a problem
        code, order, date = codes[at], orders[at], pd.Timestamp(dates[at])
        first = np.searchsorted(codes, code)  # the deal's entries: sorted by code, then by order
        same = first + np.flatnonzero((orders[first:at] < order) & (dates[first:at] > dates[at]))
        earlier = same[-1]  # the latest stage before it in the configured order that has a later date
        entry = sort[at]
        problems.append(Problem(
            "Deals", int(ev[ROW][entry]), ev["_column"][entry], date.date(), "stage_date_order",
            {"stage": names[order], "earlier": names[orders[earlier]],
             "earlier_date": pd.Timestamp(dates[earlier]).date().isoformat()},
        ))
        pairs += [int(code) * 64 + int(order), int(code) * 64 + int(orders[earlier])]
    return np.array(pairs, dtype="int64"), problems
