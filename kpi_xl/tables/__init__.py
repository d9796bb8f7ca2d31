"""Tables: raw Excel rows → typed DataFrames plus the problems found on the way."""

from kpi_xl.tables.parse import ROW, ParsedTable
from kpi_xl.tables.read import TABLE_NAMES, Tables, read_table, read_tables, tables_from_frames

__all__ = ["ROW", "TABLE_NAMES", "ParsedTable", "Tables", "read_table", "read_tables", "tables_from_frames"]
