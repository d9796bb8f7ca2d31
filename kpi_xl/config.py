"""The YAML config: loaded safely, validated into typed settings.

Every mistake is reported with its path and what was expected, all at once,
for example ``stages[2].probability: must be between 0 and 1, got 1.5``.
Nothing in the file is ever evaluated: it is read with a ``yaml.SafeLoader`` (which
also refuses a key given twice); a tag such as ``!!python/object`` is an error.
"""

from __future__ import annotations

import difflib
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

from kpi_xl.errors import ConfigError
from kpi_xl.names import name_key

# ----------------------------------------------------------------------------
# small value types


def _no_bool(value: Any) -> Any:
    """YAML reads ``yes``/``true`` as a boolean; pydantic would quietly turn it into 1."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    return value


def _probability(value: float) -> float:
    if not 0 <= value <= 1:
        raise ValueError("must be between 0 and 1")
    return value


def _month(value: Any) -> str:
    """Accept ``2026-01``, ``2026-1`` or a YAML date; keep ``YYYY-MM``."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("must be a month written as YYYY-MM, for example 2026-01")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must be 0 or more")
    return value


def _positive_int(value: int) -> int:
    if value < 1:
        raise ValueError("must be 1 or more")
    return value


Probability = Annotated[float, BeforeValidator(_no_bool), AfterValidator(_probability)]
Month = Annotated[str, BeforeValidator(_month)]
NonNegative = Annotated[float, BeforeValidator(_no_bool), AfterValidator(_non_negative)]
PositiveInt = Annotated[int, BeforeValidator(_no_bool), AfterValidator(_positive_int)]

# Several mistakes found by one validator are joined with this and reported one per line.
_SEPARATOR = "\n"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


# ----------------------------------------------------------------------------
# stages, activity types, qualification


class Stage(_Model):
    name: str = Field(min_length=1)
    probability: Probability
    aliases: list[str] = []
    stale_after_days: PositiveInt | None = None


def _points_shorthand(value: Any) -> Any:
    return {"points": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class ActivityType(_Model):
    points: NonNegative
    aliases: list[str] = []


CriterionTest = Literal["in", "not_in", "equals", "min", "max", "between", "contains", "not_empty"]


class Criterion(_Model):
    column: str = Field(min_length=1)
    test: CriterionTest
    value: Any = None
    values: list[Any] | None = None
    min: float | None = None
    max: float | None = None
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
            raise ValueError(f"test '{self.test}' needs {' and '.join(repr(m) for m in missing)}")
        if self.test in ("min", "max"):
            try:
                float(self.value)
            except (TypeError, ValueError):
                raise ValueError(f"test '{self.test}' needs a number as 'value', got {self.value!r}") from None
        if self.test == "between" and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) must not be above 'max' ({self.max})")
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


class Qualification(_Model):
    min_score: NonNegative = 0.0
    criteria: list[Criterion] = []


# ----------------------------------------------------------------------------
# targets


class Ramp(_Model):
    """A target that starts at ``start_value`` in ``start`` and rises each month."""

    start: Month
    start_value: NonNegative = Field(alias="from")
    step: float | None = None
    step_pct: float | None = None
    cap: float | None = None

    @model_validator(mode="after")
    def _one_step(self) -> Ramp:
        if (self.step is None) == (self.step_pct is None):
            raise ValueError("give exactly one of 'step' (absolute per month) or 'step_pct' (percent per month)")
        return self


def _target_shorthand(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"value": value}
    return value


class Target(_Model):
    value: NonNegative | None = None
    ramp: Ramp | None = None

    @model_validator(mode="after")
    def _value_or_ramp(self) -> Target:
        if self.value is None and self.ramp is None:
            raise ValueError("give a number, or 'value' or 'ramp'")
        return self


TargetField = Annotated[Target, BeforeValidator(_target_shorthand)]


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
                problems.append(f"'{name}' is not a name (it shows nothing)")
            elif key in seen:
                problems.append(f"'{name}' and '{seen[key]}' are the same rep; keep one of them")
            seen.setdefault(key, name)
        if problems:
            raise ValueError(_SEPARATOR.join(problems))
        return overrides


class KpiTarget(_Model):
    team: TargetField | None = None
    per_rep: PerRepTargets = PerRepTargets()


KPI_NAMES = ("qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention")


class Targets(_Model):
    qualified_leads: KpiTarget = KpiTarget()
    action_points: KpiTarget = KpiTarget()
    pipeline_value: KpiTarget = KpiTarget()
    deal_velocity: KpiTarget = KpiTarget()
    retention: KpiTarget = KpiTarget()


# ----------------------------------------------------------------------------
# the rest


