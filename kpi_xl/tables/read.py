"""Raw cell values (a header row, then data rows, as Excel hands them over) → typed DataFrames.

Every cell that cannot be used becomes a :class:`~kpi_xl.errors.Problem`
naming the table, the Excel row, the column as the user wrote it, the value
and the reason. A missing required column raises :class:`TableError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import Problem, TableError, cut_text
from kpi_xl.messages import text
from kpi_xl.names import name_key
from kpi_xl.tables import coerce, spellings
from kpi_xl.tables.headers import (
    BOOL, DATE, ID, MONEY, NUMBER, REQUIRED, TABLES, TEXT, match_headers, normalize, shown_header,
)

ROW = "_row"  # the Excel row number of each record, kept for messages
TABLE_NAMES = ("Leads", "Activities", "Deals", "Customers")

# Cells without which a row cannot be used at all: the row is left out.
ROW_KEYS = {
    "Leads": ("lead_id", "created"),
    "Activities": ("date", "type"),
    "Deals": ("deal_id", "created"),
    "Customers": ("customer_id", "since"),
    "StageHistory": ("deal_id", "stage", "date"),
}
# Cells that may be blank, but when filled with something unreadable the row cannot be used:
# a customer whose end date cannot be read might be active or not.
DROP_IF_BAD = {"Customers": ("until",)}
UNIQUE_ID = {"Leads": "lead_id", "Deals": "deal_id", "Customers": "customer_id"}
DISTINCT_MIN_ROWS = 256  # below this, converting cell by cell is as fast
EVENT_COLUMNS = ["deal_id", "stage", "date", ROW, "_column"]


@dataclass
class ParsedTable:
    """One typed table, its problems and the user's header for each column."""

    name: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    stage_dates: pd.DataFrame | None = None  # Deals only: long form of the per-stage date columns
    # the texts of each column matched by name key (see kpi_xl.tables.spellings), left-out rows included
    spelled: dict[str, frozenset[str]] = field(default_factory=dict)
    left_out_ids: frozenset = frozenset()  # ids of the rows left out (listed there): other tables may name them


@dataclass
class Tables:
    """The four tables (and the stage history) ready for the KPIs.

    ``stage_events`` is the stage history in long form (``deal_id``, ``stage``,
    ``date``): from the StageHistory table when there is one, else from the
    per-stage date columns of Deals. ``history_source`` says which.
    """

    leads: pd.DataFrame
    activities: pd.DataFrame
    deals: pd.DataFrame
    customers: pd.DataFrame
    stage_events: pd.DataFrame
    history_source: str | None = None  # "table", "columns" or None
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    left_out_ids: dict[str, frozenset] = field(default_factory=dict)  # table → ids of its left-out rows


def read_table(
    name: str, rows: Sequence[Sequence[object]] | None, settings: Settings, first_row: int = 1
) -> ParsedTable:
    """Parse one table. ``rows[0]`` is the header, in Excel row ``first_row``."""
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    if rows is None:
        raise TableError(text("missing_table", settings.language, table=name))
    if set(map(type, rows)) - {list}:
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in rows]
    if not rows or all(coerce.is_blank(pd.Series(rows[0], dtype=object))):
        raise TableError(text("no_header", settings.language, table=name))
    header = rows[0]
    fixed = coerce.valid_text(np.asarray(header, dtype=object))
    if fixed is not None:
        header = fixed.tolist()
    columns, stage_columns, problems = _match(name, header, settings, first_row)
    width = len(header)
    body = rows[1:]
    if set(map(len, body)) - {width}:
        body = [r[:width] + [None] * (width - len(r)) for r in body]
    raw = pd.DataFrame(body, columns=range(width), dtype=object) if body else pd.DataFrame(columns=range(width), dtype=object)
    raw.index = pd.RangeIndex(first_row + 1, first_row + 1 + len(raw))
    raw = raw.loc[:, [p for p in range(width) if p in columns or p in stage_columns]]
    distinct = {p: Distinct(raw[p]) for p in raw.columns}
    for p, column in distinct.items():  # half a surrogate pair, as Excel can hand over: no pandas step takes it
        if coerce.valid_text(column.values.to_numpy(dtype=object)) is not None:  # looked for once per value
            raw[p] = pd.Series(coerce.valid_text(raw[p].to_numpy(dtype=object)), index=raw.index, dtype=object)
            distinct[p] = Distinct(raw[p])
    return _parse(name, header, columns, stage_columns, problems, distinct, len(raw), first_row, settings)


