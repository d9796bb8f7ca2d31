"""Behaviour unchanged: every cell of the plan and 16 worksheet-function results, with an earlier commit and this tree.

    python benchmarks/same_results.py --before 7a2e346
    python benchmarks/same_results.py --before 7a2e346 --limit    # also Excel's row limit, clean and messy

Three workbooks are made once, with this tree's code: the demo (seed 7) and two messy sample
companies (seeds 11 and 23). Each version of the package (the earlier commit from a temporary git
worktree, and this tree) then reads them and builds the plan for two months each — every cell of
Dashboard, History and Checks, with one fixed refresh time — and calls 16 worksheet functions with
the rows Excel would hand over. This tree runs three times: without the caches, with an empty cache
(which it fills) and with that cache (every table prepared from it: ``load_prepared`` where the version
has it); the earlier commit without.
``--limit`` adds the workbook at Excel's row limit and the same with one text date among its million
Activities dates (``bench_refresh.py`` makes them in ``benchmarks/out/``; plans only). The script prints
the first differences and exits 1 when there are any, 0 when every version agrees cell for cell.

Only the public names that workbooks and the CLI depend on are used on the "before" side, plus the
refresh module's ``load_prepared`` (or ``load_tables``) and ``plan_for`` under either its old or its new path.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BOOKS = {"demo": (7, False), "messy11": (11, True), "messy23": (23, True)}
MONTHS = ("2026-10", "2026-06")
NOW = dt.datetime(2026, 11, 3, 8, 30)
TODAY = dt.date(2026, 11, 3)


def _import(*candidates: str):
    """The first module of ``candidates`` that imports (the path before or after a move)."""
    import importlib

    for name in candidates:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
    raise ModuleNotFoundError(candidates[-1])


def make_books(folder: Path) -> dict[str, Path]:
    """The three workbooks, written with this tree's code."""
    from kpi_xl import load_config

    sample = _import("kpi_xl.sample")
    new = _import("kpi_xl.workbook.new", "kpi_xl.workbook_new")
    settings = load_config()
    paths = {}
    for name, (seed, messy) in BOOKS.items():
        path = folder / f"{name}.xlsm"
        company = sample.generate(seed=seed, messy=messy)
        new.new_workbook(path, overwrite=True)
        new.fill_tables(path, company.rows(), settings)
        paths[name] = path
    return paths


