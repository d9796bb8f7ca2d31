"""The validated config as a whole (:class:`Settings`) and the lookups the tables and the KPIs use."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from kpi_xl.config.columns import HeaderNames, check_columns
from kpi_xl.config.dashboard import Bottleneck, Lookalike, SuggestedTargets, TrafficLight
from kpi_xl.config.imports import ImportField
from kpi_xl.config.mistakes import mistakes
from kpi_xl.config.qualification import Qualification
from kpi_xl.config.stages import ActivityType, Stage
from kpi_xl.config.targets import Targets
from kpi_xl.config.values import Days, PositiveInt, _at_most, _Model
from kpi_xl.names import name_key


def _points_shorthand(value: Any) -> Any:
    return {"points": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class Settings(_Model):
    """The validated config. Build with :func:`load_config` or :func:`parse_config`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, allow_inf_nan=False,
                              ignored_types=(cached_property,))

    language: Literal["nl", "en"] = "nl"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1
    window_months: Annotated[PositiveInt, _at_most(120)] = 12
    stages: list[Stage] = Field(min_length=2)
    won_stage: str = "Gewonnen"
    lost_stage: str = "Verloren"
    quote_stage: str = "Offerte"
    activity_types: dict[str, Annotated[ActivityType, BeforeValidator(_points_shorthand)]] = {}
    qualification: Qualification = Qualification()
    targets: Targets = Targets()
    stale_after_days: Days = 30
    contact_within_days: Days = 90
    lookalike: Lookalike = Lookalike()
    traffic_light: TrafficLight = TrafficLight()
    bottleneck: Bottleneck = Bottleneck()
    suggested_targets: SuggestedTargets = SuggestedTargets()
    # the user's own header names: table → canonical column → names (see kpi_xl.config.columns)
    columns: dict[str, dict[str, HeaderNames]] = {}
    imports: ImportField  # the import: section (kpi_xl.config.imports)

    @field_validator("stages")
    @classmethod
    def _stages_unique(cls, stages: list[Stage]) -> list[Stage]:
        seen: dict[str, int] = {}
        problems = []
        for i, stage in enumerate(stages):
            for label in [stage.name, *stage.aliases]:
                key = name_key(label)
                if key in seen and seen[key] != i:
                    problems.append((None, "stage_twice", {"label": label, "index": i, "first": seen[key]}))
                seen.setdefault(key, i)
        if problems:
            raise mistakes(problems)
        return stages

    @field_validator("activity_types")
    @classmethod
    def _types_unique(cls, types: dict[str, ActivityType]) -> dict[str, ActivityType]:
        seen: dict[str, str] = {}
        problems = []
        for name, spec in types.items():
            for label in [name, *spec.aliases]:
                key = name_key(label)
                if key in seen and seen[key] != name:
                    problems.append((None, "type_twice", {"label": label, "name": name, "other": seen[key]}))
                seen.setdefault(key, name)
        if problems:
            raise mistakes(problems)
        return types

    @field_validator("columns")
    @classmethod
    def _columns_known(cls, columns: dict[str, dict[str, list[str]]], info: ValidationInfo):
        return check_columns(columns, info.data.get("stages"))

    @model_validator(mode="after")
    def _stage_roles_exist(self) -> Settings:
        problems: list[tuple[str, str, dict]] = []
        names = {name_key(label): s.name for s in self.stages for label in [s.name, *s.aliases]}
        known = ", ".join(s.name for s in self.stages)
        for field in ("won_stage", "lost_stage", "quote_stage"):
            if name_key(getattr(self, field)) not in names:
                problems.append((field, "not_a_stage", {"value": getattr(self, field), "known": known}))
        won, lost = names.get(name_key(self.won_stage)), names.get(name_key(self.lost_stage))
        if won is not None and won == lost:
            problems.append(("lost_stage", "lost_is_won", {"won": won}))
        for stage in self.bottleneck.hints:
            if name_key(stage) not in names:
                problems.append((f"bottleneck.hints.{stage}", "not_a_stage", {"value": stage, "known": known}))
        if problems:
            raise mistakes(problems)
        return self

    # -- lookups used by the tables and the KPIs -----------------------------

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the settings' content (for caches keyed by config)."""
        import hashlib

        return hashlib.blake2b(self.model_dump_json().encode(), digest_size=12).hexdigest()

    @cached_property
    def column_aliases(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """The user's own header names (``columns:``): table → canonical column → names."""
        return {table: {name: tuple(names) for name, names in fields.items()}
                for table, fields in self.columns.items()}

    def header_aliases(self, table: str) -> dict[str, tuple[str, ...]]:
        """The user's own header names for one table's columns (``columns:``), for
        :func:`kpi_xl.tables.headers.match_headers`; empty when the config names none."""
        return self.column_aliases.get(table, {})

    @cached_property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    @cached_property
    def stage_lookup(self) -> dict[str, str]:
        """Lower-cased stage name or alias → canonical stage name."""
        return {name_key(label): s.name for s in self.stages for label in [s.name, *s.aliases]}

    @cached_property
    def stage_order(self) -> dict[str, int]:
        return {s.name: i for i, s in enumerate(self.stages)}

    @cached_property
    def probabilities(self) -> dict[str, float]:
        return {s.name: s.probability for s in self.stages}

    @cached_property
    def won(self) -> str:
        return self.stage_lookup[name_key(self.won_stage)]

    @cached_property
    def lost(self) -> str:
        return self.stage_lookup[name_key(self.lost_stage)]

    @cached_property
    def quote(self) -> str:
        return self.stage_lookup[name_key(self.quote_stage)]

    @cached_property
    def open_stages(self) -> list[str]:
        """Stages a deal can be in while it is still open, in order."""
        return [s.name for s in self.stages if s.name not in (self.won, self.lost)]

    @cached_property
    def stale_days_by_stage(self) -> dict[str, int]:
        return {s.name: s.stale_after_days or self.stale_after_days for s in self.stages}

    @cached_property
    def hints(self) -> dict[str, dict[str, str]]:
        """Bottleneck talking points by canonical stage name."""
        return {self.stage_lookup[name_key(stage)]: texts for stage, texts in self.bottleneck.hints.items()}

    @cached_property
    def activity_lookup(self) -> dict[str, str]:
        """Lower-cased activity type or alias → canonical type name."""
        return {name_key(label): name for name, spec in self.activity_types.items() for label in [name, *spec.aliases]}

    @cached_property
    def points(self) -> dict[str, float]:
        return {name: spec.points for name, spec in self.activity_types.items()}


def activity_label(settings: Settings, key: str, language: str | None = None) -> str:
    """How the pages name activity type ``key``: its ``label`` in ``language`` (default: the config's
    language), else the key with a capital (``call`` → ``Call``). The tables keep the key."""
    spec = settings.activity_types.get(key)
    label = spec.label.get(language or settings.language) if spec is not None else None
    return label or (key[:1].upper() + key[1:])
