"""The change of a KPI since last month, with its sign and unit, as the Dashboard's cards say it.

* **Amount** = the value as shown − last month's value as shown
  (:func:`kpi_xl.kpis.targets.shown_value`), in the card's unit: leads, points,
  euros, days, and for retention percentage points (90% after 88% is +2).
  Taking both as shown makes the change agree with the two numbers printed.
* **Sign**: ``▲`` up, ``▼`` down, ``=`` no change (the amount as shown is 0).
* **Good**: whether the change is good news. Higher is better for every KPI
  except deal velocity (days): there ``▼ −3 d`` is good. None when unchanged.

The pages format it (``▲ +17``, ``▼ −479``, ``= 0``); this module only decides it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kpi_xl.kpis.targets import LOWER_IS_BETTER, shown_value

UNITS = {"qualified_leads": "leads", "action_points": "points", "pipeline_value": "euro",
         "deal_velocity": "days", "retention": "percent_points"}
UP, DOWN, SAME = "▲", "▼", "="


@dataclass(frozen=True)
class Change:
    amount: float  # now − last month, both as shown, in ``unit`` (retention: percentage points)
    sign: str  # ▲ / ▼ / =
    unit: str  # leads, points, euro, days, percent_points
    good: bool | None  # the change is in the good direction; None when there is none
    lower_is_better: bool


def signed_change(kpi: str, value: float | None, previous: float | None) -> Change | None:
    """The change of ``kpi`` from ``previous`` to ``value``; None when either is missing."""
    now, before = shown_value(kpi, value), shown_value(kpi, previous)
    if now is None or before is None or math.isnan(now) or math.isnan(before):
        return None
    amount = now - before
    if kpi == "retention":
        amount *= 100  # a share: the change in percentage points
    amount = round(amount, 9) + 0.0  # no float noise, no −0
    lower = kpi in LOWER_IS_BETTER
    sign = UP if amount > 0 else DOWN if amount < 0 else SAME
    good = None if amount == 0 else (amount < 0) == lower
    return Change(amount, sign, UNITS.get(kpi, ""), good, lower)
