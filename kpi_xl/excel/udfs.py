"""The KPI worksheet functions for Excel (classic xlwings, Excel for Windows).

Listed as ``UDF Modules`` in the workbook's ``xlwings.conf`` sheet so that
xlwings' "Import Functions" finds them. Each is a thin wrapper: it turns its
arguments into rows, calls :mod:`kpi_xl.excel.functions` (the core), and turns
a problem the user can fix into a readable message in the cell, in the
config's language — never a traceback.
"""

from __future__ import annotations

import math

import xlwings as xw

from kpi_xl.errors import KpiError
from kpi_xl.excel import functions as fx
from kpi_xl.excel.args import MAX_MONTHS, bool_arg, date_arg, int_arg, month_arg, table_rows, text_arg
from kpi_xl.excel.gc_pause import gc_paused

CATEGORY = "kpi_xl"
TABLE_DOC = "{name}: de tabel (bijv. {name} of {name}[#All]) / the table"
MONTH_DOC = "Maand: Excel-datum of \"2026-10\"; leeg = laatste maand / month; empty = latest"
OWNER_DOC = "Verkoper (leeg = team) / rep (empty = team)"
MONTHS_DOC = "Aantal maanden terug (leeg = config) / months back (empty = config)"


def _book_path(caller) -> str | None:
    try:
        return caller.sheet.book.fullname
    except Exception:  # no caller outside Excel, or an unsaved book
        return None


def _cell(value):
    """A Python result as a cell value: None/NaN → empty, numpy → Python."""
    if value is None:
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, list):
        return [[_cell(v) for v in row] for row in value]
    return value


def _table(settings, arg, name: str):
    """A table argument's rows, header first, its header found by the config's own names too (``columns:``)."""
    return table_rows(arg, name, settings.header_aliases(name))


def _run(caller, compute):
    """Call ``compute(settings)``; a fixable problem becomes the cell's text.

    The table arguments are read from Excel inside ``compute``: with the garbage
    collector paused (see :mod:`kpi_xl.excel.gc_pause`) from the first cell to the result."""
    try:
        with gc_paused():
            settings = fx.settings_for(_book_path(caller))
            return _cell(compute(settings))
    except KpiError as err:
        return "; ".join(line.strip(" -") for line in str(err).splitlines() if line.strip())
    except Exception as err:  # a bug: still a readable cell, never a traceback
        return f"kpi_xl: {type(err).__name__}: {err}"


@xw.func(category=CATEGORY)
@xw.arg("leads", "range", doc=TABLE_DOC.format(name="Leads"))
@xw.arg("month", doc=MONTH_DOC)
@xw.arg("owner", doc=OWNER_DOC)
def QUALIFIED_LEADS(leads, month=None, owner=None, caller=None):
    """Gekwalificeerde leads in de maand / qualified leads in the month (KPI 1)."""
    return _run(caller, lambda s: fx.qualified_leads(s, _table(s, leads, "Leads"), month_arg(month),
                                                     text_arg(owner)))


@xw.func(category=CATEGORY)
@xw.arg("activities", "range", doc=TABLE_DOC.format(name="Activities"))
@xw.arg("owner", doc=OWNER_DOC)
@xw.arg("month", doc=MONTH_DOC)
def ACTION_POINTS(activities, owner=None, month=None, caller=None):
    """Actiepunten in de maand / action points in the month (KPI 2)."""
    return _run(caller, lambda s: fx.action_points(s, _table(s, activities, "Activities"), text_arg(owner),
                                                   month_arg(month)))


