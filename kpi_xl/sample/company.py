"""The result of :func:`~kpi_xl.sample.generate`: the :class:`SampleCompany` with its typed tables, its stage
history and the rows as Excel hands them over."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.sample.messy import _messy_cells
from kpi_xl.sample.vocabulary import COLUMNS, DUTCH_HEADERS


@dataclass
class SampleCompany:
    """The generated tables, typed, plus ways to hand them over (:meth:`frames`, :meth:`rows`)."""

    settings: Settings
    seed: int
    end_month: str  # "2026-10": the last month of the history
    start: pd.Timestamp  # first day of the history
    end: pd.Timestamp  # last day of the history
    messy: bool
    reps: list[str]
    leads: pd.DataFrame
    activities: pd.DataFrame
    deals: pd.DataFrame
    customers: pd.DataFrame
    stage_dates: pd.DataFrame  # one datetime column per configured stage, aligned with ``deals``
    reentries: pd.DataFrame = field(repr=False)  # deal_id, stage, date: extra entries of the stage history
    activity_labels: np.ndarray = field(repr=False)  # the type as written, aligned with ``activities``

    def __repr__(self) -> str:
        return (f"SampleCompany(seed={self.seed}, {self.start:%Y-%m}..{self.end_month}, reps={len(self.reps)}, "
                f"leads={len(self.leads)}, activities={len(self.activities)}, deals={len(self.deals)}, "
                f"customers={len(self.customers)}, messy={self.messy})")

    # -- typed ----------------------------------------------------------------

    def stage_events(self) -> pd.DataFrame:
        """The per-stage date columns in long form: deal_id, stage, date, _row, _column (as read_tables makes it)."""
        parts = []
        deal_ids = self.deals["deal_id"].to_numpy(dtype=object)
        rows = np.arange(2, len(self.deals) + 2, dtype="int64")
        for stage in self.settings.stage_names:
            dates = self.stage_dates[stage]
            has = dates.notna().to_numpy()
            parts.append(pd.DataFrame({
                "deal_id": pd.Series(deal_ids[has], dtype=object), "stage": pd.Series(stage, index=range(has.sum()),
                                                                                     dtype=object),
                "date": dates.to_numpy()[has], "_row": rows[has],
                "_column": pd.Series(stage, index=range(has.sum()), dtype=object),
            }))
        return pd.concat(parts, ignore_index=True)

    def stage_history(self) -> pd.DataFrame:
        """The stage history as a StageHistory table would hold it: deal_id, stage, date, sorted by deal and date,
        with the re-entries (Offerte → Onderhandeling → Offerte → Onderhandeling) of a few deals."""
        events = self.stage_events()[["deal_id", "stage", "date"]]
        order = events["stage"].map(self.settings.stage_order)
        events = events.assign(_order=order, _re=0)
        extra = self.reentries.assign(_order=self.reentries["stage"].map(self.settings.stage_order), _re=1)
        history = pd.concat([events, extra], ignore_index=True)
        # same-day entries in the configured order, except a re-entry that goes back
        history = history.sort_values(["deal_id", "date", "_re", "_order"], kind="stable")
        return history[["deal_id", "stage", "date"]].reset_index(drop=True)

    def frames(self, history: bool = False) -> dict[str, pd.DataFrame]:
        """Typed DataFrames with the canonical columns, ready for ``tables_from_frames(**company.frames())``.

        ``stage_events`` is the long form of the per-stage date columns; with
        ``history=True`` it is :meth:`stage_history` (with re-entries): then use
        :meth:`tables`, which marks the events as a StageHistory table.
        """
        if history:
            events = self.stage_history()
            events["_row"] = np.arange(2, len(events) + 2, dtype="int64")
            events["_column"] = pd.Series("date", index=events.index, dtype=object)
        else:
            events = self.stage_events()
        return {"leads": self.leads.copy(), "activities": self.activities.copy(), "deals": self.deals.copy(),
                "customers": self.customers.copy(), "stage_events": events}

    def tables(self, history: bool = False):
        """:class:`~kpi_xl.tables.Tables` straight from the typed frames (no cell parsing)."""
        from kpi_xl.tables import tables_from_frames

        tables = tables_from_frames(**self.frames(history=history))
        if history:
            tables.history_source = "table"
        return tables

    # -- as Excel hands it over -----------------------------------------------

    def rows(self, history: bool = False, headers: str = "en") -> dict[str, list[list[object]]]:
        """Each table as Excel hands it over: a header row, then ``datetime``, ``float``, ``str`` or ``None`` cells.

        Deals get one date column per configured stage, named like the stage.
        ``history=True`` adds the StageHistory table (with re-entries).
        ``headers="nl"`` writes Dutch headers (``Eigenaar``, ``Waarde``, ``Eerste contact``, ...).
        """
        if headers not in ("en", "nl"):
            raise ValueError("headers must be 'en' or 'nl'")
        rng = np.random.default_rng([self.seed, 99])

        def head(table: str, columns: list[str]) -> list[str]:
            names = DUTCH_HEADERS[table] if headers == "nl" else {}
            return [names.get(c, c) for c in columns]

        out: dict[str, list[list[object]]] = {}
        leads = self.leads.copy()
        leads["qualified"] = leads["qualified"].map({True: "ja", False: "nee"}).astype(object)
        lead_cells = _cells(leads, COLUMNS["Leads"])
        deal_cells = _cells(self.deals, COLUMNS["Deals"]) + _cells(self.stage_dates, self.settings.stage_names)
        activity_frame = self.activities.assign(type=pd.Series(self.activity_labels, index=self.activities.index,
                                                               dtype=object))
        activity_cells = _cells(activity_frame, COLUMNS["Activities"])
        customer_cells = _cells(self.customers, COLUMNS["Customers"])
        if self.messy:
            _messy_cells(rng, lead_cells, deal_cells)
        out["Leads"] = [head("Leads", COLUMNS["Leads"]), *map(list, zip(*lead_cells, strict=True))]
        out["Activities"] = [head("Activities", COLUMNS["Activities"]),
                             *map(list, zip(*activity_cells, strict=True))]
        out["Deals"] = [head("Deals", COLUMNS["Deals"]) + list(self.settings.stage_names),
                        *map(list, zip(*deal_cells, strict=True))]
        out["Customers"] = [head("Customers", COLUMNS["Customers"]), *map(list, zip(*customer_cells, strict=True))]
        if self.messy:
            if len(out["Leads"]) > 3:
                out["Leads"].append(list(out["Leads"][2]))  # a lead id given twice
            if len(out["Activities"]) > 10:
                out["Activities"].insert(len(out["Activities"]) // 2, [None] * len(COLUMNS["Activities"]))
        if history:
            events = self.stage_history()
            out["StageHistory"] = [head("StageHistory", ["deal_id", "stage", "date"]),
                                   *map(list, zip(*_cells(events, ["deal_id", "stage", "date"]), strict=True))]
        return out


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    """Column-wise Python values: datetime for dates, float for numbers, str, None for blanks."""
    out = []
    for column in columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            cells = values.to_numpy(dtype="datetime64[us]").astype(object).tolist()
        elif pd.api.types.is_float_dtype(values):
            cells = [None if v != v else v for v in values.to_numpy(dtype="float64").tolist()]
        else:
            cells = [None if v is None or v is pd.NA or v != v else v for v in values.to_numpy(dtype=object).tolist()]
        out.append(cells)
    return out
