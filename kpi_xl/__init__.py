"""kpi_xl: the five sales KPIs of "5 onmisbare KPI's voor een beter salesproces", Excel-native.

    from kpi_xl import load_config, read_tables, compute
    settings = load_config()                      # the packaged config/kpi.yaml
    tables = read_tables({"Leads": rows, ...}, settings)
    report = compute(tables, settings, month="2026-10")
    report.tiles["deal_velocity"].value
"""

from kpi_xl.config import Settings, load_config, parse_config
from kpi_xl.errors import ConfigError, KpiError, Problem, TableError
from kpi_xl.month import MonthReport, Tile, compute, prepare
from kpi_xl.tables import Tables, read_table, read_tables, tables_from_frames

__version__ = "0.1.0"

__all__ = [
    "ConfigError", "KpiError", "MonthReport", "Problem", "Settings", "TableError", "Tables", "Tile",
    "compute", "load_config", "parse_config", "prepare", "read_table", "read_tables", "tables_from_frames",
]