def _parse(name, header, columns, stage_columns, problems, distinct, n_rows, first_row, settings) -> ParsedTable:
    """The shared core of :func:`read_table` and :func:`read_table_columns`: one Distinct per used column."""
    index = pd.RangeIndex(first_row + 1, first_row + 1 + n_rows)
    if n_rows:
        blank = np.ones(n_rows, dtype=bool)
        # columns of few distinct values first: one without a blank cell settles it cheaply
        for p in sorted(distinct, key=lambda p: distinct[p].codes is None):
            blank &= distinct[p].spread(coerce.is_blank(distinct[p].values)).to_numpy(dtype=bool)
            if not blank.any():
                break
        if blank.any():
            index = index[~blank]
            distinct = {p: d.subset(~blank) for p, d in distinct.items()}

    spec = {c.name: c for c in TABLES[name]}
    headers = {columns[p]: shown_header(header[p]) for p in columns}
    frame = pd.DataFrame(index=index)
    dropped = pd.Series(False, index=index)
    spelled = {}
    for position, column in columns.items():
        kind = spec[column].kind if column in spec else None
        drops = column in ROW_KEYS[name] or column in DROP_IF_BAD.get(name, ())
        values, column_problems, bad, spelled[column] = _coerce_column(name, column, headers[column],
                                                                       distinct[position], kind, settings, drops)
        frame[column] = values
        problems += column_problems
        if column in ROW_KEYS[name]:
            blank = values.isna() & ~bad
            problems += _problems(name, headers[column], distinct[position].raw, blank, "required_empty",
                                  consequence="left_out")
            dropped |= bad | blank
        elif column in DROP_IF_BAD.get(name, ()):
            dropped |= bad
    if UNIQUE_ID.get(name) in frame:  # one id, one spelling: before the stage dates and duplicates use them
        frame[UNIQUE_ID[name]] = spellings.own_ids(frame[UNIQUE_ID[name]])
    stage_dates = None
    if stage_columns:
        stage_dates, stage_problems = _stage_dates(name, distinct, stage_columns, header, frame)
        problems += stage_problems
    if dropped.any():
        dropped_rows = set(index[dropped.to_numpy()].tolist())
        problems = [_left_out(p, dropped_rows, name) for p in problems]

    frame[ROW] = frame.index.to_numpy(dtype="int64")
    id_column = UNIQUE_ID.get(name)
    left_out = set(frame.loc[dropped, id_column].dropna().tolist()) if id_column in frame and dropped.any() else set()
    frame = frame[~dropped]
    # unusable rows go before duplicates are judged: the first *usable* row with an id counts
    if name == "Customers" and "until" in frame and len(frame):
        wrong = frame["until"].notna() & (frame["until"] < frame["since"])
        for row, since, until in zip(frame.loc[wrong, ROW], frame.loc[wrong, "since"], frame.loc[wrong, "until"], strict=True):
            problems.append(Problem(name, int(row), headers.get("until", "until"), until.date(), "until_before_since",
                                    {"since": since.date().isoformat(), "consequence": "left_out"}))
        left_out |= set(frame.loc[wrong, "customer_id"].dropna().tolist())
        frame = frame[~wrong]
    if name in UNIQUE_ID and len(frame):
        frame, duplicate_problems = _drop_duplicate_ids(name, frame, UNIQUE_ID[name], headers)
        problems += duplicate_problems
    if stage_dates is not None:  # only the rows that stay (not a left-out row, not a later duplicate)
        stage_dates = stage_dates[stage_dates[ROW].isin(frame[ROW])].reset_index(drop=True)
    frame = _ensure_columns(name, frame.reset_index(drop=True), typed=True)
    return ParsedTable(name, frame, problems, headers, stage_dates,
                       {column: texts for column, texts in spelled.items() if texts is not None},
                       frozenset(left_out))


