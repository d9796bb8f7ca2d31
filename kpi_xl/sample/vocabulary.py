"""The sample company's vocabulary: names, companies, profiles, activity labels, headers and the shares
it is drawn with."""

from __future__ import annotations

import numpy as np

REP_NAMES = (
    "Sanne de Vries", "Jan Jansen", "Fatima El Amrani", "Daan Bakker",
    "Lotte Visser", "Mohamed Yilmaz", "Eva Mulder", "Bram de Boer",
)
FIRST_NAMES = (
    "Noor", "Thijs", "Sophie", "Ruben", "Emma", "Lucas", "Julia", "Sem", "Anouk", "Milan", "Femke", "Jesse",
    "Iris", "Stijn", "Lisa", "Koen", "Fleur", "Tim", "Esther", "Bas", "Anna", "Youssef", "Maud", "Pieter",
    "Sara", "Joost", "Laura", "Wouter", "Nina", "Mark", "Ilse", "Dennis", "Sanne", "Jan", "Fatima", "Daan",
    "Lotte", "Mohamed", "Eva", "Bram",
)
LAST_NAMES = (
    "de Vries", "Jansen", "El Amrani", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van den Berg", "Kok", "Jacobs", "de Haan", "Vermeulen", "van Leeuwen",
    "Koster", "Willems", "Yilmaz", "Maas", "Verhoeven", "Prins", "Huisman", "Schouten", "Kuipers", "van Wijk",
    "Postma", "Kramer",
)
COMPANY_A = (
    "Noord", "Delta", "Polder", "Zuid", "Rijn", "Maas", "Kempen", "Veluwe", "Amstel", "Oranje", "Tulp",
    "Molen", "Dijk", "Haven", "Brug", "Eik", "Linde", "Horizon", "Kompas", "Duin", "Vecht", "IJssel",
    "Kroon", "Gouden",
)
COMPANY_B = (
    "Techniek", "Advies", "Logistiek", "Bouw", "Groep", "Solutions", "Zorg", "Data", "Installatie", "Handel",
    "Media", "Consult", "Systems", "Metaal", "Food", "Energie", "Software", "Print",
)
COMPANY_FORM = ("B.V.", "B.V.", "B.V.", "B.V.", "N.V.", "& Zn.", "V.O.F.", "Holding B.V.")

INDUSTRIES = ("ICT", "Zakelijke dienstverlening", "Industrie", "Groothandel", "Bouw", "Zorg", "Retail",
              "Logistiek", "Overheid", "Horeca")
LEAD_INDUSTRY_P = (0.15, 0.15, 0.13, 0.10, 0.11, 0.09, 0.10, 0.07, 0.05, 0.05)
CUSTOMER_INDUSTRY_P = (0.31, 0.26, 0.15, 0.12, 0.06, 0.04, 0.03, 0.02, 0.01, 0.00)
REGIONS = ("Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Gelderland", "Overijssel", "Limburg",
           "Groningen", "Friesland", "Drenthe", "Flevoland", "Zeeland")
LEAD_REGION_P = (0.16, 0.17, 0.11, 0.14, 0.12, 0.07, 0.06, 0.05, 0.04, 0.03, 0.03, 0.02)
CUSTOMER_REGION_P = (0.27, 0.24, 0.16, 0.12, 0.08, 0.04, 0.03, 0.02, 0.01, 0.01, 0.01, 0.01)
SOURCES = ("Website", "Referral", "Event", "LinkedIn", "Koude acquisitie", "Beurs", "Partner")
SOURCE_P = (0.30, 0.15, 0.10, 0.20, 0.14, 0.05, 0.06)
LOST_REASONS = ("Prijs te hoog", "Gekozen voor concurrent", "Geen budget", "Geen beslissing", "Timing",
                "Geen reactie meer", "Past niet bij behoefte")
LOST_REASON_P = (0.25, 0.22, 0.15, 0.14, 0.10, 0.09, 0.05)
NOTES = ("Terugbellen volgende week", "Offerte besproken", "Interesse, stuurt info door", "Geen gehoor",
         "Beslisser zit er volgende keer bij", "Demo ingepland", "Vraagt om referenties", "Budget pas in Q1",
         "Goed gesprek", "Contract doorgenomen", "Opvolgen na vakantie", "Wil prijsindicatie")
UNKNOWN_TYPES = ("lunch", "WhatsApp", "kerstkaart", "beursbezoek", "sms")