class LookalikeAttribute(_Model):
    column: str = Field(min_length=1)
    weight: NonNegative = 1.0
    bands: list[float] | None = None

    @model_validator(mode="after")
    def _bands_rise(self) -> LookalikeAttribute:
        if self.bands is not None and list(self.bands) != sorted(set(self.bands)):
            raise ValueError("'bands' must be rising numbers, for example [0, 10, 50, 250]")
        return self


class LookalikeProfile(_Model):
    best_by: Literal["revenue", "tenure"] | None = None
    top_share: Probability = 1.0


class Lookalike(_Model):
    attributes: list[LookalikeAttribute] = []
    profile: LookalikeProfile = LookalikeProfile()
    top: PositiveInt = 10


class TrafficLight(_Model):
    green: NonNegative = 1.0
    orange: NonNegative = 0.8

    @model_validator(mode="after")
    def _order(self) -> TrafficLight:
        if self.orange > self.green:
            raise ValueError(f"'orange' ({self.orange}) must not be above 'green' ({self.green})")
        return self


class Bottleneck(_Model):
    min_deals: PositiveInt = 5
    hints: dict[str, dict[Literal["nl", "en"], str]] = {}


class SuggestedTargets(_Model):
    months: PositiveInt = 3
    far_above: NonNegative = 1.5


