"""The cache of parsed tables (kpi_xl.workbook.parse_cache): a second refresh of unchanged data does not
read the tables again, and changes no number.

Every test has its own empty cache folder (tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from kpi_xl.config import load_config, parse_config
from kpi_xl.tables.parse import ParsedTable
from kpi_xl.workbook import parse_cache
from kpi_xl.workbook import read as read_module
from kpi_xl.workbook.refresh import cache_keys, load_tables, refresh_file
from kpi_xl.workbook.write import write_owned_sheets
from tests.workbooks import NOW, TODAY, at_once, demo_workbook
from tests.workbooks import damage as damage_entry

SETTINGS = load_config()
FRAMES = ("leads", "activities", "deals", "customers", "stage_events")


def _same_tables(a, b) -> None:
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True, obj=name)
    assert a.problems == b.problems
    assert [p.params for p in a.problems] == [p.params for p in b.problems]
    assert a.headers == b.headers and a.left_out_ids == b.left_out_ids and a.history_source == b.history_source
    assert a.stage_columns == b.stage_columns and a.unknown_stages.keys() == b.unknown_stages.keys()
    for name, found in a.unknown_stages.items():
        pd.testing.assert_frame_equal(found, b.unknown_stages[name], check_exact=True, obj=f"unknown {name}")


def _entries() -> list[Path]:
    folder = parse_cache.cache_folder()
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []


@pytest.mark.parametrize("seed,messy", [(7, False), (7, True), (11, True)])
def test_second_read_comes_from_the_cache_and_is_identical(tmp_path, reads, seed, messy):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=seed, messy=messy)
    first, _ = load_tables(path, SETTINGS)
    assert len(_entries()) == 4  # Leads, Activities, Deals, Customers
    second, _ = load_tables(path, SETTINGS)
    assert reads == [["Leads", "Activities", "Deals", "Customers", "StageHistory"], ["StageHistory"]]
    _same_tables(first, second)
    os.environ["KPI_XL_CACHE"] = "off"
    _same_tables(load_tables(path, SETTINGS)[0], second)


def test_refresh_with_and_without_the_cache_writes_the_same_plan(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "demo.xlsm", seed=11, messy=True)
    plans = []
    for cache in ("first", "second", "off"):
        if cache == "off":
            monkeypatch.setenv("KPI_XL_CACHE", "off")
        plans.append(refresh_file(path, month="2026-09", now=NOW, today=TODAY).plan.sheets())
    assert plans[0] == plans[1] == plans[2]


def test_a_refresh_writing_the_pages_keeps_the_tables_cached(tmp_path, reads):
    """The owned sheets change at every refresh; the tables' keys do not. (The second refresh reads no
    data sheet at all: its tables come prepared, see tests/test_prepared_cache.py.)"""
    path = demo_workbook(tmp_path / "demo.xlsm")
    before = cache_keys(path, SETTINGS)
    refresh_file(path, now=NOW, today=TODAY)
    assert cache_keys(path, SETTINGS) == before
    refresh_file(path, month="2026-08", now=NOW, today=TODAY)
    assert reads[-1] == []


def test_a_changed_table_is_read_again_and_the_others_come_from_the_cache(tmp_path, reads):
    path = demo_workbook(tmp_path / "demo.xlsm")
    load_tables(path, SETTINGS)
    other = demo_workbook(tmp_path / "other.xlsm", seed=8)  # another company: every table differs
    shutil.copyfile(other, path)
    changed, _ = load_tables(path, SETTINGS)
    assert reads[-1] == ["Leads", "Activities", "Deals", "Customers", "StageHistory"]
    os.environ["KPI_XL_CACHE"] = "off"
    _same_tables(changed, load_tables(other, SETTINGS)[0])


def test_one_changed_sheet_costs_that_table_only(tmp_path, reads):
    from kpi_xl.sample import generate
    from kpi_xl.workbook.new import fill_tables

    path = demo_workbook(tmp_path / "demo.xlsm")
    load_tables(path, SETTINGS)
    rows = generate(seed=7).rows()
    deals = rows["Deals"]
    deals[5][3] = 123456.0  # one deal's value
    fill_tables(path, {"Deals": deals}, SETTINGS)
    tables, _ = load_tables(path, SETTINGS)
    assert reads[-1] == ["Deals", "StageHistory"]
    assert 123456.0 in tables.deals["value"].tolist()


def test_a_changed_config_is_a_different_key(tmp_path, reads):
    path = demo_workbook(tmp_path / "demo.xlsm")
    load_tables(path, SETTINGS)
    raw = (Path(__file__).resolve().parents[1] / "config" / "kpi.yaml").read_text(encoding="utf-8")
    other = parse_config(raw.replace("aliases: [quote, voorstel, proposal]", "aliases: [quote, voorstel]"))
    assert cache_keys(path, other) != cache_keys(path, SETTINGS)
    load_tables(path, other)
    assert reads[-1] == ["Leads", "Activities", "Deals", "Customers", "StageHistory"]


@pytest.mark.parametrize("damage", ["truncated", "bit", "foreign_json", "other_key", "garbage", "missing",
                                    "spelled"])
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(tmp_path, reads, damage):
    path = demo_workbook(tmp_path / "demo.xlsm", messy=True)
    first, _ = load_tables(path, SETTINGS)
    keys = cache_keys(path, SETTINGS)
    entry = parse_cache.cache_folder() / keys["Deals"]
    arrow, description = entry / "frame.arrow", entry / "table.json"
    if damage == "other_key":  # an entry copied under another table's key
        shutil.rmtree(entry)
        shutil.copytree(parse_cache.cache_folder() / keys["Leads"], entry)
    elif damage == "spelled":  # another text among the ids' spellings
        spelled = entry / "spelled.json"
        spelled.write_text(spelled.read_text(encoding="utf-8").replace('"', '"x', 1), encoding="utf-8")
    else:
        assert damage_entry(arrow, description, damage)
    second, _ = load_tables(path, SETTINGS)
    assert reads[-1] == ["Deals", "StageHistory"]  # the damaged one is read again, the others are not
    _same_tables(first, second)
    assert (entry / "table.json").is_file()  # and stored again
    _same_tables(first, load_tables(path, SETTINGS)[0])


def test_the_cache_off_stores_nothing(tmp_path, monkeypatch, reads):
    monkeypatch.setenv("KPI_XL_CACHE", "off")
    path = demo_workbook(tmp_path / "demo.xlsm")
    load_tables(path, SETTINGS)
    load_tables(path, SETTINGS)
    assert reads[-1] == ["Leads", "Activities", "Deals", "Customers", "StageHistory"]
    assert cache_keys(path, SETTINGS) == {}


def test_an_unwritable_cache_folder_does_not_stop_the_refresh(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KPI_XL_CACHE", str(blocker / "tables"))
    path = demo_workbook(tmp_path / "demo.xlsm")
    assert refresh_file(path, now=NOW, today=TODAY).report is not None


def test_a_file_changed_while_it_is_read_is_not_stored(tmp_path, monkeypatch):
    """The keys are taken again after each table is read: content read from a file that changed meanwhile
    is not stored under the old file's keys."""
    path = demo_workbook(tmp_path / "demo.xlsm")
    other = demo_workbook(tmp_path / "other.xlsm", seed=8)
    real = read_module.read_workbook

    def swapping(p, tables=(), columns=False, each_table=None, **steps):
        def swap_then(name, table, first_row):
            # a sync client puts another version in place (written beside it, then renamed over it) while
            # the tables are read (two reading threads: a name of its own for each)
            beside = path.with_suffix(f".{name}.sync")
            shutil.copyfile(other, beside)
            os.replace(beside, path)
            return each_table(name, table, first_row)

        return real(p, tables, columns=columns, each_table=swap_then, **steps)

    monkeypatch.setattr("kpi_xl.workbook.refresh.read_workbook", swapping)
    load_tables(path, SETTINGS)
    assert _entries() == []


