"""The messy cells of :meth:`SampleCompany.rows` (``messy=True``): text dates and amounts, cells that cannot be read."""

from __future__ import annotations

import numpy as np

from kpi_xl.sample.vocabulary import COLUMNS


def _messy_cells(rng: np.random.Generator, lead_cells: list[list], deal_cells: list[list]) -> None:
    """Readable text dates and amounts, plus a few cells that cannot be read (messy=True, rows only)."""
    created = lead_cells[COLUMNS["Leads"].index("created")]
    n = len(created)
    for i in rng.choice(n, size=min(n, max(1, n // 100)), replace=False):
        day = created[i]
        created[i] = day.strftime("%d-%m-%Y") if i % 3 else f"{day.day} {_MAAND[day.month - 1]} {day.year}"
    if n > 10:
        created[5], created[n - 4] = "gisteren", "31-02-2026"
    value = deal_cells[COLUMNS["Deals"].index("value")]
    m = len(value)
    for i in rng.choice(m, size=min(m, max(1, m // 50)), replace=False):
        if value[i] is not None:
            value[i] = "€ " + f"{value[i]:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if m > 10:
        value[7] = "n.v.t."


_MAAND = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
