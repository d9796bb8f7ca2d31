"""The scan of the largest data sheet, begun before the refresh has imported what it works with.

``kpi-xl refresh`` spends its first second importing pandas, the config and the KPI modules. The scan of
the workbook's largest sheet (:mod:`kpi_xl.workbook.error_scan`: inflating it, finding error cells and
checking the part's size; 280 MB of XML for the Activities sheet at Excel's row limit) needs none of that,
and fastexcel cannot start on that sheet before it is done. :func:`start` begins it in a thread, at once;
the refresh's reader :func:`take`\\ s it (:func:`kpi_xl.workbook.read.read_workbook`), waiting for it if it
is still running, or :func:`discard`\\ s it when no sheet is read (every table came from the cache). A
workbook whose tables went into the cache (:func:`remember`: its largest sheet's part, by size and CRC-32)
is not scanned early: its next refresh will most likely read no sheet, and the scan would only slow it.

Nothing read by another route is trusted: the scan is taken only when the file is the one it opened (the
same device, inode, size and modification time now as before it was opened: a save by Excel or a sync
client in between means a fresh scan), and a scan that failed is done again by the reader, which then says
what is wrong in its own words.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import zipfile
from concurrent.futures import Future
from pathlib import Path

from kpi_xl.workbook import lock_handover
from kpi_xl.workbook.cache_place import cache_folder
from kpi_xl.workbook.error_scan import SheetScan
from kpi_xl.workbook.inflate import file_identity
from kpi_xl.workbook.package import package_layout

__all__ = ["discard", "remember", "start", "take"]

_pending: dict[Path, _Early] = {}
_lock = threading.Lock()


class _Early:
    def __init__(self, path: Path):
        self.path = path
        self.stop = threading.Event()  # set: the scan is not wanted any more
        self.ready = threading.Event()  # set once ``scan`` is made (or could not be)
        self.identity: tuple | None = None
        self.scan: SheetScan | None = None

    def run(self) -> None:
        try:
            self._run()
        finally:
            lock_handover.restore()

    def _run(self) -> None:
        try:
            self.identity = file_identity(self.path)
            if _seen(self.path):
                return  # its tables are in the cache: the refresh will most likely read no sheet
            scan = SheetScan(self.path)
            largest = max(scan.sizes, key=scan.sizes.get, default=None)
            if largest is not None:
                future: Future = Future()
                scan.early[largest] = future
                scan.early_stop = self.stop
            self.scan = scan
        except Exception:  # noqa: BLE001 - the reader opens the file itself, and says what is wrong with it
            return
        finally:
            self.ready.set()
        if largest is not None:
            try:
                future.set_result(scan.scan(largest, self.stop))
            except BaseException as err:  # noqa: BLE001 - the reader scans again (and reports) when it takes it
                future.set_exception(err)


def _key(path: str | Path) -> Path:
    return Path(os.path.abspath(path))


def start(path: str | Path) -> None:
    """Begin scanning the largest sheet of the workbook at ``path`` in a thread (a daemon: a command that ends
    meanwhile does not wait for it)."""
    early = _Early(_key(path))
    with _lock:
        earlier = _pending.pop(early.path, None)
        _pending[early.path] = early
    if earlier is not None:
        earlier.stop.set()
    lock_handover.shorten()  # the scan gets Python's lock back soon between its steps
    threading.Thread(target=early.run, name="kpi-xl-early-scan", daemon=True).start()


def take(path: str | Path) -> SheetScan | None:
    """The scan begun by :func:`start` for this file (its largest sheet scanned, or being scanned), or None:
    none was begun, it could not open the file, or the file is not the one it opened."""
    with _lock:
        early = _pending.pop(_key(path), None)
    if early is None:
        return None
    early.ready.wait()
    try:
        same = early.scan is not None and early.identity == file_identity(path)
    except OSError:
        same = False
    if not same:
        early.stop.set()
        return None
    return early.scan


def remember(path: str | Path) -> None:
    """Note that the tables of this workbook are in the cache now: the next refresh of the same data begins no
    early scan (it would only take the lock from a refresh that reads no sheet). Kept in the cache folder as
    the size and CRC-32 of the largest sheet's part (the last :data:`REMEMBERED`); nothing else trusts it."""
    folder = cache_folder()
    part = _largest_part(path)
    if folder is None or part is None:
        return
    seen = _read_seen(folder)
    if part in seen:
        return
    seen = seen[-(REMEMBERED - 1):] + [part]
    temporary = folder / f"{SEEN_FILE}.{os.getpid()}.{threading.get_ident()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(seen), encoding="utf-8")
        os.replace(temporary, folder / SEEN_FILE)
    except OSError:  # a cache folder that cannot be written: the next refresh scans early, that is all
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


REMEMBERED = 50
SEEN_FILE = "early-scan-seen.json"


def _seen(path: Path) -> bool:
    folder = cache_folder()
    return folder is not None and (part := _largest_part(path)) is not None and part in _read_seen(folder)


def _read_seen(folder: Path) -> list[str]:
    try:
        seen = json.loads((folder / SEEN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [p for p in seen if isinstance(p, str)] if isinstance(seen, list) else []


def _largest_part(path: str | Path) -> str | None:
    """The size and CRC-32 of the largest sheet's part, from the zip directory (nothing inflated)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [archive.NameToInfo[part] for part in package_layout(archive).sheets.values()
                     if part in archive.NameToInfo]
    except Exception:  # noqa: BLE001 - the reader says what is wrong with the file
        return None
    largest = max(infos, key=lambda info: info.file_size, default=None)
    return None if largest is None else f"{largest.file_size}:{largest.CRC:08x}:{largest.compress_size}"


def discard(path: str | Path) -> None:
    """Stop the scan begun for this file, if nobody took it."""
    with _lock:
        early = _pending.pop(_key(path), None)
    if early is not None:
        early.stop.set()
