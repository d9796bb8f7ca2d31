"""How close is ``kpi-xl refresh`` to just reading the workbook?

    python benchmarks/bench_refresh.py                        # demo, 10x and limit, 5 runs each
    python benchmarks/bench_refresh.py --sizes demo 10x --runs 3
    python benchmarks/bench_refresh.py --sizes limit --runs 3

For each size the workbook is made once with ``make_workbook.py`` (kept in
``benchmarks/out/``, git-ignored; ``--regen`` makes it again). Then, in one
run, alternately:

* **physical floor**: a fresh Python process inflates every part of the file with zipfile (each part's
  CRC-32 checked), and nothing else: what any reader of the file pays at least;
* **read floor**: a fresh Python process reads the four tables with fastexcel
  into pandas DataFrames (the fastest reader with correct types); the time of
  the reading itself (imports and interpreter start not counted) and the
  process's peak RSS;
* **refresh**: the whole ``kpi-xl refresh`` command on a fresh copy of the
  workbook (interpreter start, imports, read, parse, compute, write) with an
  empty cache of parsed tables; wall time and the peak RSS of that process (``wait4``);
* **again**: a second ``kpi-xl refresh`` of that copy for another month, data
  unchanged: the tables come prepared from the cache the first one filled
  (:mod:`kpi_xl.workbook.prepared_cache`, whose entry takes the parsed tables' columns from
  :mod:`kpi_xl.workbook.parse_cache`). Target (issue 14): ≤ 0.25 × the first.

It prints medians (and min/max), the ratio refresh ÷ floor and, once per size,
where the refresh spends its time (read, parse, compute, write) in one process.
Targets (issue #5): at the limit refresh ≤ 2 × floor and peak ≤ 1.5 GB; the demo
refresh command under 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bytecode import keep_bytecode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
MONTH = "2026-10"
AGAIN = "2026-09"  # the second refresh: another month, the same data
TABLES = ("Leads", "Activities", "Deals", "Customers")

FLOOR = r"""
import json, resource, sys, time
import fastexcel
start = time.perf_counter()
reader = fastexcel.read_excel(sys.argv[1])
frames = [reader.load_table(name).to_pandas() for name in ("Leads", "Activities", "Deals", "Customers")]
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": sum(len(f) for f in frames),
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

INFLATE = r"""
import json, sys, time, zipfile
start = time.perf_counter()
total = 0
with zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        with archive.open(info) as part:  # zipfile checks each part's CRC-32 at its end
            while chunk := part.read(4 << 20):
                total += len(chunk)
print(json.dumps({"seconds": time.perf_counter() - start, "bytes": total}))
"""

BREAKDOWN = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
t0 = time.perf_counter()
from kpi_xl.config import load_config
from kpi_xl.workbook.refresh import find_config, load_tables, plan_for
from kpi_xl.workbook.write import write_owned_sheets
path = sys.argv[1]
settings = load_config(find_config(path))
t1 = time.perf_counter()
tables, data = load_tables(path, settings)  # read and parse: each table parsed in its reading thread
t3 = time.perf_counter()
as_rows = [n for n, v in data.tables.items() if isinstance(v, list)]
data.tables.clear()
report, plan = plan_for(tables, settings, sys.argv[3], data.month_selector, data.history)
t4 = time.perf_counter()
write_owned_sheets(path, plan.sheets())
t5 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "read + parse": t3 - t1, "compute": t4 - t3, "write": t5 - t4, "as_rows": as_rows,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""




