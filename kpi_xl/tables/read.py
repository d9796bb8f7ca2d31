"""Raw cell values (a header row, then data rows, as Excel hands them over) → typed DataFrames.

Every cell that cannot be used becomes a :class:`~kpi_xl.errors.Problem`
naming the table, the Excel row, the column as the user wrote it, the value
and the reason. A missing required column raises :class:`TableError`.

Here: one table from its rows (:func:`read_table`), all tables (:func:`read_tables`) and their
combination (:func:`assemble`). The shared core is in :mod:`kpi_xl.tables.parse`, the conversion of a
column in :mod:`kpi_xl.tables.convert`, the column-by-column read in :mod:`kpi_xl.tables.columns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem, TableError
from kpi_xl.messages import text
from kpi_xl.tables import coerce, spellings
from kpi_xl.tables.columns import TableColumns, read_table_columns
from kpi_xl.tables.convert import Distinct
from kpi_xl.tables.headers import TABLES
from kpi_xl.tables.parse import EVENT_COLUMNS, ROW, ParsedTable, _empty_events, _ensure_columns, _match, _parse

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

TABLE_NAMES = ("Leads", "Activities", "Deals", "Customers")


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
    stage_columns: tuple[str, ...] = ()  # the configured stages with a date column in Deals
    # table → the stage names the config lacks: stage, count, rows (see kpi_xl.tables.stage_check)
    unknown_stages: dict[str, pd.DataFrame] = field(default_factory=dict)


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
    return assemble(parse_tables(raw, settings, first_rows), settings)


def parse_tables(
    raw: dict[str, Sequence[Sequence[object]] | TableColumns | None],
    settings: Settings,
    first_rows: dict[str, int] | None = None,
    parsed: dict[str, ParsedTable] | None = None,
) -> dict[str, ParsedTable]:
    """Each table parsed on its own (before :func:`assemble` combines them); tables already in
    ``parsed`` (from a cache) are kept as they are. Raises one :class:`TableError` for all the tables
    that miss a column."""
    first_rows = first_rows or {}
    parsed = dict(parsed or {})
    errors: list[str] = []
    for name in (*TABLE_NAMES, "StageHistory"):
        if name in parsed:
            continue
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
    return {name: parsed[name] for name in (*TABLE_NAMES, "StageHistory") if name in parsed}


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
        stage_columns=deals.stage_columns,
        unknown_stages={name: t.unknown_stages for name, t in parsed.items() if t.unknown_stages is not None},
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
