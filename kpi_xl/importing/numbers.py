"""Amounts and numbers in an export's locale, a whole column at a time (each distinct text parsed once).

Read forms: ``1234.5``, ``1,234.56``, ``1.234,56``, ``€ 1.234``, ``$1,234.00``, ``EUR 1 234,50``,
``-12,5``, ``10 %`` (10). A currency sign or code, a per cent sign and spaces are dropped (the currency of
a deal is its own column).
Which of ``.`` and ``,`` is the decimal separator is decided per column:

* a value with both: the last one is the decimal separator;
* a value with one separator twice or more (``1.234.567``): that one groups thousands;
* a value with one separator once, not followed by exactly three digits (``12,5``, ``1234.56``): decimal;
* when no value says (only ``1.234`` or ``1,234`` forms, or whole numbers): the export's language decides,
  ``,`` decimal for a Dutch-headed export (``1.234`` is a thousand two hundred and thirty-four), ``.`` for
  an English one.

A value that does not fit the column's decision (``1.5`` in a column that groups thousands with ``.``) is
unreadable, never read as something else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NOISE = "[\\s\u00a0\u202f'€$£%]|EUR|USD|GBP|CHF|eur|usd"
_SHAPE = r"^[+-]?[0-9.,]*[0-9][0-9.,]*$"
_DOT_DECIMAL = r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?$"
_COMMA_DECIMAL = r"^[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]*)(?:,[0-9]+)?$"


@dataclass
class NumberColumn:
    values: np.ndarray  # float64, NaN where empty or unreadable
    bad: np.ndarray  # filled but unreadable
    decimal: str | None  # "." or "," (None: the column held no separators to decide on)


def parse_numbers(column: pa.Array, language: str = "en") -> NumberColumn:
    """A column of numbers (text or typed) → float64."""
    n = len(column)
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        return NumberColumn(column.cast(pa.float64()).to_numpy(zero_copy_only=False).astype("float64"),
                            np.zeros(n, dtype=bool), None)
    if pa.types.is_null(column.type):
        return NumberColumn(np.full(n, np.nan), np.zeros(n, dtype=bool), None)
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    uniques = encoded.dictionary
    parsed, blank, decimal = _parse_texts(uniques, language)
    indices = encoded.indices
    filled = indices.is_valid().to_numpy(zero_copy_only=False)
    codes = indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False).astype(np.intp)
    values = np.append(parsed, np.nan)[codes]
    bad = filled & ~np.append(blank, True)[codes] & np.isnan(values)
    return NumberColumn(values, bad, decimal)


def decide_decimal(cleaned: pa.Array, language: str) -> str | None:
    """``"."`` or ``","`` for a column of cleaned texts (digits, signs and separators only)."""
    dots = pc.count_substring(cleaned, ".").to_numpy(zero_copy_only=False)
    commas = pc.count_substring(cleaned, ",").to_numpy(zero_copy_only=False)
    dot_then_3 = pc.match_substring_regex(cleaned, r"\.[0-9]{3}$").to_numpy(zero_copy_only=False)
    comma_then_3 = pc.match_substring_regex(cleaned, r",[0-9]{3}$").to_numpy(zero_copy_only=False)
    last_dot = pc.find_substring_regex(cleaned, r"\.[0-9]*$").to_numpy(zero_copy_only=False)
    last_comma = pc.find_substring_regex(cleaned, r",[0-9]*$").to_numpy(zero_copy_only=False)
    both = (dots > 0) & (commas > 0)
    dot_votes = (both & (last_dot > last_comma)) | ((commas == 0) & ((dots == 1) & ~dot_then_3)) \
        | ((dots == 0) & (commas >= 2))
    comma_votes = (both & (last_comma > last_dot)) | ((dots == 0) & ((commas == 1) & ~comma_then_3)) \
        | ((commas == 0) & (dots >= 2))
    n_dot, n_comma = int(dot_votes.sum()), int(comma_votes.sum())
    if n_dot or n_comma:
        return "." if n_dot >= n_comma else ","
    if not (dots.any() or commas.any()):
        return None
    return "," if language == "nl" else "."


def _parse_texts(texts: pa.Array, language: str):
    cleaned = pc.replace_substring_regex(texts, _NOISE, "")
    blank = pc.equal(cleaned, "").fill_null(True).to_numpy(zero_copy_only=False)
    shaped = pc.match_substring_regex(cleaned, _SHAPE).fill_null(False)
    candidates = pc.filter(cleaned, shaped)
    decimal = decide_decimal(candidates, language) if len(candidates) else None
    fits = pc.and_(shaped, pc.match_substring_regex(cleaned, _COMMA_DECIMAL if decimal == "," else _DOT_DECIMAL))
    fits = fits.fill_null(False)
    thousands = "." if decimal == "," else ","
    plain = pc.replace_substring(cleaned, thousands, "")
    if decimal == ",":
        plain = pc.replace_substring(plain, ",", ".")
    plain = pc.if_else(fits, plain, None)
    plain = pc.if_else(pc.match_substring_regex(plain, r"^[+-]?\.?$").fill_null(False), None, plain)
    values = pc.cast(plain, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")
    return values, blank, decimal
