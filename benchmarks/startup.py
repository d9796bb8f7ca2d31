"""Start-up cost, side by side in one run: what a click or a command pays before any work.

    python benchmarks/startup.py            # 9 rounds
    python benchmarks/startup.py --rounds 21

Each round runs, in a fresh interpreter and in turn (so a busy moment hits all alike):

* ``import pandas``: the floor every command that reads data pays;
* ``kpi-xl --help``: must not import pandas (goal ≤ 0.3× the floor);
* ``import kpi_xl.excel`` and then the modules a refresh from the button uses (the button's start-up,
  goal ≤ 1.15× the floor);
* the same plus loading the config (pydantic, yaml, kpi.yaml): a click does that in a thread while Excel
  hands over the tables (:func:`kpi_xl.excel.button.refresh_book`), so this row is what it would cost
  without that overlap;
* ``import kpi_xl.udfs``: what Excel's UDF server loads once.

Prints the median wall time of each and its ratio to ``import pandas``.

``--code DIR`` times another version of kpi_xl (a git worktree of an earlier commit): the children run in
``DIR``. (``python -c`` puts the current directory first on ``sys.path``, so ``PYTHONPATH`` alone, run from
this repository, would time this repository's code.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from bytecode import keep_bytecode

CASES = {
    "import pandas (floor)": "import pandas",
    "kpi-xl --help": "import sys; sys.argv = ['kpi-xl', '--help']\nfrom kpi_xl.cli import main\ntry:\n main()\n"
                     "except SystemExit:\n pass",
    "button: import kpi_xl.excel + refresh modules": "import kpi_xl.excel, kpi_xl.excel.button, "
                                                     "kpi_xl.report.month_plan, kpi_xl.report.plan, kpi_xl.month",
    "  + the config loaded (in a click: beside Excel)": "import kpi_xl.excel, kpi_xl.excel.button, "
                                                         "kpi_xl.report.month_plan, kpi_xl.report.plan, kpi_xl.month\n"
                                                         "kpi_xl.excel.button.settings_for(None)",
    "UDF module: import kpi_xl.udfs": "import kpi_xl.udfs",
}


def once(code: str, where: str | None = None) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL, cwd=where)
    return time.perf_counter() - start


def main() -> None:
    keep_bytecode()  # as an installed copy starts (see bytecode.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--code", help="the directory of the kpi_xl version to time (default: this repository)")
    args = parser.parse_args()
    where = args.code
    check = "import kpi_xl, os; print(os.path.dirname(os.path.dirname(os.path.abspath(kpi_xl.__file__))))"
    found = subprocess.run([sys.executable, "-c", check], check=True, capture_output=True, text=True, cwd=where)
    print(f"kpi_xl from {found.stdout.strip()}")
    for code in CASES.values():  # warm the file cache
        once(code, where)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.rounds):
        for name, code in CASES.items():
            times[name].append(once(code, where))
    floor = statistics.median(times["import pandas (floor)"])
    print(f"{'':48} {'median':>8} {'ratio':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:48} {median:8.3f} {median / floor:6.2f}×")


if __name__ == "__main__":
    main()