def test_two_refreshes_at_once(tmp_path):
    paths = [demo_workbook(tmp_path / f"demo{i}.xlsm") for i in range(2)]  # the same content twice
    results = at_once(lambda p: load_tables(p, SETTINGS)[0], paths)
    _same_tables(results[0], results[1])
    assert len(_entries()) == 4
    assert not [p for p in parse_cache.cache_folder().iterdir() if p.name.startswith(".tmp-")]
    _same_tables(results[0], load_tables(paths[0], SETTINGS)[0])


def test_the_folder_is_bounded_least_recently_used_first(tmp_path, monkeypatch):
    path_a = demo_workbook(tmp_path / "a.xlsm", seed=7)
    path_b = demo_workbook(tmp_path / "b.xlsm", seed=8)
    load_tables(path_a, SETTINGS)
    a_entries = _entries()
    size_a = sum(f.stat().st_size for e in a_entries for f in e.iterdir())
    old = dt.datetime(2026, 1, 1).timestamp()
    for entry in a_entries:
        os.utime(entry, (old, old))
    monkeypatch.setattr(parse_cache, "MAX_BYTES", size_a + 10)
    load_tables(path_b, SETTINGS)  # b's entries push a's out
    remaining = _entries()
    assert not set(a_entries) & set(remaining)
    assert sum(f.stat().st_size for e in remaining for f in e.iterdir()) <= size_a + 10


@pytest.mark.parametrize("other", [1.5, float("nan"), pd.NA, pd.NaT, True, dt.date(2026, 1, 2)])
def test_values_arrow_cannot_keep_exactly_are_not_cached(other):
    """Text beside anything but None in one column (a number, NaN, pd.NA, a date) would not come back as
    it was: such a table is not cached."""
    frame = pd.DataFrame({"x": pd.Series(["a", other], dtype=object)}).set_axis(pd.RangeIndex(2, 4))
    assert parse_cache.store("k" * 40, ParsedTable("Leads", frame)) is False
    assert _entries() == []


