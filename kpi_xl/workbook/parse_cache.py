"""The parsed tables of a workbook kept between refreshes, so a second refresh does not read them again.

A data sheet that has not changed since the last refresh (the same size and CRC-32 of its part, of its
table parts, of the shared strings, styles and workbook parts: all from the zip directory, nothing
inflated) under the same config gives the same :class:`~kpi_xl.tables.parse.ParsedTable`; the cache
keeps it as an Arrow IPC file plus a JSON description, under the user's cache folder (never inside the
workbook):

* Linux ``~/.cache/kpi_xl/tables``, Mac ``~/Library/Caches/kpi_xl/tables``, Windows
  ``%LOCALAPPDATA%\\kpi_xl\\Cache\\tables`` (platformdirs); ``KPI_XL_CACHE`` names another folder, or
  ``off`` to use none.
* An entry is a folder ``<key>/`` written under a temporary name and renamed into place whole, so a
  reader sees a complete entry or none; two refreshes at once both work (the second rename loses and
  is thrown away).
* Nothing is trusted blindly: the description must name the key, the format and the table it was
  stored for, and every file must have the size and CRC-32 the description says (:func:`digest`), or
  the entry is removed and the table read again. No pickle: a cache file can hold data, never code.
* Bounded: after a store the oldest entries (by last use) go until the folder holds at most
  ``MAX_BYTES``; a hit marks its entry as used.

A table whose frame holds something Arrow cannot keep exactly (texts and numbers mixed in one
column, say) is simply not cached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import threading
import time
import uuid
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.errors import Problem
from kpi_xl.tables.parse import ParsedTable
from kpi_xl.tables.stage_check import UNKNOWN_COLUMNS, no_unknown_stages
from kpi_xl.workbook.cache_place import cache_folder
from kpi_xl.workbook.inflate import crc32

__all__ = ["MAX_BYTES", "BackgroundStores", "cache_folder", "load", "load_frames", "load_many", "store", "table_keys"]

FORMAT = 6  # 6: CRC-32 and size (5: SHA-256, 8x slower); 5: the spelled texts in a file of their own
MAX_BYTES = 2 * 1024**3
_STALE_TEMP = 3600.0  # seconds after which a half-written entry of a killed refresh is removed
_FRAMES = ("frame", "stage_dates")


_code: list[str] = []


def code_fingerprint() -> str:
    """The size and modification time of every module of kpi_xl (some 150 stat calls, once per process):
    an upgrade, or an edited module, never meets an entry another code made."""
    if not _code:
        home = Path(__file__).resolve().parents[1]
        files = sorted((str(p.relative_to(home)), (st := p.stat()).st_size, st.st_mtime_ns) for p in home.rglob("*.py"))
        _code.append(hashlib.sha256(json.dumps(files).encode()).hexdigest())
    return _code[0]


def table_keys(path: str | Path, tables: dict[str, tuple[str, list[str]]], settings: Settings) -> dict[str, str]:
    """Each table's key: ``tables`` maps a table name to (its sheet part, its sheet's table parts).

    Built from the zip directory (names, sizes, CRC-32 of the parts a table's values come from), the
    config's fingerprint, the versions of the code that parses and kpi_xl's own modules
    (:func:`code_fingerprint`); reading it inflates nothing.
    """
    import fastexcel
    import pyarrow
    import python_calamine

    from kpi_xl import __version__
    from kpi_xl.workbook.package import package_layout

    with zipfile.ZipFile(path) as archive:
        layout = package_layout(archive)
        entries = {info.filename: (info.CRC, info.file_size) for info in archive.infolist()}

        def part(name: str | None) -> list:
            return [name, *entries.get(name, (None, None))] if name else [None, None, None]

        styles = next((n for n in entries if n.endswith("/styles.xml") or n == "styles.xml"), None)
        shared = [part(layout.workbook), part(layout.shared_strings), part(styles)]
        versions = [FORMAT, __version__, code_fingerprint(), pd.__version__, pyarrow.__version__, fastexcel.__version__,
                    getattr(python_calamine, "__version__", "")]
        keys = {}
        for name, (sheet, table_parts) in tables.items():
            folder, file = sheet.rsplit("/", 1) if "/" in sheet else ("", sheet)
            rels = f"{folder}/_rels/{file}.rels" if folder else f"_rels/{file}.rels"
            described = [versions, settings.fingerprint, name, part(sheet), part(rels),
                         [part(t) for t in sorted(table_parts)], shared]
            keys[name] = hashlib.blake2b(json.dumps(described).encode(), digest_size=20).hexdigest()
    return keys


def load(key: str, table: str) -> ParsedTable | None:
    """The table stored under ``key``, or None (absent, off, or not to be trusted: then removed)."""
    return use_entry(key, lambda entry: _read_entry(entry, key, table))


def load_frames(key: str, table: str) -> dict[str, pd.DataFrame | None] | None:
    """Only the frames of the table stored under ``key`` (``frame``, and ``stage_dates`` or None), checked as
    :func:`load` checks them; None when absent, off or not to be trusted (then removed)."""
    return use_entry(key, lambda entry: _read_frames(entry, key, table)[1])


def use_entry(key: str | None, read):
    """``read(folder of the entry)`` for the entry under ``key``; None when there is none, the cache is off,
    or ``read`` finds it not to be trusted (it raises: the entry is removed). A hit marks the entry used."""
    folder = cache_folder()
    entry = None if key is None or folder is None else folder / key
    if entry is None or not entry.is_dir():
        return None
    try:
        found = read(entry)
    except Exception:  # noqa: BLE001 - damaged, foreign or from another version: read the tables again
        shutil.rmtree(entry, ignore_errors=True)
        return None
    try:
        os.utime(entry)  # used now: the pruning keeps it longest
    except OSError:
        pass
    return found


def load_many(keys: dict[str, str]) -> dict[str, ParsedTable]:
    """The tables found in the cache, of ``keys`` (table name → key), loaded two at a time: reading a file,
    checking its hash and opening its Arrow data leave Python's lock (making the text columns' objects
    does not)."""
    if not keys or cache_folder() is None:
        return {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpi-xl-cache-load") as pool:
        found = dict(zip(keys, pool.map(load, keys.values(), keys.keys()), strict=True))
    return {name: parsed for name, parsed in found.items() if parsed is not None}


def store(key: str, parsed: ParsedTable) -> bool:
    """Keep ``parsed`` under ``key``; False when it cannot be kept exactly or the folder refuses (never
    raises: a refresh does not fail because of its cache)."""
    if cache_folder() is None:
        return False
    try:
        files = _encode(parsed)
    except Exception:  # noqa: BLE001 - a refresh never fails because of its cache
        return False
    if files is None:
        return False
    description = {"format": FORMAT, "key": key, "table": parsed.name, "hashes": {}, "meta": files.pop("_meta")}
    # the texts of each id column (thousands of them) only assembling uses: a cache of prepared tables
    # takes the frames alone and does not parse them
    spelled = json.dumps(files.pop("_spelled")).encode("utf-8")
    out = {"spelled.json": spelled}
    description["spelled"] = digest(spelled)
    for name, (data, columns) in files.items():
        out[f"{name}.arrow"] = data
        description["hashes"][name] = digest(data)
        description[name] = columns
    return write_entry(key, out, "table.json", description)


def write_entry(key: str, files: dict[str, bytes], description_file: str, description: dict) -> bool:
    """Write ``files`` (file name → bytes) and ``description`` (as JSON, named ``description_file``) as the
    entry ``key``: in a folder with a temporary name, renamed into place whole (when another refresh
    renamed the same entry first, this one is dropped); then the cache is pruned. False when the folder
    refuses (never raises)."""
    folder = cache_folder()
    if folder is None:
        return False
    temp = folder / f".tmp-{key}-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp.mkdir()
        for name, data in files.items():
            (temp / name).write_bytes(data)
        (temp / description_file).write_text(json.dumps(description), encoding="utf-8")
        try:
            os.rename(temp, folder / key)
        except OSError:  # another refresh stored the same entry meanwhile
            shutil.rmtree(temp, ignore_errors=True)
        prune(folder)
        return True
    except Exception:  # noqa: BLE001 - a refresh never fails because of its cache
        shutil.rmtree(temp, ignore_errors=True)
        return False


class BackgroundStores:
    """Entries stored in one background thread, so a refresh computes and writes its workbook while its
    cache is being filled (storing the largest table takes about as long as parsing it).

    Each table is handed over as a snapshot (its frames shallow-copied, its lists copied): the refresh
    goes on with the table, and its work makes new frames instead of changing these (see
    :func:`kpi_xl.tables.spellings.unify`), so what is stored is the table as parsed. Use as a context
    manager: leaving waits until every entry is stored (or, after an error, drops those not yet begun).
    :meth:`add` may be called from several threads (the refresh's reading threads).
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: list[Future] = []
        self._lock = threading.Lock()

    def add(self, key: str, parsed: ParsedTable) -> None:
        if cache_folder() is None:
            return
        snapshot = dataclasses.replace(
            parsed, frame=parsed.frame.copy(deep=False), problems=list(parsed.problems),
            headers=dict(parsed.headers), spelled=dict(parsed.spelled),
            stage_dates=None if parsed.stage_dates is None else parsed.stage_dates.copy(deep=False))
        self.submit(store, key, snapshot)

    def submit(self, store_function, *args) -> None:
        """Run ``store_function(*args)`` (a store that never raises and returns whether it stored) in the
        background thread, after the stores handed over before it."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-xl-cache")
            self._jobs.append(self._pool.submit(store_function, *args))

    def wait(self, cancel: bool = False) -> int:
        """Wait for the stores (``cancel``: drop those not yet begun); how many entries were stored."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
        return sum(1 for job in self._jobs if not job.cancelled() and job.result())

    def __enter__(self) -> BackgroundStores:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.wait(cancel=kind is not None)


# -- encoding ---------------------------------------------------------------------------------------


def _encode(parsed: ParsedTable) -> dict | None:
    """Arrow bytes and column description per frame, plus everything else as tagged JSON; None when a
    frame cannot be kept exactly."""
    try:
        meta = {
            "problems": problems_json(parsed.problems),
            "headers": dict(parsed.headers),
            "left_out_ids": [value_to_json(v) for v in sorted(parsed.left_out_ids, key=repr)],
            "stage_columns": list(parsed.stage_columns),
            "unknown_stages": None if parsed.unknown_stages is None else unknown_stages_json(parsed.unknown_stages),
        }
    except TypeError:
        return None
    files: dict = {}
    for name in _FRAMES:
        frame = getattr(parsed, name)
        if frame is None:
            continue
        encoded = frame_bytes(frame)
        if encoded is None:
            return None
        files[name] = encoded
    files["_meta"] = meta
    files["_spelled"] = {column: list(texts) for column, texts in parsed.spelled.items()}
    return files


def frame_bytes(frame: pd.DataFrame, shared: dict | None = None, name: str = "") -> tuple[bytes, dict] | None:
    """The frame as an Arrow IPC file and how to rebuild it: its columns, dtypes and index.

    With ``shared`` (one dict for the frames of one entry, encoded in turn, each under its ``name``), a
    column whose values are the very array of a column encoded before (the same memory: a frame made
    from another shares its columns) is described as that column instead of being stored again."""
    import pyarrow as pa

    index = frame.index
    if not isinstance(index, pd.RangeIndex) or not all(isinstance(c, str) for c in frame.columns):
        return None
    arrays, names, dtypes, same = [], [], [], {}
    for position, column in enumerate(frame.columns):
        series = frame[column]
        dtype = str(series.dtype)
        if dtype not in ("object", "float64", "int64", "datetime64[ns]", "datetime64[s]", "bool", "boolean"):
            return None
        values, identity = _identity(series) if shared is not None else (None, None)
        if identity is not None and identity in shared:
            same[str(position)] = shared[identity][0]
            array = pa.nulls(0)  # a placeholder: the column is the one named in ``same``
        elif dtype == "object":
            array = _texts(series.to_numpy(dtype=object))
            if array is None:
                return None
        elif dtype == "boolean":
            array = pa.array(series.to_numpy(dtype=object, na_value=None), type=pa.bool_())
        else:
            array = pa.array(series.to_numpy(), from_pandas=True)
        if identity is not None and identity not in shared:
            shared[identity] = ([name, position], values)  # the values held: no other array takes their place
        arrays.append(array)
        names.append(column)
        dtypes.append(dtype)
    stored = [i for i in range(len(names)) if str(i) not in same]
    table = pa.Table.from_arrays([arrays[i] for i in stored], names=[f"c{i}" for i in stored]) if stored \
        else pa.table({})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    description = {"columns": names, "dtypes": dtypes, "start": index.start, "stop": index.stop,
                   "rows": len(frame), "same": same}
    return sink.getvalue().to_pybytes(), description


def share(shared: dict, frame: pd.DataFrame, name: str) -> None:
    """Note ``frame``'s columns in ``shared`` (see :func:`frame_bytes`) as the columns of ``name``, stored
    elsewhere: a frame encoded after it describes a column with the same values as that one."""
    for position, column in enumerate(frame.columns):
        values, identity = _identity(frame[column])
        if identity is not None:
            shared.setdefault(identity, ([name, position], values))


def _identity(series: pd.Series) -> tuple:
    """A column's values and where they live (address, length, stride, dtype): equal for two columns only
    when they are the same memory, so the same values (whoever notes an identity holds the values, so
    their memory is not freed and taken by other values meanwhile). (None, None) for a column that is not
    one numpy array."""
    if not isinstance(series.array, pd.arrays.NumpyExtensionArray | pd.arrays.DatetimeArray) or not len(series):
        return None, None
    values = series.to_numpy()
    interface = values.__array_interface__
    return values, (interface["data"][0], values.shape, values.strides, values.dtype.str)


def _texts(values: np.ndarray):
    """An object column of texts and empties (None) as an Arrow dictionary array (each distinct text once);
    None when it holds anything else (a number, NaN): such a column is not cached. (Arrow builds the texts
    in one pass and encodes them outside Python's lock: the store runs beside the refresh's computing.)"""
    import pyarrow as pa

    try:  # Arrow refuses anything but text (and None) in a string column
        array = pa.array(values, type=pa.string(), from_pandas=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None
    return array.dictionary_encode()


def digest(data: bytes) -> str:
    """What a stored file must check to: its size and CRC-32, as a zip part is checked (ISA-L's CRC-32, 8×
    faster than SHA-256 here and checked on every hit). The check is against damage, a half-written or
    an exchanged file; the cache folder is the user's own, and a cache file holds data, never code."""
    return f"crc32:{crc32(data):08x}:{len(data)}"


def problems_json(problems: list[Problem]) -> list:
    """Problems as JSON (a value of a kind :func:`value_to_json` does not know raises TypeError)."""
    return [[p.table, p.row, p.column, value_to_json(p.value), p.code,
             {k: value_to_json(v) for k, v in p.params.items()}] for p in problems]


def problems_from_json(problems: list) -> list[Problem]:
    """:func:`problems_json` back."""
    return [Problem(t, row, column, value_from_json(value), code, {k: value_from_json(v) for k, v in params.items()})
            for t, row, column, value, code, params in problems]


def value_to_json(value):
    """A value of a problem as tagged JSON (refused for anything else: the table is then not cached)."""
    if value is None or type(value) in (str, bool, int):
        return value
    if type(value) is float:
        return {"float": repr(value)}
    if type(value) is dt.datetime:
        return {"datetime": value.isoformat()}
    if type(value) is dt.date:
        return {"date": value.isoformat()}
    if type(value) is dt.time:
        return {"time": value.isoformat()}
    if type(value) is pd.Timestamp and value is not pd.NaT:
        return {"datetime": value.to_pydatetime().isoformat()}
    raise TypeError(f"cannot keep {type(value).__name__}")


def value_from_json(value):
    if not isinstance(value, dict):
        return value
    (tag, text), = value.items()
    return {"float": float, "datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
            "time": dt.time.fromisoformat}[tag](text)


# -- decoding ---------------------------------------------------------------------------------------


def _read_frames(entry: Path, key: str, table: str) -> tuple[dict, dict[str, pd.DataFrame | None]]:
    """An entry's description and frames, each Arrow file checked against its hash."""
    description = json.loads((entry / "table.json").read_text(encoding="utf-8"))
    if description.get("format") != FORMAT or description.get("key") != key or description.get("table") != table:
        raise ValueError("not this table's entry")
    frames = {}
    for name in _FRAMES:
        if name not in description["hashes"]:
            frames[name] = None
            continue
        data = (entry / f"{name}.arrow").read_bytes()
        if digest(data) != description["hashes"][name]:
            raise ValueError("the Arrow file is not the one stored")
        frames[name] = frame_from_bytes(data, description[name])
    if frames["frame"] is None:
        raise ValueError("no frame")
    return description, frames


def _read_entry(entry: Path, key: str, table: str) -> ParsedTable:
    description, frames = _read_frames(entry, key, table)
    spelled = (entry / "spelled.json").read_bytes()
    if digest(spelled) != description["spelled"]:
        raise ValueError("the spelled texts are not the ones stored")
    meta = description["meta"]
    problems = problems_from_json(meta["problems"])
    unknown = None if meta["unknown_stages"] is None else unknown_stages_frame(meta["unknown_stages"])
    return ParsedTable(table, frames["frame"], problems, dict(meta["headers"]), frames["stage_dates"],
                       {column: frozenset(texts) for column, texts in json.loads(spelled).items()},
                       frozenset(value_from_json(v) for v in meta["left_out_ids"]), tuple(meta["stage_columns"]),
                       unknown)


def frame_from_bytes(data: bytes, description: dict, decoded: dict | None = None, name: str = "") -> pd.DataFrame:
    """The frame :func:`frame_bytes` stored. ``decoded`` (one dict for the frames of one entry, decoded in
    the order they were encoded) holds the columns decoded so far, for the columns described as one of
    them: those share its values copy-on-write."""
    import pyarrow as pa

    table = pa.ipc.open_file(pa.py_buffer(data)).read_all()
    names, dtypes = description["columns"], description["dtypes"]
    same = description.get("same", {})
    if table.num_columns != len(names) - len(same) or (table.num_columns and table.num_rows != description["rows"]):
        raise ValueError("the frame does not match its description")
    index = pd.RangeIndex(description["start"], description["stop"])
    if len(index) != description["rows"]:
        raise ValueError("the index does not match the rows")
    columns = {}
    stored = iter(range(table.num_columns))
    for i, (column, dtype) in enumerate(zip(names, dtypes, strict=True)):
        if str(i) in same:
            if decoded is None:
                raise ValueError("a shared column outside an entry of frames")
            source = decoded[tuple(same[str(i)])]  # KeyError: not decoded before, the entry is not trusted
            if len(source) != len(index) or str(source.dtype) != dtype:
                raise ValueError("a shared column does not fit")
            columns[column] = source.set_axis(index)  # a new Series on the same values, copy-on-write
            continue
        array = table.column(next(stored))
        # (each array below is new and the frame's alone: copy=False spares pandas copying it once more)
        if dtype == "object":
            columns[column] = pd.Series(decoded_texts(array), index=index, dtype=object, copy=False)
        elif dtype == "boolean":  # values and mask unpacked from Arrow's bits: new arrays, the frame's own
            values = array.fill_null(False).to_numpy(zero_copy_only=False)
            columns[column] = pd.Series(pd.arrays.BooleanArray(values, array.is_null().to_numpy(zero_copy_only=False)),
                                        index=index, copy=False)
        elif dtype in ("datetime64[ns]", "datetime64[s]", "float64", "int64", "bool"):
            # (astype copies: Arrow's zero-copy view is read-only, the frame's columns are not)
            columns[column] = pd.Series(array.to_numpy(zero_copy_only=False).astype(dtype), index=index, copy=False)
        else:
            raise ValueError(f"unknown dtype {dtype}")
        if decoded is not None:
            decoded[(name, i)] = columns[column]
    # the columns already share the index: nothing to align, and nothing copied into one block
    return pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=index)


def unknown_stages_json(frame: pd.DataFrame) -> list:
    """The stage names a config lacks (:func:`kpi_xl.tables.stage_check.unknown_stages`) as JSON."""
    return [[stage, int(count), [int(r) for r in rows]]
            for stage, count, rows in frame[UNKNOWN_COLUMNS].itertuples(index=False, name=None)]


def unknown_stages_frame(unknown: list) -> pd.DataFrame:
    """:func:`unknown_stages_json` back, built as :func:`kpi_xl.tables.stage_check.unknown_stages` builds it
    (the same dtypes)."""
    return no_unknown_stages() if not unknown else pd.DataFrame(
        {"stage": [u[0] for u in unknown], "count": pd.array([u[1] for u in unknown], dtype="int64").to_numpy(),
         "rows": [tuple(u[2]) for u in unknown]})[UNKNOWN_COLUMNS]


def decoded_texts(array) -> np.ndarray:
    """A stored text column back as objects: ``str`` and None."""
    import pyarrow as pa

    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if not pa.types.is_dictionary(array.type):
        raise ValueError("a text column is stored as a dictionary")
    texts = array.dictionary
    # an Arrow string array without nulls holds str only: its type says so, no look at each value
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)) or texts.null_count:
        raise ValueError("a text column holds something else")
    lookup = np.empty(len(texts) + 1, dtype=object)
    lookup[:-1] = texts.to_numpy(zero_copy_only=False)
    lookup[-1] = None
    codes = array.indices.fill_null(len(texts)).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    if len(codes) and (codes.min() < 0 or codes.max() > len(texts)):
        raise ValueError("a text code out of range")
    return lookup[codes]


def prune(folder: Path) -> None:
    """Remove the least recently used entries beyond ``MAX_BYTES``, and temp folders of killed refreshes."""
    entries = []
    now = time.time()
    for entry in folder.iterdir():
        try:
            stat = entry.stat()
            if entry.name.startswith(".tmp-"):
                if now - stat.st_mtime > _STALE_TEMP:
                    shutil.rmtree(entry, ignore_errors=True)
                continue
            size = sum(f.stat().st_size for f in entry.iterdir())
            entries.append((stat.st_mtime, size, entry))
        except OSError:
            continue
    total = sum(size for _, size, _ in entries)
    for _, size, entry in sorted(entries, key=lambda e: e[0]):
        if total <= MAX_BYTES:
            break
        shutil.rmtree(entry, ignore_errors=True)
        total -= size
