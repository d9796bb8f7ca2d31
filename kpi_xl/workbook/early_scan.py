"""The scan of the largest data sheet, begun before the refresh has imported what it works with.

``kpi-xl refresh`` spends its first second importing pandas, the config and the KPI modules. The scan of
the workbook's largest sheet (:mod:`kpi_xl.workbook.error_scan`: inflating it, finding error cells and
checking the part's size; 280 MB of XML for the Activities sheet at Excel's row limit) needs none of that,
and fastexcel cannot start on that sheet before it is done. :func:`start` begins it in a thread, at once;
the refresh's reader :func:`take`\\ s it (:func:`kpi_xl.workbook.read.read_workbook`), waiting for it if it
is still running, or :func:`discard`\\ s it when no sheet is read (every table came from the cache).

Nothing read by another route is trusted: the scan is taken only when the file is the one it opened (the
same device, inode, size and modification time now as before it was opened: a save by Excel or a sync
client in between means a fresh scan), and a scan that failed is done again by the reader, which then says
what is wrong in its own words.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from kpi_xl.workbook.error_scan import SheetScan

__all__ = ["discard", "start", "take"]

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
            _switch_back()

    def _run(self) -> None:
        try:
            self.identity = file_identity(self.path)
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


def file_identity(path: str | Path) -> tuple:
    """The file as the operating system sees it: another save (a new inode, size or time) is another file."""
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


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
    _switch_often()
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


def discard(path: str | Path) -> None:
    """Stop the scan begun for this file, if nobody took it."""
    with _lock:
        early = _pending.pop(_key(path), None)
    if early is not None:
        early.stop.set()


# While the scan runs beside the imports, both want Python's lock: the scan between its inflating and searching
# (which run without it), the imports nearly always. With the usual 5 ms before a waiting thread gets the lock,
# the scan waits most of its time; 0.5 ms lets it go on as soon as it can. Set back once the scan is done.
_SWITCH = 0.0005
_running: list[float] = []  # the interval before, once per scan running


def _switch_often() -> None:
    with _lock:
        _running.append(sys.getswitchinterval())
        sys.setswitchinterval(min(_SWITCH, _running[-1]))


def _switch_back() -> None:
    with _lock:
        before = _running.pop()
        if not _running:
            sys.setswitchinterval(before)
