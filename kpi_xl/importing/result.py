"""What an import hands back: the tables, the files read, the bad values and the CRM values the config
does not know (:class:`ImportResult`, :class:`ExportFile`, :class:`ImportProblem`, :class:`Unmapped`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.errors import show_value
from kpi_xl.messages import text

SHOWN_ROWS = 5  # lines of a file an Unmapped value names
PROBLEMS_PER_COLUMN = 20  # bad cells of one kind listed one by one per column; the rest counted in one more


@dataclass
class ExportFile:
    path: Path
    crm: str | None
    kind: str  # "deals", "activities", ..., "table" (own column names)
    table: str  # the workbook table it fills
    rows: int  # rows imported from it (not-done activities, other pipelines' deals, non-customers left out)
    encoding: str  # "utf-8", "utf-8-sig", "cp1252", "xlsx"
    delimiter: str | None


@dataclass
class ImportProblem:
    table: str
    path: Path
    row: int | None  # line in the file as a spreadsheet shows it (header = 1)
    column: str | None  # the header as the file has it
    value: object
    code: str
    params: dict = field(default_factory=dict)

    def message(self, language: str) -> str:
        where = Path(self.path).name
        if self.row is not None:
            where += f", {text('row', language)} {self.row}"
        if self.column:
            where += f", {text('column', language)} '{self.column}'"
        value = "" if self.value is None else f" ({show_value(self.value)})"
        params = {k: text(f"import.order.{v}", language) if k == "order" else v for k, v in self.params.items()}
        return f"{self.table}: {where}{value}: {text(self.code, language, **params)}"


@dataclass
class Unmapped:
    kind: str  # "stage", "activity_type", "owner", "pipeline"
    value: str
    count: int
    table: str
    first_rows: list[int]  # up to 5 lines in the file
    path: Path | None = None
    params: dict = field(default_factory=dict)

    def message(self, language: str) -> str:
        rows = ", ".join(map(str, self.first_rows)) + (", …" if self.count > len(self.first_rows) else "")
        said = text(f"import.unmapped.{self.kind}", language, value=self.value, count=self.count, rows=rows,
                    **self.params)
        return f"{self.table}: {said}" if self.path is None else f"{self.table} ({Path(self.path).name}): {said}"


@dataclass
class ImportResult:
    crm: str | None  # given or recognised from the headers; None = the user's own column names
    tables: dict[str, pd.DataFrame]  # only the tables the files fill
    files: list[ExportFile]  # one per file read, in the order given
    problems: list[ImportProblem]  # bad values
    unmapped: list[Unmapped]  # CRM values the config does not know


def cell_problems(table: str, path: Path, column: str, bad: np.ndarray, values, rows: np.ndarray,
                  code: str, ids: np.ndarray | None = None) -> list[ImportProblem]:
    """One problem per bad cell (``bad`` a boolean mask) up to :data:`PROBLEMS_PER_COLUMN`, then one that
    counts the rest: a million unreadable dates are not a million messages."""
    where = np.flatnonzero(bad)
    if not len(where):
        return []
    shown = where[:PROBLEMS_PER_COLUMN]
    values = np.asarray(values, dtype=object)
    out = [ImportProblem(table, path, int(rows[i]), column, values[i], code,
                         {} if ids is None else {"id": ids[i]}) for i in shown]
    if len(where) > len(shown):
        out.append(ImportProblem(table, path, None, column, None, "import.more",
                                 {"count": len(where) - len(shown)}))
    return out


def unmapped_values(kind: str, table: str, path: Path, keys: np.ndarray, shown: np.ndarray, rows: np.ndarray,
                    mask: np.ndarray, **params) -> list[Unmapped]:
    """An :class:`Unmapped` per distinct value among the rows of ``mask``: its count and first lines.
    ``keys`` group the values (the name key); ``shown`` is the value as the file has it."""
    where = np.flatnonzero(mask)
    if not len(where):
        return []
    codes, _ = pd.factorize(pd.Series(keys[where], dtype=object))
    order = np.argsort(codes, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(codes[order])) + 1]
    counts = np.diff(np.r_[starts, len(order)])
    out = []
    for start, count in zip(starts, counts, strict=True):
        first = where[order[start:start + SHOWN_ROWS]]
        out.append(Unmapped(kind, str(shown[first[0]]), int(count), table, [int(rows[i]) for i in first], path,
                            dict(params)))
    return out
