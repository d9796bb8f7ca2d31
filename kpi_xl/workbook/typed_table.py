"""One Excel Table read column by column with fastexcel, where a column that mixes kinds of cell costs that
column only.

fastexcel reads a column that holds one kind of cell (dates, numbers, text, yes/no) as one typed Arrow array.
A column that mixes kinds (a text date among a million dates, an amount typed as text) it can only hand over
as text (``dtype_coercion="coerce"``), where a date cell reads ``"2026-01-05 00:00:00"`` and a number
``"45000"``: the kind of each cell is lost, and it matters (a text ``"1.234"`` is 1234 in a Dutch sheet, the
number 1.234 is not; a ``TRUE`` in a date column is reported as ``True``). So such a column is read once
more, and each cell's kind follows from the readings together. fastexcel's other readings tell kinds apart:
as dates, number and date cells have a value and every text cell (``"12"`` included) is empty; as yes/no,
number and TRUE/FALSE cells have a value and text and date cells are empty.

A text column with a date among it is read again as dates:

===================  ==============  =========================================================
as text              as date         the cell
===================  ==============  =========================================================
empty                empty           empty
``45000``            1923-03-15      the number 45000
``2026-01-05 …``     2026-01-05      a date (one before 1900, a time or a duration: rows way)
``true``/``false``   empty           read a third time, as yes/no: TRUE/FALSE, or that text
anything else        empty           that text (``"12"`` too)
===================  ==============  =========================================================

Any other text column holding something that may be a number or a yes/no is read again as yes/no:

===================  ==============  =========================================================
as text              as yes/no       the cell
===================  ==============  =========================================================
``true``/``false``   TRUE/FALSE      TRUE/FALSE
``45000``            TRUE            the number 45000
``2026-01-05 …``     empty           read a third time, as dates: a date, or that text
anything else        empty           that text
===================  ==============  =========================================================

(The date reading of a number beyond about 10^8 overflows, and fastexcel panics: a column holding such a
number is read as yes/no, and when it must also be read as dates its table goes the rows way.)

A number column read as numbers can hide ``TRUE``/``FALSE`` cells (fastexcel reads them as 1 and 0): one that
the sheet scan saw a TRUE/FALSE cell in, and that holds a 0 or a 1, is read again as text. The other readings
take only the columns that need them, all at once; every clean table is read once. A mixed column comes out
as an :class:`~kpi_xl.tables.columns.EncodedColumn` (its distinct cells and a code per row), so no Python
object is made per row even there. Cells the readings cannot tell apart (a time of day or a duration among
dates) send the table the rows way (None).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np

from kpi_xl.tables.columns import EncodedColumn, TableColumns, encode

__all__ = ["read_typed_table"]

STAMP_TEXT = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"  # a date, time or duration cell as fastexcel writes it
# How fastexcel writes a number cell as text: Rust's shortest form that reads back exactly, never an exponent.
NUMBER_TEXT = re.compile(r"-?\d+(?:\.\d+)?")
BOOLEAN_TEXT = {"true": True, "false": False}
# A date cell as fastexcel writes it, in years where its day and the day of the same text agree (a refresh
# reads only the day of a date column; years 1900, 1899 and 2262 on are the edges where they may not)
SAME_DAY_TEXT = r"^(?:19(?:0[1-9]|[1-9]\d)|2[01]\d\d|22[0-5]\d|226[01])-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?$"
# Text that may stand for a cell of another kind: fastexcel's text of a number, a yes/no or a date. Any other
# text (``2026-03-31``, ``31-03-2026``, ``12 fte``) can only be a text cell.
AMBIGUOUS_TEXT = r"^(?:-?\d+(?:\.\d+)?$|true$|false$|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"
FIRST_DAY = dt.datetime(1900, 1, 1)  # a "date" before it was a time of day or a duration
# fastexcel's date reading of a number cell beyond this overflows (the cell comes out empty, or, for a large
# negative number, fastexcel panics): such a column is not read as dates
DATE_READABLE = 1e8


def read_typed_table(reader, name: str, errors: dict[tuple[int, int], object] | None = None,
                     boolean_columns: frozenset[int] | None = None,
                     day_columns: Callable[[str, list[str]], frozenset[int]] | None = None) -> TableColumns | None:
    """The Excel Table ``name`` as typed columns, or None when it must be read as rows.

    ``reader`` is a ``fastexcel.ExcelReader`` (not shared between threads); ``errors`` maps (data row,
    column) of the table, both 0-based, to what an error cell shows (``'#N/A'``): the readers return those
    cells as empty, and they are put back in their column only. ``boolean_columns``: the table's columns
    (0-based) that hold a TRUE/FALSE cell, as the sheet scan found them (None: unknown, any may).

    ``day_columns(name, header)``: the columns the caller reads only the day of (a refresh: the date
    columns). In such a column a date cell and the text fastexcel writes for it are the same day, so when
    every text that may stand for another kind of cell is a date written so (from 1901 to 2261: a date
    cell, or text that reads as the same day), the column is handed over as that text and not read again:
    one text date among a million dates costs no second reading. Its cells are then not Excel's kinds.
    """
    table = _load(reader, name)
    if table is None:
        return None
    header = list(table)
    columns: list[object] = list(table.values())
    second = _second_readings(columns, boolean_columns, day_columns(name, header) if day_columns else frozenset())
    if second is None:
        return None
    if second:
        again = _load(reader, name, {header[i]: kind for i, kind in second.items()})
        if again is None:
            return None
        third: dict[int, str] = {}
        for i, kind in second.items():
            resolved = _flags(columns[i], again[header[i]]) if kind == "string" else \
                _cells(columns[i], kind, again[header[i]])
            if isinstance(resolved, _ReadAgain):
                third[i] = resolved.kind
            elif resolved is None:
                return None
            else:
                columns[i] = resolved
        if third:
            last = _load(reader, name, {header[i]: kind for i, kind in third.items()})
            if last is None:
                return None
            for i in third:
                resolved = _cells(columns[i], second[i], again[header[i]], last[header[i]])
                if resolved is None or isinstance(resolved, _ReadAgain):
                    return None
                columns[i] = resolved
    per_column: dict[int, dict[int, object]] = {}
    for (row, col), shown in (errors or {}).items():
        if 0 <= col < len(columns) and 0 <= row < len(columns[col]):
            per_column.setdefault(col, {})[row] = shown
    for col, cells in per_column.items():
        columns[col] = _with_errors(columns[col], cells)
    return TableColumns(header, columns)


def _load(reader, name: str, dtypes: dict[str, str] | None = None) -> dict[str, object] | None:
    """The table (or the columns ``dtypes`` names, read as those types): {header: Arrow array}, or None."""
    try:
        if dtypes is None:
            table = reader.load_table(name, schema_sample_rows=None, dtype_coercion="coerce").to_arrow()
        else:
            table = reader.load_table(name, schema_sample_rows=None, dtype_coercion="coerce",
                                      use_columns=list(dtypes), dtypes=dtypes).to_arrow()
    except BaseException as err:
        if isinstance(err, (KeyboardInterrupt, SystemExit, MemoryError)):  # (durations among dates), or a
            raise  # Rust panic, which pyo3 raises as a PanicException (a BaseException)
        return None
    if len(set(table.column_names)) != len(table.column_names):
        return None  # two columns of one name (a script's table; Excel refuses it): the rows way keeps both
    if dtypes is not None and any(n not in table.column_names for n in dtypes):
        return None
    return {n: _array(table.column(i)) for i, n in enumerate(table.column_names)}


def _array(column):
    """One Arrow array (fastexcel hands over a record batch; a table would give chunks); text
    dictionary-encoded once, here: its distinct values are what is looked at, here and when parsing."""
    import pyarrow as pa

    column = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        column = column.dictionary_encode()
    return column


def _is_text(kind) -> bool:
    import pyarrow as pa

    return pa.types.is_dictionary(kind) and (pa.types.is_string(kind.value_type)
                                             or pa.types.is_large_string(kind.value_type))


def _second_readings(columns: list, boolean_columns: frozenset[int] | None,
                     days: frozenset[int] = frozenset()) -> dict[int, str] | None:
    """Column → how to read it again (see the module's tables): a text column holding something that may
    be a date, number or yes/no as dates (when a date is among it) or as yes/no; a number column holding a
    TRUE/FALSE cell as text. None: numbers too large for the date reading beside dates (the rows way)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[int, str] = {}
    for i, column in enumerate(columns):
        kind = column.type
        if _is_text(kind):
            distinct = column.dictionary  # (dictionary_encode keeps only the values present)
            ambiguous = distinct.filter(pc.match_substring_regex(distinct, AMBIGUOUS_TEXT))
            if i in days:  # a date cell or text of the same day: read as a day, they are the same
                ambiguous = ambiguous.filter(pc.invert(pc.match_substring_regex(ambiguous, SAME_DAY_TEXT)))
            if not len(ambiguous):
                continue
            digits = distinct.filter(pc.match_substring_regex(distinct, NUMBER_TEXT.pattern.join("^$")))
            huge = len(digits) and pc.max(pc.abs(pc.cast(digits, pa.float64()))).as_py() >= DATE_READABLE
            out[i] = "datetime" if pc.any(pc.match_substring_regex(distinct, STAMP_TEXT)).as_py() and not huge \
                else "boolean"
        elif pa.types.is_floating(kind) or pa.types.is_integer(kind):
            if boolean_columns is not None and i not in boolean_columns:
                continue  # no TRUE/FALSE cell in this column: its 0s and 1s are numbers
            if pc.any(pc.is_in(column, pa.array([0, 1], type=kind))).as_py():
                out[i] = "string"
    return out


class _ReadAgain:
    """Cells the two readings cannot tell apart: read the column a third time, as ``kind``."""

    def __init__(self, kind: str):
        self.kind = kind


def _flags(first, again):
    """A number column read again as text: its TRUE and FALSE cells put back (the column as it was when
    there are none)."""
    if len(again) != len(first):
        return None
    texts = np.asarray(again.to_pylist(), dtype=object)
    column = None
    for word, value in BOOLEAN_TEXT.items():
        rows = np.flatnonzero(texts == word)
        if len(rows):
            column = _with_value(encode(first) if column is None else column, rows, value)
    return first if column is None else column


def _cells(first, kind: str, second, third=None):
    """A text column's cells from its text reading and its ``kind`` reading (``"datetime"`` or
    ``"boolean"``), and the third reading when there is one; decided once per distinct (text, second
    empty?, third empty?): an EncodedColumn, a _ReadAgain, or None (the rows way)."""
    if len(second) != len(first) or (third is not None and len(third) != len(first)):
        return None
    encoded = first.dictionary_encode()
    texts = encoded.dictionary.to_pylist()
    codes = encoded.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False).astype(np.int64)
    key = codes * 2 + second.is_null().to_numpy(zero_copy_only=False)
    if third is not None:
        key = key * 2 + third.is_null().to_numpy(zero_copy_only=False)
    groups, where, inverse = np.unique(key, return_index=True, return_inverse=True)
    dates, flags = (second, third) if kind == "datetime" else (third, second)
    values = np.empty(len(groups), dtype=object)
    again = None
    for g, row in enumerate(where.tolist()):
        code = int(codes[row])
        cell = _cell(texts[code] if code < len(texts) else None, dates, flags, row)
        if cell is None:
            return None
        if isinstance(cell, _ReadAgain):
            again = cell
            continue
        values[g] = cell
    if again is not None:
        if third is not None or (again.kind == "datetime" and _too_large_for_dates(texts, codes, second)):
            return None
        return again
    return EncodedColumn(inverse.reshape(-1).astype(np.intp), values)