def _match(name: str, header: list[object], settings: Settings, first_row: int):
    """Header positions → columns and stage columns; a missing required column raises TableError."""
    stage_labels = settings.stage_lookup if name == "Deals" else None
    columns, stage_columns, duplicates = match_headers(name, header, stage_labels)
    missing = [c for c in REQUIRED[name] if c not in columns.values()]
    if missing:
        found = ", ".join(f"'{shown_header(h)}'" for h in header if normalize(h)) or "-"
        raise TableError(
            "\n".join(text("missing_column", settings.language, table=name, column=c, found=found) for c in missing)
        )
    problems = [
        Problem(name, first_row, other, None, "duplicate_header", {"column": kept, "other": other})
        for _, kept, other in duplicates
    ]
    return columns, stage_columns, problems


@dataclass
class TableColumns:
    """A table handed over column by column (a fast reader's output) instead of as rows.

    ``columns[i]`` holds the cells under ``header[i]``, top to bottom: a
    pyarrow Array/ChunkedArray, a typed numpy array or pandas Series (dates,
    floats, bools, strings), or a sequence of cell values as Excel hands them
    over. An empty cell is null/NaN/NaT (or ``""`` / ``None`` in an object column).
    """

    header: list[object]
    columns: Sequence[object]


def read_table_columns(
    name: str, header: Sequence[object], columns: Sequence[object], settings: Settings, first_row: int = 1
) -> ParsedTable:
    """:func:`read_table` for a table given column by column; the same frame and problems.

    A typed column (one type in every filled cell) is converted per distinct
    value without building a Python object per cell; an object column goes the
    way of :func:`read_table`. Typed cells are shown in problems as Excel hands
    them over (a ``date`` for a date without a time, ``""`` for an empty cell).
    """
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    header = list(header)
    if len(columns) != len(header):
        raise ValueError(f"{name}: {len(header)} headers but {len(columns)} columns")
    if not header or all(coerce.is_blank(pd.Series(header, dtype=object))):
        raise TableError(text("no_header", settings.language, table=name))
    matched, stage_columns, problems = _match(name, header, settings, first_row)
    used = [p for p in range(len(header)) if p in matched or p in stage_columns]
    lengths = {len(columns[p]) for p in used} or {0}
    if len(lengths) != 1:
        raise ValueError(f"{name}: columns of different lengths {sorted(lengths)}")
    n_rows = lengths.pop()
    index = pd.RangeIndex(first_row + 1, first_row + 1 + n_rows)
    distinct = {p: _distinct_column(columns[p], index) for p in used}
    return _parse(name, header, matched, stage_columns, problems, distinct, n_rows, first_row, settings)


def _distinct_column(column, index: pd.RangeIndex) -> Distinct:
    """One column as a :class:`Distinct`: typed columns are dictionary-encoded, object columns as in read_table."""
    import pyarrow as pa  # only the column route needs it

    if isinstance(column, pd.Series):
        column = column.array if column.dtype != object else column.to_numpy(dtype=object)
    if isinstance(column, (list, tuple)) or (isinstance(column, np.ndarray) and column.dtype == object):
        return Distinct(pd.Series(np.asarray(column, dtype=object) if not isinstance(column, np.ndarray) else column,
                                  index=index, dtype=object))
    if not isinstance(column, (pa.Array, pa.ChunkedArray)):
        column = pa.array(column, from_pandas=True)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_boolean(kind) or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)
                                         or pa.types.is_floating(kind) or pa.types.is_integer(kind)
                                         or pa.types.is_timestamp(kind) or pa.types.is_date(kind)
                                         or pa.types.is_null(kind)):
        # booleans go cell by cell (True == 1 would merge them with numbers); anything else as objects
        return Distinct(pd.Series([_as_cell(v) for v in column.to_pylist()], index=index, dtype=object))
    if pa.types.is_null(kind):
        return Distinct(pd.Series([""] * len(column), index=index, dtype=object),
                        codes=np.zeros(len(column), dtype=np.intp), values=pd.Series([""], dtype=object))
    encoded = column.dictionary_encode()
    uniques = [_as_cell(v) for v in encoded.dictionary.to_pylist()]
    codes = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = uniques
    values[-1] = ""  # an empty cell, as Excel hands it over
    raw = pd.Series(values.take(codes), index=index, dtype=object)
    return Distinct(raw, codes=codes, values=pd.Series(values, dtype=object))


