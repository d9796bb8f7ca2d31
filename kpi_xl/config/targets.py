"""The targets of the five KPIs: a value or a rising ramp, for the team and per rep."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from kpi_xl.config.mistakes import mistake, mistakes
from kpi_xl.config.values import _PERCENT, Month, NonNegative, Number, Rate, SignedRate, _Model
from kpi_xl.names import name_key


class Ramp(_Model):
    """A target that starts at ``start_value`` in ``start`` and rises each month."""

    start: Month
    start_value: NonNegative = Field(alias="from")
    step: Number | None = None
    step_pct: Annotated[Number, Field(ge=-100)] | None = None  # a target cannot fall below 0
    cap: NonNegative | None = None

    @model_validator(mode="after")
    def _one_step(self) -> Ramp:
        if (self.step is None) == (self.step_pct is None):
            raise mistake("ramp_one_step")
        return self


class RateRamp(Ramp):
    """A ramp of a rate target (retention): its values are shares (0.9 or 90%)."""

    start_value: Rate = Field(alias="from")
    step: SignedRate | None = None
    cap: Rate | None = None


def _target_shorthand(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"value": value}
    return value


def _rate_target_shorthand(value: Any) -> Any:
    """A rate target may also be written ``team: 90%``."""
    if isinstance(value, str) and _PERCENT.fullmatch(value):
        return {"value": value}
    return _target_shorthand(value)


class Target(_Model):
    value: NonNegative | None = None
    ramp: Ramp | None = None

    @model_validator(mode="after")
    def _value_or_ramp(self) -> Target:
        if self.value is None and self.ramp is None:
            raise mistake("target_empty")
        return self


class RateTarget(Target):
    """A target that is a share (retention): ``0.9`` or ``90%``; 90 is refused with a hint."""

    value: Rate | None = None
    ramp: RateRamp | None = None


TargetField = Annotated[Target, BeforeValidator(_target_shorthand)]
RateTargetField = Annotated[RateTarget, BeforeValidator(_rate_target_shorthand)]


class PerRepTargets(_Model):
    default: TargetField | None = None
    overrides: dict[str, TargetField] = {}

    @field_validator("overrides")
    @classmethod
    def _one_rep_once(cls, overrides: dict[str, Target]) -> dict[str, Target]:
        """Rep names are compared as a person reads them (kpi_xl.names): 'Sanne de Vries' and
        'sanne  de vries' are one rep, so two targets for them cannot both hold."""
        seen: dict[str, str] = {}
        problems = []
        for name in overrides:
            key = name_key(name)
            if not key:
                problems.append((None, "rep_blank", {"name": name}))
            elif key in seen:
                problems.append((None, "rep_twice", {"name": name, "other": seen[key]}))
            seen.setdefault(key, name)
        if problems:
            raise mistakes(problems)
        return overrides


class RatePerRepTargets(PerRepTargets):
    default: RateTargetField | None = None
    overrides: dict[str, RateTargetField] = {}


class KpiTarget(_Model):
    team: TargetField | None = None
    per_rep: PerRepTargets = PerRepTargets()


class RateKpiTarget(KpiTarget):
    """The targets of a KPI that is a share (retention)."""

    team: RateTargetField | None = None
    per_rep: RatePerRepTargets = RatePerRepTargets()


KPI_NAMES = ("qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention")


class Targets(_Model):
    qualified_leads: KpiTarget = KpiTarget()
    action_points: KpiTarget = KpiTarget()
    pipeline_value: KpiTarget = KpiTarget()
    deal_velocity: KpiTarget = KpiTarget()
    retention: RateKpiTarget = RateKpiTarget()  # a share: 0.9 or 90%
    won_revenue: KpiTarget = KpiTarget()  # € won per month: the sales target the pipeline is held against
