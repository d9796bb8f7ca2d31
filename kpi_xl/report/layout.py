"""Where everything sits on the Dashboard, History and Checks sheets, and their labels; the owned sheets.

The Coaching and Inzicht pages keep their geometry and labels in :mod:`kpi_xl.report.pages`.

One fixed geometry (independent of the config, with room for up to
``MAX_STAGES`` stages, ``MAX_TYPES`` activity types and ``MAX_REPS`` reps) so
that the template's formatting and every writer (file or xlwings) agree on
the cell of every number. Rows and columns here are 0-based (XlsxWriter
style); :func:`a1` converts to ``B5`` notation.
"""

from __future__ import annotations

DASHBOARD, HISTORY, CHECKS, HELP = "Dashboard", "History", "Checks", "Uitleg"
COACHING, INSIGHT = "Coaching", "Inzicht"  # fixed names, whatever the language (like "Uitleg")
PAGES = (DASHBOARD, COACHING, INSIGHT)  # the meeting pages, in reading (and printing) order
XLWINGS_CONF = "xlwings.conf"  # settings sheet read by the xlwings VBA (UDF Modules)
UDF_MODULE = "kpi_xl.udfs"
#: The Python the button starts on a Mac. Without it xlwings runs ``python``, which the python.org
#: and Homebrew installers do not provide; ``kpi-xl new`` on a Mac writes the full path of its own
#: Python here instead (``kpi_xl.workbook.new.interpreter_settings``).
INTERPRETER_MAC = "python3"
DATA_SHEETS = ("Leads", "Activities", "Deals", "Customers")
OWNED_SHEETS = (DASHBOARD, COACHING, INSIGHT, HISTORY, CHECKS)

MAX_REPS = 12
MAX_STAGES = 8
MAX_TYPES = 8
TOP_LOOKALIKES = 5
TOP_SLEEPING = 8
MAX_BOTTLENECKS = 10
MAX_MONTHS = 240  # months listed for the month selector

# The Dashboard's extent and the cells the readers share with it; the rest of its geometry (the cards and
# the table per rep) is in kpi_xl/report/pages/dashboard.py.
LAST_COL = 19  # T: the print area is A1:T34
LAST_ROW = 33
# the header cells the readers, the writers and the checks share
MONTH_CELL = (0, 17)  # R1, the user's month selector (empty = latest month); kept where earlier workbooks have it
MONTH_USED = (1, 17)  # the month shown
REFRESHED = (2, 17)
PROBLEMS = (1, 0)  # "3 dataproblemen → Checks", a link to Checks
TILE_KPIS = ("qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention")
# trend data (feeds the cards' charts) and the month selector's list, right of the print area: W..AC, AG
TREND_COL = 22
TREND_FIRST_ROW = 2
MONTHS_LIST_COL = 32  # AG: months with data (the dropdown of earlier workbooks points here too)

HISTORY_COLUMNS = ("month", "qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention",
                   "won_revenue", "refreshed_at")
CHECKS_COLUMNS = ("sheet", "row", "column", "value", "problem")
# Checks lists this many problems one by one, then one summary row per table, column and kind of problem
# (Excel's limit is 1,048,576 rows; a list longer than this is read by nobody)
MAX_CHECK_ROWS = 10_000

# Coaching and Inzicht own every cell up to here (their pages use less; see kpi_xl/report/pages/)
PAGE_LAST_ROW, PAGE_LAST_COL = 59, 15

# The cells a refresh writes, per owned sheet: (top, left, bottom, right), 0-based, bottom None = every row.
# A cell outside them (a note or a formula the user put beside the Dashboard) is the user's: kept as it is.
OWNED_AREAS: dict[str, tuple[tuple[int, int, int | None, int], ...]] = {
    # A1:Z61 is where earlier templates put their tiles and blocks: a refresh of such a workbook clears them
    DASHBOARD: ((0, 0, LAST_ROW, LAST_COL), (0, TREND_COL, None, MONTHS_LIST_COL), (0, 0, 60, 25)),
    COACHING: ((0, 0, PAGE_LAST_ROW, PAGE_LAST_COL),),
    INSIGHT: ((0, 0, PAGE_LAST_ROW, PAGE_LAST_COL),),
    HISTORY: ((0, 0, None, len(HISTORY_COLUMNS) - 1),),
    CHECKS: ((0, 0, None, len(CHECKS_COLUMNS) - 1),),
}
# Cells the user fills in and the refresh writes back: a formula the user put there is kept as written.
USER_CELLS: dict[str, tuple[tuple[int, int], ...]] = {DASHBOARD: (MONTH_CELL,)}


