"""The state the steps of :func:`~kpi_xl.sample.generate` share: the generator, the settings, the calendar and
the reps; the steps themselves are mixed in from leads, deals, customers and activities."""

from __future__ import annotations

import numpy as np

from kpi_xl.config import Settings
from kpi_xl.sample.activities import _ActivitySteps
from kpi_xl.sample.customers import _CustomerSteps
from kpi_xl.sample.deals import _DealSteps
from kpi_xl.sample.draws import _weekday
from kpi_xl.sample.leads import _LeadSteps
from kpi_xl.sample.vocabulary import FIRST_NAMES, LAST_NAMES, REP_NAMES


class _World(_LeadSteps, _DealSteps, _CustomerSteps, _ActivitySteps):
    """The state shared by the steps of :func:`generate`."""

    def __init__(self, rng: np.random.Generator, settings: Settings, start_day: int, end_day: int, messy: bool):
        self.rng = rng
        self.settings = settings
        self.start, self.end = start_day, end_day
        self.messy = messy
        self.days = np.arange(start_day, end_day + 1, dtype="int64")
        self.day_p = self._day_weights(self.days)
        self.open_stages = list(settings.open_stages)
        self.columns = [*self.open_stages, settings.won, settings.lost]  # internal stage columns

    # -- calendar -------------------------------------------------------------

    def _day_weights(self, days: np.ndarray) -> np.ndarray:
        wd = _weekday(days)
        w = np.where(wd < 5, 1.0, np.where(wd == 5, 0.04, 0.02))
        stamps = days.astype("datetime64[D]")
        month = (stamps.astype("datetime64[M]").astype("int64") % 12) + 1
        day_of_month = (stamps - stamps.astype("datetime64[M]")).astype("int64") + 1
        w = w * np.where((month == 7) | (month == 8), 0.7, 1.0)
        w = w * np.where((month == 12) & (day_of_month >= 22), 0.35, 1.0)
        w = w * np.where((month == 1) & (day_of_month <= 2), 0.2, 1.0)
        trend = 1.0 + 0.08 * (days - days[0]) / max(1, days[-1] - days[0])  # a going concern: slow growth
        w = w * trend
        return w / w.sum()

    def random_days(self, n: int) -> np.ndarray:
        return self.days[self.rng.choice(len(self.days), size=n, p=self.day_p)]

    # -- reps -----------------------------------------------------------------

    def make_reps(self, n: int) -> None:
        rng = self.rng
        names = list(REP_NAMES[:n])
        if n > len(names):
            taken = set(names)
            pool = [f"{a} {b}" for a in FIRST_NAMES for b in LAST_NAMES if f"{a} {b}" not in taken]
            order = rng.permutation(len(pool))
            extra = [pool[i] for i in order[: n - len(names)]]
            while len(names) + len(extra) < n:  # more reps than names: number the rest
                extra.append(f"{pool[order[len(extra) % len(pool)]]} {len(extra) // len(pool) + 2}")
            names += extra
        self.rep_names = np.array(names, dtype=object)
        # productivity evenly spread (some reps on target, some not) in a random order, except that the first
        # rep is the most productive (the packaged config gives Sanne de Vries a higher action target)
        weight = np.linspace(1.35, 0.65, n)
        self.rep_weight = np.concatenate([weight[:1], weight[1:][rng.permutation(n - 1)]])
        # one new hire in the demo team; a tenth of a bigger team joined during the history
        span = self.end - self.start
        join = np.full(n, self.start, dtype="int64")
        if n >= 2:
            join[n - 1] = self.start + int(span * 0.3)
        if n > len(REP_NAMES):
            later = rng.random(n) < 0.1
            later[0] = False
            join[later] = self.start + (rng.random(later.sum()) * span * 0.8).astype("int64")
        self.rep_join = join

    def pick_reps(self, days: np.ndarray) -> np.ndarray:
        """A rep per date, by productivity, among the reps already employed on that date."""
        rng = self.rng
        p = self.rep_weight / self.rep_weight.sum()
        reps = rng.choice(len(p), size=len(days), p=p)
        founders = np.flatnonzero(self.rep_join <= self.start)
        early = self.rep_join[reps] > days
        if early.any():
            fp = self.rep_weight[founders] / self.rep_weight[founders].sum()
            reps[early] = founders[rng.choice(len(founders), size=int(early.sum()), p=fp)]
        return reps
