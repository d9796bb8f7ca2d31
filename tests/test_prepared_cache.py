"""The cache of prepared tables (kpi_xl.workbook.prepared_cache): a refresh of another month, data and config
unchanged, reads no data sheet and prepares nothing, and writes every cell as a refresh without the cache.

Every test has its own empty cache folder (tests/conftest.py).
"""

from __future__ import annotations

import dataclasses
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from kpi_xl.config import load_config, parse_config
from kpi_xl.month import Prepared, prepare
from kpi_xl.workbook import parse_cache, prepared_cache
from kpi_xl.workbook import read as read_module
from kpi_xl.workbook.refresh import cache_keys, load_prepared, load_tables, refresh_file
from tests.workbooks import NOW, TODAY, at_once, demo_workbook
from tests.workbooks import damage as damage_entry

SETTINGS = load_config()


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame, name: str) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


def _same_problems(a, b) -> None:
    assert a == b
    assert [repr(p.value) for p in a] == [repr(p.value) for p in b]
    assert [repr(p.params) for p in a] == [repr(p.params) for p in b]


def _same_prepared(a: Prepared, b: Prepared) -> None:
    """Every field the codec keeps, compared exactly (a field it does not know fails the FIELDS test)."""
    for name in prepared_cache.FRAMES:
        if name != "arrays":
            _frames_equal(prepared_cache._get(a, name), prepared_cache._get(b, name), name)
    ta, tb = a.tables, b.tables
    _same_problems(ta.problems, tb.problems)
    assert (ta.history_source, ta.headers, ta.left_out_ids, ta.stage_columns) == \
           (tb.history_source, tb.headers, tb.left_out_ids, tb.stage_columns)
    assert ta.unknown_stages.keys() == tb.unknown_stages.keys()
    for name, frame in ta.unknown_stages.items():
        _frames_equal(frame, tb.unknown_stages[name], f"unknown stages {name}")
    _same_problems(a.timeline.problems, b.timeline.problems)
    assert a.timeline.stage_names == b.timeline.stage_names
    np.testing.assert_array_equal(a.timeline.activity_codes(ta.activities), b.timeline.activity_codes(tb.activities))
    assert a.qualification.criteria == b.qualification.criteria
    _same_problems(a.qualification.problems, b.qualification.problems)
    _same_problems(a.problems, b.problems)
    assert (a.months, a.dated_months) == (b.months, b.dated_months)
    np.testing.assert_array_equal(a.activity_customers, b.activity_customers)
    assert a.activity_customers.dtype == b.activity_customers.dtype


def _entry():
    found = [p for p in parse_cache.cache_folder().iterdir() if p.name.startswith("prepared-")]
    assert len(found) == 1, found
    return found[0]


def _plan_without_cache(path, month, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setenv("KPI_XL_CACHE", "off")
        return refresh_file(path, month=month, now=NOW, today=TODAY).plan.sheets()


@pytest.mark.parametrize("seed,messy", [(7, False), (7, True), (11, True), (23, True)])
def test_another_month_reads_no_data_sheet_and_writes_every_cell_alike(tmp_path, reads, monkeypatch, seed, messy):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=seed, messy=messy)
    refresh_file(path, month="2026-10", now=NOW, today=TODAY)
    _entry()
    again = refresh_file(path, month="2026-09", now=NOW, today=TODAY)
    assert reads[-1] == []  # no data table read: everything came prepared
    assert again.report.problems or not messy  # a messy company's problems came back too
    assert again.plan.sheets() == _plan_without_cache(path, "2026-09", monkeypatch)


def test_the_prepared_tables_come_back_as_they_were(tmp_path):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=11, messy=True)
    tables, _ = load_tables(path, SETTINGS)
    prepared = prepare(tables, SETTINGS)
    assert prepared.problems and prepared.tables.problems  # the messy company gives every list something
    key = prepared_cache.key_for(cache_keys(path, SETTINGS))
    assert prepared_cache.store(key, prepared_cache.snapshot(prepared))
    back = prepared_cache.load(key, SETTINGS)
    _same_prepared(prepared, back)
    assert back.settings is SETTINGS


