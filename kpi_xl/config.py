"""The YAML config: loaded safely, validated into typed settings.

Every mistake is reported with its path and what was expected, all at once,
for example ``stages[2].probability: must be between 0 and 1, got 1.5``.
Nothing in the file is ever evaluated: it is read with a ``yaml.SafeLoader`` (which
also refuses a key given twice); a tag such as ``!!python/object`` is an error.
"""

from __future__ import annotations

import math
import re
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kpi_xl.config_errors import describe, language_in_text, language_of, mistake, mistakes, say, yaml_problem
from kpi_xl.errors import ConfigError
from kpi_xl.messages import both_languages, text
from kpi_xl.names import name_key

# ----------------------------------------------------------------------------
# small value types


def _no_bool(value: Any) -> Any:
    """YAML reads ``yes``/``true`` as a boolean; pydantic would quietly turn it into 1."""
    if isinstance(value, bool):
        raise mistake("number")
    return value


def _month(value: Any) -> str:
    """Accept ``2026-01``, ``2026-1`` or a YAML date; keep ``YYYY-MM``."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise mistake("month")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def _non_negative(value: float) -> float:
    if value < 0:
        raise mistake("min_zero")
    return value


def _positive_int(value: int) -> int:
    if value < 1:
        raise mistake("min_one")
    return value


_PERCENT = re.compile(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*%\s*")


def _percent(value: Any) -> Any:
    """``90%``, ``90 %`` and ``90,5%`` → 0.9, 0.905 (a share); a boolean is refused; anything else as it is."""
    value = _no_bool(value)
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value)
        if match:
            return float(match.group(1).replace(",", ".")) / 100
    return value


def _shown(number: float) -> str:
    return f"{number:g}"


def _rate(value: float) -> float:
    """A share of 0..1 (a probability, a retention rate); 90 is a percentage written without its sign."""
    if 1 < value <= 100 and value.is_integer():
        raise mistake("rate_percent", value=_shown(value), percent=_shown(value), share=_shown(value / 100))
    if not 0 <= value <= 1:
        raise mistake("rate")
    return value


def _signed_rate(value: float) -> float:
    """A monthly step of a rate: -1..1 (``1%`` or 0.01)."""
    if 1 < abs(value) <= 100 and value.is_integer():
        raise mistake("rate_percent", value=_shown(value), percent=_shown(value), share=_shown(value / 100))
    if not -1 <= value <= 1:
        raise mistake("rate")
    return value


MAX_SHARE = 10.0  # a share of target above 1000% is a percentage written without its % sign


def _share(value: float) -> float:
    """A share of a target (1.0 = 100%), 0..10; 80 is a percentage written without its sign."""
    if value < 0:
        raise mistake("min_zero")
    if value > MAX_SHARE:
        raise mistake("share_percent", value=_shown(value), percent=_shown(value), share=_shown(value / 100))
    return value


def _one_value(value: Any) -> Any:
    """A criterion's value: text, a number or a date; not a list or a mapping."""
    if isinstance(value, (dict, list, tuple, set)):
        raise mistake("one_value")
    return value


def _at_most(limit: int):
    def check(value: int) -> int:
        if value > limit:
            raise mistake("at_most", limit=limit)
        return value
    return AfterValidator(check)


Number = Annotated[float, BeforeValidator(_no_bool)]
Rate = Annotated[float, BeforeValidator(_percent), AfterValidator(_rate)]
SignedRate = Annotated[float, BeforeValidator(_percent), AfterValidator(_signed_rate)]
Share = Annotated[float, BeforeValidator(_percent), AfterValidator(_share)]
Probability = Rate
Month = Annotated[str, BeforeValidator(_month)]
NonNegative = Annotated[float, BeforeValidator(_no_bool), AfterValidator(_non_negative)]
PositiveInt = Annotated[int, BeforeValidator(_no_bool), AfterValidator(_positive_int)]
Days = Annotated[PositiveInt, _at_most(36_500)]  # a hundred years: beyond it dates leave pandas' range
OneValue = Annotated[Any, BeforeValidator(_one_value)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, allow_inf_nan=False)


# ----------------------------------------------------------------------------
# stages, activity types, qualification


