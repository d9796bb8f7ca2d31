"""How long the early scan of the largest sheet takes while ``kpi-xl refresh`` imports, per switch interval.

    python benchmarks/early_scan_switch.py                  # limit workbook, 5 rounds
    python benchmarks/early_scan_switch.py --rounds 9 --intervals 0.005 0.0005 0.0001

``kpi-xl refresh`` scans the workbook's largest sheet in a thread while the main thread imports what the
refresh works with (:mod:`kpi_xl.workbook.early_scan`); fastexcel cannot start on that sheet before the scan
is done, so the scan's end is where the refresh's critical path begins. The scan releases Python's lock while
zlib inflates and numpy searches, and asks for it back many times per chunk; the imports hold it nearly
always, so each time the scan waits up to the interpreter's switch interval (``sys.setswitchinterval``).

Each round runs, in fresh processes and in turn: the scan alone (the floor), then, for each interval, the
scan in a thread beside the refresh's imports. Prints the median seconds of the scan and of the imports.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bytecode import keep_bytecode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r"""
import json, sys, threading, time
sys.path.insert(0, sys.argv[3])
from kpi_xl.workbook.error_scan import SheetScan
path, interval = sys.argv[1], float(sys.argv[2])
scan = SheetScan(path)
largest = max(scan.sizes, key=scan.sizes.get)
result = {}
def run():
    start = time.perf_counter()
    scan.scan(largest)
    result["scan"] = time.perf_counter() - start
if interval == 0:  # the floor: the scan alone
    run()
else:
    sys.setswitchinterval(interval)
    thread = threading.Thread(target=run)
    thread.start()
    start = time.perf_counter()
    import kpi_xl.config, kpi_xl.month, kpi_xl.report.month_plan, kpi_xl.workbook.refresh  # what a refresh imports
    result["imports"] = time.perf_counter() - start
    thread.join()
print(json.dumps(result))
"""


def main() -> None:
    keep_bytecode()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbook", type=Path, default=HERE / "out" / "limit.xlsm",
                        help="default: benchmarks/out/limit.xlsm (make it with make_workbook.py --size limit)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--intervals", type=float, nargs="+", default=[0.005, 0.0005, 0.0001, 0.00005])
    args = parser.parse_args()
    cases = [0.0, *args.intervals]
    runs: dict[float, list[dict]] = {case: [] for case in cases}
    subprocess.run([sys.executable, "-c", CHILD, str(args.workbook), "0.005", str(ROOT)], check=True,
                   stdout=subprocess.DEVNULL)  # warm the file cache and the bytecode
    for _ in range(args.rounds):
        for case in cases:
            out = subprocess.run([sys.executable, "-c", CHILD, str(args.workbook), str(case), str(ROOT)],
                                 check=True, capture_output=True, text=True).stdout
            runs[case].append(json.loads(out))
    floor = statistics.median(r["scan"] for r in runs[0.0])
    print(f"{args.workbook.name}, {args.rounds} rounds; the scan alone: {floor:.3f} s")
    print("switch interval   scan beside the imports   ÷ alone   imports")
    for case in args.intervals:
        scan = statistics.median(r["scan"] for r in runs[case])
        imports = statistics.median(r["imports"] for r in runs[case])
        print(f"{case * 1000:10.2f} ms   {scan:20.3f} s   {scan / floor:7.2f}   {imports:.3f} s")


if __name__ == "__main__":
    main()