def _cell(text: str | None, dates, flags, row: int):
    """One cell as Excel hands it over, from its readings (see the module's tables); ``dates`` or ``flags``
    is None when the column was not read so: a _ReadAgain when that reading is needed."""
    if text is None:
        return ""
    if flags is not None and flags[row].is_valid:  # a number or a yes/no cell
        if text in BOOLEAN_TEXT:
            return BOOLEAN_TEXT[text]
        return float(text) if NUMBER_TEXT.fullmatch(text) else None
    if dates is None:  # read as yes/no only: text, or a date among it
        return _ReadAgain("datetime") if re.match(STAMP_TEXT, text) else text
    if dates[row].is_valid:  # a date or a number cell
        if NUMBER_TEXT.fullmatch(text):
            return float(text)  # its text is the shortest form that reads back exactly
        stamp = dates[row].as_py()
        if stamp < FIRST_DAY:
            return None  # a time of day or a duration: the rows way tells them apart
        return stamp.date() if stamp.time() == dt.time(0) else stamp
    if text in BOOLEAN_TEXT and flags is None:  # TRUE or the text "true"?
        return _ReadAgain("boolean")
    return text


def _too_large_for_dates(texts: list, codes: np.ndarray, flags) -> bool:
    """Whether a number cell of this column is beyond fastexcel's date reading (it would panic)."""
    numbers = flags.is_valid().to_numpy(zero_copy_only=False)
    for code in np.unique(codes[numbers]).tolist():
        text = texts[code] if code < len(texts) else None
        if text is not None and NUMBER_TEXT.fullmatch(text) and abs(float(text)) >= DATE_READABLE:
            return True
    return False


def _with_value(column: EncodedColumn, rows: np.ndarray, value) -> EncodedColumn:
    codes = column.codes.copy()
    codes[rows] = len(column.values)
    return EncodedColumn(codes, np.append(column.values, np.array([value], dtype=object)))


def _with_errors(column, cells: dict[int, object]) -> EncodedColumn:
    """Error values (``{row: '#N/A'}``) put in the empty cells of the column they came from, as the rows
    read does (a cell that holds something keeps it)."""
    column = column if isinstance(column, EncodedColumn) else encode(column)
    rows = np.fromiter(cells, dtype=np.intp, count=len(cells))
    empty = np.array([v in ("", None) for v in column.values], dtype=bool)[column.codes[rows]]
    shown = list(dict.fromkeys(cells[r] for r in rows[empty].tolist()))
    if not shown:
        return column
    codes = column.codes.copy()
    place = {value: len(column.values) + i for i, value in enumerate(shown)}
    for r in rows[empty].tolist():
        codes[r] = place[cells[r]]
    values = np.empty(len(column.values) + len(shown), dtype=object)
    values[:len(column.values)] = column.values
    values[len(column.values):] = shown
    return EncodedColumn(codes, values)
