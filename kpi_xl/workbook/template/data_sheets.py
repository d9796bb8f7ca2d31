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


LIST_LIMIT = 255  # characters (UTF-16 units) Excel allows in a drop-down list typed into its validation


def dropdown_lists(name: str, settings: Settings) -> dict[str, list[str]]:
    """The drop-down lists of the data sheet ``name``: column → its values (the keys the table holds)."""
    language = settings.language
    return {"Leads": {"qualified": [text("validation.yes", language), text("validation.no", language)]},
            "Activities": {"type": list(settings.points)},
            "Deals": {"stage": list(settings.stage_names)}}.get(name, {})


def list_fits(values: list[str]) -> bool:
    """Whether Excel can hold ``values`` as a typed drop-down list: at most 255 characters with the commas
    between them, and no value with a comma (it would split) or a double quote (it would end the list)."""
    joined = ",".join(values)
    return len(joined.encode("utf-16-le", "surrogatepass")) // 2 <= LIST_LIMIT and not any(
        "," in v or '"' in v for v in values)


def dropdowns_left_out(settings: Settings) -> list[tuple[str, str, list[str]]]:
    """The drop-downs the data sheets go without because Excel cannot hold their list (:func:`list_fits`):
    (sheet, column, values), for ``kpi-xl new`` to say so."""
    return [(name, column, values) for name in TABLE_COLUMNS
            for column, values in dropdown_lists(name, settings).items() if not list_fits(values)]


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
    warnings = {"stage": ("validation.stage.title", "validation.stage"),
                "type": ("validation.type.title", "validation.type")}
    for column, values in dropdown_lists(name, settings).items():
        if not list_fits(values):
            continue  # no drop-down rather than a broken one (kpi-xl new says so)
        i = headers.index(column)
        options = {"validate": "list", "source": values, "error_type": "warning"}
        if column in warnings:
            title, message = warnings[column]
            options |= {"error_title": text(title, language), "error_message": text(message, language)}
        ws.data_validation(1, i, DATA_ROWS, i, options)
