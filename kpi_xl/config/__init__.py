"""The YAML config: loaded safely, validated into typed settings.

Every mistake is reported with its path and what was expected, all at once,
for example ``stages[2].probability: must be between 0 and 1, got 1.5``.
Nothing in the file is ever evaluated: it is read with a ``yaml.SafeLoader`` (which
also refuses a key given twice); a tag such as ``!!python/object`` is an error.

The modules, in the order they build on each other:

* :mod:`~kpi_xl.config.mistakes` — the config's mistakes in the config's language, YAML errors in words
* :mod:`~kpi_xl.config.values` — the small value types (a month, a share, a number that is not a boolean)
* :mod:`~kpi_xl.config.stages` — the pipeline's stages and the activity types
* :mod:`~kpi_xl.config.qualification` — the criteria a qualified lead meets
* :mod:`~kpi_xl.config.targets` — the targets of the five KPIs, team and per rep
* :mod:`~kpi_xl.config.dashboard` — look-alikes, the traffic light, bottleneck hints, suggested targets
* :mod:`~kpi_xl.config.columns` — the user's own header names per table and column (``columns:``)
* :mod:`~kpi_xl.config.settings` — :class:`Settings`, the whole config, and its lookups
* :mod:`~kpi_xl.config.load` — reading a file or text into :class:`Settings`
"""

from kpi_xl.config.dashboard import (
    Bottleneck,
    Lookalike,
    LookalikeAttribute,
    LookalikeProfile,
    SuggestedTargets,
    TrafficLight,
)
from kpi_xl.config.load import (
    CONFIG_NAME,
    MAX_CONFIG_BYTES,
    MAX_CONFIG_VALUES,
    default_config_path,
    find_config,
    load_config,
    parse_config,
)
from kpi_xl.config.qualification import Criterion, CriterionTest, Qualification
from kpi_xl.config.settings import Settings, activity_label
from kpi_xl.config.stages import ActivityType, Stage
from kpi_xl.config.targets import (
    KPI_NAMES,
    KpiTarget,
    PerRepTargets,
    Ramp,
    RateKpiTarget,
    RatePerRepTargets,
    RateRamp,
    RateTarget,
    Target,
    Targets,
)
from kpi_xl.config.values import MAX_SHARE

__all__ = [
    "CONFIG_NAME",
    "KPI_NAMES",
    "MAX_CONFIG_BYTES",
    "MAX_CONFIG_VALUES",
    "MAX_SHARE",
    "ActivityType",
    "Bottleneck",
    "Criterion",
    "CriterionTest",
    "KpiTarget",
    "Lookalike",
    "LookalikeAttribute",
    "LookalikeProfile",
    "PerRepTargets",
    "Qualification",
    "Ramp",
    "RateKpiTarget",
    "RatePerRepTargets",
    "RateRamp",
    "RateTarget",
    "Settings",
    "Stage",
    "SuggestedTargets",
    "Target",
    "Targets",
    "TrafficLight",
    "activity_label",
    "default_config_path",
    "find_config",
    "load_config",
    "parse_config",
]
