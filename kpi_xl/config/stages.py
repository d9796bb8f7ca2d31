"""The pipeline's stages (with their probability) and the activity types (with their points)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from kpi_xl.config.values import Days, NonNegative, Probability, _Model

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Stage(_Model):
    name: str = Field(min_length=1)
    probability: Probability
    aliases: list[str] = []
    stale_after_days: Days | None = None


class ActivityType(_Model):
    points: NonNegative
    aliases: list[str] = []
    # how the pages name the type, per language (default: the key with a capital)
    label: dict[Literal["nl", "en"], Label] = {}
