"""Targets: fixed or ramped, per team and per rep; attainment, traffic light, suggested target.

* A **ramp** starts at ``from`` in its ``start`` month and rises each month by
  ``step`` (absolute) or ``step_pct`` (percent, compounded), never above
  ``cap``. Before the start month the target is the start value.
* The **team target** is the configured ``team`` value, else the sum of the
  targets of the reps active that month (when per-rep targets exist).
* **% of target** = value ÷ target; for KPIs where lower is better (deal
  velocity, in days) = target ÷ value. Value and target are taken as the pages
  show them (:func:`shown_value`: whole leads, points, euros and days, retention
  in whole %), so "90% against a target of 90%" is 100%.
* **Traffic light**: from the % of target as shown, in whole % (:func:`shown_percent`,
  half away from zero as Excel shows it): green from ``traffic_light.green``
  (default 100%), orange from ``traffic_light.orange`` (80%), else red. So a
  light never contradicts the % printed next to it: 99.5% is shown "100%" and is
  green; 79.49% is shown "79%" and is red. :func:`status` gives all three, for
  every light (the five tiles and the per-rep rows).
* **Suggested target**: the mean of the last ``suggested_targets.months``
  complete months, rounded to two significant figures; a target is flagged
  *far above* when it exceeds ``far_above`` × the best month in that period
  (for lower-is-better: below the best ÷ ``far_above``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.names import name_key
from kpi_xl.periods import months_between, parse_month

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import KpiTarget, Settings, Target

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


# how many decimals the pages show of each KPI's value and target (retention is a share: 2 = whole %)
SHOWN_DECIMALS = {"qualified_leads": 0, "action_points": 0, "pipeline_value": 0, "deal_velocity": 0,
                  "retention": 2}


def _half_up(number: float, decimals: int) -> float:
    """``number`` rounded as Excel shows it: half away from zero, after the float noise (0.995 is 0.99499…)."""
    scaled = round(number * 10**decimals, 9)
    return math.copysign(math.floor(abs(scaled) + 0.5), scaled) / 10**decimals


def shown_value(kpi: str, value: float | None) -> float | None:
    """A KPI's value (or target) as the pages show it (:data:`SHOWN_DECIMALS`); None, NaN and ∞ unchanged."""
    if value is None or _nan(value) or math.isinf(value):
        return value
    return _half_up(value, SHOWN_DECIMALS.get(kpi, 0))


def shown_percent(share: float | None) -> int | None:
    """A share of target in whole % as shown (0.995 → 100, 0.7949 → 79); None without a share."""
    if share is None or _nan(share) or math.isinf(share):
        return None
    return int(_half_up(share * 100, 0))


def traffic_light(share: float | None, settings: Settings) -> str | None:
    """``'green'``, ``'orange'``, ``'red'`` or None (no target or no value, also as NaN), judged on the
    whole % that is shown (:func:`shown_percent`), so the light follows the printed %."""
    percent = shown_percent(share)
    if percent is None:
        return None
    if percent >= round(settings.traffic_light.green * 100, 9):
        return "green"
    if percent >= round(settings.traffic_light.orange * 100, 9):
        return "orange"
    return "red"


@dataclass(frozen=True)
class Status:
    share: float | None  # of target, from value and target as shown (1.0 = on target)
    percent: int | None  # the share in whole %, as printed
    light: str | None  # green / orange / red, from ``percent``


def status(value: float | None, target: float | None, kpi: str, settings: Settings) -> Status:
    """% of target and traffic light of one value: the one function behind every light."""
    share = attainment(shown_value(kpi, value), shown_value(kpi, target), kpi)
    return Status(share, shown_percent(share), traffic_light(share, settings))


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
