"""The scan of the largest data sheet, begun before a command's imports.

Before any reader inflates a sheet, the sheet is scanned (:mod:`kpi_xl.workbook.error_scan`: error
values, and a part that unpacks to more than it claims is refused there). At the row limit the scan of
the largest sheet takes about as long as importing pandas and the KPI code, and both stand before the
reading of that sheet. :class:`EarlyScan` scans it in a thread while the command imports, on the second
core.

Its findings are used only when the package's directory (every part's name, sizes and CRC-32) is the
same when the refresh reads as it was while scanning: a file saved or replaced meanwhile is scanned
again, as always. Anything that goes wrong here is left to the refresh's own scan, which says what is
wrong. This module imports nothing heavy (no pandas), so starting it costs nothing noticeable.
"""

from __future__ import annotations

import threading
from pathlib import Path

__all__ = ["EarlyScan"]


class EarlyScan:
    """Scans the largest sheet holding one of the data tables, in a thread started here."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._chosen = threading.Event()  # set once the sheet to scan is known (or there is none)
        self._done = threading.Event()
        self.sheet: str | None = None
        self._result = None  # (the SheetScan, its SheetFindings)
        threading.Thread(target=self._run, name="kpi-xl-early-scan", daemon=True).start()

    def _run(self) -> None:
        try:
            from kpi_xl.report.layout import DATA_SHEETS
            from kpi_xl.workbook.error_scan import SheetScan, directory_of
            from kpi_xl.workbook.places import table_places

            scan = SheetScan(self.path)
            sheets = {place.sheet for name, place in table_places(self.path).items() if name in DATA_SHEETS}
            self.sheet = max(sheets & scan.sizes.keys(), key=scan.sizes.__getitem__, default=None)
            self._chosen.set()
            if self.sheet is not None:
                findings = scan.sheet(self.sheet)
                if directory_of(self.path) == scan.directory:  # the file did not change while scanned
                    self._result = (scan, findings)
        except Exception:  # noqa: BLE001 - the refresh's own scan finds it again and says what is wrong
            self.sheet = None
        finally:
            self._chosen.set()
            self._done.set()

    def findings(self, scan, sheet: str):
        """The early scan's findings for ``sheet`` (waiting for them), when it scans that sheet of the package
        ``scan`` (a :class:`~kpi_xl.workbook.error_scan.SheetScan` made now) describes; else None, at once
        for another sheet."""
        self._chosen.wait()
        if self.sheet != sheet:
            return None
        self._done.wait()
        if self._result is None:
            return None
        early, found = self._result
        return found if early.directory == scan.directory else None
