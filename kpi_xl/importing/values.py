"""CRM values onto the config's names: stages (``settings.stage_lookup``, and the CRM's won/lost words
→ ``settings.won`` / ``settings.lost``), activity types (``settings.activity_lookup``) and owners
(``import: owners:``). A value that does not map is kept as the CRM writes it and listed as
:class:`~kpi_xl.importing.result.Unmapped` (never guessed). Each distinct value is looked up once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.names import name_key


def keyed(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(codes, uniques, keys)``: each value's code (-1 for None), the distinct values and their name keys."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    uniques = np.asarray(uniques, dtype=object)
    keys = np.array([name_key(v) for v in uniques], dtype=object)
    return codes, uniques, keys


def map_names(values: np.ndarray, lookup: dict[str, str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(mapped, unmapped, keys)``: each value as ``lookup`` names it (keyed) else as written; a mask of the
    filled values that did not map; each value's key."""
    codes, uniques, keys = keyed(values)
    mapped_u = np.array([lookup.get(k, v) for k, v in zip(keys, uniques, strict=True)], dtype=object)
    missing_u = np.array([k not in lookup for k in keys], dtype=bool)
    mapped = np.append(mapped_u, None)[codes]
    unmapped = np.append(missing_u, False)[codes]
    return mapped, unmapped, np.append(keys, None)[codes]


def map_coded(codes: np.ndarray, uniques: np.ndarray, lookup: dict[str, str]):
    """:func:`map_names` of a dictionary-encoded column (``uniques`` ends with None: empty)."""
    keys = np.array([None if v is None else name_key(v) for v in uniques], dtype=object)
    mapped = np.array([v if k is None else lookup.get(k, v) for k, v in zip(keys, uniques, strict=True)],
                      dtype=object)
    missing = np.array([k is not None and k not in lookup for k in keys], dtype=bool)
    return mapped[codes], missing[codes], keys[codes]


def word_mask(codes: np.ndarray, uniques: np.ndarray, words: list[str]) -> np.ndarray:
    """Which cells of a dictionary-encoded column are one of ``words`` (keyed)."""
    wanted = {name_key(w) for w in words}
    return np.array([u is not None and name_key(u) in wanted for u in uniques], dtype=bool)[codes]
