"""Insight KPIs — useful, often vanity, never used to judge a rep — and the bottleneck per rep.

* **Stage conversion** of stage S: of the deals that first entered S in the
  window, the share that entered a later stage (in the configured order, the
  lost stage excluded) or was won, on or before D; also the share won.
* **Close ratio** = won ÷ (won + lost) among deals closed in the window.
* **Quote → close** = of the deals that entered the quote stage in the window,
  the share won on or before D.
* **Month-over-month growth** = (this month − previous month) ÷ previous month.
* **Bottleneck per rep**: for each rep with at least ``bottleneck.min_deals``
  deals entering a stage in the window, the step conversion per stage vs the
  team; the stage with the largest shortfall is the bottleneck when that
  shortfall is at least ``bottleneck.min_gap_points`` percentage points, with a
  talking point from ``bottleneck.hints`` (nl and en). Every rep stays in the
  list, once: without a bottleneck that is one (too few deals, or a smaller
  shortfall) the entry says "geen duidelijk knelpunt" / "no clear bottleneck".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.kpis.text_columns import objects
from kpi_xl.kpis.timeline import Timeline, per_deal
from kpi_xl.messages import text
from kpi_xl.periods import Window, day_values

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


def entries_in(timeline: Timeline, window: Window, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """Per (deal, open stage first entered in the window): ``advanced`` and ``won`` by D."""
    deals = timeline.deals
    events = timeline.events
    day = as_of.to_datetime64()
    all_codes, all_orders = events["code"].to_numpy(), events["order"].to_numpy()
    # positions of the events on or before D of usable deals (the columns are taken for the entries only)
    kept = np.flatnonzero((day_values(events["date"]) <= day) & deals["usable"].to_numpy()[all_codes])
    codes, orders = all_codes[kept], all_orders[kept]
    # events are sorted by deal and date: the first row of each (deal, stage) is its first entry
    first = kept[~pd.Series(codes * 64 + orders).duplicated().to_numpy()]
    lost_order = settings.stage_order[settings.lost]
    not_lost = orders != lost_order
    reached = per_deal(codes[not_lost], orders[not_lost], len(deals), "max")
    won = day_values(deals["won_date"]) <= day
    open_orders = [settings.stage_order[s] for s in settings.open_stages]
    entered = first[np.isin(all_orders[first], open_orders) & window.contains(events["date"]).to_numpy()[first]]
    entry_codes, entry_orders = all_codes[entered], all_orders[entered]
    return pd.DataFrame({
        "deal_id": objects(events["deal_id"].to_numpy(dtype=object)[entered]), "code": entry_codes,
        "stage": objects(events["stage"].to_numpy(dtype=object)[entered]),
        "order": entry_orders, "date": events["date"].to_numpy()[entered],
        "won": won[entry_codes],
        "advanced": (reached[entry_codes] > entry_orders) | won[entry_codes],
        "owner": objects(deals["owner"].to_numpy(dtype=object)[entry_codes]),
    })


def stage_conversion(entries: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """stage, entered, advanced, conversion, won, won_share — every open stage in order."""
    orders = [settings.stage_order[s] for s in settings.open_stages]
    grouped = pd.DataFrame({"entered": 1, "advanced": entries["advanced"].to_numpy(),
                            "won": entries["won"].to_numpy()}, index=entries.index).groupby(
        entries["order"].to_numpy()).sum()
    grouped = grouped.reindex(orders).fillna(0).astype(int)
    grouped.index = pd.Index(settings.open_stages, name="stage")
    grouped["conversion"] = (grouped["advanced"] / grouped["entered"]).where(grouped["entered"] > 0)
    grouped["won_share"] = (grouped["won"] / grouped["entered"]).where(grouped["entered"] > 0)
    return grouped.reset_index()[["stage", "entered", "advanced", "won", "conversion", "won_share"]]


def quote_to_close(entries: pd.DataFrame, settings: Settings) -> float | None:
    quoted = entries[entries["stage"] == settings.quote]
    return float(quoted["won"].mean()) if len(quoted) else None


def growth(current: float | None, previous: float | None) -> float | None:
    """Month-over-month growth; None when there is nothing to compare with."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


@dataclass
class Bottleneck:
    """One rep's entry on the coaching page: the bottleneck only where it is one."""

    owner: str
    deals: int  # deals entering an open stage in the window
    stage: str | None  # the bottleneck stage; None when there is no clear bottleneck
    rep_rate: float | None  # the rep's and the team's step conversion there (None without a bottleneck)
    team_rate: float | None
    talking_point: dict[str, str]  # language → text
    gap_points: float | None = None  # the largest shortfall vs the team, in percentage points (None: not judged)
    why_unclear: str | None = None  # None (a bottleneck), "few_deals", "small_gap" (also: no shortfall)

    @property
    def clear(self) -> bool:
        """True when the rep has a bottleneck (and a talking point about it)."""
        return self.stage is not None


