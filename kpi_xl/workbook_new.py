"""New workbooks: a fresh copy of the template, and the demo company written into one."""

from __future__ import annotations

import shutil
from pathlib import Path

from kpi_xl import layout as L
from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.template import table_columns, template_path
from kpi_xl.workbook_file import write_owned_sheets


def new_workbook(path: str | Path, overwrite: bool = False) -> Path:
    """Copy ``workbook_template.xlsm`` to ``path``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise KpiError(f"{path.name}: use the .xlsm extension (the workbook carries the Refresh macro)")
    if path.exists() and not overwrite:
        raise KpiError(f"{path} already exists; choose another name or remove it first")
    source = template_path()
    if not source.is_file():
        raise KpiError(f"The template is missing ({source}); rebuild it with: python -m kpi_xl.template build")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


def fill_tables(path: str | Path, data: dict[str, list[list[object]]], settings: Settings) -> None:
    """Write rows (header first) into the data tables of a new workbook, in the template's column order."""
    sheets, sizes = {}, {}
    for name in L.DATA_SHEETS:
        rows = data.get(name)
        if not rows:
            continue
        headers = [c[0] for c in table_columns(name, settings)]
        given = {str(h).strip().casefold(): i for i, h in enumerate(rows[0])}
        picks = [given.get(h.casefold()) for h in headers]
        cells = {(0, j): h for j, h in enumerate(headers)}
        for r, row in enumerate(rows[1:], start=1):
            for j, i in enumerate(picks):
                if i is not None and i < len(row) and row[i] not in (None, ""):
                    cells[(r, j)] = row[i]
        sheets[name] = cells
        sizes[name] = len(rows) - 1
    write_owned_sheets(path, sheets, keep_styled_blanks=(), table_sizes=sizes)
