"""The pictures of the meeting pages in ``docs/``, made from today's demo in one command:

    python -m kpi_xl.workbook.pictures docs/

It builds the demo company (seed 7, as ``kpi-xl demo``), refreshes it for a fixed day (2 November
2026, so the pictures change only when the pages do), prints each meeting page
(:data:`kpi_xl.report.layout.PAGES`) through LibreOffice and writes one PNG per page:
``docs/dashboard.png``, ``docs/coaching.png``, ``docs/inzicht.png``. Needs LibreOffice and
``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L

DAY = dt.date(2026, 11, 2)
REFRESHED_AT = dt.datetime(2026, 11, 2, 8, 30)
SEED = 7
DPI = 80  # an A4 landscape page: 935 × 661 pixels, readable on GitHub without zooming


def picture_name(sheet: str) -> str:
    """``Dashboard`` → ``dashboard.png`` (the README links these names)."""
    return f"{sheet.lower()}.png"


def make_pictures(folder: str | Path, dpi: int = DPI) -> list[Path]:
    """One PNG per meeting page of the refreshed demo, in ``folder``."""
    from kpi_xl.config import load_config
    from kpi_xl.sample import generate
    from kpi_xl.workbook.export import export_pdf
    from kpi_xl.workbook.new import fill_tables, new_workbook
    from kpi_xl.workbook.refresh import refresh_file

    if shutil.which("pdftoppm") is None:
        raise KpiError("pdftoppm is not installed (Debian/Ubuntu: sudo apt-get install poppler-utils)")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory(prefix="kpi_xl_pictures_") as tmp:
        book = Path(tmp) / "demo.xlsm"
        new_workbook(book, overwrite=True)
        fill_tables(book, generate(seed=SEED).rows(), load_config())
        refresh_file(book, now=REFRESHED_AT, today=DAY)
        for sheet in L.PAGES:
            pdf, found = export_pdf(book, Path(tmp) / f"{sheet}.pdf", [sheet])
            if not found:
                continue
            target = folder / picture_name(sheet)
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf),
                            str(target.with_suffix(""))], check=True, capture_output=True)
            made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("docs")
    try:
        for path in make_pictures(folder):
            print(path)
    except KpiError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
