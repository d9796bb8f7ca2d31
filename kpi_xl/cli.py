"""The ``kpi-xl`` command: what the Excel button does, for the terminal, schedules and CI.

Exit code 0 on success; 1 with a clear message for anything the user can fix
(a missing column, a broken config, a workbook open in Excel).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from kpi_xl.errors import ConfigError, KpiError
from kpi_xl.messages import both_languages, text
from kpi_xl.report.console_text import for_terminal, markup_safe

app = typer.Typer(
    help="Sales KPIs for commercial directors: the five KPIs of '5 onmisbare KPI's voor een beter salesproces'.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: `kpi-xl --help` answers without importing rich (nor pandas)
)


class _Console:
    """A rich Console made on first use, so that help and command-line mistakes do not import rich."""

    def __init__(self, stderr: bool = False):
        object.__setattr__(self, "_stderr", stderr)
        object.__setattr__(self, "_real", None)

    def _console(self):
        if self._real is None:
            from rich.console import Console

            stream = sys.stderr if self._stderr else sys.stdout
            object.__setattr__(self, "_real", Console(stderr=self._stderr, width=None if stream.isatty() else 120))
        return self._real

    def __getattr__(self, name: str):
        return getattr(self._console(), name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._console(), name, value)


console = _Console()
errors = _Console(stderr=True)

WorkbookArg = Annotated[Path, typer.Argument(help="The workbook (.xlsm).", dir_okay=False)]
ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--config", "-c", dir_okay=False,
                 help="YAML config (default: kpi.yaml next to the workbook, else the packaged config)."),
]
MonthOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--month", "-m", help="Reporting month as YYYY-MM (default: the Dashboard's month selector, "
                                       "else the latest month with data)."),
]


_language: list[str] = []  # the config's language once a command has read the config (nothing said before)


def learn_language(language: str) -> str:
    """From here on the command speaks ``language`` (the config's): every word, every number."""
    _language[:] = [language]
    return language


def say(code: str, /, **params) -> str:
    """The message in the config's language; in Dutch and English while the config is not read yet."""
    return text(code, _language[0], **params) if _language else both_languages(code, **params)


def language_beside(workbook: Path) -> str | None:
    """The language of the config a command without ``--config`` would use (kpi.yaml next to the workbook,
    else the packaged one); None when it cannot be read (the command then says everything in both)."""
    from kpi_xl.config import find_config, load_config

    try:
        return learn_language(load_config(find_config(workbook)).language)
    except (ConfigError, OSError):
        return None


@contextmanager
def step(said: str):
    """A spinner for a step that may take more than a second, then its duration."""
    from kpi_xl.report.numbers import number

    start = time.perf_counter()
    with console.status(markup_safe(said) + "…"):
        yield
    seconds = number(time.perf_counter() - start, _language[0] if _language else "en", 1)
    console.print(f"[green]✓[/] {markup_safe(said)} [dim]({seconds} s)[/]", highlight=False)


@app.command()
def new(path: WorkbookArg, config: ConfigOption = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing workbook; keep a different "
                                                            "kpi.yaml next to it as kpi.yaml.bak.")] = False) -> None:
    """Create a new workbook from the config (Deals' stage columns, the drop-downs, the language) and put
    that config next to it as kpi.yaml."""
    from kpi_xl.config import find_config, load_config
    from kpi_xl.workbook.new import create_workbook

    learn_language(load_config(find_config(path, config)).language)
    made = create_workbook(path, config=config, force=force)
    console.print(markup_safe(say("cli.new_workbook", path=path)), highlight=False)
    if made.built:
        types = list(made.settings.points)
        said = say("cli.new_built", config=made.config, stages=", ".join(made.settings.stage_names),
                   types=", ".join(types))
    else:
        said = say("cli.new_copied", config=made.config)
    console.print(markup_safe(said), highlight=False, soft_wrap=True)
    for sheet, column, values in made.left_out:
        console.print(markup_safe(say("new.dropdown_left_out", sheet=sheet, column=column,
                                      values=", ".join(values))), style="yellow", highlight=False, soft_wrap=True)
    if made.backup is not None:
        console.print(markup_safe(say("cli.new_config_backup", name=made.beside.name, backup=made.backup)),
                      style="yellow", highlight=False, soft_wrap=True)
    code = "cli.new_config_written" if made.config_written else "cli.new_config_there"
    console.print(markup_safe(say(code, path=made.beside)), highlight=False, soft_wrap=True)


