"""One file's columns as typed arrays, field by field: text, dates, numbers, yes/no (whole columns at a
time), every unreadable cell an :class:`~kpi_xl.importing.result.ImportProblem`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi_xl.importing.dates import parse_dates
from kpi_xl.importing.files import RawFile
from kpi_xl.importing.numbers import parse_numbers
from kpi_xl.importing.result import ImportProblem, cell_problems
from kpi_xl.tables.headers import BOOL, DATE, MONEY, NUMBER, TABLES, TEXT

# the kind of every field a mapping may name: the tables' columns and the extra fields of exports
FIELD_KINDS: dict[str, str] = {c.name: c.kind for columns in TABLES.values() for c in columns}
FIELD_KINDS.update({
    "deal_name": TEXT, "pipeline": TEXT, "currency": TEXT, "status": TEXT, "won_time": DATE, "lost_time": DATE,
    "close_date": DATE, "is_closed_won": BOOL, "is_closed_lost": BOOL, "probability": NUMBER, "country": TEXT,
    "lifecycle_stage": TEXT, "won_deals": NUMBER, "done": BOOL,
})

YES = ("1", "true", "yes", "y", "ja", "j", "waar", "done", "gedaan", "klaar", "x", "✓", "1.0")
NO = ("0", "false", "no", "n", "nee", "onwaar", "not done", "niet gedaan", "open", "0.0")


@dataclass
class Context:
    """What the conversion of one file needs to know and where its problems go."""

    path: Path
    table: str
    language: str  # of the export's headers: "nl" or "en" (decides ambiguous numbers)
    date_order: str  # for dates that read both ways (kpi.yaml's import: date_order, else the export's default)
    config_order: str | None
    problems: list[ImportProblem] = field(default_factory=list)


class Columns:
    """The fields of one file: ``positions`` maps a field to its column in ``raw``. :meth:`subset` narrows
    it to some rows; every field then comes for those rows only."""

    def __init__(self, raw: RawFile, positions: dict[str, int], ctx: Context, keep: np.ndarray | None = None):
        self.raw, self.positions, self.ctx = raw, positions, ctx
        self.all_rows = np.arange(2, raw.rows + 2, dtype=np.int64)  # the line as a spreadsheet shows it
        self.keep = keep  # None: every row
        self.rows = self.all_rows if keep is None else self.all_rows[keep]
        self.n = len(self.rows)
        self._coded: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def subset(self, keep: np.ndarray) -> Columns:
        """The same fields for the rows of ``keep`` only (a mask over this one's rows): the columns are
        converted whole once and narrowed as arrays; problems still name each row's line in the file."""
        if keep.all():
            return self
        full = np.zeros(len(self.all_rows), dtype=bool)
        full[np.flatnonzero(self.keep) if self.keep is not None else np.arange(len(full))] = keep
        out = Columns(self.raw, self.positions, self.ctx, full)
        out._coded = self._coded  # dictionary encodings are of the whole column: shared
        return out

    def _narrow(self, values: np.ndarray) -> np.ndarray:
        return values if self.keep is None else values[self.keep]

    def has(self, name: str) -> bool:
        return name in self.positions

    def header(self, name: str) -> str:
        return self.raw.headers[self.positions[name]]

    def column(self, name: str) -> pa.Array:
        return self.raw.columns[self.positions[name]]

    def get(self, name: str) -> np.ndarray:
        """The field as its kind says: object (text), datetime64[ns], float64 or bool."""
        kind = FIELD_KINDS.get(name, TEXT)
        if kind == DATE:
            return self.date(name)
        if kind in (MONEY, NUMBER):
            return self.number(name)
        if kind == BOOL:
            return self.yes_no(name)
        return self.text(name)

    def text(self, name: str) -> np.ndarray:
        """Text cells trimmed; an empty cell is None."""
        codes, uniques = self.coded(name)
        return uniques[codes]

    def coded(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(codes, uniques)``: the field's text dictionary-encoded (the last unique is None: empty)."""
        if name not in self._coded:
            if not self.has(name):
                self._coded[name] = (np.zeros(len(self.all_rows), dtype=np.intp), np.array([None], dtype=object))
            else:
                self._coded[name] = coded_text(self.column(name))
        codes, uniques = self._coded[name]
        return self._narrow(codes), uniques

    def date(self, name: str, header: str | None = None, column: pa.Array | None = None) -> np.ndarray:
        if column is None:
            if not self.has(name):
                return np.full(self.n, np.datetime64("NaT"), dtype="datetime64[ns]")
            column, header = self.column(name), self.header(name)
        parsed = parse_dates(column, self.ctx.date_order, self.ctx.config_order)
        self._bad(header, parsed.bad, column, "import.bad_date")
        if parsed.note:
            self.ctx.problems.append(ImportProblem(self.ctx.table, self.ctx.path, None, header, None,
                                                   f"import.date_order_{parsed.note}", {"order": parsed.order}))
        return self._narrow(parsed.values)

    def number(self, name: str) -> np.ndarray:
        if not self.has(name):
            return np.full(self.n, np.nan)
        parsed = parse_numbers(self.column(name), self.ctx.language)
        self._bad(self.header(name), parsed.bad, self.column(name), "import.bad_number")
        return self._narrow(parsed.values)

    def yes_no(self, name: str) -> np.ndarray:
        """True for yes/done/1/ja, False for no/0/nee and empty; anything else is a problem and False."""
        if not self.has(name):
            return np.zeros(self.n, dtype=bool)
        column = self.column(name)
        if pa.types.is_boolean(column.type):
            return self._narrow(column.fill_null(False).to_numpy(zero_copy_only=False).astype(bool))
        self.coded(name)
        codes, uniques = self._coded[name]
        words = pa.array([None if u is None else u.lower() for u in uniques], pa.string())
        yes = pc.is_in(words, pa.array(YES)).fill_null(False).to_numpy(zero_copy_only=False)[codes]
        no = pc.is_in(words, pa.array(NO)).fill_null(True).to_numpy(zero_copy_only=False)[codes]
        self._bad(self.header(name), ~yes & ~no, column, "import.bad_bool")
        return self._narrow(yes)

    def _bad(self, header: str, bad: np.ndarray, column: pa.Array, code: str) -> None:
        """Problems for the bad cells (``bad`` over the whole column) among this one's rows."""
        if self.keep is not None:
            bad = bad & self.keep
        if bad.any():
            where = np.flatnonzero(bad)[:25]
            shown = np.full(len(bad), None, dtype=object)
            shown[where] = column.take(pa.array(where)).to_pylist()
            self.ctx.problems += cell_problems(self.ctx.table, self.ctx.path, header, bad, shown, self.all_rows,
                                               code)


def text_values(column: pa.Array) -> np.ndarray:
    """Text cells trimmed, an empty cell None (numbers as Excel shows them: 12.0 → "12")."""
    codes, uniques = coded_text(column)
    return uniques[codes]


def coded_text(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """``(codes, uniques)`` of a text column, trimmed, the last unique None (empty). Each distinct text
    becomes one Python string shared by the rows that hold it (a million cells of eight owners are eight
    strings and a take)."""
    if pa.types.is_floating(column.type):
        whole = pc.equal(column, pc.floor(column)).fill_null(False)
        as_int = pc.cast(pc.if_else(whole, column, None), pa.int64(), safe=False).cast(pa.string())
        column = pc.if_else(whole, as_int, column.cast(pa.string()))
    elif not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
    uniques = np.array(pc.if_else(pc.equal(trimmed, ""), None, trimmed).to_pylist() + [None], dtype=object)
    codes = encoded.indices.fill_null(len(uniques) - 1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return codes, uniques


def as_frame(columns: dict[str, np.ndarray], keep: np.ndarray | None = None) -> pd.DataFrame:
    """A DataFrame of the columns as they are (only the rows of ``keep``): texts stay ``object`` (pandas
    would convert them to its string type, a copy of every cell)."""
    if keep is not None and not keep.all():
        columns = {name: values[keep] for name, values in columns.items()}
    if not columns:
        return pd.DataFrame()
    # side by side, one block per column: pd.DataFrame(dict) would copy the object columns into one block
    return pd.concat([pd.Series(kept(values), name=name) for name, values in columns.items()], axis=1)


def kept(values: np.ndarray):
    """A column to put in a frame: an object array as an ``object`` Series, anything else as it is."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return pd.Series(values, dtype=object, copy=False)
    return values
