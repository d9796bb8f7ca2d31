"""New workbooks: built from the config (or a copy of the template for the default one), the kpi.yaml beside
it, and the demo company written into one."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.config import CONFIG_NAME, Settings, default_config_path, find_config, load_config
from kpi_xl.errors import KpiError
from kpi_xl.messages import text
from kpi_xl.report import layout as L
from kpi_xl.tables.headers import normalize
from kpi_xl.workbook.template import build, default_vba_project, table_columns, template_path, xlwings_settings
from kpi_xl.workbook.template.data_sheets import TABLE_COLUMNS, dropdowns_left_out
from kpi_xl.workbook.write import write_owned_sheets


@dataclass(frozen=True)
class Created:
    """What ``kpi-xl new`` made."""

    workbook: Path
    config: Path  # the config the workbook was made with
    beside: Path  # kpi.yaml next to the workbook (now a copy of ``config``, or ``config`` itself)
    config_written: bool  # False: the kpi.yaml beside was already this config (the same file, or the same bytes)
    backup: Path | None  # where the kpi.yaml that was there before went (--force)
    built: bool  # built from the config; False: a copy of the committed template (the default config)
    settings: Settings
    left_out: list[tuple[str, str, list[str]]]  # drop-downs Excel cannot hold: (sheet, column, values)


def create_workbook(path: str | Path, config: str | Path | None = None, force: bool = False) -> Created:
    """``kpi-xl new``: the workbook at ``path`` made from the config that applies (``config``, else kpi.yaml
    next to ``path``, else the packaged one), and that config copied next to it as kpi.yaml.

    A kpi.yaml already there that differs is refused before anything is written, unless ``force``: then it
    is kept as ``kpi.yaml.bak`` (``.bak2``, … when that name is taken). Both files are placed only once
    both are complete, and a failure leaves the folder as it was.
    """
    path = Path(path)
    config_path = find_config(path, config)
    settings = load_config(config_path)
    language = settings.language
    _check_target(path, force, language)
    _check_stage_columns(settings)
    beside = path.resolve().parent / CONFIG_NAME
    write_config = not _same_file_or_bytes(config_path, beside)
    backup = None
    if write_config and beside.exists():
        backup = _backup_name(beside)
        if not force:
            raise _said("new.config_differs", language, beside=beside, config=config_path, backup=backup.name)
    new_folder = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix=f".~{path.stem}.", dir=path.parent) as folder:
            staged = Path(folder) / path.name
            built = _make(staged, settings)
            if write_config:
                staged_config = Path(folder) / CONFIG_NAME
                shutil.copyfile(config_path, staged_config)
            _place(staged, path, staged_config if write_config else None, beside, backup)
    except BaseException:
        if new_folder and not any(path.parent.iterdir()):
            path.parent.rmdir()  # the folder this call made, empty again
        raise
    return Created(path, config_path, beside, write_config, backup, built, settings, dropdowns_left_out(settings))


def new_workbook(path: str | Path, overwrite: bool = False, settings: Settings | None = None) -> Path:
    """A new workbook at ``path``: built from ``settings``, or a copy of ``workbook_template.xlsm`` when they
    are the packaged default (or not given). The file appears whole or not at all."""
    path = Path(path)
    _check_target(path, overwrite, settings.language if settings is not None else None)
    if settings is not None:
        _check_stage_columns(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".~{path.stem}.", dir=path.parent) as folder:
        staged = Path(folder) / path.name
        _make(staged, settings)
        os.replace(staged, path)
    return path


def is_default(settings: Settings) -> bool:
    """Whether ``settings`` are those the committed template was built from (the packaged config)."""
    return settings.model_dump() == load_config(default_config_path()).model_dump()


def _make(path: Path, settings: Settings | None) -> bool:
    """Write the workbook to ``path`` (a new file) with this machine's interpreter settings; True when it was
    built from ``settings`` rather than copied from the committed template."""
    source = template_path()
    built = settings is not None and not is_default(settings)
    if built or not source.is_file():  # the template build is reproducible: the same config, the same bytes
        settings = settings if settings is not None else load_config(default_config_path())
        vba = default_vba_project(settings)
        if vba is None:
            from kpi_xl.workbook.vba import XLWINGS_VERSION

            raise _said("new.no_vba", settings.language, version=XLWINGS_VERSION)
        build(path, settings, vba_project=vba)
    else:
        shutil.copyfile(source, path)
    conf = interpreter_settings()
    if conf != xlwings_settings():
        write_owned_sheets(path, {L.XLWINGS_CONF: {(r, c): v for r, row in enumerate(conf)
                                                   for c, v in enumerate(row)}}, keep_styled_blanks=())
    return built


def _place(workbook: Path, target: Path, config: Path | None, beside: Path, backup: Path | None) -> None:
    """Move the staged workbook (and config) into place: the kpi.yaml first (that step can be undone), the
    workbook last; on a failure the kpi.yaml that was there comes back."""
    moved_old = moved_new = False
    try:
        if config is not None:
            if backup is not None:
                os.replace(beside, backup)
                moved_old = True
            os.replace(config, beside)
            moved_new = True
        os.replace(workbook, target)
    except BaseException:
        if moved_new:
            beside.unlink(missing_ok=True)
        if moved_old:
            os.replace(backup, beside)
        raise


def _check_stage_columns(settings: Settings) -> None:
    """A stage named like a column of Deals (``owner``, ``value``, …) cannot have its date column there: the
    table would have that header twice, and the column is read as the fixed one."""
    fixed = {normalize(header): header for header, _, _ in TABLE_COLUMNS["Deals"]}
    clashes = [stage for stage in settings.stage_names if normalize(stage) in fixed]
    if clashes:
        raise _said("new.stage_is_a_column", settings.language, stages=", ".join(clashes),
                    columns=", ".join(fixed.values()))


def _check_target(path: Path, overwrite: bool, language: str | None) -> None:
    if path.suffix.lower() != ".xlsm":
        raise _said("new.suffix", language, name=path.name)
    if path.exists() and not overwrite:
        raise _said("new.exists", language, path=path)


def _same_file_or_bytes(config: Path, beside: Path) -> bool:
    if not beside.is_file():
        return False
    if os.path.samefile(config, beside):
        return True
    return config.stat().st_size == beside.stat().st_size and config.read_bytes() == beside.read_bytes()


def _backup_name(beside: Path) -> Path:
    """``kpi.yaml.bak``, or ``kpi.yaml.bak2``, ``.bak3``, … when an earlier backup has that name."""
    candidate, n = beside.with_name(beside.name + ".bak"), 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = beside.with_name(f"{beside.name}.bak{n}")
    return candidate


def _said(code: str, language: str | None, /, **params) -> KpiError:
    """A KpiError by code: in ``language`` when the config's is known, else in Dutch and English."""
    err = KpiError.coded(code, **params)
    if language is not None:
        err = KpiError(text(code, language, **params))
        err.code, err.params, err.language = code, params, language
    return err


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
