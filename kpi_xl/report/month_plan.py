"""The month and the plan of what to write, from parsed tables: shared by the file refresh
(:mod:`kpi_xl.workbook.refresh`) and the Excel button (:mod:`kpi_xl.excel.button`), which needs nothing
of the file reader."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.month import MonthReport, Prepared, compute
from kpi_xl.periods import month_input
from kpi_xl.report.plan import build_plan
from kpi_xl.tables import Tables

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Settings

__all__ = ["check_month_in_data", "plan_for"]


def plan_for(tables: Tables | Prepared, settings: Settings, month, selector, history, now=None, today=None):
    """Compute the month and the plan of what to write (shared by the file and the xlwings refresh).

    A month chosen outside the months with data is refused (it would show zeros only)."""
    report = compute(tables, settings, month=month_input(month), today=today)
    if month_input(month) is not None:
        check_month_in_data(report)
    plan = build_plan(report, settings, now or dt.datetime.now(), month_selector=selector,
                      existing_history=history)
    return report, plan


def check_month_in_data(report: MonthReport) -> None:
    """Refuse a report about a month before the first or after the last month with data."""
    span, month = report.data_span, str(report.month)
    if span is None:
        raise KpiError(both_languages("month_without_data", month=month))
    if not span[0] <= month <= span[1]:
        raise KpiError(both_languages("month_outside_data", month=month, first=span[0], last=span[1]))
