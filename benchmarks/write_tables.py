"""How long does ``replace_tables`` (the writer of ``kpi-xl import``) take against ``pandas.read_csv``?

    python benchmarks/write_tables.py                     # 1,000,000 activities + 100,000 deals, 3 runs
    python benchmarks/write_tables.py --scale 0.1 --runs 5

Seeded frames are made once (not timed) and kept in a temporary folder as Parquet (for the writer's
process) and as CSV (for the reader's). Then, alternately, ``--runs`` times, each in a fresh process
(interpreter start and imports not timed):

* **read_csv**: ``pandas.read_csv`` of the two CSV files, the date columns parsed (``parse_dates``, what an
  import needs); also the plain read without date parsing, for reference;
* **replace_tables**: the frames (read from Parquet, not timed) written into a fresh copy of the template
  by ``kpi_xl.workbook.replace_tables.replace_tables`` (with a backup copy, as the import makes).

It prints medians (min/max) of wall time and of CPU time (user + system, steadier than wall time on a
shared machine), the ratios write ÷ read and each process's peak RSS (``ru_maxrss``; the writer's includes
its frames). With the ``isal`` package importable, the data sheets are deflated by ISA-L. Target (issue 13): the whole import ≤ 2 × the read, so the write well under
1 × the read; peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATES = {"activities": ["date"], "deals": ["created", "closed", "Lead", "Intake", "Offerte", "Onderhandeling",
                                           "Gewonnen", "Verloren"]}

READ = r"""
import json, resource, sys, time
import pandas as pd
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
folder, parse = sys.argv[1], sys.argv[2] == "1"
dates = json.loads(sys.argv[3])
start, used = time.perf_counter(), cpu()
frames = {name: pd.read_csv(f"{folder}/{name}.csv", parse_dates=dates[name] if parse else None)
          for name in ("activities", "deals")}