def owned_area(sheet: str) -> tuple[tuple[int, int, int | None, int], ...] | None:
    """The areas of ``sheet`` the refresh writes; None: the whole sheet (a data sheet filled by the demo)."""
    return OWNED_AREAS.get(sheet)


def in_area(areas: tuple[tuple[int, int, int | None, int], ...] | None, row: int, col: int) -> bool:
    if areas is None:
        return True
    return any(top <= row and (bottom is None or row <= bottom) and left <= col <= right
               for top, left, bottom, right in areas)


def a1(row: int, col: int, absolute: bool = False) -> str:
    """0-based (row, col) → ``B5`` (or ``$B$5``)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"${letters}${row + 1}" if absolute else f"{letters}{row + 1}"


LABELS: dict[str, dict[str, str]] = {
    "title": {"nl": "Sales KPI's — {month}", "en": "Sales KPIs — {month}"},
    "title_empty": {"nl": "Sales KPI's — druk op Vernieuwen", "en": "Sales KPIs — press Refresh"},
    "month": {"nl": "Maand (leeg = laatste):", "en": "Month (empty = latest):"},
    "month_used": {"nl": "Getoonde maand:", "en": "Month shown:"},
    "refreshed": {"nl": "Vernieuwd op:", "en": "Refreshed at:"},
    "problems": {"nl": "Dataproblemen (zie Checks):", "en": "Data problems (see Checks):"},
    "target": {"nl": "Doel", "en": "Target"},
    "previous": {"nl": "Vorige maand", "en": "Previous month"},
    "suggested": {"nl": "Voorstel doel", "en": "Suggested target"},
    "change": {"nl": "verschil", "en": "change"},
    "far_off": {"nl": "doel ver boven wat gehaald is", "en": "target far above anything reached"},
    "reps_title": {"nl": "Actiepunten per verkoper", "en": "Action points per rep"},
    "rep": {"nl": "Verkoper", "en": "Rep"},
    "points": {"nl": "Punten", "en": "Points"},
    "pct": {"nl": "% doel", "en": "% target"},
    "status": {"nl": "Status", "en": "Status"},
    "leads_title": {"nl": "Gekwalificeerde leads", "en": "Qualified leads"},
    "owner": {"nl": "Eigenaar", "en": "Owner"},
    "leads": {"nl": "Leads", "en": "Leads"},
    "qualified": {"nl": "Gekwal.", "en": "Qualified"},
    "pipe_title": {"nl": "Pijplijn en tijd per fase", "en": "Pipeline and time per stage"},
    "stage": {"nl": "Fase", "en": "Stage"},
    "deals": {"nl": "Deals", "en": "Deals"},
    "value": {"nl": "Waarde", "en": "Value"},
    "weighted": {"nl": "Gewogen", "en": "Weighted"},
    "days_in_stage": {"nl": "Dagen in fase", "en": "Days in stage"},
    "days_so_far": {"nl": "Open: dagen tot nu", "en": "Open: days so far"},
    "chart_pipeline": {"nl": "Pijplijn per fase (€)", "en": "Pipeline per stage (€)"},
    "chart_stage_time": {"nl": "Gemiddelde dagen per fase", "en": "Average days per stage"},
    "chart_leads": {"nl": "Gekwalificeerde leads (12 mnd)", "en": "Qualified leads (12 months)"},
    "chart_revenue": {"nl": "Gewonnen omzet (12 mnd)", "en": "Won revenue (12 months)"},
    "chart_points": {"nl": "Actiepunten (12 mnd)", "en": "Action points (12 months)"},
    "trend_title": {"nl": "Grafiekdata: 12 maanden", "en": "Chart data: 12 months"},
    "trend_month": {"nl": "Maand", "en": "Month"},
    "won_revenue": {"nl": "Gewonnen omzet", "en": "Won revenue"},
    "months_list": {"nl": "Maanden", "en": "Months"},
    "customers_title": {"nl": "Klantrelatie", "en": "Customer relationship"},
    "active": {"nl": "Actieve klanten", "en": "Active customers"},
    "retention": {"nl": "Klantbehoud (12 mnd)", "en": "Retention (12 months)"},
    "revenue_retention": {"nl": "Omzetbehoud (12 mnd)", "en": "Revenue retention (12 months)"},
    "churned": {"nl": "Opgezegd (12 mnd)", "en": "Churned (12 months)"},
    "tenure": {"nl": "Gem. klantduur (jaren)", "en": "Avg. tenure (years)"},
    "attention": {"nl": "Vraagt aandacht (geen contact)", "en": "Needs attention (no contact)"},
    "lookalike_title": {"nl": "Leads die lijken op de beste klanten", "en": "Leads that look like the best customers"},
    "lead": {"nl": "Lead", "en": "Lead"},
    "company": {"nl": "Bedrijf", "en": "Company"},
    "score": {"nl": "Score", "en": "Score"},
    "why": {"nl": "Waarom: % van de klanten met dezelfde waarde", "en": "Why: % of customers with the same value"},
    "bottleneck_title": {"nl": "Bottleneck per verkoper (gesprekspunt)", "en": "Bottleneck per rep (talking point)"},
    "talking_point": {"nl": "Gesprekspunt", "en": "Talking point"},
    "sleeping_title": {"nl": "Slapende deals", "en": "Sleeping deals"},
    "deal": {"nl": "Deal", "en": "Deal"},
    "idle_days": {"nl": "Dagen stil", "en": "Days idle"},
    "more": {"nl": "… en nog {n}", "en": "… and {n} more"},
    "insight_title": {"nl": "Inzicht — niet voor het beoordelen van medewerkers",
                      "en": "Insight — not for judging people"},
    "close_ratio": {"nl": "Sluitratio (gewonnen ÷ gesloten)", "en": "Close ratio (won ÷ closed)"},
    "quote_to_close": {"nl": "Offerte → gewonnen", "en": "Quote → won"},
    "growth_revenue": {"nl": "Groei gewonnen omzet t.o.v. vorige maand", "en": "Won revenue growth vs last month"},
    "growth_leads": {"nl": "Groei gekwal. leads t.o.v. vorige maand", "en": "Qualified leads growth vs last month"},
    "sales_velocity": {"nl": "Verkoopsnelheid (€ per dag)", "en": "Sales velocity (€ per day)"},
    "entered": {"nl": "Ingegaan", "en": "Entered"},
    "advanced": {"nl": "Door", "en": "Advanced"},
    "conversion": {"nl": "Conversie", "en": "Conversion"},
    "won_share": {"nl": "Gewonnen", "en": "Won"},
    "green": {"nl": "groen", "en": "green"},
    "orange": {"nl": "oranje", "en": "orange"},
    "red": {"nl": "rood", "en": "red"},
    # History and Checks
    "h.month": {"nl": "maand", "en": "month"},
    "h.qualified_leads": {"nl": "gekwalificeerde leads", "en": "qualified leads"},
    "h.action_points": {"nl": "actiepunten", "en": "action points"},
    "h.pipeline_value": {"nl": "pijplijnwaarde", "en": "pipeline value"},
    "h.deal_velocity": {"nl": "doorlooptijd (dagen)", "en": "deal velocity (days)"},
    "h.retention": {"nl": "klantbehoud", "en": "retention"},
    "h.won_revenue": {"nl": "gewonnen omzet", "en": "won revenue"},
    "h.refreshed_at": {"nl": "vernieuwd op", "en": "refreshed at"},
    "c.sheet": {"nl": "Blad", "en": "Sheet"},
    "c.row": {"nl": "Rij", "en": "Row"},
    "c.column": {"nl": "Kolom", "en": "Column"},
    "c.value": {"nl": "Waarde", "en": "Value"},
    "c.problem": {"nl": "Probleem en wat te doen", "en": "Problem and what to do"},
    "c.none": {"nl": "Geen dataproblemen gevonden.", "en": "No data problems found."},
}


def lookup(labels: dict[str, dict[str, str]], key: str, language: str, **params) -> str:
    """``labels[key]`` in ``language`` (English where a language lacks it), filled in with ``params``."""
    text = labels[key].get(language) or labels[key]["en"]
    return text.format(**params) if params else text


def label(key: str, language: str, **params) -> str:
    return lookup(LABELS, key, language, **params)


LIGHT_WORDS = {word for key in ("green", "orange", "red") for word in LABELS[key].values()}
