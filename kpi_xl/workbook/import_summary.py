"""What ``kpi-xl import`` says after the import: per table the rows and their files, the CRM values the
config does not know (with what to add to kpi.yaml), the first problems one by one, the columns not
written or left empty; then where the previous workbook is. Plain lines in the config's language."""

from __future__ import annotations

from kpi_xl.messages import counted, text
from kpi_xl.report.numbers import number
from kpi_xl.workbook.import_file import ImportOutcome

SHOWN = 20           # problems said one by one per table; the rest are counted
UNMAPPED_SHOWN = 20  # unknown values per table said one by one
CRM_NAMES = {"hubspot": "HubSpot", "pipedrive": "Pipedrive", "salesforce": "Salesforce",
             "teamleader": "Teamleader Focus"}
INDENT, DETAIL = "  ", "      "


def summary_lines(outcome: ImportOutcome, language: str, shown: int = SHOWN) -> list[str]:
    """Every line of the import's summary, in ``language``."""
    result, name = outcome.result, outcome.workbook.name
    crm = result.crm
    lines = [text("import.from_crm", language, crm=CRM_NAMES.get(crm, crm), name=name) if crm
             else text("import.from_own", language, name=name)]
    for table in outcome.tables():
        lines += _table_lines(outcome, table, language, shown)
    if outcome.backup is not None:
        lines.append(text("import.backup", language, backup=outcome.backup.name))
    return lines


def _table_lines(outcome: ImportOutcome, table: str, language: str, shown: int) -> list[str]:
    result, write = outcome.result, outcome.writes[table]
    files = [f for f in result.files if f.table == table]
    problems = [p for p in result.problems if p.table == table]
    unmapped = [u for u in result.unmapped if u.table == table]
    head = counted("import.table_rows", write.rows, language, table=table, count=number(write.rows, language))
    if files:
        head += " " + text("import.from_files", language, files=_files(files, language))
    head += "; " + (counted("import.problems", len(problems), language, count=number(len(problems), language))
                    if problems else text("import.no_problems", language))
    lines = [INDENT + head]
    if unmapped:
        lines.append(DETAIL + text("import.unmapped_head", language, count=number(len(unmapped), language)))
        ordered = sorted(unmapped, key=lambda u: (-u.count, u.kind, u.value))
        lines += [DETAIL + "  " + _unmapped(u, language) for u in ordered[:UNMAPPED_SHOWN]]
        if len(ordered) > UNMAPPED_SHOWN:
            more = number(len(ordered) - UNMAPPED_SHOWN, language)
            lines.append(DETAIL + "  " + text("import.unmapped_more", language, count=more))
    if problems:
        first = problems[:shown]
        lines.append(DETAIL + text("import.problems_head", language, count=number(len(first), language)))
        lines += [DETAIL + "  " + p.message(language) for p in first]
        if len(problems) > len(first):
            more = number(len(problems) - len(first), language)
            lines.append(DETAIL + "  " + text("import.problems_more", language, count=more))
    if write.not_written:
        lines.append(DETAIL + text("import.not_written", language, columns=", ".join(write.not_written)))
    if write.left_empty:
        lines.append(DETAIL + text("import.left_empty", language, columns=", ".join(write.left_empty)))
    return lines


def _files(files, language: str) -> str:
    """``deals.csv`` for one file; ``a.csv (12.000), b.csv (8.000)`` for several."""
    if len(files) == 1:
        return files[0].path.name
    return ", ".join(f"{f.path.name} ({number(f.rows, language)})" for f in files)


def _unmapped(value, language: str) -> str:
    kind_code = f"import.kind.{value.kind}"
    try:
        kind = text(kind_code, language)
    except KeyError:
        kind = value.kind
    rows = ", ".join(str(r) for r in value.first_rows)
    return text("import.unmapped", language, kind=kind, value=value.value, count=number(value.count, language),
                rows=rows, advice=value.message(language))


__all__ = ["SHOWN", "summary_lines"]