seconds, used = time.perf_counter() - start, cpu() - used
print(json.dumps({"seconds": seconds, "cpu": used, "rows": sum(len(f) for f in frames.values()),
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

WRITE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
import pandas as pd
from kpi_xl.config import load_config
from kpi_xl.workbook.replace_tables import replace_tables
folder, book = sys.argv[1], sys.argv[3]
frames = {"Activities": pd.read_parquet(f"{folder}/activities.parquet"),
          "Deals": pd.read_parquet(f"{folder}/deals.parquet")}
settings = load_config()
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
start, used = time.perf_counter(), cpu()
result = replace_tables(book, frames, settings, backup=book + ".before-import.xlsm")
seconds, used = time.perf_counter() - start, cpu() - used
print(json.dumps({"seconds": seconds, "cpu": used, "rows": sum(w.rows for w in result.values()),
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def frames(scale: float, seed: int = 13) -> dict[str, pd.DataFrame]:
    """A seeded company's activities and deals, typed as the import hands them over."""
    rng = np.random.default_rng(seed)
    n_act, n_deals = int(1_000_000 * scale), int(100_000 * scale)
    owners = np.array([f"Verkoper {i:02d}" for i in range(40)], dtype=object)
    deal_ids = np.array([f"D{i:06d}" for i in range(n_deals)], dtype=object)
    words = np.array(["belafspraak", "offerte", "nagebeld", "demo", "gepland", "klant", "wil", "korting", "vervolg",
                      "na", "de", "zomer", "contract", "&", "voorwaarden", "<concept>", "besproken", "met", "inkoop"],
                     dtype=object)
    start = np.datetime64("2024-01-01T00:00:00", "ns")
    minutes = rng.integers(0, 2 * 365 * 24 * 60, n_act).astype("timedelta64[m]")
    notes = [" ".join(words[rng.integers(0, len(words), 6)]) for _ in range(2000)]
    activity_notes = np.array(notes, dtype=object)[rng.integers(0, len(notes), n_act)]
    activity_notes[rng.random(n_act) < 0.3] = None
    activity_deals = deal_ids[rng.integers(0, max(n_deals, 1), n_act)]
    activity_deals[rng.random(n_act) < 0.4] = None
    activities = pd.DataFrame({
        "date": start + minutes.astype("timedelta64[ns]"),
        "owner": owners[rng.integers(0, len(owners), n_act)],
        "type": np.array(["call", "meeting", "email", "demo", "visit"], dtype=object)[rng.integers(0, 5, n_act)],
        "deal_id": activity_deals,
        "notes": activity_notes,
    })
    created = start + rng.integers(0, 700, n_deals).astype("timedelta64[D]").astype("timedelta64[ns]")
    stages = np.array(["Lead", "Intake", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"], dtype=object)
    stage_index = rng.integers(0, len(stages), n_deals)
    closed = pd.Series(created + np.timedelta64(30, "D")).where(stage_index >= 4)
    deals = pd.DataFrame({
        "deal_id": deal_ids, "owner": owners[rng.integers(0, len(owners), n_deals)], "created": created,
        "value": np.round(rng.gamma(2.0, 12_000, n_deals), 2), "stage": stages[stage_index], "closed": closed,
        "lost_reason": np.where(stage_index == 5, "prijs", None).astype(object),
        "customer_id": np.where(stage_index == 4, deal_ids, None).astype(object),
        "lead_id": np.array([f"L{i:06d}" for i in range(n_deals)], dtype=object),
    })
    for i, stage in enumerate(stages):
        deals[stage] = pd.Series(created + np.timedelta64(7 * i, "D")).where(stage_index >= i)
    return {"activities": activities, "deals": deals}


def run(argv: list[str]) -> dict:
    out = subprocess.run(argv, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stats(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 activities + 100,000 deals")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from kpi_xl.workbook.template import template_path

    with tempfile.TemporaryDirectory(prefix="write_tables.") as folder:
        data = frames(args.scale)
        for name, frame in data.items():
            frame.to_parquet(f"{folder}/{name}.parquet")
            frame.to_csv(f"{folder}/{name}.csv", index=False)
        sizes = {n: Path(f"{folder}/{n}.csv").stat().st_size for n in data}
        print(f"activities {len(data['activities']):,} rows, deals {len(data['deals']):,} rows; "
              f"CSV {sum(sizes.values()) / 2**20:.0f} MiB")
        del data
        reads, plain, writes = [], [], []
        dates = json.dumps(DATES)
        for _ in range(args.runs):
            reads.append(run([sys.executable, "-c", READ, folder, "1", dates]))
            plain.append(run([sys.executable, "-c", READ, folder, "0", dates]))
            book = Path(folder) / "book.xlsm"
            shutil.copyfile(template_path(), book)
            writes.append(run([sys.executable, "-c", WRITE, folder, str(ROOT), str(book)]))
            size = book.stat().st_size
        read_s = [r["seconds"] for r in reads]
        write_s = [w["seconds"] for w in writes]
        cpu = {name: statistics.median(r["cpu"] for r in runs) for name, runs in (("read", reads), ("write", writes))}
        print(f"read_csv (dates parsed) {stats(read_s)}   CPU {cpu['read']:.2f} s   "
              f"peak RSS {max(r['peak'] for r in reads) / 2**20:.0f} MiB")
        print(f"read_csv (no dates)     {stats([r['seconds'] for r in plain])}")
        print(f"replace_tables          {stats(write_s)}   CPU {cpu['write']:.2f} s   "
              f"peak RSS {max(w['peak'] for w in writes) / 2**20:.0f} MiB   workbook {size / 2**20:.0f} MiB")
        print(f"write ÷ read: {statistics.median(write_s) / statistics.median(read_s):.2f} (wall), "
              f"{cpu['write'] / cpu['read']:.2f} (CPU; steadier on a busy machine)")
        try:
            import isal  # noqa: F401
            print("deflate: ISA-L (isal installed)")
        except ImportError:
            print("deflate: zlib (install isal for ISA-L's, about 3x faster)")


if __name__ == "__main__":
    main()
