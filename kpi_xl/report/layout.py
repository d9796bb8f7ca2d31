"""Where everything sits on the Dashboard, History and Checks sheets, and their labels.

One fixed geometry (independent of the config, with room for up to
``MAX_STAGES`` stages, ``MAX_TYPES`` activity types and ``MAX_REPS`` reps) so
that the template's formatting and every writer (file or xlwings) agree on
the cell of every number. Rows and columns here are 0-based (XlsxWriter
style); :func:`a1` converts to ``B5`` notation.
"""

from __future__ import annotations

DASHBOARD, HISTORY, CHECKS, HELP = "Dashboard", "History", "Checks", "Uitleg"
XLWINGS_CONF = "xlwings.conf"  # settings sheet read by the xlwings VBA (UDF Modules)
UDF_MODULE = "kpi_xl.udfs"
#: The Python the button starts on a Mac. Without it xlwings runs ``python``, which the python.org
#: and Homebrew installers do not provide; ``kpi-xl new`` on a Mac writes the full path of its own
#: Python here instead (``kpi_xl.workbook.new.interpreter_settings``).
INTERPRETER_MAC = "python3"
DATA_SHEETS = ("Leads", "Activities", "Deals", "Customers")
OWNED_SHEETS = (DASHBOARD, HISTORY, CHECKS)
PAGES = (DASHBOARD,)  # the meeting pages, in print order (the lead adds Coaching and Inzicht when merging)

MAX_REPS = 12
MAX_STAGES = 8
MAX_TYPES = 8
TOP_LOOKALIKES = 5
TOP_SLEEPING = 8
MAX_BOTTLENECKS = 10
MAX_MONTHS = 240  # months listed for the month selector

LAST_COL = 25  # Z: the print area is A1:Z61
LAST_ROW = 60

# header
TITLE = (0, 0)
MONTH_LABEL = (0, 15)
MONTH_CELL = (0, 17)  # the user's month selector (empty = latest month)
MONTH_USED_LABEL = (1, 15)
MONTH_USED = (1, 17)
REFRESHED_LABEL = (0, 20)
REFRESHED = (0, 23)
PROBLEMS_LABEL = (1, 20)
PROBLEMS = (1, 23)

# five tiles, rows 3..7, each 5 columns wide
TILE_ROW = 3
TILE_WIDTH = 5
TILE_KPIS = ("qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention")

# action points per rep: A..M, rows 9..22
REPS_TITLE = (9, 0)
REPS_HEADER_ROW = 10
REPS_FIRST_ROW = 11
REPS_COLS = 5 + MAX_TYPES  # owner, points, target, %, status, one column per type

# qualified leads per owner: O..Q
LEADS_TITLE = (9, 14)
LEADS_COL = 14

# pipeline and time per stage: S..Z
PIPE_TITLE = (9, 18)
PIPE_COL = 18
PIPE_COLS = 6  # stage, deals, value, weighted, days in stage, days so far (open)

# charts: rows 24..37
CHART_ROW = 24
CHART_ROWS = 14

# trend data (feeds the trend charts), right of the print area: AB..AE
TREND_TITLE = (0, 27)
TREND_HEADER_ROW = 1
TREND_FIRST_ROW = 2
TREND_COL = 27
MONTHS_LIST_COL = 32  # AG: months with data, for the month selector dropdown

# lower band, rows 39..52
CUSTOMERS_TITLE = (39, 0)
CUSTOMERS_FIRST_ROW = 40  # label in A, value in D; 6 rows
LOOKALIKE_TITLE = (46, 0)
LOOKALIKE_HEADER_ROW = 47
LOOKALIKE_FIRST_ROW = 48  # lead A, company B, score C, why D..I
BOTTLENECK_TITLE = (39, 10)
BOTTLENECK_HEADER_ROW = 40
BOTTLENECK_FIRST_ROW = 41  # rep K:L, deals M, talking point N..Q
BOTTLENECK_COLS = (10, 12, 13)  # rep, deals, talking point
SLEEPING_TITLE = (39, 18)
SLEEPING_HEADER_ROW = 40
SLEEPING_FIRST_ROW = 41  # deal S, owner T:U, stage V, idle days W, value X
SLEEPING_COLS = (18, 19, 21, 22, 23)  # deal, owner, stage, idle days, value

# insight block (secondary), rows 54..60
INSIGHT_TITLE = (53, 0)
INSIGHT_FIRST_ROW = 54  # label A, value D; 5 rows
CONVERSION_HEADER_ROW = 53
CONVERSION_COL = 6  # G..K: stage, entered, advanced, conversion, won share
CONVERSION_FIRST_ROW = 54

HISTORY_COLUMNS = ("month", "qualified_leads", "action_points", "pipeline_value", "deal_velocity", "retention",
                   "won_revenue", "refreshed_at")
CHECKS_COLUMNS = ("sheet", "row", "column", "value", "problem")
# Checks lists this many problems one by one, then one summary row per table, column and kind of problem
# (Excel's limit is 1,048,576 rows; a list longer than this is read by nobody)
MAX_CHECK_ROWS = 10_000

# The cells a refresh writes, per owned sheet: (top, left, bottom, right), 0-based, bottom None = every row.
# A cell outside them (a note or a formula the user put beside the Dashboard) is the user's: kept as it is.
OWNED_AREAS: dict[str, tuple[tuple[int, int, int | None, int], ...]] = {
    DASHBOARD: ((0, 0, LAST_ROW, LAST_COL), (0, TREND_COL, None, MONTHS_LIST_COL)),
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


def tile_col(index: int) -> int:
    return index * TILE_WIDTH


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


def label(key: str, language: str, **params) -> str:
    text = LABELS[key].get(language) or LABELS[key]["en"]
    return text.format(**params) if params else text


LIGHT_WORDS = {word for key in ("green", "orange", "red") for word in LABELS[key].values()}