def test_a_column_shared_between_frames_is_stored_once_and_comes_back_copy_on_write(tmp_path, reads):
    """The parsed tables' columns are taken from their own entries in the parse cache; a column of one
    frame that another frame shares is stored once; shared columns come back copy-on-write."""
    import json

    path = demo_workbook(tmp_path / "demo.xlsm")
    with parse_cache.BackgroundStores() as stores:
        prepared, _ = load_prepared(path, SETTINGS, stores)
    described = json.loads((_entry() / "prepared.json").read_text(encoding="utf-8"))
    frames = described["frames"]
    assert sorted(described["tables"]) == ["Activities", "Customers", "Deals", "Leads"]
    assert frames["arrays"]["columns"] == ["activity_customers", "activity_codes"]
    activities = frames["tables.activities"]
    assert len(activities["same"]) == len(activities["columns"])  # all of it from the parsed Activities' entry
    owner = frames["scored_activities"]["columns"].index("owner")
    assert frames["scored_activities"]["same"][str(owner)] == ["Activities/frame", activities["columns"].index("owner")]
    assert "points" not in [frames["scored_activities"]["columns"][int(i)] for i in frames["scored_activities"]["same"]]
    with parse_cache.BackgroundStores() as stores:
        back, _ = load_prepared(path, SETTINGS, stores)
    assert reads[-1] == []
    _same_prepared(prepared, back)
    scored, activities = back.scored_activities, back.tables.activities
    before = activities["owner"].copy()
    scored.loc[scored.index[0], "owner"] = "iemand anders"
    pd.testing.assert_series_equal(activities["owner"], before)  # the table's column did not change with it
    _same_prepared(prepared, load_prepared_again(path))


def test_a_parsed_table_gone_from_the_cache_makes_the_entry_unusable(tmp_path, reads, monkeypatch):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=11, messy=True)
    refresh_file(path, month="2026-10", now=NOW, today=TODAY)
    shutil.rmtree(parse_cache.cache_folder() / cache_keys(path, SETTINGS)["Activities"])  # pruned, say
    again = refresh_file(path, month="2026-09", now=NOW, today=TODAY)
    assert reads[-1] == ["Activities", "StageHistory"]  # read again; the other tables from their entries
    assert again.plan.sheets() == _plan_without_cache(path, "2026-09", monkeypatch)
    refresh_file(path, month="2026-08", now=NOW, today=TODAY)
    assert reads[-1] == []


def load_prepared_again(path):
    with parse_cache.BackgroundStores() as stores:
        return load_prepared(path, SETTINGS, stores)[0]


@pytest.mark.parametrize("damage", ["truncated", "bit", "foreign_json", "other_key", "garbage", "missing",
                                    "shared_out_of_order"])
def test_a_damaged_or_foreign_entry_is_ignored_removed_and_rebuilt(tmp_path, reads, monkeypatch, damage):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=7, messy=True)
    refresh_file(path, month="2026-10", now=NOW, today=TODAY)
    entry = _entry()
    arrow, description = entry / "timeline.events.arrow", entry / "prepared.json"
    if damage == "other_key":  # another entry's description put under this key
        text = description.read_text(encoding="utf-8")
        assert entry.name in text
        description.write_text(text.replace(entry.name, "prepared-" + "1" * 40), encoding="utf-8")
    elif damage == "shared_out_of_order":  # a column said to be another frame's, which comes later
        import json

        described = json.loads(description.read_text(encoding="utf-8"))
        described["frames"]["tables.leads"]["same"] = {"0": ["scored_activities", 1]}
        description.write_text(json.dumps(described), encoding="utf-8")
    else:
        assert damage_entry(arrow, description, damage)
    again = refresh_file(path, month="2026-09", now=NOW, today=TODAY)
    assert reads[-1] == ["StageHistory"]  # prepared again, from the parsed tables (StageHistory has none)
    assert again.plan.sheets() == _plan_without_cache(path, "2026-09", monkeypatch)
    assert (_entry() / "prepared.json").is_file()  # stored again, and good
    refresh_file(path, month="2026-08", now=NOW, today=TODAY)
    assert reads[-1] == []


