"""What the ``kpi-xl`` command says in the terminal: its steps, the KPI table's headings, the check's lines.

Said in the config's language once the config is read; a code that is said before (a broken config, an
interruption before the config was read) goes through ``both_languages``.
"""

CONSOLE_MESSAGES: dict[str, dict[str, str]] = {
    # the steps, each with a spinner and then its duration
    "cli.step.sample": {"nl": "Voorbeeldbedrijf maken", "en": "Building the sample company"},
    "cli.step.refresh": {"nl": "Vernieuwen {name}", "en": "Refreshing {name}"},
    "cli.step.check": {"nl": "Controleren {name}", "en": "Checking {name}"},
    "cli.step.pdf": {"nl": "PDF maken", "en": "Exporting PDF"},
    # after a step
    "cli.new_workbook": {"nl": "Nieuwe werkmap: {path}", "en": "New workbook: {path}"},
    "cli.workbook": {"nl": "Werkmap: {path}", "en": "Workbook: {path}"},
    "cli.new_built": {
        "nl": "opgebouwd volgens de configuratie {config}: fasen {stages}; soorten activiteit {types}",
        "en": "built from the config {config}: stages {stages}; activity types {types}",
    },
    "cli.new_copied": {
        "nl": "een kopie van het sjabloon (de configuratie {config} is de standaardconfiguratie)",
        "en": "a copy of the template (the config {config} is the default one)",
    },
    "cli.new_config_written": {"nl": "configuratie naast de werkmap gezet: {path}",
                               "en": "config put next to the workbook: {path}"},
    "cli.new_config_there": {"nl": "de configuratie naast de werkmap is al deze: {path}",
                             "en": "the config next to the workbook is already this one: {path}"},
    "cli.new_config_backup": {"nl": "de vorige {name} is bewaard als {backup}",
                              "en": "the previous {name} was kept as {backup}"},
    "cli.config_used": {"nl": "configuratie: {path}", "en": "config: {path}"},
    "cli.config_ok": {"nl": "configuratie in orde: {path}", "en": "config OK: {path}"},
    "cli.export_what": {"nl": "Zeg wat er geëxporteerd moet worden, bijvoorbeeld --pdf",
                        "en": "Say what to export, e.g. --pdf"},
    "cli.error": {"nl": "Fout", "en": "Error"},
    "cli.not_changed": {"nl": "de werkmap is niet gewijzigd", "en": "the workbook was not changed"},
    "cli.interrupted_unchanged": {"nl": "Onderbroken; de werkmap is ongewijzigd",
                                  "en": "Interrupted; the workbook is unchanged"},
    "cli.interrupted_written": {"nl": "Onderbroken; de werkmap is al vernieuwd",
                                "en": "Interrupted; the workbook was already refreshed"},
    # kpi-xl check
    "check.none": {"nl": "Geen dataproblemen.", "en": "No data problems."},
    "check.per_kind": {"nl": "Per tabel, kolom en soort probleem:", "en": "Per table, column and kind of problem:"},
    "check.first": {"nl": "De eerste {count}:", "en": "The first {count}:"},
    "check.more": {"nl": "… en nog {count} (na een vernieuwing staan ze op het blad Checks)",
                   "en": "… and {count} more (Checks lists them after a refresh)"},
    "check.stages": {"nl": "Fasen:", "en": "Stages:"},
    "check.stage_without_dates": {
        "nl": "fase '{stage}' heeft geen datumkolom in Deals (en er is geen tabel StageHistory); de tijd in die "
              "fase en de conversie ernaar zijn niet te berekenen",
        "en": "stage '{stage}' has no date column in Deals (and there is no StageHistory table); the time in that "
              "stage and the conversion to it cannot be computed",
    },
    "check.unknown_stage_deals.one": {"nl": "fase '{stage}' staat niet in de config: {count} deal ({rows})",
                                      "en": "stage '{stage}' is not in the config: {count} deal ({rows})"},
    "check.unknown_stage_deals.many": {"nl": "fase '{stage}' staat niet in de config: {count} deals ({rows})",
                                       "en": "stage '{stage}' is not in the config: {count} deals ({rows})"},
    "check.unknown_stage_rows.one": {
        "nl": "fase '{stage}' staat niet in de config: {count} rij in {table} ({rows})",
        "en": "stage '{stage}' is not in the config: {count} row in {table} ({rows})",
    },
    "check.unknown_stage_rows.many": {
        "nl": "fase '{stage}' staat niet in de config: {count} rijen in {table} ({rows})",
        "en": "stage '{stage}' is not in the config: {count} rows in {table} ({rows})",
    },
    "check.rows.one": {"nl": "rij {rows}", "en": "row {rows}"},
    "check.rows.many": {"nl": "rijen {rows}", "en": "rows {rows}"},
    "problems.one": {"nl": "{count} dataprobleem", "en": "{count} data problem"},
    "problems.many": {"nl": "{count} dataproblemen", "en": "{count} data problems"},
    # the table of the five KPIs
    "console.title": {"nl": "De vijf KPI's — {month} (peildatum {as_of})",
                      "en": "The five KPIs — {month} (as of {as_of})"},
    "console.kpi": {"nl": "KPI", "en": "KPI"},
    "console.value": {"nl": "Waarde", "en": "Value"},
    "console.target": {"nl": "Doel", "en": "Target"},
    "console.share": {"nl": "% doel", "en": "% of target"},
    "console.previous": {"nl": "Vorige maand", "en": "Previous month"},
    "console.suggested": {"nl": "Voorstel doel", "en": "Suggested target"},
    "console.far_off": {"nl": "! = het doel ligt ver buiten wat de afgelopen maanden gehaald is",
                        "en": "! = the target is far beyond anything reached in recent months"},
    "console.coverage": {
        "nl": "Pijplijn tegenover het omzetdoel van {quarter} ({target}, gewonnen {won}): "
              "dekking {coverage} · verwacht {expected}",
        "en": "Pipeline against the won-revenue target of {quarter} ({target}, won {won}): "
              "coverage {coverage} · expected {expected}",
    },
}
