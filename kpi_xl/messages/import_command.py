"""Messages of ``kpi-xl import``: what was read from the CRM's export files, what was written into the
workbook's tables, and why nothing was.

The texts of one bad value or one CRM value the config does not know are the reader's (``kpi_xl.importing``);
these are the command's own: the refusals before anything is read, and the summary per table.
"""

IMPORT_MESSAGES: dict[str, dict[str, str]] = {
    # refused before the files are read (the workbook is not changed)
    "cli.import.no_files": {
        "nl": "geef een of meer exportbestanden om te importeren (CSV of XLSX)",
        "en": "give one or more export files to import (CSV or XLSX)",
    },
    "cli.import.file_missing": {
        "nl": "exportbestand niet gevonden: {path}; de werkmap is niet gewijzigd",
        "en": "export file not found: {path}; the workbook was not changed",
    },
    "cli.import.workbook_missing": {
        "nl": "werkmap niet gevonden: {path}; maak er een met kpi-xl new {path}",
        "en": "workbook not found: {path}; make one with kpi-xl new {path}",
    },
    "cli.import.same_file": {
        "nl": "{path} is de werkmap zelf; geef de exportbestanden van uw CRM",
        "en": "{path} is the workbook itself; give the export files of your CRM",
    },
    "cli.import.nothing": {
        "nl": "niets te importeren: {files} bevat geen enkele rij voor Leads, Activities, Deals of Customers; "
              "de werkmap is niet gewijzigd",
        "en": "nothing to import: {files} holds no row for Leads, Activities, Deals or Customers; "
              "the workbook was not changed",
    },
    # the step and the summary
    "cli.import.step": {"nl": "Importeren in {name}", "en": "Importing into {name}"},
    "cli.import.from_crm": {"nl": "Geïmporteerd uit {crm} in {name}:", "en": "Imported from {crm} into {name}:"},
    "cli.import.from_own": {"nl": "Geïmporteerd (eigen kolomnamen) in {name}:",
                        "en": "Imported (own column names) into {name}:"},
    "cli.import.table_rows.one": {"nl": "{table}: {count} rij", "en": "{table}: {count} row"},
    "cli.import.table_rows.many": {"nl": "{table}: {count} rijen", "en": "{table}: {count} rows"},
    "cli.import.from_files": {"nl": "uit {files}", "en": "from {files}"},
    "cli.import.problems.one": {"nl": "{count} probleem", "en": "{count} problem"},
    "cli.import.problems.many": {"nl": "{count} problemen", "en": "{count} problems"},
    "cli.import.no_problems": {"nl": "geen problemen", "en": "no problems"},
    "cli.import.not_written": {
        "nl": "niet overgenomen (de tabel heeft er geen kolom voor): {columns}",
        "en": "not written (the table has no column for them): {columns}",
    },
    "cli.import.left_empty": {
        "nl": "leeg gelaten (niet in de export): {columns}",
        "en": "left empty (not in the export): {columns}",
    },
    "cli.import.unmapped_head.one": {
        "nl": "{count} waarde die kpi.yaml niet kent:",
        "en": "{count} value kpi.yaml does not know:",
    },
    "cli.import.unmapped_head.many": {
        "nl": "{count} waarden die kpi.yaml niet kent:",
        "en": "{count} values kpi.yaml does not know:",
    },
    "cli.import.problems_head": {"nl": "de eerste {count}:", "en": "the first {count}:"},
    "cli.import.problems_more": {"nl": "… en nog {count}", "en": "… and {count} more"},
    "cli.import.unmapped_more": {"nl": "… en nog {count} waarden", "en": "… and {count} more values"},
    "cli.import.backup": {
        "nl": "De vorige werkmap staat in {backup}",
        "en": "The previous workbook is kept as {backup}",
    },
    "cli.import.not_refreshed": {
        "nl": "Niet vernieuwd (--no-refresh); vernieuw met: kpi-xl refresh {path}",
        "en": "Not refreshed (--no-refresh); refresh with: kpi-xl refresh {path}",
    },
    "cli.import.refresh_failed": {
        "nl": "De gegevens zijn wel geïmporteerd (vorige werkmap: {backup}); vernieuw na het herstel met: "
              "kpi-xl refresh {path}",
        "en": "The data was imported all the same (previous workbook: {backup}); after the fix, refresh with: "
              "kpi-xl refresh {path}",
    },
    "cli.import.interrupted": {
        "nl": "Onderbroken; de gegevens zijn al geïmporteerd (vorige werkmap: {backup}), maar de werkmap is "
              "niet vernieuwd: kpi-xl refresh {path}",
        "en": "Interrupted; the data was already imported (previous workbook: {backup}), but the workbook was "
              "not refreshed: kpi-xl refresh {path}",
    },
}
