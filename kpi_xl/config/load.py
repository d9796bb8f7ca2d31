"""Reading a config: the file (size, encoding), the YAML (safely, a key given twice refused), then
validation into :class:`Settings` with every mistake in the config's language."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kpi_xl.config.mistakes import describe, language_in_text, language_of, say, yaml_problem
from kpi_xl.config.settings import Settings
from kpi_xl.errors import ConfigError
from kpi_xl.messages import both_languages, text

CONFIG_NAME = "kpi.yaml"


def find_config(workbook: str | Path | None, explicit: str | Path | None = None) -> Path:
    """``--config``, else ``kpi.yaml`` next to the workbook, else the packaged default."""
    if explicit is not None:
        return Path(explicit)
    if workbook is not None:
        beside = Path(workbook).resolve().parent / CONFIG_NAME
        if beside.is_file():
            return beside
    return default_config_path()


def default_config_path() -> Path:
    """The config shipped with the package (``config/kpi.yaml`` in the repository)."""
    packaged = resources.files("kpi_xl").joinpath("data/kpi.yaml")
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "config" / "kpi.yaml"


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
            said_in = language_in_text(source_text)
            raise _in(said_in, ConfigError(yaml_problem(err, source, source_text, said_in))) from None
        except RecursionError:
            said_in = language_in_text(source_text)
            raise _in(said_in, ConfigError(say("config.too_deep", said_in, source=source))) from None
    lang = language_of(data)
    if data is None:
        said_in = language_in_text(str(source_text))
        raise _in(said_in, ConfigError(say("config.empty", said_in, source=source)))
    if not isinstance(data, dict):
        said_in = language_in_text(str(source_text))
        raise _in(said_in, ConfigError(say("config.not_mapping", said_in, source=source,
                                           kind=type(data).__name__)))
    count, broken = _count_values(data, MAX_CONFIG_VALUES)
    if count > MAX_CONFIG_VALUES:
        raise _in(lang, ConfigError(text("config.too_many_values", lang, source=source,
                                         limit=f"{MAX_CONFIG_VALUES:,}")))
    if broken is not None:  # "\ud800" in quotes: no character at all; no file or terminal can show it
        shown = broken.encode("utf-8", "backslashreplace").decode("utf-8")
        raise _in(lang, ConfigError(text("config.not_a_character", lang, source=source, text=shown[:60])))
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        details = [line for e in err.errors() for line in describe(e, lang, Settings)]
        code = "config.mistake" if len(details) == 1 else "config.mistakes"
        raise _in(lang, ConfigError(text(code, lang, source=source, count=len(details)), details)) from None
    except RecursionError:
        raise _in(lang, ConfigError(text("config.too_deep", lang, source=source))) from None


def _in(language: str | None, err: ConfigError) -> ConfigError:
    """``err``, marked as said in ``language`` (None: in both), so the command's own words around it match."""
    err.language = language
    return err


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