class Stage(_Model):
    name: str = Field(min_length=1)
    probability: Probability
    aliases: list[str] = []
    stale_after_days: Days | None = None


def _points_shorthand(value: Any) -> Any:
    return {"points": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class ActivityType(_Model):
    points: NonNegative
    aliases: list[str] = []


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


# ----------------------------------------------------------------------------
# targets


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


# ----------------------------------------------------------------------------
# the rest


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
    hints: dict[str, dict[Literal["nl", "en"], str]] = {}


class SuggestedTargets(_Model):
    months: Annotated[PositiveInt, _at_most(36)] = 3
    far_above: Share = 1.5


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


# ----------------------------------------------------------------------------
# loading


def default_config_path() -> Path:
    """The config shipped with the package (``config/kpi.yaml`` in the repository)."""
    packaged = resources.files("kpi_xl").joinpath("data/kpi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "config" / "kpi.yaml"


MAX_CONFIG_BYTES = 1_000_000  # a config is a few kB; a bigger file is a mistake (or a log file)
MAX_CONFIG_VALUES = 100_000  # values after YAML anchors are expanded (a 'billion laughs' file is refused)


def load_config(path: str | Path | None = None) -> Settings:
    """Read and validate a YAML config file (the packaged default when ``path`` is None)."""
    path = Path(path) if path is not None else default_config_path()
    try:
        if path.exists() and not path.is_file():
            raise ConfigError(both_languages("config.not_a_file", path=path))
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(both_languages("config.not_found", path=path)) from None
    except OSError as err:
        raise ConfigError(both_languages("config.unreadable", path=path, reason=err.strerror or err)) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(both_languages("config.too_large", path=path, limit=f"{MAX_CONFIG_BYTES // 1000} kB"))
    try:
        raw_text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(both_languages("config.not_utf8", path=path)) from None
    return parse_config(raw_text, source=str(path))


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"'{key}' is given twice (first at line {first})", key_node.start_mark
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def parse_config(source_text: str | dict, source: str = "config") -> Settings:
    """Validate YAML text (or an already-parsed mapping) into :class:`Settings`.

    Every message is in the config's ``language`` (found by a line scan when the YAML cannot be read)."""
    if isinstance(source_text, dict):
        data = source_text
    else:
        try:
            data = yaml.load(source_text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as err:
            raise ConfigError(yaml_problem(err, source, source_text, language_in_text(source_text))) from None
        except RecursionError:
            raise ConfigError(say("config.too_deep", language_in_text(source_text), source=source)) from None
    lang = language_of(data)
    if data is None:
        raise ConfigError(say("config.empty", language_in_text(str(source_text)), source=source))
    if not isinstance(data, dict):
        raise ConfigError(say("config.not_mapping", language_in_text(str(source_text)), source=source,
                              kind=type(data).__name__))
    count, broken = _count_values(data, MAX_CONFIG_VALUES)
    if count > MAX_CONFIG_VALUES:
        raise ConfigError(text("config.too_many_values", lang, source=source, limit=f"{MAX_CONFIG_VALUES:,}"))
    if broken is not None:  # "\ud800" in quotes: no character at all; no file or terminal can show it
        shown = broken.encode("utf-8", "backslashreplace").decode("utf-8")
        raise ConfigError(text("config.not_a_character", lang, source=source, text=shown[:60]))
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        details = [line for e in err.errors() for line in describe(e, lang, Settings)]
        code = "config.mistake" if len(details) == 1 else "config.mistakes"
        raise ConfigError(text(code, lang, source=source, count=len(details)), details) from None
    except RecursionError:
        raise ConfigError(text("config.too_deep", lang, source=source)) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _count_values(data: Any, limit: int) -> tuple[int, str | None]:
    """How many values ``data`` holds once YAML anchors are expanded (counting stops past ``limit``),
    and the first text holding a lone surrogate (``"\ud800"``), if any."""
    count, pending, broken = 0, [data], None
    while pending and count <= limit:
        item = pending.pop()
        count += 1
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            pending.extend(item)
        elif broken is None and isinstance(item, str) and _SURROGATE.search(item):
            broken = item
    return count, broken
