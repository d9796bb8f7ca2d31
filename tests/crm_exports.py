"""Fixture exports of each CRM, written from the sample company (``kpi_xl.sample.generate(seed=7)``) with
the headers the CRMs document, in English and in Dutch, plus what real exports hold: missing values, a
stage the config lacks, an activity not done, a deal of another pipeline, an amount change in a history.

Each ``write_<crm>(company, folder, language)`` returns the files it wrote; :func:`reference` gives the
tables as a director would type the same facts into the workbook directly (what the export cannot carry
left empty), for comparing the KPIs of both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi_xl.sample import SampleCompany

DEMO_DEAL = 5  # an open deal whose stage the config lacks ("Demo")
NO_CREATED = 7  # an open deal without a creation date
OPEN = ("Lead", "Intake", "Offerte", "Onderhandeling")
NOTE = "Belde over de offerte, geïnteresseerd;\nsprak af: \"volgende week\""  # quotes, ; , and a new line


def _open_rows(company: SampleCompany) -> np.ndarray:
    return np.flatnonzero(company.deals["stage"].isin(OPEN).to_numpy())


def deals_as_exported(company: SampleCompany) -> pd.DataFrame:
    """The sample's deals with the fixture's changes: one open deal in a stage "Demo", one without created."""
    deals = company.deals.copy()
    rows = _open_rows(company)
    deals.loc[rows[DEMO_DEAL], "stage"] = "Demo"
    deals.loc[rows[NO_CREATED], "created"] = pd.NaT
    return deals


def _dates(values: pd.Series, form: str) -> pd.Series:
    return pd.to_datetime(values).dt.strftime(form).fillna("")


def _amounts(values: pd.Series, dutch: bool, sign: str = "") -> pd.Series:
    text = values.map(lambda v: "" if pd.isna(v) else f"{sign}{v:,.2f}")
    return text.str.translate(str.maketrans(",.", ".,")) if dutch else text


def _last_open_stage(company: SampleCompany) -> pd.Series:
    """The stage a won or lost deal was last in before it closed (what Pipedrive keeps as its stage)."""
    dates = company.stage_dates[list(OPEN)]
    last = dates.apply(lambda col: col.notna()).iloc[:, ::-1].idxmax(axis=1)
    return last.where(dates.notna().any(axis=1), "Lead")


# -- Pipedrive ----------------------------------------------------------------------------------------

PIPEDRIVE = {
    "en": {"deal": "Deal", "id": "ID", "title": "Title", "value": "Value", "currency": "Currency", "stage": "Stage",
           "status": "Status", "owner": "Owner", "pipeline": "Pipeline", "org": "Organization",
           "created": "Deal created", "won": "Won time", "lost": "Lost time", "reason": "Lost reason",
           "activity": "Activity", "type": "Type", "due": "Due date", "done": "Done", "user": "Assigned to user",
           "deal_id": "Deal ID", "subject": "Subject", "organization": "Organization", "name": "Name",
           "since": "Customer since", "until": "Customer until", "revenue": "Annual revenue",
           "industry": "Industry", "employees": "Number of employees", "region": "Region",
           "won_deals": "Won deals", "yes": "Done", "no": "Not done"},
    "nl": {"deal": "Deal", "id": "ID", "title": "Titel", "value": "Waarde", "currency": "Valuta", "stage": "Fase",
           "status": "Status", "owner": "Eigenaar", "pipeline": "Pijplijn", "org": "Organisatie",
           "created": "Deal aangemaakt", "won": "Tijdstip gewonnen", "lost": "Tijdstip verloren",
           "reason": "Reden verlies", "activity": "Activiteit", "type": "Type", "due": "Vervaldatum",
           "done": "Gedaan", "user": "Toegewezen aan gebruiker", "deal_id": "Deal-ID", "subject": "Onderwerp",
           "organization": "Organisatie", "name": "Naam", "since": "Klant sinds", "until": "Klant tot",
           "revenue": "Jaaromzet", "industry": "Branche", "employees": "Aantal medewerkers", "region": "Regio",
           "won_deals": "Gewonnen deals", "yes": "1", "no": "0"},
}


def write_pipedrive(company: SampleCompany, folder: Path, language: str = "en") -> list[Path]:
    """Deals, activities and organizations: English as UTF-8 with BOM and ``,``; Dutch as Windows-1252, ``;``,
    day-month dates and ``1.234,50`` amounts."""
    h = PIPEDRIVE[language]
    dutch = language == "nl"
    stamp = "%d-%m-%Y %H:%M" if dutch else "%Y-%m-%d %H:%M:%S"
    day = "%d-%m-%Y" if dutch else "%Y-%m-%d"
    deals = deals_as_exported(company)
    status = np.where(deals["stage"] == "Gewonnen", "won", np.where(deals["stage"] == "Verloren", "lost", "open"))
    stage = deals["stage"].where(status == "open", _last_open_stage(company))
    d = f"{h['deal']} - "
    frame = pd.DataFrame({
        d + h["id"]: deals["deal_id"], d + h["title"]: "Deal " + deals["deal_id"],
        d + h["value"]: _amounts(deals["value"], dutch, "€ " if dutch else ""), d + h["currency"]: "EUR",
        d + h["stage"]: stage, d + h["status"]: status, d + h["owner"]: deals["owner"],
        d + h["pipeline"]: "Sales", d + h["org"]: deals["customer_id"],
        d + h["created"]: _dates(deals["created"], stamp),
        d + h["won"]: _dates(deals["closed"].where(status == "won"), stamp),
        d + h["lost"]: _dates(deals["closed"].where(status == "lost"), stamp),
        d + h["reason"]: deals["lost_reason"],
    })
    a = f"{h['activity']} - "
    acts = company.activities
    notes = acts["notes"].copy()
    notes.iloc[3] = NOTE
    activities = pd.DataFrame({
        a + h["type"]: company.activity_labels, a + h["due"]: _dates(acts["date"], day), a + h["done"]: h["yes"],
        a + h["user"]: acts["owner"], a + h["deal_id"]: acts["deal_id"], a + h["organization"]: acts["customer_id"],
        a + h["subject"]: notes,
    })
    not_done = activities.iloc[[0]].assign(**{a + h["done"]: h["no"], a + h["type"]: "Lunch"})
    activities.loc[1, a + h["type"]] = "Lunch"  # a type the config lacks, done
    activities = pd.concat([activities, not_done], ignore_index=True)
    o = f"{h['organization']} - "
    cust = company.customers
    won_deals = company.deals[company.deals["stage"] == "Gewonnen"].groupby("customer_id").size()
    orgs = pd.DataFrame({
        o + h["name"]: cust["customer_id"], o + h["owner"]: cust["owner"],
        o + h["since"]: _dates(cust["since"], day), o + h["until"]: _dates(cust["until"], day),
        o + h["revenue"]: _amounts(cust["revenue"], dutch), o + h["industry"]: cust["industry"],
        o + h["employees"]: cust["employees"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        o + h["region"]: cust["region"], o + h["won_deals"]: cust["customer_id"].map(won_deals).fillna(0).astype(int),
    })
    prospect = {c: "" for c in orgs.columns} | {o + h["name"]: "Prospect B.V.", o + h["won_deals"]: 0}
    orgs = pd.concat([orgs, pd.DataFrame([prospect])], ignore_index=True)
    options = {"sep": ";", "encoding": "cp1252"} if dutch else {"sep": ",", "encoding": "utf-8-sig"}
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in (("deals", frame), ("activities", activities), ("organizations", orgs)):
        path = folder / f"pipedrive-{name}-{language}.csv"
        table.to_csv(path, index=False, **options)
        paths.append(path)
    return paths


# -- HubSpot ------------------------------------------------------------------------------------------

HUBSPOT = {
    "en": {"id": "Record ID", "name": "Deal Name", "stage": "Deal Stage", "pipeline": "Pipeline", "amount": "Amount",
           "owner": "Deal owner", "created": "Create Date", "close": "Close Date", "reason": "Closed Lost Reason",
           "company": "Associated Company IDs", "contact": "Associated Contact IDs", "entered": "Date entered",
           "won": "Closed Won", "lost": "Closed Lost", "first": "First Name", "cowner": "Contact owner",
           "cname": "Company Name", "source": "Original Source", "industry": "Industry",
           "employees": "Number of Employees", "region": "State/Region", "coname": "Company name",
           "coowner": "Company owner", "became": "Became a Customer Date", "life": "Lifecycle Stage",
           "revenue": "Annual Revenue", "contacted": "Last Contacted", "domain": "Company Domain Name",
           "customer": "Customer"},
    "nl": {"id": "Record-ID", "name": "Dealnaam", "stage": "Dealfase", "pipeline": "Pijplijn", "amount": "Bedrag",
           "owner": "Eigenaar van deal", "created": "Aanmaakdatum", "close": "Sluitingsdatum",
           "reason": "Reden gesloten verloren", "company": "Gekoppelde bedrijfs-ID's",
           "contact": "Gekoppelde contact-ID's", "entered": "Datum ingevoerd", "won": "Gesloten gewonnen",
           "lost": "Gesloten verloren", "first": "Voornaam", "cowner": "Eigenaar van contactpersoon",
           "cname": "Bedrijfsnaam", "source": "Oorspronkelijke bron", "industry": "Branche",
           "employees": "Aantal werknemers", "region": "Provincie/regio", "coname": "Bedrijfsnaam",
           "coowner": "Eigenaar van bedrijf", "became": "Datum klant geworden", "life": "Levenscyclusfase",
           "revenue": "Jaarlijkse omzet", "contacted": "Laatst gecontacteerd", "domain": "Domeinnaam bedrijf",
           "customer": "Klant"},
}
PIPELINE = "Sales Pipeline"


def write_hubspot(company: SampleCompany, folder: Path, language: str = "en", xlsx: bool = False) -> list[Path]:
    """Deals (with ``Date entered`` columns and a deal of another pipeline), contacts and companies. English:
    CSV with US dates (3/1/2026 12:00 AM); Dutch: ``xlsx=True`` an XLSX with typed cells, else CSV with
    day-month dates."""
    h = HUBSPOT[language]
    dutch = language == "nl"
    stamp = "%d-%m-%Y %H:%M" if dutch else "%-m/%-d/%Y %-I:%M %p"

    def when(values):
        return pd.to_datetime(values) if xlsx else _dates(values, stamp)

    deals = deals_as_exported(company)
    names = {"Gewonnen": h["won"], "Verloren": h["lost"]}
    expected = deals["created"] + pd.Timedelta(days=60)  # an open deal's expected close date: not a close
    frame = pd.DataFrame({
        h["id"]: deals["deal_id"], h["name"]: "Deal " + deals["deal_id"], h["stage"]: deals["stage"].replace(names),
        h["pipeline"]: PIPELINE, h["amount"]: deals["value"] if xlsx else _amounts(deals["value"], dutch),
        h["owner"]: deals["owner"], h["created"]: when(deals["created"]),
        h["close"]: when(deals["closed"].fillna(expected)), h["reason"]: deals["lost_reason"],
        h["company"]: deals["customer_id"], h["contact"]: deals["lead_id"],
    })
    for stage in company.settings.stage_names:
        frame[f'{h["entered"]} "{names.get(stage, stage)} ({PIPELINE})"'] = when(company.stage_dates[stage])
    frame[f'{h["entered"]} "Intake (Partner Pipeline)"'] = when(company.stage_dates["Intake"])
    other = frame.iloc[[0]].assign(**{h["id"]: "P-1", h["pipeline"]: "Partner Pipeline"})
    frame = pd.concat([frame, other], ignore_index=True)
    leads = company.leads
    contacts = pd.DataFrame({
        h["id"]: leads["lead_id"], h["first"]: "Jan", h["created"]: when(leads["created"]),
        h["cowner"]: leads["owner"], h["cname"]: leads["company"], h["source"]: leads["source"],
        h["industry"]: leads["industry"], h["employees"]: leads["employees"], h["region"]: leads["region"],
    })
    cust = company.customers
    companies = pd.DataFrame({
        h["id"]: cust["customer_id"], h["coname"]: cust["company"], h["coowner"]: cust["owner"],
        h["became"]: when(cust["since"]), h["life"]: h["customer"],
        h["revenue"]: cust["revenue"], h["contacted"]: when(cust["last_contact"]), h["industry"]: cust["industry"],
        h["employees"]: cust["employees"], h["region"]: cust["region"], h["domain"]: "example.nl",
    })
    lead_company = {c: None for c in companies.columns} | {h["id"]: "X-1", h["coname"]: "Prospect", h["life"]: "Lead"}
    companies = pd.concat([companies, pd.DataFrame([lead_company])], ignore_index=True)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in (("deals", frame), ("contacts", contacts), ("companies", companies)):
        if xlsx:
            path = folder / f"hubspot-{name}-{language}.xlsx"
            table.to_excel(path, index=False, engine="xlsxwriter")
        else:
            path = folder / f"hubspot-{name}-{language}.csv"
            table.to_csv(path, index=False, sep=";" if dutch else ",", encoding="utf-8")
        paths.append(path)
    return paths


# -- Salesforce ---------------------------------------------------------------------------------------

def write_salesforce(company: SampleCompany, folder: Path) -> list[Path]:
    """The Opportunities report and the Opportunity History report (English, US dates), with an amount
    change in the history (a row that repeats the stage)."""
    deals = deals_as_exported(company)
    names = {"Gewonnen": "Closed Won", "Verloren": "Closed Lost"}
    expected = deals["created"] + pd.Timedelta(days=45)
    opps = pd.DataFrame({
        "Opportunity ID": deals["deal_id"], "Opportunity Name": "Deal " + deals["deal_id"],
        "Stage": deals["stage"].replace(names), "Amount": _amounts(deals["value"], False),
        "Close Date": _dates(deals["closed"].fillna(expected), "%-m/%-d/%Y"),
        "Created Date": _dates(deals["created"], "%-m/%-d/%Y"), "Opportunity Owner": deals["owner"],
        "Account Name": deals["customer_id"], "Loss Reason": deals["lost_reason"],
    })
    history = company.stage_history()
    repeat = history.iloc[[0]]  # an amount change the same day: a row that repeats the stage
    history = pd.concat([history.iloc[:1], repeat, history.iloc[1:]], ignore_index=True)
    report = pd.DataFrame({
        "Opportunity ID": history["deal_id"], "Stage": history["stage"].replace(names),
        "Amount": "1,000.00", "Last Modified": _dates(history["date"], "%-m/%-d/%Y"),
    })
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "Opportunities.csv", folder / "Opportunity History.csv"]
    opps.to_csv(paths[0], index=False)
    report.to_csv(paths[1], index=False)
    return paths


# -- Teamleader ---------------------------------------------------------------------------------------

def write_teamleader(company: SampleCompany, folder: Path) -> list[Path]:
    """Deals and companies in Dutch (``;``, day-month dates, ``1.234,50``)."""
    deals = deals_as_exported(company)
    status = np.where(deals["stage"] == "Gewonnen", "gewonnen", np.where(deals["stage"] == "Verloren", "verloren",
                                                                         "open"))
    frame = pd.DataFrame({
        "Deal-ID": deals["deal_id"], "Titel": "Deal " + deals["deal_id"],
        "Fase": deals["stage"].where(status == "open", _last_open_stage(company)), "Status": status,
        "Verantwoordelijke": deals["owner"], "Geschatte waarde": _amounts(deals["value"], True),
        "Aangemaakt op": _dates(deals["created"], "%d/%m/%Y"), "Afgesloten op": _dates(deals["closed"], "%d/%m/%Y"),
        "Klant": deals["customer_id"], "Reden verloren": deals["lost_reason"],
    })
    cust = company.customers
    companies = pd.DataFrame({
        "Bedrijfsnaam": cust["customer_id"], "Klant sinds": _dates(cust["since"], "%d/%m/%Y"),
        "Accountmanager": cust["owner"], "Sector": cust["industry"], "Regio": cust["region"],
        "Aantal werknemers": cust["employees"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        "Jaaromzet": _amounts(cust["revenue"], True), "BTW-nummer": "NL000099998B57",
    })
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "teamleader-deals.csv", folder / "teamleader-bedrijven.csv"]
    frame.to_csv(paths[0], index=False, sep=";")
    companies.to_csv(paths[1], index=False, sep=";")
    return paths


# -- the same facts typed into the workbook directly ---------------------------------------------------

def reference(company: SampleCompany, crm: str) -> dict[str, pd.DataFrame]:
    """The tables a director would type from the facts the export carries (what it cannot carry empty)."""
    s = company.settings
    deals = deals_as_exported(company)
    stage_dates = company.stage_dates.copy()
    if crm != "hubspot":  # no stage dates but the won / lost time
        for stage in s.stage_names:
            stage_dates[stage] = pd.NaT
        for stage in (s.won, s.lost):
            stage_dates[stage] = deals["closed"].where(deals["stage"] == stage)
    else:
        for stage in (s.won, s.lost):
            stage_dates[stage] = stage_dates[stage].fillna(deals["closed"].where(deals["stage"] == stage))
    if crm in ("pipedrive", "salesforce", "teamleader"):
        deals["lead_id"] = None
    if crm == "hubspot":  # HubSpot's stage column says Closed Won/Lost; the lost reason is its own column
        pass
    deals = pd.concat([deals, stage_dates], axis=1)
    activities = company.activities.assign(type=company.activity_labels)
    leads, customers = company.leads.copy(), company.customers.copy()
    tables = {"Deals": deals, "Activities": activities, "Leads": leads, "Customers": customers}
    if crm == "pipedrive":
        activities = activities.assign(lead_id=None)
        activities.loc[1, "type"] = "Lunch"
        activities.loc[3, "notes"] = NOTE
        tables["Activities"] = activities
        tables["Customers"] = customers.assign(last_contact=pd.NaT, lead_id=None, company=customers["customer_id"])
    if crm == "hubspot":
        tables["Leads"] = leads.assign(qualified=None, budget=np.nan)
        tables["Customers"] = customers.assign(until=pd.NaT, lead_id=None)
    if crm == "teamleader":
        tables["Customers"] = customers.assign(until=pd.NaT, lead_id=None, last_contact=pd.NaT)
    if crm == "salesforce":
        tables["StageHistory"] = company.stage_history()
    return tables