@xw.func(category=CATEGORY)
@xw.arg("owner", doc=OWNER_DOC)
@xw.arg("month", doc="Maand (leeg = deze maand) / month (empty = this month)")
def ACTION_TARGET(owner=None, month=None, caller=None):
    """Doel actiepunten uit de config / action-point target from the config."""
    return _run(caller, lambda s: fx.action_target(s, text_arg(owner), month_arg(month)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("stage", doc="Fase (leeg = alle open deals) / stage (empty = all open deals)")
@xw.arg("weighted", doc="WAAR = gewogen met de kans per fase / TRUE = weighted")
@xw.arg("owner", doc=OWNER_DOC)
@xw.arg("as_of", doc="Peildatum (leeg = einde laatste maand) / as-of date")
def PIPELINE_VALUE(deals, stage=None, weighted=None, owner=None, as_of=None, caller=None):
    """Waarde van de open deals / value of the open deals (KPI 3)."""
    return _run(caller, lambda s: fx.pipeline_value(s, _table(s, deals, "Deals"), stage, bool_arg(weighted),
                                                    text_arg(owner), date_arg(as_of)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("owner", doc=OWNER_DOC)
@xw.arg("month", doc=MONTH_DOC)
def PIPELINE_COVERAGE(deals, owner=None, month=None, caller=None):
    """Open pijplijn ÷ rest van het kwartaaldoel omzet / open pipeline ÷ rest of the quarter's revenue target."""
    return _run(caller, lambda s: fx.pipeline_coverage(s, _table(s, deals, "Deals"), text_arg(owner),
                                                       month_arg(month)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("stage", doc="Fase: gemiddelde dagen in die fase; leeg = eerste contact tot getekend / stage")
@xw.arg("months", doc=MONTHS_DOC)
@xw.arg("owner", doc=OWNER_DOC)
def DEAL_VELOCITY(deals, stage=None, months=None, owner=None, caller=None):
    """Gemiddelde doorlooptijd in dagen / mean days to won, or in a stage (KPI 4)."""
    return _run(caller, lambda s: fx.deal_velocity(s, _table(s, deals, "Deals"), stage,
                                                   int_arg(months, s.window_months, MAX_MONTHS), text_arg(owner)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("months", doc=MONTHS_DOC)
def SALES_VELOCITY(deals, months=None, caller=None):
    """Verkoopsnelheid in euro per dag / sales velocity in € per day (insight)."""
    return _run(caller, lambda s: fx.sales_velocity(s, _table(s, deals, "Deals"),
                                                    int_arg(months, s.window_months, MAX_MONTHS)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("months", doc=MONTHS_DOC)
def CLOSE_RATIO(deals, months=None, caller=None):
    """Gewonnen ÷ (gewonnen + verloren) / won ÷ (won + lost) (insight)."""
    return _run(caller, lambda s: fx.close_ratio(s, _table(s, deals, "Deals"),
                                                 int_arg(months, s.window_months, MAX_MONTHS)))


@xw.func(category=CATEGORY)
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("from_stage", doc="Van fase / from stage")
@xw.arg("to_stage", doc="Naar fase (leeg = een volgende fase) / to stage (empty = any later stage)")
def STAGE_CONVERSION(deals, from_stage, to_stage=None, caller=None):
    """Conversie tussen fasen / conversion between stages (insight)."""
    return _run(caller, lambda s: fx.stage_conversion(s, _table(s, deals, "Deals"), from_stage, to_stage))


@xw.func(category=CATEGORY)
@xw.arg("customers", "range", doc=TABLE_DOC.format(name="Customers"))
@xw.arg("start", doc="Begin (leeg = 12 maanden voor het einde) / start")
@xw.arg("end", doc="Einde (leeg = vandaag) / end (empty = today)")
def RETENTION_RATE(customers, start=None, end=None, caller=None):
    """Klantbehoud over de periode / customer retention over the period (KPI 5)."""
    return _run(caller, lambda s: fx.retention_rate(s, _table(s, customers, "Customers"), date_arg(start),
                                                    date_arg(end)))


@xw.func(category=CATEGORY)
@xw.arg("customers", "range", doc=TABLE_DOC.format(name="Customers"))
@xw.arg("as_of", doc="Peildatum (leeg = vandaag) / as-of date (empty = today)")
def ACTIVE_CUSTOMERS(customers, as_of=None, caller=None):
    """Aantal actieve klanten / number of active customers (KPI 5)."""
    return _run(caller, lambda s: fx.active_customers(s, _table(s, customers, "Customers"), date_arg(as_of)))


@xw.func(category=CATEGORY)
@xw.arg("leads", "range", doc=TABLE_DOC.format(name="Leads"))
@xw.arg("customers", "range", doc=TABLE_DOC.format(name="Customers"))
@xw.arg("top", doc="Aantal leads (leeg = config) / number of leads")
def LOOKALIKE(leads, customers, top=None, caller=None):
    """Leads die lijken op de beste klanten: lead, score, waarom / look-alike leads (dynamic array)."""
    return _run(caller, lambda s: fx.lookalike(s, _table(s, leads, "Leads"), _table(s, customers, "Customers"),
                                               int_arg(top, s.lookalike.top)))


@xw.func(category=CATEGORY)
@xw.arg("leads", "range", doc=TABLE_DOC.format(name="Leads"))
@xw.arg("activities", "range", doc=TABLE_DOC.format(name="Activities"))
@xw.arg("deals", "range", doc=TABLE_DOC.format(name="Deals"))
@xw.arg("customers", "range", doc=TABLE_DOC.format(name="Customers"))
@xw.arg("month", doc=MONTH_DOC)
def KPI_SUMMARY(leads, activities, deals, customers, month=None, caller=None):
    """De vijf KPI's met doel en % / the five KPIs with target and % (dynamic array)."""
    return _run(caller, lambda s: fx.kpi_summary(
        s, _table(s, leads, "Leads"), _table(s, activities, "Activities"), _table(s, deals, "Deals"),
        _table(s, customers, "Customers"), month_arg(month)))


FUNCTIONS = (QUALIFIED_LEADS, ACTION_POINTS, ACTION_TARGET, PIPELINE_VALUE, PIPELINE_COVERAGE, DEAL_VELOCITY,
             SALES_VELOCITY, CLOSE_RATIO, STAGE_CONVERSION, RETENTION_RATE, ACTIVE_CUSTOMERS, LOOKALIKE, KPI_SUMMARY)
