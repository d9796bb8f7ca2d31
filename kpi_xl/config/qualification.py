"""When a lead counts as qualified: the criteria it is tested on, and the score it must reach."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, model_validator

from kpi_xl.config.mistakes import mistake
from kpi_xl.config.values import NonNegative, Number, OneValue, _Model

CriterionTest = Literal["in", "not_in", "equals", "min", "max", "between", "contains", "not_empty"]


class Criterion(_Model):
    column: str = Field(min_length=1)
    test: CriterionTest
    value: OneValue = None
    values: list[OneValue] | None = None
    min: Number | None = None
    max: Number | None = None
    required: bool = True
    weight: NonNegative = 1.0
    label: str | None = None

    @model_validator(mode="after")
    def _arguments_fit_test(self) -> Criterion:
        need = {
            "in": ("values",),
            "not_in": ("values",),
            "equals": ("value",),
            "contains": ("value",),
            "min": ("value",),
            "max": ("value",),
            "between": ("min", "max"),
            "not_empty": (),
        }[self.test]
        missing = [name for name in need if getattr(self, name) is None]
        if missing:
            raise mistake("test_needs", test=self.test, names=", ".join(repr(m) for m in missing))
        if self.test in ("min", "max"):
            try:
                number = float(self.value)
            except (TypeError, ValueError, OverflowError):
                number = math.nan
            if isinstance(self.value, bool) or not math.isfinite(number):
                raise mistake("test_needs_number", test=self.test, value=_shown_value(self.value))
        if self.test == "between" and self.min > self.max:
            raise mistake("min_above_max", low=self.min, high=self.max)
        return self

    @property
    def name(self) -> str:
        """The criterion as a page shows it: its ``label``, else the column and the test in symbols
        (``industry = ICT / Industrie``, ``employees 10–500``, ``budget ≥ 5000``), never Python's repr."""
        if self.label:
            return self.label
        listed = " / ".join(_plain(v) for v in self.values or [])
        shown = {
            "in": f"= {listed}", "not_in": f"≠ {listed}", "equals": f"= {_plain(self.value)}",
            "min": f"≥ {_plain(self.value)}", "max": f"≤ {_plain(self.value)}",
            "between": f"{_plain(self.min)}–{_plain(self.max)}", "contains": f"∋ {_plain(self.value)}",
            "not_empty": "≠ ∅",
        }[self.test]
        return f"{self.column} {shown}".strip()


def _plain(value: Any) -> str:
    """10.0 → '10', text as it is (no quotes)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _shown_value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class Qualification(_Model):
    min_score: NonNegative = 0.0
    criteria: list[Criterion] = []
