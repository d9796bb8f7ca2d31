"""A table handed over column by column (a fast reader's output): :class:`TableColumns` and
:func:`read_table_columns`, typed columns dictionary-encoded instead of a Python object per cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import TableError
from kpi_xl.messages import text
from kpi_xl.tables import coerce
from kpi_xl.tables.convert import Distinct
from kpi_xl.tables.headers import DATE, TABLES
from kpi_xl.tables.parse import ParsedTable, _match, _parse

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings


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


@dataclass
class EncodedColumn:
    """A column as its distinct cells and a code per row: row ``i`` holds ``values[codes[i]]``, a cell as Excel
    hands it over (``""`` for an empty one). What a fast reader gives for a column that mixes kinds of cell
    (dates and text), or that holds an error value: the distinct cells are few, and no Python object is made
    per row."""

    codes: np.ndarray  # intp, one per row
    values: np.ndarray  # object: the distinct cells

    def __len__(self) -> int:
        return len(self.codes)


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


def day_columns(name: str, header: Sequence[object], settings: Settings) -> frozenset[int]:
    """The positions in ``header`` that are parsed as dates (only the day of each cell counts): the table's
    date columns and, in Deals, the stage date columns. Empty when the header does not match."""
    if name not in TABLES:
        return frozenset()
    try:
        matched, stage_columns, _ = _match(name, list(header), settings, 1)
    except TableError:
        return frozenset()
    kinds = {column.name: column.kind for column in TABLES[name]}
    return frozenset(p for p, column in matched.items() if kinds.get(column) == DATE) | frozenset(stage_columns)


def _distinct_column(column, index: pd.RangeIndex) -> Distinct:
    """One column as a :class:`Distinct`: typed columns are dictionary-encoded, object columns as in read_table."""
    import pyarrow as pa  # only the column route needs it

    if isinstance(column, EncodedColumn):
        return Distinct(None, codes=column.codes, values=pd.Series(column.values, dtype=object), index=index)
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
    if pa.types.is_dictionary(kind) and (pa.types.is_string(kind.value_type) or pa.types.is_large_string(
            kind.value_type)):
        return _distinct_column(encode(column), index)  # text already dictionary-encoded by the reader
    if pa.types.is_boolean(kind) or not (pa.types.is_string(kind) or pa.types.is_large_string(kind)
                                         or pa.types.is_floating(kind) or pa.types.is_integer(kind)
                                         or pa.types.is_timestamp(kind) or pa.types.is_date(kind)
                                         or pa.types.is_null(kind)):
        # booleans go cell by cell (True == 1 would merge them with numbers); anything else as objects
        return Distinct(pd.Series([_as_cell(v) for v in column.to_pylist()], index=index, dtype=object))
    return _distinct_column(encode(column), index)


def encode(column) -> EncodedColumn:
    """A typed pyarrow column (dates, numbers, text, booleans, nulls) as distinct cells and codes."""
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_null(column.type):
        return EncodedColumn(np.zeros(len(column), dtype=np.intp), np.array([""], dtype=object))
    encoded = column.dictionary_encode()  # (an encoded column is returned as it is)
    if pa.types.is_string(encoded.type.value_type) or pa.types.is_large_string(encoded.type.value_type):
        uniques = encoded.dictionary.to_pylist()  # text is handed over as it is: no conversion per value
    else:
        uniques = [_as_cell(v) for v in encoded.dictionary.to_pylist()]
    codes = encoded.indices.fill_null(len(uniques)).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = uniques
    values[-1] = ""  # an empty cell, as Excel hands it over
    return EncodedColumn(codes, values)


def _as_cell(value):
    """A typed value as Excel hands the cell over: a date at midnight is a ``date``; None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        return value.date() if value.time() == dt.time(0) else value
    return value
