"""Turn raw Excel cell values into typed pandas columns, vectorised.

Each ``to_*`` function takes an object Series of raw values (``datetime``,
``float``, ``int``, ``str``, ``bool``, ``None`` or an Excel error) and returns
``(typed, bad)``: the typed Series (NaN/NaT where a cell is empty or bad) and
a boolean mask of the cells that held something that could not be read.
Empty cells are never "bad"; bad cells are never silently turned into 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_xl.error_values import EXCEL_ERROR_CODES, EXCEL_ERRORS

# The largest amount a sales table can hold (a thousand trillion): larger ones are reported and left out of
# the amounts, so that no sum of up to a million of them comes near overflowing a float (1.8e308)
MAX_AMOUNT = 1e15
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Dates are kept as datetime64[ns]: Excel's first day up to the last whole month pandas can hold.
# Anything outside (year 1500, 9999-12-31) is a typing mistake in a sales table and is reported.
MIN_DATE = pd.Timestamp("1900-01-01")
# pandas holds days up to 2262-04-11; the last whole month it holds ends on 2262-03-31, and a report
# month must end inside what pandas holds (see kpi_xl.periods.LAST_MONTH)
MAX_DATE = pd.Timestamp("2262-03-31")
MIN_SERIAL, MAX_SERIAL = 1, (MAX_DATE.date() - EXCEL_EPOCH.date()).days  # 1900-01-01 .. 2262-03-31
LOTUS_LEAP_DAY = 60  # Excel's serial 60 is 1900-02-29, a day that never was
NUMERIC_TYPES = (int, float, np.int64, np.float64, np.int32, np.float32)
STAMP_TYPES = (dt.datetime, pd.Timestamp, dt.date, np.datetime64)
# Exact types (``type(v) in ...``): bool is a subclass of int but is not a number here.
_NUMERIC_KINDS = frozenset(NUMERIC_TYPES)
_FLOAT_KINDS = frozenset((float, np.float64, np.float32))
_INT_KINDS = frozenset((int, np.int64, np.int32))
_STAMP_KINDS = frozenset(STAMP_TYPES)

MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "february": 2, "mrt": 3, "maart": 3,
    "mar": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7, "aug": 8, "augustus": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
_MONTH_RE = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?\s+(\d{4})$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")

TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x", "qualified", "gekwalificeerd"})
FALSE_WORDS = frozenset({"nee", "n", "no", "false", "onwaar", "0", "niet gekwalificeerd", "not qualified"})


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A formula cell that holds no calculated value (as scripts and openpyxl write them): the readers see
    it as empty. The sheet scan puts this in its place, so it is reported instead of read as a blank."""

    formula: str

    def __str__(self) -> str:
        return "=" + self.formula if self.formula else "=…"


def is_blank(series: pd.Series) -> pd.Series:
    """None, NaN or whitespace-only text."""
    values = series.to_numpy(dtype=object)
    empty_text = np.fromiter((type(v) is str and not v.strip() for v in values), dtype=bool, count=len(values))
    return pd.Series(pd.isna(values) | empty_text, index=series.index)


def excel_errors(series: pd.Series) -> pd.Series:
    """The Excel error text of each cell (``'#N/A'``), or None: cells holding an error value."""
    # every error text holds a '#': most text is ruled out by that one test
    return pd.Series([None if type(v) is str and "#" not in v else _error_of(v) for v in series.to_numpy(dtype=object)],
                     index=series.index, dtype=object)


def _error_of(value) -> str | FormulaWithoutValue | None:
    kind = type(value)
    if kind is FormulaWithoutValue:
        return value
    if kind is str:
        shown = value.strip().upper()
        return shown if shown in EXCEL_ERRORS else None
    if kind in _NUMERIC_KINDS and value == value:
        return EXCEL_ERROR_CODES.get(value)
    return None


