"""The texts of the help sheet (Uitleg), in Dutch and English: how the workbook works and, per KPI, what
it means and what to do when it is red. In the whitepaper's spirit: focus on the five KPIs, coach on
content, realistic targets; the insight KPIs are never for judging people.
"""

from __future__ import annotations

HELP: dict[str, dict[str, object]] = {
    "nl": {
        "title": "Uitleg — zo werkt deze werkmap",
        "how": [
            ("1. Uw data", "Vul de tabellen Leads, Activities, Deals en Customers (plakken uit uw CRM mag). Laat de "
                           "kopregels staan; extra kolommen mogen. Data-bladen worden nooit door de vernieuwing "
                           "gewijzigd."),
            ("2. Vernieuwen", "Kies eventueel een maand op het Dashboard (leeg = laatste maand) en druk op "
                              "Vernieuwen. Zonder Excel: kpi-xl refresh werkmap.xlsm"),
            ("3. Checks", "Elke cel die niet gebruikt kon worden staat op het blad Checks, met rij, kolom en wat te "
                          "doen. Die rij telt niet mee in de KPI's die ze raakt; er wordt nooit stilzwijgend 0 van "
                          "gemaakt."),
            ("4. Afdrukken", "Dashboard, Coaching en Inzicht zijn elk één A4 liggend. Als PDF: kpi-xl export "
                             "werkmap.xlsm --pdf (met --all ook History, Checks en deze Uitleg)."),
            ("Stoplicht", "Groen vanaf {green}% van het doel, oranje vanaf {orange}%, anders rood (bij de "
                          "doorlooptijd is korter beter). Het licht volgt het getoonde percentage."),
            ("Functies in cellen", "Met xlwings (alleen Excel voor Windows): =DEAL_VELOCITY(Deals; \"Offerte\") "
                                   "enz. Op de Mac werkt de knop Vernieuwen wel, de celfuncties niet."),
            ("Configuratie", "Fasen, punten, checklist en doelen staan in kpi.yaml naast deze werkmap. Liever een "
                             "laag doel dat stap voor stap omhoog gaat dan andersom."),
        ],
        "kpi_header": ("De vijf KPI's", "Wat het zegt", "Als het rood is"),
        "kpis": [
            ("Gekwalificeerde leads",
             "Nieuwe leads in de maand die voldoen aan de checklist van uw ideale klant (of kolom qualified = ja). "
             "Een resultaat-KPI: het team beïnvloedt hem, niet rechtstreeks.",
             "Kijk op Inzicht uit welke bron de gekwalificeerde leads komen en welk criterium de meeste leads "
             "afwijst. Te weinig leads: meer prospectie (actiepunten). Veel leads, weinig gekwalificeerd: de bron "
             "of de doelgroep bijsturen, niet harder werken."),
            ("Actiepunten",
             "Punten per contactmoment (bellen, voicemail, e-mail, intake, …) per verkoper, tegen het doel. De "
             "actie-KPI: wat een verkoper zelf in de hand heeft.",
             "Vraag de verkoper wat hem of haar tegenhoudt (tijd, bellijst, aanpak) en spreek haalbare aantallen "
             "per week af. Iedereen rood: is het doel realistisch? Zie het voorstel-doel op het Dashboard."),
            ("Pijplijnwaarde",
             "Waarde van de open deals op de peildatum, ook gewogen met de kans per fase. De dekking zegt of de "
             "pijplijn groot genoeg is voor het omzetdoel van dit kwartaal.",
             "Er zijn meer kansen nodig vooraan in de trechter: terug naar leads en actiepunten. Loop de slapende "
             "deals na: opvolgen of afsluiten, zodat de pijplijn eerlijk is."),
            ("Doorlooptijd",
             "Gemiddeld (en mediaan) aantal dagen van eerste contact tot getekend, over 12 maanden; ook per fase. "
             "Korter is beter.",
             "Zoek de fase waar deals blijven hangen (dagen per fase; het knelpunt per verkoper op Coaching). "
             "Offerte te vroeg gestuurd, beslisser niet aan tafel? Los het per deal samen op."),
            ("Klantbehoud",
             "Deel van de klanten van een jaar geleden dat nog klant is; met opzeggingen, klanten zonder recent "
             "contact en leads die lijken op uw beste klanten.",
             "Neem eerst contact op met de klanten die aandacht nodig hebben. Vraag opzeggers waarom en leg het "
             "patroon naast het profiel van uw beste klanten."),
        ],
        "insight_title": "Inzicht — niet voor het beoordelen van medewerkers",
        "insight_header": ("Inzicht-KPI", "Wat het zegt", "Wat ermee te doen"),
        "insight": [
            ("Conversie per fase",
             "Van de deals die een fase ingingen: het deel dat een latere fase haalde, en het deel dat won.",
             "Een lage stap is een vraag, geen oordeel: wat gebeurt er in die fase? Bespreek het aan de hand van "
             "een paar deals."),
            ("Sluitratio, offerte → gewonnen",
             "Gewonnen ÷ gesloten deals in de maand; gewonnen ÷ deals die de offertefase ingingen.",
             "Laag: het verkeerde type klant, of de offerte te vroeg? Kijk samen naar de laatst verloren deals en "
             "hun redenen."),
            ("Groei",
             "Gewonnen omzet en gekwalificeerde leads tegenover de vorige maand.",
             "Eén maand zegt weinig: kijk naar de trend van 12 maanden."),
            ("Kwalificatiegraad en bron",
             "Deel van de nieuwe leads dat gekwalificeerd is, per bron, en het criterium dat de meeste leads "
             "afwijst.",
             "Stuur prospectie en marketing naar de bronnen die gekwalificeerde leads opleveren."),
            ("Knelpunt per verkoper",
             "De fase waarin een verkoper duidelijk lager converteert dan het team (met genoeg deals), met een "
             "gespreksvraag. Anders: geen duidelijk knelpunt.",
             "Coach op inhoud: stel de gespreksvraag, luister, en spreek één verbetering af. Geen knelpunt: "
             "niets te doen."),
        ],
    },
    "en": {
        "title": "Guide — how this workbook works",
        "how": [
            ("1. Your data", "Fill the tables Leads, Activities, Deals and Customers (pasting from your CRM is "
                             "fine). Keep the header rows; extra columns are fine. Data sheets are never changed by "
                             "a refresh."),
            ("2. Refresh", "Optionally pick a month on the Dashboard (empty = latest month) and press Refresh. "
                           "Without Excel: kpi-xl refresh workbook.xlsm"),
            ("3. Checks", "Every cell that could not be used is listed on the Checks sheet with its row, column "
                          "and what to do. That row is left out of the KPIs it affects; it is never silently "
                          "made 0."),
            ("4. Printing", "Dashboard, Coaching and Inzicht are one A4 landscape page each. As PDF: kpi-xl export "
                            "workbook.xlsm --pdf (with --all also History, Checks and this guide)."),
            ("Traffic light", "Green from {green}% of the target, orange from {orange}%, else red (for deal "
                              "velocity shorter is better). The light follows the percentage shown."),
            ("Worksheet functions", "With xlwings (Excel for Windows only): =DEAL_VELOCITY(Deals, \"Offerte\") "
                                    "etc. On the Mac the Refresh button works, the cell functions do not."),
            ("Configuration", "Stages, points, checklist and targets live in kpi.yaml next to this workbook. "
                              "Better a low target raised step by step than the other way round."),
        ],
        "kpi_header": ("The five KPIs", "What it says", "When it is red"),
        "kpis": [
            ("Qualified leads",
             "New leads in the month that pass your ideal-customer checklist (or qualified = yes). A result KPI: "
             "the team influences it, not directly.",
             "See on Inzicht which source the qualified leads come from and which criterion rejects most leads. "
             "Too few leads: more prospecting (action points). Many leads, few qualified: adjust the source or "
             "the audience, not the effort."),
            ("Action points",
             "Points per contact moment (phone call, voicemail, e-mail, intake, …) per rep, against the target. "
             "The action KPI: what a rep controls.",
             "Ask the rep what holds them back (time, call list, approach) and agree on numbers per week they "
             "can reach. Everyone red: is the target realistic? See the suggested target on the Dashboard."),
            ("Pipeline value",
             "Value of the open deals at the as-of date, also weighted by stage probability. Coverage says "
             "whether the pipeline is large enough for this quarter's revenue target.",
             "More opportunities are needed at the top of the funnel: back to leads and action points. Go "
             "through the sleeping deals: follow up or close them, so the pipeline is honest."),
            ("Deal velocity",
             "Mean (and median) days from first contact to signed, over 12 months; also per stage. Shorter is "
             "better.",
             "Find the stage where deals get stuck (days per stage; each rep's bottleneck on Coaching). Quote "
             "sent too early, decision maker not involved? Solve it together, deal by deal."),
            ("Retention",
             "Share of last year's customers still with you; with churn, customers without recent contact and "
             "leads that look like your best customers.",
             "First contact the customers that need attention. Ask those who left why, and hold the pattern "
             "against the profile of your best customers."),
        ],
        "insight_title": "Insight — not for judging people",
        "insight_header": ("Insight KPI", "What it says", "What to do with it"),
        "insight": [
            ("Stage conversion",
             "Of the deals that entered a stage: the share that reached a later stage, and the share that won.",
             "A low step is a question, not a verdict: what happens in that stage? Discuss it with a few deals "
             "at hand."),
            ("Close ratio, quote → won",
             "Won ÷ closed deals in the month; won ÷ deals that entered the quote stage.",
             "Low: the wrong type of customer, or the quote sent too early? Look at the latest lost deals and "
             "their reasons together."),
            ("Growth",
             "Won revenue and qualified leads compared with the previous month.",
             "One month says little: look at the 12-month trend."),
            ("Qualification rate and source",
             "Share of new leads that qualify, per source, and the criterion that rejects most leads.",
             "Point prospecting and marketing at the sources that bring qualified leads."),
            ("Bottleneck per rep",
             "The stage where a rep converts clearly below the team (with enough deals), with a question for the "
             "meeting. Otherwise: no clear bottleneck.",
             "Coach on content: ask the question, listen, and agree on one improvement. No bottleneck: nothing "
             "to do."),
        ],
    },
}


def help_text(language: str) -> dict[str, object]:
    """The help texts in ``language`` (English for a language without its own)."""
    return HELP.get(language, HELP["en"])
