"""Messages about the data's tables and cells: a missing table or column, a cell that cannot be used."""

TABLE_MESSAGES: dict[str, dict[str, str]] = {
    "row": {"nl": "rij", "en": "row"},
    "column": {"nl": "kolom", "en": "column"},
    # table-level
    "missing_column": {
        "nl": "{table}: kolom '{column}' ontbreekt (gevonden kolommen: {found})",
        "en": "{table}: column '{column}' is missing (columns found: {found})",
    },
    "missing_column_hint": {
        "nl": "Heet die kolom bij u anders? Noem uw kolomnaam in kpi.yaml, bijvoorbeeld "
              "columns: {{{table}: {{{column}: [uw kolomnaam]}}}}",
        "en": "Does your table call it something else? Name your header in kpi.yaml, for example "
              "columns: {{{table}: {{{column}: [your header]}}}}",
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
    "duplicate_header_own": {
        "nl": "kolom '{other}' wordt niet gebruikt: columns: in kpi.yaml noemt '{column}' voor dezelfde kolom",
        "en": "column '{other}' is not used: columns: in kpi.yaml names '{column}' for the same column",
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
}
