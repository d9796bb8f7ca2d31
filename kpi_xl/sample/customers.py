"""The customers of the sample company: an existing base plus customers won from the deals, with churn."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi_xl.sample.columns import _ids, _obj, _to_datetime
from kpi_xl.sample.draws import _blank, _uniform_days, _workday, libm
from kpi_xl.sample.vocabulary import NO_DAY


class _CustomerSteps:
    """The customers step of :func:`~kpi_xl.sample.generate` (the profile and company names come from
    :class:`~kpi_xl.sample.leads._LeadSteps`).

    Mixed into :class:`~kpi_xl.sample.world._World`, which holds the state the steps share: ``rng``,
    ``settings``, ``start`` / ``end`` (days), ``messy``, ``open_stages`` / ``columns``, the calendar
    (``random_days``) and the reps (``rep_names``, ``rep_join``, ``pick_reps``).
    """

    def make_customers(self, n: int, lead: dict, deals: dict):
        rng = self.rng
        k = len(self.open_stages)
        won_day = deals["days"][:, k] if len(deals["created"]) else np.zeros(0, dtype="int64")
        won = np.flatnonzero((won_day != NO_DAY) & (deals["lead"] >= 0))
        _, first = np.unique(deals["lead"][won], return_index=True)  # one customer per lead
        won = won[np.sort(first)]
        n_new = min(len(won), int(round(n * 0.3)))
        new = np.sort(rng.choice(won, size=n_new, replace=False)) if n_new else np.zeros(0, dtype="int64")
        n_base = n - n_new
        base_since = _workday(rng, self.start - rng.integers(20, 6 * 365, n_base), -np.inf, self.start)
        since = np.concatenate([base_since, won_day[new]])
        industry, employees, region = self._profile(n_base, customers=True)
        src_lead = deals["lead"][new]
        industry = np.concatenate([industry, lead["industry"][src_lead]])
        employees = np.concatenate([employees, lead["employees"][src_lead]])
        region = np.concatenate([region, lead["region"][src_lead]])
        company = np.concatenate([self._companies(n_base), lead["company"][src_lead]])
        founders = np.flatnonzero(self.rep_join <= self.start)
        rep = np.concatenate([founders[rng.choice(len(founders), size=n_base)], deals["rep"][new]])
        lead_ids = np.concatenate([np.full(n_base, None, dtype=object), lead["ids"][src_lead]])
        order = np.argsort(since, kind="stable")
        since, industry, employees, region = since[order], industry[order], employees[order], region[order]
        company, rep, lead_ids = company[order], rep[order], lead_ids[order]
        # churn: ~18% end in the year before the history or during it, at least two months after they started
        # (a going concern loses about a tenth of its customers a year, before the data as well)
        lo = np.maximum(since + 60, self.start - 365)
        can = lo <= self.end
        churn = can & (rng.random(n) < 0.18 / max(can.mean(), 1e-9) if n else np.zeros(0, dtype=bool))
        until = np.full(n, NO_DAY, dtype="int64")
        until[churn] = _workday(rng, _uniform_days(rng, lo[churn], np.full(churn.sum(), self.end)), lo[churn],
                                self.end, keep=0.0)
        revenue = np.round(rng.lognormal(math.log(18_000), 0.7, n)
                           * libm(lambda x: x ** 0.2, np.nan_to_num(employees, nan=60) / 60),
                           -2)
        contact_hi = np.where(until == NO_DAY, self.end, until)
        contact_lo = np.maximum(since, contact_hi - 240)
        last_contact = _uniform_days(rng, contact_lo, contact_hi)
        last_contact[rng.random(n) < 0.5] = NO_DAY
        ids = _ids("K", n)
        frame = pd.DataFrame({
            "customer_id": _obj(ids),
            "since": _to_datetime(since),
            "until": _to_datetime(until),
            "revenue": _blank(rng, revenue.astype("float64"), 0.03),
            "last_contact": _to_datetime(last_contact),
            "company": _obj(company),
            "owner": _obj(self.rep_names[rep] if n else np.zeros(0, dtype=object)),
            "lead_id": _obj(lead_ids),
            "industry": _obj(_blank(rng, industry, 0.02)),
            "employees": _blank(rng, employees, 0.03),
            "region": _obj(_blank(rng, region, 0.01)),
        })
        info = {"ids": ids, "since": since, "until": until, "rep": rep, "employees": employees}
        return frame, info
