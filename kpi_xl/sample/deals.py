"""The deals of the sample company: from leads and upsell, their stages, values and fates, and the stage
history's re-entries."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.sample.columns import _ids, _obj, _to_datetime
from kpi_xl.sample.draws import (
    _choice,
    _forward_workday,
    _gamma_days,
    _uniform_days,
    _weekday,
    _weighted_sample,
    _workday,
    libm,
)
from kpi_xl.sample.vocabulary import (
    CLOSED_ONLY_SHARE,
    FATE_P,
    LOST_REASON_P,
    LOST_REASONS,
    NO_DAY,
    PRESTART_MAX_AGE,
    STALL_DAYS,
    UPSELL_FATE_P,
)


class _DealSteps:
    """The deal steps of :func:`~kpi_xl.sample.generate`, and the stage history's re-entries.

    Mixed into :class:`~kpi_xl.sample.world._World`, which holds the state the steps share: ``rng``,
    ``settings``, ``start`` / ``end`` (days), ``messy``, ``open_stages`` / ``columns``, the calendar
    (``random_days``) and the reps (``rep_names``, ``rep_join``, ``pick_reps``).
    """

    def _stage_plan(self, created: np.ndarray, fate_p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Stage entry days per deal as it will run, not yet cut off by the end of the data.

        Columns: open stages..., won, lost; returns (days, entered, fate) with fate 0 won, 1 lost while
        worked, 2 lost after it stalled (written off ``STALL_DAYS`` after its last stage change).
        """
        rng = self.rng
        n, k = len(created), len(self.open_stages)
        fate = rng.choice(3, size=n, p=fate_p)
        lost_reach = np.array([0.25, 0.30, 0.30, 0.15][:k] + [0.15] * max(0, k - 4))
        stall_reach = np.array([0.30, 0.25, 0.30, 0.15][:k] + [0.15] * max(0, k - 4))
        reach = np.full(n, k - 1)
        lost, stalled = fate == 1, fate == 2
        reach[lost] = rng.choice(k, size=int(lost.sum()), p=lost_reach / lost_reach.sum())
        reach[stalled] = rng.choice(k, size=int(stalled.sum()), p=stall_reach / stall_reach.sum())
        cols = np.arange(k + 2)
        include = np.zeros((n, k + 2), dtype=bool)
        include[:, :k] = cols[None, :k] <= reach[:, None]
        include[:, k] = fate == 0
        include[:, k + 1] = fate != 0
        # skipped stages: the first (an inbound deal starts at Intake), another one now and then,
        # and the last open stage for some won deals (straight from the quote to signed)
        for j in range(k):
            p_skip = 0.10 if j == 0 else (0.15 if j == k - 1 and k > 2 else 0.05)
            allowed = (j < reach) | ((fate == 0) & (j == k - 1) & (j > 0))
            include[:, j] &= ~(allowed & (rng.random(n) < p_skip))
        mean_gap = [0.0] + [8.0, 14.0, 16.0, 18.0, 18.0][: max(0, k - 1)] + [12.0] * max(0, k - 6)
        mean_gap = np.array(mean_gap[:k] + [13.0, 21.0])
        gaps = _gamma_days(rng, mean_gap[None, :], (n, k + 2))
        gaps[:, k + 1] = np.where(stalled, rng.uniform(*STALL_DAYS, n), gaps[:, k + 1])
        gaps[:, 0] = 0
        gaps[~include] = 0
        first = np.argmax(include, axis=1)
        gaps[np.arange(n), first] = 0  # the first stage is entered at first contact
        days = created[:, None] + np.round(np.cumsum(gaps, axis=1)).astype("int64")
        days = _forward_workday(days)
        days[np.arange(n), first] = created  # (a deal created on the last Saturday stays in the data)
        return days, include, fate

    def _stages(self, created: np.ndarray, fate_p, plan=None) -> dict:
        """Stage entry days per deal as the data shows them (``NO_DAY`` = not entered by the end of the data)."""
        days, include, fate = self._stage_plan(created, fate_p) if plan is None else plan
        k = len(self.open_stages)
        include = include & (days <= self.end)  # the end of the data cuts young deals off
        days = np.where(include, days, NO_DAY)
        current = (k + 1) - np.argmax(include[:, ::-1], axis=1)
        return {"days": days, "current": current, "fate": fate, "stalled": fate == 2}

    def _prestart_plan(self, n: int):
        """``n`` deals opened before the first month and still open on its first day (a going concern).

        Among deals that ran through the first day, long ones are more likely (length-biased), and each was
        opened a whole number of weeks (at most ``PRESTART_MAX_AGE`` days) before the end of its run.
        """
        rng = self.rng
        candidates = 3 * n
        monday = self.start + (7 - _weekday(np.array([self.start]))[0]) % 7  # the first Monday in the data
        opened = monday + rng.integers(0, 5, candidates)  # a working day of that week, moved back below
        days, include, fate = self._stage_plan(opened, FATE_P)
        length = np.where(include, days, np.iinfo(np.int64).min).max(axis=1) - opened
        # moved back 2 or more whole weeks (so opened before the first day) and less than its run (so still
        # open after it)
        weeks = np.minimum(length - 1, PRESTART_MAX_AGE) // 7
        pick = _weighted_sample(rng, np.maximum(weeks - 1, 0).astype(float), n)
        pick = pick[weeks[pick] >= 2]
        age = 7 * (2 + np.floor(rng.random(len(pick)) * (weeks[pick] - 1)).astype("int64"))
        return opened[pick] - age, (days[pick] - age[:, None], include[pick], fate[pick])

    def _values(self, employees: np.ndarray, base: float) -> np.ndarray:
        rng = self.rng
        size = np.where(np.isnan(employees), 40.0, employees)
        value = base * libm(lambda x: x ** 0.25, size / 40.0) * rng.lognormal(0.0, 0.6, len(size))
        return np.round(np.clip(value, 500, 500_000) / 50) * 50

    def make_lead_deals(self, lead: dict, n: int) -> dict:
        rng = self.rng
        n_leads = len(lead["created"])
        if n <= 0 or n_leads == 0:
            return self._empty_deals()
        if n <= n_leads:
            src = _weighted_sample(rng, lead["fit"], n)
        else:
            src = rng.choice(n_leads, size=n, p=lead["fit"] / lead["fit"].sum())
        created = lead["created"][src] + np.round(rng.exponential(9.0, n)).astype("int64")
        created = _workday(rng, np.minimum(created, self.end), lead["created"][src], self.end, keep=0.0)
        rep = lead["rep"][src].copy()
        none = rep < 0
        rep[none] = self.pick_reps(created[none])
        deals = {"lead": src, "customer": np.full(n, -1), "created": created, "rep": rep,
                 "value": self._values(lead["employees"][src], 6_500.0), **self._stages(created, FATE_P)}
        return deals

    def make_prestart_deals(self, n: int) -> dict:
        """New business opened before the first month, still open on its first day: the pipeline the data
        starts with. Its lead is older than the Leads table (no ``lead_id``)."""
        if n <= 0:
            return self._empty_deals()
        created, plan = self._prestart_plan(n)
        m = len(created)
        return {"lead": np.full(m, -1), "customer": np.full(m, -1), "created": created,
                "rep": self.pick_reps(created), "value": self._values(np.full(m, np.nan), 6_500.0),
                **self._stages(created, FATE_P, plan)}

    def _empty_deals(self) -> dict:
        k = len(self.columns)
        empty = np.zeros(0, dtype="int64")
        return {"lead": empty, "customer": empty, "created": empty, "rep": empty, "value": np.zeros(0),
                "days": np.zeros((0, k), dtype="int64"), "current": empty, "fate": empty,
                "stalled": np.zeros(0, dtype=bool)}

    def make_upsell_deals(self, customer: dict, n: int) -> dict:
        rng = self.rng
        lo = np.maximum(customer["since"], self.start)
        hi = np.minimum(np.where(customer["until"] == NO_DAY, self.end, customer["until"] - 1), self.end)
        ok = np.flatnonzero(hi >= lo)
        if n <= 0 or len(ok) == 0:
            return self._empty_deals()
        src = ok[rng.choice(len(ok), size=n)]
        created = _workday(rng, _uniform_days(rng, lo[src], hi[src]), lo[src], hi[src], keep=0.0)
        stages = self._stages(created, UPSELL_FATE_P)
        return {"lead": np.full(n, -1), "customer": src, "created": created, "rep": customer["rep"][src],
                "value": self._values(customer["employees"][src], 4_000.0), **stages}

    def finish_deals(self, parts: list[dict], lead: dict, customer: dict):
        rng = self.rng
        d = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
        order = np.argsort(d["created"], kind="stable")
        d = {key: value[order] for key, value in d.items()}
        n, k = len(d["created"]), len(self.open_stages)
        days = d["days"]
        if self.messy and n:  # ~3%: two consecutive entered stages with their dates swapped
            both = (days[:, :-1] != NO_DAY) & (days[:, 1:] != NO_DAY) & (days[:, 1:] > days[:, :-1])
            both[:, k - 1:] = False  # open stages only, not into the won / lost columns
            pick = np.flatnonzero(both.any(axis=1) & (rng.random(n) < 0.03 / max(both.any(axis=1).mean(), 1e-9)))
            for i in pick:
                j = rng.choice(np.flatnonzero(both[i]))
                days[i, j], days[i, j + 1] = days[i, j + 1], days[i, j]
        current = np.array(self.columns, dtype=object)[d["current"]]
        won_day, lost_day = days[:, k], days[:, k + 1]
        closed = np.where(won_day != NO_DAY, won_day, lost_day)
        is_lost = lost_day != NO_DAY
        reason = _choice(rng, LOST_REASONS, n, LOST_REASON_P)
        reason[~is_lost] = None
        lead_ids = np.where(d["lead"] >= 0, lead["ids"][np.maximum(d["lead"], 0)] if len(lead["ids"]) else None, None)
        customer_ids = (np.where(d["customer"] >= 0, customer["ids"][np.maximum(d["customer"], 0)], None)
                        if len(customer["ids"]) else np.full(n, None, dtype=object))
        ids = _ids("D", n)
        frame = pd.DataFrame({
            "deal_id": _obj(ids),
            "owner": _obj(self.rep_names[d["rep"]]),
            "created": _to_datetime(d["created"]),
            "value": d["value"].astype("float64"),
            "stage": _obj(current),
            "closed": _to_datetime(closed),
            "lost_reason": _obj(reason),
            "customer_id": _obj(customer_ids),
            "lead_id": _obj(lead_ids),
        })
        by_name = dict(zip(self.columns, range(k + 2), strict=True))
        # a few closed deals only have the ``closed`` date, not the won / lost stage date
        shown = days.copy()
        only_closed = (closed != NO_DAY) & (rng.random(n) < CLOSED_ONLY_SHARE)
        shown[only_closed, k:] = NO_DAY
        stage_frame = pd.DataFrame({stage: _to_datetime(shown[:, by_name[stage]])
                                    for stage in self.settings.stage_names})
        # the last day the deal is worked on: closed, today, or shortly after its last stage change (stalled)
        last_move = days[:, :k].max(axis=1)
        is_open = closed == NO_DAY
        quiet = last_move + rng.integers(0, 10, n)
        until = np.where(d["stalled"], np.minimum(quiet, self.end), np.where(is_open, self.end, closed))
        info = {"ids": ids, "created": d["created"], "rep": d["rep"], "lead": d["lead"], "customer": d["customer"],
                "until": until, "open": is_open, "stalled": d["stalled"] & is_open, "days": days}
        return frame, stage_frame, info

    # -- stage history re-entries ---------------------------------------------

    def make_reentries(self, deal: dict) -> pd.DataFrame:
        """A few deals go back from the stage after the quote to the quote and forward again."""
        rng = self.rng
        settings = self.settings
        empty = pd.DataFrame({"deal_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                              "date": pd.Series(dtype="datetime64[ns]")})
        if settings.quote not in self.open_stages:
            return empty
        q = self.open_stages.index(settings.quote)
        if q + 1 >= len(self.open_stages) or not len(deal["created"]):
            return empty
        days = deal["days"]
        entered = days[:, q + 1]
        after = days[:, q + 2:]  # the stages after it (in the configured order) and won / lost
        big = np.iinfo(np.int64).max
        later = np.where(after != NO_DAY, after, big).min(axis=1) if after.shape[1] else np.full(len(entered), big)
        later = np.where(later == big, np.where(deal["open"], self.end + 1, NO_DAY), later)
        room = later - entered
        # the quote date must lie before the next stage's: no re-entry in a deal with dates out of order
        ordered = (days[:, q] == NO_DAY) | (days[:, q] <= entered)
        pick = np.flatnonzero((entered != NO_DAY) & (later != NO_DAY) & (room >= 6) & ordered
                              & (rng.random(len(entered)) < 0.08))
        if not len(pick):
            return empty
        back = entered[pick] + 1 + (rng.random(len(pick)) * (room[pick] - 4) / 2).astype("int64")
        again = back + 1 + (rng.random(len(pick)) * (later[pick] - back - 2)).astype("int64")
        ids = deal["ids"][pick]
        return pd.DataFrame({
            "deal_id": _obj(np.concatenate([ids, ids])),
            "stage": _obj([settings.quote] * len(pick) + [self.open_stages[q + 1]] * len(pick)),
            "date": _to_datetime(np.concatenate([back, again])),
        })
