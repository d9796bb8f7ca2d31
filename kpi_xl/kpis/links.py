"""Ids that link nowhere: an activity naming a deal or customer that is not in its table.

Such an activity still scores its points (KPI 2), but it cannot count as contact with that deal (sleeping
deals, KPI 4) or that customer (needs attention, KPI 5): each one is listed on Checks, so nothing is
dropped without a line there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem, cut_text
from kpi_xl.tables import ROW

LINKS = (("deal_id", "unknown_deal", "Deals"), ("customer_id", "unknown_customer", "Customers"))


def unlinked_activities(activities: pd.DataFrame, positions: dict[str, np.ndarray], headers: dict[str, str],
                        left_out_ids: dict[str, frozenset], sizes: dict[str, int]) -> list[Problem]:
    """Problems for the activities whose ``deal_id``/``customer_id`` is filled but names no row of that table.

    ``positions[column]``: the position of each activity's deal or customer (-1: empty or unknown);
    ``left_out_ids[table]``: ids of rows left out of that table, listed there already (not again here);
    ``sizes[table]``: its rows (an empty table is one the company does not keep: nothing to link to)."""
    problems = []
    for column, code, table in LINKS:
        if not sizes.get(table):
            continue
        ids = activities[column].to_numpy(dtype=object)
        unknown = (positions[column] < 0) & pd.notna(ids)
        if unknown.any() and left_out_ids.get(table):
            unknown &= ~pd.Series(ids, dtype=object).isin(left_out_ids[table]).to_numpy()
        unknown = np.flatnonzero(unknown)
        header = headers.get(column, column)
        rows = activities[ROW].to_numpy()[unknown].tolist()
        problems += [Problem("Activities", row, header, cut_text(value), code,
                             {column: cut_text(value), "consequence": f"{code}.consequence"})
                     for row, value in zip(rows, ids[unknown].tolist(), strict=True)]
    return sorted(problems, key=lambda p: p.row)
