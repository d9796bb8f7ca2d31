"""The monthly refresh on a file: read the tables, compute the month, write Dashboard, History, Checks.

The same :class:`~kpi_xl.report.plan.Plan` is what the Excel button writes through
xlwings; this module is the headless route used by ``kpi-xl refresh``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from kpi_xl.config import CONFIG_NAME, Settings, find_config, load_config
from kpi_xl.errors import TableError
from kpi_xl.messages import text
from kpi_xl.month import MonthReport, prepare
from kpi_xl.report import layout as L
from kpi_xl.report.month_plan import check_month_in_data, plan_for
from kpi_xl.report.plan import Plan
from kpi_xl.tables import TABLE_NAMES as DATA_TABLES
from kpi_xl.tables.columns import TableColumns, day_columns, read_table_columns
from kpi_xl.tables.parse import ParsedTable
from kpi_xl.tables.read import assemble, parse_tables
from kpi_xl.workbook import early_scan, parse_cache, prepared_cache
from kpi_xl.workbook.guard import fingerprint
from kpi_xl.workbook.package import package_layout, relationships, sheet_parts
from kpi_xl.workbook.places import table_places
from kpi_xl.workbook.read import read_workbook
from kpi_xl.workbook.write import remove_stale_temp_files, write_owned_sheets


@dataclass
class RefreshResult:
    report: MonthReport
    plan: Plan
    config_path: Path
    notes: list[str] = field(default_factory=list)  # said after the report (in the config's language)


def load_prepared(path: str | Path, settings: Settings, stores: parse_cache.BackgroundStores):
    """The workbook's tables, prepared for any month (:func:`kpi_xl.month.prepare`), and what else the
    refresh reads from the file.

    When every data table is unchanged since a refresh under the same config and code, the prepared
    tables come from the cache (:mod:`kpi_xl.workbook.prepared_cache`) and no data sheet is read.
    Otherwise the tables are loaded (:func:`load_tables`) and prepared, and the result handed to
    ``stores`` when the file's parts still have the keys they had before the reading.
    """
    keys = cache_keys(path, settings)
    key = prepared_cache.key_for(keys)
    prepared = prepared_cache.load(key, settings)
    if prepared is not None:
        early_scan.remember(path)  # (noted already, unless the note was lost)
        return prepared, _read_the_rest(path, settings)
    parsed, data = load_parsed(path, settings, stores, keys)
    prepared = prepare(assemble(parsed, settings), settings)
    # stored when every table read has a key (none came in by another route) and the file is still the one
    # the keys describe; the columns of the parsed tables are taken from their own entries
    if key is not None and set(data.tables) <= keys.keys() and cache_keys(path, settings) == keys:
        stores.submit(prepared_cache.store, key, prepared_cache.snapshot(prepared),
                      {name: (keys[name], table) for name, table in parsed.items() if name in keys})
        early_scan.remember(path)  # the next refresh of this data will find it here: it scans nothing early
    return prepared, data


def _read_the_rest(path: str | Path, settings: Settings):
    """What a refresh reads besides the data tables (the month chosen on the Dashboard, History)."""
    return read_workbook(path, [], columns=True, day_columns=lambda name, header: day_columns(name, header, settings))


def load_tables(path: str | Path, settings: Settings, stores: parse_cache.BackgroundStores | None = None,
                keys: dict[str, str] | None = None):
    """The workbook's tables, parsed and assembled (see :func:`load_parsed`), and what else the refresh
    reads from the file."""
    parsed, data = load_parsed(path, settings, stores, keys)
    return assemble(parsed, settings), data


def load_parsed(path: str | Path, settings: Settings, stores: parse_cache.BackgroundStores | None = None,
                keys: dict[str, str] | None = None):
    """The workbook's tables, parsed (by table name), and what else the refresh reads from the file.

    A table whose parts are unchanged since an earlier refresh under the same config comes from the
    cache (:mod:`kpi_xl.workbook.parse_cache`) without its sheet being inflated. The others are read, each
    parsed in its reading thread as soon as it is read (while the next sheet is read), and handed to
    ``stores`` (the cache is filled in the background; without ``stores`` this waits until it is) when
    the file's parts still have the key they had before the reading.
    """
    if stores is None:
        with parse_cache.BackgroundStores() as own:
            return load_parsed(path, settings, own, keys)
    keys = cache_keys(path, settings) if keys is None else keys
    cached = parse_cache.load_many(keys)
    handed: set[str] = set()

    def parse_and_store(name: str, table: TableColumns, first_row: int) -> ParsedTable | None:
        try:
            parsed = read_table_columns(name, table.header, table.columns, settings, first_row)
        except TableError:
            return None  # parsed again with the others, which gathers every table's missing columns
        key = keys.get(name)
        # stored when what was read is what the key describes
        if key is not None and cache_keys(path, settings).get(name) == key:
            stores.add(key, parsed)
            handed.add(name)
        return parsed

    wanted = [t for t in (*DATA_TABLES, "StageHistory") if t not in cached]
    data = read_workbook(path, wanted, columns=True, each_table=parse_and_store,
                         day_columns=lambda name, header: day_columns(name, header, settings))
    parsed = parse_tables(data.tables, settings, data.first_rows, {**cached, **data.handled})
    fresh = {name: key for name, key in keys.items() if name not in cached and name not in handed and name in parsed
             and name not in data.handled}
    if fresh and cache_keys(path, settings) == keys:  # what was read is what the keys describe
        for name, key in fresh.items():
            stores.add(key, parsed[name])
    return parsed, data


def cache_keys(path: str | Path, settings: Settings) -> dict[str, str]:
    """The cache key of each Excel Table of ours in the file ({} with the cache off or anything unusual:
    the tables are then read as always)."""
    if parse_cache.cache_folder() is None:
        return {}
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = sheet_parts(archive)
            parts = {sheet: [target for kind, target in relationships(archive, part).values()
                             if kind.endswith("/table")] for sheet, part in sheets.items()}
        places = table_places(Path(path))
        tables = {name: (sheets[place.sheet], parts[place.sheet]) for name, place in places.items()
                  if name in (*DATA_TABLES, "StageHistory") and place.sheet in sheets}
        return parse_cache.table_keys(path, tables, settings)
    except Exception:  # a file the reader will judge (and name what is wrong with it)
        return {}


def refresh_file(path: str | Path, month: str | None = None, config: str | Path | None = None,
                 now: dt.datetime | None = None, today: dt.date | None = None,
                 _fail_after: str | None = None) -> RefreshResult:
    """Refresh the workbook at ``path`` in place (atomically); returns what was written."""
    config_path = find_config(path, config)
    settings = load_config(config_path)
    remove_stale_temp_files(path)  # left by a refresh that was killed half-way
    read_version = _version(path)  # a save by another program after this moment stops the write
    with parse_cache.BackgroundStores() as stores:  # the cache is filled while the month is computed
        try:
            prepared, data = load_prepared(path, settings, stores)
        finally:
            early_scan.discard(path)  # begun by the command, not needed when the tables came from the cache
        report, plan = plan_for(prepared, settings, month if month else data.month_selector, data.month_selector,
                                data.history, now=now, today=today)
        write_owned_sheets(path, plan.sheets(), fail_after=_fail_after, unchanged_since=read_version)
    notes = [text("earlier_dashboard", settings.language, name=Path(path).name)] if earlier_dashboard(path) else []
    return RefreshResult(report, plan, config_path, notes)


_PRINT_AREA = re.compile(r"""<(?:[\w.-]+:)?definedName\b[^>]*\bname\s*=\s*["']_xlnm\.Print_Area["'][^>]*>"""
                         r"""([^<]*)</""")


def earlier_dashboard(path: str | Path) -> bool:
    """True when the Dashboard's print area is not the template's: the workbook was made by an earlier
    version, whose formats and merged cells do not fit the page a refresh now writes."""
    current = f"{L.DASHBOARD}!{L.a1(0, 0, True)}:{L.a1(L.LAST_ROW, L.LAST_COL, True)}"
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read(package_layout(archive).workbook).decode("utf-8-sig", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False
    areas = [unescape(a).replace("'", "") for a in _PRINT_AREA.findall(xml)]
    ours = [a for a in areas if a.startswith(f"{L.DASHBOARD}!")]
    return bool(ours) and current not in ours


def _version(path: str | Path):
    """The workbook's fingerprint as the refresh reads it (None when it cannot be opened: the read says why)."""
    try:
        return fingerprint(path)
    except OSError:
        return None


__all__ = ["CONFIG_NAME", "RefreshResult", "check_month_in_data", "earlier_dashboard", "find_config", "load_parsed",
           "load_prepared", "load_tables", "plan_for", "refresh_file"]
