"""Python's switch interval, short while threads that mostly run without Python's lock work beside others.

A thread that releases Python's lock for many short stretches (zlib inflating a sheet chunk by chunk, numpy
searching each chunk, fastexcel handing a table over as Arrow arrays) waits, each time it wants the lock back
while another thread runs Python, until that thread hands it over: after the switch interval, 5 ms by default.
The scan of the largest sheet beside the imports (:mod:`kpi_xl.workbook.early_scan`) and the reading threads
beside each other's parsing (:func:`kpi_xl.workbook.read.read_workbook`) shorten it while they run. At the row
limit, beside the imports, the scan takes 1.91x its time alone at 5 ms, 1.84x at 0.5 ms, 1.54x at 0.1 ms and
1.48x at 0.05 ms, the imports as long at each (``benchmarks/early_scan_switch.py``); fastexcel's hand-over of
the million activities (``to_arrow``) beside a thread running Python: 1.4-3.1 s at 5 ms, 0.8 s at 0.1 ms, 0.5-0.7 s
alone.

The interval is the process's: it is set back to what it was once the last of them has ended.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["SHORT", "restore", "shorten", "shortened"]

SHORT = 0.0001  # seconds
_lock = threading.Lock()
_before: list[float] = []  # the interval before, once per holder; the last one left restores the first


def shorten() -> None:
    """Shorten the switch interval until the matching :func:`restore` (calls may nest and overlap)."""
    with _lock:
        _before.append(sys.getswitchinterval())
        sys.setswitchinterval(min(SHORT, _before[-1]))


def restore() -> None:
    """End one :func:`shorten`; the last to end sets the interval back to what it was before the first."""
    with _lock:
        before = _before.pop()
        if not _before:
            sys.setswitchinterval(before)


@contextmanager
def shortened() -> Iterator[None]:
    """The switch interval shortened inside the ``with`` block."""
    shorten()
    try:
        yield
    finally:
        restore()
