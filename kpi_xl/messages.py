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
    "amount_too_large": {
        "nl": "bedrag is groter dan {limit}; controleer het getal",
        "en": "amount is larger than {limit}; check the number",
    },
    "value_empty": {
        "nl": "bedrag ontbreekt",
        "en": "amount is empty",
    },
    "left_out_of_pipeline": {
        "nl": "de deal telt mee als open deal, maar niet in de pijplijnwaarde",
        "en": "the deal counts as an open deal but is left out of the pipeline value",
    },
    "left_out_of_won_revenue": {
        "nl": "de deal telt mee als gewonnen, maar niet in de gewonnen omzet",
        "en": "the deal counts as won but is left out of the won revenue",
    },
    "formula_without_value": {
        "nl": "formule zonder berekende waarde (zo schrijven scripts ze); open de werkmap in Excel en sla "
              "hem op, zodat Excel de formule berekent",
        "en": "formula without a calculated value (as scripts write them); open and save the workbook in "
              "Excel so it calculates the formula",
    },
    "more_like_this": {
        "nl": "nog {count} rijen met dit soort probleem, niet apart getoond; bijvoorbeeld rij {row}: {reason}",
        "en": "{count} more rows with this kind of problem, not shown one by one; for example row {row}: {reason}",
    },
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
    "name_variants": {
        "nl": "opmerking: één naam op meer manieren gespeld ({variants}); alle rijen tellen mee, als '{used}'",
        "en": "note: one name spelled in more than one way ({variants}); every row counts, as '{used}'",
    },
    "name_variants_more": {
        "nl": "opmerking: nog {count} namen in deze kolom op meer manieren gespeld; alle rijen tellen mee",
        "en": "note: {count} more names in this column are spelled in more than one way; every row counts",
    },
    "unknown_deal.consequence": {
        "nl": "de activiteit telt mee voor de punten, maar niet als contact met die deal",
        "en": "the activity scores its points but does not count as contact with that deal",
    },
    "unknown_customer": {
        "nl": "klant '{customer_id}' staat niet in Customers",
        "en": "customer '{customer_id}' is not in Customers",
    },
    "unknown_customer.consequence": {
        "nl": "de activiteit telt mee voor de punten, maar niet als contact met die klant",
        "en": "the activity scores its points but does not count as contact with that customer",
    },
    "stage_empty": {
        "nl": "fase ontbreekt en de deal heeft geen fasedatum; de deal telt als open in fase '{stage}'",
        "en": "stage is empty and the deal has no stage date; the deal counts as open in stage '{stage}'",
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
    # the config file (kpi.yaml): the file, its YAML, then each setting's mistake
    "config.not_found": {"nl": "Configbestand niet gevonden: {path}", "en": "Config file not found: {path}"},
    "config.unreadable": {
        "nl": "Configbestand kan niet gelezen worden: {path} ({reason})",
        "en": "Config file cannot be read: {path} ({reason})",
    },
    "config.not_a_file": {
        "nl": "{path} is geen bestand (een map of apparaat); geef het pad van kpi.yaml",
        "en": "{path} is not a file (a folder or a device); give the path of kpi.yaml",
    },
    "config.not_utf8": {
        "nl": "Configbestand {path} is geen UTF-8-tekst; bewaar het als UTF-8",
        "en": "Config file {path} is not UTF-8 text; save it as UTF-8",
    },
    "config.too_large": {
        "nl": "{path}: het configbestand is groter dan {limit}; een config is een paar kB",
        "en": "{path}: the config file is larger than {limit}; a config is a few kB",
    },
    "config.too_many_values": {
        "nl": "{source}: de config bevat uitgeklapt meer dan {limit} waarden (herhaalt een anker & / * zichzelf?)",
        "en": "{source}: the config expands to more than {limit} values (does an anchor & / * repeat itself?)",
    },
    "config.not_a_character": {
        "nl": "{source}: '{text}' bevat een \\u-code die geen teken is (\\ud800 tot \\udfff); haal hem weg",
        "en": "{source}: '{text}' holds a \\u code that is no character (\\ud800 to \\udfff); remove it",
    },
    "config.too_deep": {
        "nl": "{source}: de config is te diep genest om te lezen",
        "en": "{source}: the config is nested too deeply to read",
    },
    "config.empty": {"nl": "{source}: de config is leeg", "en": "{source}: the config is empty"},
    "config.not_mapping": {
        "nl": "{source}: de config moet instellingen bevatten (naam: waarde), geen {kind}",
        "en": "{source}: the config must be a mapping of settings (key: value), got {kind}",
    },
    "config.mistake": {"nl": "{source}: 1 fout in de config", "en": "{source}: 1 mistake in the config"},
    "config.mistakes": {
        "nl": "{source}: {count} fouten in de config",
        "en": "{source}: {count} mistakes in the config",
    },
    # YAML that cannot be read, in words a director understands
    "yaml.where": {"nl": "{source} regel {line}, kolom {column}", "en": "{source} line {line}, column {column}"},
    "yaml.colon_missing_at": {
        "nl": "{source} regel {line}: na '{key}' ontbreekt een dubbele punt (schrijf '{key}:')",
        "en": "{source} line {line}: a colon is missing after '{key}' (write '{key}:')",
    },
    "yaml.colon_missing": {
        "nl": "na '{key}' ontbreekt een dubbele punt (schrijf '{key}: waarde')",
        "en": "a colon is missing after '{key}' (write '{key}: value')",
    },
    "yaml.colon_here": {
        "nl": "een dubbele punt waar die niet kan: zet een tekst met ': ' tussen aanhalingstekens, "
              "of controleer het inspringen",
        "en": "a colon where none can be: put a text holding ': ' in quotes, or check the indentation",
    },
    "yaml.tab": {
        "nl": "een tab; spring in met spaties",
        "en": "a tab; indent with spaces",
    },
    "yaml.indent": {
        "nl": "het inspringen klopt niet (instellingen op hetzelfde niveau beginnen in dezelfde kolom)",
        "en": "the indentation is off (settings on the same level start in the same column)",
    },
    "yaml.quote": {
        "nl": "een aanhalingsteken wordt niet gesloten",
        "en": "a quote is not closed",
    },
    "yaml.bracket": {
        "nl": "een lijst [ ] of { } wordt niet gesloten (of een komma ontbreekt)",
        "en": "a list [ ] or { } is not closed (or a comma is missing)",
    },
    "yaml.unreadable": {
        "nl": "deze regel kan niet gelezen worden (controleer het inspringen en de dubbele punt na de naam)",
        "en": "this line cannot be read (check the indentation and the colon after the name)",
    },
    "yaml.tag": {
        "nl": "YAML-tag '{tag}' is niet toegestaan: de config bevat alleen instellingen",
        "en": "YAML tag '{tag}' is not allowed: the config holds settings only",
    },
    "yaml.twice": {
        "nl": "'{key}' staat er twee keer (eerst op regel {first})",
        "en": "'{key}' is given twice (first at line {first})",
    },
    # one setting's mistake: '<path>: <what>, got <value>'
    "cfg.got": {"nl": "{message}, nu {value}", "en": "{message}, got {value}"},
    "cfg.colon_hint": {
        "nl": " (ontbreekt de dubbele punt na '{key}'?)",
        "en": " (is the colon after '{key}' missing?)",
    },
    "cfg.nothing": {"nl": "niets", "en": "nothing"},
    "cfg.top_level": {"nl": "(hoofdniveau)", "en": "(top level)"},
    "cfg.missing": {"nl": "verplichte instelling ontbreekt", "en": "required setting is missing"},
    "cfg.unknown": {"nl": "onbekende instelling{hint}", "en": "unknown setting{hint}"},
    "cfg.did_you_mean": {"nl": " (bedoelt u '{name}'?)", "en": " (did you mean '{name}'?)"},
    "cfg.known": {"nl": " (bekend: {names})", "en": " (known: {names})"},
    "cfg.dict": {"nl": "moet regels naam: waarde bevatten", "en": "must be a mapping (key: value)"},
    "cfg.list": {
        "nl": "moet een lijst zijn (één '- item' per regel, of [a, b])",
        "en": "must be a list (one '- item' per line, or [a, b])",
    },
    "cfg.model": {
        "nl": "moet instellingen bevatten (naam: waarde)",
        "en": "must be a mapping of settings (key: value)",
    },
    "cfg.target": {
        "nl": "moet een getal zijn, of instellingen 'value' of 'ramp'",
        "en": "must be a number, or a mapping with 'value' or 'ramp'",
    },
    "cfg.activity_type": {
        "nl": "moet een aantal punten zijn, of instellingen met 'points'",
        "en": "must be a number of points, or a mapping with 'points'",
    },
    "cfg.too_short": {
        "nl": "moet minstens {n} items hebben, nu {count}",
        "en": "must have at least {n} items, got {count}",
    },
    "cfg.too_long": {
        "nl": "mag hoogstens {n} items hebben, nu {count}",
        "en": "must have at most {n} items, got {count}",
    },
    "cfg.empty_text": {"nl": "mag niet leeg zijn", "en": "must not be empty"},
    "cfg.number": {"nl": "moet een getal zijn", "en": "must be a number"},
    "cfg.finite": {
        "nl": "moet een gewoon getal zijn (geen .inf of .nan)",
        "en": "must be a finite number (not .inf or .nan)",
    },
    "cfg.whole_number": {"nl": "moet een geheel getal zijn", "en": "must be a whole number"},
    "cfg.text": {
        "nl": "moet een tekst zijn (zet hem tussen aanhalingstekens)",
        "en": "must be text (put it in quotes)",
    },
    "cfg.yes_no": {"nl": "moet ja of nee zijn (true/false)", "en": "must be yes or no (true/false)"},
    "cfg.one_of": {"nl": "moet {choices} zijn", "en": "must be {choices}"},
    "cfg.or": {"nl": "of", "en": "or"},
    "cfg.at_least": {"nl": "moet {limit} of meer zijn", "en": "must be {limit} or more"},
    "cfg.at_most": {"nl": "mag hoogstens {limit} zijn", "en": "must be at most {limit}"},
    "cfg.min_zero": {"nl": "moet 0 of meer zijn", "en": "must be 0 or more"},
    "cfg.min_one": {"nl": "moet 1 of meer zijn", "en": "must be 1 or more"},
    "cfg.month": {
        "nl": "moet een maand zijn als JJJJ-MM, bijvoorbeeld 2026-01",
        "en": "must be a month written as YYYY-MM, for example 2026-01",
    },
    "cfg.rate": {
        "nl": "moet tussen 0 en 1 liggen (schrijf 90% of 0.9)",
        "en": "must be between 0 and 1 (write 90% or 0.9)",
    },
    "cfg.rate_percent": {
        "nl": "{value} is een percentage zonder %-teken; schrijf {percent}% of {share}",
        "en": "{value} is a percentage without a % sign; write {percent}% or {share}",
    },
    "cfg.share_percent": {
        "nl": "{value} is een percentage zonder %-teken (100% = 1); schrijf {percent}% of {share}",
        "en": "{value} is a percentage without a % sign (100% = 1); write {percent}% or {share}",
    },
    "cfg.one_value": {
        "nl": "moet één waarde zijn (tekst, getal of datum), geen lijst of naam: waarde",
        "en": "must be one value (text, number or date), not a list or a mapping",
    },
    "cfg.test_needs": {"nl": "toets '{test}' heeft {names} nodig", "en": "test '{test}' needs {names}"},
    "cfg.and": {"nl": "en", "en": "and"},
    "cfg.test_needs_number": {
        "nl": "toets '{test}' heeft een getal als 'value' nodig, nu {value}",
        "en": "test '{test}' needs a number as 'value', got {value}",
    },
    "cfg.min_above_max": {
        "nl": "'min' ({low}) mag niet boven 'max' ({high}) liggen",
        "en": "'min' ({low}) must not be above 'max' ({high})",
    },
    "cfg.ramp_one_step": {
        "nl": "geef precies één van 'step' (absoluut per maand) of 'step_pct' (procent per maand)",
        "en": "give exactly one of 'step' (absolute per month) or 'step_pct' (percent per month)",
    },
    "cfg.target_empty": {"nl": "geef een getal, of 'value' of 'ramp'", "en": "give a number, or 'value' or 'ramp'"},
    "cfg.bands_rise": {
        "nl": "'bands' moeten oplopende getallen zijn, bijvoorbeeld [0, 10, 50, 250]",
        "en": "'bands' must be rising numbers, for example [0, 10, 50, 250]",
    },
    "cfg.orange_above_green": {
        "nl": "'orange' ({orange}) mag niet boven 'green' ({green}) liggen",
        "en": "'orange' ({orange}) must not be above 'green' ({green})",
    },
    "cfg.stage_twice": {
        "nl": "'{label}' in stages[{index}] staat er twee keer (ook in stages[{first}])",
        "en": "'{label}' in stages[{index}] is listed twice (also in stages[{first}])",
    },
    "cfg.rep_blank": {
        "nl": "'{name}' is geen naam (er is niets van te zien)",
        "en": "'{name}' is not a name (it shows nothing)",
    },
    "cfg.rep_twice": {
        "nl": "'{name}' en '{other}' zijn dezelfde verkoper; houd er één",
        "en": "'{name}' and '{other}' are the same rep; keep one of them",
    },
    "cfg.type_twice": {
        "nl": "'{label}' van '{name}' wordt ook gebruikt door '{other}'",
        "en": "'{label}' of '{name}' is also used by '{other}'",
    },
    "cfg.not_a_stage": {
        "nl": "'{value}' is geen van de fasen ({known})",
        "en": "'{value}' is not one of the stages ({known})",
    },
    "cfg.lost_is_won": {
        "nl": "moet verschillen van won_stage (beide zijn '{won}')",
        "en": "must differ from won_stage (both are '{won}')",
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
