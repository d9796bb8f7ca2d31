"""The one user-facing error type and the data problems a refresh reports.

Errors a director can fix (a missing column, a broken config) raise
:class:`KpiError`; its message says what to fix. Anything else is a bug.
Row-level issues never stop the computation: they become :class:`Problem`
records that the Checks sheet lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpi_xl.messages import both_languages, text


class KpiError(Exception):
    """An error the user can fix; ``str(err)`` is the message to show."""

    def __init__(self, message: str, details: list[str] | None = None):
        self.details = list(details or [])
        full = message if not self.details else message + "\n" + "\n".join(f"  - {d}" for d in self.details)
        super().__init__(full)
        self.headline = message
        self.code: str | None = None
        self.params: dict[str, Any] = {}
        self.language: str | None = None  # the one language the message is said in (None: both, or unknown)

    @classmethod
    def coded(cls, code: str, /, **params: Any) -> KpiError:
        """The message ``code`` in Dutch and English (where it is raised, the language is not known), kept
        by code so that a caller who knows the config's language can say it in that one: :meth:`in_language`."""
        err = cls(both_languages(code, **params))
        err.code, err.params = code, params
        return err

    def in_language(self, language: str | None) -> str:
        """The message in ``language`` when it was raised by code; else as it was raised."""
        if self.code is None or language is None or language == self.language:
            return str(self)
        return text(self.code, language, **self.params)


class ConfigError(KpiError):
    """The YAML config cannot be used; ``details`` lists every mistake."""


class TableError(KpiError):
    """A table cannot be read at all (for example a required column is missing)."""


@dataclass(frozen=True)
class Problem:
    """One cell or row that cannot be used, as the user sees it in Excel.

    ``code`` names a message in :mod:`kpi_xl.messages`; ``params`` fill it in.
    ``row`` is the Excel row number (``None`` for table-level problems).
    """

    table: str
    row: int | None
    column: str | None
    value: Any
    code: str
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def reason(self, language: str = "en") -> str:
        """What is wrong and what happens to the row, e.g. 'not a valid date; ...; the row is left out'."""
        params = {k: v for k, v in self.params.items() if k != "consequence"}
        reason = text(self.code, language, **params)
        consequence = self.params.get("consequence")
        return f"{reason}; {text(consequence, language)}" if consequence else reason

    def message(self, language: str = "en") -> str:
        where = self.table
        if self.row is not None:
            where += f", {text('row', language)} {self.row}"
        if self.column:
            where += f", {text('column', language)} '{self.column}'"
        value = "" if self.value is None else f" ({show_value(self.value)})"
        return f"{where}{value}: {self.reason(language)}"


SHOWN_TEXT = 200  # characters of a cell's text a message repeats


def cut_text(value: Any) -> Any:
    """A long text cut to its first 200 characters and '…' for a message (a 32,767-character cell
    would otherwise fill the Checks sheet); anything else as it is."""
    if isinstance(value, str) and len(value) > SHOWN_TEXT:
        return value[:SHOWN_TEXT] + "…"
    return value


def show_value(value: Any) -> str:
    """A cell value as a user would recognise it: dates as 2026-03-31, text in quotes."""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:  # not 1.7e308 as 309 digits
        return str(int(value))
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


@dataclass(frozen=True)
class ProblemKind:
    """All problems of one kind in one column of one table: how many, and the first of them."""

    table: str
    column: str | None
    code: str
    count: int
    first: Problem


def problem_kinds(problems: list[Problem]) -> list[ProblemKind]:
    """The problems counted per (table, column, code), in the order each kind first appears."""
    counts: dict[tuple, int] = {}
    firsts: dict[tuple, Problem] = {}
    for problem in problems:
        key = (problem.table, problem.column, problem.code)
        if key in counts:
            counts[key] += 1
        else:
            counts[key] = 1
            firsts[key] = problem
    return [ProblemKind(*key, count, firsts[key]) for key, count in counts.items()]

