"""The shared core of both reads: one table's typed frame from its matched columns.

:func:`_match` matches the header (a missing required column raises :class:`~kpi_xl.errors.TableError`);
:func:`_parse` converts the columns, leaves out unusable rows and later duplicates of an id, and turns the
per-stage date columns of Deals into stage events; :func:`_ensure_columns` gives every known column its dtype.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem, TableError
from kpi_xl.messages import text
from kpi_xl.tables import coerce, spellings
from kpi_xl.tables.convert import _coerce_column, _error_problems, _problems, _with_consequence
from kpi_xl.tables.headers import (
    BOOL,
    DATE,
    ID,
    MONEY,
    NUMBER,
    REQUIRED,
    TABLES,
    TEXT,
    match_headers,
    normalize,
    shown_header,
)
from kpi_xl.tables.stage_check import unknown_stages

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

ROW = "_row"  # the Excel row number of each record, kept for messages

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
    stage_columns: tuple[str, ...] = ()  # Deals only: the stages with a date column, in the header's order
    unknown_stages: pd.DataFrame | None = None  # stage names the config lacks (see kpi_xl.tables.stage_check)


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
    unknown = None
    for position, column in columns.items():
        kind = spec[column].kind if column in spec else None
        drops = column in ROW_KEYS[name] or column in DROP_IF_BAD.get(name, ())
        values, column_problems, bad, spelled[column] = _coerce_column(name, column, headers[column],
                                                                       distinct[position], kind, settings, drops)
        frame[column] = values
        problems += column_problems
        if column == "stage":
            unknown = unknown_stages(distinct[position], settings)
        if column in ROW_KEYS[name]:
            blank = values.isna() & ~bad
            problems += _problems(name, headers[column], distinct[position], blank, "required_empty",
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
                       frozenset(left_out), tuple(stage_columns.values()), unknown)


def _match(name: str, header: list[object], settings: Settings, first_row: int):
    """Header positions → columns and stage columns; a missing required column raises TableError.

    The user's own header names (``columns:`` in kpi.yaml) are matched first (see
    :func:`~kpi_xl.tables.headers.match_headers`)."""
    stage_labels = settings.stage_lookup if name == "Deals" else None
    aliases = settings.header_aliases(name)
    columns, stage_columns, duplicates = match_headers(name, header, stage_labels, aliases)
    missing = [c for c in REQUIRED[name] if c not in columns.values()]
    if missing:
        found = ", ".join(f"'{shown_header(h)}'" for h in header if normalize(h)) or "-"
        lines = [text("missing_column", settings.language, table=name, column=c, found=found) for c in missing]
        lines.append(text("missing_column_hint", settings.language, table=name, column=missing[0]))
        raise TableError("\n".join(lines))
    own = {column: {normalize(a) for a in names} for column, names in aliases.items()}
    problems = [
        Problem(name, first_row, other, None, "duplicate_header_own", {"column": kept, "other": other})
        if normalize(kept) in own.get(column, ()) and normalize(other) not in own.get(column, ())
        else Problem(name, first_row, other, None, "duplicate_header", {"column": kept, "other": other})
        for column, kept, other in duplicates
    ]
    return columns, stage_columns, problems


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
            problems += _error_problems(table, shown, column.index[errors.notna()], errors[errors.notna()])
        dates_u, bad_u = coerce.to_dates(column.values.where(errors_u.isna(), None))
        dates, bad = column.spread(dates_u), column.spread(bad_u).astype(bool)
        problems += _problems(table, shown, column, bad, "bad_date")
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
