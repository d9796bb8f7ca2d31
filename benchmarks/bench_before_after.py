"""What a change costs: ``kpi-xl refresh`` with the code of an earlier commit and with this tree, side by side.

    python benchmarks/bench_before_after.py --before 2fceec3 --sizes demo 10x --runs 3
    python benchmarks/bench_before_after.py --before 2fceec3 --sizes limit --cache off

Every run is a first refresh: by default with an empty cache of parsed tables, which that refresh fills,
as a user's first refresh of a workbook does; ``--cache off`` runs without the cache. ``--cache warm`` times
the second refresh instead: each version first refreshes its copy once (filling a cache folder of its own),
then every timed run refreshes that copy for another month, its data unchanged.

    python benchmarks/bench_before_after.py --before ae499af --sizes limit --cache warm --runs 5

The earlier commit is checked out into a temporary git worktree (removed afterwards) and run with this
environment's Python and packages (``PYTHONPATH`` puts its ``kpi_xl`` first). Each workbook comes from
``make_workbook.py`` (``benchmarks/out/``, git-ignored). The two versions refresh a fresh copy of the same
workbook alternately, so both see the same machine; the script prints the medians, their ratio and each
process's peak RSS (``wait4``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import keep_bytecode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
MONTH = "2026-10"
AGAIN = "2026-09"  # --cache warm: another month, the same data


def refresh_once(code: Path, book: Path | None, copy: Path, cache: Path | None, month: str = MONTH
                 ) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``kpi-xl refresh`` run with the package at ``code``: of a fresh
    copy of ``book`` with an empty cache folder ``cache`` (None: the cache off), or, with ``book`` None, of
    ``copy`` as it is, with ``cache`` as it is."""
    if book is not None:
        shutil.copyfile(book, copy)
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)  # a first refresh each time: nothing to find in the cache
    env = dict(os.environ, PYTHONPATH=str(code), KPI_XL_CACHE="off" if cache is None else str(cache))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kpi_xl.cli", "refresh", str(copy), "--month", month], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=code)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"refresh with {code} failed:\n{err.decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024


def workbook(size: str) -> Path:
    if size == "limit-onetext":  # made from limit.xlsm by bench_refresh.py
        sys.path.insert(0, str(HERE))
        from bench_refresh import workbook as derived

        return derived(size, False)
    path = OUT / f"{size}.xlsm"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(HERE / "make_workbook.py"), "--size", size, str(path)], check=True)
    return path


def main() -> None:
    keep_bytecode()  # as an installed copy starts (see bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier commit (any git revision)")
    parser.add_argument("--sizes", nargs="+", default=["demo", "10x"], choices=["demo", "10x", "limit", "limit-onetext"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", choices=["empty", "off", "warm"], default="empty",
                        help="each refresh with an empty cache it fills (default), with the cache off, or "
                             "(warm) a second refresh: another month, the tables from the cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kpi_before_") as tmp:
        before = Path(tmp) / "code"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before), args.before],
                       check=True)
        try:
            code = {"before": before, "after": ROOT}
            for size in args.sizes:
                book = workbook(size)
                times: dict[str, list[float]] = {k: [] for k in code}
                peaks: dict[str, list[float]] = {k: [] for k in code}
                if args.cache == "warm":  # each version's copy refreshed once, filling its own cache
                    for label, where in code.items():
                        refresh_once(where, book, Path(tmp) / f"{label}.xlsm", Path(tmp) / f"cache-{label}")
                for _ in range(args.runs):
                    for label, where in code.items():
                        copy = Path(tmp) / f"{label}.xlsm"
                        if args.cache == "warm":
                            wall, peak = refresh_once(where, None, copy, Path(tmp) / f"cache-{label}", AGAIN)
                        else:
                            cache = None if args.cache == "off" else Path(tmp) / "cache"
                            wall, peak = refresh_once(where, book, copy, cache)
                        times[label].append(wall)
                        peaks[label].append(peak)
                b, a = statistics.median(times["before"]), statistics.median(times["after"])
                print(f"{size}: before {b:.2f} s, after {a:.2f} s, after ÷ before {a / b:.2f}; "
                      f"peak RSS {max(peaks['before']):,.0f} → {max(peaks['after']):,.0f} MiB")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], check=False)


if __name__ == "__main__":
    main()
