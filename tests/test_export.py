"""`kpi-xl export`: which sheets, in which order, into which file; its messages in one language or both."""

from __future__ import annotations

import os
import sys

import openpyxl
import pytest

from kpi_xl.config import default_config_path
from kpi_xl.errors import KpiError
from kpi_xl.report import layout as L
from kpi_xl.workbook.export import REFERENCE_SHEETS, check_target, export_pdf, only_sheets, sheets_for
from kpi_xl.workbook.new import new_workbook
from tests.test_cli import run


def test_the_meeting_pages_then_with_all_the_reference_sheets():
    assert sheets_for(False) == L.PAGES and L.PAGES[0] == L.DASHBOARD
    assert sheets_for(True) == (*L.PAGES, L.HISTORY, L.CHECKS, L.HELP)
    assert REFERENCE_SHEETS == (L.HISTORY, L.CHECKS, L.HELP)


def test_the_print_copy_shows_the_sheets_asked_in_that_order_and_hides_the_rest(tmp_path):
    book = new_workbook(tmp_path / "book.xlsm")
    found = only_sheets(book, tmp_path / "print.xlsx", [L.HELP, L.HISTORY, "NoSuchSheet"])
    assert found == [L.HELP, L.HISTORY]
    copy = openpyxl.load_workbook(tmp_path / "print.xlsx")
    assert copy.sheetnames[:2] == [L.HELP, L.HISTORY]  # printed first, in the order asked
    states = {ws.title: ws.sheet_state for ws in copy}
    assert states.pop(L.HELP) == states.pop(L.HISTORY) == "visible" and set(states.values()) == {"hidden"}
    # the header row repeated on every page follows its sheet to its new place
    assert copy[L.HISTORY].print_title_rows == copy[L.HELP].print_title_rows == "$1:$1"
    # a hidden sheet keeps no print area (LibreOffice would print it all the same)
    assert not copy[L.DASHBOARD].print_area and copy.active.title == L.HELP
    original = openpyxl.load_workbook(book)
    assert original.sheetnames[0] == L.DASHBOARD and original[L.DASHBOARD].print_area  # the workbook unchanged


@pytest.mark.parametrize("name", ["out.xlsx", "out.xlsm", "out", "out.pdf.txt"])
def test_a_pdf_name_must_end_in_pdf(tmp_path, name):
    with pytest.raises(KpiError) as err:
        check_target(tmp_path / name, "en")
    assert f"{name} is not a PDF file: give a name ending in .pdf" in str(err.value)
    assert check_target(tmp_path / "Out.PDF") == tmp_path / "Out.PDF"


def test_export_refuses_another_suffix_in_both_languages_without_a_config(tmp_path):
    book = new_workbook(tmp_path / "book.xlsm")
    before = book.read_bytes()
    done = run("export", str(book), "--pdf", "-o", str(tmp_path / "book.xlsx"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "book.xlsx is geen PDF-bestand" in done.stderr and "book.xlsx is not a PDF file" in done.stderr
    assert "-o book.pdf" in done.stderr
    assert book.read_bytes() == before and not (tmp_path / "book.xlsx").exists()


def test_export_speaks_the_config_language_when_there_is_one(tmp_path):
    book = new_workbook(tmp_path / "book.xlsm")
    config = default_config_path().read_text(encoding="utf-8").replace("\nlanguage: nl\n", "\nlanguage: en\n")
    (tmp_path / "kpi.yaml").write_text(config, encoding="utf-8")
    done = run("export", str(book), "--pdf", "-o", str(tmp_path / "x.png"))
    assert done.returncode == 1
    assert "x.png is not a PDF file" in done.stderr and "geen PDF-bestand" not in done.stderr
    done = run("export", str(book))
    assert done.returncode == 1 and "say what to export, e.g. --pdf" in done.stderr and "zeg wat" not in done.stderr


def test_without_libreoffice_the_message_says_so_in_dutch_too(tmp_path):
    book = new_workbook(tmp_path / "book.xlsm")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable)}
    done = run("export", str(book), "--pdf", "--all", env=env)
    assert done.returncode == 1
    assert "LibreOffice is niet geïnstalleerd" in done.stderr and "LibreOffice is not installed" in done.stderr


def test_a_workbook_without_any_of_the_sheets_is_refused(tmp_path, monkeypatch):
    book = new_workbook(tmp_path / "book.xlsm")
    monkeypatch.setattr("kpi_xl.workbook.export.find_soffice", lambda: "/no/soffice")  # never started
    with pytest.raises(KpiError, match="has none of the sheets Prognose, Doelen"):  # sheets it does not have
        export_pdf(book, tmp_path / "x.pdf", ["Prognose", "Doelen"], language="en")
    assert not (tmp_path / "x.pdf").exists()
