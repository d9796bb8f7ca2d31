"""KPI 1 — qualified leads per month (result KPI).

* A lead belongs to month M when ``created`` falls in M; only leads created
  on or before the as-of date count (a lead dated later in the current month
  is not there yet, so a refresh gives the numbers that day had).
* A filled ``qualified`` cell (yes/no) decides. Otherwise the checklist of the
  config: every *required* criterion must pass, and the weights of the
  optional criteria that pass must reach ``min_score``. An empty cell fails
  its criterion. A criterion naming a column the table does not have fails
  for every lead (and is reported once).
* Shown: the count for the month, per owner and per source; insight: the
  qualification rate (qualified ÷ leads of the month) and the criterion that
  rejects most of the month's checklist-decided, unqualified leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem
from kpi_xl.names import name_key
from kpi_xl.periods import day_values
from kpi_xl.tables import coerce
from kpi_xl.tables.headers import TABLES, column_key, normalize

if TYPE_CHECKING:  # pydantic is imported where a config is loaded
    from kpi_xl.config import Criterion, Settings

UNASSIGNED = "(geen)"


@dataclass
class Qualification:
    """Per lead: ``qualified``, ``by_checklist``, ``score`` and one boolean column per criterion."""

    leads: pd.DataFrame
    criteria: list[str]
    problems: list[Problem]


def resolve_column(frame: pd.DataFrame, name: str, table: str) -> str | None:
    """The DataFrame column a config entry names (canonical, alias or extra column)."""
    key = normalize(name)
    for column in TABLES[table]:
        if key == normalize(column.name) or key in {normalize(a) for a in column.aliases}:
            return column.name
    extra = column_key(name)
    return extra if extra in frame.columns else None


def _fold(values: pd.Series) -> pd.Series:
    return coerce.to_text(values).map(lambda v: (name_key(v) or None) if isinstance(v, str) else None)


def _as_text(values: pd.Series) -> pd.Series:
    """Text per cell in the form names are compared in (:func:`~kpi_xl.names.name_key`; None when empty),
    computed once per distinct value."""
    return coerce.per_unique(values, _fold)


def criterion_passes(frame: pd.DataFrame, criterion: Criterion, column: str | None) -> pd.Series:
    """Boolean per lead: does the lead pass this criterion? Empty cells fail."""
    if column is None or column not in frame:
        return pd.Series(False, index=frame.index)
    raw = frame[column]
    test = criterion.test
    if test in ("min", "max", "between"):
        numbers = raw if pd.api.types.is_float_dtype(raw) else pd.to_numeric(
            coerce.per_unique(raw, lambda v: coerce.to_number(v)[0]), errors="coerce")
        if test == "min":
            return numbers.ge(float(criterion.value)).fillna(False).astype(bool)
        if test == "max":
            return numbers.le(float(criterion.value)).fillna(False).astype(bool)
        return numbers.between(criterion.min, criterion.max).fillna(False).astype(bool)
    text = _as_text(raw.astype(object))
    present = text.notna()
    if test == "not_empty":
        return present
    if test in ("in", "not_in"):
        wanted = set(_as_text(pd.Series(criterion.values, dtype=object)).dropna())
        hit = text.isin(wanted)
        return present & (hit if test == "in" else ~hit)
    target = str(_as_text(pd.Series([criterion.value], dtype=object)).iloc[0])
    if test == "equals":
        return present & text.eq(target)
    return present & text.fillna("").str.contains(target, regex=False)  # contains


def qualify(leads: pd.DataFrame, settings: Settings) -> Qualification:
    """Decide for every lead whether it is qualified (manual column first, then the checklist)."""
    frame = leads.copy(deep=False)
    spec = settings.qualification
    problems: list[Problem] = []
    required_ok = pd.Series(True, index=frame.index)
    score = pd.Series(0.0, index=frame.index)
    names = []
    for criterion in spec.criteria:
        column = resolve_column(frame, criterion.column, "Leads")
        if column is None or column not in frame:
            problems.append(Problem("Leads", None, criterion.column, None, "criterion_column_missing",
                                    {"criterion": criterion.name}))
        passed = criterion_passes(frame, criterion, column)
        name = criterion.name
        names.append(name)
        frame[f"criterion: {name}"] = passed
        if criterion.required:
            required_ok &= passed
        else:
            score += passed * criterion.weight
    by_checklist = required_ok & (score >= spec.min_score) if spec.criteria else pd.Series(False, index=frame.index)
    manual = frame["qualified"]
    frame["by_checklist"] = manual.isna().to_numpy()
    frame["score"] = score
    frame["qualified"] = np.where(manual.isna(), by_checklist, manual.fillna(False).astype(bool))
    frame["qualified"] = frame["qualified"].astype(bool)
    return Qualification(frame, names, problems)


@dataclass
class QualifiedLeads:
    month_count: int
    leads_in_month: int
    rate: float | None
    per_owner: pd.DataFrame  # owner, leads, qualified
    per_source: pd.DataFrame  # source, leads, qualified
    top_rejection: str | None
    rejections: pd.Series  # criterion → number of leads it rejected
    by_month: pd.Series  # Period → qualified count (every month with leads)


def qualified_leads(q: Qualification, month: pd.Period, unassigned: str = UNASSIGNED,
                    as_of: pd.Timestamp | None = None, no_source: str = "(geen bron)") -> QualifiedLeads:
    """KPI 1 for ``month`` from a :func:`qualify` result, counting leads created on or before ``as_of``."""
    # only the columns counted here are taken along with the rows (a lead has some twenty)
    wanted = list(dict.fromkeys(["created", "qualified", "by_checklist", *(c for c in ("owner", "source") if c in q.leads),
                                 *(f"criterion: {name}" for name in q.criteria)]))
    kept = slice(None) if as_of is None else day_values(q.leads["created"]) <= pd.Timestamp(as_of).to_datetime64()
    leads = q.leads.loc[kept, wanted]
    months = leads["created"].dt.to_period("M")
    by_month = leads["qualified"].groupby(months).sum().astype(int)
    in_month = leads[months == month]
    count = int(in_month["qualified"].sum())
    total = len(in_month)
    rate = count / total if total else None

    def per(column: str, empty: str) -> pd.DataFrame:
        key = in_month[column].fillna(empty) if column in in_month else pd.Series(empty, index=in_month.index)
        out = in_month.groupby(key)["qualified"].agg(leads="size", qualified="sum").reset_index()
        out.columns = [column, "leads", "qualified"]
        out["qualified"] = out["qualified"].astype(int)
        return out.sort_values(["qualified", "leads", column], ascending=[False, False, True]).reset_index(drop=True)

    rejected = in_month[in_month["by_checklist"] & ~in_month["qualified"]]
    rejections = pd.Series({name: int((~rejected[f"criterion: {name}"]).sum()) for name in q.criteria}, dtype="int64")
    top = rejections.idxmax() if len(rejections) and rejections.max() > 0 else None
    return QualifiedLeads(count, total, rate, per("owner", unassigned), per("source", no_source), top, rejections,
                          by_month)
