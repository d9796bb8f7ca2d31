"""Pipedrive export files of any size, generated with numpy in whole arrays (no Python loop per row).

    python benchmarks/crm_files.py DIR --deals 100000 --activities 1000000

writes ``DIR/deals.csv`` and ``DIR/activities.csv`` with Pipedrive's English headers (``Deal - …``,
``Activity - …``), ISO date-times, a few empty cells, ~5% activities not done. Used by
``read_exports.py``; the files are never committed (write them into a temporary directory).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

OWNERS = np.array(["Sanne de Vries", "Daan Bakker", "Lotte Visser", "Fatima El Amrani", "Jeroen Smit",
                   "Eva Mulder", "Bram Jansen", "Noor de Boer"], dtype=object)
STAGES = np.array(["Lead", "Intake", "Offerte", "Onderhandeling"], dtype=object)
TYPES = np.array(["Call", "Email", "Meeting", "Task", "Deadline", "Lunch"], dtype=object)
START = np.datetime64("2025-01-01T00:00:00", "s")


def _stamps(seconds: np.ndarray, with_time: bool = True) -> np.ndarray:
    """Seconds after START → ``2025-03-01 10:00:00`` (or ``2025-03-01``) texts, "" for -1."""
    values = (START + seconds.astype("timedelta64[s]")).astype("datetime64[s]")
    text = np.datetime_as_string(values, unit="s" if with_time else "D")
    text = np.char.replace(text, "T", " ") if with_time else text
    return np.where(seconds < 0, "", text)


def write_pipedrive(folder: Path, deals: int = 100_000, activities: int = 1_000_000, seed: int = 1) -> list[Path]:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    span = 600 * 86_400
    created = rng.integers(0, span, deals)
    status = rng.choice(np.array(["open", "won", "lost"], dtype=object), deals, p=[0.2, 0.35, 0.45])
    closed = created + rng.integers(86_400, 120 * 86_400, deals)
    ids = np.arange(1, deals + 1)
    frame = pd.DataFrame({
        "Deal - ID": ids,
        "Deal - Title": np.char.add("Deal ", ids.astype(str)),
        "Deal - Value": np.round(rng.gamma(2.0, 6_000, deals), 2),
        "Deal - Currency": "EUR",
        "Deal - Stage": STAGES[rng.integers(0, len(STAGES), deals)],
        "Deal - Status": status,
        "Deal - Owner": OWNERS[rng.integers(0, len(OWNERS), deals)],
        "Deal - Pipeline": "Sales",
        "Deal - Organization": np.char.add("Org ", rng.integers(1, deals // 5 + 2, deals).astype(str)),
        "Deal - Deal created": _stamps(np.where(rng.random(deals) < 0.001, -1, created)),
        "Deal - Won time": _stamps(np.where(status == "won", closed, -1)),
        "Deal - Lost time": _stamps(np.where(status == "lost", closed, -1)),
        "Deal - Lost reason": np.where(status == "lost", "Te duur", ""),
    })
    acts = pd.DataFrame({
        "Activity - Type": TYPES[rng.choice(len(TYPES), activities, p=[0.4, 0.3, 0.15, 0.1, 0.04, 0.01])],
        "Activity - Due date": _stamps(rng.integers(0, span, activities) // 86_400 * 86_400, with_time=False),
        "Activity - Done": np.where(rng.random(activities) < 0.95, "Done", "Not done"),
        "Activity - Assigned to user": OWNERS[rng.integers(0, len(OWNERS), activities)],
        "Activity - Deal ID": np.where(rng.random(activities) < 0.6,
                                       rng.integers(1, deals + 1, activities).astype(str), ""),
        "Activity - Subject": np.where(rng.random(activities) < 0.5, "Follow-up", ""),
    })
    paths = [folder / "deals.csv", folder / "activities.csv"]
    frame.to_csv(paths[0], index=False)
    acts.to_csv(paths[1], index=False)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    args = parser.parse_args()
    for path in write_pipedrive(args.folder, args.deals, args.activities):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
