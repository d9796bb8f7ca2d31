"""How close is ``read_exports`` to ``pandas.read_csv`` on a big Pipedrive export?

    python benchmarks/read_exports.py                              # 100,000 deals + 1,000,000 activities, 3 runs
    python benchmarks/read_exports.py --deals 10000 --activities 100000 --runs 5

The files are generated once (``crm_files.py``) into a temporary directory, deleted afterwards. Each run,
alternately, a fresh Python process times (imports and interpreter start not counted):

* **pandas**: ``pandas.read_csv`` (default engine and options) of both files;
* **import**: ``kpi_xl.importing.read_exports`` of both files (reading, recognising the CRM, dates and
  amounts in the export's locale, stages and activity types mapped: the tables ready for the workbook).

It prints the medians side by side, the ratio import ÷ pandas (goal: ≤ 1.0) and each process's peak RSS
(``ru_maxrss``, the interpreter and imports included).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
paths = [Path(p) for p in sys.argv[2:]]
if sys.argv[1] == "pandas":
    import pandas as pd
    start = time.perf_counter()
    frames = [pd.read_csv(p) for p in paths]
    rows = sum(len(f) for f in frames)
else:
    from kpi_xl.config import parse_config
    from kpi_xl.config.load import default_config_path
    from kpi_xl.importing import read_exports
    import yaml
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    data["import"] = {"pipeline": "Sales"}
    settings = parse_config(data)
    start = time.perf_counter()
    result = read_exports(paths, settings)
    rows = sum(len(f) for f in result.tables.values())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(mode: str, paths: list[Path]) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, mode, *map(str, paths)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from crm_files import write_pipedrive

    with tempfile.TemporaryDirectory(prefix="kpi-xl-bench-") as folder:
        paths = write_pipedrive(Path(folder), args.deals, args.activities)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"Pipedrive export: {args.deals:,} deals + {args.activities:,} activities, {size:.0f} MB")
        results: dict[str, list[dict]] = {"pandas": [], "import": []}
        for _ in range(args.runs):
            for mode, runs in results.items():
                runs.append(run(mode, paths))
        median = {mode: statistics.median(r["seconds"] for r in runs) for mode, runs in results.items()}
        print(f"{'':10}{'median s':>10}{'min s':>9}{'max s':>9}{'peak MB':>10}{'rows':>12}")
        for mode, runs in results.items():
            seconds = [r["seconds"] for r in runs]
            print(f"{mode:10}{median[mode]:>10.2f}{min(seconds):>9.2f}{max(seconds):>9.2f}"
                  f"{max(r['peak_mb'] for r in runs):>10.0f}{runs[-1]['rows']:>12,}")
        print(f"ratio import / pandas: {median['import'] / median['pandas']:.2f} (goal <= 1.0)")


if __name__ == "__main__":
    main()
