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
MORE = "import.more"  # the reader's problem that counts the rest of a kind in a column


def summary_lines(outcome: ImportOutcome, language: str, shown: int = SHOWN) -> list[str]:
    """Every line of the import's summary, in ``language``."""
    result, name = outcome.result, outcome.workbook.name
    crm = result.crm
    lines = [text("cli.import.from_crm", language, crm=CRM_NAMES.get(crm, crm), name=name) if crm
             else text("cli.import.from_own", language, name=name)]
    for table in outcome.tables():
        lines += _table_lines(outcome, table, language, shown)
    if outcome.backup is not None:
        lines.append(text("cli.import.backup", language, backup=outcome.backup.name))
    return lines


def _table_lines(outcome: ImportOutcome, table: str, language: str, shown: int) -> list[str]:
    result, write = outcome.result, outcome.writes[table]
    files = [f for f in result.files if f.table == table]
    problems = [p for p in result.problems if p.table == table]
    unmapped = [u for u in result.unmapped if u.table == table]
    head = counted("cli.import.table_rows", write.rows, language, table=table, count=number(write.rows, language))
    if files:
        head += " " + text("cli.import.from_files", language, files=_files(files, language))
    total = bad_values(problems)
    head += "; " + (counted("cli.import.problems", total, language, count=number(total, language))
                    if problems else text("cli.import.no_problems", language))
    lines = [INDENT + head]
    if unmapped:
        ordered = sorted(unmapped, key=lambda u: (-u.count, u.kind, u.value))
        lines.append(DETAIL + counted("cli.import.unmapped_head", len(ordered), language,
                                      count=number(len(ordered), language)))
        lines += [DETAIL + "  " + u.message(language) for u in ordered[:UNMAPPED_SHOWN]]
        if len(ordered) > UNMAPPED_SHOWN:
            more = number(len(ordered) - UNMAPPED_SHOWN, language)
            lines.append(DETAIL + "  " + text("cli.import.unmapped_more", language, count=more))
    if problems:
        first = problems[:shown]
        lines.append(DETAIL + text("cli.import.problems_head", language, count=number(len(first), language)))
        lines += [DETAIL + "  " + p.message(language) for p in first]
        rest = bad_values(problems[shown:])
        if rest:
            lines.append(DETAIL + "  " + text("cli.import.problems_more", language, count=number(rest, language)))
    if write.not_written:
        lines.append(DETAIL + text("cli.import.not_written", language, columns=", ".join(write.not_written)))
    if write.left_empty:
        lines.append(DETAIL + text("cli.import.left_empty", language, columns=", ".join(write.left_empty)))
    return lines


def bad_values(problems) -> int:
    """How many bad values ``problems`` stand for: the reader lists the first of a kind in a column one by
    one and counts the rest in one problem without a row (code ``import.more``, ``params['count']``)."""
    return sum(p.params.get("count", 1) if p.row is None and p.code == MORE else 1 for p in problems)


def _files(files, language: str) -> str:
    """``deals.csv`` for one file; ``a.csv (12.000), b.csv (8.000)`` for several."""
    if len(files) == 1:
        return files[0].path.name
    return ", ".join(f"{f.path.name} ({number(f.rows, language)})" for f in files)


__all__ = ["SHOWN", "bad_values", "summary_lines"]
