"""Page 1, the Dashboard: the five KPIs of the whitepaper as five cards, and below them one row per rep.

Every number comes from the :class:`~kpi_xl.month.MonthReport`; this module only decides where it goes
(the geometry the template formats, :mod:`kpi_xl.workbook.template.dashboard`) and writes the labels in
the config's language. Rows and columns are 0-based; :func:`kpi_xl.report.layout.a1` gives ``B5``.

The sheet is an A4 landscape page at about 100%: 20 equal columns, four a card, and 36 rows, so that
body text prints at about 9.5 pt (see the template for the widths).

    row 0-2   title, "N dataproblemen → Checks"          month selector, month shown, refreshed at
    row 4-16  five cards: name, value, two extra lines, target, % and light, last month, change,
              suggested target, a 12-month trend chart
    row 17    what "voorstel" and "!" mean
    row 19-33 per rep: action points, target, %, light, qualified leads, pipeline, coverage,
              expected attainment, counts per activity type
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import pandas as pd

from kpi_xl.messages import text as message
from kpi_xl.month import MonthReport
from kpi_xl.names import name_key
from kpi_xl.report import layout as L
from kpi_xl.report.layout import lookup
from kpi_xl.report.numbers import number

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

Cell = tuple[int, int]

KPIS = L.TILE_KPIS  # the order of the cards

# header (the month selector, the month shown, the refresh time and the problems are in layout: the readers
# and writers share them)
TITLE = (0, 0)
PROBLEMS, MONTH_USED, REFRESHED = L.PROBLEMS, L.MONTH_USED, L.REFRESHED
MONTH_LABEL = (0, 16)
MONTH_USED_LABEL = (1, 16)
REFRESHED_LABEL = (2, 16)
BUTTON = (0, 11)

# five cards, four columns each; inside a card: a label (two columns) and its value (two columns)
CARD_ROW = 4
CARD_COLS = 4
VALUE_ROW = CARD_ROW + 1
EXTRA_ROWS = (CARD_ROW + 2, CARD_ROW + 3)  # median (deal velocity), coverage and expected (pipeline)
TARGET_ROW = CARD_ROW + 4
SHARE_ROW = CARD_ROW + 5  # % of target in the third column, the light in the fourth
PREVIOUS_ROW = CARD_ROW + 6
CHANGE_ROW = CARD_ROW + 7
SUGGESTED_ROW = CARD_ROW + 8
CHART_ROW = CARD_ROW + 9
CHART_ROWS = 4
NOTE = (CHART_ROW + CHART_ROWS, 0)  # what "voorstel doel" and "!" mean

# per rep, one row each
REPS_TITLE = (NOTE[0] + 2, 0)
REPS_HEADER_ROW = REPS_TITLE[0] + 1
REPS_FIRST_ROW = REPS_HEADER_ROW + 1
REP_COL = {"rep": 0, "points": 3, "target": 4, "share": 5, "light": 6, "qualified": 7, "pipeline": 8,
           "coverage": 10, "expected": 11}  # the rep's name spans A:C, the pipeline I:J
REP_SPAN = {"rep": 3, "pipeline": 2}
TYPES_COL = 12  # one column per activity type, M..T
MORE = (REPS_FIRST_ROW + L.MAX_REPS, 0)
assert MORE[0] == L.LAST_ROW and TYPES_COL + L.MAX_TYPES - 1 == L.LAST_COL

# trend data (feeds the cards' charts), right of the print area: month, short month, the five KPIs
TREND_TITLE = (0, L.TREND_COL)
TREND_HEADER_ROW = L.TREND_FIRST_ROW - 1
TREND_KPI_COL = L.TREND_COL + 2

# reserved: the lead connects them after merging
PIPELINE_COVERAGE = (EXTRA_ROWS[0], 2 * CARD_COLS + 2)  # wired by the lead: team pipeline coverage (×)
PIPELINE_EXPECTED = (EXTRA_ROWS[1], 2 * CARD_COLS + 2)  # wired by the lead: team expected attainment (%)
VELOCITY_MEDIAN = (EXTRA_ROWS[0], 3 * CARD_COLS + 2)

LABELS: dict[str, dict[str, str]] = {
    "title": {"nl": "Sales KPI's — {month}", "en": "Sales KPIs — {month}"},
    "title_empty": {"nl": "Sales KPI's — druk op Vernieuwen", "en": "Sales KPIs — press Refresh"},
    "month": {"nl": "Maand (leeg = laatste):", "en": "Month (empty = latest):"},
    "month_used": {"nl": "Getoonde maand:", "en": "Month shown:"},
    "refreshed": {"nl": "Vernieuwd op:", "en": "Refreshed at:"},
    "problems_none": {"nl": "Geen dataproblemen", "en": "No data problems"},
    "problems_one": {"nl": "1 dataprobleem → Checks", "en": "1 data problem → Checks"},
    "problems_many": {"nl": "{n} dataproblemen → Checks", "en": "{n} data problems → Checks"},
    "target": {"nl": "Doel", "en": "Target"},
    "share": {"nl": "% van doel", "en": "% of target"},
    "previous": {"nl": "Vorige maand", "en": "Last month"},
    "change": {"nl": "Verschil", "en": "Change"},
    "suggested": {"nl": "Voorstel", "en": "Suggested"},
    "suggested_far": {"nl": "Voorstel !", "en": "Suggested !"},
    "median": {"nl": "Mediaan", "en": "Median"},
    "coverage": {"nl": "Dekking", "en": "Coverage"},
    "expected": {"nl": "Verwacht", "en": "Expected"},
    "note": {"nl": "Voorstel = het gemiddelde van de laatste {n} maanden, getoond waar het van het doel "
                   "afwijkt.  ! = het doel ligt ver van wat in die maanden gehaald is (boven {far}× het beste; "
                   "bij doorlooptijd: onder het beste ÷ {far}).",
             "en": "Suggested = the mean of the last {n} months, shown where it differs from the target.  "
                   "! = the target is far from anything reached in those months (above {far}× the best; "
                   "deal velocity: below the best ÷ {far})."},
    "reps_title": {"nl": "Per verkoper: actiepunten, leads en pijplijn",
                   "en": "Per rep: action points, leads and pipeline"},
    "rep": {"nl": "Verkoper", "en": "Rep"},
    "points": {"nl": "Punten", "en": "Points"},
    "light": {"nl": "Licht", "en": "Light"},
    "qualified": {"nl": "Gekwal. leads", "en": "Qualified leads"},
    "pipeline": {"nl": "Pijplijn", "en": "Pipeline"},
    "trend_title": {"nl": "Grafiekdata: 12 maanden", "en": "Chart data: 12 months"},
    "trend_month": {"nl": "Maand", "en": "Month"},
    "trend_short": {"nl": "Letter", "en": "Letter"},
    "months_list": {"nl": "Maanden", "en": "Months"},
    "more": {"nl": "… en nog {n}", "en": "… and {n} more"},
    "green": {"nl": "groen", "en": "green"},
    "orange": {"nl": "oranje", "en": "orange"},
    "red": {"nl": "rood", "en": "red"},
}

MONTH_NAMES = {
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
MONTH_LETTERS = "JFMAMJJASOND"  # the trend charts' axis: twelve letters fit where twelve names do not (nl = en)


def label(key: str, language: str, **params) -> str:
    return lookup(LABELS, key, language, **params)


def card_col(index: int) -> int:
    """The first column of card ``index`` (0..4, in the order of :data:`KPIS`)."""
    return index * CARD_COLS


def problems_text(count: int, language: str) -> str:
    """'Geen dataproblemen', '1 dataprobleem → Checks', '3 dataproblemen → Checks' (and in English)."""
    if count == 0:
        return label("problems_none", language)
    if count == 1:
        return label("problems_one", language)
    return label("problems_many", language, n=number(count, language))


def month_name(month: pd.Period, language: str) -> str:
    return f"{MONTH_NAMES.get(language, MONTH_NAMES['en'])[month.month - 1]} {month.year}"


def cells(report: MonthReport, settings: Settings, refreshed_at: dt.datetime,
          month_selector: object = None) -> dict[Cell, object]:
    """Every cell of the Dashboard for ``report`` (values as the MonthReport holds them)."""
    lang = report.language
    out: dict[Cell, object] = {}
    out.update(_header(report, refreshed_at, month_selector, lang))
    for i, kpi in enumerate(KPIS):
        out.update(_card(report, kpi, card_col(i), lang))
    far = f"{settings.suggested_targets.far_above:g}"
    out[NOTE] = label("note", lang, n=settings.suggested_targets.months,
                      far=far.replace(".", ",") if lang == "nl" else far)
    out.update(_reps(report, settings, lang))
    out.update(_trend_data(report, lang))
    return out


def _header(report: MonthReport, refreshed_at: dt.datetime, month_selector: object, lang: str) -> dict:
    return {
        TITLE: label("title", lang, month=month_name(report.month, lang)),
        PROBLEMS: problems_text(len(report.problems), lang),
        MONTH_LABEL: label("month", lang),
        L.MONTH_CELL: month_selector,
        MONTH_USED_LABEL: label("month_used", lang),
        MONTH_USED: str(report.month),
        REFRESHED_LABEL: label("refreshed", lang),
        REFRESHED: refreshed_at.replace(microsecond=0),
    }


def _card(report: MonthReport, kpi: str, c: int, lang: str) -> dict:
    tile = report.tiles[kpi]
    value = c + 2  # a card's values sit in its third column
    out = {
        (CARD_ROW, c): tile.label,
        (VALUE_ROW, c): tile.value,
        (TARGET_ROW, c): label("target", lang),
        (TARGET_ROW, value): tile.target,
        (SHARE_ROW, c): label("share", lang),
        (SHARE_ROW, value): tile.share,
        (SHARE_ROW, value + 1): label(tile.light, lang) if tile.light else None,
        (PREVIOUS_ROW, c): label("previous", lang),
        (PREVIOUS_ROW, value): tile.previous,
        (CHANGE_ROW, c): label("change", lang),
        (CHANGE_ROW, value): tile.change,
    }
    suggestion = tile.suggested
    if suggestion.value is not None and (tile.target is None or not math.isclose(suggestion.value, tile.target)):
        out[(SUGGESTED_ROW, c)] = label("suggested_far" if suggestion.far_off else "suggested", lang)
        out[(SUGGESTED_ROW, value)] = suggestion.value
    if kpi == "deal_velocity":
        out[(VELOCITY_MEDIAN[0], c)] = label("median", lang)
        out[VELOCITY_MEDIAN] = report.cycle.median
    if kpi == "pipeline_value":
        team = report.coverage
        out[(PIPELINE_COVERAGE[0], c)] = label("coverage", lang)
        # "doel gehaald" where the quarter's target is reached (no remainder to cover); empty without a target
        out[PIPELINE_COVERAGE] = message("coverage.reached", lang) if team.target_reached else team.coverage
        out[(PIPELINE_EXPECTED[0], c)] = label("expected", lang)
        out[PIPELINE_EXPECTED] = team.expected_attainment
    return out


def _reps(report: MonthReport, settings: Settings, lang: str) -> dict:
    from kpi_xl.config import activity_label  # loaded by now: the settings came from it

    """One row per rep: the action KPI beside the result KPIs the rep owns (leads, pipeline)."""
    out: dict[Cell, object] = {REPS_TITLE: label("reps_title", lang)}
    for key, col in REP_COL.items():
        out[(REPS_HEADER_ROW, col)] = label(key, lang)
    types = list(settings.points)[: L.MAX_TYPES]
    for j, name in enumerate(types):
        out[(REPS_HEADER_ROW, TYPES_COL + j)] = activity_label(settings, name, lang)
    rows = rep_rows(report)
    for i, rep in enumerate(rows[: L.MAX_REPS]):
        r = REPS_FIRST_ROW + i
        light = rep.get("light")
        out.update({
            (r, REP_COL["rep"]): rep["owner"],
            (r, REP_COL["points"]): rep.get("points"),
            (r, REP_COL["target"]): rep.get("target"),
            (r, REP_COL["share"]): rep.get("share"),
            (r, REP_COL["light"]): label(light, lang) if isinstance(light, str) else None,
            (r, REP_COL["qualified"]): rep.get("qualified"),
            (r, REP_COL["pipeline"]): rep.get("pipeline"),
            (r, REP_COL["coverage"]): (message("coverage.reached", lang) if rep.get("target_reached")
                                       else rep.get("coverage")),
            (r, REP_COL["expected"]): rep.get("expected_attainment"),
        })
        for j, name in enumerate(types):
            out[(r, TYPES_COL + j)] = rep.get(name, 0 if "points" in rep else None)
    if len(rows) > L.MAX_REPS:
        out[MORE] = label("more", lang, n=len(rows) - L.MAX_REPS)
    return out


def rep_rows(report: MonthReport) -> list[dict]:
    """The reps of the month in the action KPI's order, then those with only leads or only pipeline;
    each a dict of that rep's values from the MonthReport (owner, points, target, share, light, one count
    per activity type, qualified, pipeline, coverage, expected_attainment). A rep is matched across the tables by name key."""
    rows: dict[str, dict] = {}
    for record in report.action.per_rep.to_dict("records"):
        rows[name_key(record["owner"])] = {k: v for k, v in record.items() if not _missing(v)}
    for record in report.qualified.per_owner.to_dict("records"):
        rows.setdefault(name_key(record["owner"]), {"owner": record["owner"]})["qualified"] = record["qualified"]
    for record in report.pipeline.per_owner.to_dict("records"):
        rows.setdefault(name_key(record["owner"]), {"owner": record["owner"]})["pipeline"] = record["value"]
    for record in report.coverage_per_rep.to_dict("records"):  # only reps with a won-revenue target
        row = rows.get(name_key(record["owner"]))
        if row is not None:
            row.update({k: record[k] for k in ("coverage", "expected_attainment", "target_reached")
                        if not _missing(record[k])})
    return list(rows.values())


def _trend_data(report: MonthReport, lang: str) -> dict:
    """12 months of each KPI (right of the print area): what the cards' charts draw."""
    out: dict[Cell, object] = {TREND_TITLE: label("trend_title", lang)}
    header = [label("trend_month", lang), label("trend_short", lang), *(report.tiles[k].label for k in KPIS)]
    for j, text in enumerate(header):
        out[(TREND_HEADER_ROW, L.TREND_COL + j)] = text
    for i, row in enumerate(report.trends.to_dict("records")):
        r = L.TREND_FIRST_ROW + i
        out[(r, L.TREND_COL)] = row["month"]
        out[(r, L.TREND_COL + 1)] = MONTH_LETTERS[int(row["month"][5:7]) - 1]
        for j, kpi in enumerate(KPIS):
            out[(r, TREND_KPI_COL + j)] = row.get(kpi)
    out[(TREND_HEADER_ROW, L.MONTHS_LIST_COL)] = label("months_list", lang)
    for i, month in enumerate(reversed(report.months_with_data[-L.MAX_MONTHS:])):
        out[(L.TREND_FIRST_ROW + i, L.MONTHS_LIST_COL)] = month
    return out


def _missing(value: object) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False

