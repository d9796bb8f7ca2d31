"""What the dashboard shows beside the KPIs: look-alike customers, the traffic light,
the bottleneck per rep and suggested targets."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kpi_xl.config.mistakes import mistake
from kpi_xl.config.values import NonNegative, Number, PositiveInt, Probability, Share, _at_most, _Model


class LookalikeAttribute(_Model):
    column: str = Field(min_length=1)
    weight: NonNegative = 1.0
    bands: list[Number] | None = None

    @model_validator(mode="after")
    def _bands_rise(self) -> LookalikeAttribute:
        if self.bands is not None and list(self.bands) != sorted(set(self.bands)):
            raise mistake("bands_rise")
        return self


class LookalikeProfile(_Model):
    best_by: Literal["revenue", "tenure"] | None = None
    top_share: Probability = 1.0


class Lookalike(_Model):
    attributes: list[LookalikeAttribute] = []
    profile: LookalikeProfile = LookalikeProfile()
    top: Annotated[PositiveInt, _at_most(10_000)] = 10


class TrafficLight(_Model):
    green: Share = 1.0
    orange: Share = 0.8

    @model_validator(mode="after")
    def _order(self) -> TrafficLight:
        if self.orange > self.green:
            raise mistake("orange_above_green", orange=self.orange, green=self.green)
        return self


class Bottleneck(_Model):
    min_deals: Annotated[PositiveInt, _at_most(1_000_000)] = 5
    # a rep's shortfall vs the team's conversion at a stage, in percentage points, that makes it a bottleneck
    min_gap_points: Annotated[NonNegative, _at_most(100)] = 10.0
    hints: dict[str, dict[Literal["nl", "en"], str]] = {}


class SuggestedTargets(_Model):
    months: Annotated[PositiveInt, _at_most(36)] = 3
    far_above: Share = 1.5
