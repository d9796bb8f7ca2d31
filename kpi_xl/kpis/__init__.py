"""The KPIs as pure functions over typed DataFrames; one module per KPI (see KPIS.md)."""
