"""Worksheet-function speed as Excel drives it: one recalculation with many formulas over one table.

    python benchmarks/bench_udfs.py [--deals 100000] [--calls 50] [--runs 5]

Excel hands every formula the table's rows anew (a fresh list of lists), so
the cost of a recalculation is: hashing the rows once per call (the cache key)
plus parsing them once per distinct table. Printed side by side, in one run:
one cold call (parse included), one warm call (served from the cache), and
``--calls`` formulas in a recalculation (the first one cold), with the ratio
to one cold call, and the floor of issue 14: fastexcel reading that Deals table from
a workbook into pandas (the table written once into a copy of the template). Targets:
one cold call on 100,000 deals under 0.5 s (issue 5), 50 calls in under 3 × one
call (issue 4), one cold call ≤ 1.5 × the fastexcel floor (issue 14).
"""

from __future__ import annotations

import argparse
import statistics
import time

from kpi_xl import udfs
from kpi_xl.excel import functions as fx
from kpi_xl.sample import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    company = generate(deals=args.deals, leads=1_000, activities=1_000, customers=100)
    rows = company.rows()["Deals"]
    print(f"Deals table: {len(rows) - 1:,} rows × {len(rows[0])} columns")
    stages = ["Offerte", "Intake", None, "Onderhandeling", "Lead"]

    def fresh() -> list[list[object]]:
        return [list(r) for r in rows]  # what Excel hands over on every call: new lists

    import tempfile
    from pathlib import Path

    import logging

    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # an empty column is read as text: not news
    from kpi_xl.config import load_config
    from kpi_xl.workbook.new import fill_tables, new_workbook

    book = Path(tempfile.mkdtemp()) / "deals.xlsm"
    new_workbook(book)
    fill_tables(book, {"Deals": rows}, load_config())

    cold, warm, recalcs, floor = [], [], [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        fastexcel.read_excel(str(book)).load_table("Deals").to_pandas()
        floor.append(time.perf_counter() - start)
        fx.CACHE.clear()
        fx._EMPTY.clear()  # cold: the tables a function does not take are parsed again too
        table = fresh()
        start = time.perf_counter()
        value = udfs.DEAL_VELOCITY(table, "Offerte")
        cold.append(time.perf_counter() - start)
        table = fresh()
        start = time.perf_counter()
        assert udfs.DEAL_VELOCITY(table, "Offerte") == value
        warm.append(time.perf_counter() - start)
        fx.CACHE.clear()
        total = 0.0
        for i in range(args.calls):
            table = fresh()  # made outside the timing, freed after the call, as Excel does
            start = time.perf_counter()
            udfs.DEAL_VELOCITY(table, stages[i % len(stages)])
            total += time.perf_counter() - start
            del table
        recalcs.append(total)
    one, many = statistics.median(cold), statistics.median(recalcs)
    print(f"one call, cold (parse included): median {one:.3f} s   min {min(cold):.3f} s   "
          f"[{'OK' if one < 0.5 else 'ABOVE'} target < 0.5 s]   runs " + " ".join(f"{c:.3f}" for c in cold))
    print(f"one call, warm (cached):         median {statistics.median(warm):.3f} s")
    print(f"{args.calls} calls in one recalculation: median {many:.3f} s   = {many / one:.2f} × one cold call "
          f"[{'OK' if many < 3 * one else 'ABOVE'} target < 3 ×]")
    base = statistics.median(floor)
    print(f"floor: fastexcel reads the Deals table into pandas: median {base:.3f} s; one cold call = "
          f"{one / base:.2f} × the floor [{'OK' if one <= 1.5 * base else 'ABOVE'} target ≤ 1.5 ×]")
    print(f"cache: {fx.CACHE.hits} hits, {fx.CACHE.misses} misses over all runs")


if __name__ == "__main__":
    main()