class Settings(_Model):
    """The validated config. Build with :func:`load_config` or :func:`parse_config`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, ignored_types=(cached_property,))

    language: Literal["nl", "en"] = "nl"
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] = 1
    window_months: PositiveInt = 12
    stages: list[Stage] = Field(min_length=2)
    won_stage: str = "Gewonnen"
    lost_stage: str = "Verloren"
    quote_stage: str = "Offerte"
    activity_types: dict[str, Annotated[ActivityType, BeforeValidator(_points_shorthand)]] = {}
    qualification: Qualification = Qualification()
    targets: Targets = Targets()
    stale_after_days: PositiveInt = 30
    contact_within_days: PositiveInt = 90
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
                key = _key(label)
                if key in seen and seen[key] != i:
                    problems.append(f"'{label}' in stages[{i}] is listed twice (also in stages[{seen[key]}])")
                seen.setdefault(key, i)
        if problems:
            raise ValueError(_SEPARATOR.join(problems))
        return stages

    @field_validator("activity_types")
    @classmethod
    def _types_unique(cls, types: dict[str, ActivityType]) -> dict[str, ActivityType]:
        seen: dict[str, str] = {}
        problems = []
        for name, spec in types.items():
            for label in [name, *spec.aliases]:
                key = _key(label)
                if key in seen and seen[key] != name:
                    problems.append(f"'{label}' of '{name}' is also used by '{seen[key]}'")
                seen.setdefault(key, name)
        if problems:
            raise ValueError(_SEPARATOR.join(problems))
        return types

    @model_validator(mode="after")
    def _stage_roles_exist(self) -> Settings:
        problems: list[str] = []
        names = {_key(label): s.name for s in self.stages for label in [s.name, *s.aliases]}
        known = ", ".join(s.name for s in self.stages)
        for field in ("won_stage", "lost_stage", "quote_stage"):
            if _key(getattr(self, field)) not in names:
                problems.append(f"{field}: '{getattr(self, field)}' is not one of the stages ({known})")
        won, lost = names.get(_key(self.won_stage)), names.get(_key(self.lost_stage))
        if won is not None and won == lost:
            problems.append(f"lost_stage: must differ from won_stage (both are '{won}')")
        for stage in self.bottleneck.hints:
            if _key(stage) not in names:
                problems.append(f"bottleneck.hints.{stage}: '{stage}' is not one of the stages ({known})")
        if problems:
            raise ValueError(_SEPARATOR.join(problems))
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
        return {_key(label): s.name for s in self.stages for label in [s.name, *s.aliases]}

    @cached_property
    def stage_order(self) -> dict[str, int]:
        return {s.name: i for i, s in enumerate(self.stages)}

    @cached_property
    def probabilities(self) -> dict[str, float]:
        return {s.name: s.probability for s in self.stages}

    @cached_property
    def won(self) -> str:
        return self.stage_lookup[_key(self.won_stage)]

    @cached_property
    def lost(self) -> str:
        return self.stage_lookup[_key(self.lost_stage)]

    @cached_property
    def quote(self) -> str:
        return self.stage_lookup[_key(self.quote_stage)]

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
        return {self.stage_lookup[_key(stage)]: texts for stage, texts in self.bottleneck.hints.items()}

    @cached_property
    def activity_lookup(self) -> dict[str, str]:
        """Lower-cased activity type or alias → canonical type name."""
        return {_key(label): name for name, spec in self.activity_types.items() for label in [name, *spec.aliases]}

    @cached_property
    def points(self) -> dict[str, float]:
        return {name: spec.points for name, spec in self.activity_types.items()}


def _key(label: str) -> str:
    return name_key(label)


# ----------------------------------------------------------------------------
# loading


def default_config_path() -> Path:
    """The config shipped with the package (``config/kpi.yaml`` in the repository)."""
    packaged = resources.files("kpi_xl").joinpath("data/kpi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "config" / "kpi.yaml"


def load_config(path: str | Path | None = None) -> Settings:
    """Read and validate a YAML config file (the packaged default when ``path`` is None)."""
    path = Path(path) if path is not None else default_config_path()
    try:
        raw_text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}") from None
    except OSError as err:
        raise ConfigError(f"Config file cannot be read: {path} ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"Config file {path} is not UTF-8 text") from None
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
    """Validate YAML text (or an already-parsed mapping) into :class:`Settings`."""
    if isinstance(source_text, dict):
        data = source_text
    else:
        try:
            data = yaml.load(source_text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as err:
            raise ConfigError(f"{source}: {_yaml_problem(err)}") from None
        except RecursionError:
            raise ConfigError(f"{source}: the config is nested too deeply to read") from None
    if data is None:
        raise ConfigError(f"{source}: the config is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the config must be a mapping of settings (key: value), got {type(data).__name__}")
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        details = [line for e in err.errors() for line in _describe(e)]
        noun = "mistake" if len(details) == 1 else "mistakes"
        raise ConfigError(f"{source}: {len(details)} {noun} in the config", details) from None


def _yaml_problem(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    tag = re.match(r"could not determine a constructor for the tag '([^']*)'", problem)
    if tag:
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag '{shown}'{where} is not allowed: the config holds settings only"
    if isinstance(err, yaml.constructor.ConstructorError):
        return f"YAML error{where}: {problem}"
    return f"YAML syntax error{where}: {problem}"


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


# Parts pydantic adds to an error's location that are not keys of the config.
_NOT_A_KEY = re.compile(r"\[key\]|(function|model|tagged-union)-[a-z-]*\[.*\]")

# What a setting must be, for pydantic's type errors, in the words of the config.
_TYPE_WORDS = {
    "dict_type": "must be a mapping (key: value)",
    "list_type": "must be a list (one '- item' per line, or [a, b])",
    "model_type": "must be a mapping of settings (key: value)",
}
_MODEL_WORDS = {
    "Target": "must be a number, or a mapping with 'value' or 'ramp'",
    "ActivityType": "must be a number of points, or a mapping with 'points'",
}


def _describe(error: dict) -> list[str]:
    """One line per mistake: ``path: what was expected, got value``."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and _NOT_A_KEY.fullmatch(p)))
    path = _path(loc)
    kind = error["type"]
    message = error["msg"]
    value = error.get("input")
    if kind == "missing":
        return [f"{path}: required setting is missing"]
    if kind == "extra_forbidden":
        return [f"{path}: unknown setting{_suggest(loc)}"]
    if kind in _TYPE_WORDS:
        message = _MODEL_WORDS.get((error.get("ctx") or {}).get("class_name"), _TYPE_WORDS[kind])
    elif kind == "too_short" and isinstance(value, list):
        message = f"must have at least {error['ctx']['min_length']} items, got {len(value)}"
    elif kind == "too_long" and isinstance(value, list):
        message = f"must have at most {error['ctx']['max_length']} items, got {len(value)}"
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    message = message.replace("Input should be", "must be").replace("input should be", "must be")
    message = message.replace("a valid number, unable to parse string as a number", "a number")
    if kind == "value_error" and _SEPARATOR in message:
        parts = message.split(_SEPARATOR)
        # a model-level check names its own paths; a field-level one gets the field's path
        return parts if not loc else [f"{path}: {part}" for part in parts]
    if kind == "value_error" and not loc:
        return [message]
    shown = _show(value)
    if shown is not None and not isinstance(value, (dict, list)):
        return [f"{path}: {message}, got {shown}"]
    return [f"{path}: {message}"]


def _show(value: Any) -> str | None:
    if value is None:
        return "nothing"
    if isinstance(value, (dict, list)):
        return None
    return repr(value) if isinstance(value, str) else str(value)


def _suggest(loc: tuple) -> str:
    """'(did you mean ...?)' for a misspelt key, using the fields of the model at that place."""
    model: Any = Settings
    for part in loc[:-1]:
        fields = getattr(model, "model_fields", {})
        if isinstance(part, int) or part not in fields:
            continue  # a list index or a free dict key (a rep or activity name)
        model = _model_in(fields[part].annotation)
        if model is None:
            return ""
    fields = getattr(model, "model_fields", {})
    names = list(fields) + [f.alias for f in fields.values() if f.alias]
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(names)})"


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        return _model_in(origin)
    return None