@app.command()
def demo(
    path: Annotated[Path, typer.Argument(help="Where to write the demo workbook.", dir_okay=False)] = Path(
        "kpi_demo.xlsm"),
    month: MonthOption = None,
    config: ConfigOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample company.")] = 7,
) -> None:
    """Write a realistic sample company into a new workbook (built from the config), refresh it and print the
    five KPIs."""
    from kpi_xl.config import load_config
    from kpi_xl.report.console import print_report
    from kpi_xl.sample import generate
    from kpi_xl.workbook.new import fill_tables, new_workbook
    from kpi_xl.workbook.refresh import find_config, refresh_file

    settings = load_config(find_config(path, config))
    learn_language(settings.language)
    with step(say("cli.step.sample")):
        company = generate(seed=seed)
        new_workbook(path, overwrite=True, settings=settings)
        fill_tables(path, company.rows(), settings)
    with step(say("cli.step.refresh", name=path.name)):
        result = refresh_file(path, month=month, config=config)
    print_report(result.report, console)
    console.print(markup_safe(say("cli.workbook", path=path)), highlight=False)


@app.command()
def refresh(path: WorkbookArg, month: MonthOption = None, config: ConfigOption = None) -> None:
    """Refresh Dashboard, History and Checks of a workbook (data sheets are never written)."""
    from kpi_xl.workbook import early_scan

    early_scan.start(path)  # the largest sheet is scanned while the rest is imported
    try:
        from kpi_xl.config import find_config, load_config

        learn_language(load_config(find_config(path, config)).language)  # the refresh reads it again, then writes
        _refresh_and_report(path, month, config)
    finally:
        early_scan.discard(path)


def _refresh_and_report(path: Path, month: str | None, config: Path | None) -> None:
    """The refresh of ``kpi-xl refresh`` (also the last step of ``kpi-xl import``), then its report."""
    from kpi_xl.report.console import print_report
    from kpi_xl.workbook.refresh import refresh_file

    with step(say("cli.step.refresh", name=path.name)):
        result = refresh_file(path, month=month, config=config)
    _written.append(path)  # from here on, an interruption no longer leaves the workbook as it was
    _interrupt_note.clear()
    print_report(result.report, console)
    for note in result.notes:
        console.print(markup_safe(note), style="yellow", highlight=False)
    console.print(markup_safe(say("cli.config_used", path=result.config_path)), style="dim", highlight=False)


CrmOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--crm", help="The CRM the files come from: hubspot, pipedrive, salesforce or teamleader "
                               "(default: recognised from the headers)."),
]


@app.command("import")
def import_(
    path: WorkbookArg,
    files: Annotated[list[Path], typer.Argument(help="The CRM's export files (CSV or XLSX).", dir_okay=False)],
    crm: CrmOption = None,
    no_refresh: Annotated[bool, typer.Option("--no-refresh", help="Only replace the tables' rows; "
                                                                   "refresh later.")] = False,
    month: MonthOption = None,
    config: ConfigOption = None,
) -> None:
    """Fill Leads, Activities, Deals, Customers (and StageHistory) from CRM exports, then refresh.

    The tables' rows are replaced; everything else in the workbook stays; the previous workbook is kept
    as NAME.before-import.xlsm beside it."""
    from kpi_xl.config import find_config, load_config
    from kpi_xl.workbook.import_file import backup_path, import_files
    from kpi_xl.workbook.import_summary import summary_lines

    settings = load_config(find_config(path, config))
    learn_language(settings.language)
    if month is not None and not no_refresh:
        from kpi_xl.periods import month_input, parse_month

        if month_input(month) is not None:
            parse_month(month_input(month))  # a month that cannot be read is refused before the import writes
    with step(say("cli.import.step", name=path.name)):
        outcome = import_files(path, files, settings, crm, backup=backup_path(path))
    _interrupt_note[:] = [say("cli.import.interrupted", backup=outcome.backup.name, path=path)]
    console.print("\n".join(for_terminal(line) for line in summary_lines(outcome, settings.language)),
                  highlight=False, markup=False, soft_wrap=True)
    if no_refresh:
        console.print(say("cli.import.not_refreshed", path=path), highlight=False, markup=False, soft_wrap=True)
        return
    try:
        _refresh_and_report(path, month, config)
    except KpiError as err:  # the import stays written: say so, and how to refresh once the cause is fixed
        said = err.in_language(settings.language)
        raise KpiError(f"{said}\n{say('cli.import.refresh_failed', backup=outcome.backup.name, path=path)}") from None


