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
  team; the stage with the largest shortfall is the bottleneck, with a talking
  point from ``bottleneck.hints`` (nl and en).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.kpis.timeline import Timeline, lookup
from kpi_xl.messages import text
from kpi_xl.periods import Window


def entries_in(timeline: Timeline, window: Window, as_of: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """Per (deal, open stage first entered in the window): ``advanced`` and ``won`` by D."""
    events = timeline.events[timeline.events["date"] <= as_of]
    usable = timeline.deals.loc[timeline.deals["usable"], ["deal_id", "owner", "won_date"]]
    events = events[events["deal_id"].isin(usable["deal_id"])]
    first = events.groupby(["deal_id", "stage"], sort=False).agg(date=("date", "min"), order=("order", "first"))
    first = first.reset_index()
    lost_order = settings.stage_order[settings.lost]
    reached = events[events["order"] != lost_order].groupby("deal_id")["order"].max()
    won = usable.set_index("deal_id")["won_date"] <= as_of
    entered = first[first["stage"].isin(settings.open_stages) & window.contains(first["date"])].copy()
    entered["won"] = lookup(won, entered["deal_id"]).fillna(False).astype(bool)
    entered["advanced"] = (lookup(reached, entered["deal_id"]) > entered["order"]) | entered["won"]
    entered["owner"] = lookup(usable.set_index("deal_id")["owner"], entered["deal_id"])
    return entered


def stage_conversion(entries: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """stage, entered, advanced, conversion, won, won_share — every open stage in order."""
    grouped = entries.groupby("stage").agg(entered=("deal_id", "size"), advanced=("advanced", "sum"),
                                           won=("won", "sum"))
    grouped = grouped.reindex(settings.open_stages).fillna(0).astype(int)
    grouped["conversion"] = (grouped["advanced"] / grouped["entered"]).where(grouped["entered"] > 0)
    grouped["won_share"] = (grouped["won"] / grouped["entered"]).where(grouped["entered"] > 0)
    grouped.index.name = "stage"
    return grouped.reset_index()


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
    owner: str
    deals: int
    stage: str | None
    rep_rate: float | None
    team_rate: float | None
    talking_point: dict[str, str]  # language → text


def _step_label(stage: str, settings: Settings) -> str:
    stages = settings.open_stages
    i = stages.index(stage)
    following = stages[i + 1] if i + 1 < len(stages) else settings.won
    return f"{stage} → {following}"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def bottlenecks(entries: pd.DataFrame, settings: Settings) -> list[Bottleneck]:
    """The stage with the largest conversion shortfall vs the team, per rep with enough deals."""
    team = stage_conversion(entries, settings).set_index("stage")
    out = []
    owners = entries["owner"].fillna(text("unassigned", settings.language))
    for owner, rows in entries.groupby(owners, sort=True):
        deals = rows["deal_id"].nunique()
        if deals < settings.bottleneck.min_deals:
            continue
        rep = stage_conversion(rows, settings).set_index("stage")
        shortfall = (team["conversion"] - rep["conversion"])[rep["entered"] > 0].dropna()
        if shortfall.empty or shortfall.max() <= 0:
            point = {lang: text("bottleneck.none", lang) for lang in ("nl", "en")}
            out.append(Bottleneck(owner, deals, None, None, None, point))
            continue
        stage = shortfall.idxmax()
        rep_rate, team_rate = float(rep.at[stage, "conversion"]), float(team.at[stage, "conversion"])
        point = {}
        for lang in ("nl", "en"):
            hint = settings.hints.get(stage, {}).get(lang) or text("hint.default", lang)
            point[lang] = text("bottleneck", lang, step=_step_label(stage, settings), rep_rate=_pct(rep_rate),
                               team_rate=_pct(team_rate), hint=hint)
        out.append(Bottleneck(owner, deals, stage, rep_rate, team_rate, point))
    return out


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
    first = reached.groupby("deal_id")["date"].min()
    went_on = lookup(first, base["deal_id"]) >= base["date"]
    return float(went_on.mean())