def test_a_changed_table_config_or_code_is_another_key(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "demo.xlsm")
    keys = cache_keys(path, SETTINGS)
    key = prepared_cache.key_for(keys)
    assert key == prepared_cache.key_for(dict(reversed(keys.items())))  # the order of the tables does not matter
    assert prepared_cache.key_for({**keys, "Deals": "0" * 40}) != key
    raw = (prepared_cache.Path(__file__).resolve().parents[1] / "config" / "kpi.yaml").read_text(encoding="utf-8")
    other = parse_config(raw.replace("aliases: [quote, voorstel, proposal]", "aliases: [quote, voorstel]"))
    assert prepared_cache.key_for(cache_keys(path, other)) != key
    monkeypatch.setattr(parse_cache, "_code", ["another version of kpi_xl"])
    assert prepared_cache.key_for(cache_keys(path, SETTINGS)) != key  # through every table's key
    assert prepared_cache.key_for({name: k for name, k in keys.items() if name != "Customers"}) is None


def test_the_code_fingerprint_follows_every_module(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_cache, "_code", [])
    first = parse_cache.code_fingerprint()
    module = prepared_cache.Path(prepared_cache.__file__).resolve().parents[1] / "kpis" / "velocity.py"
    stat = module.stat()
    try:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        monkeypatch.setattr(parse_cache, "_code", [])
        assert parse_cache.code_fingerprint() != first
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("kind", list(prepared_cache.FIELDS))
def test_the_codec_knows_every_field(kind):
    """A field added to Prepared, Tables, Timeline or Qualification must be added to the codec (or no
    refresh would find an entry: the store refuses what it does not know)."""
    assert tuple(f.name for f in dataclasses.fields(kind)) == prepared_cache.FIELDS[kind]


def test_an_unknown_field_or_value_is_not_stored(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "demo.xlsm")
    tables, _ = load_tables(path, SETTINGS)
    prepared = prepare(tables, SETTINGS)
    with monkeypatch.context() as patch:
        patch.setitem(prepared_cache.FIELDS, Prepared, prepared_cache.FIELDS[Prepared][:-1])
        assert prepared_cache.store("prepared-" + "a" * 40, prepared) is False
    odd = dataclasses.replace(prepared, months=[pd.Period("2026-01", "M")])  # not JSON
    assert prepared_cache.store("prepared-" + "a" * 40, odd) is False
    assert not [p for p in parse_cache.cache_folder().iterdir() if p.name.startswith("prepared-")]


def test_a_file_changed_while_it_is_read_is_not_stored(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "demo.xlsm")
    other = demo_workbook(tmp_path / "other.xlsm", seed=8)
    real = read_module.read_workbook

    def swapping(p, tables=(), columns=False, **steps):
        done = real(p, tables, columns=columns, **steps)
        beside = path.with_suffix(".sync")
        shutil.copyfile(other, beside)
        os.replace(beside, path)  # a sync client puts another version in place after the reading
        return done

    monkeypatch.setattr("kpi_xl.workbook.refresh.read_workbook", swapping)
    with parse_cache.BackgroundStores() as stores:
        load_prepared(path, SETTINGS, stores)
    assert not [p for p in parse_cache.cache_folder().iterdir() if p.name.startswith("prepared-")]


def test_two_refreshes_at_once(tmp_path):
    paths = [demo_workbook(tmp_path / f"demo{i}.xlsm") for i in range(2)]  # the same content twice
    results = at_once(lambda p: refresh_file(p, month="2026-10", now=NOW, today=TODAY).plan.sheets(), paths)
    assert results[0] == results[1]
    _entry()
    assert not [p for p in parse_cache.cache_folder().iterdir() if p.name.startswith(".tmp-")]
    assert refresh_file(paths[0], month="2026-10", now=NOW, today=TODAY).plan.sheets() == results[0]
