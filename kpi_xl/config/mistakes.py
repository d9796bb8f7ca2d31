"""The config's mistakes in the config's language: one line per mistake, ``path: what was expected, got value``.

Validators in :mod:`kpi_xl.config` raise :func:`mistake` (one coded message) or :func:`mistakes` (several,
each with its own path); pydantic's own errors (a missing key, text where a number belongs) are
worded here too, so a config with ``language: nl`` is answered in Dutch. YAML that cannot be read at
all is described by its line and column in words a director understands.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from kpi_xl.messages import both_languages, text

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"  # the config's default (Settings.language)


def mistake(code: str, **params: Any) -> PydanticCustomError:
    """One mistake of a setting, worded by ``cfg.<code>`` in :mod:`kpi_xl.messages`."""
    return PydanticCustomError(f"cfg.{code}", text(f"cfg.{code}", "en", **params), params)


def mistakes(found: list[tuple[str | None, str, dict]]) -> PydanticCustomError:
    """Several mistakes found by one validator: ``(path or None for the validator's own place, code, params)``."""
    return PydanticCustomError("cfg.several", "several mistakes", {"found": found})


# ----------------------------------------------------------------------------
# which language to answer in


def language_of(data: Any) -> str:
    """The ``language`` a parsed config asks for (the default when absent or not a language)."""
    value = data.get("language") if isinstance(data, dict) else None
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


_LANGUAGE_LINE = re.compile(r"^language\s*:\s*['\"]?(nl|en)['\"]?\s*(#.*)?$", re.MULTILINE)


def language_in_text(source_text: str) -> str | None:
    """The ``language:`` of YAML text that cannot be parsed, by a line scan (None when there is none)."""
    found = _LANGUAGE_LINE.search(source_text[:1_000_000])
    return found.group(1) if found else None


def say(code: str, lang: str | None, /, **params: Any) -> str:
    """The message in ``lang``, or in Dutch and English when the language is not known."""
    return text(code, lang, **params) if lang else both_languages(code, **params)


# ----------------------------------------------------------------------------
# YAML that cannot be read


def yaml_problem(err: yaml.YAMLError, source: str, source_text: str, lang: str | None) -> str:
    """``kpi.yaml line 12, column 5: a colon is missing after 'team' ...`` (in both languages when the
    text names none)."""
    if lang is None:
        return " / ".join(yaml_problem(err, source, source_text, language) for language in LANGUAGES)
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if "could not find expected ':'" in (getattr(err, "problem", None) or "") and getattr(err, "context_mark", None):
        mark = err.context_mark  # the name the colon is missing after, not where the scan gave up
    if "mapping values are not allowed" in (getattr(err, "problem", None) or ""):
        before = _line_before(source_text, mark)
        if before is not None:  # 'retention' alone on its line, the settings under it indented
            return text("yaml.colon_missing_at", lang, source=source, line=before[0] + 1, key=before[1])
    where = text("yaml.where", lang, source=source, line=mark.line + 1, column=mark.column + 1) if mark else source
    return f"{where}: {_yaml_words(err, source_text, lang)}"


def _yaml_words(err: yaml.YAMLError, source_text: str, lang: str) -> str:
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None) or ""
    tag = re.match(r"could not determine a constructor for the tag '([^']*)'", problem)
    if tag:
        return text("yaml.tag", lang, tag=tag.group(1).replace("tag:yaml.org,2002:", "!!"))
    twice = re.fullmatch(r"'(.*)' is given twice \(first at line (\d+)\)", problem, re.DOTALL)
    if twice:
        return text("yaml.twice", lang, key=twice.group(1), first=twice.group(2))
    if "could not find expected ':'" in problem:
        key = _line_text(source_text, getattr(err, "context_mark", None))
        return text("yaml.colon_missing", lang, key=key) if key else text("yaml.unreadable", lang)
    if "mapping values are not allowed" in problem:
        return text("yaml.colon_here", lang)
    if "'\\t'" in problem or "\t" in problem:
        return text("yaml.tab", lang)
    if "quoted scalar" in context:
        return text("yaml.quote", lang)
    if "flow" in context or "expected ',' or" in problem:
        return text("yaml.bracket", lang)
    if "block end" in problem or "block mapping" in context or "block collection" in context:
        return text("yaml.indent", lang)
    return text("yaml.unreadable", lang)


_BARE_NAME = re.compile(r"(\s*)(?:-\s+)?([\w][\w .-]{0,39})\s*(#.*)?")


def _line_before(source_text: str, mark) -> tuple[int, str] | None:
    """The line above ``mark`` when it holds a bare name (no colon) indented less than the mark's line:
    the name the colon is missing after, with its 0-based line number."""
    if mark is None:
        return None
    lines = source_text.splitlines()
    if not 0 < mark.line < len(lines):
        return None
    indent = len(lines[mark.line]) - len(lines[mark.line].lstrip(" "))
    for number in range(mark.line - 1, -1, -1):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        found = _BARE_NAME.fullmatch(line)
        if found and len(found.group(1)) < indent:
            return number, found.group(2).strip()
        return None
    return None


