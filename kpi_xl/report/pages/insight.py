"""Inzicht ("niet voor het beoordelen van medewerkers"): where each cell sits, its labels, its cells.

Visibly secondary and labelled so: the insight KPIs of KPIS.md (close ratio, quote → won,
month-over-month growth, sales velocity), stage conversion as a funnel table, and what KPIS.md §1
asks for: qualified leads per source, the qualification rate and the criterion that rejects most
leads. Pipeline and time per stage are a table here and the two native charts below it (the template
draws them from this table).

The page computes nothing: every value is one the :class:`~kpi_xl.month.MonthReport` holds.
Rows and columns are 0-based, as in :mod:`kpi_xl.report.layout`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kpi_xl.report.layout import lookup

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

MAX_STAGES = 8
MAX_SOURCES = 8

TITLE = (0, 0)
MONTH = (0, 8)
NOTE = (1, 0)

# left: key figures (label A, value B; the rejecting criterion's name over B..D)
FIGURES_TITLE = (3, 0)
FIGURES_FIRST_ROW = 4
FIGURES = ("close_ratio", "quote_to_close", "growth_revenue", "growth_leads", "sales_velocity",
           "qualification_rate", "top_rejection", "rejected_by_top")
FIGURE_LABEL, FIGURE_VALUE = 0, 1

# right: stage conversion (the funnel), F..K
GAP_COL = 4
RIGHT_COL = 5
CONVERSION_TITLE = (3, RIGHT_COL)
CONVERSION_HEADER_ROW = 4
CONVERSION_FIRST_ROW = 5
CONVERSION_KEYS = ("stage", "entered", "advanced", "won", "conversion", "won_share")

# left: qualified leads per source (A..C)
SOURCES_TITLE = (CONVERSION_FIRST_ROW + MAX_STAGES + 1, 0)
SOURCES_HEADER_ROW = SOURCES_TITLE[0] + 1
SOURCES_FIRST_ROW = SOURCES_HEADER_ROW + 1
SOURCES_MORE = (SOURCES_FIRST_ROW + MAX_SOURCES, 0)

# right: pipeline and time per stage (F..K), the two charts' data
PIPE_TITLE = (SOURCES_TITLE[0], RIGHT_COL)
PIPE_HEADER_ROW = SOURCES_HEADER_ROW
PIPE_FIRST_ROW = SOURCES_FIRST_ROW
PIPE_KEYS = ("stage", "deals", "value", "weighted", "days_in_stage", "days_so_far")

CHART_TITLE_ROW = SOURCES_MORE[0] + 1  # the charts' headings: cells, so that they follow the language
CHART_ROW = CHART_TITLE_ROW + 1
PIPELINE_CHART_TITLE = (CHART_TITLE_ROW, 0)
STAGE_TIME_CHART_TITLE = (CHART_TITLE_ROW, RIGHT_COL)
CHART_ROWS = 12
LAST_ROW = CHART_ROW + CHART_ROWS - 1
LAST_COL = RIGHT_COL + len(PIPE_KEYS) - 1

WIDTHS = (32, 10, 13, 6, 2, 15, 9, 10, 9, 11, 10)  # characters: 127 print A4 landscape at about 88% (measured)

LABELS: dict[str, dict[str, str]] = {
    "title": {"nl": "Inzicht — niet voor het beoordelen van medewerkers", "en": "Insight — not for judging people"},
    "note": {"nl": "Om het verkoopproces te begrijpen; nooit om een verkoper op af te rekenen.",
             "en": "To understand the sales process; never to hold a rep to account."},
    "figures": {"nl": "Kerncijfers (groei: t.o.v. vorige maand)", "en": "Key figures (growth: on last month)"},
    "close_ratio": {"nl": "Sluitratio (gewonnen ÷ gesloten)", "en": "Close ratio (won ÷ closed)"},
    "quote_to_close": {"nl": "Offerte → gewonnen", "en": "Quote → won"},
    "growth_revenue": {"nl": "Groei gewonnen omzet", "en": "Won revenue growth"},
    "growth_leads": {"nl": "Groei gekwalificeerde leads", "en": "Qualified leads growth"},
    "sales_velocity": {"nl": "Verkoopsnelheid (€ per dag)", "en": "Sales velocity (€ per day)"},
    "qualification_rate": {"nl": "Kwalificatiegraad (nieuwe leads)", "en": "Qualification rate (new leads)"},
    "top_rejection": {"nl": "Criterium dat de meeste leads afwijst", "en": "Criterion that rejects most leads"},
    "rejected_by_top": {"nl": "Leads die het afwijst", "en": "Leads it rejects"},
    "no_rejection": {"nl": "geen", "en": "none"},
    "conversion_title": {"nl": "Conversie per fase (trechter, {months} mnd)",
                         "en": "Conversion per stage (funnel, {months} months)"},
    "stage": {"nl": "Fase", "en": "Stage"},
    "entered": {"nl": "Ingegaan", "en": "Entered"},
    "advanced": {"nl": "Door", "en": "Advanced"},
    "won": {"nl": "Gewonnen", "en": "Won"},
    "conversion": {"nl": "Conversie", "en": "Conversion"},
    "won_share": {"nl": "Deel gewonnen", "en": "Share won"},
    "sources_title": {"nl": "Gekwalificeerde leads per bron", "en": "Qualified leads per source"},
    "source": {"nl": "Bron", "en": "Source"},
    "leads": {"nl": "Leads", "en": "Leads"},
    "qualified": {"nl": "Gekwalificeerd", "en": "Qualified"},
    "more": {"nl": "… en nog {n}", "en": "… and {n} more"},
    "pipe_title": {"nl": "Pijplijn en tijd per fase", "en": "Pipeline and time per stage"},
    "deals": {"nl": "Deals", "en": "Deals"},
    "value": {"nl": "Waarde", "en": "Value"},
    "weighted": {"nl": "Gewogen", "en": "Weighted"},
    "days_in_stage": {"nl": "Dagen in fase", "en": "Days in stage"},
    "days_so_far": {"nl": "Nu open: dagen", "en": "Open now: days"},
    "chart_pipeline": {"nl": "Pijplijn per fase (€)", "en": "Pipeline per stage (€)"},
    "chart_stage_time": {"nl": "Gemiddelde dagen per fase", "en": "Average days per stage"},
}


def label(key: str, language: str, **params) -> str:
    return lookup(LABELS, key, language, **params)


def figures(report) -> dict[str, object]:
    """The key figures, by label key, as the report holds them."""
    q = report.qualified
    top = q.top_rejection
    return {
        "close_ratio": report.close_ratio,
        "quote_to_close": report.quote_to_close,
        "growth_revenue": report.growth["won_revenue"],
        "growth_leads": report.growth["qualified_leads"],
        "sales_velocity": report.sales_velocity.per_day,
        "qualification_rate": q.rate,
        "top_rejection": top if top is not None else label("no_rejection", report.language),
        "rejected_by_top": int(q.rejections[top]) if top is not None else None,
    }


def cells(report, settings: Settings) -> dict[tuple[int, int], object]:
    """Every value of the Inzicht sheet for ``report`` (0-based cell → value; labels in its language)."""
    lang = report.language
    out: dict[tuple[int, int], object] = {}

    def lab(key: str, **params) -> str:
        return label(key, lang, **params)

    out[TITLE] = lab("title")
    out[MONTH] = str(report.month)
    out[NOTE] = lab("note")

    out[FIGURES_TITLE] = lab("figures")
    for i, (key, value) in enumerate(figures(report).items()):
        out[(FIGURES_FIRST_ROW + i, FIGURE_LABEL)] = lab(key)
        out[(FIGURES_FIRST_ROW + i, FIGURE_VALUE)] = value

    out[CONVERSION_TITLE] = lab("conversion_title", months=settings.window_months)
    for j, key in enumerate(CONVERSION_KEYS):
        out[(CONVERSION_HEADER_ROW, RIGHT_COL + j)] = lab(key)
    for i, row in enumerate(report.conversion.head(MAX_STAGES).itertuples(index=False)):
        for j, key in enumerate(CONVERSION_KEYS):
            out[(CONVERSION_FIRST_ROW + i, RIGHT_COL + j)] = getattr(row, key)

    out[SOURCES_TITLE] = lab("sources_title")
    for j, key in enumerate(("source", "leads", "qualified")):
        out[(SOURCES_HEADER_ROW, j)] = lab(key)
    sources = report.qualified.per_source
    for i, row in enumerate(sources.head(MAX_SOURCES).itertuples(index=False)):
        for j, value in enumerate((row.source, row.leads, row.qualified)):
            out[(SOURCES_FIRST_ROW + i, j)] = value
    if len(sources) > MAX_SOURCES:
        out[SOURCES_MORE] = lab("more", n=len(sources) - MAX_SOURCES)

    out[PIPE_TITLE] = lab("pipe_title")
    for j, key in enumerate(PIPE_KEYS):
        out[(PIPE_HEADER_ROW, RIGHT_COL + j)] = lab(key)
    times = report.stage_times.set_index("stage")
    for i, row in enumerate(report.pipeline.per_stage.head(MAX_STAGES).itertuples(index=False)):
        values = (row.stage, row.deals, row.value, row.weighted, times.at[row.stage, "mean"],
                  times.at[row.stage, "open_mean"])
        for j, value in enumerate(values):
            out[(PIPE_FIRST_ROW + i, RIGHT_COL + j)] = value
    out[PIPELINE_CHART_TITLE] = lab("chart_pipeline")
    out[STAGE_TIME_CHART_TITLE] = lab("chart_stage_time")
    return out
