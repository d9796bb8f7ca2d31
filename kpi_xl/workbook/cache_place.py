"""Where kpi_xl keeps what it caches between refreshes (without importing what the caches hold)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_folder"]


def cache_folder() -> Path | None:
    """Where entries live, or None when the cache is off (``KPI_XL_CACHE=off``)."""
    chosen = os.environ.get("KPI_XL_CACHE", "").strip()
    if chosen.lower() in ("off", "0", "no", "false", "none"):
        return None
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kpi_xl", appauthor=False)) / "tables"
