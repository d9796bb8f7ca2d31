"""A StageHistory sheet with its Excel Table, for a workbook that has none when an import brings stage changes.

The sheet goes after the Customers sheet; its Table (deal_id, stage, date) takes the styles the Deals table's
columns use (a text column's and a date column's, so the date shows as a date) and the Deals table's look.
Changed are only the workbook part (one ``<sheet>``; the sheet positions after it shifted), its rels,
``[Content_Types].xml`` and the sheet titles in ``docProps/app.xml``; the sheet, its rels and the table
part are new. The rows themselves are written like every imported table's.
"""

from __future__ import annotations

import re
import zipfile
from html import escape, unescape

from kpi_xl.errors import KpiError
from kpi_xl.messages import both_languages
from kpi_xl.tables.headers import normalize
from kpi_xl.workbook.add_sheet import (
    WORKSHEET_CONTENT,
    WORKSHEET_TYPE,
    _before_close,
    _free_id,
    sheet_inserted,
    sheet_names,
)
from kpi_xl.workbook.package import REL_NS, PackageLayout
from kpi_xl.workbook.table_sheet import SheetScan, TableSpot, _column_styles

NAME = "StageHistory"
COLUMNS = ("deal_id", "stage", "date")
TABLE_TYPE = f"{REL_NS}/table"
TABLE_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STYLE_INFO = re.compile(r"<(?:[\w.-]+:)?tableStyleInfo\b[^>]*?/>")
_DEFAULT_STYLE = ('<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
                  'showRowStripes="1" showColumnStripes="0"/>')


def add_stage_history(src: zipfile.ZipFile, package: PackageLayout, spots: dict[str, TableSpot]
                      ) -> tuple[dict[str, bytes], TableSpot, SheetScan]:
    """(part → bytes: the changed parts and the new rels and table parts; the new Table; its sheet's scan).

    A sheet or defined name StageHistory that is not this table (a user's own sheet) is refused: two
    sheets, or a table and a name, may not share it."""
    workbook_xml = src.read(package.workbook).decode("utf-8-sig")
    names = re.findall(r"""<(?:[\w.-]+:)?definedName\b[^>]*?\bname\s*=\s*["']([^"']*)["']""", workbook_xml)
    if any(n.casefold() == NAME.casefold() for n in [*package.sheets, *map(unescape, names)]):
        raise KpiError(both_languages("import_stage_history_taken"))
    text_style, date_style, look = _looks(src, spots.get("Deals"))
    folder = package.workbook.rsplit("/", 1)[0] if "/" in package.workbook else ""
    wb_file = package.workbook.rsplit("/", 1)[-1]
    rels_part = f"{folder}/_rels/{wb_file}.rels" if folder else f"_rels/{wb_file}.rels"
    taken = set(src.namelist())
    sheet_part = _free(taken, f"{folder}/worksheets/sheet{{}}.xml".lstrip("/"))
    table_part = _free(taken, f"{folder}/tables/table{{}}.xml".lstrip("/"))
    sheet_file = sheet_part.rsplit("/", 1)[-1]
    sheet_rels = sheet_part.rsplit("/", 1)[0] + f"/_rels/{sheet_file}.rels"
    table_id = max((s.table_id for s in spots.values()), default=0) + 1

    rels = src.read(rels_part).decode("utf-8-sig")
    rid = _free_id(rels)
    target = sheet_part[len(folder) + 1:] if folder else sheet_part
    rels = _before_close(rels, "Relationships", f'<Relationship Id="{rid}" Type="{WORKSHEET_TYPE}" Target="{target}"/>')
    types = src.read("[Content_Types].xml").decode("utf-8-sig")
    for part, content in ((sheet_part, WORKSHEET_CONTENT), (table_part, TABLE_CONTENT)):
        types = _before_close(types, "Types", f'<Override PartName="/{part}" ContentType="{content}"/>')
    anchor = spots["Customers"].sheet if "Customers" in spots else "Customers"
    workbook = _insert_sheet(workbook_xml, rid, anchor)
    changed = {package.workbook: workbook.encode("utf-8"), rels_part: rels.encode("utf-8"),
               "[Content_Types].xml": types.encode("utf-8")}
    if "docProps/app.xml" in taken:
        app = _app_titles(src.read("docProps/app.xml").decode("utf-8-sig"), anchor)
        if app is not None:
            changed["docProps/app.xml"] = app.encode("utf-8")
    changed[sheet_rels] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
                           '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                           f'Type="{TABLE_TYPE}" Target="../tables/{table_part.rsplit("/", 1)[-1]}"/>'
                           '</Relationships>').encode()
    columns = "".join(f'<tableColumn id="{i + 1}" name="{c}"/>' for i, c in enumerate(COLUMNS))
    changed[table_part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                           f'<table xmlns="{MAIN}" id="{table_id}" name="{NAME}" displayName="{NAME}" ref="A1:C2" '
                           f'totalsRowShown="0"><autoFilter ref="A1:C2"/><tableColumns count="{len(COLUMNS)}">'
                           f'{columns}</tableColumns>{look}</table>').encode()
    styles = (text_style, text_style, date_style)
    s = [f' s="{x}"' if x else "" for x in styles]
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}"{s[i].replace(" s=", " style=")} customWidth="1"/>'
                   for i, w in enumerate((12.7109375, 15.7109375, 12.7109375)))
    head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{REL_NS}"><dimension ref="A1:C1"/><sheetViews>'
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols>')
    header = "".join(f'<c r="{chr(65 + i)}1"{s[i]} t="inlineStr"><is><t>{c}</t></is></c>'
                     for i, c in enumerate(COLUMNS))
    tail = ('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')
    scan = SheetScan(head.encode("utf-8"), b"<sheetData>", "", [f'<row r="1">{header}</row>'.encode()], 0,
                     {}, [(i, i, x) for i, x in enumerate(styles) if x], {}, tail.encode("utf-8"), (0, 0, 0, 2))
    spot = TableSpot(NAME, NAME, sheet_part, table_part, 0, 0, 1, 2, list(COLUMNS), table_id, False)
    return changed, spot, scan