def to_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates (day precision) from Excel dates, serial numbers or text such as ``31-03-2026``."""
    values = series.to_numpy(dtype=object)
    if set(map(type, values)) <= {dt.datetime, type(None)}:  # a date column as Excel hands it over: the usual case
        days = [None if v is None else _as_datetime(v) for v in values]
        bad = np.fromiter((d is None and v is not None for v, d in zip(values, days, strict=True)), dtype=bool,
                          count=len(values))
        return (pd.Series(np.array(days, dtype="datetime64[ns]"), index=series.index),
                pd.Series(bad, index=series.index))
    result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    bad = pd.Series(False, index=series.index)
    kinds = series.map(type)
    blank = is_blank(series)

    stamp = kinds.isin(STAMP_TYPES) & ~blank
    if stamp.any():
        days = series[stamp].map(_as_datetime)
        result[stamp] = pd.to_datetime(days).astype("datetime64[ns]")
        bad[stamp] = days.isna().to_numpy()

    numeric = kinds.isin(NUMERIC_TYPES) & ~blank
    if numeric.any():
        result[numeric], bad_numbers = _from_serial(as_float(series[numeric]))
        bad[numeric] = bad_numbers.to_numpy()

    text = kinds.eq(str) & ~blank
    if text.any():
        parsed = _parse_date_text(series[text].astype(str))
        result[text] = parsed
        bad[text] = parsed.isna().to_numpy()

    other = ~(stamp | numeric | text | blank)
    bad |= other
    return result, bad


def _as_datetime(value) -> dt.datetime | None:
    """The day of a date/datetime cell (time and time zone dropped); None when out of range."""
    if isinstance(value, np.datetime64):
        try:
            value = pd.Timestamp(value)
        except (ValueError, OverflowError):
            return None
        if value is pd.NaT:
            return None
    day = dt.datetime(value.year, value.month, value.day)
    return day if _MIN_DAY <= day <= _MAX_DAY else None


_MIN_DAY, _MAX_DAY = MIN_DATE.to_pydatetime(), MAX_DATE.to_pydatetime()  # plain datetimes compare fastest


def as_float(values: pd.Series) -> pd.Series:
    """Numbers as float64; an int too large for a float becomes ±inf instead of raising."""
    try:
        return values.astype("float64")
    except OverflowError:
        return values.map(_float_or_inf).astype("float64")


def _float_or_inf(value) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _from_serial(numbers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Excel serial day numbers (the time part dropped); serials before 1900-03-01 follow Excel's 1900 calendar."""
    whole = np.floor(numbers)
    ok = numbers.between(MIN_SERIAL, MAX_SERIAL + 0.999999) & whole.ne(LOTUS_LEAP_DAY)
    days = whole.where(ok, 0).astype("int64")
    days = days + (days < LOTUS_LEAP_DAY).astype("int64")  # Excel counts a 1900-02-29 that never was
    # in whole days: the span from 1899 to 2262 is too long for a nanosecond Timedelta
    stamps = np.datetime64("1899-12-30", "D") + days.to_numpy().astype("timedelta64[D]")
    dates = pd.Series(stamps.astype("datetime64[ns]"), index=numbers.index).where(ok)
    return dates, ~ok


def _parse_date_text(text: pd.Series) -> pd.Series:
    cleaned = text.str.strip()
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    # ISO with a time part, as CSV exports write it
    cleaned = cleaned.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", r"\1", regex=True)
    todo = pd.Series(True, index=text.index)
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = _in_range(pd.to_datetime(cleaned[todo], format=fmt, errors="coerce"))
        got = parsed.notna()
        out[parsed.index[got]] = parsed[got]
        todo[parsed.index[got]] = False
    if todo.any():
        rest = cleaned[todo]
        digits = rest.str.fullmatch(r"\d{5}(\.\d+)?")
        if digits.any():
            serial, _ = _from_serial(rest[digits].astype(float))
            out[serial.index] = serial
            todo[serial.index[serial.notna()]] = False
    if todo.any():
        named = cleaned[todo].str.casefold().map(_parse_month_name)
        out[named.index] = _in_range(pd.to_datetime(named, errors="coerce"))
    return out


