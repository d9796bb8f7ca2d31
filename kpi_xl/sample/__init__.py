"""A seeded, realistic sample company: for the demo workbook, the tests and the benchmarks.

    from kpi_xl.sample import generate
    company = generate(seed=7)                      # the demo size: 8 reps, 14 months to 2026-10
    tables = read_tables(company.rows(), settings)  # as Excel would hand the tables over
    tables = tables_from_frames(**company.frames()) # or already typed (benchmarks)
    big = generate(leads=200_000, activities=1_000_000, deals=100_000, customers=20_000)

Everything is generated with numpy in whole arrays (no Python loop per row), so
a million activities take about a second. The same seed (and the same sizes,
months and config) always gives the same company.

What the company looks like (``scale=1``):

* **Reps**: 8 Dutch account managers (more for bigger sizes: one per 2,500
  activities), with different productivity; one joins a few months into the
  history (a new hire).
* **Leads** (~2,000): created on working days, slightly growing over time,
  quieter in the summer and at Christmas; ~6% without owner; source, company
  and a profile (industry, employees, region, budget) with a few blanks; the
  ``qualified`` column is mostly blank with a few manual ``ja``/``nee``.
* **Deals** (~600): most come from a lead (same owner), some are upsell deals
  of existing customers. Each enters the configured stages in order with
  gamma-distributed gaps (first contact → won takes about 50 days); some skip
  the first stage, Intake or the last open stage; for ~4% of the closed deals
  only ``closed`` is filled, not the won / lost stage column. About 30% won, 30% lost and
  the rest open at the end of the data; part of the open deals has stalled
  (no activity and no stage change for weeks: *sleeping deals*).
* **Customers** (~150): an existing base (customer for years) plus customers
  won from the deals, with yearly ``revenue``, a profile that leans to ICT and
  business services in the Randstad (so look-alike scores mean something),
  ``until`` for ~15% (churn), ``last_contact`` for about half.
* **Activities** (~20,000): call, voicemail, e-mail, LinkedIn, intake and
  meeting, written as the config names them or with Dutch aliases
  (``telefoon``, ``bellen``, ``mail``, ``afspraak``, ...). About a third
  belongs to a deal (``deal_id``), a third to a lead, a tenth to a customer
  (``customer_id``); the rest is cold outreach. Every open deal that is still
  being worked has a recent activity.
* **Stage history**: :meth:`SampleCompany.stage_history` gives the long form
  with re-entries (a few deals go Offerte → Onderhandeling → Offerte →
  Onderhandeling); ``rows(history=True)`` adds it as a StageHistory table.

``messy=False`` (the default) gives clean data: ``read_tables(company.rows())``
reports no problems. ``messy=True`` adds a small, deliberate sprinkling of what
real workbooks hold: ~3% of the deals with a stage date that goes backwards in
the configured order, ~0.3% activities of a type the config does not know
(``lunch``, ``WhatsApp``, ...), and in :meth:`SampleCompany.rows` only: dates
and amounts written as text (``31-03-2026``, ``31 mrt 2026``, ``€ 1.234,56``,
all readable), two leads whose date cannot be read, a deal whose value cannot
be read, a lead id given twice and an empty row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.names import name_key

# ----------------------------------------------------------------------------
# vocabulary

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
LEAD_INDUSTRY_P = (0.18, 0.17, 0.13, 0.10, 0.10, 0.08, 0.09, 0.07, 0.04, 0.04)
CUSTOMER_INDUSTRY_P = (0.31, 0.26, 0.15, 0.12, 0.06, 0.04, 0.03, 0.02, 0.01, 0.00)
REGIONS = ("Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Gelderland", "Overijssel", "Limburg",
           "Groningen", "Friesland", "Drenthe", "Flevoland", "Zeeland")
LEAD_REGION_P = (0.19, 0.19, 0.11, 0.14, 0.11, 0.06, 0.05, 0.04, 0.03, 0.03, 0.03, 0.02)
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

# Deals: the share that ends won / lost / stays open, before the end of the data cuts the young ones off.
FATE_P = (0.37, 0.36, 0.27)
UPSELL_FATE_P = (0.50, 0.25, 0.25)
STALLED_SHARE = 0.3  # of the deals that stay open: no activity after their last stage change
LEAD_FOLLOW_UP_DAYS = 60  # activities on a lead fall in its first two months
CLOSED_ONLY_SHARE = 0.04  # of the won / lost deals: the won / lost stage column is blank, ``closed`` is filled


# ----------------------------------------------------------------------------
# the result


@dataclass
class SampleCompany:
    """The generated tables, typed, plus ways to hand them over (:meth:`frames`, :meth:`rows`)."""

    settings: Settings
    seed: int
    end_month: str  # "2026-10": the last month of the history
    start: pd.Timestamp  # first day of the history
    end: pd.Timestamp  # last day of the history
    messy: bool
    reps: list[str]
    leads: pd.DataFrame
    activities: pd.DataFrame
    deals: pd.DataFrame
    customers: pd.DataFrame
    stage_dates: pd.DataFrame  # one datetime column per configured stage, aligned with ``deals``
    reentries: pd.DataFrame = field(repr=False)  # deal_id, stage, date: extra entries of the stage history
    activity_labels: np.ndarray = field(repr=False)  # the type as written, aligned with ``activities``

    def __repr__(self) -> str:
        return (f"SampleCompany(seed={self.seed}, {self.start:%Y-%m}..{self.end_month}, reps={len(self.reps)}, "
                f"leads={len(self.leads)}, activities={len(self.activities)}, deals={len(self.deals)}, "
                f"customers={len(self.customers)}, messy={self.messy})")

    # -- typed ----------------------------------------------------------------

    def stage_events(self) -> pd.DataFrame:
        """The per-stage date columns in long form: deal_id, stage, date, _row, _column (as read_tables makes it)."""
        parts = []
        deal_ids = self.deals["deal_id"].to_numpy(dtype=object)
        rows = np.arange(2, len(self.deals) + 2, dtype="int64")
        for stage in self.settings.stage_names:
            dates = self.stage_dates[stage]
            has = dates.notna().to_numpy()
            parts.append(pd.DataFrame({
                "deal_id": pd.Series(deal_ids[has], dtype=object), "stage": pd.Series(stage, index=range(has.sum()),
                                                                                     dtype=object),
                "date": dates.to_numpy()[has], "_row": rows[has],
                "_column": pd.Series(stage, index=range(has.sum()), dtype=object),
            }))
        return pd.concat(parts, ignore_index=True)

    def stage_history(self) -> pd.DataFrame:
        """The stage history as a StageHistory table would hold it: deal_id, stage, date, sorted by deal and date,
        with the re-entries (Offerte → Onderhandeling → Offerte → Onderhandeling) of a few deals."""
        events = self.stage_events()[["deal_id", "stage", "date"]]
        order = events["stage"].map(self.settings.stage_order)
        events = events.assign(_order=order, _re=0)
        extra = self.reentries.assign(_order=self.reentries["stage"].map(self.settings.stage_order), _re=1)
        history = pd.concat([events, extra], ignore_index=True)
        # same-day entries in the configured order, except a re-entry that goes back
        history = history.sort_values(["deal_id", "date", "_re", "_order"], kind="stable")
        return history[["deal_id", "stage", "date"]].reset_index(drop=True)

    def frames(self, history: bool = False) -> dict[str, pd.DataFrame]:
        """Typed DataFrames with the canonical columns, ready for ``tables_from_frames(**company.frames())``.

        ``stage_events`` is the long form of the per-stage date columns; with
        ``history=True`` it is :meth:`stage_history` (with re-entries): then use
        :meth:`tables`, which marks the events as a StageHistory table.
        """
        if history:
            events = self.stage_history()
            events["_row"] = np.arange(2, len(events) + 2, dtype="int64")
            events["_column"] = pd.Series("date", index=events.index, dtype=object)
        else:
            events = self.stage_events()
        return {"leads": self.leads.copy(), "activities": self.activities.copy(), "deals": self.deals.copy(),
                "customers": self.customers.copy(), "stage_events": events}

    def tables(self, history: bool = False):
        """:class:`~kpi_xl.tables.Tables` straight from the typed frames (no cell parsing)."""
        from kpi_xl.tables import tables_from_frames

        tables = tables_from_frames(**self.frames(history=history))
        if history:
            tables.history_source = "table"
        return tables

    # -- as Excel hands it over -----------------------------------------------

    def rows(self, history: bool = False, headers: str = "en") -> dict[str, list[list[object]]]:
        """Each table as Excel hands it over: a header row, then ``datetime``, ``float``, ``str`` or ``None`` cells.

        Deals get one date column per configured stage, named like the stage.
        ``history=True`` adds the StageHistory table (with re-entries).
        ``headers="nl"`` writes Dutch headers (``Eigenaar``, ``Waarde``, ``Eerste contact``, ...).
        """
        if headers not in ("en", "nl"):
            raise ValueError("headers must be 'en' or 'nl'")
        rng = np.random.default_rng([self.seed, 99])

        def head(table: str, columns: list[str]) -> list[str]:
            names = DUTCH_HEADERS[table] if headers == "nl" else {}
            return [names.get(c, c) for c in columns]

        out: dict[str, list[list[object]]] = {}
        leads = self.leads.copy()
        leads["qualified"] = leads["qualified"].map({True: "ja", False: "nee"}).astype(object)
        lead_cells = _cells(leads, COLUMNS["Leads"])
        deal_cells = _cells(self.deals, COLUMNS["Deals"]) + _cells(self.stage_dates, self.settings.stage_names)
        activity_frame = self.activities.assign(type=pd.Series(self.activity_labels, index=self.activities.index,
                                                               dtype=object))
        activity_cells = _cells(activity_frame, COLUMNS["Activities"])
        customer_cells = _cells(self.customers, COLUMNS["Customers"])
        if self.messy:
            _messy_cells(rng, lead_cells, deal_cells)
        out["Leads"] = [head("Leads", COLUMNS["Leads"]), *map(list, zip(*lead_cells, strict=True))]
        out["Activities"] = [head("Activities", COLUMNS["Activities"]),
                             *map(list, zip(*activity_cells, strict=True))]
        out["Deals"] = [head("Deals", COLUMNS["Deals"]) + list(self.settings.stage_names),
                        *map(list, zip(*deal_cells, strict=True))]
        out["Customers"] = [head("Customers", COLUMNS["Customers"]), *map(list, zip(*customer_cells, strict=True))]
        if self.messy:
            if len(out["Leads"]) > 3:
                out["Leads"].append(list(out["Leads"][2]))  # a lead id given twice
            if len(out["Activities"]) > 10:
                out["Activities"].insert(len(out["Activities"]) // 2, [None] * len(COLUMNS["Activities"]))
        if history:
            events = self.stage_history()
            out["StageHistory"] = [head("StageHistory", ["deal_id", "stage", "date"]),
                                   *map(list, zip(*_cells(events, ["deal_id", "stage", "date"]), strict=True))]
        return out


def _cells(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    """Column-wise Python values: datetime for dates, float for numbers, str, None for blanks."""
    out = []
    for column in columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            cells = values.to_numpy(dtype="datetime64[us]").astype(object).tolist()
        elif pd.api.types.is_float_dtype(values):
            cells = [None if v != v else v for v in values.to_numpy(dtype="float64").tolist()]
        else:
            cells = [None if v is None or v is pd.NA or v != v else v for v in values.to_numpy(dtype=object).tolist()]
        out.append(cells)
    return out


def _messy_cells(rng: np.random.Generator, lead_cells: list[list], deal_cells: list[list]) -> None:
    """Readable text dates and amounts, plus a few cells that cannot be read (messy=True, rows only)."""
    created = lead_cells[COLUMNS["Leads"].index("created")]
    n = len(created)
    for i in rng.choice(n, size=min(n, max(1, n // 100)), replace=False):
        day = created[i]
        created[i] = day.strftime("%d-%m-%Y") if i % 3 else f"{day.day} {_MAAND[day.month - 1]} {day.year}"
    if n > 10:
        created[5], created[n - 4] = "gisteren", "31-02-2026"
    value = deal_cells[COLUMNS["Deals"].index("value")]
    m = len(value)
    for i in rng.choice(m, size=min(m, max(1, m // 50)), replace=False):
        if value[i] is not None:
            value[i] = "€ " + f"{value[i]:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if m > 10:
        value[7] = "n.v.t."


_MAAND = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


# ----------------------------------------------------------------------------
# helpers


def _choice(rng: np.random.Generator, values, size: int, p=None) -> np.ndarray:
    """Random picks from ``values`` as an object array."""
    values = np.asarray(values, dtype=object)
    if p is not None:
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
    return values[rng.choice(len(values), size=size, p=p)]


def _blank(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    """Make a share of the cells empty (None or NaN)."""
    values = values.copy()
    hit = rng.random(len(values)) < share
    values[hit] = np.nan if values.dtype.kind == "f" else None
    return values


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday for days since 1970-01-01 (a Thursday)."""
    return (days + 3) % 7


