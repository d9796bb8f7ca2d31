"""The pipeline's stages (with their probability) and the activity types (with their points)."""

from __future__ import annotations

from pydantic import Field

from kpi_xl.config.values import Days, NonNegative, Probability, _Model


class Stage(_Model):
    name: str = Field(min_length=1)
    probability: Probability
    aliases: list[str] = []
    stale_after_days: Days | None = None


class ActivityType(_Model):
    points: NonNegative
    aliases: list[str] = []