def _in_range(parsed: pd.Series) -> pd.Series:
    """Parsed dates outside MIN_DATE..MAX_DATE become NaT (so they are reported), as datetime64[ns]."""
    inside = parsed.notna() & (parsed >= MIN_DATE) & (parsed <= MAX_DATE)
    out = pd.Series(pd.NaT, index=parsed.index, dtype="datetime64[ns]")
    if inside.any():
        out[inside] = parsed[inside].astype("datetime64[ns]")
    return out


def _parse_month_name(text: str):
    """``31 mrt 2026`` / ``31 maart 2026`` / ``31 Mar 2026`` → datetime, else None."""
    match = _MONTH_RE.match(text)
    if not match:
        return None
    month = MONTHS.get(match.group(2))
    if month is None:
        return None
    try:
        day = dt.datetime(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
    return day if _MIN_DAY <= day <= _MAX_DAY else None


_MONEY_STRIP = re.compile(r"[€$£\s\u00a0']|eur(o)?|usd", re.IGNORECASE)


def to_money(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts from numbers or text such as ``€ 1.234,56``, ``1,234.56``, ``12k``."""
    return _to_float(series, money=True)


def to_number(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Plain numbers (e.g. employees) from numbers or text."""
    return _to_float(series, money=False)


def _to_float(series: pd.Series, money: bool) -> tuple[pd.Series, pd.Series]:
    result = pd.Series(np.nan, index=series.index, dtype="float64")
    bad = pd.Series(False, index=series.index)
    kinds = series.map(type)
    blank = is_blank(series)
    numeric = kinds.isin(NUMERIC_TYPES)
    if numeric.any():
        values = as_float(series[numeric])
        result[numeric] = values
        bad[numeric] = ~np.isfinite(values.to_numpy()) & values.notna().to_numpy()
    text = kinds.eq(str) & ~blank
    if text.any():
        parsed = series[text].astype(str).map(parse_amount)
        result[text] = parsed.astype(float)
        bad[text] = parsed.isna().to_numpy()
    bad |= ~(numeric | text | blank)
    result[bad] = np.nan
    return result, bad


def parse_amount(text: str) -> float | None:
    """One amount written as text; None when it is not an amount.

    With both ``.`` and ``,`` the last one is the decimal mark. With only one
    of them, groups of exactly three digits after it (``1.234``, ``1,234,567``)
    are thousands; otherwise it is the decimal mark (``12,5``, ``12.50``).
    Suffixes ``k`` (thousand) and ``m``/``mln`` (million) are understood.
    """
    raw = _MONEY_STRIP.sub("", text.strip())
    negative = False
    if raw.startswith("(") and raw.endswith(")"):
        negative, raw = True, raw[1:-1]
    if raw.startswith("-"):
        negative, raw = not negative, raw[1:]
    elif raw.startswith("+"):
        raw = raw[1:]
    if raw.endswith((",-", ".-")):  # "1.234,-" (Dutch for a round amount)
        raw = raw[:-2]
    elif raw.endswith("-"):  # "100-": a negative amount as accounting exports write it
        negative, raw = not negative, raw[:-1]
    factor = 1.0
    lower = raw.casefold()
    for suffix, mult in (("mln", 1e6), ("m", 1e6), ("k", 1e3), ("dzd", 1e3)):
        if lower.endswith(suffix):
            factor, raw = mult, raw[: -len(suffix)]
            break
    if not raw or not re.fullmatch(r"[\d.,]+", raw) or not raw[0].isdigit():
        return None
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})*(\{decimal}\d+)?", raw):
            return None
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif "," in raw or "." in raw:
        mark = "," if "," in raw else "."
        parts = raw.split(mark)
        if len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3 and factor == 1.0):
            if not re.fullmatch(rf"\d{{1,3}}(\{mark}\d{{3}})+", raw):
                return None
            raw = raw.replace(mark, "")
        else:
            raw = raw.replace(mark, ".")
    try:
        value = float(raw) * factor
    except ValueError:
        return None
    return -value if negative else value


