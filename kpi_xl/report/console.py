"""The month's KPIs as text for the terminal (rendered with rich), from a :class:`MonthReport`.

Every word in the report's language (the config's ``language``), every number in that language's style
(:mod:`kpi_xl.report.numbers`): ``3.909`` and ``46,3`` in Dutch, ``3,909`` and ``46.3`` in English.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kpi_xl.messages import counted, text
from kpi_xl.month import MonthReport, Tile
from kpi_xl.report.console_text import markup_safe
from kpi_xl.report.numbers import euros, number, percent
from kpi_xl.tables.stage_check import StageReport

LIGHT_STYLE = {"green": "green", "orange": "dark_orange", "red": "red"}
HEADINGS = ("console.kpi", "console.value", "console.target", "console.share", "console.previous",
            "console.suggested")


def format_value(kpi: str, value: float | None, language: str) -> str:
    """One KPI value the way the Dashboard shows it (euros, days with one decimal, percent or a count)."""
    if kpi == "pipeline_value":
        return euros(value, language)
    if kpi == "retention":
        return percent(value, language, 1)
    if kpi == "deal_velocity":
        return number(value, language, 1)
    return number(value, language)


def tiles_table(report: MonthReport) -> Table:
    lang = report.language
    title = text("console.title", lang, month=report.month, as_of=report.as_of.date())
    table = Table(title=markup_safe(title), title_justify="left")
    for i, heading in enumerate(HEADINGS):
        table.add_column(text(heading, lang), justify="left" if i == 0 else "right")
    for tile in report.tiles.values():
        table.add_row(*_cells(tile, lang))
    return table


def _cells(tile: Tile, lang: str) -> list[str]:
    share = percent(tile.share, lang, 0)
    style = LIGHT_STYLE.get(tile.light or "", "")
    suggested = format_value(tile.kpi, tile.suggested.value, lang)
    if tile.suggested.far_off:
        suggested += " !"
    return [markup_safe(tile.label), format_value(tile.kpi, tile.value, lang),
            format_value(tile.kpi, tile.target, lang), f"[{style}]{share}[/]" if style else share,
            format_value(tile.kpi, tile.previous, lang), suggested]


def problems_line(count: int, language: str) -> str:
    """``1 dataprobleem``, ``1.234 dataproblemen``; ``1 data problem``, ``1,234 data problems``."""
    return counted("problems", count, language, count=number(count, language))


def stage_lines(report: StageReport, language: str) -> list[str]:
    """What ``kpi-xl check`` says about stages, one line each: a configured stage without any date, then per
    table each stage name the config lacks with its rows, e.g. ``fase 'Demo' staat niet in de config:
    12 deals (rijen 4, 9, 17, 20, 31, …)``."""
    lines = [text("check.stage_without_dates", language, stage=stage) for stage in report.without_dates]
    for table, found in report.unknown.items():
        code = "check.unknown_stage_deals" if table == "Deals" else "check.unknown_stage_rows"
        for stage, count, rows in found.itertuples(index=False):
            shown = ", ".join(str(row) for row in rows) + (", …" if count > len(rows) else "")
            where = counted("check.rows", len(rows), language, rows=shown)
            lines.append(counted(code, count, language, count=number(count, language), stage=stage,
                                 table=table, rows=where))
    return lines


def coverage_line(report: MonthReport) -> str | None:
    """The pipeline card's coverage and expected attainment in words; None without a won-revenue target."""
    team, lang = report.coverage, report.language
    if not team.target:
        return None
    coverage = text("coverage.reached", lang) if team.target_reached else f"{number(team.coverage, lang, 1)}×"
    return text("console.coverage", lang, quarter=f"Q{team.quarter}", target=euros(team.target, lang),
                won=euros(team.won_so_far, lang), coverage=coverage,
                expected=percent(team.expected_attainment, lang, 0))


def print_report(report: MonthReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(tiles_table(report))
    lang = report.language
    if any(tile.suggested.far_off for tile in report.tiles.values()):
        console.print(text("console.far_off", lang), highlight=False)
    line = coverage_line(report)
    if line:
        console.print(line, highlight=False)
    if report.problems:
        console.print(problems_line(len(report.problems), lang), highlight=False)
