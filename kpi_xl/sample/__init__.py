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
  activities), with productivity evenly spread from 0.65 to 1.35 (the first rep
  the most productive), so some reach their action target and some do not; one
  joins a few months into the history (a new hire).
* **Leads** (~2,000): created on working days, growing slowly (8% over the history),
  quieter in the summer and at Christmas; ~6% without owner; source, company
  and a profile (industry, employees, region, budget) with a few blanks; the
  ``qualified`` column is mostly blank with a few manual ``ja``/``nee``.
* **Deals** (~600): most come from a lead (same owner), some are upsell deals
  of existing customers, and about a tenth were opened before the first month
  and are still open on its first day (the pipeline the data starts with; their
  lead is older than the Leads table). Each enters the configured stages in order
  with gamma-distributed gaps (first contact → won takes about 50 days); some skip
  the first stage, Intake or the last open stage; for ~4% of the closed deals
  only ``closed`` is filled, not the won / lost stage column. Every deal ends:
  won, lost while worked, or lost after it stalled (no activity and no stage
  change for 5 to 24 weeks, a *sleeping deal* until it is written off); the end
  of the data leaves the young ones open (~15%), so the pipeline is about as
  large in the first month as in the last.
* **Customers** (~150): an existing base (customer for years) plus customers
  won from the deals, with yearly ``revenue``, a profile that leans to ICT and
  business services in the Randstad (so look-alike scores mean something),
  ``until`` for ~15% (churn in the year before the data and during it, about a
  tenth a year), ``last_contact`` for about half. The reps turn the leads that
  fit that profile into deals first, so the open leads that still look like the
  best customers are a varied few.
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

The package, along what it builds: :func:`generate` here; the result in ``company.py``
(:class:`SampleCompany`, re-exported here) with the messy cells in ``messy.py``; the state the steps
share (calendar, reps) in ``world.py`` and the steps in ``leads.py``, ``deals.py`` (with the stage
history's re-entries), ``customers.py`` and ``activities.py``; the names and shares in ``vocabulary.py``
(``REP_NAMES`` and ``DEMO`` re-exported here), the random draws in ``draws.py`` and the arrays → frame
columns in ``columns.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.config import Settings
from kpi_xl.sample.company import SampleCompany
from kpi_xl.sample.vocabulary import ACTIVITIES_PER_REP, DEMO, PRESTART_SHARE, REP_NAMES
from kpi_xl.sample.world import _World


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
    n_new = n_deals - int(round(n_deals * 0.12)) if n_customers else n_deals
    deal_pre = world.make_prestart_deals(int(round(n_new * PRESTART_SHARE)))
    deal_a = world.make_lead_deals(lead_info, n_new - len(deal_pre["created"]))
    customer_frame, customer_info = world.make_customers(n_customers, lead_info, deal_a)
    deal_b = world.make_upsell_deals(customer_info, n_deals - len(deal_pre["created"]) - len(deal_a["created"]))
    deal_frame, stage_frame, deal_info = world.finish_deals([deal_pre, deal_a, deal_b], lead_info, customer_info)
    activity_frame, labels = world.make_activities(n_acts, lead_info, deal_info, customer_info)
    reentries = world.make_reentries(deal_info)

    return SampleCompany(
        settings=settings, seed=seed, end_month=str(last), start=first.start_time.normalize(),
        end=last.end_time.normalize(), messy=messy, reps=list(world.rep_names),
        leads=lead_frame, activities=activity_frame, deals=deal_frame, customers=customer_frame,
        stage_dates=stage_frame, reentries=reentries, activity_labels=labels,
    )