def run_measured(argv: list[str], cache: Path | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (bytes, of exactly this child: ``os.wait4``) and stdout of a child process
    (its cache of parsed tables in ``cache``, else none)."""
    env = {**os.environ, "KPI_XL_CACHE": str(cache) if cache is not None else "off"}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    return wall, usage.ru_maxrss * 1024, out.decode()


def kpi_xl_command() -> list[str]:
    script = Path(sys.executable).parent / "kpi-xl"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kpi_xl.cli"]


def workbook(size: str, regen: bool) -> Path:
    path = OUT / f"{size}.xlsm"
    if size == "limit-onetext":  # the limit workbook with one text date among the Activities dates
        source = workbook("limit", regen)
        if regen or not path.exists() or path.stat().st_mtime < source.stat().st_mtime:
            one_text_date(source, path)
        return path
    if regen or not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "make_workbook.py"), "--size", size, str(path)], check=True)
        print(f"  made {path.name} in {time.perf_counter() - start:.1f} s")
    return path


def one_text_date(source: Path, target: Path, text: str = "31-03-2026") -> None:
    """``source`` with the first Activities date (cell A2) written as the text ``text`` (issue 14's messy case)."""
    import re
    import zipfile

    sys.path.insert(0, str(ROOT))
    from kpi_xl.workbook.package import sheet_parts

    with zipfile.ZipFile(source) as archive:
        part = sheet_parts(archive)["Activities"]
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                data = archive.read(info)
                if info.filename == part:
                    data, n = re.subn(rb'<c r="A2"([^>]*?)(?: t="\w+")?><v>[^<]*</v></c>',
                                      lambda m: b'<c r="A2"' + m.group(1) + b' t="inlineStr"><is><t>'
                                      + text.encode() + b"</t></is></c>", data, count=1)
                    assert n == 1, "no date in Activities!A2"
                out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    print(f"  made {target.name}: {source.name} with the text {text!r} in Activities!A2")


def stats(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} s  (min {min(values):.2f}, max {max(values):.2f})"


def gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB" if n >= 1024**3 else f"{n / 1024**2:,.0f} MiB"


def bench(size: str, runs: int, regen: bool) -> dict:
    path = workbook(size, regen)
    copy = OUT / f"{size}.refresh.xlsm"
    print(f"\n== {size}: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
    floor_read, floor_wall, floor_peak, refresh_wall, refresh_peak, again_wall = [], [], [], [], [], []
    inflate = []
    cache = OUT / "table-cache"
    for _ in range(runs):
        _, _, out = run_measured([sys.executable, "-c", INFLATE, str(path)])
        inflate.append(json.loads(out)["seconds"])
        wall, peak, out = run_measured([sys.executable, "-c", FLOOR, str(path)])
        floor_read.append(json.loads(out)["seconds"])
        floor_wall.append(wall)
        floor_peak.append(peak)
        shutil.copyfile(path, copy)
        shutil.rmtree(cache, ignore_errors=True)
        wall, peak, _ = run_measured([*kpi_xl_command(), "refresh", str(copy), "--month", MONTH], cache)
        refresh_wall.append(wall)
        refresh_peak.append(peak)
        wall, _, _ = run_measured([*kpi_xl_command(), "refresh", str(copy), "--month", AGAIN], cache)
        again_wall.append(wall)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.copyfile(path, copy)
    _, peak, out = run_measured([sys.executable, "-c", BREAKDOWN, str(copy), str(ROOT), MONTH])
    parts = json.loads(out)
    copy.unlink(missing_ok=True)
    ratio = statistics.median(refresh_wall) / statistics.median(floor_read)
    print(f"  physical floor (inflate every part):       {stats(inflate)}")
    print(f"  read floor (fastexcel → pandas, 4 tables): {stats(floor_read)}, peak RSS {gib(max(floor_peak))}"
          f"   [whole process incl. start: median {statistics.median(floor_wall):.2f} s]")
    print(f"  kpi-xl refresh (whole command):            {stats(refresh_wall)}, peak RSS {gib(max(refresh_peak))}")
    again = statistics.median(again_wall) / statistics.median(refresh_wall)
    print(f"  again, another month, data unchanged:      {stats(again_wall)}; ÷ first refresh: {again:.2f}")
    print(f"  ratio refresh ÷ physical floor: {statistics.median(refresh_wall) / statistics.median(inflate):.2f}")
    print(f"  ratio refresh ÷ floor: {ratio:.2f}"
          f"   (÷ floor process incl. start: {statistics.median(refresh_wall) / statistics.median(floor_wall):.2f})")
    print("  where a refresh spends its time (one run): " + ", ".join(
        f"{k} {parts[k]:.2f} s" for k in ("imports", "read + parse", "compute", "write"))
          + f"; tables read as rows: {', '.join(parts['as_rows']) or 'none'}")
    return {"size": size, "floor": statistics.median(floor_read), "inflate": statistics.median(inflate), "floor_wall": statistics.median(floor_wall),
            "refresh": statistics.median(refresh_wall), "ratio": ratio, "floor_peak": max(floor_peak),
            "refresh_peak": max(refresh_peak), "parts": parts, "again": again}


def main() -> None:
    keep_bytecode()  # as an installed copy starts (see bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "10x", "limit"], choices=["demo", "10x", "limit", "limit-onetext"],
                        help="limit-onetext: the limit workbook with one text date among the Activities dates")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--regen", action="store_true", help="make the workbooks again")
    args = parser.parse_args()
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    print(f"bench_refresh: python {sys.version.split()[0]}, {os.cpu_count()} cpu(s), load average {load}, "
          f"{args.runs} runs each")
    results = [bench(size, args.runs, args.regen) for size in args.sizes]
    print("\nsize            inflate s   floor s   refresh s   ratio   floor peak   refresh peak   again ÷ first")
    for r in results:
        print(f"{r['size']:<15} {r['inflate']:9.2f}   {r['floor']:7.2f}   {r['refresh']:9.2f}   {r['ratio']:5.2f}   "
              f"{gib(r['floor_peak']):>10}   {gib(r['refresh_peak']):>12}   {r['again']:13.2f}")
    by_size = {r["size"]: r for r in results}
    if "limit" in by_size and "limit-onetext" in by_size:
        clean, messy = by_size["limit"], by_size["limit-onetext"]
        print(f"\none text date among a million: refresh ÷ the clean floor {messy['refresh'] / clean['floor']:.2f}"
              f" (goal ≤ 1.4), peak ÷ the clean refresh's peak {messy['refresh_peak'] / clean['refresh_peak']:.2f}"
              f" (goal ≤ 1.1)")


if __name__ == "__main__":
    main()
