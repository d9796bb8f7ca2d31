"""The leads of the sample company, and the profile (industry, employees, region, company) customers share."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kpi_xl.sample.columns import _ids, _obj, _to_datetime
from kpi_xl.sample.draws import _blank, _choice
from kpi_xl.sample.vocabulary import (
    COMPANY_A,
    COMPANY_B,
    COMPANY_FORM,
    CUSTOMER_INDUSTRY_P,
    CUSTOMER_REGION_P,
    INDUSTRIES,
    LEAD_INDUSTRY_P,
    LEAD_REGION_P,
    REGIONS,
    SOURCE_P,
    SOURCES,
)


class _LeadSteps:
    """The leads step of :func:`~kpi_xl.sample.generate`, with the profile and company names.

    Mixed into :class:`~kpi_xl.sample.world._World`, which holds the state the steps share: ``rng``,
    ``settings``, ``start`` / ``end`` (days), ``messy``, ``open_stages`` / ``columns``, the calendar
    (``random_days``) and the reps (``rep_names``, ``rep_join``, ``pick_reps``).
    """

    def _profile(self, n: int, customers: bool):
        rng = self.rng
        industry = _choice(rng, INDUSTRIES, n, CUSTOMER_INDUSTRY_P if customers else LEAD_INDUSTRY_P)
        region = _choice(rng, REGIONS, n, CUSTOMER_REGION_P if customers else LEAD_REGION_P)
        mu, sigma = (math.log(60), 0.9) if customers else (math.log(18), 1.1)  # leads: mostly small businesses
        employees = np.clip(np.round(rng.lognormal(mu, sigma, n)), 1, 25_000).astype("float64")
        return industry, employees, region

    def _companies(self, n: int) -> np.ndarray:
        names = np.array([f"{a} {b} {c}" for a in COMPANY_A for b in COMPANY_B for c in sorted(set(COMPANY_FORM))],
                         dtype=object)
        form_p = np.array([COMPANY_FORM.count(c) for c in sorted(set(COMPANY_FORM))], dtype=float)
        p = np.tile(form_p, len(COMPANY_A) * len(COMPANY_B))
        return names[self.rng.choice(len(names), size=n, p=p / p.sum())]

    def make_leads(self, n: int):
        rng = self.rng
        created = np.sort(self.random_days(n))
        rep = self.pick_reps(created)
        unassigned = rng.random(n) < 0.06
        owner = self.rep_names[rep]
        owner[unassigned] = None
        industry, employees, region = self._profile(n, customers=False)
        budget = np.round(rng.lognormal(math.log(7000), 0.8, n) / 500) * 500
        qualified = pd.array([pd.NA] * n, dtype="boolean")
        manual = rng.random(n) < 0.04
        qualified[manual] = rng.random(int(manual.sum())) < 0.6
        frame = pd.DataFrame({
            "lead_id": _obj(_ids("L", n)),
            "created": _to_datetime(created),
            "owner": _obj(owner),
            "company": _obj(self._companies(n)),
            "source": _obj(_blank(rng, _choice(rng, SOURCES, n, SOURCE_P), 0.02)),
            "qualified": qualified,
            "industry": _obj(_blank(rng, industry, 0.03)),
            "employees": _blank(rng, employees, 0.05),
            "region": _obj(_blank(rng, region, 0.02)),
            "budget": _blank(rng, budget, 0.45),
        })
        # how well a lead fits the customers: the reps turn such leads into deals first (so the open leads
        # that still look like the best customers are a varied few, not dozens of one profile)
        fit = (np.where(np.isin(industry, ["ICT", "Zakelijke dienstverlening", "Industrie", "Groothandel"]), 2.0, 0.5)
               * np.where(np.isin(region, ["Noord-Holland", "Zuid-Holland", "Utrecht"]), 2.0, 0.7)
               * np.select([employees < 10, employees < 50, employees < 250], [0.5, 1.2, 2.5], 0.8))
        info = {"ids": frame["lead_id"].to_numpy(dtype=object), "created": created,
                "rep": np.where(unassigned, -1, rep),
                "industry": industry, "employees": employees, "region": region,
                "company": frame["company"].to_numpy(dtype=object), "fit": fit}
        return frame, info
