"""How close is ``kpi-xl import --no-refresh`` to just reading the CRM's CSV files with pandas?

    python benchmarks/import_speed.py                   # full: 1,000,000 activities + 100,000 deals, 3 runs
    python benchmarks/import_speed.py --scale demo      # 20,000 activities + 2,000 deals
    python benchmarks/import_speed.py --scale 10x --runs 5

A Pipedrive export (``deals.csv`` and ``activities.csv``, headers ``Entity - Field``, ISO date-times, the
default config's stage names, a few activity types the config does not know, ~5% activities not done) is
generated once per run by ``benchmarks/crm_files.py`` (numpy, whole arrays) into a temporary folder. Then, alternately, ``--runs``
times each, every measurement in a fresh Python process:

* **floor**: ``pandas.read_csv`` of both files (default options: pandas guesses the types itself, and
  leaves the date-times as text); as a second reference, the same with the date columns parsed;
* **import**: :func:`kpi_xl.workbook.import_file.import_files` — the whole work of
  ``kpi-xl import --no-refresh`` (recognise the CRM, read, map, check, replace the tables' rows and keep
  ``NAME.before-import.xlsm``) into a fresh copy of the template.

Each child times its own work (interpreter start and imports are not counted, for either); its peak RSS
is taken from the parent with ``os.wait4`` (``getrusage(RUSAGE_CHILDREN)`` of exactly that child). It
prints medians and minima, the ratio import ÷ floor (goal ≤ 2, issue 13) and the peak RSS (goal < 2 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCALES = {"demo": (20_000, 2_000), "10x": (200_000, 20_000), "full": (1_000_000, 100_000)}


def generate_pipedrive(folder: Path, activities: int, deals: int, seed: int = 1) -> list[Path]:
    """``deals.csv`` and ``activities.csv`` as Pipedrive exports them: ``benchmarks/crm_files.py``."""
    sys.path.insert(0, str(Path(__file__).parent))
    from crm_files import write_pipedrive

    return write_pipedrive(folder, deals=deals, activities=activities, seed=seed)


# ---------------------------------------------------------------- the children


DATE_COLUMNS = {"deals.csv": ["Deal - Deal created", "Deal - Won time", "Deal - Lost time"],
                "activities.csv": ["Activity - Due date"]}


def child_floor(files: list[Path], dates: bool = False) -> dict:
    """``pandas.read_csv`` of every file; ``dates``: and its date columns parsed (a second reference)."""
    import pandas as pd

    start = time.perf_counter()
    rows = 0
    for path in files:
        frame = pd.read_csv(path)
        if dates:
            for column in DATE_COLUMNS.get(path.name, []):
                frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        rows += len(frame)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def child_import(files: list[Path], workbook: Path) -> dict:
    import kpi_xl.workbook.replace_tables as writer
    from kpi_xl import importing
    from kpi_xl.config import load_config
    from kpi_xl.workbook.import_file import import_files
    from kpi_xl.workbook.template import template_path

    split: dict[str, float] = {}

    def timed(name, function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                split[name] = time.perf_counter() - start
        return run

    importing.read_exports = timed("read", importing.read_exports)  # import_files imports them when it runs
    writer.replace_tables = timed("write", writer.replace_tables)
    settings = load_config()
    shutil.copyfile(template_path(), workbook)  # a fresh template copy, not timed
    start = time.perf_counter()
    outcome = import_files(workbook, files, settings)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **split, "rows": outcome.rows(), "problems": len(outcome.result.problems),
            "unmapped": len(outcome.result.unmapped), "crm": outcome.result.crm}


# ---------------------------------------------------------------- the parent


def run_child(argv: list[str]) -> tuple[dict, int]:
    """The child's own report and its peak RSS in bytes (``wait4``: exactly this child)."""
    proc = subprocess.Popen([sys.executable, __file__, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv[0]} failed:\n{err.decode(errors='replace')}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return json.loads(out.decode().strip().splitlines()[-1]), peak


def mib(n: float) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def bench(scale: str, runs: int, keep: Path | None) -> None:
    activities, deals = SCALES[scale]
    folder = Path(tempfile.mkdtemp(prefix="kpi-import-bench-")) if keep is None else keep
    folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        # in a child: Linux carries a process's peak RSS over fork and exec into its children, so a big
        # parent would raise every measured child's peak to its own
        subprocess.run([sys.executable, __file__, "--generate", str(folder), str(activities), str(deals)],
                       check=True)
        files = [folder / "deals.csv", folder / "activities.csv"]
        size = sum(f.stat().st_size for f in files)
        print(f"{scale}: {activities:,} activities + {deals:,} deals, {size / 1024**2:,.1f} MB of CSV "
              f"(generated in {time.perf_counter() - start:.1f} s) in {folder}", flush=True)
        floor, dated, work, floor_peak, work_peak, last = [], [], [], [], [], {}
        reads, writes = [], []
        for run in range(runs):
            report, peak = run_child(["--child", "floor", *map(str, files)])
            floor.append(report["seconds"])
            floor_peak.append(peak)
            dated.append(run_child(["--child", "floor-dates", *map(str, files)])[0]["seconds"])
            book = folder / f"book{run}.xlsm"
            report, peak = run_child(["--child", "import", str(book), *map(str, files)])
            work.append(report["seconds"])
            reads.append(report["read"])
            writes.append(report["write"])
            work_peak.append(peak)
            last = report
            print(f"  run {run + 1}: floor {floor[-1]:.2f} s ({mib(floor_peak[-1])}), with dates {dated[-1]:.2f} s, "
                  f"import {work[-1]:.2f} s = read {reads[-1]:.2f} + write {writes[-1]:.2f} ({mib(work_peak[-1])})",
                  flush=True)
        median = statistics.median
        print(f"  floor  (pandas.read_csv):             median {median(floor):.2f} s, min {min(floor):.2f} s, "
              f"peak RSS {mib(max(floor_peak))}")
        print(f"  read_csv + the date columns parsed:   median {median(dated):.2f} s, min {min(dated):.2f} s")
        print(f"  import (import_files):                median {median(work):.2f} s, min {min(work):.2f} s "
              f"(read_exports {median(reads):.2f} s, replace_tables {median(writes):.2f} s), "
              f"peak RSS {mib(max(work_peak))}")
        print(f"  {last.get('rows', 0):,} rows written, {last.get('problems', 0):,} problems, "
              f"{last.get('unmapped', 0)} unmapped values, crm {last.get('crm')}")
        print(f"  import ÷ floor: {median(work) / median(floor):.2f} (goal ≤ 2); "
              f"÷ read_csv with dates: {median(work) / median(dated):.2f}; "
              f"peak {mib(max(work_peak))} (goal < 2 GB)")
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--generate":
        generate_pipedrive(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        kind, rest = sys.argv[2], [Path(a) for a in sys.argv[3:]]
        if kind == "import":
            report = child_import(rest[1:], rest[0])
        else:
            report = child_floor(rest, dates=kind == "floor-dates")
        print(json.dumps(report))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", nargs="+", default=["full"], choices=list(SCALES))
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--keep", type=Path, help="write the files (and workbooks) here and keep them")
    args = parser.parse_args()
    for scale in args.scale:
        bench(scale, args.runs, args.keep)


if __name__ == "__main__":
    main()
