"""One language at a time in the terminal: with ``language: nl`` every word Dutch and every number in Dutch
style ("3.909", "46,3", "89,5%", "€ 1.837.850"); with ``en`` English ("3,909", "46.3", "89.5%",
"€1,837,850"). Messages said before the config is read stay in both languages."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from kpi_xl.config import default_config_path, load_config
from kpi_xl.config.mistakes import describe
from kpi_xl.config.settings import Settings
from kpi_xl.errors import KpiError
from kpi_xl.messages import counted, text
from kpi_xl.month import compute
from kpi_xl.report.console import print_report, problems_line
from kpi_xl.report.numbers import euros, number, percent
from tests import company as co
from tests.workbooks import demo_workbook, run_cli

# English words that must not appear in Dutch output, and Dutch words that must not appear in English output
NOT_IN_DUTCH = ("vs", "call", "email", "target", "problems", "month", "workbook", "refreshing", "checking",
                "row", "column", "error", "value", "previous")
NOT_IN_ENGLISH = ("doel", "maand", "dataproblemen", "dataprobleem", "bellen", "verkoper", "werkmap",
                  "vernieuwen", "controleren", "rij", "kolom", "fout", "waarde", "vorige", "tegenover")


def words_of(said: str) -> set[str]:
    return {w.casefold() for w in re.findall(r"[^\W\d_]+", said)}


def slipped(said: str, language: str) -> set[str]:
    """The words of the other language found in ``said``."""
    return words_of(said) & set(NOT_IN_DUTCH if language == "nl" else NOT_IN_ENGLISH)


def test_the_word_lists_catch_what_slipped_through_before():
    # what the terminal said before this change, with the config in Dutch
    assert slipped("✓ Vernieuwen / refreshing demo.xlsm", "nl") == {"refreshing"}
    assert slipped("Lead → Intake 0% vs team 67%", "nl") == {"vs"}
    assert slipped("72 dataproblemen / data problems", "nl") == {"problems"}
    assert slipped("Doel 90,0% — Vorige maand", "en") == {"doel", "vorige", "maand"}


# ----------------------------------------------------------------------------
# numbers in the language's style


def test_numbers_in_dutch_and_english_style():
    assert (number(3909, "nl"), number(3909, "en")) == ("3.909", "3,909")
    assert (number(46.3, "nl", 1), number(46.3, "en", 1)) == ("46,3", "46.3")
    assert (percent(0.895, "nl"), percent(0.895, "en")) == ("89,5%", "89.5%")  # 0.895 × 100 = 89.5
    assert (euros(1837850, "nl"), euros(1837850, "en")) == ("€ 1.837.850", "€1,837,850")
    assert (euros(-1250, "nl"), euros(-1250, "en")) == ("€ -1.250", "-€1,250")
    assert number(1234567.891, "nl", 2) == "1.234.567,89"


def test_rounding_is_half_away_from_zero_as_excel_shows_it():
    # Python's f"{46.25:.1f}" says 46.2 (46.25 is stored as 46.25 exactly, rounded half to even);
    # Excel's 0.0 format shows 46.3, and the terminal must say what the Dashboard says
    assert number(46.25, "en", 1) == "46.3"
    assert number(2.5, "en") == "3" and number(-2.5, "en") == "-3"
    assert number(2.675, "en", 2) == "2.68"  # 2.675 is 2.67499999… in binary; Excel shows 2.68 as well
    assert percent(0.9995, "nl", 0) == "100%"  # 99.95 → 100
    assert number(-0.04, "nl", 1) == "0,0"  # no "-0,0"


def test_nothing_to_show_is_a_dash():
    for value in (None, float("nan"), float("inf")):
        assert number(value, "nl") == percent(value, "en") == euros(value, "nl") == "—"


def test_the_largest_float_keeps_every_digit():
    shown = number(1.7976931348623157e308, "en", 1)  # abs() of a Decimal would round it to 28 digits
    assert shown.endswith(",000.0") and len(shown.replace(",", "")) == 309 + 2


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), st.integers(0, 3))
def test_dutch_is_english_with_the_separators_swapped(value, decimals):
    """Invariant: the same digits in both languages; read back, the text is the value within half a unit."""
    nl, en = number(value, "nl", decimals), number(value, "en", decimals)
    assert nl == en.translate(str.maketrans(",.", ".,"))
    read_back = float(en.replace(",", ""))
    assert abs(read_back - value) <= 0.5 * 10 ** -decimals + abs(value) * 1e-12


@pytest.mark.parametrize(("count", "nl", "en"), [(0, "0 dataproblemen", "0 data problems"),
                                                 (1, "1 dataprobleem", "1 data problem"),
                                                 (3, "3 dataproblemen", "3 data problems"),
                                                 (12000, "12.000 dataproblemen", "12,000 data problems")])
def test_one_problem_is_singular(count, nl, en):
    assert (problems_line(count, "nl"), problems_line(count, "en")) == (nl, en)
    assert counted("problems", 1, "nl") == "1 dataprobleem"


# ----------------------------------------------------------------------------
# the five KPIs of the hand-built company, rendered as the terminal shows them

LATER = dt.date(2026, 12, 31)


def rendered(language: str) -> str:
    settings = co.settings(language=language)
    report = compute(co.tables(config=settings), settings, "2026-10", today=LATER)
    console = Console(record=True, width=200, color_system=None)
    print_report(report, console)
    return console.export_text()


def row_of(said: str, label: str) -> list[str]:
    line = next(line for line in said.splitlines() if label in line)
    return [cell.strip() for cell in line.strip("│ ").split("│")]


def test_the_hand_built_company_in_dutch():
    said = rendered("nl")
    # tests/test_kpis_company.py: pipeline Oct 31 = 30000 + 8000 + 4000 + 12000 + 25000 = 79000, target 50000,
    # 79000 / 50000 = 158%, Sep 30 57000, suggested 43666.7 → 44000
    assert row_of(said, "Pijplijnwaarde") == ["Pijplijnwaarde", "€ 79.000", "€ 50.000", "158%", "€ 57.000",
                                              "€ 44.000"]
    # deal velocity 320 / 4 = 80 days, target 60, lower is better 60 / 80 = 75%, Sep 62, suggested 55
    assert row_of(said, "Doorlooptijd") == ["Doorlooptijd deals (dagen)", "80,0", "60,0", "75%", "62,0", "55,0"]
    # retention (4 − 1) / 4 = 75.0%, target 90.0%, 0.75 / 0.9 = 83.3% → 83%
    assert row_of(said, "Klantbehoud") == ["Klantbehoud", "75,0%", "90,0%", "83%", "75,0%", "75,0%"]
    # action points 36 of 41 = 87.8% → 88%; suggested 5 with "!" (41 > 1.5 × 8)
    assert row_of(said, "Actiepunten") == ["Actiepunten", "36", "41", "88%", "8", "5 !"]
    assert "! = het doel ligt ver buiten wat de afgelopen maanden gehaald is" in said
    assert "2 dataproblemen" in said  # A06 and A12: activity type "whatsapp"
    assert not slipped(said, "nl"), slipped(said, "nl")


def test_the_hand_built_company_in_english():
    said = rendered("en")
    assert row_of(said, "Pipeline value") == ["Pipeline value", "€79,000", "€50,000", "158%", "€57,000", "€44,000"]
    assert row_of(said, "Deal velocity") == ["Deal velocity (days)", "80.0", "60.0", "75%", "62.0", "55.0"]
    assert row_of(said, "Customer retention") == ["Customer retention", "75.0%", "90.0%", "83%", "75.0%", "75.0%"]
    assert "2 data problems" in said
    assert not slipped(said, "en"), slipped(said, "en")


def test_one_data_problem_is_said_in_the_singular():
    raw = co.raw_tables()
    last = max(i for i, row in enumerate(raw["Activities"]) if row[2] == "whatsapp")
    del raw["Activities"][last]  # A12 goes; A06 (whatsapp) stays: one unknown activity type
    settings = co.settings()
    report = compute(co.tables(raw, settings), settings, "2026-10", today=LATER)
    assert len(report.problems) == 1
    console = Console(record=True, width=200, color_system=None)
    print_report(report, console)
    assert "1 dataprobleem" in console.export_text() and "1 dataproblemen" not in console.export_text()


# ----------------------------------------------------------------------------
# config mistakes in the config's language


def test_a_mistake_pydantic_words_is_not_said_in_english_to_a_dutch_director():
    error = {"type": "date_parsing", "loc": ("targets", "start"), "msg": "Input should be a valid date",
             "input": "morgen"}
    assert describe(error, "nl", Settings) == [
        "targets.start: deze waarde kan hier niet gebruikt worden (date_parsing), nu 'morgen'"]
    assert describe(error, "en", Settings) == ["targets.start: must be a valid date, got 'morgen'"]


@pytest.mark.parametrize(("config", "said"), [
    ("language: en\nstages: 5\n", "Error: {path}: 1 mistake in the config\n  - stages: must be a list"),
    ("language: nl\nstages: 5\n", "Fout: {path}: 1 fout in de config\n  - stages: moet een lijst zijn"),
    ("language: en\nstages: [\n", "Error: {path} line 3, column 1: a list [ ] or { } is not closed"),
    # YAML that cannot be read and names no language: both, the command's own word too
    ("stages: [\n", "Fout / Error: {path} regel 2, kolom 1: een lijst [ ] of { } wordt niet gesloten"),
])
def test_a_config_mistake_and_the_word_before_it_in_one_language(tmp_path, monkeypatch, config, said):
    path = tmp_path / "kpi.yaml"
    path.write_text(config, encoding="utf-8")
    code, stderr = run_cli(monkeypatch, ["check-config", str(path)])
    assert code == 1
    assert " ".join(stderr.split()).startswith(" ".join(said.replace("{path}", str(path)).split())), stderr


def test_a_coded_error_is_said_in_the_language_the_caller_knows():
    err = KpiError.coded("month_not_a_month", value="oktober")  # raised where no config is known: both
    assert str(err) == ("'oktober' is geen maand; schrijf hem als JJJJ-MM, bijvoorbeeld 2026-10 / "
                        "'oktober' is not a month; write it as YYYY-MM, for example 2026-10")
    assert err.in_language("en") == "'oktober' is not a month; write it as YYYY-MM, for example 2026-10"
    assert err.in_language("nl") == "'oktober' is geen maand; schrijf hem als JJJJ-MM, bijvoorbeeld 2026-10"
    assert err.in_language(None) == str(err)
    plain = KpiError("Workbook not found: x.xlsm")  # not raised by code: as it was raised
    assert plain.in_language("nl") == "Workbook not found: x.xlsm"


def test_the_bottleneck_talking_point_has_no_english_in_dutch():
    assert text("bottleneck", "nl", step="Lead → Intake", rep_rate="0%", team_rate="67%", hint="x") == (
        "Lead → Intake 0% tegenover team 67%: x")


# ----------------------------------------------------------------------------
# the real command: kpi-xl demo and kpi-xl check, in Dutch and in English


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi_xl.cli", *args], capture_output=True, text=True,
                          timeout=300, check=False)


def config_in(tmp_path: Path, language: str) -> Path:
    data = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    path = tmp_path / f"kpi_{language}.yaml"
    path.write_text(yaml.safe_dump({**data, "language": language}, allow_unicode=True), encoding="utf-8")
    assert load_config(path).language == language
    return path


# a number in the other language's style: "1,234" in Dutch output, "1.234" in English (no KPI shows 3 decimals)
OTHER_STYLE = {"nl": re.compile(r"\d,\d{3}(?!\d)|\d\.\d(?!\d)"), "en": re.compile(r"\d\.\d{3}(?!\d)|\d,\d(?!\d)")}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_demo_and_check_speak_one_language(tmp_path, language):
    config = config_in(tmp_path, language)
    demo = run("demo", str(tmp_path / "demo.xlsm"), "--config", str(config))
    assert demo.returncode == 0, demo.stderr
    said = demo.stdout.replace(str(tmp_path), "")  # the folder's name is not the program's words
    assert not slipped(said, language), (slipped(said, language), said)
    assert not OTHER_STYLE[language].findall(said), said
    title = "De vijf KPI's" if language == "nl" else "The five KPIs"
    assert title in said and ("Werkmap:" if language == "nl" else "Workbook:") in said
    wrong_month = run("refresh", str(tmp_path / "demo.xlsm"), "--month", "oktober", "--config", str(config))
    assert wrong_month.returncode == 1
    assert " ".join(wrong_month.stderr.split()) == (
        "Fout: 'oktober' is geen maand; schrijf hem als JJJJ-MM, bijvoorbeeld 2026-10" if language == "nl" else
        "Error: 'oktober' is not a month; write it as YYYY-MM, for example 2026-10")

    messy = demo_workbook(tmp_path / "messy.xlsm", messy=True, settings=load_config(config))
    check = run("check", str(messy), "--config", str(config))
    assert check.returncode == 1, check.stdout + check.stderr
    said = check.stdout.replace(str(tmp_path), "")
    # the cells' own text (a type 'beursbezoek', a date 'gisteren') is the user's, quoted: not the program's
    program = re.sub(r"'[^']*'|\([^()]*\)", "", said)
    assert not slipped(program, language), (slipped(program, language), said)
    assert not OTHER_STYLE[language].findall(program), said
    closing = said.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ dataproblemen" if language == "nl" else r"\d+ data problems", closing), closing
