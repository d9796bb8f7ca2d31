"""Targets: fixed or ramped, per team and per rep; attainment, traffic light, suggested target.

* A **ramp** starts at ``from`` in its ``start`` month and rises each month by
  ``step`` (absolute) or ``step_pct`` (percent, compounded), never above
  ``cap``. Before the start month the target is the start value.
* The **team target** is the configured ``team`` value, else the sum of the
  targets of the reps active that month (when per-rep targets exist).
* **% of target** = value ÷ target; for KPIs where lower is better (deal
  velocity, in days) = target ÷ value.
* **Traffic light**: green from ``traffic_light.green`` (default 100%),
  orange from ``traffic_light.orange`` (80%), else red.
* **Suggested target**: the mean of the last ``suggested_targets.months``
  complete months, rounded to two significant figures; a target is flagged
  *far above* when it exceeds ``far_above`` × the best month in that period
  (for lower-is-better: below the best ÷ ``far_above``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from kpi_xl.config import KpiTarget, Settings, Target
from kpi_xl.names import name_key
from kpi_xl.periods import months_between, parse_month

LOWER_IS_BETTER = frozenset({"deal_velocity"})


def target_value(target: Target | None, month: pd.Period) -> float | None:
    """The value of one target in ``month`` (ramps applied)."""
    if target is None:
        return None
    if target.ramp is None:
        return target.value
    ramp = target.ramp
    steps = max(0, months_between(parse_month(ramp.start), month))
    try:
        if ramp.step is not None:
            value = ramp.start_value + ramp.step * steps
        else:
            value = ramp.start_value * (1 + ramp.step_pct / 100) ** steps
    except OverflowError:  # a steep ramp, years on: beyond any float
        value = math.inf
    if ramp.cap is not None:
        value = min(value, ramp.cap) if ramp.step is None or ramp.step >= 0 else max(value, ramp.cap)
    if not math.isfinite(value):
        return None  # no cap and grown beyond any number: no target that month
    return round(max(value, 0.0), 2)  # a falling ramp stops at 0


def rep_target(kpi: KpiTarget, rep: str | None, month: pd.Period) -> float | None:
    """A rep's target: their named override, else the per-rep default."""
    overrides = {name_key(k): v for k, v in kpi.per_rep.overrides.items()}
    chosen = overrides.get(name_key(rep)) if rep is not None else None
    return target_value(chosen or kpi.per_rep.default, month)


def team_target(kpi: KpiTarget, month: pd.Period, active_reps: Iterable[str] = ()) -> float | None:
    """The explicit team target, else the sum of the targets of the reps active that month."""
    if kpi.team is not None:
        return target_value(kpi.team, month)
    values = [rep_target(kpi, rep, month) for rep in active_reps]
    values = [v for v in values if v is not None]
    return float(sum(values)) if values else None


def attainment(value: float | None, target: float | None, kpi: str) -> float | None:
    """Share of target reached (1.0 = on target)."""
    if value is None or target is None or _nan(value) or _nan(target):
        return None
    if kpi in LOWER_IS_BETTER:
        return None if value <= 0 else target / value
    return None if target == 0 else value / target


def traffic_light(share: float | None, settings: Settings) -> str | None:
    """``'green'``, ``'orange'``, ``'red'`` or None (no target or no value, also as NaN)."""
    if share is None or _nan(share):
        return None
    if share >= settings.traffic_light.green:
        return "green"
    if share >= settings.traffic_light.orange:
        return "orange"
    return "red"


@dataclass(frozen=True)
class Suggestion:
    value: float | None
    far_off: bool
    based_on: int  # number of months used


def suggested_target(recent: Sequence[float | None], target: float | None, kpi: str,
                     settings: Settings) -> Suggestion:
    """A realistic target from the last complete months (``recent``, oldest first)."""
    n = settings.suggested_targets.months
    values = [float(v) for v in list(recent)[-n:] if v is not None and not _nan(v)]
    if not values:
        return Suggestion(None, False, 0)
    suggestion = _round_nicely(sum(values) / len(values))
    far = settings.suggested_targets.far_above
    if target is None:
        far_off = False
    elif kpi in LOWER_IS_BETTER:
        far_off = target < min(values) / far if far else False
    else:
        far_off = target > max(values) * far
    return Suggestion(suggestion, far_off, len(values))


def _round_nicely(value: float) -> float:
    if value == 0:
        return 0.0
    if abs(value) < 1:
        return round(value, 2)
    digits = 2 - int(math.floor(math.log10(abs(value)))) - 1
    return float(round(value, digits))


def _nan(value) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return False
