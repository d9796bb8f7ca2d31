"""The data sheets Leads, Activities, Deals and Customers: their Excel Tables, columns and dropdowns.

Deals has one date column per configured stage (in the config's order, headed by the stage's name); the
dropdowns list the configured stages and activity types (their keys, as the tables hold them) and yes/no,
with their warnings in the config's language."""

from __future__ import annotations

from kpi_xl.config import Settings
from kpi_xl.messages import text
from kpi_xl.workbook.template.formats import COUNT_FORMAT, DATE_FORMAT, EURO_FORMAT

DATA_ROWS = 1_048_575  # validations and formats reach to the bottom of the sheet

TABLE_COLUMNS: dict[str, list[tuple[str, str | None, float]]] = {
    # header, number format, width
    "Leads": [("lead_id", None, 12), ("created", DATE_FORMAT, 12), ("owner", None, 18), ("company", None, 24),
              ("source", None, 14), ("qualified", None, 11), ("industry", None, 22), ("employees", COUNT_FORMAT, 11),
              ("region", None, 14), ("budget", EURO_FORMAT, 12)],
    "Activities": [("date", DATE_FORMAT, 12), ("owner", None, 18), ("type", None, 12), ("lead_id", None, 12),
                   ("deal_id", None, 12), ("customer_id", None, 12), ("notes", None, 40)],
    "Deals": [("deal_id", None, 12), ("owner", None, 18), ("created", DATE_FORMAT, 12), ("value", EURO_FORMAT, 12),
              ("stage", None, 15), ("closed", DATE_FORMAT, 12), ("lost_reason", None, 20), ("customer_id", None, 12),
              ("lead_id", None, 12)],
    "Customers": [("customer_id", None, 12), ("company", None, 24), ("owner", None, 18), ("since", DATE_FORMAT, 12),
                  ("until", DATE_FORMAT, 12), ("revenue", EURO_FORMAT, 12), ("last_contact", DATE_FORMAT, 13),
                  ("industry", None, 22), ("employees", COUNT_FORMAT, 11), ("region", None, 14),
                  ("lead_id", None, 12)],
}


def table_columns(name: str, settings: Settings) -> list[tuple[str, str | None, float]]:
    columns = list(TABLE_COLUMNS[name])
    if name == "Deals":
        columns += [(stage, DATE_FORMAT, 12) for stage in settings.stage_names]
    return columns


def _data_sheet(ws, name: str, settings: Settings, fmt: dict) -> None:
    columns = table_columns(name, settings)
    spec = []
    for i, (header, number, width) in enumerate(columns):
        cell_format = fmt["plain"] if number is None else fmt[f"number:{number}"]
        ws.set_column(i, i, width, cell_format)
        spec.append({"header": header, "format": cell_format})
    ws.add_table(0, 0, 1, len(columns) - 1, {"name": name, "columns": spec, "style": "Table Style Medium 2"})
    ws.freeze_panes(1, 0)
    headers = [c[0] for c in columns]
    language = settings.language
    if "stage" in headers:
        i = headers.index("stage")
        ws.data_validation(1, i, DATA_ROWS, i, {
            "validate": "list", "source": settings.stage_names, "error_type": "warning",
            "error_title": text("validation.stage.title", language),
            "error_message": text("validation.stage", language),
        })
    if name == "Activities":
        i = headers.index("type")
        ws.data_validation(1, i, DATA_ROWS, i, {
            "validate": "list", "source": list(settings.points), "error_type": "warning",
            "error_title": text("validation.type.title", language),
            "error_message": text("validation.type", language),
        })
    if name == "Leads":
        i = headers.index("qualified")
        yes_no = [text("validation.yes", language), text("validation.no", language)]
        ws.data_validation(1, i, DATA_ROWS, i, {"validate": "list", "source": yes_no, "error_type": "warning"})
