"""KPI 4 — deal velocity (result KPI): cycle time, time in stage, sales velocity, sleeping deals.

* **Cycle time** of a won deal = won date − first contact, in days.
  :func:`cycle_time` gives the mean (``DEAL_VELOCITY(Deals)``) and the median
  over the deals won in the window.
* **Time in stage S**: per deal, the days of its completed stays in S that
  ended in the window, added up (re-entries add up); the mean over those
  deals is ``DEAL_VELOCITY(Deals, "Offerte")``. Skipped stages have no stay
  and are left out, never counted as 0. Stays still running at D are shown
  apart as "days so far" and join the mean only when ``include_open``.
  A stay ending after D is still running at D.
* **Sales velocity** (€ per day) = open deals at D × win rate × average won
  value ÷ average cycle time, with win rate, won value and cycle time over the
  window.
* **Sleeping deals**: deals open at D whose last stage change, creation and
  last activity (Activities rows with their ``deal_id``) are all more than
  ``stale_after_days`` (per-stage override) before D.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.kpis.timeline import DAY, Timeline, lookup
from kpi_xl.periods import Window


def won_in(timeline: Timeline, window: Window, owner: str | None = None) -> pd.DataFrame:
    deals = timeline.deals
    mask = window.contains(deals["won_date"]) & deals["usable"]
    if owner is not None:
        mask &= deals["owner"].fillna("").str.casefold().eq(owner.casefold())
    return deals[mask]


def lost_in(timeline: Timeline, window: Window, owner: str | None = None) -> pd.DataFrame:
    deals = timeline.deals
    mask = window.contains(deals["lost_date"]) & deals["usable"]
    if owner is not None:
        mask &= deals["owner"].fillna("").str.casefold().eq(owner.casefold())
    return deals[mask]


@dataclass
class CycleTime:
    mean: float | None
    median: float | None
    deals: int


def cycle_time(timeline: Timeline, window: Window, owner: str | None = None) -> CycleTime:
    """Mean and median days from first contact to won, for deals won in the window."""
    days = won_in(timeline, window, owner)["cycle_days"].dropna()
    if days.empty:
        return CycleTime(None, None, 0)
    return CycleTime(float(days.mean()), float(days.median()), int(days.size))


@dataclass
class StageTime:
    stage: str
    mean: float | None  # completed stays (plus open ones when include_open)
    median: float | None
    deals: int
    open_mean: float | None  # days so far of deals still in the stage at D
    open_deals: int


def time_in_stage(timeline: Timeline, stage: str, window: Window, as_of: pd.Timestamp,
                  include_open: bool = False, owner: str | None = None) -> StageTime:
    """Time spent in ``stage`` (see module docstring)."""
    stays = timeline.stays
    stays = stays[(stays["stage"] == stage) & ~stays["excluded"] & (stays["start"] <= as_of)]
    if owner is not None:
        owners = timeline.deals.set_index("deal_id")["owner"].fillna("").str.casefold()
        stays = stays[stays["deal_id"].map(owners).eq(owner.casefold())]
    ended = stays["end"].notna() & (stays["end"] <= as_of)
    done = stays[ended & window.contains(stays["end"])]
    per_deal = ((done["end"] - done["start"]) / DAY).groupby(done["deal_id"]).sum()
    open_mask = timeline.open_at(as_of)
    open_ids = timeline.deals.loc[open_mask, "deal_id"]
    running = stays[~ended & stays["deal_id"].isin(open_ids)]
    so_far = ((as_of - running["start"]) / DAY).groupby(running["deal_id"]).sum()
    if include_open:
        per_deal = per_deal.add(so_far, fill_value=0)
    return StageTime(
        stage=stage,
        mean=float(per_deal.mean()) if len(per_deal) else None,
        median=float(per_deal.median()) if len(per_deal) else None,
        deals=int(per_deal.size),
        open_mean=float(so_far.mean()) if len(so_far) else None,
        open_deals=int(so_far.size),
    )


def stage_times(timeline: Timeline, window: Window, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """:func:`time_in_stage` for every open stage, in order."""
    rows = [time_in_stage(timeline, s, window, as_of) for s in settings.open_stages]
    return pd.DataFrame([vars(r) for r in rows])


def win_rate(timeline: Timeline, window: Window, owner: str | None = None) -> float | None:
    """Won ÷ (won + lost) among deals closed in the window (the close ratio)."""
    won = len(won_in(timeline, window, owner))
    lost = len(lost_in(timeline, window, owner))
    return won / (won + lost) if won + lost else None


@dataclass
class SalesVelocity:
    per_day: float | None
    open_deals: int
    win_rate: float | None
    average_won_value: float | None
    average_cycle_days: float | None


def sales_velocity(timeline: Timeline, window: Window, as_of: pd.Timestamp) -> SalesVelocity:
    """Expected € per day flowing through the pipeline."""
    open_count = int(timeline.open_at(as_of).sum())
    rate = win_rate(timeline, window)
    won = won_in(timeline, window)
    value = float(won["value"].mean()) if won["value"].notna().any() else None
    cycle = cycle_time(timeline, window).mean
    per_day = None
    if rate is not None and value is not None and cycle:
        per_day = open_count * rate * value / cycle
    return SalesVelocity(per_day, open_count, rate, value, cycle)


def sleeping_deals(timeline: Timeline, activities: pd.DataFrame, as_of: pd.Timestamp,
                   settings: Settings) -> pd.DataFrame:
    """Open deals idle for longer than their stage allows: deal_id, owner, stage, idle_days, value."""
    deals = timeline.deals
    mask = timeline.open_at(as_of)
    frame = deals.loc[mask, ["deal_id", "owner", "value", "first_contact", "_row"]].copy()
    frame["stage"] = timeline.stage_at(as_of, settings)[mask]
    events = timeline.events[timeline.events["date"] <= as_of]
    last_change = events.groupby("deal_id")["date"].max()
    acts = activities[(activities["date"] <= as_of) & activities["deal_id"].notna()]
    last_activity = acts.groupby("deal_id")["date"].max()
    latest = pd.concat([
        frame["first_contact"],
        lookup(last_change, frame["deal_id"]),
        lookup(last_activity, frame["deal_id"]),
    ], axis=1).max(axis=1)
    frame["last_movement"] = latest
    frame["idle_days"] = ((as_of - latest) / DAY).astype("int64")
    limit = frame["stage"].map(settings.stale_days_by_stage).fillna(settings.stale_after_days)
    asleep = frame[frame["idle_days"] > limit]
    return asleep.sort_values(["idle_days", "value"], ascending=False)[
        ["deal_id", "owner", "stage", "idle_days", "value", "last_movement", "_row"]
    ].reset_index(drop=True)