def to_bool(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """yes/no cells (``ja``/``nee``, ``true``/``false``, ``1``/``0``, Excel TRUE/FALSE) → boolean."""
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    blank = is_blank(series)
    kinds = series.map(type)
    is_bool = kinds.isin((bool, np.bool_))
    result[is_bool] = series[is_bool].astype(bool)
    numeric = kinds.isin(NUMERIC_TYPES) & ~is_bool & ~blank
    nums = as_float(series[numeric])
    result[nums.index[nums.eq(1)]] = True
    result[nums.index[nums.eq(0)]] = False
    text = kinds.eq(str) & ~blank
    words = series[text].astype(str).str.strip().str.casefold()
    result[words.index[words.isin(TRUE_WORDS)]] = True
    result[words.index[words.isin(FALSE_WORDS)]] = False
    bad = result.isna() & ~blank
    return result, bad.astype(bool)


def to_text(series: pd.Series) -> pd.Series:
    """Trimmed text; ids typed as numbers lose their ``.0``; blanks become None."""
    values = series.to_numpy(dtype=object)
    return pd.Series([(v.strip() or None) if type(v) is str else _text_of(v) for v in values],
                     index=series.index, dtype=object)


def _text_of(value) -> str | None:
    """One non-text cell as text: ``12.0`` → ``'12'``, a date → ``'2026-03-31'``, empty → None."""
    kind = type(value)
    if value is None:
        return None
    if kind in _FLOAT_KINDS:
        number = float(value)
        if number != number:
            return None
        # int() rather than astype("int64"): an id of 1e20 must not wrap round to a negative number
        shown = str(int(number)) if math.isfinite(number) and number == math.floor(number) else repr(number)
    elif kind in _INT_KINDS:
        shown = str(value)
    elif kind in _STAMP_KINDS:
        if pd.isna(value):
            return None
        shown = (pd.Timestamp(value) if kind is np.datetime64 else value).strftime("%Y-%m-%d")
    else:
        try:
            if pd.isna(value):
                return None
        except (TypeError, ValueError):  # not a scalar pandas can judge: shown as it is
            pass
        shown = str(value)
    return shown.strip() or None


def per_unique(series: pd.Series, convert) -> pd.Series:
    """Apply ``convert`` (Series → Series) to the distinct values only and spread the result back.

    Columns such as industry or region repeat a handful of values over
    hundreds of thousands of rows; converting each distinct value once is
    what keeps text handling fast.
    """
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    converted = convert(pd.Series(np.asarray(uniques, dtype=object), dtype=object)).to_numpy(dtype=object)
    out = np.empty(len(series), dtype=object)
    present = codes >= 0
    out[present] = converted[codes[present]]
    out[~present] = None
    return pd.Series(out, index=series.index, dtype=object)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(values: np.ndarray) -> np.ndarray | None:
    """``values`` with every lone surrogate in a text replaced by U+FFFD, or None when there is none.

    Excel keeps text as UTF-16 and lets a cell hold half of a surrogate pair (a broken paste); through
    COM (the Refresh button, the worksheet functions) it arrives as a Python string that no UTF-8
    step can take: pandas' Arrow strings, the terminal and the file would refuse it with a traceback.
    The half character shows as nothing in Excel either, so it is replaced by U+FFFD (the sign for a
    character that could not be read) and the rest of the text is kept. The check is one join and one
    encode over the column (text read from a file is always valid: only Excel's own values need it).
    """
    try:
        joined = "\x00".join(values.tolist())
    except TypeError:  # not all text: look at the texts only
        joined = "\x00".join([v for v in values.tolist() if type(v) is str])
    try:
        joined.encode("utf-8")
        return None
    except UnicodeEncodeError:
        pass
    return np.array([_LONE_SURROGATE.sub("\ufffd", v) if type(v) is str else v for v in values.tolist()],
                    dtype=object)
