"""User-facing texts in Dutch (``nl``) and English (``en``).

Every message a director may read (a data problem, a missing column, a
talking point) is looked up here by code, so the Checks sheet, the terminal
and a worksheet cell say the same thing in the config's language.
"""

from __future__ import annotations

from kpi_xl.messages.config import CONFIG_MESSAGES
from kpi_xl.messages.console import CONSOLE_MESSAGES
from kpi_xl.messages.export import EXPORT_MESSAGES
from kpi_xl.messages.import_command import IMPORT_MESSAGES
from kpi_xl.messages.importing import IMPORTING_MESSAGES
from kpi_xl.messages.labels import LABELS
from kpi_xl.messages.month import MONTH_MESSAGES
from kpi_xl.messages.tables import TABLE_MESSAGES
from kpi_xl.messages.workbook import WORKBOOK_MESSAGES

LANGUAGES = ("nl", "en")

MESSAGES: dict[str, dict[str, str]] = {
    **TABLE_MESSAGES,
    **WORKBOOK_MESSAGES,
    **CONFIG_MESSAGES,
    **CONSOLE_MESSAGES,
    **EXPORT_MESSAGES,
    **IMPORTING_MESSAGES,
    **IMPORT_MESSAGES,
    **MONTH_MESSAGES,
    **LABELS,
}


def text(code: str, language: str = "en", /, **params) -> str:
    """The message ``code`` in ``language`` (falls back to English), filled in."""
    entry = MESSAGES.get(code)
    if entry is None:
        raise KeyError(f"no message {code!r}")
    template = entry.get(language) or entry["en"]
    return template.format(**params) if params else template


def counted(code: str, count: int, language: str = "en", /, **params) -> str:
    """``code.one`` for a count of 1, else ``code.many``: "1 dataprobleem", "3 dataproblemen". ``{count}``
    in the text is filled with ``params['count']`` when given (a number written in the language's style),
    else with ``count`` itself."""
    params.setdefault("count", count)
    return text(f"{code}.one" if count == 1 else f"{code}.many", language, **params)


def both_languages(code: str, /, **params) -> str:
    """The message ``code`` in Dutch and in English (``nl / en``): for the terminal and an Excel alert,
    where the config's language may not be known yet."""
    return f"{text(code, 'nl', **params)} / {text(code, 'en', **params)}"
