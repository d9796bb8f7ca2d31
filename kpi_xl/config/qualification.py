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
        if self.label:
            return self.label
        arg = {
            "in": self.values, "not_in": self.values, "equals": self.value, "contains": self.value,
            "min": self.value, "max": self.value, "between": [self.min, self.max], "not_empty": "",
        }[self.test]
        return f"{self.column} {self.test} {arg}".strip()


def _shown_value(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class Qualification(_Model):
    min_score: NonNegative = 0.0
    criteria: list[Criterion] = []
