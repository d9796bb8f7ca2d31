"""Shared test settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_table_cache(tmp_path_factory, monkeypatch):
    """Every test starts with an empty cache of parsed tables of its own (kpi_xl.workbook.parse_cache):
    a second refresh within a test uses it, as a director's second refresh does, and no test sees
    what another stored (nor the user's cache folder)."""
    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path_factory.mktemp("table-cache")))


@pytest.fixture
def reads(monkeypatch):
    """The tables a refresh asks ``read_workbook`` to read, call by call (the caches' tests: what was not
    read came from a cache)."""
    from kpi_xl.workbook import read as read_module

    asked: list[list[str]] = []
    real = read_module.read_workbook

    def counting(path, tables=(), columns=False, **steps):
        asked.append(list(tables))
        return real(path, tables, columns=columns, **steps)

    monkeypatch.setattr("kpi_xl.workbook.refresh.read_workbook", counting)
    return asked
