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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.kpis.timeline import DAY, Timeline, per_deal
from kpi_xl.names import same_name
from kpi_xl.periods import Window, day_values

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


def closed_in(timeline: Timeline, window: Window, date_column: str, owner: str | None = None) -> pd.Series:
    """Which deals were won (``won_date``) or lost (``lost_date``) in the window, optionally for one rep."""
    deals = timeline.deals
    mask = window.contains(deals[date_column]) & deals["usable"]
    if owner is not None:
        mask &= same_name(deals["owner"], owner).to_numpy()
    return mask



@dataclass
class CycleTime:
    mean: float | None
    median: float | None
    deals: int


def cycle_time(timeline: Timeline, window: Window, owner: str | None = None) -> CycleTime:
    """Mean and median days from first contact to won, for deals won in the window."""
    days = timeline.deals.loc[closed_in(timeline, window, "won_date", owner), "cycle_days"].dropna()
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


def _stage_days(timeline: Timeline, window: Window, as_of: pd.Timestamp,
                owner: str | None = None, order: int | None = None) -> tuple[pd.Series, pd.Series]:
    """Per (stage order, deal code): days of completed stays ended in the window, and days so far
    of the stays still running at D in deals open at D (see the module docstring).
    ``order``: only the stays of that stage."""
    stays = timeline.stays
    codes, orders = stays["code"].to_numpy(), stays["order"].to_numpy()
    start, end = day_values(stays["start"]), day_values(stays["end"])
    day = as_of.to_datetime64()
    chosen = ~stays["excluded"].to_numpy(dtype=bool) & (start <= day)
    if order is not None:
        chosen &= orders == order
    if owner is not None:
        chosen &= same_name(timeline.deals["owner"], owner).to_numpy()[codes]
    ended = end <= day  # (NaT: still running)
    done = chosen & ended & window.contains(stays["end"]).to_numpy()
    completed = pd.Series((end[done] - start[done]) / DAY).groupby([orders[done], codes[done]]).sum()
    running = chosen & ~ended & timeline.open_at(as_of).to_numpy()[codes]
    so_far = pd.Series((day - start[running]) / DAY).groupby([orders[running], codes[running]]).sum()
    return completed, so_far


def _stage_time(stage: str, order: int, completed: pd.Series, so_far: pd.Series, include_open: bool) -> StageTime:
    def part(series: pd.Series) -> pd.Series:
        if series.empty or order not in series.index.get_level_values(0):
            return pd.Series(dtype=float)
        return series.xs(order, level=0)

    per_deal, running = part(completed), part(so_far)
    if include_open:
        per_deal = per_deal.add(running, fill_value=0)
    return StageTime(
        stage=stage,
        mean=float(per_deal.mean()) if len(per_deal) else None,
        median=float(per_deal.median()) if len(per_deal) else None,
        deals=int(per_deal.size),
        open_mean=float(running.mean()) if len(running) else None,
        open_deals=int(running.size),
    )


def time_in_stage(timeline: Timeline, stage: str, window: Window, as_of: pd.Timestamp,
                  include_open: bool = False, owner: str | None = None) -> StageTime:
    """Time spent in ``stage`` (see module docstring)."""
    order = list(timeline.stage_names).index(stage)
    completed, so_far = _stage_days(timeline, window, as_of, owner, order)
    return _stage_time(stage, order, completed, so_far, include_open)


def stage_times(timeline: Timeline, window: Window, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """:func:`time_in_stage` for every open stage, in order (one pass over the stays)."""
    completed, so_far = _stage_days(timeline, window, as_of)
    rows = [_stage_time(s, settings.stage_order[s], completed, so_far, False) for s in settings.open_stages]
    return pd.DataFrame([vars(r) for r in rows])


def win_rate(timeline: Timeline, window: Window, owner: str | None = None) -> float | None:
    """Won ÷ (won + lost) among deals closed in the window (the close ratio)."""
    won = int(closed_in(timeline, window, "won_date", owner).sum())
    lost = int(closed_in(timeline, window, "lost_date", owner).sum())
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
    won_values = timeline.deals.loc[closed_in(timeline, window, "won_date"), "value"]
    value = float(won_values.mean()) if won_values.notna().any() else None
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
    codes = np.flatnonzero(mask.to_numpy())
    _, last_change = timeline.last_event_at(as_of)
    activity_codes = timeline.activity_codes(activities)
    seen = (activity_codes >= 0) & (activities["date"].to_numpy() <= as_of.to_datetime64())
    last_activity = per_deal(activity_codes[seen], activities["date"].to_numpy()[seen], len(deals), "max")
    latest = np.fmax(np.fmax(frame["first_contact"].to_numpy(), last_change[codes]),
                     last_activity[codes].astype("datetime64[ns]"))
    latest = pd.Series(latest, index=frame.index, dtype="datetime64[ns]")
    frame["last_movement"] = latest
    frame["idle_days"] = ((as_of - latest) / DAY).astype("int64")
    limit = frame["stage"].map(settings.stale_days_by_stage).fillna(settings.stale_after_days)
    asleep = frame[frame["idle_days"] > limit]
    return asleep.sort_values(["idle_days", "value"], ascending=False)[
        ["deal_id", "owner", "stage", "idle_days", "value", "last_movement", "_row"]
    ].reset_index(drop=True)

