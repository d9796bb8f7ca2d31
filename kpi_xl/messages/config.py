"""Messages about the config file (kpi.yaml): the file, its YAML, then each setting's mistake."""

CONFIG_MESSAGES: dict[str, dict[str, str]] = {
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
    "cfg.invalid": {
        "nl": "deze waarde kan hier niet gebruikt worden ({detail})",
        "en": "{detail}",
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
    # columns: the user's own header names
    "cfg.columns_table": {
        "nl": "'{table}' is geen tabel (bekend: {known})",
        "en": "'{table}' is not a table (known: {known})",
    },
    "cfg.columns_field": {
        "nl": "'{field}' is geen kolom van {table} (bekend: {known})",
        "en": "'{field}' is not a column of {table} (known: {known})",
    },
    "cfg.columns_twice": {
        "nl": "'{name}' staat ook bij {other}; één kolomnaam kan maar één kolom zijn",
        "en": "'{name}' is also given for {other}; one header can be one column only",
    },
    "cfg.columns_stage": {
        "nl": "'{name}' is ook de fase '{stage}': een kolom met die naam in Deals is de datum van die fase, "
              "niet {field}; kies een andere kolomnaam",
        "en": "'{name}' is also the stage '{stage}': a column so named in Deals is that stage's date, "
              "not {field}; choose another header",
    },
    "cfg.given_twice": {
        "nl": "'{name}' staat er twee keer (ook als '{other}')",
        "en": "'{name}' is given twice (also as '{other}')",
    },
}