def _workday(rng: np.random.Generator, days: np.ndarray, lo, hi, keep: float = 0.04) -> np.ndarray:
    """Move most weekend days to a random working day of the same week (or the week after), within [lo, hi]."""
    wd = _weekday(days)
    weekend = (wd >= 5) & (rng.random(len(days)) >= keep)
    same_week = days - wd + rng.integers(0, 5, len(days))
    next_week = same_week + 7
    moved = np.where(same_week >= lo, same_week, np.where(next_week <= hi, next_week, days))
    moved = np.where(moved <= hi, moved, days)
    return np.where(weekend, moved, days)


def _forward_workday(days: np.ndarray) -> np.ndarray:
    """Saturday and Sunday → the Monday after (keeps the order of dates)."""
    wd = _weekday(days)
    return np.where(wd >= 5, days + (7 - wd), days)


def _uniform_days(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A whole day in [lo, hi] for every pair (hi >= lo)."""
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype("int64")


def _to_datetime(days: np.ndarray) -> np.ndarray:
    """Integer days (``NO_DAY`` = empty) → datetime64[ns] with NaT."""
    days = np.asarray(days, dtype="int64")
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[days == NO_DAY] = np.datetime64("NaT")
    return out


def _ids(prefix: str, n: int) -> np.ndarray:
    """``L00001``, ``L00002``, ... as an object array."""
    width = max(5, len(str(n)))
    if n == 0:
        return np.zeros(0, dtype=object)
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype("U"), width)).astype(object)


def _take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``values[rows]`` as an object array, None where the row is -1."""
    return np.append(np.asarray(values, dtype=object), None)[rows]


def _weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices, drawn with probability proportional to ``weights`` (Efraimidis–Spirakis)."""
    keys = np.log(rng.random(len(weights))) / np.maximum(weights, 1e-12)
    if k >= len(weights):
        return np.argsort(-keys, kind="stable")
    return np.argpartition(-keys, k - 1)[:k]


def _gamma_days(rng: np.random.Generator, mean: float, size, shape: float = 2.0) -> np.ndarray:
    return rng.gamma(shape, mean / shape, size=size)


def _obj(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


# ----------------------------------------------------------------------------
# the generator


def generate(
    seed: int = 7,
    scale: float = 1.0,
    end_month: str = "2026-10",
    months: int = 14,
    settings: Settings | None = None,
    messy: bool = False,
    *,
    leads: int | None = None,
    activities: int | None = None,
    deals: int | None = None,
    customers: int | None = None,
    reps: int | None = None,
) -> SampleCompany:
    """A sample company with ``months`` months of history ending with ``end_month``.

    ``scale`` multiplies the demo sizes (2,000 leads, 20,000 activities, 600
    deals, 150 customers); ``leads=``, ``activities=``, ``deals=`` and
    ``customers=`` set exact counts instead. ``reps`` defaults to one rep per
    2,500 activities, at least 8. ``settings`` (default: the packaged config)
    gives the stages and the activity types.
    """
    if settings is None:
        from kpi_xl.config import load_config

        settings = load_config()
    n_leads = int(leads if leads is not None else round(DEMO["leads"] * scale))
    n_acts = int(activities if activities is not None else round(DEMO["activities"] * scale))
    n_deals = int(deals if deals is not None else round(DEMO["deals"] * scale))
    n_customers = int(customers if customers is not None else round(DEMO["customers"] * scale))
    n_reps = int(reps if reps is not None else max(len(REP_NAMES), round(n_acts / ACTIVITIES_PER_REP)))
    if min(n_leads, n_acts, n_deals, n_customers) < 0 or n_reps < 1 or months < 1:
        raise ValueError("counts must be 0 or more, reps and months 1 or more")

    rng = np.random.default_rng(seed)
    last = pd.Period(end_month, freq="M")
    first = last - (months - 1)
    start_day = int((first.start_time.normalize() - pd.Timestamp("1970-01-01")).days)
    end_day = int((last.end_time.normalize() - pd.Timestamp("1970-01-01")).days)
    world = _World(rng, settings, start_day, end_day, messy)

    world.make_reps(n_reps)
    lead_frame, lead_info = world.make_leads(n_leads)
    deal_a = world.make_lead_deals(lead_info, n_deals - int(round(n_deals * 0.12)) if n_customers else n_deals)
    customer_frame, customer_info = world.make_customers(n_customers, lead_info, deal_a)
    deal_b = world.make_upsell_deals(customer_info, n_deals - len(deal_a["created"]))
    deal_frame, stage_frame, deal_info = world.finish_deals(deal_a, deal_b, lead_info, customer_info)
    activity_frame, labels = world.make_activities(n_acts, lead_info, deal_info, customer_info)
    reentries = world.make_reentries(deal_info)

    return SampleCompany(
        settings=settings, seed=seed, end_month=str(last), start=first.start_time.normalize(),
        end=last.end_time.normalize(), messy=messy, reps=list(world.rep_names),
        leads=lead_frame, activities=activity_frame, deals=deal_frame, customers=customer_frame,
        stage_dates=stage_frame, reentries=reentries, activity_labels=labels,
    )


class _World:
    """The state shared by the steps of :func:`generate`."""

    def __init__(self, rng: np.random.Generator, settings: Settings, start_day: int, end_day: int, messy: bool):
        self.rng = rng
        self.settings = settings
        self.start, self.end = start_day, end_day
        self.messy = messy
        self.days = np.arange(start_day, end_day + 1, dtype="int64")
        self.day_p = self._day_weights(self.days)
        self.open_stages = list(settings.open_stages)
        self.columns = [*self.open_stages, settings.won, settings.lost]  # internal stage columns

    # -- calendar -------------------------------------------------------------

    def _day_weights(self, days: np.ndarray) -> np.ndarray:
        wd = _weekday(days)
        w = np.where(wd < 5, 1.0, np.where(wd == 5, 0.04, 0.02))
        stamps = days.astype("datetime64[D]")
        month = (stamps.astype("datetime64[M]").astype("int64") % 12) + 1
        day_of_month = (stamps - stamps.astype("datetime64[M]")).astype("int64") + 1
        w = w * np.where((month == 7) | (month == 8), 0.7, 1.0)
        w = w * np.where((month == 12) & (day_of_month >= 22), 0.35, 1.0)
        w = w * np.where((month == 1) & (day_of_month <= 2), 0.2, 1.0)
        trend = 1.0 + 0.3 * (days - days[0]) / max(1, days[-1] - days[0])
        w = w * trend
        return w / w.sum()

    def random_days(self, n: int) -> np.ndarray:
        return self.days[self.rng.choice(len(self.days), size=n, p=self.day_p)]

    # -- reps -----------------------------------------------------------------

    def make_reps(self, n: int) -> None:
        rng = self.rng
        names = list(REP_NAMES[:n])
        if n > len(names):
            taken = set(names)
            pool = [f"{a} {b}" for a in FIRST_NAMES for b in LAST_NAMES if f"{a} {b}" not in taken]
            order = rng.permutation(len(pool))
            extra = [pool[i] for i in order[: n - len(names)]]
            while len(names) + len(extra) < n:  # more reps than names: number the rest
                extra.append(f"{pool[order[len(extra) % len(pool)]]} {len(extra) // len(pool) + 2}")
            names += extra
        self.rep_names = np.array(names, dtype=object)
        self.rep_weight = rng.uniform(0.5, 1.5, size=n)
        # one new hire in the demo team; a tenth of a bigger team joined during the history
        span = self.end - self.start
        join = np.full(n, self.start, dtype="int64")
        if n >= 2:
            join[n - 1] = self.start + int(span * 0.3)
        if n > len(REP_NAMES):
            later = rng.random(n) < 0.1
            later[0] = False
            join[later] = self.start + (rng.random(later.sum()) * span * 0.8).astype("int64")
        self.rep_join = join

    def pick_reps(self, days: np.ndarray) -> np.ndarray:
        """A rep per date, by productivity, among the reps already employed on that date."""
        rng = self.rng
        p = self.rep_weight / self.rep_weight.sum()
        reps = rng.choice(len(p), size=len(days), p=p)
        founders = np.flatnonzero(self.rep_join <= self.start)
        early = self.rep_join[reps] > days
        if early.any():
            fp = self.rep_weight[founders] / self.rep_weight[founders].sum()
            reps[early] = founders[rng.choice(len(founders), size=int(early.sum()), p=fp)]
        return reps

    # -- leads ----------------------------------------------------------------

    def _profile(self, n: int, customers: bool):
        rng = self.rng
        industry = _choice(rng, INDUSTRIES, n, CUSTOMER_INDUSTRY_P if customers else LEAD_INDUSTRY_P)
        region = _choice(rng, REGIONS, n, CUSTOMER_REGION_P if customers else LEAD_REGION_P)
        mu, sigma = (np.log(60), 0.9) if customers else (np.log(35), 1.3)
        employees = np.clip(np.round(rng.lognormal(mu, sigma, n)), 1, 25_000).astype("float64")
        return industry, employees, region

    def _companies(self, n: int) -> np.ndarray:
        names = np.array([f"{a} {b} {c}" for a in COMPANY_A for b in COMPANY_B for c in sorted(set(COMPANY_FORM))],
                         dtype=object)
        form_p = np.array([COMPANY_FORM.count(c) for c in sorted(set(COMPANY_FORM))], dtype=float)
        p = np.tile(form_p, len(COMPANY_A) * len(COMPANY_B))
        return names[self.rng.choice(len(names), size=n, p=p / p.sum())]

    def make_leads(self, n: int):
        rng = self.rng
        created = np.sort(self.random_days(n))
        rep = self.pick_reps(created)
        unassigned = rng.random(n) < 0.06
        owner = self.rep_names[rep]
        owner[unassigned] = None
        industry, employees, region = self._profile(n, customers=False)
        budget = np.round(rng.lognormal(np.log(7000), 0.8, n) / 500) * 500
        qualified = pd.array([pd.NA] * n, dtype="boolean")
        manual = rng.random(n) < 0.04
        qualified[manual] = rng.random(int(manual.sum())) < 0.6
        frame = pd.DataFrame({
            "lead_id": _obj(_ids("L", n)),
            "created": _to_datetime(created),
            "owner": _obj(owner),
            "company": _obj(self._companies(n)),
            "source": _obj(_blank(rng, _choice(rng, SOURCES, n, SOURCE_P), 0.02)),
            "qualified": qualified,
            "industry": _obj(_blank(rng, industry, 0.03)),
            "employees": _blank(rng, employees, 0.05),
            "region": _obj(_blank(rng, region, 0.02)),
            "budget": _blank(rng, budget, 0.45),
        })
        fit = (np.isin(industry, ["ICT", "Zakelijke dienstverlening", "Industrie", "Groothandel"]) * 1.5 + 0.5)
        info = {"ids": frame["lead_id"].to_numpy(dtype=object), "created": created,
                "rep": np.where(unassigned, -1, rep),
                "industry": industry, "employees": employees, "region": region,
                "company": frame["company"].to_numpy(dtype=object), "fit": fit}
        return frame, info

    # -- deals ----------------------------------------------------------------

    def _stages(self, created: np.ndarray, fate_p) -> dict:
        """Stage entry days per deal (columns: open stages..., won, lost; ``NO_DAY`` = not entered)."""
        rng = self.rng
        n, k = len(created), len(self.open_stages)
        fate = rng.choice(3, size=n, p=fate_p)  # 0 won, 1 lost, 2 stays open
        lost_reach = np.array([0.25, 0.30, 0.30, 0.15][:k] + [0.15] * max(0, k - 4))
        open_reach = np.array([0.30, 0.25, 0.30, 0.15][:k] + [0.15] * max(0, k - 4))
        reach = np.full(n, k - 1)
        lost, still = fate == 1, fate == 2
        reach[lost] = rng.choice(k, size=int(lost.sum()), p=lost_reach / lost_reach.sum())
        reach[still] = rng.choice(k, size=int(still.sum()), p=open_reach / open_reach.sum())
        cols = np.arange(k + 2)
        include = np.zeros((n, k + 2), dtype=bool)
        include[:, :k] = cols[None, :k] <= reach[:, None]
        include[:, k] = fate == 0
        include[:, k + 1] = fate == 1
        # skipped stages: the first (an inbound deal starts at Intake), another one now and then,
        # and the last open stage for some won deals (straight from the quote to signed)
        for j in range(k):
            p_skip = 0.10 if j == 0 else (0.15 if j == k - 1 and k > 2 else 0.05)
            allowed = (j < reach) | ((fate == 0) & (j == k - 1) & (j > 0))
            include[:, j] &= ~(allowed & (rng.random(n) < p_skip))
        mean_gap = [0.0] + [8.0, 14.0, 16.0, 18.0, 18.0][: max(0, k - 1)] + [12.0] * max(0, k - 6)
        mean_gap = np.array(mean_gap[:k] + [13.0, 21.0])
        gaps = _gamma_days(rng, mean_gap[None, :], (n, k + 2))
        gaps[:, 0] = 0
        gaps[~include] = 0
        first = np.argmax(include, axis=1)
        gaps[np.arange(n), first] = 0  # the first stage is entered at first contact
        days = created[:, None] + np.round(np.cumsum(gaps, axis=1)).astype("int64")
        days = _forward_workday(days)
        days[np.arange(n), first] = created  # (a deal created on the last Saturday stays in the data)
        include &= days <= self.end  # the end of the data cuts young deals off
        days = np.where(include, days, NO_DAY)
        current = (k + 1) - np.argmax(include[:, ::-1], axis=1)
        stalled = (fate == 2) & (rng.random(n) < STALLED_SHARE)
        return {"days": days, "current": current, "fate": fate, "stalled": stalled}

    def _values(self, employees: np.ndarray, base: float) -> np.ndarray:
        rng = self.rng
        size = np.where(np.isnan(employees), 40.0, employees)
        value = base * (size / 40.0) ** 0.25 * rng.lognormal(0.0, 0.6, len(size))
        return np.round(np.clip(value, 500, 500_000) / 50) * 50

    def make_lead_deals(self, lead: dict, n: int) -> dict:
        rng = self.rng
        n_leads = len(lead["created"])
        if n <= 0 or n_leads == 0:
            return self._empty_deals()
        if n <= n_leads:
            src = _weighted_sample(rng, lead["fit"], n)
        else:
            src = rng.choice(n_leads, size=n, p=lead["fit"] / lead["fit"].sum())
        created = lead["created"][src] + np.round(rng.exponential(9.0, n)).astype("int64")
        created = _workday(rng, np.minimum(created, self.end), lead["created"][src], self.end, keep=0.0)
        rep = lead["rep"][src].copy()
        none = rep < 0
        rep[none] = self.pick_reps(created[none])
        stages = self._stages(created, FATE_P)
        return {"lead": src, "customer": np.full(n, -1), "created": created, "rep": rep,
                "value": self._values(lead["employees"][src], 6_500.0), **stages}

    def _empty_deals(self) -> dict:
        k = len(self.columns)
        empty = np.zeros(0, dtype="int64")
        return {"lead": empty, "customer": empty, "created": empty, "rep": empty, "value": np.zeros(0),
                "days": np.zeros((0, k), dtype="int64"), "current": empty, "fate": empty,
                "stalled": np.zeros(0, dtype=bool)}

    def make_upsell_deals(self, customer: dict, n: int) -> dict:
        rng = self.rng
        lo = np.maximum(customer["since"], self.start)
        hi = np.minimum(np.where(customer["until"] == NO_DAY, self.end, customer["until"] - 1), self.end)
        ok = np.flatnonzero(hi >= lo)
        if n <= 0 or len(ok) == 0:
            return self._empty_deals()
        src = ok[rng.choice(len(ok), size=n)]
        created = _workday(rng, _uniform_days(rng, lo[src], hi[src]), lo[src], hi[src], keep=0.0)
        stages = self._stages(created, UPSELL_FATE_P)
        return {"lead": np.full(n, -1), "customer": src, "created": created, "rep": customer["rep"][src],
                "value": self._values(customer["employees"][src], 4_000.0), **stages}

    def finish_deals(self, a: dict, b: dict, lead: dict, customer: dict):
        rng = self.rng
        d = {key: np.concatenate([a[key], b[key]]) for key in a}
        order = np.argsort(d["created"], kind="stable")
        d = {key: value[order] for key, value in d.items()}
        n, k = len(d["created"]), len(self.open_stages)
        days = d["days"]
        if self.messy and n:  # ~3%: two consecutive entered stages with their dates swapped
            both = (days[:, :-1] != NO_DAY) & (days[:, 1:] != NO_DAY) & (days[:, 1:] > days[:, :-1])
            both[:, k - 1:] = False  # open stages only, not into the won / lost columns
            pick = np.flatnonzero(both.any(axis=1) & (rng.random(n) < 0.03 / max(both.any(axis=1).mean(), 1e-9)))
            for i in pick:
                j = rng.choice(np.flatnonzero(both[i]))
                days[i, j], days[i, j + 1] = days[i, j + 1], days[i, j]
        current = np.array(self.columns, dtype=object)[d["current"]]
        won_day, lost_day = days[:, k], days[:, k + 1]
        closed = np.where(won_day != NO_DAY, won_day, lost_day)
        is_lost = lost_day != NO_DAY
        reason = _choice(rng, LOST_REASONS, n, LOST_REASON_P)
        reason[~is_lost] = None
        lead_ids = np.where(d["lead"] >= 0, lead["ids"][np.maximum(d["lead"], 0)] if len(lead["ids"]) else None, None)
        customer_ids = (np.where(d["customer"] >= 0, customer["ids"][np.maximum(d["customer"], 0)], None)
                        if len(customer["ids"]) else np.full(n, None, dtype=object))
        ids = _ids("D", n)
        frame = pd.DataFrame({
            "deal_id": _obj(ids),
            "owner": _obj(self.rep_names[d["rep"]]),
            "created": _to_datetime(d["created"]),
            "value": d["value"].astype("float64"),
            "stage": _obj(current),
            "closed": _to_datetime(closed),
            "lost_reason": _obj(reason),
            "customer_id": _obj(customer_ids),
            "lead_id": _obj(lead_ids),
        })
        by_name = dict(zip(self.columns, range(k + 2), strict=True))
        # a few closed deals only have the ``closed`` date, not the won / lost stage date
        shown = days.copy()
        only_closed = (closed != NO_DAY) & (rng.random(n) < CLOSED_ONLY_SHARE)
        shown[only_closed, k:] = NO_DAY
        stage_frame = pd.DataFrame({stage: _to_datetime(shown[:, by_name[stage]])
                                    for stage in self.settings.stage_names})
        # the last day the deal is worked on: closed, today, or shortly after its last movement (stalled)
        last_move = days.max(axis=1)
        is_open = closed == NO_DAY
        quiet = last_move + rng.integers(0, 10, n)
        until = np.where(is_open, np.where(d["stalled"], np.minimum(quiet, self.end), self.end), closed)
        info = {"ids": ids, "created": d["created"], "rep": d["rep"], "lead": d["lead"], "customer": d["customer"],
                "until": until, "open": is_open, "stalled": d["stalled"] & is_open, "days": days}
        return frame, stage_frame, info

    # -- customers ------------------------------------------------------------

    def make_customers(self, n: int, lead: dict, deals: dict):
        rng = self.rng
        k = len(self.open_stages)
        won_day = deals["days"][:, k] if len(deals["created"]) else np.zeros(0, dtype="int64")
        won = np.flatnonzero(won_day != NO_DAY)
        _, first = np.unique(deals["lead"][won], return_index=True)  # one customer per lead
        won = won[np.sort(first)]
        n_new = min(len(won), int(round(n * 0.3)))
        new = np.sort(rng.choice(won, size=n_new, replace=False)) if n_new else np.zeros(0, dtype="int64")
        n_base = n - n_new
        base_since = _workday(rng, self.start - rng.integers(20, 6 * 365, n_base), -np.inf, self.start)
        since = np.concatenate([base_since, won_day[new]])
        industry, employees, region = self._profile(n_base, customers=True)
        src_lead = deals["lead"][new]
        industry = np.concatenate([industry, lead["industry"][src_lead]])
        employees = np.concatenate([employees, lead["employees"][src_lead]])
        region = np.concatenate([region, lead["region"][src_lead]])
        company = np.concatenate([self._companies(n_base), lead["company"][src_lead]])
        founders = np.flatnonzero(self.rep_join <= self.start)
        rep = np.concatenate([founders[rng.choice(len(founders), size=n_base)], deals["rep"][new]])
        lead_ids = np.concatenate([np.full(n_base, None, dtype=object), lead["ids"][src_lead]])
        order = np.argsort(since, kind="stable")
        since, industry, employees, region = since[order], industry[order], employees[order], region[order]
        company, rep, lead_ids = company[order], rep[order], lead_ids[order]
        # churn: ~15% end during the history, at least two months after they started
        lo = np.maximum(since + 60, self.start)
        can = lo <= self.end
        churn = can & (rng.random(n) < 0.15 / max(can.mean(), 1e-9) if n else np.zeros(0, dtype=bool))
        until = np.full(n, NO_DAY, dtype="int64")
        until[churn] = _workday(rng, _uniform_days(rng, lo[churn], np.full(churn.sum(), self.end)), lo[churn],
                                self.end, keep=0.0)
        revenue = np.round(rng.lognormal(np.log(18_000), 0.7, n) * (np.nan_to_num(employees, nan=60) / 60) ** 0.2,
                           -2)
        contact_hi = np.where(until == NO_DAY, self.end, until)
        contact_lo = np.maximum(since, contact_hi - 240)
        last_contact = _uniform_days(rng, contact_lo, contact_hi)
        last_contact[rng.random(n) < 0.5] = NO_DAY
        ids = _ids("K", n)
        frame = pd.DataFrame({
            "customer_id": _obj(ids),
            "since": _to_datetime(since),
            "until": _to_datetime(until),
            "revenue": _blank(rng, revenue.astype("float64"), 0.03),
            "last_contact": _to_datetime(last_contact),
            "company": _obj(company),
            "owner": _obj(self.rep_names[rep] if n else np.zeros(0, dtype=object)),
            "lead_id": _obj(lead_ids),
            "industry": _obj(_blank(rng, industry, 0.02)),
            "employees": _blank(rng, employees, 0.03),
            "region": _obj(_blank(rng, region, 0.01)),
        })
        info = {"ids": ids, "since": since, "until": until, "rep": rep, "employees": employees}
        return frame, info

    # -- activities -----------------------------------------------------------

    def _type_vocabulary(self) -> None:
        """The canonical types used and every label they may be written as (plus unknown labels)."""
        lookup = self.settings.activity_lookup
        known = [t for t in TYPE_MIX if t in self.settings.points] or list(self.settings.points) or ["call"]
        labels: list[str] = []
        written = []  # per known type: (label codes, weights)
        for t in known:
            pairs = [(w, q) for w, q in LABELS.get(t, ((t, 1.0),)) if lookup.get(name_key(w)) == t]
            pairs = pairs or [(t, 1.0)]
            codes = []
            for w, _ in pairs:
                if w not in labels:
                    labels.append(w)
                codes.append(labels.index(w))
            weights = np.array([q for _, q in pairs], dtype=float)
            written.append((np.array(codes), weights / weights.sum()))
        unknown = [w for w in UNKNOWN_TYPES if lookup.get(name_key(w)) is None]
        self.unknown_codes = np.arange(len(labels), len(labels) + len(unknown))
        labels += unknown
        self.type_names = np.array([*known, *unknown], dtype=object)
        self.label_names = np.array(labels, dtype=object)
        # label code → type code (known labels → their type, unknown labels → themselves)
        label_type = np.zeros(len(labels), dtype="int64")
        for i, (codes, _) in enumerate(written):
            label_type[codes] = i
        label_type[self.unknown_codes] = len(known) + np.arange(len(unknown))
        self.label_type = label_type
        self.known_types, self.written = known, written

    def _labels(self, n: int, kind: int) -> np.ndarray:
        """Label codes (the type as written) for ``n`` activities of one kind."""
        rng = self.rng
        p = np.array([TYPE_MIX.get(t, (1, 1, 1, 1))[kind] for t in self.known_types], dtype=float)
        if p.sum() == 0:
            p[:] = 1.0
        idx = rng.choice(len(p), size=n, p=p / p.sum())
        codes = np.empty(n, dtype="int64")
        for i, (label_codes, weights) in enumerate(self.written):
            hit = np.flatnonzero(idx == i)
            codes[hit] = label_codes[rng.choice(len(label_codes), size=len(hit), p=weights)]
        return codes

    def make_activities(self, n: int, lead: dict, deal: dict, customer: dict):
        """Activities; ids are kept as row numbers (-1 = none) and turned into text once, at the end."""
        rng = self.rng
        self._type_vocabulary()
        n_deal = int(round(n * 0.35)) if len(deal["created"]) else 0
        n_lead = int(round(n * 0.35)) if len(lead["created"]) else 0
        n_customer = int(round(n * 0.12)) if len(customer["since"]) else 0
        n_deal = min(n_deal, n)
        n_lead = min(n_lead, n - n_deal)
        n_customer = min(n_customer, n - n_deal - n_lead)
        n_free = n - n_deal - n_lead - n_customer
        parts = []  # (days, rep, kind, lead row, deal row, customer row)

        if n_deal:
            # about as many activities for a long deal as for a short one: long ones are worked less often
            length = np.minimum(np.maximum(deal["until"] - deal["created"], 0), 90) + 5.0
            src = rng.choice(len(length), size=n_deal, p=length / length.sum())
            lo, hi = deal["created"][src], deal["until"][src]
            days = _workday(rng, _uniform_days(rng, lo, hi), lo, hi)
            src, days = self._recent_deal_activity(deal, src, days)
            parts.append((days, deal["rep"][src], 0, deal["lead"][src], src, deal["customer"][src]))

        if n_lead:
            # follow-up of a lead: its first weeks (as many as the data still has)
            window = np.minimum(lead["created"] + LEAD_FOLLOW_UP_DAYS, self.end) - lead["created"] + 1
            src = rng.choice(len(window), size=n_lead, p=window / window.sum())
            lo = lead["created"][src]
            hi = np.minimum(lo + LEAD_FOLLOW_UP_DAYS, self.end)
            days = _workday(rng, _uniform_days(rng, lo, hi), lo, hi)
            rep = lead["rep"][src].copy()
            none = rep < 0
            rep[none] = self.pick_reps(days[none])
            no = np.full(n_lead, -1, dtype="int64")
            parts.append((days, rep, 1, src, no, no))

        if n_customer:
            lo_all = np.maximum(np.maximum(customer["since"], self.start), self.rep_join[customer["rep"]])
            hi_all = np.where(customer["until"] == NO_DAY, self.end, np.minimum(customer["until"], self.end))
            ok = np.flatnonzero(hi_all >= lo_all)
            if len(ok):
                # contact spread over the relationship; a few customers are neglected (needs attention)
                attention = np.where(rng.random(len(ok)) < 0.12, 0.02, 1.0) * (hi_all[ok] - lo_all[ok] + 1)
                src = ok[rng.choice(len(ok), size=n_customer, p=attention / attention.sum())]
                days = _workday(rng, _uniform_days(rng, lo_all[src], hi_all[src]), lo_all[src], hi_all[src])
                no = np.full(n_customer, -1, dtype="int64")
                parts.append((days, customer["rep"][src], 2, no, no, src))
            else:
                n_free += n_customer

        if n_free:
            days = self.random_days(n_free)
            no = np.full(n_free, -1, dtype="int64")
            parts.append((days, self.pick_reps(days), 3, no, no, no))

        if not parts:
            parts.append(tuple(np.zeros(0, dtype="int64") for _ in range(2)) + (0,)
                         + tuple(np.zeros(0, dtype="int64") for _ in range(3)))
        label = np.concatenate([self._labels(len(p[0]), p[2]) for p in parts])
        days, rep, lead_row, deal_row, customer_row = (np.concatenate([p[i] for p in parts]) for i in (0, 1, 3, 4, 5))
        if self.messy and len(days) and len(self.unknown_codes):
            odd = np.flatnonzero(rng.random(len(days)) < 0.003)
            label[odd] = self.unknown_codes[rng.integers(0, len(self.unknown_codes), len(odd))]
        notes = rng.integers(0, len(NOTES), len(days))
        notes[rng.random(len(days)) >= 0.25] = -1
        order = np.argsort(days, kind="stable")
        label = label[order]
        frame = pd.DataFrame({
            "date": _to_datetime(days[order]),
            "owner": _obj(self.rep_names[rep[order]]),
            "type": _obj(self.type_names[self.label_type[label]]),  # unknown labels are kept as written
            "lead_id": _obj(_take(lead["ids"], lead_row[order])),
            "deal_id": _obj(_take(deal["ids"], deal_row[order])),
            "customer_id": _obj(_take(customer["ids"], customer_row[order])),
            "notes": _obj(_take(np.array(NOTES, dtype=object), notes[order])),
        })
        return frame, self.label_names[label]

    def _recent_deal_activity(self, deal: dict, src: np.ndarray, days: np.ndarray):
        """Every open deal that is still worked on gets an activity in the last three weeks.

        Its latest activity moves there; a deal without any takes one over from the
        deals with the most activities. The number of activities stays the same.
        """
        rng = self.rng
        n_deals = len(deal["created"])
        recent_from = self.end - 20
        last = np.full(n_deals, NO_DAY, dtype="int64")
        np.maximum.at(last, src, days)
        need = np.flatnonzero(deal["open"] & ~deal["stalled"] & (last < recent_from))
        if not len(need):
            return src, days
        order = np.lexsort((days, src))  # by deal, then date: the last row of each deal is its latest
        is_last = np.r_[src[order][1:] != src[order][:-1], True]
        latest_row = np.full(n_deals, -1, dtype="int64")
        latest_row[src[order][is_last]] = order[is_last]
        rows = latest_row[need]
        missing = need[rows < 0]
        if len(missing):  # take over activities that are not the latest of their deal
            free = np.ones(len(src), dtype=bool)
            free[latest_row[latest_row >= 0]] = False
            spare = np.flatnonzero(free)
            take = rng.choice(spare, size=min(len(missing), len(spare)), replace=False)
            missing = missing[: len(take)]
            src = src.copy()
            src[take] = missing
            rows = np.concatenate([rows[rows >= 0], take])
            need = np.concatenate([need[latest_row[need] >= 0], missing])
        days = days.copy()
        lo = np.maximum(deal["created"][need], recent_from)
        days[rows] = _workday(rng, _uniform_days(rng, lo, np.full(len(need), self.end)), lo, self.end, keep=0.0)
        return src, days

    # -- stage history re-entries ---------------------------------------------

    def make_reentries(self, deal: dict) -> pd.DataFrame:
        """A few deals go back from the stage after the quote to the quote and forward again."""
        rng = self.rng
        settings = self.settings
        empty = pd.DataFrame({"deal_id": pd.Series(dtype=object), "stage": pd.Series(dtype=object),
                              "date": pd.Series(dtype="datetime64[ns]")})
        if settings.quote not in self.open_stages:
            return empty
        q = self.open_stages.index(settings.quote)
        if q + 1 >= len(self.open_stages) or not len(deal["created"]):
            return empty
        days = deal["days"]
        entered = days[:, q + 1]
        after = days[:, q + 2:]  # the stages after it (in the configured order) and won / lost
        big = np.iinfo(np.int64).max
        later = np.where(after != NO_DAY, after, big).min(axis=1) if after.shape[1] else np.full(len(entered), big)
        later = np.where(later == big, np.where(deal["open"], self.end + 1, NO_DAY), later)
        room = later - entered
        # the quote date must lie before the next stage's: no re-entry in a deal with dates out of order
        ordered = (days[:, q] == NO_DAY) | (days[:, q] <= entered)
        pick = np.flatnonzero((entered != NO_DAY) & (later != NO_DAY) & (room >= 6) & ordered
                              & (rng.random(len(entered)) < 0.08))
        if not len(pick):
            return empty
        back = entered[pick] + 1 + (rng.random(len(pick)) * (room[pick] - 4) / 2).astype("int64")
        again = back + 1 + (rng.random(len(pick)) * (later[pick] - back - 2)).astype("int64")
        ids = deal["ids"][pick]
        return pd.DataFrame({
            "deal_id": _obj(np.concatenate([ids, ids])),
            "stage": _obj([settings.quote] * len(pick) + [self.open_stages[q + 1]] * len(pick)),
            "date": _to_datetime(np.concatenate([back, again])),
        })
