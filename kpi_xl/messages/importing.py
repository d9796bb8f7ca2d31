"""Messages of the import of CRM exports and the user's own files (:mod:`kpi_xl.importing`)."""

IMPORTING_MESSAGES: dict[str, dict[str, str]] = {
    # the import: section of kpi.yaml
    "cfg.import_crm": {"nl": "onbekend CRM '{value}' (bekend: {known})",
                       "en": "unknown CRM '{value}' (known: {known})"},
    "cfg.import_kind": {"nl": "onbekende soort export '{value}' (bekend: {known})",
                        "en": "unknown kind of export '{value}' (known: {known})"},
    "cfg.import_field": {"nl": "onbekend veld '{value}' (bekend: {known})",
                         "en": "unknown field '{value}' (known: {known})"},
    # files
    "import.not_found": {"nl": "bestand niet gevonden: {path}", "en": "file not found: {path}"},
    "import.unreadable": {"nl": "{path} kan niet gelezen worden: {reason}",
                          "en": "{path} cannot be read: {reason}"},
    "import.empty_file": {"nl": "{path} is leeg (geen kopregel)", "en": "{path} is empty (no header row)"},
    "import.not_recognised": {
        "nl": "{path}: niet herkend als export van {crms} en geen tabel met eigen kolomnamen "
              "(kolommen: {headers}). Noem het bestand naar de tabel (deals.csv, activiteiten.csv, leads.csv, "
              "klanten.csv) of geef de kolommen de namen van de tabel",
        "en": "{path}: not recognised as an export of {crms} nor as a table with its own column names "
              "(columns: {headers}). Name the file after the table (deals.csv, activities.csv, leads.csv, "
              "customers.csv) or give the columns the table's names",
    },
    "import.wrong_crm": {
        "nl": "{path} is geen {crm}-export die we kennen: verwacht een van {expected} (kolommen: {headers})",
        "en": "{path} is not a {crm} export we know: expected one of {expected} (columns: {headers})",
    },
    "import.missing_field": {
        "nl": "{path}: kolom voor '{field}' ontbreekt (verwacht: {expected})",
        "en": "{path}: the column for '{field}' is missing (expected: {expected})",
    },
    "import.unknown_crm": {"nl": "onbekend CRM '{crm}' (bekend: {known})",
                           "en": "unknown CRM '{crm}' (known: {known})"},
    "import.mapping_invalid": {"nl": "de koppeling {path} klopt niet: {reason}",
                               "en": "the mapping {path} is not valid: {reason}"},
    "import.two_crms": {"nl": "de bestanden komen uit verschillende CRM's: {found}",
                        "en": "the files come from different CRMs: {found}"},
    # what stops an import
    "import.pipelines": {
        "nl": "{path}: de export bevat meerdere pipelines ({pipelines}); kies er een in kpi.yaml "
              "(import: pipeline: NAAM)",
        "en": "{path}: the export holds several pipelines ({pipelines}); choose one in kpi.yaml "
              "(import: pipeline: NAME)",
    },
    "import.pipeline_absent": {
        "nl": "{path}: pipeline '{pipeline}' uit kpi.yaml staat niet in de export (wel: {pipelines})",
        "en": "{path}: pipeline '{pipeline}' of kpi.yaml is not in the export (it has: {pipelines})",
    },
    "import.currencies": {
        "nl": "{path}: bedragen in meerdere valuta ({currencies}); bedragen in verschillende valuta tellen we "
              "niet op. Exporteer één valuta per keer",
        "en": "{path}: amounts in several currencies ({currencies}); amounts in different currencies are never "
              "added up. Export one currency at a time",
    },
    # a bad value (ImportProblem)
    "import.bad_date": {"nl": "geen leesbare datum; de cel blijft leeg",
                        "en": "not a readable date; the cell is left empty"},
    "import.bad_number": {"nl": "geen leesbaar getal; de cel blijft leeg",
                          "en": "not a readable number; the cell is left empty"},
    "import.bad_bool": {"nl": "geen ja/nee; de activiteit telt niet als gedaan",
                        "en": "not a yes/no; the activity does not count as done"},
    "import.no_created": {"nl": "deal {id} heeft geen aanmaakdatum; we vullen niets in",
                          "en": "deal {id} has no creation date; nothing is filled in"},
    "import.no_since": {"nl": "klant {id} heeft geen klant-sinds-datum; we vullen niets in",
                        "en": "customer {id} has no customer-since date; nothing is filled in"},
    "import.more": {"nl": "en nog {count} keer hetzelfde in deze kolom",
                    "en": "and {count} more of the same in this column"},
    "import.not_done": {
        "nl": "nog niet gedaan: {count} (activiteiten die niet als gesprek tellen; regels {rows})",
        "en": "not done yet: {count} (activities that do not count as held; lines {rows})",
    },
    "import.date_order_guessed": {
        "nl": "alle datums kunnen dag-maand én maand-dag zijn; gelezen als {order} (zet import: date_order in "
              "kpi.yaml om te kiezen)",
        "en": "every date could be day-month or month-day; read as {order} (set import: date_order in kpi.yaml "
              "to choose)",
    },
    "import.date_order_mixed": {
        "nl": "datums in twee volgordes (dag-maand en maand-dag); gelezen als {order}",
        "en": "dates in two orders (day-month and month-day); read as {order}",
    },
    "import.order.dmy": {"nl": "dag-maand-jaar", "en": "day-month-year"},
    "import.order.mdy": {"nl": "maand-dag-jaar", "en": "month-day-year"},
    # unmapped CRM values
    "import.unmapped.stage": {
        "nl": "fase '{value}' ({count}×, regels {rows}) is geen fase in kpi.yaml; zet hem als alias bij een "
              "fase in kpi.yaml (stages: - name: ... aliases: [{value}])",
        "en": "stage '{value}' ({count}×, lines {rows}) is not a stage of kpi.yaml; add it as an alias of a "
              "stage in kpi.yaml (stages: - name: ... aliases: [{value}])",
    },
    "import.unmapped.activity_type": {
        "nl": "activiteitsoort '{value}' ({count}×, regels {rows}) staat niet in kpi.yaml; zet hem als alias "
              "bij een soort (activity_types: ...: aliases: [{value}])",
        "en": "activity type '{value}' ({count}×, lines {rows}) is not in kpi.yaml; add it as an alias of a "
              "type (activity_types: ...: aliases: [{value}])",
    },
    "import.unmapped.owner": {
        "nl": "gebruiker '{value}' ({count}×, regels {rows}) staat niet onder import: owners: in kpi.yaml; "
              "zo overgenomen",
        "en": "user '{value}' ({count}×, lines {rows}) is not under import: owners: in kpi.yaml; kept as written",
    },
    "import.unmapped.pipeline": {
        "nl": "{count} deals van pipeline '{value}' overgeslagen (regels {rows}); kpi.yaml kiest '{chosen}'",
        "en": "{count} deals of pipeline '{value}' skipped (lines {rows}); kpi.yaml chooses '{chosen}'",
    },
    "import.where": {"nl": "{file}, regel {row}, kolom '{column}'", "en": "{file}, line {row}, column '{column}'"},
    "import.where_file": {"nl": "{file}", "en": "{file}"},
}
