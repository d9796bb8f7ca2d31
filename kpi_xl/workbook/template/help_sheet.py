"""The help sheet (Uitleg): how the workbook works and what the five KPIs mean, in Dutch or English."""

from __future__ import annotations

from kpi_xl.config import Settings

HELP_TEXT = {
    "nl": [
        ("Zo werkt deze werkmap", None),
        ("1. Uw data", "Vul de tabellen Leads, Activities, Deals en Customers (plakken uit uw CRM mag). Laat de "
                       "kopregels staan; extra kolommen mogen. Data-bladen worden nooit door de vernieuwing "
                       "gewijzigd."),
        ("2. Vernieuwen", "Kies eventueel een maand op het Dashboard (leeg = laatste maand) en druk op "
                          "Vernieuwen. Zonder Excel: kpi-xl refresh werkmap.xlsm"),
        ("3. Checks", "Elke cel die niet gebruikt kon worden staat op het blad Checks, met rij, kolom en wat te "
                      "doen. Die rij telt niet mee in de KPI's die ze raakt; er wordt nooit stilzwijgend 0 van "
                      "gemaakt."),
        ("De vijf KPI's", None),
        ("Gekwalificeerde leads", "Nieuwe leads in de maand die voldoen aan de checklist van uw ideale klant "
                                  "(of kolom qualified = ja)."),
        ("Actiepunten", "Punten per contactmoment (bellen, e-mail, intake, ...) per verkoper, tegen het doel."),
        ("Pijplijnwaarde", "Waarde van de open deals op de peildatum, ook gewogen met de kans per fase."),
        ("Doorlooptijd", "Gemiddeld aantal dagen van eerste contact tot getekend (12 maanden), en per fase."),
        ("Klantbehoud", "Deel van de klanten van een jaar geleden dat nog klant is; plus opzeggingen, klanten "
                        "zonder recent contact en leads die lijken op uw beste klanten."),
        ("Inzicht", "Conversie, sluitratio en groei staan apart: nuttig, maar niet om medewerkers op te "
                    "beoordelen. De bottleneck per verkoper is een gesprekspunt voor coaching."),
        ("Functies in cellen", "Met xlwings (alleen Excel voor Windows): =DEAL_VELOCITY(Deals; \"Offerte\") "
                               "enz. Op de Mac werkt de knop Vernieuwen wel, de celfuncties niet."),
        ("Configuratie", "Fasen, punten, checklist en doelen staan in kpi.yaml naast deze werkmap."),
    ],
    "en": [
        ("How this workbook works", None),
        ("1. Your data", "Fill the tables Leads, Activities, Deals and Customers (pasting from your CRM is fine). "
                         "Keep the header rows; extra columns are fine. Data sheets are never changed by a "
                         "refresh."),
        ("2. Refresh", "Optionally pick a month on the Dashboard (empty = latest month) and press Refresh. "
                       "Without Excel: kpi-xl refresh workbook.xlsm"),
        ("3. Checks", "Every cell that could not be used is listed on the Checks sheet with its row, column and "
                      "what to do. That row is left out of the KPIs it affects; it is never silently made 0."),
        ("The five KPIs", None),
        ("Qualified leads", "New leads in the month that pass the ideal-customer checklist (or qualified = yes)."),
        ("Action points", "Points per contact moment (call, e-mail, intake, ...) per rep, against the target."),
        ("Pipeline value", "Value of the open deals at the as-of date, also weighted by stage probability."),
        ("Deal velocity", "Average days from first contact to signed (12 months), and per stage."),
        ("Retention", "Share of last year's customers still with you; plus churn, customers without recent "
                      "contact and leads that look like your best customers."),
        ("Insight", "Conversion, close ratio and growth are kept apart: useful, but not for judging people. "
                    "The bottleneck per rep is a coaching talking point."),
        ("Worksheet functions", "With xlwings (Excel for Windows only): =DEAL_VELOCITY(Deals, \"Offerte\") etc. "
                                "On the Mac the Refresh button works, the cell functions do not."),
        ("Configuration", "Stages, points, checklist and targets live in kpi.yaml next to this workbook."),
    ],
}


def _help(ws, settings: Settings, fmt: dict) -> None:
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "kpi_xl", fmt["help_title"])
    for i, (head, body) in enumerate(HELP_TEXT.get(settings.language, HELP_TEXT["en"]), start=2):
        ws.write_string(i, 0, head, fmt["help_head"])
        if body:
            ws.write_string(i, 1, body, fmt["help_text"])