@app.command()
def check(path: WorkbookArg, config: ConfigOption = None) -> None:
    """Validate the workbook's data and the config; list every problem (exit 1 when there are any)."""
    from kpi_xl.config import load_config
    from kpi_xl.month import data_problems, prepare
    from kpi_xl.report.console import stage_lines
    from kpi_xl.tables.stage_check import stage_report
    from kpi_xl.workbook.refresh import find_config, load_tables

    config_path = find_config(path, config)
    settings = load_config(config_path)
    learn_language(settings.language)
    with step(say("cli.step.check", name=path.name)):
        tables, _ = load_tables(path, settings)
        problems = data_problems(prepare(tables, settings))
        stages = stage_lines(stage_report(tables, settings), settings.language)
    console.print(markup_safe(say("cli.config_ok", path=config_path)), highlight=False)
    if stages:  # what the stages of the data and of the config do not share
        console.print(say("check.stages"), highlight=False)
        console.print("\n".join(for_terminal(f"  {line}") for line in stages), highlight=False, markup=False,
                      soft_wrap=True)
    if not problems:
        console.print(say("check.none"), highlight=False)
        return
    print_problems(problems, settings.language)
    raise typer.Exit(1)


CHECK_SHOWN = 200  # problems `kpi-xl check` prints one by one, after the counts


def print_problems(problems: list, language: str) -> None:
    """Counts per table, column and kind of problem first, then the first problems one by one (a million
    bad cells print in a moment, and the counts say where they are)."""
    from kpi_xl.errors import problem_kinds
    from kpi_xl.report.console import problems_line
    from kpi_xl.report.numbers import number

    console.print(text("check.per_kind", language), highlight=False)
    for kind in problem_kinds(problems):
        where = kind.table + (f", {text('column', language)} '{kind.column}'" if kind.column else "")
        first = kind.first
        example = f"{text('row', language)} {first.row}: " if first.row is not None else ""
        count = number(kind.count, language)
        console.print(for_terminal(f"{count:>10}  {where}: {example}{first.reason(language)}"),
                      highlight=False, markup=False, soft_wrap=True)
    shown = problems[:CHECK_SHOWN]
    console.print(text("check.first", language, count=number(len(shown), language)), highlight=False)
    console.print("\n".join(for_terminal(problem.message(language)) for problem in shown), highlight=False,
                  markup=False, soft_wrap=True)
    if len(problems) > len(shown):
        console.print(text("check.more", language, count=number(len(problems) - len(shown), language)),
                      highlight=False)
    console.print(problems_line(len(problems), language), highlight=False)


@app.command()
def export(path: WorkbookArg,
           pdf: Annotated[bool, typer.Option("--pdf", help="Export the meeting pages (Dashboard, Coaching, "
                                                           "Inzicht) as one PDF.")] = False,
           out: Annotated[Optional[Path], typer.Option("--out", "-o", dir_okay=False,  # noqa: UP045
                                                       help="PDF file to write (must end in .pdf; default: "
                                                            "the workbook's name with .pdf).")] = None,
           include_all: Annotated[bool, typer.Option("--all", help="Add History, Checks and Uitleg after the "
                                                                   "pages.")] = False,
           config: ConfigOption = None,
           ) -> None:
    """Export the meeting pages as one PDF (through LibreOffice); --all adds History, Checks and Uitleg."""
    from kpi_xl.workbook.export import check_target, export_pdf, say, sheets_for

    language = _export_language(path, config)
    if not pdf:
        raise KpiError(say("export_what", language))
    if out is not None:
        check_target(out, language)  # refused before LibreOffice is started
    sheets = sheets_for(include_all)
    with step("PDF maken / exporting PDF"):
        target, found = export_pdf(path, out, sheets, language=language)
    console.print(say("export_done", language, sheets=", ".join(found), path=markup_safe(target)), highlight=False)
    missing = [s for s in sheets if s not in found]
    if missing:
        console.print(say("export_missing", language, sheets=", ".join(missing)), style="yellow", highlight=False)


