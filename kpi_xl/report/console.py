"""The month's KPIs as text for the terminal (rendered with rich), from a :class:`MonthReport`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kpi_xl.month import MonthReport, Tile
from kpi_xl.report.console_text import markup_safe

LIGHT_STYLE = {"green": "green", "orange": "dark_orange", "red": "red"}
HEADINGS = {
    "nl": ("KPI", "Waarde", "Doel", "% doel", "Vorige maand", "Voorstel doel"),
    "en": ("KPI", "Value", "Target", "% target", "Previous month", "Suggested target"),
}
TITLE = {"nl": "De vijf KPI's — {month} (peildatum {as_of})", "en": "The five KPIs — {month} (as of {as_of})"}


def format_value(kpi: str, value: float | None) -> str:
    """One KPI value the way the Dashboard shows it (euros, days, percent or a count)."""
    if value is None:
        return "—"
    if kpi == "pipeline_value":
        return "€ " + f"{value:,.0f}".replace(",", ".")
    if kpi == "retention":
        return f"{value * 100:.1f}%"
    if kpi == "deal_velocity":
        return f"{value:.1f}"
    return f"{value:,.0f}".replace(",", ".")


def tiles_table(report: MonthReport) -> Table:
    lang = report.language
    table = Table(title=markup_safe(TITLE[lang].format(month=report.month, as_of=report.as_of.date())),
                  title_justify="left")
    for i, heading in enumerate(HEADINGS[lang]):
        table.add_column(heading, justify="left" if i == 0 else "right")
    for tile in report.tiles.values():
        table.add_row(*_cells(tile))
    return table


def _cells(tile: Tile) -> list[str]:
    share = "—" if tile.share is None else f"{tile.share * 100:.0f}%"
    style = LIGHT_STYLE.get(tile.light or "", "")
    suggested = format_value(tile.kpi, tile.suggested.value)
    if tile.suggested.far_off:
        suggested += " !"
    return [markup_safe(tile.label), format_value(tile.kpi, tile.value), format_value(tile.kpi, tile.target),
            f"[{style}]{share}[/]" if style else share, format_value(tile.kpi, tile.previous), suggested]


def print_report(report: MonthReport, console: Console | None = None) -> None:
    console = console or Console()
    console.print(tiles_table(report))
    lang = report.language
    if report.problems:
        label = "dataproblemen" if lang == "nl" else "data problems"
        console.print(f"{len(report.problems)} {label}")
