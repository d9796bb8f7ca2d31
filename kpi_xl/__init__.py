"""kpi_xl: the five sales KPIs of "5 onmisbare KPI's voor een beter salesproces", Excel-native.

    from kpi_xl import load_config, read_tables, compute
    settings = load_config()                      # the packaged config/kpi.yaml
    tables = read_tables({"Leads": rows, ...}, settings)
    report = compute(tables, settings, month="2026-10")
    report.tiles["deal_velocity"].value
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpi_xl.config import Settings, load_config, parse_config
    from kpi_xl.errors import ConfigError, KpiError, Problem, TableError
    from kpi_xl.month import MonthReport, Tile, compute, prepare
    from kpi_xl.tables import Tables, read_table, read_tables, tables_from_frames

__version__ = "0.1.0"

__all__ = [
    "ConfigError", "KpiError", "MonthReport", "Problem", "Settings", "TableError", "Tables", "Tile",
    "compute", "load_config", "parse_config", "prepare", "read_table", "read_tables", "tables_from_frames",
]

# the public names are loaded on first use: `kpi-xl --help`, the button and a worksheet function import only
# the modules they need (importing the whole core costs a second, pandas most of it)
_HOME = {
    "Settings": "kpi_xl.config", "load_config": "kpi_xl.config", "parse_config": "kpi_xl.config",
    "ConfigError": "kpi_xl.errors", "KpiError": "kpi_xl.errors", "Problem": "kpi_xl.errors",
    "TableError": "kpi_xl.errors", "MonthReport": "kpi_xl.month", "Tile": "kpi_xl.month",
    "compute": "kpi_xl.month", "prepare": "kpi_xl.month", "Tables": "kpi_xl.tables",
    "read_table": "kpi_xl.tables", "read_tables": "kpi_xl.tables", "tables_from_frames": "kpi_xl.tables",
}


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(import_module(_HOME[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'kpi_xl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