def _as_cell(value):
    """A typed value as Excel hands the cell over: a date at midnight is a ``date``; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        return value.date() if value.time() == dt.time(0) else value
    return value


class Distinct:
    """A raw column and its distinct values: conversions run once per distinct value.

    Columns repeat a few values (dates, owners, types, stages) over many rows,
    so converting the distinct values and spreading the results back is what
    keeps parsing a million rows fast. Columns holding booleans are converted
    cell by cell (``True == 1`` would merge them with the number 1), and so are
    columns whose values are mostly distinct (nothing to gain).
    """

    def __init__(self, raw: pd.Series, codes: np.ndarray | None = None, values: pd.Series | None = None):
        self.raw = raw
        if codes is not None:
            self.codes, self.values = codes, values
            return
        self.codes = None
        self.values = raw
        array = raw.to_numpy(dtype=object)
        if len(array) < DISTINCT_MIN_ROWS:
            return
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        if len(uniques) * 2 > len(array):
            return
        # True == 1 and False == 0: factorize may have merged a boolean into a number (or the reverse);
        # only a column holding a 0 or a 1 needs the full look at its types
        if any(type(v) is not str and v in (0, 1) for v in uniques.tolist()):
            kinds = set(map(type, array))
            if bool in kinds or np.bool_ in kinds:
                return
        self.values = pd.Series([*uniques.tolist(), None], dtype=object)
        self.codes = np.where(codes < 0, len(uniques), codes)

    def spread(self, per_value: pd.Series) -> pd.Series:
        """A result per distinct value → a result per row (same dtype)."""
        if self.codes is None:
            return per_value
        if per_value.dtype == object:  # no inference pass over a million cells: the values are known already
            return pd.Series(per_value.to_numpy().take(self.codes), index=self.raw.index, dtype=object)
        return pd.Series(per_value.array.take(self.codes), index=self.raw.index)

    def subset(self, keep: np.ndarray) -> Distinct:
        if self.codes is None:
            return Distinct(self.raw[keep], codes=None, values=self.raw[keep])
        return Distinct(self.raw[keep], codes=self.codes[keep], values=self.values)


def _coerce_column(table, column, header, distinct: Distinct, kind, settings, drops: bool = False):
    """Coerce one raw column by its kind; returns (values, problems, bad mask, spellings seen or None).

    ``drops``: a bad cell in this column leaves its row out, and its problem says so from the start (a
    million bad cells are a million problems: each is made once)."""
    left_out = "left_out" if drops else None
    raw, u = distinct.raw, distinct.values
    spread = distinct.spread
    errors_u = coerce.excel_errors(u)
    has_error_u = errors_u.notna()
    if has_error_u.any():
        has_error = spread(has_error_u).astype(bool)
        problems = _error_problems(table, header, raw.index[has_error], spread(errors_u)[has_error], left_out)
        clean = u.where(~has_error_u, None)
    else:  # the usual case: no error values, nothing to spread
        has_error, problems, clean = pd.Series(False, index=raw.index), [], u
    bad = pd.Series(False, index=raw.index)
    spelled = None
    if kind == DATE:
        values_u, bad_u = coerce.to_dates(clean)
        values, bad = spread(values_u), spread(bad_u).astype(bool)
        problems += _problems(table, header, raw, bad, "bad_date", consequence=left_out)
    elif kind == MONEY:  # the row stays; only its amount is left out, and the user is told so
        problems = [_with_consequence(p, "left_out_of_amounts") for p in problems]
        values_u, bad_u = coerce.to_money(clean)
        values, bad = spread(values_u), spread(bad_u).astype(bool)
        problems += _problems(table, header, raw, bad, "bad_money", consequence="left_out_of_amounts")
        negative = values < 0
        problems += _problems(table, header, raw, negative, "negative_money", consequence="left_out_of_amounts")
        # a sum of such amounts could overflow (1.7e308 + 1.7e308 = inf): no amount in a sales table is that big
        huge = values > coerce.MAX_AMOUNT  # (a negative one is listed as negative)
        problems += _problems(table, header, raw, huge, "amount_too_large", consequence="left_out_of_amounts",
                              limit=f"{coerce.MAX_AMOUNT:,.0f}")
        values = values.where(~negative & ~huge)
        bad = pd.Series(False, index=raw.index)
    elif kind == NUMBER:
        values_u, bad_u = coerce.to_number(clean)
        values = spread(values_u)
        problems += _problems(table, header, raw, spread(bad_u).astype(bool), "bad_number")
    elif kind == BOOL:
        values_u, bad_u = coerce.to_bool(clean)
        values = spread(values_u)
        problems += _problems(table, header, raw, spread(bad_u).astype(bool), "bad_bool")
    elif kind in (ID, TEXT):
        text_u = coerce.to_text(clean)
        if (table, column) in spellings.MATCHED:
            text_u = spellings.blank_invisible(text_u)
            spelled = frozenset(text_u.dropna().tolist())
        if column == "stage":
            # in Deals the deal stays (left out of stage KPIs); in StageHistory the row itself is unusable
            code = "unknown_stage_row" if table == "StageHistory" else "unknown_stage"
            mapped_u, unknown_u = _lookup(text_u, settings.stage_lookup)
            values = spread(mapped_u.astype(object).where(mapped_u.notna(), None))
            bad = spread(unknown_u).astype(bool)
            known = ", ".join(settings.stage_names)
            shown = spread(text_u)
            problems += [Problem(table, int(row), header, cut_text(value), code,
                                 {"stage": cut_text(value), "known": known})
                         for row, value in zip(raw.index[bad], shown[bad], strict=True)]
        elif column == "type" and table == "Activities":
            mapped_u, unknown_u = _lookup(text_u, settings.activity_lookup)
            labels = mapped_u.where(~unknown_u, text_u)  # unknown labels stay: 0 points, listed
            values = spread(labels.astype(object).where(labels.notna(), None))
            unknown = spread(unknown_u).astype(bool)
            problems += [Problem(table, int(row), header, cut_text(value), "unknown_activity_type",
                                 {"type": cut_text(value)})
                         for row, value in zip(raw.index[unknown], values[unknown], strict=True)]
        else:
            values = spread(text_u)
    else:  # an extra column: kept as given (Excel errors removed)
        values = spread(clean)
    return values, problems, bad | has_error, spelled


def _lookup(values: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Labels → canonical names (compared by :func:`~kpi_xl.names.name_key`); and which labels are unknown."""
    keys = pd.Series([name_key(v) if isinstance(v, str) else None for v in values.tolist()], index=values.index,
                     dtype=object)  # object: pandas would copy text into Arrow strings (and refuse a lone surrogate)
    mapped = keys.map(lookup)
    return mapped, values.notna() & mapped.isna()


