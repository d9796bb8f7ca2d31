"""KPI 5 — the ongoing customer relationship (result KPI).

* **Active** at D: ``since`` ≤ D and (``until`` blank or ``until`` > D).
* **Retention rate** over a period (start, end] = (active at end − new in the
  period) ÷ active at start, where *new* are customers whose ``since`` falls
  in the period and who are still active at the end (so a customer won and
  lost inside the period does not push the rate down twice; the rate stays
  within 0..1). None when nobody was active at the start. The Dashboard uses
  the 12 months up to D.
* **Gross revenue retention** = yearly ``revenue`` of the customers active at
  the start that are still active at the end ÷ the revenue of all customers
  active at the start (no expansion is counted: the data has one revenue per
  customer).
* **Churned**: customers whose ``until`` falls in the period.
* **Average tenure** of the customers active at D, in days (since → D).
* **Needs attention**: active at D and the last contact (the later of
  ``last_contact`` and the last activity with their ``customer_id``, both on
  or before D) is more than ``contact_within_days`` before D, or missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.kpis.timeline import DAY, ids_to_positions, per_deal
from kpi_xl.periods import day_values

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


def active_at(customers: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Boolean per customer: a customer on date D."""
    return pd.Series(_active(day_values(customers["since"]), day_values(customers["until"]), as_of),
                     index=customers.index)


def _active(since: np.ndarray, until: np.ndarray, as_of: pd.Timestamp) -> np.ndarray:
    day = pd.Timestamp(as_of).to_datetime64()
    return (since <= day) & (np.isnat(until) | (until > day))


@dataclass
class Retention:
    rate: float | None
    revenue_rate: float | None
    active_start: int
    active_end: int
    new: int
    churned: int


def retention(customers: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> Retention:
    """Customer retention over the period (start, end]."""
    since, until = day_values(customers["since"]), day_values(customers["until"])
    first, last = pd.Timestamp(start).to_datetime64(), pd.Timestamp(end).to_datetime64()
    at_start = _active(since, until, start)
    at_end = _active(since, until, end)
    new = (since > first) & (since <= last) & at_end
    churned = ~np.isnat(until) & (until > first) & (until <= last)
    n_start = int(at_start.sum())
    rate = (int(at_end.sum()) - int(new.sum())) / n_start if n_start else None
    revenue = customers["revenue"]
    start_revenue = revenue[at_start].sum()
    kept_revenue = revenue[at_start & at_end].sum()
    has_revenue = revenue[at_start].notna().any()
    revenue_rate = float(kept_revenue / start_revenue) if has_revenue and start_revenue > 0 else None
    return Retention(rate, revenue_rate, n_start, int(at_end.sum()), int(new.sum()), int(churned.sum()))


def positions(customers: pd.DataFrame, customer_ids: pd.Series) -> np.ndarray:
    """The row position in ``customers`` of each id (-1 when unknown), looking each distinct id up once."""
    return ids_to_positions(customer_ids, customers["customer_id"])


def last_contact(customers: pd.DataFrame, activities: pd.DataFrame, as_of: pd.Timestamp,
                 activity_customers: np.ndarray | None = None) -> pd.Series:
    """The last contact on or before D per customer (NaT when none)."""
    if activity_customers is None:
        activity_customers = positions(customers, activities["customer_id"])
    seen = (activity_customers >= 0) & (activities["date"].to_numpy() <= as_of.to_datetime64())
    from_activities = per_deal(activity_customers[seen], activities["date"].to_numpy()[seen], len(customers), "max")
    noted = customers["last_contact"].where(customers["last_contact"] <= as_of).to_numpy()
    latest = np.fmax(from_activities.astype("datetime64[ns]"), noted)
    return pd.Series(latest, index=customers.index, dtype="datetime64[ns]")


@dataclass
class CustomerRelationship:
    active: int
    retention: Retention
    average_tenure_days: float | None
    needs_attention: pd.DataFrame  # customer_id, company, owner, last_contact, days_since_contact
    churned: pd.DataFrame  # customer_id, company, until, revenue


def customer_relationship(customers: pd.DataFrame, activities: pd.DataFrame, as_of: pd.Timestamp,
                          period_start: pd.Timestamp, settings: Settings,
                          activity_customers: np.ndarray | None = None) -> CustomerRelationship:
    """KPI 5 at D, with retention over (period_start, D]."""
    active = active_at(customers, as_of)
    tenure = ((as_of - customers.loc[active, "since"]) / DAY)
    contact = last_contact(customers, activities, as_of, activity_customers)
    days = (as_of - contact) / DAY
    attention = active & (contact.isna() | (days > settings.contact_within_days))
    needs = customers.loc[attention, ["customer_id", "company", "owner"]].copy()
    needs["last_contact"] = contact[attention]
    needs["days_since_contact"] = days[attention]
    needs = needs.sort_values("days_since_contact", ascending=False, na_position="first").reset_index(drop=True)
    gone = customers["until"].notna() & (customers["until"] > period_start) & (customers["until"] <= as_of)
    churned = customers.loc[gone, ["customer_id", "company", "until", "revenue"]].sort_values("until")
    return CustomerRelationship(
        active=int(active.sum()),
        retention=retention(customers, period_start, as_of),
        average_tenure_days=float(tenure.mean()) if len(tenure) else None,
        needs_attention=needs,
        churned=churned.reset_index(drop=True),
    )

