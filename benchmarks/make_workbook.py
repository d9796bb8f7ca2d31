"""Write a seeded sample workbook of a given size: the template's tables filled with the sample company.

    python benchmarks/make_workbook.py --size demo  benchmarks/out/demo.xlsm
    python benchmarks/make_workbook.py --size 10x   benchmarks/out/10x.xlsm
    python benchmarks/make_workbook.py --size limit benchmarks/out/limit.xlsm   # 1,000,000 activities

The company comes from :func:`kpi_xl.sample.generate` (seeded: the same file
every time; stage dates in Deals, realistic distributions), the workbook from
:func:`kpi_xl.workbook.new.new_workbook` + :func:`~kpi_xl.workbook.new.fill_tables`.
Not refreshed. Write generated workbooks under ``benchmarks/out/`` (git-ignored)
or /tmp, never into the repository.

Measured on the 2-core benchmark machine: demo 0.5 s, 10x 5.5 s, limit about
50 s and 3.3 GB peak memory (``fill_tables`` builds a dict of cells and the
sheet XML as strings; fine for a one-off file).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpi_xl.config import load_config  # noqa: E402
from kpi_xl.sample import generate  # noqa: E402
from kpi_xl.workbook.new import fill_tables, new_workbook  # noqa: E402

SIZES = {
    "demo": {"scale": 1.0},  # 2,000 leads, 20,000 activities, 600 deals, 150 customers
    "10x": {"scale": 10.0},  # 20,000 leads, 200,000 activities, 6,000 deals, 1,500 customers
    # Excel's limit: a sheet holds 1,048,576 rows
    "limit": {"leads": 200_000, "activities": 1_000_000, "deals": 100_000, "customers": 20_000},
}


def make(size: str, out: str | Path, seed: int = 7, messy: bool = False) -> Path:
    """Write the workbook of ``size`` (a key of SIZES) to ``out``; returns the path."""
    settings = load_config()
    company = generate(seed=seed, messy=messy, settings=settings, **SIZES[size])
    path = new_workbook(out, overwrite=True)
    fill_tables(path, company.rows(), settings)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the .xlsm to write")
    parser.add_argument("--size", choices=sorted(SIZES), default="demo")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--messy", action="store_true", help="text dates, amounts as text, a few bad cells")
    args = parser.parse_args()
    start = time.perf_counter()
    path = make(args.size, args.out, seed=args.seed, messy=args.messy)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{path}: {args.size}, {path.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} s, "
          f"peak {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
