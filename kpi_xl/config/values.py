"""The config's small value types: a month, a share or percentage, a number that is not a boolean,
and the strict base every config model is built on."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from kpi_xl.config.mistakes import mistake


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
