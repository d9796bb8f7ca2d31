"""The cache of parsed tables filled in the background (kpi_xl.workbook.parse_cache.BackgroundStores): a
refresh computes and writes while its tables are stored, and what is stored is each table as parsed."""

from __future__ import annotations

import threading

import pytest

from kpi_xl.workbook import parse_cache
from kpi_xl.workbook import refresh as refresh_module
from kpi_xl.workbook.refresh import refresh_file
from tests.workbooks import NOW, TODAY, demo_workbook


def test_the_cache_is_filled_in_the_background_with_the_tables_as_parsed(tmp_path, monkeypatch):
    """The stores run beside the computing, which makes new frames (one spelling per name) from the
    parsed ones: what is stored is the table as parsed, so a second refresh writes the same pages."""
    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    book = demo_workbook(tmp_path / "book.xlsm", seed=11, messy=True)
    first = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    assert len(list((tmp_path / "cache").iterdir())) >= 4  # stored before refresh_file returned
    second = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    third = refresh_file(book, month="2026-09", now=NOW, today=TODAY)
    assert first.plan.sheets() == second.plan.sheets() == third.plan.sheets()


def test_a_failed_refresh_waits_for_no_store_it_did_not_begin(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    book = demo_workbook(tmp_path / "book.xlsm")
    before = book.read_bytes()

    def fails(*args, **kwargs):
        raise RuntimeError("computing failed")

    monkeypatch.setattr(refresh_module, "plan_for", fails)
    with pytest.raises(RuntimeError, match="computing failed"):
        refresh_file(book, month="2026-10", now=NOW, today=TODAY)
    assert book.read_bytes() == before
    assert not [t for t in threading.enumerate() if t.name.startswith("kpi-xl-cache")]
    assert not [p for p in (tmp_path / "cache").glob(".tmp-*")]  # nothing half-written


def test_background_stores_hand_over_a_snapshot(tmp_path, monkeypatch):
    """A frame changed after it was handed over (a new column, a column replaced) is stored as handed."""
    import pandas as pd

    from kpi_xl.tables.parse import ParsedTable

    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    frame = pd.DataFrame({"owner": pd.Series(["Jan", None, "Piet"], dtype=object), "value": [1.0, 2.5, None],
                          "_row": [2, 3, 4]})  # (text as the parsing leaves it: object columns)
    parsed = ParsedTable("Deals", frame, headers={"owner": "Eigenaar"})
    hold = threading.Event()
    real = parse_cache.store
    monkeypatch.setattr(parse_cache, "store", lambda key, table: hold.wait(30) and real(key, table))
    with parse_cache.BackgroundStores() as stores:
        stores.add("k" * 40, parsed)
        # (the refresh's own frames are never changed so, but a store must not depend on it)
        frame["owner"] = pd.Series(["X", "Y", "Z"], dtype=object)
        frame["extra"] = 1
        parsed.headers["value"] = "Waarde"
        hold.set()
    kept = parse_cache.load("k" * 40, "Deals")
    assert kept.frame["owner"].tolist() == ["Jan", None, "Piet"] and "extra" not in kept.frame
    assert kept.headers == {"owner": "Eigenaar"}


def test_tables_handed_over_from_several_threads_at_once_are_all_stored(tmp_path, monkeypatch):
    """The refresh's two reading threads hand their tables over as each is parsed."""
    import pandas as pd

    from kpi_xl.tables.parse import ParsedTable

    monkeypatch.setenv("KPI_XL_CACHE", str(tmp_path / "cache"))
    start = threading.Barrier(8)

    def hand_over(stores, i):
        frame = pd.DataFrame({"owner": pd.Series([f"rep {i}", None], dtype=object), "_row": [2, 3]})
        start.wait(10)
        stores.add(f"{i:040d}", ParsedTable("Deals", frame))

    with parse_cache.BackgroundStores() as stores:
        threads = [threading.Thread(target=hand_over, args=(stores, i)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert stores.wait() == 8
    kept = [parse_cache.load(f"{i:040d}", "Deals").frame["owner"][0] for i in range(8)]
    assert kept == [f"rep {i}" for i in range(8)]
