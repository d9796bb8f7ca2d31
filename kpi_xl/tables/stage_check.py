"""The data's stages against the config's: what ``kpi-xl check`` says about stages.

* :func:`unknown_stages`: the names in a stage column (Deals.stage, StageHistory.stage) that the config
  does not know, each with its number of rows and its first Excel rows; worked out per distinct value
  and with numpy over the rows, never a Python step per row (a table may hold a million rows);
* :func:`stage_report`: those of every table, and the configured stages that have no date anywhere
  (no date column in Deals and no StageHistory table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import cut_text
from kpi_xl.names import name_key
from kpi_xl.tables import coerce, spellings

if TYPE_CHECKING:
    from kpi_xl.config import Settings
    from kpi_xl.tables.convert import Distinct
    from kpi_xl.tables.read import Tables

FIRST_ROWS = 5  # Excel rows shown per unknown stage
UNKNOWN_COLUMNS = ["stage", "count", "rows"]


def no_unknown_stages() -> pd.DataFrame:
    return pd.DataFrame({"stage": pd.Series(dtype=object), "count": pd.Series(dtype="int64"),
                         "rows": pd.Series(dtype=object)})


def unknown_stages(distinct: Distinct, settings: Settings, first: int = FIRST_ROWS) -> pd.DataFrame:
    """The stage names of one column that are not in the config: ``stage`` (as first written), ``count``
    (rows) and ``rows`` (the first ``first`` Excel rows, a tuple), most rows first.

    Names typed two ways (``Demo``, ``demo ``) are one stage (:func:`~kpi_xl.names.name_key`); empty cells
    and Excel error values are not stage names (they are listed as problems of their own)."""
    values = distinct.values
    clean = values.where(coerce.excel_errors(values).isna(), None)
    texts = spellings.blank_invisible(coerce.to_text(clean)).tolist()
    keys = [name_key(t) if isinstance(t, str) else "" for t in texts]
    unknown = np.array([bool(k) and k not in settings.stage_lookup for k in keys], dtype=bool)
    if not unknown.any():
        return no_unknown_stages()
    group_of_value = np.full(len(keys), -1, dtype=np.int64)
    group_of_value[unknown], _ = pd.factorize(np.array(keys, dtype=object)[unknown])
    groups = group_of_value if distinct.codes is None else group_of_value[distinct.codes]
    at = np.flatnonzero(groups >= 0)  # positions of the rows with an unknown stage, top to bottom
    group = groups[at]
    n_groups = int(group.max()) + 1
    counts = np.bincount(group, minlength=n_groups)
    order = np.argsort(group, kind="stable")  # per group, its rows top to bottom
    starts = np.searchsorted(group[order], np.arange(n_groups))
    excel_rows = distinct.index.to_numpy(dtype="int64")[at[order]]
    value_at = at[order][starts] if distinct.codes is None else distinct.codes[at[order][starts]]
    found = pd.DataFrame({
        "stage": [cut_text(texts[v]) for v in value_at.tolist()],
        "count": counts.astype("int64"),
        "rows": [tuple(excel_rows[s:s + min(c, first)].tolist()) for s, c in zip(starts.tolist(), counts.tolist(),
                                                                                 strict=True)],
        "_first": excel_rows[starts],
    })
    found = found.sort_values(["count", "_first"], ascending=[False, True], kind="stable")
    return found[UNKNOWN_COLUMNS].reset_index(drop=True)


@dataclass
class StageReport:
    """What ``kpi-xl check`` says about stages (worded by :func:`kpi_xl.report.console.stage_lines`).

    ``without_dates``: configured stages no date is read for (no date column in Deals and no rows in a
    StageHistory table), in the config's order; ``unknown``: per table (Deals, StageHistory) the stage names the
    config does not know (see :func:`unknown_stages`)."""

    without_dates: list[str] = field(default_factory=list)
    unknown: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.without_dates) or any(len(found) for found in self.unknown.values())


def stage_report(tables: Tables, settings: Settings) -> StageReport:
    """The configured stages without any date, and the stages in the data that the config lacks.

    With a StageHistory table (with rows) every stage can have dates, so none is without. Without one, a stage
    needs its own date column in Deals; the won and the lost stage also take their date from a ``closed``
    column."""
    without: list[str] = []
    if tables.history_source != "table":  # an empty StageHistory table: the dates come from Deals
        closed = "closed" in tables.headers.get("Deals", {})
        outcome = (settings.won, settings.lost)
        without = [stage for stage in settings.stage_names
                   if stage not in tables.stage_columns and not (closed and stage in outcome)]
    unknown = {table: found for table, found in tables.unknown_stages.items() if len(found)}
    return StageReport(without, unknown)
