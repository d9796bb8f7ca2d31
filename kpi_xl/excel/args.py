"""Worksheet-function arguments the way Excel users write them.

A table argument may be ``Deals`` (an Excel Table's data body, without its
header), ``Deals[#All]`` or a plain range with a header row. For the data
body the header is the row right above the range. Inside Excel the argument
arrives as an xlwings ``Range`` (so the row above can be read); in tests and
other callers it may also be a list of rows that starts with the header.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from kpi_xl.errors import KpiError
from kpi_xl.periods import month_input
from kpi_xl.tables.headers import TABLES, normalize


def _rows(value) -> list[list[object]]:
    """Any cell value(s) → a list of rows."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], list) and isinstance(value[-1], list) and isinstance(value, list):
            return value  # already rows (what Excel hands over): no copy of a 100,000-row table
        if value and all(isinstance(v, (list, tuple)) for v in value):
            return [list(v) for v in value]
        return [list(value)]
    return [[value]]


def looks_like_header(row: Sequence[object], table: str,
                      aliases: Mapping[str, Iterable[str]] | None = None) -> bool:
    """True when ``row`` holds the table's required columns (by name, alias or the user's own ``aliases``,
    ``columns:`` in kpi.yaml)."""
    keys = {normalize(v) for v in row if isinstance(v, str)}
    if not keys:
        return False
    aliases = aliases or {}
    spec = [c for c in TABLES[table] if c.required]
    hits = sum(1 for c in spec if any(normalize(a) in keys for a in (c.name, *c.aliases, *aliases.get(c.name, ()))))
    return hits >= max(1, len(spec) - 1)


def table_rows(arg, table: str, aliases: Mapping[str, Iterable[str]] | None = None) -> tuple[list[list[object]], int]:
    """The rows of a table argument, header first, and the Excel row number of the header; ``aliases``:
    the user's own header names (:meth:`~kpi_xl.config.Settings.header_aliases`)."""
    if hasattr(arg, "options") and hasattr(arg, "offset"):  # an xlwings Range
        rows = _rows(arg.options(ndim=2).value)
        first_row = getattr(arg, "row", 1)
        if rows and looks_like_header(rows[0], table, aliases):
            return rows, first_row
        if first_row <= 1:
            raise KpiError(f"{table}: no header row found above or in the range")
        header_range = arg.offset(-1, 0).resize(1, arg.columns.count)
        header = _rows(header_range.options(ndim=2).value)
        return header[:1] + rows, first_row - 1
    rows = _rows(arg)
    return rows, 1


month_arg = month_input  # an Excel date, a serial number, "2026-10" or nothing


def date_arg(value) -> dt.date | None:
    """An Excel date (datetime), a serial number or ISO text → a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=int(value))).date()
        except (OverflowError, ValueError):  # beyond 9999-12-31, NaN or infinite
            raise KpiError(f"{value} is not a date; use an Excel date or 2026-10-31") from None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise KpiError(f"'{value}' is not a date; use an Excel date or 2026-10-31") from None


def bool_arg(value, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, str):
        return value.strip().casefold() in {"ja", "yes", "true", "waar", "1", "j", "y"}
    return bool(value)


MAX_MONTHS = 1200  # a window of a hundred years: anything longer is a typing mistake


def int_arg(value, default: int, maximum: int = 1_000_000) -> int:
    """A whole number from 1 to ``maximum`` (a number of months, a top-N); empty gives ``default``."""
    if value is None or value == "":
        return default
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        number = None
    if number is None or not 1 <= number <= maximum:
        dutch = f"{maximum:,}".replace(",", ".")
        raise KpiError(f"'{value}': moet een heel getal van 1 t/m {dutch} zijn / "
                       f"must be a whole number from 1 to {maximum:,}")
    return number


def text_arg(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
