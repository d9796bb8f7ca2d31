"""The ``kpi-xl`` command: what the Excel button does, for the terminal, schedules and CI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from kpi_xl.errors import KpiError

app = typer.Typer(
    help="Sales KPIs for commercial directors: the five KPIs of '5 onmisbare KPI's voor een beter salesproces'.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--config", "-c", help="YAML config file (default: the packaged config/kpi.yaml).",
                 exists=False, dir_okay=False),
]
MonthOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--month", "-m", help="Reporting month as YYYY-MM (default: the latest month with data)."),
]


@app.command()
def demo(
    month: MonthOption = None,
    config: ConfigOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample company.")] = 7,
) -> None:
    """Build a realistic sample company and print its five KPIs for the month."""
    from kpi_xl import compute, load_config, read_tables
    from kpi_xl.render_text import print_report
    from kpi_xl.sample import generate

    settings = load_config(config)
    with console.status("Voorbeeldbedrijf maken en KPI's berekenen…" if settings.language == "nl"
                        else "Building the sample company and computing the KPIs…"):
        company = generate(seed=seed)
        tables = read_tables(company.rows(), settings)
        report = compute(tables, settings, month=month or company.end_month)
    print_report(report, console)


@app.command("check-config")
def check_config(
    path: Annotated[Optional[Path], typer.Argument(help="YAML config file to validate.")] = None,  # noqa: UP045
) -> None:
    """Validate a config file and list every mistake in it."""
    from kpi_xl.config import default_config_path, load_config

    load_config(path)
    console.print(f"OK: {path or default_config_path()}")


def main() -> None:
    """Entry point: user-fixable errors become a message and exit code 1, never a traceback."""
    try:
        app()
    except KpiError as err:
        errors.print(f"[bold red]Fout / Error:[/] {err}", highlight=False)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