def _plain(value: object) -> object:
    """A JSON-safe form of a cell value that keeps its type visible."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return repr(value) if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{type(value).__name__}:{value.isoformat()}"
    return f"{type(value).__name__}:{value!r}"


def _udf_calls(rows: dict[str, list[list[object]]]) -> list[tuple[str, tuple]]:
    leads, acts, deals, customers = rows["Leads"], rows["Activities"], rows["Deals"], rows["Customers"]
    return [
        ("QUALIFIED_LEADS", (leads, "2026-10")),
        ("QUALIFIED_LEADS", (leads, "2026-06", "Sanne de Vries")),
        ("ACTION_POINTS", (acts, None, "2026-10")),
        ("ACTION_POINTS", (acts, "Sanne de Vries", "2026-09")),
        ("ACTION_TARGET", ("Jan Jansen", "2026-10")),
        ("PIPELINE_VALUE", (deals,)),
        ("PIPELINE_VALUE", (deals, "Offerte", True)),
        ("DEAL_VELOCITY", (deals,)),
        ("DEAL_VELOCITY", (deals, "Offerte", 6)),
        ("SALES_VELOCITY", (deals, 6)),
        ("CLOSE_RATIO", (deals, 12)),
        ("STAGE_CONVERSION", (deals, "Intake", "Offerte")),
        ("RETENTION_RATE", (customers, dt.datetime(2026, 1, 1), dt.datetime(2026, 10, 31))),
        ("ACTIVE_CUSTOMERS", (customers, dt.datetime(2026, 10, 31))),
        ("LOOKALIKE", (leads, customers, 5)),
        ("KPI_SUMMARY", (leads, acts, deals, customers, "2026-10")),
    ]


def dump(paths: list[Path], out: Path) -> None:
    """Everything this version computes from the workbooks, as JSON (run with the version on PYTHONPATH)."""
    from kpi_xl import load_config

    refresh = _import("kpi_xl.workbook.refresh", "kpi_xl.refresh")
    reader = _import("kpi_xl.workbook.read", "kpi_xl.workbook.file", "kpi_xl.workbook_file")
    udfs = _import("kpi_xl.udfs")
    settings = load_config()
    result: dict[str, object] = {}
    for path in paths:
        if hasattr(refresh, "load_prepared"):  # the prepared tables, from the cache when they are in it
            from kpi_xl.workbook.parse_cache import BackgroundStores

            with BackgroundStores() as stores:  # (waits until the cache is filled)
                tables, data = refresh.load_prepared(path, settings, stores)
        else:
            tables, data = refresh.load_tables(path, settings)
        for month in MONTHS:
            _, plan = refresh.plan_for(tables, settings, month, data.month_selector, data.history,
                                       now=NOW, today=TODAY)
            for sheet, cells in plan.sheets().items():
                result[f"{path.stem} {month} {sheet}"] = {str(cell): _plain(v) for cell, v in sorted(cells.items())}
        if path.stem.startswith("limit"):
            continue  # plans only: a million rows of Python objects per worksheet function is not the point
        as_rows = reader.read_workbook(path).tables  # what Excel hands a worksheet function: rows, header first
        rows = {name: [list(r) for r in as_rows[name]] for name in ("Leads", "Activities", "Deals", "Customers")}
        for i, (name, args) in enumerate(_udf_calls(rows)):
            value = getattr(udfs, name)(*args)
            if isinstance(value, list):
                value = [[_plain(v) for v in row] if isinstance(row, list) else _plain(row) for row in value]
            else:
                value = _plain(value)
            result[f"{path.stem} udf{i:02d} {name}"] = value
    out.write_text(json.dumps(result, sort_keys=True, ensure_ascii=False, indent=0))


def compare(before: dict, after: dict, show: int = 20) -> int:
    """Print the first ``show`` differences; return how many keys differ."""
    diffs = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    for key in diffs[:show]:
        b, a = before.get(key), after.get(key)
        if isinstance(b, dict) and isinstance(a, dict):
            cells = [c for c in sorted(set(b) | set(a)) if b.get(c) != a.get(c)]
            print(f"{key}: {len(cells)} cells differ, e.g. {cells[:3]}: "
                  f"{[b.get(c) for c in cells[:3]]} → {[a.get(c) for c in cells[:3]]}")
        else:
            print(f"{key}: {str(b)[:120]} → {str(a)[:120]}")
    return len(diffs)


def run_dump(code: Path, paths: list[Path], out: Path, cache: Path | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), KPI_XL_CACHE=str(cache) if cache is not None else "off")
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump", str(out), *map(str, paths)],
                   env=env, cwd=code, check=True)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="the earlier commit (any git revision)")
    parser.add_argument("--limit", action="store_true", help="also the workbooks at Excel's row limit")
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    parser.add_argument("books", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump([Path(p) for p in args.books], Path(args.dump))
        return
    if not args.before:
        parser.error("--before REV is required")
    with tempfile.TemporaryDirectory(prefix="kpi_same_") as tmp:
        folder = Path(tmp)
        sys.path.insert(0, str(ROOT))
        paths = list(make_books(folder).values())
        if args.limit:
            sys.path.insert(0, str(HERE))
            from bench_refresh import workbook

            paths += [workbook("limit", False), workbook("limit-onetext", False)]
        before_code = folder / "code"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(before_code), args.before],
                       check=True)
        try:
            before = run_dump(before_code, paths, folder / "before.json")
            after = run_dump(ROOT, paths, folder / "after.json")
            filling = run_dump(ROOT, paths, folder / "filling.json", cache=folder / "cache")
            cached = run_dump(ROOT, paths, folder / "cached.json", cache=folder / "cache")
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before_code)], check=False)
    cells = sum(len(v) if isinstance(v, dict) else 1 for v in after.values())
    n = 0
    for label, other in (("before → now", after), ("no cache → filling it", filling), ("no cache → from it", cached)):
        differ = compare(before if other is after else after, other)
        if differ:
            print(f"{label}: {differ} of {len(after)} results differ")
        n += differ
    if n:
        sys.exit(1)
    print(f"identical before and now, and now with and without the cache: {len(after)} results "
          f"({cells:,} cells and values) from {len(paths)} workbooks × "
          f"{len(MONTHS)} months, and {len(_udf_calls({k: [] for k in ('Leads', 'Activities', 'Deals', 'Customers')}))} "
          f"worksheet functions per workbook")


if __name__ == "__main__":
    main()