def test_text_and_empties_come_back_as_they_were():
    frame = pd.DataFrame({"x": pd.Series(["a", None, "b", "a", None], dtype=object)}).set_axis(pd.RangeIndex(2, 7))
    assert parse_cache.store("k" * 40, ParsedTable("Leads", frame)) is True
    back = parse_cache.load("k" * 40, "Leads").frame
    assert back["x"].dtype == object and back["x"].tolist() == ["a", None, "b", "a", None]


def test_load_many_gives_each_table_found_and_leaves_out_the_others():
    frames = {name: pd.DataFrame({"owner": pd.Series([name, None, "Anna"], dtype=object), "value": [1.0, 2.5, None]})
              .set_axis(pd.RangeIndex(2, 5)) for name in ("Leads", "Deals", "Customers")}
    for name, key in (("Leads", "a"), ("Deals", "b"), ("Customers", "c")):
        assert parse_cache.store(key * 40, ParsedTable(name, frames[name]))
    (next(e for e in _entries() if e.name == "c" * 40) / "frame.arrow").write_bytes(b"not arrow")  # damaged
    got = parse_cache.load_many({"Leads": "a" * 40, "Deals": "b" * 40, "Customers": "c" * 40, "Activities": "d" * 40})
    assert sorted(got) == ["Deals", "Leads"]
    for name in got:
        pd.testing.assert_frame_equal(got[name].frame, frames[name], check_exact=True)
    assert parse_cache.load_many({}) == {}


def test_every_value_kind_of_a_problem_round_trips(tmp_path):
    from kpi_xl.errors import Problem

    values = [None, "tekst", True, 3, 2.5, float("nan"), dt.datetime(2026, 3, 1, 10, 30), dt.date(2026, 3, 1),
              dt.time(9, 15)]
    problems = [Problem("Leads", 2 + i, "created", v, "bad_date", {"consequence": "left_out", "value": v})
                for i, v in enumerate(values)]
    frame = pd.DataFrame({"lead_id": pd.Series(["L1", None], dtype=object, index=pd.RangeIndex(2, 4)), "created": pd.to_datetime(["2026-01-02", None]).astype("datetime64[ns]"),
                          "employees": [1.0, float("nan")], "qualified": pd.array([True, None], dtype="boolean"),
                          "_row": [2, 3]}, index=pd.RangeIndex(2, 4))
    parsed = ParsedTable("Leads", frame, problems, {"lead_id": "Lead nr"}, None, {"owner": frozenset({"A", "B"})},
                         frozenset({"L9"}))
    assert parse_cache.store("k" * 40, parsed)
    back = parse_cache.load("k" * 40, "Leads")
    pd.testing.assert_frame_equal(back.frame, frame, check_exact=True)
    assert [repr(p.value) for p in back.problems] == [repr(v) for v in values]
    assert [repr(p.params["value"]) for p in back.problems] == [repr(v) for v in values]
    assert (back.headers, back.spelled, back.left_out_ids) == (parsed.headers, parsed.spelled, parsed.left_out_ids)
    assert parse_cache.load("k" * 40, "Deals") is None  # stored for another table: not trusted, removed
    assert parse_cache.load("k" * 40, "Leads") is None


def test_the_default_folder_is_the_users_cache_folder(monkeypatch):
    from platformdirs import user_cache_dir

    monkeypatch.delenv("KPI_XL_CACHE")
    assert parse_cache.cache_folder() == Path(user_cache_dir("kpi_xl", appauthor=False)) / "tables"
    monkeypatch.setenv("KPI_XL_CACHE", "OFF")
    assert parse_cache.cache_folder() is None


def test_a_refresh_of_a_workbook_with_owned_pages_written_meanwhile(tmp_path, reads):
    """Writing the owned sheets (as Excel's button route would leave them) keeps the data tables' keys."""
    path = demo_workbook(tmp_path / "demo.xlsm")
    keys = cache_keys(path, SETTINGS)
    write_owned_sheets(path, {"Checks": {(3, 0): "iets"}})
    assert cache_keys(path, SETTINGS) == keys


def test_the_stage_report_comes_back_from_the_cache(tmp_path, reads):
    """`kpi-xl check` words the unknown stages and the stages with a date column from the parsed tables:
    they come back from the cache as they were parsed."""
    from kpi_xl.sample import generate
    from kpi_xl.workbook.new import fill_tables, new_workbook

    rows = generate(seed=7).rows()
    stage = rows["Deals"][0].index("stage")
    for row in rows["Deals"][3:9]:
        row[stage] = "Demo"
    path = new_workbook(tmp_path / "demo.xlsm")
    fill_tables(path, rows, SETTINGS)
    first, _ = load_tables(path, SETTINGS)
    second, _ = load_tables(path, SETTINGS)
    assert reads[-1] == ["StageHistory"]
    assert first.unknown_stages["Deals"][["stage", "count"]].values.tolist() == [["Demo", 6]]
    assert second.unknown_stages["Deals"]["rows"].tolist() == [(4, 5, 6, 7, 8)]  # rows[3] is Excel row 4
    assert second.stage_columns == tuple(SETTINGS.stage_names)
    _same_tables(first, second)
