"""The activities of the sample company: on deals, leads and customers and cold outreach, with the type as written."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.names import name_key
from kpi_xl.sample.columns import _obj, _take, _to_datetime
from kpi_xl.sample.draws import _uniform_days, _workday
from kpi_xl.sample.vocabulary import LABELS, LEAD_FOLLOW_UP_DAYS, NO_DAY, NOTES, TYPE_MIX, UNKNOWN_TYPES


class _ActivitySteps:
    """The activities step of :func:`~kpi_xl.sample.generate`.

    Mixed into :class:`~kpi_xl.sample.world._World`, which holds the state the steps share: ``rng``,
    ``settings``, ``start`` / ``end`` (days), ``messy``, ``open_stages`` / ``columns``, the calendar
    (``random_days``) and the reps (``rep_names``, ``rep_join``, ``pick_reps``).
    """

    def _type_vocabulary(self) -> None:
        """The canonical types used and every label they may be written as (plus unknown labels)."""
        lookup = self.settings.activity_lookup
        known = [t for t in TYPE_MIX if t in self.settings.points] or list(self.settings.points) or ["call"]
        labels: list[str] = []
        written = []  # per known type: (label codes, weights)
        for t in known:
            pairs = [(w, q) for w, q in LABELS.get(t, ((t, 1.0),)) if lookup.get(name_key(w)) == t]
            pairs = pairs or [(t, 1.0)]
            codes = []
            for w, _ in pairs:
                if w not in labels:
                    labels.append(w)
                codes.append(labels.index(w))
            weights = np.array([q for _, q in pairs], dtype=float)
            written.append((np.array(codes), weights / weights.sum()))
        unknown = [w for w in UNKNOWN_TYPES if lookup.get(name_key(w)) is None]
        self.unknown_codes = np.arange(len(labels), len(labels) + len(unknown))
        labels += unknown
        self.type_names = np.array([*known, *unknown], dtype=object)
        self.label_names = np.array(labels, dtype=object)
        # label code → type code (known labels → their type, unknown labels → themselves)
        label_type = np.zeros(len(labels), dtype="int64")
        for i, (codes, _) in enumerate(written):
            label_type[codes] = i
        label_type[self.unknown_codes] = len(known) + np.arange(len(unknown))
        self.label_type = label_type
        self.known_types, self.written = known, written

    def _labels(self, n: int, kind: int) -> np.ndarray:
        """Label codes (the type as written) for ``n`` activities of one kind."""
        rng = self.rng
        p = np.array([TYPE_MIX.get(t, (1, 1, 1, 1))[kind] for t in self.known_types], dtype=float)
        if p.sum() == 0:
            p[:] = 1.0
        idx = rng.choice(len(p), size=n, p=p / p.sum())
        codes = np.empty(n, dtype="int64")
        for i, (label_codes, weights) in enumerate(self.written):
            hit = np.flatnonzero(idx == i)
            codes[hit] = label_codes[rng.choice(len(label_codes), size=len(hit), p=weights)]
        return codes

    def make_activities(self, n: int, lead: dict, deal: dict, customer: dict):
        """Activities; ids are kept as row numbers (-1 = none) and turned into text once, at the end."""
        rng = self.rng
        self._type_vocabulary()
        n_deal = int(round(n * 0.35)) if len(deal["created"]) else 0
        n_lead = int(round(n * 0.35)) if len(lead["created"]) else 0
        n_customer = int(round(n * 0.12)) if len(customer["since"]) else 0
        n_deal = min(n_deal, n)
        n_lead = min(n_lead, n - n_deal)
        n_customer = min(n_customer, n - n_deal - n_lead)
        n_free = n - n_deal - n_lead - n_customer
        parts = []  # (days, rep, kind, lead row, deal row, customer row)

        worked_from = np.maximum(deal["created"], self.start)  # a deal opened before the data: from its first day
        worked = deal["until"] - worked_from + 1
        if n_deal and (worked > 0).any():
            # about as many activities for a long deal as for a short one: long ones are worked less often
            length = np.where(worked > 0, np.minimum(worked, 90) + 5.0, 0.0)
            src = rng.choice(len(length), size=n_deal, p=length / length.sum())
            lo, hi = worked_from[src], deal["until"][src]
            days = _workday(rng, _uniform_days(rng, lo, hi), lo, hi)
            src, days = self._recent_deal_activity(deal, src, days)
            parts.append((days, deal["rep"][src], 0, deal["lead"][src], src, deal["customer"][src]))
        else:
            n_free += n_deal

        if n_lead:
            # follow-up of a lead in its first weeks: a working day first, then a lead created in the weeks
            # before it; early in the data part of that follow-up is on leads older than the data (no lead_id)
            days = np.sort(self.random_days(n_lead))  # (sorted: the look-ups below run in order)
            created = lead["created"]  # sorted
            lo_row = np.searchsorted(created, days - LEAD_FOLLOW_UP_DAYS, side="left")
            hi_row = np.searchsorted(created, days, side="right")
            src = lo_row + np.floor(rng.random(n_lead) * (hi_row - lo_row)).astype("int64")
            in_data = (days - self.start + 1) / (LEAD_FOLLOW_UP_DAYS + 1)
            src = np.where((hi_row > lo_row) & (rng.random(n_lead) < in_data), src, -1)
            rep = np.where(src >= 0, lead["rep"][np.maximum(src, 0)], -1)
            none = rep < 0
            rep[none] = self.pick_reps(days[none])
            no = np.full(n_lead, -1, dtype="int64")
            parts.append((days, rep, 1, src, no, no))

        if n_customer:
            lo_all = np.maximum(np.maximum(customer["since"], self.start), self.rep_join[customer["rep"]])
            hi_all = np.where(customer["until"] == NO_DAY, self.end, np.minimum(customer["until"], self.end))
            ok = np.flatnonzero(hi_all >= lo_all)
            if len(ok):
                # contact spread over the relationship; a few customers are neglected (needs attention)
                attention = np.where(rng.random(len(ok)) < 0.12, 0.02, 1.0) * (hi_all[ok] - lo_all[ok] + 1)
                src = ok[rng.choice(len(ok), size=n_customer, p=attention / attention.sum())]
                days = _workday(rng, _uniform_days(rng, lo_all[src], hi_all[src]), lo_all[src], hi_all[src])
                no = np.full(n_customer, -1, dtype="int64")
                parts.append((days, customer["rep"][src], 2, no, no, src))
            else:
                n_free += n_customer

        if n_free:
            days = self.random_days(n_free)
            no = np.full(n_free, -1, dtype="int64")
            parts.append((days, self.pick_reps(days), 3, no, no, no))

        if not parts:
            parts.append(tuple(np.zeros(0, dtype="int64") for _ in range(2)) + (0,)
                         + tuple(np.zeros(0, dtype="int64") for _ in range(3)))
        label = np.concatenate([self._labels(len(p[0]), p[2]) for p in parts])
        days, rep, lead_row, deal_row, customer_row = (np.concatenate([p[i] for p in parts]) for i in (0, 1, 3, 4, 5))
        if self.messy and len(days) and len(self.unknown_codes):
            odd = np.flatnonzero(rng.random(len(days)) < 0.003)
            label[odd] = self.unknown_codes[rng.integers(0, len(self.unknown_codes), len(odd))]
        notes = rng.integers(0, len(NOTES), len(days))
        notes[rng.random(len(days)) >= 0.25] = -1
        order = np.argsort(days, kind="stable")
        label = label[order]
        frame = pd.DataFrame({
            "date": _to_datetime(days[order]),
            "owner": _obj(self.rep_names[rep[order]]),
            "type": _obj(self.type_names[self.label_type[label]]),  # unknown labels are kept as written
            "lead_id": _obj(_take(lead["ids"], lead_row[order])),
            "deal_id": _obj(_take(deal["ids"], deal_row[order])),
            "customer_id": _obj(_take(customer["ids"], customer_row[order])),
            "notes": _obj(_take(np.array(NOTES, dtype=object), notes[order])),
        })
        return frame, self.label_names[label]

    def _recent_deal_activity(self, deal: dict, src: np.ndarray, days: np.ndarray):
        """Every open deal that is still worked on gets an activity in the last three weeks.

        Its latest activity moves there; a deal without any takes one over from the
        deals with the most activities. The number of activities stays the same.
        """
        rng = self.rng
        n_deals = len(deal["created"])
        recent_from = self.end - 20
        last = np.full(n_deals, NO_DAY, dtype="int64")
        np.maximum.at(last, src, days)
        need = np.flatnonzero(deal["open"] & ~deal["stalled"] & (last < recent_from))
        if not len(need):
            return src, days
        order = np.lexsort((days, src))  # by deal, then date: the last row of each deal is its latest
        is_last = np.r_[src[order][1:] != src[order][:-1], True]
        latest_row = np.full(n_deals, -1, dtype="int64")
        latest_row[src[order][is_last]] = order[is_last]
        rows = latest_row[need]
        missing = need[rows < 0]
        if len(missing):  # take over activities that are not the latest of their deal
            free = np.ones(len(src), dtype=bool)
            free[latest_row[latest_row >= 0]] = False
            spare = np.flatnonzero(free)
            take = rng.choice(spare, size=min(len(missing), len(spare)), replace=False)
            missing = missing[: len(take)]
            src = src.copy()
            src[take] = missing
            rows = np.concatenate([rows[rows >= 0], take])
            need = np.concatenate([need[latest_row[need] >= 0], missing])
        days = days.copy()
        lo = np.maximum(deal["created"][need], recent_from)
        days[rows] = _workday(rng, _uniform_days(rng, lo, np.full(len(need), self.end)), lo, self.end, keep=0.0)
        return src, days