def _free(taken: set[str], pattern: str) -> str:
    number = 1
    while pattern.format(number) in taken:
        number += 1
    return pattern.format(number)


def _looks(src: zipfile.ZipFile, deals: TableSpot | None) -> tuple[str, str, str]:
    """(a text column's style, a date column's style, the table style element) as the Deals table has them."""
    if deals is None:
        return "", "", _DEFAULT_STYLE
    with src.open(deals.sheet_part) as reader:
        head = reader.read(1 << 16)  # the <cols> come before the rows
    styles = {low: style for low, high, style in _column_styles(head) for low in range(low, high + 1)}
    keys = [normalize(h) for h in deals.headers]
    text = styles.get(deals.left + keys.index("deal id"), "") if "deal id" in keys else ""
    date = styles.get(deals.left + keys.index("created"), "") if "created" in keys else ""
    look = _STYLE_INFO.search(src.read(deals.table_part).decode("utf-8-sig"))
    info = re.sub(r"^<[\w.-]+:", "<", look.group(0)) if look else _DEFAULT_STYLE
    return text, date, info


def _insert_sheet(workbook: str, rid: str, anchor: str) -> str:
    """The workbook part with a ``<sheet>`` StageHistory after ``anchor`` (else after the last sheet)."""
    names = sheet_names(workbook)
    return sheet_inserted(workbook, NAME, rid, names.index(anchor) if anchor in names else len(names) - 1)[0]


def _app_titles(app: str, anchor: str) -> str | None:
    """docProps/app.xml with the new sheet's title after ``anchor`` and one worksheet more; None when its
    layout is not the usual one (Excel rewrites it on save; nothing reads it)."""
    title = re.search(rf"<((?:[\w.-]+:)?)lpstr>{re.escape(escape(anchor, quote=False))}</\1lpstr>", app)
    titles = re.search(r"""(<(?:[\w.-]+:)?TitlesOfParts>\s*<(?:[\w.-]+:)?vector\b[^>]*\bsize=")(\d+)(")""", app)
    count = re.search(r"(<((?:[\w.-]+:)?)lpstr>Worksheets</\2lpstr>\s*</(?:[\w.-]+:)?variant>\s*"
                      r"<(?:[\w.-]+:)?variant>\s*<(?:[\w.-]+:)?i4>)(\d+)(<)", app)
    if not (title and titles and count) or not titles.start() < title.start():
        return None
    p = title.group(1)
    app = app[: title.end()] + f"<{p}lpstr>{NAME}</{p}lpstr>" + app[title.end():]
    app = app[: titles.start(2)] + str(int(titles.group(2)) + 1) + app[titles.end(2):]
    return app[: count.start(3)] + str(int(count.group(3)) + 1) + app[count.end(3):]
