"""From the generator's integer arrays to DataFrame columns: days to datetimes, row numbers to ids, object Series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.sample.vocabulary import NO_DAY


def _to_datetime(days: np.ndarray) -> np.ndarray:
    """Integer days (``NO_DAY`` = empty) → datetime64[ns] with NaT."""
    days = np.asarray(days, dtype="int64")
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[days == NO_DAY] = np.datetime64("NaT")
    return out


def _ids(prefix: str, n: int) -> np.ndarray:
    """``L00001``, ``L00002``, ... as an object array."""
    width = max(5, len(str(n)))
    if n == 0:
        return np.zeros(0, dtype=object)
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype("U"), width)).astype(object)


def _take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values[rows]`` as an object array, None where the row is -1."""
    return np.append(np.asarray(values, dtype=object), None)[rows]


def _obj(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype=object)