def _step_label(stage: str, settings: Settings) -> str:
    stages = settings.open_stages
    i = stages.index(stage)
    following = stages[i + 1] if i + 1 < len(stages) else settings.won
    return f"{stage} → {following}"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _points(shortfall: float) -> float:
    """A shortfall (a difference of shares) in percentage points, without float noise (0.75 − 0.65 is 10)."""
    return float(round(shortfall * 100, 9))


def bottlenecks(entries: pd.DataFrame, settings: Settings, team_conversion: pd.DataFrame | None = None,
                reps: Iterable[str] = ()) -> list[Bottleneck]:
    """Per rep (sorted by name; every owner in ``entries`` and every name in ``reps``, each once): the stage
    with the largest conversion shortfall vs the team, when the rep has at least ``bottleneck.min_deals``
    deals and the shortfall is at least ``bottleneck.min_gap_points`` percentage points; otherwise an
    entry that says there is no clear bottleneck."""
    if team_conversion is None:
        team_conversion = stage_conversion(entries, settings)
    team = team_conversion.set_index("stage")["conversion"]
    owner_codes, owners = pd.factorize(entries["owner"].fillna(text("unassigned", settings.language)))
    deal_codes = entries["code"].to_numpy()
    deals = pd.Series(deal_codes).groupby(owner_codes).nunique() if len(entries) else pd.Series(dtype=int)
    deals.index = [owners[i] for i in deals.index]
    enough = [owners.get_loc(o) for o in deals.index[deals.to_numpy() >= settings.bottleneck.min_deals]]
    keep = np.isin(owner_codes, enough)
    grouped = pd.DataFrame({"owner": owner_codes[keep], "order": entries["order"].to_numpy()[keep],
                            "advanced": entries["advanced"].to_numpy()[keep]}).groupby(["owner", "order"])
    per_rep = grouped["advanced"].agg(["size", "sum"])
    rates = (per_rep["sum"] / per_rep["size"]).unstack("order")
    rates = rates.reindex(columns=[settings.stage_order[s] for s in settings.open_stages])
    rates.columns = settings.open_stages
    rates.index = [owners[i] for i in rates.index]
    shortfall = (team.reindex(settings.open_stages) - rates).to_numpy(dtype=float)  # NaN: no deal in the stage
    filled = np.where(np.isnan(shortfall), -np.inf, shortfall)
    worst = filled.argmax(axis=1) if len(filled) else np.empty(0, dtype=int)  # the first stage in order on a tie
    unclear = {lang: text("bottleneck.unclear", lang) for lang in ("nl", "en")}
    judged = {}
    for i, owner in enumerate(rates.index):
        largest = filled[i, worst[i]]
        gap = _points(largest) if np.isfinite(largest) else None
        if gap is None or gap <= 0 or gap < settings.bottleneck.min_gap_points:
            judged[owner] = Bottleneck(owner, int(deals[owner]), None, None, None, dict(unclear), gap, "small_gap")
            continue
        stage = settings.open_stages[worst[i]]
        rep_rate, team_rate = float(rates.iat[i, worst[i]]), float(team[stage])
        point = {}
        for lang in ("nl", "en"):
            hint = settings.hints.get(stage, {}).get(lang) or text("hint.default", lang)
            point[lang] = text("bottleneck", lang, step=_step_label(stage, settings), rep_rate=_pct(rep_rate),
                               team_rate=_pct(team_rate), hint=hint)
        judged[owner] = Bottleneck(owner, int(deals[owner]), stage, rep_rate, team_rate, point, gap)
    everyone = sorted({*deals.index, *reps})
    return [judged.get(owner) or Bottleneck(owner, int(deals.get(owner, 0)), None, None, None, dict(unclear),
                                            None, "few_deals") for owner in everyone]


def conversion_to(entries: pd.DataFrame, timeline: Timeline, from_stage: str, to_stage: str | None,
                  as_of: pd.Timestamp, settings: Settings) -> float | None:
    """Of the deals that first entered ``from_stage`` in the window, the share that went on to
    ``to_stage`` on or before D: any later stage when ``to_stage`` is None (the stage conversion),
    won for the won stage, else entered ``to_stage`` on or after entering ``from_stage``."""
    base = entries[entries["stage"] == from_stage]
    if base.empty:
        return None
    if to_stage is None:
        return float(base["advanced"].mean())
    if to_stage == settings.won:
        return float(base["won"].mean())
    events = timeline.events
    reached = events[(events["stage"] == to_stage) & (events["date"] <= as_of)]
    first = per_deal(reached["code"].to_numpy(), reached["date"].to_numpy(), len(timeline.deals), "min")
    went_on = first.astype("datetime64[ns]")[base["code"].to_numpy()] >= base["date"].to_numpy()
    return float(went_on.mean())
