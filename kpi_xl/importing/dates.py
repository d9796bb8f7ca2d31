"""Dates in an export's locale, a whole column at a time (each distinct text parsed once, with RE2).

Read forms: ISO ``2026-03-01``, ``2026-03-01 10:00:00``, ``2026-03-01T10:00:00Z`` / ``+01:00`` (the
clock time as written; the offset is dropped), and day and month with ``-`` ``/`` or ``.``:
``01-03-2026``, ``1-3-2026 10:00``, ``3/1/2026 10:00 AM`` (a two-digit year is 20yy; years 1700 to 2199). Spreadsheet
dates (XLSX) arrive typed and are kept.

Which of day and month comes first is decided per column from its values: a first part above 12 means
day-month (dmy), a second part above 12 month-day (mdy). When every value could be either, the
``import: date_order`` of kpi.yaml decides, else the export's default (day-month for a Dutch-headed
export and for the user's own files, month-day for an English HubSpot or Salesforce export, as the
mapping YAML says), and the column gets one note saying it was a guess. A column with both forms is read
in that same default order; the values that do not fit are unreadable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ISO = (r"^\s*(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
       r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?)?"
       r"\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$")
DAY_MONTH = (r"^\s*(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"
             r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<p>[AaPp]\.?[Mm]\.?)?)?\s*$")
ORDERS = ("dmy", "mdy", "ymd")
LOW, HIGH = -8_520_336_000, 7_258_118_400  # 1700-01-01 and 2200-01-01 in seconds since 1970


@dataclass
class DateColumn:
    values: np.ndarray  # datetime64[ns], NaT where empty or unreadable
    bad: np.ndarray  # filled but unreadable
    order: str | None  # the order day-month texts were read in (None: there were none)
    note: str | None = None  # "guessed" (every value either way) or "mixed" (both orders seen)


def parse_dates(column: pa.Array, default_order: str = "dmy", config_order: str | None = None) -> DateColumn:
    """A column of dates (text or typed) → datetime64[ns]."""
    n = len(column)
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        seconds = column.cast(pa.timestamp("s"), safe=False).cast(pa.int64())
        fits = pc.and_(pc.greater_equal(seconds, LOW), pc.less(seconds, HIGH)).fill_null(True)
        values = pc.if_else(fits, column, None).cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
        return DateColumn(values.astype("datetime64[ns]"), ~fits.to_numpy(zero_copy_only=False), None)
    if pa.types.is_null(column.type):
        return DateColumn(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), np.zeros(n, dtype=bool), None)
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    uniques = encoded.dictionary
    parsed, order, note = _parse_texts(uniques, default_order, config_order)
    indices = encoded.indices
    filled = indices.is_valid().to_numpy(zero_copy_only=False)
    codes = indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False).astype(np.intp)
    table = np.append(parsed, np.datetime64("NaT")).astype("datetime64[ns]")
    values = table[codes]
    blank = np.append(_blank(uniques), True)[codes]
    bad = filled & ~blank & np.isnat(values)
    return DateColumn(values, bad, order, note)


def _blank(texts: pa.Array) -> np.ndarray:
    return pc.equal(pc.utf8_trim_whitespace(texts), "").fill_null(True).to_numpy(zero_copy_only=False)


def _parse_texts(texts: pa.Array, default_order: str, config_order: str | None):
    """Each distinct text → a datetime64[ns] (NaT when unreadable), and the day-month order used."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not len(texts):
        return out, None, None
    fast = _strict_iso(texts)  # the common exports' form, in C; the rest by the patterns below
    done = ~np.isnat(fast)
    out[done] = fast[done]
    if done.all():
        return out, None, None
    rest = pa.array(~done)
    iso = pc.extract_regex(pc.if_else(rest, texts, None), ISO)
    iso_ok = iso.is_valid().to_numpy(zero_copy_only=False)
    if iso_ok.any():
        out[iso_ok] = _compose(_parts(iso, iso_ok, ("y", "m", "d", "H", "M", "S")))
    dm = pc.extract_regex(pc.if_else(rest, texts, None), DAY_MONTH)
    dm_ok = dm.is_valid().to_numpy(zero_copy_only=False) & ~iso_ok
    order, note = None, None
    if dm_ok.any():
        parts = _parts(dm, dm_ok, ("a", "b", "y", "H", "M", "S", "p"))
        day_first = bool((parts["a"] > 12).any())
        month_first = bool((parts["b"] > 12).any())
        fallback = config_order if config_order in ("dmy", "mdy") else default_order
        if fallback not in ("dmy", "mdy"):
            fallback = "dmy"
        if day_first and month_first:
            order, note = fallback, "mixed"
        elif day_first or month_first:
            order = "dmy" if day_first else "mdy"
        else:
            order, note = fallback, (None if config_order in ("dmy", "mdy") else "guessed")
        year = parts["y"].where(parts["y"] >= 100, parts["y"] + 2000)
        day, month = (parts["a"], parts["b"]) if order == "dmy" else (parts["b"], parts["a"])
        hour = parts["H"]
        pm = parts["p"].str.lower().str.startswith("p").fillna(False).to_numpy(dtype=bool)
        am = parts["p"].str.lower().str.startswith("a").fillna(False).to_numpy(dtype=bool)
        hour = hour.where(~(am | pm) | (hour.between(1, 12)), np.nan)  # 13 PM is no time
        hour = hour.where(~am | (hour != 12), 0)
        hour = hour.where(~pm | (hour == 12), hour + 12)
        out[dm_ok] = _compose({"y": year, "m": month, "d": day, "H": hour, "M": parts["M"], "S": parts["S"]},
                              time_given=parts["H"].notna().to_numpy())
    return out, order, note