def _error_problems(table, header, rows, errors, consequence=None):
    """excel_error problems; the value shown is the error as Excel shows it (#N/A, not a COM code)."""
    extra = {"consequence": consequence} if consequence else {}
    return [Problem(table, row, header, err, "excel_error", {"error": err, **extra}) if type(err) is str
            else Problem(table, row, header, str(err), "formula_without_value", extra)
            for row, err in zip(np.asarray(rows).tolist(), errors.tolist(), strict=True)]


def _problems(table, header, raw, mask, code, consequence=None, **params):
    if consequence:
        params["consequence"] = consequence
    mask = np.asarray(mask, dtype=bool)
    return [Problem(table, row, header, cut_text(value), code, params)
            for row, value in zip(raw.index[mask].tolist(), raw.to_numpy(dtype=object)[mask].tolist(), strict=True)]


def _with_consequence(problem: Problem, consequence: str) -> Problem:
    return Problem(problem.table, problem.row, problem.column, problem.value, problem.code,
                   {**problem.params, "consequence": consequence})


def _left_out(problem: Problem, dropped_rows: set[int], table: str) -> Problem:
    """A problem in a row that is left out entirely says so (whatever else its cell alone would cost)."""
    if problem.row in dropped_rows and problem.table == table and problem.params.get("consequence") != "left_out":
        return _with_consequence(problem, "left_out")
    return problem


