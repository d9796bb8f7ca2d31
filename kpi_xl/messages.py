"""User-facing texts in Dutch (``nl``) and English (``en``).

Every message a director may read (a data problem, a missing column, a
talking point) is looked up here by code, so the Checks sheet, the terminal
and a worksheet cell say the same thing in the config's language.
"""

from __future__ import annotations

LANGUAGES = ("nl", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "row": {"nl": "rij", "en": "row"},
    "column": {"nl": "kolom", "en": "column"},
    # table-level
    "missing_column": {
        "nl": "{table}: kolom '{column}' ontbreekt (gevonden kolommen: {found})",
        "en": "{table}: column '{column}' is missing (columns found: {found})",
    },
    "missing_table": {
        "nl": "{table}: tabel niet gevonden; maak een Excel-tabel met de naam '{table}'",
        "en": "{table}: table not found; make an Excel Table named '{table}'",
    },
    "no_header": {
        "nl": "{table}: geen kopregel gevonden; de eerste rij moet de kolomnamen bevatten",
        "en": "{table}: no header row found; the first row must hold the column names",
    },
    "duplicate_header": {
        "nl": "kolom '{column}' komt twee keer voor (ook als '{other}'); de eerste wordt gebruikt",
        "en": "column '{column}' appears twice (also as '{other}'); the first one is used",
    },
    # cell-level
    "bad_date": {
        "nl": "geen geldige datum; gebruik bijvoorbeeld 31-03-2026 of 2026-03-31",
        "en": "not a valid date; use for example 2026-03-31 or 31-03-2026",
    },
    "bad_money": {
        "nl": "geen geldig bedrag; gebruik een getal zoals 1234,56",
        "en": "not a valid amount; use a number such as 1234.56",
    },
    "negative_money": {
        "nl": "bedrag is negatief",
        "en": "amount is negative",
    },
    "bad_number": {
        "nl": "geen geldig getal",
        "en": "not a valid number",
    },
    "bad_bool": {
        "nl": "gebruik ja/nee (of leeg laten)",
        "en": "use yes/no (or leave it empty)",
    },
    "excel_error": {
        "nl": "Excel-foutwaarde {error}; corrigeer de formule of waarde",
        "en": "Excel error value {error}; fix the formula or value",
    },
    "required_empty": {
        "nl": "verplichte waarde ontbreekt",
        "en": "required value is empty",
    },
    "left_out": {"nl": "de rij telt niet mee", "en": "the row is left out"},
    "left_out_of_amounts": {
        "nl": "de rij telt niet mee in de bedragen",
        "en": "the row is left out of the amounts",
    },
    "closed_without_date": {
        "nl": "deal staat op '{stage}' maar heeft geen datum (kolom '{stage}' of 'closed'); de deal telt niet mee",
        "en": "deal is '{stage}' but has no date (column '{stage}' or 'closed'); the deal is left out",
    },
    "duplicate_id": {
        "nl": "dubbele {column} (ook in rij {first_row}); alleen de eerste telt mee",
        "en": "duplicate {column} (also in row {first_row}); only the first one counts",
    },
    "unknown_stage": {
        "nl": "fase '{stage}' staat niet in de config (bekend: {known}); de deal telt niet mee in fase-KPI's",
        "en": "stage '{stage}' is not in the config (known: {known}); the deal is left out of stage KPIs",
    },
    "unknown_stage_row": {
        "nl": "fase '{stage}' staat niet in de config (bekend: {known})",
        "en": "stage '{stage}' is not in the config (known: {known})",
    },
    "unknown_activity_type": {
        "nl": "activiteitstype '{type}' staat niet in de config; telt als 0 punten",
        "en": "activity type '{type}' is not in the config; it scores 0 points",
    },
    "stage_date_order": {
        "nl": "fasedatum '{stage}' ligt vóór fase '{earlier}' ({earlier_date}); de doorlooptijden die negatief zouden worden tellen niet mee",
        "en": "stage date '{stage}' is before stage '{earlier}' ({earlier_date}); durations that would be negative are left out",
    },
    "won_before_created": {
        "nl": "gewonnen vóór eerste contact; de doorlooptijd telt niet mee",
        "en": "won before first contact; the cycle time is left out",
    },
    "until_before_since": {
        "nl": "einddatum ligt vóór de startdatum ({since})",
        "en": "end date is before the start date ({since})",
    },
    "unknown_deal": {
        "nl": "deal '{deal_id}' staat niet in Deals",
        "en": "deal '{deal_id}' is not in Deals",
    },
    "criterion_column_missing": {
        "nl": "kwalificatieregel '{criterion}': de kolom bestaat niet in Leads; geen lead voldoet eraan",
        "en": "qualification rule '{criterion}': the column is not in Leads; no lead passes it",
    },
    "unassigned": {"nl": "(geen eigenaar)", "en": "(unassigned)"},
    "no_source": {"nl": "(geen bron)", "en": "(no source)"},
    "unknown_stage_arg": {
        "nl": "fase '{stage}' bestaat niet in de config (bekend: {known})",
        "en": "stage '{stage}' is not in the config (known: {known})",
    },
    "no_target": {
        "nl": "geen teamdoel ingesteld; geef een verkoper op of zet targets.action_points.team in de config",
        "en": "no team target configured; give a rep or set targets.action_points.team in the config",
    },
    "future_date": {
        "nl": "datum ligt na vandaag ({today}); controleer de datum (de rij telt mee in die maand)",
        "en": "date is after today ({today}); check the date (the row counts in that month)",
    },
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
    # the month a refresh is asked for (--month or the Dashboard's month selector)
    "month_outside_data": {
        "nl": "{month}: die maand valt buiten de gegevens; kies een maand van {first} t/m {last}",
        "en": "{month}: that month is outside the data; choose a month from {first} to {last}",
    },
    "month_without_data": {
        "nl": "{month}: de werkmap bevat nog geen gedateerde rijen; laat de maand leeg",
        "en": "{month}: the workbook holds no dated rows yet; leave the month empty",
    },
    "h.lead": {"nl": "Lead", "en": "Lead"},
    "h.score": {"nl": "Score", "en": "Score"},
    "h.why": {"nl": "Waarom (% klanten met dezelfde waarde)", "en": "Why (% of customers with the same value)"},
    "h.kpi": {"nl": "KPI", "en": "KPI"},
    "h.value": {"nl": "Waarde", "en": "Value"},
    "h.target": {"nl": "Doel", "en": "Target"},
    "h.share": {"nl": "% doel", "en": "% of target"},
    # KPI labels
    "kpi.qualified_leads": {"nl": "Gekwalificeerde leads", "en": "Qualified leads"},
    "kpi.action_points": {"nl": "Actiepunten", "en": "Action points"},
    "kpi.pipeline_value": {"nl": "Pijplijnwaarde", "en": "Pipeline value"},
    "kpi.deal_velocity": {"nl": "Doorlooptijd deals (dagen)", "en": "Deal velocity (days)"},
    "kpi.retention": {"nl": "Klantbehoud", "en": "Customer retention"},
    # bottleneck
    "bottleneck": {
        "nl": "{step} {rep_rate} vs team {team_rate}: {hint}",
        "en": "{step} {rep_rate} vs team {team_rate}: {hint}",
    },
    "bottleneck.none": {
        "nl": "geen duidelijke bottleneck: conversie per fase op of boven het team",
        "en": "no clear bottleneck: conversion per stage at or above the team",
    },
    "hint.default": {
        "nl": "waar loopt het vast? bespreek concrete deals",
        "en": "where does it get stuck? discuss concrete deals",
    },
}


def both(code: str, /, **params) -> str:
    """The message ``code`` in Dutch and English, for a place that has no config language yet
    (or a terminal line shared by both)."""
    return f"{text(code, 'nl', **params)} / {text(code, 'en', **params)}"


def text(code: str, language: str = "en", /, **params) -> str:
    """The message ``code`` in ``language`` (falls back to English), filled in."""
    entry = MESSAGES.get(code)
    if entry is None:
        raise KeyError(f"no message {code!r}")
    template = entry.get(language) or entry["en"]
    return template.format(**params) if params else template


def both_languages(code: str, /, **params) -> str:
    """The message ``code`` in Dutch and in English (``nl / en``): for the terminal and an Excel alert,
    where the config's language may not be known yet."""
    return f"{text(code, 'nl', **params)} / {text(code, 'en', **params)}"
