"""How fast is ``prepare`` + ``compute`` for one month on a big company, and how much memory does it take?

    python benchmarks/bench_compute.py                 # 1M activities, 200k leads, 100k deals, 20k customers
    python benchmarks/bench_compute.py --runs 10 --no-profile
    python benchmarks/bench_compute.py --scale 0.1     # a tenth of the default sizes, for a quick look

Steps (the data is generated once with :mod:`kpi_xl.sample`; that is not timed):

1. **timing**: ``prepare(tables)`` + ``compute(prepared, month)`` ``--runs`` times,
   tracemalloc off; median and min wall time, split into prepare and compute;
   ``ru_maxrss`` of this process before and after.
2. **memory of a fresh process** (``--child``): the same data is pickled, a new
   Python process loads it, notes its RSS, runs prepare + compute once and
   reports its peak RSS (``ru_maxrss``), so the compute-only increase is seen
   without the generator's own peak.
3. **tracemalloc**: the peak of memory allocated by prepare + compute (numpy and
   pandas buffers included).
4. **profile**: one run under cProfile; the top 25 functions by cumulative time,
   and the top 25 functions of kpi_xl itself.

Targets: median under 1 s, peak memory under 2 GiB (on a 2-core machine).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pickle
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from kpi_xl import compute, load_config, prepare, tables_from_frames  # noqa: E402
from kpi_xl.sample import generate  # noqa: E402

SIZES = {"leads": 200_000, "activities": 1_000_000, "deals": 100_000, "customers": 20_000}
TARGET_SECONDS = 1.0
TARGET_BYTES = 2 * 1024**3
MIB = 1024**2


def max_rss_bytes() -> int:
    """Peak resident memory of this process so far (``ru_maxrss`` is in KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def current_rss_bytes() -> int | None:
    """Resident memory right now (Linux only)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def mib(n: int | None) -> str:
    return "n/a" if n is None else f"{n / MIB:,.0f} MiB"


def today_after(month: str) -> dt.date:
    """A 'today' after the month, so the as-of date is the month's last day whatever the real date."""
    return (pd.Period(month, freq="M") + 1).start_time.date()


def run_once(tables, settings, month: str, today: dt.date) -> tuple[float, float, float]:
    """Wall seconds of prepare and of compute, and CPU seconds of both."""
    cpu = time.process_time()
    start = time.perf_counter()
    prepared = prepare(tables, settings)
    middle = time.perf_counter()
    compute(prepared, settings, month=month, today=today)
    end = time.perf_counter()
    return middle - start, end - middle, time.process_time() - cpu


def load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average n/a"


def build(args, settings):
    sizes = {k: int(round(v * args.scale)) for k, v in SIZES.items()}
    start = time.perf_counter()
    company = generate(seed=args.seed, end_month=args.month, settings=settings, reps=args.reps, **sizes)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    frames = company.frames()
    tables = tables_from_frames(**frames)
    wrapped = time.perf_counter() - start
    return company, frames, tables, generated, wrapped


# ----------------------------------------------------------------------------
# child: a fresh process that only loads the tables and computes


def child(path: str, month: str, runs: int) -> None:
    settings = load_config()
    with open(path, "rb") as f:
        frames = pickle.load(f)
    tables = tables_from_frames(**frames)
    del frames
    gc.collect()
    before_rss, before_peak = current_rss_bytes(), max_rss_bytes()
    times = [sum(run_once(tables, settings, month, today_after(month))[:2]) for _ in range(runs)]
    gc.collect()
    result = {"rss_before": before_rss, "peak_before": before_peak, "peak_after": max_rss_bytes(),
              "rss_after": current_rss_bytes(), "seconds": times}
    print(json.dumps(result))


def fresh_process_memory(frames, month: str) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "frames.pkl")
        with open(path, "wb") as f:
            pickle.dump(frames, f, protocol=pickle.HIGHEST_PROTOCOL)
        proc = subprocess.run([sys.executable, __file__, "--child", path, "--month", month, "--runs", "1"],
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------
# profile


def profile(tables, settings, month: str, today: dt.date, top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    prepared = prepare(tables, settings)
    compute(prepared, settings, month=month, today=today)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative")

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    text = out.getvalue()
    print(text[text.find("   ncalls"):] if "   ncalls" in text else text)

    print(f"kpi_xl functions by cumulative time (top {top}):")
    print(f"{'cumulative s':>13} {'own s':>8} {'calls':>7}  function")
    rows = []
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in stats.stats.items():
        if f"{os.sep}kpi_xl{os.sep}" in filename:
            where = filename[filename.rfind(f"{os.sep}kpi_xl{os.sep}") + 1:]
            rows.append((cumtime, tottime, ncalls, f"{where}:{line}({name})"))
    for cumtime, tottime, ncalls, where in sorted(rows, reverse=True)[:top]:
        print(f"{cumtime:13.3f} {tottime:8.3f} {ncalls:7d}  {where}")


# ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--month", default="2026-10", help="reporting month (default 2026-10)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the default sizes (default 1)")
    parser.add_argument("--reps", type=int, default=None,
                        help="number of reps (default: the generator's, one per 2,500 activities = 400)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile run")
    parser.add_argument("--no-child", action="store_true", help="skip the fresh-process memory measurement")
    parser.add_argument("--child", metavar="PICKLE", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child(args.child, args.month, args.runs)
        return

    settings = load_config()
    today = today_after(args.month)
    as_of = pd.Period(args.month, "M").end_time
    print(f"kpi_xl benchmark: prepare + compute for {args.month} (as-of {as_of:%Y-%m-%d})")
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, {os.cpu_count()} cpu(s), {load()}")

    rss_start = max_rss_bytes()
    company, frames, tables, generated, wrapped = build(args, settings)
    print(f"data: {len(tables.leads):,} leads, {len(tables.activities):,} activities, {len(tables.deals):,} deals, "
          f"{len(tables.customers):,} customers, {len(tables.stage_events):,} stage events, {len(company.reps)} reps")
    print(f"generated in {generated:.2f} s (not timed), tables_from_frames {wrapped:.2f} s (not timed)")
    del company
    gc.collect()
    rss_before = max_rss_bytes()

    # 1. timing (tracemalloc off)
    assert not tracemalloc.is_tracing()
    run_once(tables, settings, args.month, today)  # warm-up: imports, caches
    prep_times, compute_times, totals, cpu_times = [], [], [], []
    for _ in range(args.runs):
        gc.collect()
        p, c, cpu = run_once(tables, settings, args.month, today)
        prep_times.append(p)
        compute_times.append(c)
        totals.append(p + c)
        cpu_times.append(cpu)
    rss_after = max_rss_bytes()
    median = statistics.median(totals)
    print()
    print(f"timing over {args.runs} runs (after one warm-up), tracemalloc off:")
    print(f"  prepare + compute  median {median:.3f} s   min {min(totals):.3f} s   "
          f"max {max(totals):.3f} s   [{'OK' if median < TARGET_SECONDS else 'ABOVE'} target {TARGET_SECONDS:.1f} s]")
    print(f"  prepare            median {statistics.median(prep_times):.3f} s   min {min(prep_times):.3f} s")
    print(f"  compute (month)    median {statistics.median(compute_times):.3f} s   min {min(compute_times):.3f} s")
    print(f"  CPU time (both)    median {statistics.median(cpu_times):.3f} s   min {min(cpu_times):.3f} s   "
          f"(wall ≫ CPU means the machine was busy; {load()})")
    print(f"  ru_maxrss: at start {mib(rss_start)}, after generating {mib(rss_before)}, "
          f"after the runs {mib(rss_after)} (this process, generator included)")

    # 2. a fresh process: only the tables and one prepare + compute
    if not args.no_child:
        result = fresh_process_memory(frames, args.month)
        if result:
            peak = result["peak_after"]
            print()
            print("fresh process (tables loaded from a pickle, then one prepare + compute):")
            print(f"  RSS with the tables loaded {mib(result['rss_before'])}, peak RSS {mib(peak)} "
                  f"[{'OK' if peak < TARGET_BYTES else 'ABOVE'} target {mib(TARGET_BYTES)}]")
            print(f"  peak increase by prepare + compute: {mib(peak - (result['rss_before'] or 0))}; "
                  f"run took {result['seconds'][0]:.3f} s (cold)")
    del frames
    gc.collect()

    # 3. tracemalloc: peak allocation of one prepare + compute
    tracemalloc.start()
    run_once(tables, settings, args.month, today)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print()
    print(f"tracemalloc peak of one prepare + compute: {mib(traced_peak)} (allocated on top of the tables)")

    # 4. profile
    if not args.no_profile:
        print()
        print("cProfile of one prepare + compute, top 25 by cumulative time:")
        profile(tables, settings, args.month, today)


if __name__ == "__main__":
    main()
