"""New workbooks: a fresh copy of the template, and the demo company written into one."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from kpi_xl.config import Settings
from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.workbook.template import table_columns, template_path, xlwings_settings
from kpi_xl.workbook.write import write_owned_sheets


def new_workbook(path: str | Path, overwrite: bool = False) -> Path:
    """Copy ``workbook_template.xlsm`` to ``path``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise KpiError(f"{path.name}: use the .xlsm extension (the workbook carries the Refresh macro)")
    if path.exists() and not overwrite:
        raise KpiError(f"{path} already exists; choose another name or remove it first")
    source = template_path()
    if not source.is_file():
        raise KpiError(f"The template is missing ({source}); rebuild it with: python -m kpi_xl.workbook.template build")
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    settings = interpreter_settings()
    if settings != xlwings_settings():
        write_owned_sheets(path, {L.XLWINGS_CONF: {(r, c): v for r, row in enumerate(settings)
                                                   for c, v in enumerate(row)}}, keep_styled_blanks=())
    return path


def interpreter_settings(platform: str | None = None, executable: str | None = None) -> list[tuple[str, str]]:
    """The template's xlwings settings, with the interpreter of this machine when it is the one to use.

    On a Mac the button's Python is the one that made the workbook (``sys.executable``, a full
    path: Excel's shell has no ``/usr/local/bin`` or ``/opt/homebrew/bin`` on its PATH), which has
    kpi_xl installed by construction. On Windows ``Interpreter_Win`` is set to the ``pythonw.exe``
    beside it (no console window), so a virtual environment works without touching the PATH.
    Elsewhere (Linux, CI) the template's defaults stay.
    """
    platform = sys.platform if platform is None else platform
    executable = sys.executable if executable is None else executable
    settings = xlwings_settings()
    if not executable:
        return settings
    if platform == "darwin":
        return [(name, executable if name == "Interpreter_Mac" else value) for name, value in settings]
    if platform == "win32":
        exe = Path(executable)
        windowless = exe.with_name("pythonw.exe")
        return [*settings, ("Interpreter_Win", str(windowless if windowless.is_file() else exe))]
    return settings


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