def _line_text(source_text: str, mark) -> str:
    """The text at the start of the line a mark points at (the name before the missing colon), cut short."""
    if mark is None:
        return ""
    lines = source_text.splitlines()
    if not 0 <= mark.line < len(lines):
        return ""
    shown = lines[mark.line][mark.column:].strip().lstrip("-").strip()
    return shown if len(shown) <= 40 else shown[:40] + "…"


# ----------------------------------------------------------------------------
# one validation error → lines


# Parts pydantic adds to an error's location that are not keys of the config.
_NOT_A_KEY = re.compile(r"\[key\]|(function|model|tagged-union)-[a-z-]*\[.*\]")

_TYPE_CODES = {"dict_type": "dict", "list_type": "list", "model_type": "model", "model_attributes_type": "model"}
_MODEL_CODES = {"Target": "target", "RateTarget": "target", "ActivityType": "activity_type"}
_SIMPLE_CODES = {
    "float_parsing": "number", "float_type": "number", "int_parsing": "whole_number", "int_type": "whole_number",
    "int_from_float": "whole_number", "int_parsing_size": "whole_number", "finite_number": "finite",
    "string_type": "text", "bool_parsing": "yes_no", "bool_type": "yes_no", "string_too_short": "empty_text",
}


def describe(error: dict, lang: str, root: type[BaseModel]) -> list[str]:
    """One line per mistake: ``path: what was expected, got value``."""
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and _NOT_A_KEY.fullmatch(p)))
    path = _path(loc, lang)
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "cfg.several":
        return [f"{where or path}: {text(f'cfg.{code}', lang, **params)}" for where, code, params in ctx["found"]]
    if kind == "missing":
        return [f"{path}: {text('cfg.missing', lang)}"]
    if kind == "extra_forbidden":
        return [f"{path}: {text('cfg.unknown', lang, hint=_suggest(loc, lang, root))}"]
    show_value = True
    if kind.startswith("cfg."):
        message = text(kind, lang, **ctx)
        show_value = kind not in ("cfg.test_needs", "cfg.test_needs_number", "cfg.min_above_max",
                                  "cfg.ramp_one_step", "cfg.target_empty", "cfg.bands_rise",
                                  "cfg.orange_above_green", "cfg.rate_percent", "cfg.share_percent")
    elif kind in _TYPE_CODES:
        message = text(f"cfg.{_MODEL_CODES.get(ctx.get('class_name'), _TYPE_CODES[kind])}", lang)
        name = re.match(r"([^\s:]+)\s+\S", value) if isinstance(value, str) and kind != "list_type" else None
        if name:  # 'team 0.9': a setting whose colon is missing reads as one text
            message += text("cfg.colon_hint", lang, key=name.group(1))
    elif kind in ("too_short", "too_long") and isinstance(value, list):
        message = text(f"cfg.{kind}", lang, n=ctx[f"{'min' if kind == 'too_short' else 'max'}_length"],
                       count=len(value))
    elif kind in _SIMPLE_CODES:
        message = text(f"cfg.{_SIMPLE_CODES[kind]}", lang)
    elif kind == "literal_error":
        message = text("cfg.one_of", lang, choices=ctx.get("expected", "").replace(" or ", f" {text('cfg.or', lang)} "))
    elif kind in ("greater_than_equal", "greater_than"):
        message = text("cfg.at_least", lang, limit=ctx.get("ge", ctx.get("gt")))
    elif kind in ("less_than_equal", "less_than"):
        message = text("cfg.at_most", lang, limit=ctx.get("le", ctx.get("lt")))
    else:  # a pydantic message not worded here: its English in English, its kind named in Dutch
        detail = re.sub(r"^(Value error|Assertion failed), ", "", error["msg"])
        detail = detail.replace("Input should be", "must be").replace("input should be", "must be")
        message = text("cfg.invalid", lang, detail=detail if lang == "en" else kind)
    shown = _show(value, lang)
    if show_value and shown is not None:
        return [f"{path}: {text('cfg.got', lang, message=message, value=shown)}"]
    return [f"{path}: {message}"]


def _path(loc: tuple, lang: str) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or text("cfg.top_level", lang)


SHOWN = 60  # characters of a value a message repeats


def _show(value: Any, lang: str) -> str | None:
    if value is None:
        return text("cfg.nothing", lang)
    if isinstance(value, (dict, list, tuple, set)):
        return None
    shown = repr(value) if isinstance(value, str) else str(value)
    return shown if len(shown) <= SHOWN else shown[:SHOWN] + "…"


def _suggest(loc: tuple, lang: str, root: type[BaseModel]) -> str:
    """'(did you mean ...?)' for a misspelt key, using the fields of the model at that place."""
    model: Any = root
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
    if close:
        return text("cfg.did_you_mean", lang, name=close[0])
    return text("cfg.known", lang, names=", ".join(names))


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
