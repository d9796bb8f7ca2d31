"""KPI 3 against the sales target: pipeline coverage and expected attainment of the fiscal quarter.

The whitepaper: the pipeline value "shows to what extent your reps can reach
their sales target". With a won-revenue target (``targets.won_revenue``, per
month, team and per rep) and the fiscal year's first month
(``fiscal_year_start_month``), for the as-of date D of the report month:

* **quarter** = the fiscal quarter that holds the report month (quarters are
  counted from ``fiscal_year_start_month``);
* **quarter target** = the sum of the monthly won-revenue targets of the
  quarter's three months (ramps applied month by month);
* **won so far** = the value of the deals won from the quarter's first day up
  to D (the won date as everywhere: the won stage's date, else ``closed``);
  a won deal whose amount cannot be read is left out of the sum;
* **remaining** = quarter target − won so far, never below 0;
* **coverage** = open pipeline value at D (the pipeline KPI's value) ÷
  remaining. When nothing remains (target reached, remaining ≤ 0) coverage is
  None and ``target_reached`` is True: the page says "doel gehaald" / "target
  reached" instead of a number;
* **expected attainment** = (won so far + weighted open pipeline) ÷ quarter
  target (None when the target is 0);
* without a target (none configured, or a rep without their own target and no
  per-rep default) coverage and expected attainment are None.

The team target is the configured ``team`` target; without one, the sum of the
per-rep targets of the reps in the per-rep table: the owners of a deal open at
D or won in the quarter up to D (the same reps the worksheet function sees,
so its team number equals the report's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.kpis import targets as tg
from kpi_xl.kpis.pipeline import pipeline_total
from kpi_xl.kpis.timeline import Timeline
from kpi_xl.periods import fiscal_year_start

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import KpiTarget, Settings

PER_REP_COLUMNS = ["owner", "quarter_target", "won_so_far", "open_pipeline", "weighted_pipeline",
                   "coverage", "expected_attainment", "target_reached"]


def quarter_months(month: pd.Period, fiscal_start_month: int) -> list[pd.Period]:
    """The three months of the fiscal quarter that holds ``month`` (fiscal year from ``fiscal_start_month``)."""
    first_of_year = fiscal_year_start(month, fiscal_start_month)
    offset = ((month.month - fiscal_start_month) % 12) // 3 * 3
    first = first_of_year + offset
    return [first, first + 1, first + 2]


def quarter_target(monthly: Iterable[float | None]) -> float | None:
    """Quarter target: the sum of the monthly targets; None when a month has none."""
    values = list(monthly)
    if not values or any(v is None for v in values):
        return None
    return float(sum(values))


def rep_quarter_target(kpi: KpiTarget, rep: str | None, months: list[pd.Period]) -> float | None:
    """A rep's quarter target: their monthly target (override, else the per-rep default) over the months."""
    if rep is None:
        return None
    return quarter_target(tg.rep_target(kpi, rep, m) for m in months)


def team_quarter_target(kpi: KpiTarget, months: list[pd.Period], reps: Iterable[str] = ()) -> float | None:
    """The team's quarter target: the team target per month, else the sum of the reps' targets that month."""
    reps = list(reps)
    return quarter_target(tg.team_target(kpi, m, reps) for m in months)


