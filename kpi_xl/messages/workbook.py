"""Messages about the workbook file: checked before it is read, and writing it."""

WORKBOOK_MESSAGES: dict[str, dict[str, str]] = {
    # the workbook file itself (checked before it is read)
    "package_entries": {
        "nl": "het bestand bevat {count} onderdelen (meer dan {limit}); het wordt niet geopend",
        "en": "the file holds {count} parts (more than {limit}); it is not opened",
    },
    "package_size": {
        "nl": "het bestand is uitgepakt {size} groot (meer dan {limit}); het wordt niet geopend",
        "en": "the file unpacks to {size} (more than {limit}); it is not opened",
    },
    "package_ratio": {
        "nl": "onderdeel {part} pakt uit tot {size} ({ratio}× zo groot, meer dan {limit}×): "
              "een zip-bom of een beschadigd bestand; het wordt niet geopend",
        "en": "part {part} unpacks to {size} ({ratio}× its packed size, more than {limit}×): "
              "a zip bomb or a damaged file; it is not opened",
    },
    "sheet_damaged": {
        "nl": "blad '{sheet}' kan niet gelezen worden ({reason}): het bestand is beschadigd. "
              "Open het in Excel en sla het opnieuw op, of neem de vorige versie",
        "en": "sheet '{sheet}' cannot be read ({reason}): the file is damaged. "
              "Open it in Excel and save it again, or use the previous version",
    },
    "package_doctype": {
        "nl": "onderdeel {part} bevat een DOCTYPE- of ENTITY-declaratie, die Excel nooit schrijft "
              "(mogelijk een XML-bom); het bestand wordt niet geopend. Sla het opnieuw op vanuit Excel",
        "en": "part {part} holds a DOCTYPE or ENTITY declaration, which Excel never writes "
              "(possibly an XML bomb); the file is not opened. Save it again from Excel",
    },
    # writing the workbook
    "open_elsewhere": {
        "nl": "{name} is geopend in Excel of LibreOffice (vergrendelbestand {lock}); sluit het en probeer opnieuw, "
              "of gebruik de knop Vernieuwen in Excel",
        "en": "{name} is open in Excel (lock file {lock}); close it and try again, "
              "or use the Refresh button inside Excel (LibreOffice: close the file there)",
    },
    "read_only": {
        "nl": "{name} kan niet geschreven worden (bestand of map is alleen-lezen); er is niets gewijzigd",
        "en": "{name} cannot be written (read-only file or folder); nothing was changed",
    },
    # an import writing the data tables
    "import_no_table": {
        "nl": "{name} heeft geen Excel-tabel met de naam {table}; maak een nieuwe werkmap (kpi-xl new) of geef "
              "de tabel op het blad die naam (Tabelontwerp > Tabelnaam). Er is niets gewijzigd",
        "en": "{name} has no Excel Table named {table}; make a new workbook (kpi-xl new) or give the table on "
              "its sheet that name (Table Design > Table Name). Nothing was changed",
    },
    "import_changed_meanwhile": {
        "nl": "{name} is door een ander programma (bijvoorbeeld OneDrive, Dropbox of Excel) gewijzigd terwijl de "
              "import liep; er is niets geschreven en die wijziging blijft bewaard. Importeer opnieuw",
        "en": "{name} was changed by another program (for example OneDrive, Dropbox or Excel) while the import "
              "ran; nothing was written and that change is kept. Import again",
    },
    "import_totals_row": {
        "nl": "de tabel {table} heeft een totaalrij; zet die uit (Tabelontwerp > Totaalrij) en importeer opnieuw. "
              "Er is niets gewijzigd",
        "en": "the table {table} has a total row; turn it off (Table Design > Total Row) and import again. "
              "Nothing was changed",
    },
    "import_no_header_row": {
        "nl": "de tabel {table} heeft geen kopregel; zet die aan (Tabelontwerp > Kopregel) en importeer opnieuw. "
              "Er is niets gewijzigd",
        "en": "the table {table} has no header row; turn it on (Table Design > Header Row) and import again. "
              "Nothing was changed",
    },
    "import_stage_history_taken": {
        "nl": "de werkmap heeft een blad of naam StageHistory zonder Excel-tabel StageHistory; maak er een tabel "
              "met die naam van (kolommen deal_id, stage, date) of geef het blad een andere naam. "
              "Er is niets gewijzigd",
        "en": "the workbook has a sheet or name StageHistory without an Excel Table StageHistory; make it a table of "
              "that name (columns deal_id, stage, date) or rename the sheet. Nothing was changed",
    },
    "import_shared_sheet": {
        "nl": "de tabel {table} deelt blad '{sheet}' met de tabel {other} in dezelfde kolommen; zet {other} op een "
              "eigen blad en importeer opnieuw. Er is niets gewijzigd",
        "en": "the table {table} shares sheet '{sheet}' with the table {other} in the same columns; move {other} "
              "to a sheet of its own and import again. Nothing was changed",
    },
    "changed_meanwhile": {
        "nl": "{name} is door een ander programma (bijvoorbeeld OneDrive, Dropbox of Excel) gewijzigd terwijl de "
              "vernieuwing liep; er is niets geschreven en die wijziging blijft bewaard. Vernieuw opnieuw",
        "en": "{name} was changed by another program (for example OneDrive, Dropbox or Excel) while the refresh "
              "ran; nothing was written and that change is kept. Refresh again",
    },
    "part_damaged": {
        "nl": "onderdeel {part} van het bestand is geen geldige XML ({reason}): het bestand is beschadigd. "
              "Open het in Excel en sla het opnieuw op, of neem de vorige versie",
        "en": "part {part} of the file is not valid XML ({reason}): the file is damaged. "
              "Open it in Excel and save it again, or use the previous version",
    },
    # a workbook whose Dashboard still has an earlier template's layout (its cells now hold the new page)
    "earlier_dashboard": {
        "nl": "het Dashboard van {name} heeft nog de opmaak van een eerdere versie: de getallen kloppen, maar de "
              "pagina leest pas goed in een nieuwe werkmap. Maak er een met 'kpi-xl new' en kopieer uw vier "
              "tabellen erin",
        "en": "the Dashboard of {name} still has an earlier version's layout: the numbers are right, but the page "
              "only reads well in a new workbook. Make one with 'kpi-xl new' and copy your four tables into it",
    },
    # kpi-xl new: a new workbook and the kpi.yaml beside it
    "new.suffix": {
        "nl": "{name}: gebruik de extensie .xlsm (de werkmap bevat de macro van de knop Vernieuwen)",
        "en": "{name}: use the .xlsm extension (the workbook carries the Refresh macro)",
    },
    "new.exists": {
        "nl": "{path} bestaat al; kies een andere naam, verwijder het eerst of gebruik --force",
        "en": "{path} already exists; choose another name, remove it first or use --force",
    },
    "new.no_vba": {
        "nl": "de code van de knop Vernieuwen komt uit xlwings {version}, dat niet geïnstalleerd is; installeer "
              "het (pip install -c requirements.lock .) en probeer opnieuw",
        "en": "the Refresh button's code comes from xlwings {version}, which is not installed; install it "
              "(pip install -c requirements.lock .) and try again",
    },
    "new.config_differs": {
        "nl": "naast de werkmap staat al {beside}, en die verschilt van de configuratie {config} waarmee de "
              "werkmap gemaakt zou worden; er is niets geschreven. Gebruik --config {beside} om die te gebruiken, "
              "of --force om hem te bewaren als {backup} en {config} ernaast te zetten",
        "en": "{beside} is already next to the workbook and differs from the config {config} the workbook would "
              "be made with; nothing was written. Use --config {beside} to use that one, or --force to keep it "
              "as {backup} and put {config} next to the workbook",
    },
    "new.stage_is_a_column": {
        "nl": "de fase {stages} heeft dezelfde naam als een vaste kolom van Deals ({columns}); geef de fase in de "
              "configuratie een andere naam (de oude naam kan als alias blijven staan)",
        "en": "the stage {stages} has the name of a fixed column of Deals ({columns}); give the stage another "
              "name in the config (the old name can stay as an alias)",
    },
    "new.dropdown_left_out": {
        "nl": "kolom '{column}' van {sheet} heeft geen keuzelijst: Excel houdt in een keuzelijst hoogstens 255 "
              "tekens en geen komma of aanhalingsteken in een waarde ({values})",
        "en": "column '{column}' of {sheet} has no drop-down: Excel holds at most 255 characters in a drop-down "
              "list and no comma or double quote in a value ({values})",
    },
    # the data sheets' drop-downs (their warning when a value is not in the list)
    "validation.stage.title": {"nl": "Fase", "en": "Stage"},
    "validation.stage": {"nl": "Deze fase staat niet in de config.", "en": "This stage is not in the config."},
    "validation.type.title": {"nl": "Type", "en": "Type"},
    "validation.type": {"nl": "Dit type staat niet in de config en telt als 0 punten.",
                        "en": "This type is not in the config and scores 0 points."},
    "validation.yes": {"nl": "ja", "en": "yes"},
    "validation.no": {"nl": "nee", "en": "no"},
}
