"""Where each Excel Table sits (its sheet and range), read from the table parts without inflating a sheet."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kpi_xl.workbook.package import parse_part, relationships, sheet_parts
from kpi_xl.workbook.sheet_xml import cell_index

__all__ = ["TablePlace", "table_places"]


@dataclass(frozen=True)
class TablePlace:
    """Where an Excel Table sits: its sheet and its range, 0-based (``top`` is the header row)."""

    sheet: str
    top: int
    left: int
    bottom: int
    right: int

    def holds_data_cell(self, row: int, col: int) -> bool:
        return self.top < row <= self.bottom and self.left <= col <= self.right


def table_places(path: Path) -> dict[str, TablePlace]:
    """Table name (and display name) → its sheet and range, from the table parts and the sheets' rels.

    Read from the package, so nothing inflates a sheet: python-calamine's
    ``get_table_by_name`` would parse the whole sheet just to say where a table is.
    """
    places: dict[str, TablePlace] = {}
    with zipfile.ZipFile(path) as archive:
        names = set(archive.NameToInfo)
        for sheet, part in sheet_parts(archive).items():
            for kind, table_part in relationships(archive, part).values():
                if kind.endswith("/table") and table_part in names:
                    _add_place(places, sheet, parse_part(archive, table_part))
    return places


def _add_place(places: dict[str, TablePlace], sheet: str, table) -> None:
    ref = re.fullmatch(r"\$?([A-Za-z]+)\$?(\d+)(?::\$?([A-Za-z]+)\$?(\d+))?", table.get("ref", ""))
    if not ref:
        return
    top, left = cell_index(ref.group(1) + ref.group(2))
    bottom, right = cell_index(ref.group(3) + ref.group(4)) if ref.group(3) else (top, left)
    for key in ("name", "displayName"):
        if key in table.attrib:
            places.setdefault(table.get(key), TablePlace(sheet, top, left, bottom, right))
