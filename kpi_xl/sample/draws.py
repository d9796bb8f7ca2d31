"""The random draws and the day arithmetic the steps of the generator share (numpy, whole arrays)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np


def _choice(rng: np.random.Generator, values, size: int, p=None) -> np.ndarray:
    """Random picks from ``values`` as an object array."""
    values = np.asarray(values, dtype=object)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return values[rng.choice(len(values), size=size, p=p)]


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """Make a share of the cells empty (None or NaN)."""
    values = values.copy()
    hit = rng.random(len(values)) < share
    values[hit] = np.nan if values.dtype.kind == "f" else None
    return values


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday for days since 1970-01-01 (a Thursday)."""
    return (days + 3) % 7


def _workday(rng: np.random.Generator, days: np.ndarray, lo, hi, keep: float = 0.04) -> np.ndarray:
    """Move most weekend days to a random working day of the same week (or the week after), within [lo, hi]."""
    wd = _weekday(days)
    weekend = (wd >= 5) & (rng.random(len(days)) >= keep)
    same_week = days - wd + rng.integers(0, 5, len(days))
    next_week = same_week + 7
    moved = np.where(same_week >= lo, same_week, np.where(next_week <= hi, next_week, days))
    moved = np.where(moved <= hi, moved, days)
    return np.where(weekend, moved, days)


def _forward_workday(days: np.ndarray) -> np.ndarray:
    """Saturday and Sunday → the Monday after (keeps the order of dates)."""
    wd = _weekday(days)
    return np.where(wd >= 5, days + (7 - wd), days)


def _uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A whole day in [lo, hi] for every pair (hi >= lo)."""
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype("int64")


def libm(function: Callable[[float], float], values) -> np.ndarray:
    """``function`` (``math.log``, a power) applied value by value in C's maths library.

    numpy's own loops for log, exp and power differ in the last bit between processors (AVX-512
    machines take other SIMD code than AVX2 ones), and one last bit can reorder two weighted draws or
    round an amount the other way: the sample company would differ between machines. The C library
    gives the same bits on every machine; the sample calls it for every such function.
    """
    array = np.asarray(values, dtype=np.float64)
    return np.fromiter(map(function, array.ravel().tolist()), dtype=np.float64, count=array.size).reshape(array.shape)


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices, drawn with probability proportional to ``weights`` (Efraimidis–Spirakis)."""
    keys = libm(math.log, rng.random(len(weights))) / np.maximum(weights, 1e-12)
    if k >= len(weights):
        return np.argsort(-keys, kind="stable")
    picked = np.argpartition(-keys, k - 1)[:k]  # the k largest keys, in an order that differs by processor
    return picked[np.argsort(-keys[picked], kind="stable")]  # (AVX-512 machines select otherwise): by key


def _gamma_days(rng: np.random.Generator, mean: float, size, shape: float = 2.0) -> np.ndarray:
    return rng.gamma(shape, mean / shape, size=size)