def _export_language(path: Path, config: Path | None) -> str | None:
    """The config's language when a config is known (``--config`` or kpi.yaml beside the workbook), else
    None: the export then speaks both languages, as the CLI does before a config is read."""
    from kpi_xl.config import load_config
    from kpi_xl.workbook.refresh import CONFIG_NAME

    known = config if config is not None else path.resolve().parent / CONFIG_NAME
    if config is None and not known.is_file():
        return None
    return load_config(known).language


@app.command("check-config")
def check_config(
    path: Annotated[Optional[Path], typer.Argument(help="YAML config file to validate.")] = None,  # noqa: UP045
) -> None:
    """Validate a config file and list every mistake in it."""
    from kpi_xl.config import default_config_path, load_config

    learn_language(load_config(path).language)
    console.print(markup_safe(say("cli.config_ok", path=path or default_config_path())), highlight=False)


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: raised in the main thread by :func:`_interrupt` so the refresh unwinds (its
    temporary file is removed; the workbook is only ever replaced whole) and :func:`main` says so."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _interrupt(signum: int, _frame) -> None:
    for number in STOP_SIGNALS:  # a second Ctrl-C must not interrupt the clean-up of the first
        signal.signal(number, signal.SIG_IGN)
    raise Interrupted(signum)


_written: list[Path] = []  # the workbook a refresh has replaced, for the message of an interruption
_interrupt_note: list[str] = []  # said on an interruption instead (an import written, its refresh not yet)
STOP_SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)


def main() -> None:
    """Entry point: user-fixable errors become a message and exit code 1, never a traceback."""
    _language.clear()  # a second call in one process starts as unknowing as the first
    _written.clear()
    _interrupt_note.clear()
    try:
        previous = {number: signal.signal(number, _interrupt) for number in STOP_SIGNALS}
    except ValueError:  # not the main thread (an embedding host): signals stay as they are
        previous = {}
    try:
        code = app(standalone_mode=False)
    except Interrupted as stop:
        said = (_interrupt_note[0] if _interrupt_note
                else say("cli.interrupted_written" if _written else "cli.interrupted_unchanged"))
        errors.print(markup_safe(said), highlight=False)
        raise SystemExit(128 + stop.signum) from None
    except typer.TyperException as err:  # the command line itself: a folder for a file, an unknown option
        if type(err).__name__ == "NoArgsIsHelpError":  # the help was shown
            raise SystemExit(err.exit_code) from None
        context = getattr(err, "ctx", None)
        command = f"kpi-xl {context.info_name}" if context is not None and context.parent is not None else "kpi-xl"
        errors.print(f"[bold red]{say('cli.error')}:[/] {markup_safe(err.format_message())} ({command} --help)",
                     highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except KpiError as err:
        if not _language and err.language:  # a config that cannot be used, said in the language it asks for
            learn_language(err.language)
        said = err.in_language(_language[0] if _language else None)
        errors.print(f"[bold red]{say('cli.error')}:[/] {markup_safe(said)}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except OSError as err:  # the disk or the operating system refused (permissions, a locked file): not a bug
        where = f"{err.filename}: " if err.filename else ""
        errors.print(f"[bold red]{say('cli.error')}:[/] {markup_safe(f'{where}{err.strerror or err}')}; "
                     f"{say('cli.not_changed')}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    raise SystemExit(code or 0)


def run() -> None:
    """The ``kpi-xl`` command: :func:`main`, then the process ends without Python's teardown.

    After a refresh at Excel's row limit the teardown frees the tables' millions of objects one by one
    (0.2 s, as long as the write) and does nothing the command needs: by the time :func:`main` returns,
    the workbook is written and closed, the cache's stores have been waited for and no thread is left.
    So the output is flushed, logging shut down, and the process exits at once with :func:`main`'s code.
    A crash (a traceback) takes Python's normal way out. Tests call :func:`main`, which returns.
    """
    try:
        main()
        code = 0
    except SystemExit as stop:
        if not isinstance(stop.code, int | None):
            raise  # a message as the exit code: Python prints it
        code = stop.code or 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``kpi-xl check | head``): nothing more to say
            pass
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    os._exit(code)


if __name__ == "__main__":
    run()