def _stage_dates(table, distinct, stage_columns, header, frame):
    """Long form (deal_id, stage, date) of the per-stage date columns of Deals."""
    ids = frame["deal_id"].to_numpy(dtype=object) if "deal_id" in frame else np.full(len(frame), None, dtype=object)
    has_id = pd.notna(ids)
    positions, dates_found, columns, problems = [], [], [], []
    stages = np.array(list(stage_columns.values()), dtype=object)
    shown_headers = np.array([shown_header(header[p]) for p in stage_columns], dtype=object)
    for k, position in enumerate(stage_columns):
        shown = shown_headers[k]
        column = distinct[position]
        errors_u = coerce.excel_errors(column.values)
        if errors_u.notna().any():
            errors = column.spread(errors_u)
            problems += _error_problems(table, shown, column.raw.index[errors.notna()], errors[errors.notna()])
        dates_u, bad_u = coerce.to_dates(column.values.where(errors_u.isna(), None))
        dates, bad = column.spread(dates_u), column.spread(bad_u).astype(bool)
        problems += _problems(table, shown, column.raw, bad, "bad_date")
        dates = dates.to_numpy(dtype="datetime64[ns]")
        has = np.flatnonzero(~np.isnat(dates) & has_id)
        positions.append(has)
        dates_found.append(dates[has])
        columns.append(np.full(len(has), k, dtype="int64"))
    if not positions:
        return _empty_events(), problems
    at, k = np.concatenate(positions), np.concatenate(columns)
    events = pd.DataFrame({
        "deal_id": pd.Series(ids[at], dtype=object), "stage": pd.Series(stages[k], dtype=object),
        "date": np.concatenate(dates_found), ROW: frame.index.to_numpy(dtype="int64")[at],
        "_column": pd.Series(shown_headers[k], dtype=object),
    })
    return events[EVENT_COLUMNS], problems


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({"deal_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                         "date": pd.Series(dtype="datetime64[ns]"), ROW: pd.Series(dtype="int64"),
                         "_column": pd.Series(dtype=object)})


def _drop_duplicate_ids(table, frame, id_column, headers):
    duplicated = frame.duplicated(id_column, keep="first")
    if not duplicated.any():
        return frame, []
    first_rows = frame.drop_duplicates(id_column).set_index(id_column)[ROW]
    problems = [
        Problem(table, int(row), headers.get(id_column, id_column), value, "duplicate_id",
                {"column": headers.get(id_column, id_column), "first_row": int(first_rows[value])})
        for row, value in zip(frame.loc[duplicated, ROW], frame.loc[duplicated, id_column], strict=True)
    ]
    return frame[~duplicated], problems


_DTYPES = {ID: object, TEXT: object, DATE: "datetime64[ns]", MONEY: "float64", NUMBER: "float64", BOOL: "boolean"}


def _ensure_columns(name: str, frame: pd.DataFrame, typed: bool = False) -> pd.DataFrame:
    """Every known column exists with its dtype, so the KPIs never check for presence.

    ``typed``: the columns present come from the coercion (their dtype right, None for blanks).
    """
    for column in TABLES[name]:
        dtype = _DTYPES[column.kind]
        if column.name not in frame:
            frame[column.name] = pd.Series(pd.NA if dtype == "boolean" else None, index=frame.index, dtype=dtype)
        elif typed or (frame[column.name].dtype == dtype and dtype != object):
            continue
        if dtype == "datetime64[ns]":
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        elif dtype == object:  # text and ids: object with None for blanks, whatever pandas inferred
            values = frame[column.name].astype(object)
            frame[column.name] = values.where(values.notna(), None)
        else:
            frame[column.name] = frame[column.name].astype(dtype)
    frame[ROW] = frame[ROW].astype("int64") if ROW in frame else pd.Series(dtype="int64")
    return frame