# Activity types: (share, written as) per kind of activity. Labels are mapped to the
# config's types by name; a type the config does not have is skipped.
TYPE_MIX = {  # deal, lead, customer, unlinked
    "call": (0.33, 0.38, 0.33, 0.40),
    "voicemail": (0.07, 0.17, 0.05, 0.22),
    "email": (0.33, 0.22, 0.42, 0.10),
    "linkedin": (0.06, 0.19, 0.05, 0.28),
    "intake": (0.07, 0.04, 0.00, 0.00),
    "meeting": (0.14, 0.00, 0.15, 0.00),
}
# How the labels are written: the type itself (various cases) or a Dutch alias, with weights.
LABELS = {
    "call": (("call", 0.35), ("Call", 0.10), ("telefoon", 0.25), ("bellen", 0.20), ("Telefoon", 0.10)),
    "voicemail": (("voicemail", 0.6), ("Voicemail", 0.2), ("ingesproken", 0.2)),
    "email": (("email", 0.40), ("E-mail", 0.20), ("mail", 0.30), ("Mail", 0.10)),
    "linkedin": (("linkedin", 0.5), ("LinkedIn", 0.4), ("inmail", 0.1)),
    "intake": (("intake", 0.6), ("Intake", 0.2), ("intakegesprek", 0.2)),
    "meeting": (("meeting", 0.4), ("afspraak", 0.3), ("Afspraak", 0.1), ("bezoek", 0.2)),
}

DUTCH_HEADERS = {
    "Leads": {"lead_id": "Leadnummer", "created": "Aangemaakt", "owner": "Eigenaar", "company": "Bedrijf",
              "source": "Bron", "qualified": "Gekwalificeerd", "industry": "Branche", "employees": "Medewerkers",
              "region": "Regio", "budget": "Budget"},
    "Activities": {"date": "Datum", "owner": "Verkoper", "type": "Soort", "lead_id": "Leadnummer",
                   "deal_id": "Dealnummer", "customer_id": "Klantnummer", "notes": "Notities"},
    "Deals": {"deal_id": "Dealnummer", "owner": "Eigenaar", "created": "Eerste contact", "value": "Waarde",
              "stage": "Fase", "closed": "Gesloten", "lost_reason": "Reden verlies", "customer_id": "Klantnummer",
              "lead_id": "Leadnummer"},
    "Customers": {"customer_id": "Klantnummer", "since": "Klant sinds", "until": "Klant tot",
                  "revenue": "Jaaromzet", "last_contact": "Laatste contact", "company": "Bedrijf",
                  "owner": "Accountmanager", "lead_id": "Leadnummer", "industry": "Branche",
                  "employees": "Medewerkers", "region": "Regio"},
    "StageHistory": {"deal_id": "Dealnummer", "stage": "Fase", "date": "Datum"},
}

COLUMNS = {
    "Leads": ["lead_id", "created", "owner", "company", "source", "qualified", "industry", "employees", "region",
              "budget"],
    "Activities": ["date", "owner", "type", "lead_id", "deal_id", "customer_id", "notes"],
    "Deals": ["deal_id", "owner", "created", "value", "stage", "closed", "lost_reason", "customer_id", "lead_id"],
    "Customers": ["customer_id", "since", "until", "revenue", "last_contact", "company", "owner", "lead_id",
                  "industry", "employees", "region"],
}

NO_DAY = np.iinfo(np.int64).min  # "no date" in the integer day arrays (days since 1970-01-01)
DEMO = {"leads": 2_000, "activities": 20_000, "deals": 600, "customers": 150}
ACTIVITIES_PER_REP = 2_500

# Deals: every deal ends, won / lost while worked / lost after it stalled (no activity and no stage change
# for weeks to months: a sleeping deal, until it is written off); the end of the data cuts the young ones off.
FATE_P = (0.40, 0.35, 0.25)
UPSELL_FATE_P = (0.55, 0.25, 0.20)
STALL_DAYS = (35, 170)  # a stalled deal is written off (lost) this many days after its last stage change
PRESTART_SHARE = 0.13  # of the new-business deals: opened before the first month, still open on its first day
PRESTART_MAX_AGE = 120  # days before the first month such a deal was opened, at most
LEAD_FOLLOW_UP_DAYS = 60  # activities on a lead fall in its first two months
CLOSED_ONLY_SHARE = 0.04  # of the won / lost deals: the won / lost stage column is blank, ``closed`` is filled
