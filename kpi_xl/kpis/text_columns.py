"""Text columns kept as plain Python objects.

pandas 3 turns an object array of texts into an Arrow string column when it builds a frame or a series
from it: a copy of every value (0.1 s per million rows), made again for each column the KPIs derive. The
tables' text columns are objects (``str`` and None); what the KPIs build from them stays so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def objects(values: np.ndarray | pd.Series, index: pd.Index | None = None) -> pd.Series:
    """``values`` as an object column (no copy of the texts), on ``index`` when given (a series: its own
    positions, else 0, 1, ...). A series given shares its data copy-on-write: writing into the result
    leaves the table it came from as it was."""
    if isinstance(values, pd.Series):
        column = values if values.dtype == object else values.astype(object)
        return column.set_axis(index) if index is not None else column.reset_index(drop=True)
    return pd.Series(values, index=index, dtype=object, copy=False)