def read_tables(
    raw: dict[str, Sequence[Sequence[object]] | TableColumns | None],
    settings: Settings,
    first_rows: dict[str, int] | None = None,
) -> Tables:
    """Parse Leads, Activities, Deals, Customers and the optional StageHistory.

    ``raw`` maps table names to their rows (header first), or to a
    :class:`TableColumns` (the same table column by column). A table that is
    absent or ``None`` is an error for the four main tables. All problems of
    all tables are collected; a missing column in any table raises one
    :class:`TableError` naming every such table.
    """
    first_rows = first_rows or {}
    parsed: dict[str, ParsedTable] = {}
    errors: list[str] = []
    for name in (*TABLE_NAMES, "StageHistory"):
        rows = raw.get(name)
        if rows is None and name == "StageHistory":
            continue  # optional; any other absent table is reported by read_table
        try:
            if isinstance(rows, TableColumns):
                parsed[name] = read_table_columns(name, rows.header, rows.columns, settings, first_rows.get(name, 1))
            else:
                parsed[name] = read_table(name, rows, settings, first_rows.get(name, 1))
        except TableError as err:
            errors.append(str(err))
    if errors:
        raise TableError("\n".join(errors))
    return assemble(parsed, settings)


def assemble(parsed: dict[str, ParsedTable], settings: Settings) -> Tables:
    """Combine parsed tables: one spelling per name and id, the stage history source, history deal ids."""
    problems = [p for t in parsed.values() for p in t.problems]
    frames = {name: t.frame for name, t in parsed.items()}
    problems += spellings.unify(frames, {name: t.headers for name, t in parsed.items()},
                                {(name, c): texts for name, t in parsed.items() for c, texts in t.spelled.items()})
    deals = parsed["Deals"]
    history = parsed.get("StageHistory")
    if history is not None and len(frames["StageHistory"]):
        events = frames["StageHistory"][["deal_id", "stage", "date", ROW]].copy()
        events["_column"] = history.headers.get("date", "date")
        orphan = ~events["deal_id"].isin(frames["Deals"]["deal_id"])
        unknown = orphan | events["stage"].isna()
        for row, deal in zip(events.loc[orphan, ROW], events.loc[orphan, "deal_id"], strict=True):
            problems.append(Problem("StageHistory", int(row), history.headers.get("deal_id", "deal_id"), deal,
                                    "unknown_deal", {"deal_id": deal, "consequence": "left_out"}))
        events, source = events[~unknown], "table"
    elif deals.stage_dates is not None:
        events, source = deals.stage_dates, "columns"
    else:
        events, source = _empty_events(), None
    events = events.reset_index(drop=True)
    events["date"] = pd.to_datetime(events["date"]).astype("datetime64[ns]")
    for column in ("deal_id", "stage", "_column"):
        events[column] = events[column].astype(object)
    events[ROW] = events[ROW].astype("int64")
    return Tables(
        leads=frames["Leads"],
        activities=frames["Activities"],
        deals=frames["Deals"],
        customers=frames["Customers"],
        stage_events=events,
        history_source=source,
        problems=problems,
        headers={name: t.headers for name, t in parsed.items()},
        left_out_ids={name: t.left_out_ids for name, t in parsed.items()},
    )


def tables_from_frames(
    leads: pd.DataFrame,
    activities: pd.DataFrame,
    deals: pd.DataFrame,
    customers: pd.DataFrame,
    stage_events: pd.DataFrame | None = None,
) -> Tables:
    """Wrap already-typed DataFrames (canonical columns) as :class:`Tables`, e.g. for benchmarks."""
    frames = {}
    for name, frame in (("Leads", leads), ("Activities", activities), ("Deals", deals), ("Customers", customers)):
        frame = frame.copy()
        if ROW not in frame:
            frame[ROW] = np.arange(2, len(frame) + 2, dtype="int64")
        frames[name] = _ensure_columns(name, frame)
    events = _empty_events() if stage_events is None else stage_events.copy()
    for column in EVENT_COLUMNS:
        if column not in events:
            events[column] = 0 if column == ROW else None
    return Tables(frames["Leads"], frames["Activities"], frames["Deals"], frames["Customers"],
                  events[EVENT_COLUMNS], "columns" if stage_events is not None else None)
