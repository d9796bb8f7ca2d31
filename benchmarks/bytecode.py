"""Measured processes start as an installed copy starts: with Python's compiled bytecode kept.

Some machines (this sandbox among them) set ``PYTHONDONTWRITEBYTECODE=1``; every process then compiles
kpi_xl's modules from source again, 0.1–0.2 s per start that no user pays after the first one (pip compiles
an installed package; an editable install keeps the bytecode of its first run). The benchmarks that time
whole processes call :func:`keep_bytecode` first: the bytecode goes to ``benchmarks/out/pycache``
(git-ignored), not into the source tree, and each script's warm-up run writes it.
"""

from __future__ import annotations

import os
from pathlib import Path

PYCACHE = Path(__file__).resolve().parent / "out" / "pycache"


def keep_bytecode() -> None:
    """Let the child processes of this script write and reuse compiled bytecode."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(PYCACHE))