def _strict_iso(texts: pa.Array) -> np.ndarray:
    """``2026-03-01 10:00:00`` and ``2026-03-01`` parsed by Arrow's strptime (NaT for anything else)."""
    out = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[ns]")
    year = r"^(?:1[7-9]|2[01])\d{2}"  # 1700..2199: within datetime64[ns]; other years go the slow way (NaT)
    for form, shape in (("%Y-%m-%d %H:%M:%S", year + r"-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
                        ("%Y-%m-%d", year + r"-\d{2}-\d{2}$")):
        missing = np.isnat(out)
        if not missing.any():
            break
        parsed = pc.strptime(texts, format=form, unit="s", error_is_null=True)
        written_day = pc.utf8_slice_codeunits(texts, 8, 10)
        exact = pc.and_(pc.match_substring_regex(texts, shape),  # 2026-02-31 is not March 3rd
                        pc.equal(pc.cast(pc.day(parsed), pa.string()), pc.utf8_ltrim(written_day, "0")))
        parsed = pc.if_else(exact.fill_null(False), parsed, None)
        values = parsed.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False).astype("datetime64[ns]")
        out[missing] = values[missing]
    return out


def _parts(struct: pa.Array, ok: np.ndarray, names: tuple[str, ...]) -> dict[str, pd.Series]:
    matched = struct.filter(pa.array(ok))
    out = {}
    for name in names:
        field = pc.struct_field(matched, name)
        if name == "p":
            out[name] = pd.Series(field.to_pylist(), dtype=object).replace("", None)
        else:
            numbers = pc.cast(pc.if_else(pc.equal(field, ""), None, field), pa.float64())
            out[name] = pd.Series(numbers.to_numpy(zero_copy_only=False))
    return out


def _compose(parts: dict[str, pd.Series], time_given: np.ndarray | None = None) -> np.ndarray:
    """Year, month, day (and hour, minute, second) → datetime64[ns]; an impossible date (31-02) is NaT."""
    frame = pd.DataFrame({"year": parts["y"], "month": parts["m"], "day": parts["d"],
                          "hour": parts["H"].fillna(0), "minute": parts["M"].fillna(0),
                          "second": parts["S"].fillna(0)})
    if time_given is not None:  # an hour made impossible above (13 PM) makes the date unreadable
        frame.loc[time_given & parts["H"].isna().to_numpy(), "year"] = np.nan
    invalid = ((frame["month"] < 1) | (frame["month"] > 12) | (frame["day"] < 1) | (frame["day"] > 31)
               | (frame["hour"] > 23) | (frame["minute"] > 59) | (frame["second"] > 59) | frame["year"].isna()
               | (frame["year"] < 1700) | (frame["year"] > 2199))  # beyond datetime64[ns] pandas would wrap
    frame = frame.where(~invalid, np.nan)
    frame.loc[invalid, ["year", "month", "day"]] = [2000.0, 1.0, 1.0]
    result = pd.to_datetime(frame.fillna(0).astype("int64"), errors="coerce")
    values = result.to_numpy(dtype="datetime64[ns]")
    values[invalid.to_numpy()] = np.datetime64("NaT")
    return values