def won_in_quarter(timeline: Timeline, first_day: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    """The deals won from ``first_day`` up to D (owner and value)."""
    deals = timeline.deals
    won = deals[deals["usable"] & (deals["won_date"] >= first_day) & (deals["won_date"] <= as_of)]
    return won[["owner", "value"]]


#: Amounts are euros shown whole: what remains of a target below half a cent is nothing (the target is
#: reached), and a target below it is none to divide by (a ratio over 1e-300 would overflow to ∞).
CENT_HALF = 0.005


def remaining_target(target: float | None, won_so_far: float) -> float | None:
    """Quarter target − won so far, never below 0 (None without a target)."""
    if target is None:
        return None
    return max(0.0, target - won_so_far)


def coverage(open_pipeline: float, target: float | None, won_so_far: float) -> float | None:
    """Pipeline coverage = open pipeline ÷ (quarter target − won so far).

    None without a target and when nothing remains (the target is reached: see :func:`target_reached`)."""
    remaining = remaining_target(target, won_so_far)
    if remaining is None or remaining < CENT_HALF:
        return None
    return open_pipeline / remaining


def target_reached(target: float | None, won_so_far: float) -> bool:
    """True when a quarter target exists and the value won so far reaches it (less than half a cent remains)."""
    return target is not None and target - won_so_far < CENT_HALF


def expected_attainment(won_so_far: float, weighted_pipeline: float, target: float | None) -> float | None:
    """Expected attainment = (won so far + weighted open pipeline) ÷ quarter target (None without one, or 0)."""
    if target is None or target < CENT_HALF:
        return None
    return (won_so_far + weighted_pipeline) / target


@dataclass(frozen=True)
class Coverage:
    """The team's pipeline against the won-revenue target of the fiscal quarter."""

    first_month: pd.Period  # the quarter's months: first_month .. last_month
    last_month: pd.Period
    quarter: int  # 1..4 in the fiscal year
    target: float | None  # quarter target
    won_so_far: float
    open_pipeline: float  # the pipeline KPI's value at D
    weighted_pipeline: float
    remaining: float | None
    coverage: float | None
    expected_attainment: float | None
    target_reached: bool
    month_target: float | None  # the team's won-revenue target of the report month
    suggested: tg.Suggestion  # a suggested monthly won-revenue target (see kpis/targets.py)


def pipeline_coverage(open_frame: pd.DataFrame, timeline: Timeline, settings: Settings, month: pd.Period,
                      as_of: pd.Timestamp, unassigned: str = "(geen)", recent_won: Sequence[float | None] = (),
                      ) -> tuple[Coverage, pd.DataFrame]:
    """Team coverage and the per-rep table (:data:`PER_REP_COLUMNS`) from :func:`pipeline.open_deals`.

    ``recent_won``: the won revenue of the months before ``month`` (oldest first), for the suggested
    monthly target (the rule of every KPI: :func:`kpi_xl.kpis.targets.suggested_target`)."""
    kpi = settings.targets.won_revenue
    fiscal_start_month = settings.fiscal_year_start_month
    months = quarter_months(month, fiscal_start_month)
    won = won_in_quarter(timeline, months[0].start_time.normalize(), as_of)
    open_owner = open_frame["owner"].fillna(unassigned)
    won_owner = won["owner"].fillna(unassigned)
    open_value = open_frame["value"].groupby(open_owner).sum()
    open_weighted = open_frame["weighted"].groupby(open_owner).sum()
    won_value = won["value"].groupby(won_owner).sum()
    owners = sorted(set(open_owner) | set(won_owner), key=lambda o: (o == unassigned, o))
    rows = []
    for owner in owners:
        target = None if owner == unassigned else rep_quarter_target(kpi, owner, months)
        rows.append(rep_row(owner, target, float(won_value.get(owner, 0.0)), float(open_value.get(owner, 0.0)),
                            float(open_weighted.get(owner, 0.0))))
    per_rep = pd.DataFrame(rows, columns=PER_REP_COLUMNS)

    reps = [o for o in owners if o != unassigned]
    team_target = team_quarter_target(kpi, months, reps)
    month_target = tg.team_target(kpi, month, reps)
    won_total = float(won["value"].sum())
    open_total = pipeline_total(open_frame["value"])
    weighted_total = float(open_frame["weighted"].sum())
    team = Coverage(
        first_month=months[0], last_month=months[-1],
        quarter=((months[0].month - fiscal_start_month) % 12) // 3 + 1,
        target=team_target, won_so_far=won_total, open_pipeline=open_total, weighted_pipeline=weighted_total,
        remaining=remaining_target(team_target, won_total),
        coverage=coverage(open_total, team_target, won_total),
        expected_attainment=expected_attainment(won_total, weighted_total, team_target),
        target_reached=target_reached(team_target, won_total),
        month_target=month_target,
        suggested=tg.suggested_target(recent_won, month_target, "won_revenue", settings),
    )
    return team, per_rep


def rep_row(owner: str, target: float | None, won: float, open_value: float, weighted: float) -> dict:
    """One row of the per-rep table."""
    return {"owner": owner, "quarter_target": target, "won_so_far": won, "open_pipeline": open_value,
            "weighted_pipeline": weighted, "coverage": coverage(open_value, target, won),
            "expected_attainment": expected_attainment(won, weighted, target),
            "target_reached": target_reached(target, won)}
