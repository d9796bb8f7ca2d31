"""``columns:``: the user's own header names per table and column, checked against the tables' columns.

::

    columns:
      Deals:
        owner: [sales_agent]      # a list of names, or one name
        value: close_value

Tables and columns are named as headers are compared (case, spaces, ``_`` and ``-`` do not matter);
the validated value holds the canonical names (``Deals``, ``lost_reason``). Refused, each with its
path (``columns.Deals.owner``): a table or column that does not exist, an empty name, one name for two
columns of a table, and a Deals name that is also a stage (a column of that name is the stage's date).
How the names are used: :func:`kpi_xl.tables.headers.match_headers`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from kpi_xl.config.mistakes import mistakes


def _one_or_more(value: Any) -> Any:
    """One name is a list of one (a number too: it is then refused as not being text)."""
    return [value] if isinstance(value, (str, int, float)) else value


HeaderNames = Annotated[list[str], BeforeValidator(_one_or_more)]


def check_columns(columns: dict[str, dict[str, list[str]]], stages: list | None) -> dict[str, dict[str, list[str]]]:
    """The ``columns:`` section with canonical table and column names; every mistake at once.

    ``stages`` are the validated stages (None when they have mistakes of their own)."""
    # the table layer's spec; imported here because kpi_xl.tables imports the config
    from kpi_xl.tables.headers import TABLES, field_name, normalize, table_name

    found: list[tuple[str | None, str, dict]] = []
    stage_of = {normalize(label): stage.name for stage in stages or () for label in [stage.name, *stage.aliases]}
    checked: dict[str, dict[str, list[str]]] = {}
    given_as: dict[str, str] = {}  # canonical table → the name it was given as
    for given_table, fields in columns.items():
        table = table_name(given_table)
        if table is None:
            found.append((f"columns.{given_table}", "columns_table", {"table": given_table,
                                                                       "known": ", ".join(TABLES)}))
            continue
        if table in given_as:
            found.append((f"columns.{given_table}", "given_twice", {"name": given_table,
                                                                     "other": given_as[table]}))
            continue
        given_as[table] = given_table
        checked[table] = {}
        field_as: dict[str, str] = {}
        owner_of: dict[str, str] = {}  # a name's key → the column it was given for
        for given_field, names in fields.items():
            path = f"columns.{given_table}.{given_field}"
            field = field_name(table, given_field)
            if field is None:
                found.append((path, "columns_field", {"field": given_field, "table": table,
                                                      "known": ", ".join(c.name for c in TABLES[table])}))
                continue
            if field in field_as:
                found.append((path, "given_twice", {"name": given_field, "other": field_as[field]}))
                continue
            field_as[field] = given_field
            kept: list[str] = []
            for name in names:
                key = normalize(name)
                if not key:
                    found.append((path, "empty_text", {}))
                elif owner_of.get(key, field) != field:
                    found.append((path, "columns_twice", {"name": name, "other": owner_of[key]}))
                elif table == "Deals" and key in stage_of:
                    found.append((path, "columns_stage", {"name": name, "stage": stage_of[key], "field": field}))
                elif key not in owner_of:
                    owner_of[key] = field
                    kept.append(name)
            checked[table][field] = kept
    if found:
        raise mistakes(found)
    return checked
