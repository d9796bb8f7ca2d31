"""The month-independent work of a refresh kept between refreshes, so a refresh of another month with the
data unchanged starts at the month.

:func:`kpi_xl.month.prepare` turns the tables into deal timelines, qualified leads and scored activities;
it depends on nothing but the tables and the config. When every data table of the workbook has a key in
the parse cache (:mod:`kpi_xl.workbook.parse_cache`: its parts unchanged, the same config, versions and
modules of kpi_xl), the :class:`~kpi_xl.month.Prepared` built from them is stored under one key made of
those keys. It lives beside the parsed tables, with the same rules:

* an entry is a folder written under a temporary name and renamed into place whole;
* nothing is trusted blindly: the description names the key and the format, every Arrow file must have
  the size and CRC-32 it says, or the entry is removed and the tables are read and prepared again. No
  pickle;
* a column that is the very array of a column stored before (a frame made from another shares its
  columns) is stored once, and comes back shared copy-on-write; so is a column of a parsed table whose
  entry is in the parse cache: the entry names those entries, and a load takes them from there (checked
  as every entry is). The entry of the prepared tables then holds what preparing derived, little more;
* anything the codec does not know (a new field, an unusual value in a problem) means no entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.kpis.qualified_leads import Qualification
from kpi_xl.kpis.timeline import Timeline
from kpi_xl.month import Prepared
from kpi_xl.tables import TABLE_NAMES, Tables
from kpi_xl.tables.parse import ParsedTable
from kpi_xl.workbook import parse_cache as pc

__all__ = ["FORMAT", "key_for", "load", "snapshot", "store"]

FORMAT = 1
# every field of these dataclasses, as the codec below keeps it: a field added to one of them is not kept,
# so an entry is not written (and a test says which field)
FIELDS = {
    Prepared: ("tables", "settings", "timeline", "qualification", "scored_activities", "problems", "months",
               "dated_months", "activity_customers"),
    Tables: ("leads", "activities", "deals", "customers", "stage_events", "history_source", "problems", "headers",
             "left_out_ids", "stage_columns", "unknown_stages"),
    Timeline: ("deals", "events", "stays", "problems", "stage_names", "_activity_codes"),
    Qualification: ("leads", "criteria", "problems"),
}
# the frames, in the order they are stored and decoded (a shared column refers to one before it)
FRAMES = ("tables.leads", "tables.activities", "tables.deals", "tables.customers", "tables.stage_events",
          "timeline.deals", "timeline.events", "timeline.stays", "qualification.leads", "scored_activities",
          "arrays")


def key_for(keys: dict[str, str]) -> str | None:
    """The key of the prepared tables, from every table's parse-cache key (each already names the config
    and the code, :func:`~kpi_xl.workbook.parse_cache.code_fingerprint`); None when a data table has none."""
    if any(name not in keys for name in TABLE_NAMES):
        return None
    described = [FORMAT, sorted(keys.items())]
    return "prepared-" + hashlib.blake2b(json.dumps(described).encode(), digest_size=20).hexdigest()


def snapshot(prepared: Prepared) -> Prepared:
    """A copy to store while the refresh goes on with the original: frames shallow-copied (copy-on-write:
    the refresh's changes make new arrays), lists and dicts copied."""
    activities = prepared.tables.activities
    tables = dataclasses.replace(
        prepared.tables, **{f: getattr(prepared.tables, f).copy(deep=False) for f in _table_frames()},
        problems=list(prepared.tables.problems), headers=dict(prepared.tables.headers),
        left_out_ids=dict(prepared.tables.left_out_ids), unknown_stages=dict(prepared.tables.unknown_stages))
    timeline = dataclasses.replace(
        prepared.timeline, deals=prepared.timeline.deals.copy(deep=False),
        events=prepared.timeline.events.copy(deep=False), stays=prepared.timeline.stays.copy(deep=False),
        problems=list(prepared.timeline.problems),
        # the deal codes of the activities, if worked out, belong to the snapshot's activities now
        _activity_codes={id(tables.activities): (tables.activities, codes) for held, codes in
                         prepared.timeline._activity_codes.values() if held is activities})
    qualification = dataclasses.replace(prepared.qualification, leads=prepared.qualification.leads.copy(deep=False),
                                        problems=list(prepared.qualification.problems))
    return dataclasses.replace(prepared, tables=tables, timeline=timeline, qualification=qualification,
                               scored_activities=prepared.scored_activities.copy(deep=False),
                               problems=list(prepared.problems))


def _table_frames() -> tuple[str, ...]:
    return tuple(name.split(".", 1)[1] for name in FRAMES if name.startswith("tables."))


def store(key: str, prepared: Prepared, parsed: dict[str, tuple[str, ParsedTable]] | None = None) -> bool:
    """Keep ``prepared`` under ``key``; False when it cannot be kept exactly or the folder refuses (never
    raises: a refresh does not fail because of its cache).

    ``parsed``: the parsed tables the prepared ones were made from, by table name, with their keys in the
    parse cache. A column of ``prepared`` that is a column of one of them whose entry is in the cache (a
    table's columns mostly go through preparing unchanged) is stored as a reference to that entry: the
    store then costs the derived columns only, and a load takes the rest from those entries."""
    folder = pc.cache_folder()
    if folder is None:
        return False
    try:
        shared: dict = {}
        tables = {}
        for name, (table_key, table) in (parsed or {}).items():
            if (folder / table_key / "table.json").is_file():  # stored (the stores before this one are done)
                tables[name] = table_key
                pc.share(shared, table.frame, f"{name}/frame")
                if table.stage_dates is not None:
                    pc.share(shared, table.stage_dates, f"{name}/stage_dates")
        encoded = _encode(prepared, shared)
    except Exception:  # noqa: BLE001 - a refresh never fails because of its cache
        return False
    if encoded is None:
        return False
    frames, meta = encoded
    description = {"format": FORMAT, "key": key, "tables": tables, "hashes": {}, "frames": {}, "meta": meta}
    files = {}
    for name, (data, columns) in frames.items():
        files[f"{name}.arrow"] = data
        description["hashes"][name] = pc.digest(data)
        description["frames"][name] = columns
    return pc.write_entry(key, files, "prepared.json", description)


def load(key: str | None, settings: Settings) -> Prepared | None:
    """The prepared tables stored under ``key``, or None (absent, off, or not to be trusted: then removed)."""
    return pc.use_entry(key, lambda entry: _read_entry(entry, key, settings))


# -- encoding ---------------------------------------------------------------------------------------


def _known(obj) -> bool:
    return tuple(f.name for f in dataclasses.fields(obj)) == FIELDS[type(obj)]


def _encode(prepared: Prepared, shared: dict) -> tuple[dict, dict] | None:
    tables, timeline, qualification = prepared.tables, prepared.timeline, prepared.qualification
    if not all(_known(obj) for obj in (prepared, tables, timeline, qualification)):
        return None
    activities = tables.activities
    codes = [held[1] for held in timeline._activity_codes.values() if held[0] is activities]
    arrays = {"activity_customers": prepared.activity_customers}
    if codes:
        arrays["activity_codes"] = codes[0]
    if any(not isinstance(a, np.ndarray) or a.dtype != np.int64 or a.shape != (len(activities),)
           for a in arrays.values()):
        return None
    try:
        meta = {
            "tables": {"history_source": tables.history_source, "problems": pc.problems_json(tables.problems),
                       "headers": tables.headers,
                       "left_out_ids": {name: [pc.value_to_json(v) for v in sorted(ids, key=repr)]
                                        for name, ids in tables.left_out_ids.items()},
                       "stage_columns": list(tables.stage_columns),
                       "unknown_stages": {name: pc.unknown_stages_json(frame)
                                          for name, frame in tables.unknown_stages.items()}},
            "timeline": {"problems": pc.problems_json(timeline.problems), "stage_names": list(timeline.stage_names)},
            "qualification": {"criteria": list(qualification.criteria),
                              "problems": pc.problems_json(qualification.problems)},
            "problems": pc.problems_json(prepared.problems),
            "months": list(prepared.months),
            "dated_months": list(prepared.dated_months),
        }
        json.dumps(meta)  # everything in it is JSON, or nothing is stored
    except (TypeError, ValueError):
        return None
    frames = {}
    for name in FRAMES:
        frame = pd.DataFrame(arrays) if name == "arrays" else _get(prepared, name)
        encoded = pc.frame_bytes(frame, shared, name)
        if encoded is None:
            return None
        frames[name] = encoded
    return frames, meta


def _get(prepared: Prepared, name: str):
    obj = prepared
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


# -- decoding ---------------------------------------------------------------------------------------


def _read_entry(entry: Path, key: str, settings: Settings) -> Prepared:
    description = json.loads((entry / "prepared.json").read_text(encoding="utf-8"))
    if description.get("format") != FORMAT or description.get("key") != key:
        raise ValueError("not this entry")
    if set(description["hashes"]) != set(FRAMES):
        raise ValueError("frames missing")

    def read(name: str) -> bytes:  # reading and hashing leave Python's lock: two at a time
        data = (entry / f"{name}.arrow").read_bytes()
        if pc.digest(data) != description["hashes"][name]:
            raise ValueError("an Arrow file is not the one stored")
        return data

    table_keys = description["tables"]  # the parsed tables' entries the frames take columns from
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpi-xl-cache-load") as pool:
        loading = {name: pool.submit(pc.load_frames, table_key, name) for name, table_key in table_keys.items()}
        data = dict(zip(FRAMES, pool.map(read, FRAMES), strict=True))
        parsed = {name: job.result() for name, job in loading.items()}
    decoded: dict = {}  # the columns a frame may share: the parsed tables' (their entries checked), then its own
    for name, table in parsed.items():
        if table is None:
            raise ValueError(f"the parsed {name} is no longer in the cache")
        for part, frame in table.items():
            if frame is not None:
                for position in range(frame.shape[1]):
                    decoded[(f"{name}/{part}", position)] = frame.iloc[:, position]
    frames = {name: pc.frame_from_bytes(data.pop(name), description["frames"][name], decoded, name)
              for name in FRAMES}
    meta = description["meta"]
    stored = meta["tables"]
    tables = Tables(
        frames["tables.leads"], frames["tables.activities"], frames["tables.deals"], frames["tables.customers"],
        frames["tables.stage_events"], stored["history_source"], pc.problems_from_json(stored["problems"]),
        {name: dict(headers) for name, headers in stored["headers"].items()},
        {name: frozenset(pc.value_from_json(v) for v in ids) for name, ids in stored["left_out_ids"].items()},
        tuple(stored["stage_columns"]),
        {name: pc.unknown_stages_frame(unknown) for name, unknown in stored["unknown_stages"].items()})
    arrays = frames["arrays"]
    activity_codes = {}
    if "activity_codes" in arrays:
        activity_codes[id(tables.activities)] = (tables.activities, arrays["activity_codes"].to_numpy(copy=True))
    timeline = Timeline(frames["timeline.deals"], frames["timeline.events"], frames["timeline.stays"],
                        pc.problems_from_json(meta["timeline"]["problems"]), tuple(meta["timeline"]["stage_names"]),
                        activity_codes)
    qualification = Qualification(frames["qualification.leads"], list(meta["qualification"]["criteria"]),
                                  pc.problems_from_json(meta["qualification"]["problems"]))
    return Prepared(tables, settings, timeline, qualification, frames["scored_activities"],
                    pc.problems_from_json(meta["problems"]), list(meta["months"]), list(meta["dated_months"]),
                    arrays["activity_customers"].to_numpy(copy=True))
