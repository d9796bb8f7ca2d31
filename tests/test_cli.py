"""The kpi-xl command through its real entry point: exit codes, messages, --help."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from kpi_xl.workbook.export import find_soffice
from tests.workbooks import demo_workbook

SUBCOMMANDS = ["new", "demo", "refresh", "check", "export", "check-config", "import"]


def run(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi_xl.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300, check=False)


def test_the_console_script_is_run_and_ends_with_mains_code(tmp_path):
    """``kpi-xl`` is :func:`kpi_xl.cli.run` (main, then an exit without Python's teardown): its output
    arrives whole and its exit code is main's."""
    import tomllib
    from pathlib import Path

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"kpi-xl": "kpi_xl.cli:run"}
    command = shutil.which("kpi-xl") or pytest.skip("kpi-xl is not on PATH (the package is not installed)")
    helped = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert helped.returncode == 0 and "check-config" in helped.stdout.rstrip().splitlines()[-1], helped.stdout
    missing = subprocess.run([command, "refresh", str(tmp_path / "geen.xlsm")], capture_output=True, text=True,
                             timeout=120, check=False)
    assert missing.returncode == 1 and "geen.xlsm" in missing.stderr


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_help_on_every_subcommand(command):
    done = run(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def test_new_creates_a_copy_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "mijn.xlsm"
    done = run("new", str(target))
    assert done.returncode == 0, done.stderr
    from kpi_xl.workbook.template import template_path

    assert target.read_bytes() == template_path().read_bytes()
    again = run("new", str(target))
    assert again.returncode == 1
    assert "bestaat al" in again.stderr  # said in the config's language (the packaged config: Dutch)
    assert "Traceback" not in again.stderr
    wrong = run("new", str(tmp_path / "mijn.xlsx"))
    assert wrong.returncode == 1 and ".xlsm" in wrong.stderr


def test_demo_prints_the_five_kpis(tmp_path):
    target = tmp_path / "demo.xlsm"
    done = run("demo", str(target))
    assert done.returncode == 0, done.stderr
    for label in ("Gekwalificeerde leads", "Actiepunten", "Pijplijnwaarde", "Doorlooptijd", "Klantbehoud"):
        assert label in done.stdout
    assert target.is_file()


def test_refresh_and_check(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    done = run("refresh", str(book), "--month", "2026-09")
    assert done.returncode == 0, done.stderr
    assert "2026-09" in done.stdout
    clean = run("check", str(book))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    messy = demo_workbook(tmp_path / "messy.xlsm", messy=True)
    found = run("check", str(messy))
    assert found.returncode == 1
    assert "rij" in found.stdout and "dataproblemen" in found.stdout


def test_clear_errors_and_exit_codes(tmp_path):
    missing = run("refresh", str(tmp_path / "nope.xlsm"))
    assert missing.returncode == 1
    assert "not found" in missing.stderr and "Traceback" not in missing.stderr
    book = demo_workbook(tmp_path / "book.xlsm")
    (tmp_path / "bad.yaml").write_text("stages: [\n", encoding="utf-8")
    bad = run("refresh", str(book), "--config", str(tmp_path / "bad.yaml"))
    assert bad.returncode == 1 and "line 2, column 1: a list [ ] or { } is not closed" in bad.stderr
    month = run("refresh", str(book), "--month", "oktober")
    assert month.returncode == 1 and "JJJJ-MM" in month.stderr and "YYYY" not in month.stderr  # the config: nl
    not_excel = tmp_path / "notes.xlsm"
    not_excel.write_text("hello", encoding="utf-8")
    wrong = run("refresh", str(not_excel))
    assert wrong.returncode == 1 and "not an Excel workbook" in wrong.stderr


def test_a_missing_column_names_table_and_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = demo_workbook(tmp_path / "book.xlsm")
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    workbook["Deals"]["D1"] = "bedragje"  # the user renamed the 'value' header
    workbook["Deals"].tables["Deals"].tableColumns[3].name = "bedragje"
    workbook.save(book)
    before = book.read_bytes()
    done = run("refresh", str(book))
    assert done.returncode == 1
    assert "Deals: column 'value' is missing" in done.stderr or "Deals: kolom 'value' ontbreekt" in done.stderr
    assert "'bedragje'" in done.stderr and "Traceback" not in done.stderr
    assert book.read_bytes() == before  # a failed refresh leaves the file as it was


def test_export_without_libreoffice_says_so(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    done = run("export", str(book), "--pdf", env=env)
    assert done.returncode == 1
    assert "LibreOffice is not installed" in done.stderr


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_export_pdf(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    assert run("refresh", str(book)).returncode == 0
    done = run("export", str(book), "--pdf")
    assert done.returncode == 0, done.stderr
    assert book.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_check_lists_a_date_after_today(tmp_path):
    """`kpi-xl check` lists what the Checks sheet lists, future dates included."""
    openpyxl = pytest.importorskip("openpyxl")
    book = demo_workbook(tmp_path / "book.xlsm")
    workbook = openpyxl.load_workbook(book, keep_vba=True)
    sheet = workbook["Leads"]
    created = [c.value for c in sheet[1]].index("created") + 1
    sheet.cell(5, created).value = dt.datetime(2099, 1, 5)
    workbook.save(book)
    found = run("check", str(book))
    assert found.returncode == 1, found.stdout + found.stderr
    said = " ".join(found.stdout.split())
    assert "Leads, rij 5, kolom 'created' (2099-01-05): datum ligt na vandaag" in said
    assert "1 dataprobleem" in said and "dataproblemen" not in said  # one problem: singular


# ----------------------------------------------------------------------------
# the command line itself, and a refresh that is stopped

# Runs the real entry point with the writer slowed down: it marks the moment it starts writing the
# temporary copy of the workbook and then waits, so a test can send a signal mid-refresh.
SLOW_WRITE = """
import pathlib, sys, time
import kpi_xl.workbook.write as wf
marker, original = pathlib.Path(sys.argv[1]), wf.copy_entry
def slow(*args, **kwargs):
    if not marker.exists():
        marker.write_text("writing")
        time.sleep(120)
    return original(*args, **kwargs)
wf.copy_entry = slow
from kpi_xl.cli import main
sys.argv = ["kpi-xl", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize(("signal_name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_stopped_refresh_says_so_and_leaves_the_workbook(tmp_path, signal_name, code):
    import signal
    import time

    book = demo_workbook(tmp_path / "book.xlsm")
    before = book.read_bytes()
    marker = tmp_path / "writing"
    process = subprocess.Popen([sys.executable, "-c", SLOW_WRITE, str(marker), "refresh", str(book)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), process.communicate(timeout=60)
    assert list(tmp_path.glob(".~book.*.tmp")), "the signal must come while the temporary copy is written"
    process.send_signal(getattr(signal, signal_name))
    out, err = process.communicate(timeout=120)
    assert process.returncode == code, out + err
    assert "Onderbroken; de werkmap is ongewijzigd" in err and "Interrupted" not in err  # the config says nl
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert len(err.strip().splitlines()) == 1
    assert book.read_bytes() == before
    assert not list(tmp_path.glob(".~book.*.tmp"))


def test_argument_errors_are_one_message_and_exit_1(tmp_path):
    book = tmp_path / "book.xlsm"
    book.write_bytes(b"")  # never read: every call below fails on its arguments first
    folder = tmp_path / "map"
    folder.mkdir()
    unreadable = tmp_path / "secret.yaml"
    unreadable.write_text("language: en\n", encoding="utf-8")
    unreadable.chmod(0)
    cases = {
        ("refresh", str(book), "--config", str(folder)): "is a directory",
        ("refresh", str(folder)): "is a directory",
        ("check", str(folder)): "is a directory",
        ("refresh", str(book), "--config", str(tmp_path / "none.yaml")): "none.yaml",
        ("check-config", str(folder)): "map",
        ("refresh",): "Missing argument",
        ("refresh", str(book), "--month"): "requires an argument",
        ("refresh", str(book), "--nope"): "No such option",
        ("bogus",): "No such command",
    }
    if os.geteuid() != 0:  # root reads any file
        cases[("refresh", str(book), "--config", str(unreadable))] = "secret.yaml"
    for args, said in cases.items():
        done = run(*args)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert said in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr and "Usage" not in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
    assert book.read_bytes() == b""


def test_a_month_outside_the_data_is_refused_and_the_file_kept(tmp_path):
    book = demo_workbook(tmp_path / "book.xlsm")
    before = book.read_bytes()
    for month in ("2030-01", "2020-01"):
        done = run("refresh", str(book), "--month", month)
        assert done.returncode == 1, done.stdout + done.stderr
        said = " ".join(done.stderr.split())
        assert f"{month}: die maand valt buiten de gegevens; kies een maand van " in said
        assert f"{month}: that month is outside the data; choose a month from " in said
        assert "Traceback" not in said
        assert book.read_bytes() == before
