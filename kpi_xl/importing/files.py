"""Reading one export file into columns: CSV (``,`` ``;`` or tab; UTF-8 with or without BOM, or
Windows-1252; quoted fields with newlines) with ``pyarrow.csv``, every column as text; XLSX (the first
sheet) with python-calamine, typed cells (dates, numbers) kept.

The encoding is decided on the bytes: a file whose cells are valid UTF-8 is UTF-8 (``utf-8-sig`` when it
starts with a BOM), anything else is Windows-1252 (Excel's "CSV" on a Dutch or English Windows): the first
64 kB are decoded strictly, and Arrow checks every cell it reads (a bad byte further on: read again as
Windows-1252). Columns not read (see ``choose``) are not checked. The delimiter
is the one of ``,`` ``;`` tab that occurs most often outside quotes in the header line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from kpi_xl.errors import KpiError

SNIFF_BYTES = 1 << 16
CHUNK = 1 << 24
DELIMITERS = (",", ";", "\t")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# one thread: on a machine with few cores Arrow's thread pool costs more to start (a second or so on the
# first read of a process) than it wins on an export of some tens of MB (benchmarks/read_exports.py)
USE_THREADS = False


@dataclass
class RawFile:
    """One file's header and columns (pyarrow arrays, top to bottom; an empty cell is null)."""

    path: Path
    headers: list[str]
    columns: list[pa.Array]
    encoding: str
    delimiter: str | None

    @property
    def rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0


Choose = Callable[[list[str]], "set[int] | None"]


def read_file(path: Path, choose: Choose | None = None) -> RawFile:
    """The header and the columns of a CSV or XLSX export.

    ``choose(headers)`` (called once the header is known) names the column positions to read; the others
    are not parsed (a CRM export has dozens of columns the tables do not use) and come back as all-null
    columns. None: every column."""
    path = Path(path)
    if not path.is_file():
        raise KpiError.coded("import.not_found", path=path)
    try:
        if path.suffix.lower() in XLSX_SUFFIXES or _is_zip(path):
            raw = _read_xlsx(path)
            if choose is not None:
                choose(raw.headers)
            return raw
        return _read_csv(path, choose)
    except KpiError:
        raise
    except (OSError, pa.ArrowInvalid, UnicodeDecodeError, ValueError) as err:
        raise KpiError.coded("import.unreadable", path=path, reason=str(err).splitlines()[0][:300]) from None


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def has_quotes(path: Path) -> bool:
    """Whether the file has a quote at all: without one no cell holds a new line (and the CSV reader
    need not look for them, which halves its time)."""
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if b'"' in chunk:
                return True
    return False


def sample_encoding(sample: bytes) -> str | None:
    """``cp1252`` when the file's first bytes are not UTF-8; else None (the whole file decides)."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(sample) - 3:  # not just a character cut off at the end of the sample
            return "cp1252"
    return None


def header_line(sample: str) -> str:
    """The first record of ``sample`` (up to its first newline outside quotes)."""
    quoted = False
    for i, char in enumerate(sample):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return sample[:i]
    return sample


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the most frequent of ``,`` ``;`` tab outside quotes (``,`` on a tie
    or when there is none: a file of one column)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: (counts[d], d == ","))


def _read_csv(path: Path, choose: Choose | None = None) -> RawFile:
    with open(path, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    bom = sample.startswith(codecs.BOM_UTF8)
    encoding = sample_encoding(sample) or ("utf-8-sig" if bom else "utf-8")
    decoded = sample.decode("cp1252" if encoding == "cp1252" else "utf-8-sig", errors="replace")
    line = header_line(decoded)
    if not line.strip():
        raise KpiError.coded("import.empty_file", path=path)
    delimiter = sniff_delimiter(line)
    headers = next(csv.reader(io.StringIO(line), delimiter=delimiter))
    shown = [h.strip() for h in headers]
    wanted = choose(shown) if choose is not None else None
    if wanted is not None and len(set(headers)) == len(headers):
        include = [h for i, h in enumerate(headers) if i in wanted]
    else:
        wanted, include = None, []
    quotes = has_quotes(path)

    def read(encoding: str) -> pa.Table:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="cp1252" if encoding == "cp1252" else "utf8",
                                           block_size=1 << 20, use_threads=USE_THREADS),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=quotes,
                                             invalid_row_handler=_pad_row),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(headers, pa.string()),
                                                 strings_can_be_null=True, null_values=[""],
                                                 quoted_strings_can_be_null=True, include_columns=include))

    try:
        table = read(encoding)  # Arrow checks every cell it reads for UTF-8, strictly
    except pa.ArrowInvalid as err:
        if encoding == "cp1252" or "invalid UTF8" not in str(err):
            raise
        encoding = "cp1252"  # a byte that is not UTF-8 further on: the file is Windows-1252
        table = read(encoding)
    if table.num_columns != (len(include) if wanted is not None else len(headers)) or any(
            not pa.types.is_string(t) for t in table.schema.types):
        raise KpiError(f"{path}: header {headers!r} not read alike")  # a bug: the header sniffing is wrong
    if wanted is None:
        columns = [_one_chunk(table.column(i)) for i in range(len(headers))]
    else:
        columns = [_one_chunk(table.column(h)) if i in wanted else pa.nulls(table.num_rows, pa.string())
                   for i, h in enumerate(headers)]
    return RawFile(path, shown, columns, encoding, delimiter)


def _pad_row(row) -> str:
    """A data row with fewer or more cells than the header: skipping it silently would lose data, so the
    file is refused (pyarrow's message names the row)."""
    return "error"


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)


def _read_xlsx(path: Path) -> RawFile:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
    except Exception as err:  # noqa: BLE001 -- calamine raises its own error types for a broken file
        raise KpiError.coded("import.unreadable", path=path, reason=str(err)[:300]) from None
    if not rows or all(v in ("", None) for v in rows[0]):
        raise KpiError.coded("import.empty_file", path=path)
    width = len(rows[0])
    headers = ["" if v is None else str(v).strip() for v in rows[0]]
    body = rows[1:]
    columns = list(zip(*body, strict=True)) if body else [()] * width
    return RawFile(path, headers, [typed_array(c) for c in columns], "xlsx", None)


def typed_array(cells) -> pa.Array:
    """One column of spreadsheet cells as an Arrow array: all dates → timestamps, all numbers → floats,
    anything else → text (a number as Excel shows it: 12.0 → "12"); an empty cell is null."""
    import datetime as dt

    filled = [c for c in cells if c not in ("", None)]
    kinds = set(map(type, filled))
    cells = [None if c == "" else c for c in cells]
    if kinds and kinds <= {dt.datetime, dt.date}:
        return pa.array([None if c is None else dt.datetime(c.year, c.month, c.day) if type(c) is dt.date else c
                         for c in cells], pa.timestamp("us"))
    if kinds and kinds <= {int, float}:
        return pa.array(cells, pa.float64())
    return pa.array([None if c is None else _cell_text(c) for c in cells], pa.string())


def _cell_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if hasattr(cell, "isoformat"):
        return cell.isoformat(sep=" ") if hasattr(cell, "hour") else cell.isoformat()
    return str(cell)
