"""SIGKILL a command at random moments (the fault tests of the refresh and the import share this)."""

from __future__ import annotations

import random
import subprocess
import time
from collections.abc import Callable


def timed_run(command: list[str], writing: Callable[[], bool]) -> tuple[float, float]:
    """One undisturbed run of ``command``: its duration, and how long ``writing()`` held (the write phase, at
    least 5 ms). The command must succeed and must write."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = last = None
    while proc.poll() is None:
        if writing():
            last = time.perf_counter() - start
            first = first or last
        time.sleep(0.001)
    duration = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr.read()
    assert first is not None, "the command wrote nothing that could be seen"
    return duration, max(last - first, 0.005)


def kill_somewhere(command: list[str], writing: Callable[[], bool], rng: random.Random, i: int, duration: float,
                   write_time: float, reach: float = 1.0, patience: float = 60) -> bool:
    """Start ``command`` and kill it: every third time at a random moment of a normal run (mostly while Python
    starts and reads), the others at a random moment within ``reach`` × the write phase after ``writing()``
    begins (waiting at most ``patience`` seconds for it). Returns whether it was killed while writing."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = time.perf_counter()
    if i % 3 == 0:
        time.sleep(rng.uniform(0, duration))
    else:
        while proc.poll() is None and not writing() and time.perf_counter() - began < patience:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, write_time * reach))
    hit = writing() and proc.poll() is None
    proc.kill()
    proc.wait()
    return hit
