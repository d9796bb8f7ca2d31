"""One raw column → typed values and a :class:`~kpi_xl.errors.Problem` for each cell that cannot be used.

:class:`Distinct` converts each distinct value once and spreads the results back over the rows;
:func:`_coerce_column` converts by the column's kind (date, amount, number, yes/no, text, id, stage,
activity type). Shared by both reads (:mod:`kpi_xl.tables.read`, :mod:`kpi_xl.tables.columns`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem, cut_text
from kpi_xl.names import name_key
from kpi_xl.tables import coerce, spellings
from kpi_xl.tables.headers import BOOL, DATE, ID, MONEY, NUMBER, TEXT

DISTINCT_MIN_ROWS = 256  # below this, converting cell by cell is as fast


class Distinct:
    """A raw column and its distinct values: conversions run once per distinct value.

    Columns repeat a few values (dates, owners, types, stages) over many rows,
    so converting the distinct values and spreading the results back is what
    keeps parsing a million rows fast. Columns holding booleans are converted
    cell by cell (``True == 1`` would merge them with the number 1), and so are
    columns whose values are mostly distinct (nothing to gain).
    """

    def __init__(self, raw: pd.Series | None, codes: np.ndarray | None = None, values: pd.Series | None = None,
                 index: pd.Index | None = None):
        # ``raw`` None: the column came encoded (``codes`` into ``values``, rows ``index``); its cells are made
        # only where a problem shows one (:meth:`cells`): a million of them cost a pass, and few are shown
        self.raw = raw
        self.index: pd.Index = raw.index if raw is not None else index
        if codes is not None:
            self.codes, self.values = codes, values
            return
        self.codes = None
        self.values = raw
        array = raw.to_numpy(dtype=object)
        if len(array) < DISTINCT_MIN_ROWS:
            return
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        if len(uniques) * 2 > len(array):
            return
        # True == 1 and False == 0: factorize may have merged a boolean into a number (or the reverse);
        # only a column holding a 0 or a 1 needs the full look at its types
        if any(type(v) is not str and v in (0, 1) for v in uniques.tolist()):
            kinds = set(map(type, array))
            if bool in kinds or np.bool_ in kinds:
                return
        self.values = pd.Series([*uniques.tolist(), None], dtype=object)
        self.codes = np.where(codes < 0, len(uniques), codes)

    def cells(self, mask: np.ndarray) -> np.ndarray:
        """The cells of the rows in ``mask`` (booleans, one per row), as handed over: an object array."""
        if self.raw is None:
            return self.values.to_numpy(dtype=object).take(self.codes[mask])
        return self.raw.to_numpy(dtype=object)[mask]

    def spread(self, per_value: pd.Series) -> pd.Series:
        """A result per distinct value → a result per row (same dtype)."""
        if self.codes is None:
            return per_value
        if per_value.dtype == object:  # no inference pass over a million cells: the values are known already
            return pd.Series(per_value.to_numpy().take(self.codes), index=self.index, dtype=object)
        return pd.Series(per_value.array.take(self.codes), index=self.index)

    def subset(self, keep: np.ndarray) -> Distinct:
        if self.codes is None:
            return Distinct(self.raw[keep], codes=None, values=self.raw[keep])
        return Distinct(None if self.raw is None else self.raw[keep], codes=self.codes[keep], values=self.values,
                        index=self.index[keep])


def _coerce_column(table, column, header, distinct: Distinct, kind, settings, drops: bool = False):
    """Coerce one raw column by its kind; returns (values, problems, bad mask, spellings seen or None).

    ``drops``: a bad cell in this column leaves its row out, and its problem says so from the start (a
    million bad cells are a million problems: each is made once)."""
    left_out = "left_out" if drops else None
    rows, u = distinct.index, distinct.values
    spread = distinct.spread
    errors_u = coerce.excel_errors(u)
    has_error_u = errors_u.notna()
    if has_error_u.any():
        has_error = spread(has_error_u).astype(bool)
        problems = _error_problems(table, header, rows[has_error], spread(errors_u)[has_error], left_out)
        clean = u.where(~has_error_u, None)
    else:  # the usual case: no error values, nothing to spread
        has_error, problems, clean = pd.Series(False, index=rows), [], u
    bad = pd.Series(False, index=rows)
    spelled = None
    if kind == DATE:
        values_u, bad_u = coerce.to_dates(clean)
        values, bad = spread(values_u), spread(bad_u).astype(bool)
        problems += _problems(table, header, distinct, bad, "bad_date", consequence=left_out)
    elif kind == MONEY:  # the row stays; only its amount is left out, and the user is told so
        problems = [_with_consequence(p, "left_out_of_amounts") for p in problems]
        values_u, bad_u = coerce.to_money(clean)
        values, bad = spread(values_u), spread(bad_u).astype(bool)
        problems += _problems(table, header, distinct, bad, "bad_money", consequence="left_out_of_amounts")
        negative = values < 0
        problems += _problems(table, header, distinct, negative, "negative_money", consequence="left_out_of_amounts")
        # a sum of such amounts could overflow (1.7e308 + 1.7e308 = inf): no amount in a sales table is that big
        huge = values > coerce.MAX_AMOUNT  # (a negative one is listed as negative)
        problems += _problems(table, header, distinct, huge, "amount_too_large", consequence="left_out_of_amounts",
                              limit=f"{coerce.MAX_AMOUNT:,.0f}")
        values = values.where(~negative & ~huge)
        bad = pd.Series(False, index=rows)
    elif kind == NUMBER:
        values_u, bad_u = coerce.to_number(clean)
        values = spread(values_u)
        problems += _problems(table, header, distinct, spread(bad_u).astype(bool), "bad_number")
    elif kind == BOOL:
        values_u, bad_u = coerce.to_bool(clean)
        values = spread(values_u)
        problems += _problems(table, header, distinct, spread(bad_u).astype(bool), "bad_bool")
    elif kind in (ID, TEXT):
        text_u = coerce.to_text(clean)
        if (table, column) in spellings.MATCHED:
            text_u = spellings.blank_invisible(text_u)
            spelled = frozenset(text_u.dropna().tolist())
        if column == "stage":
            # in Deals the deal stays (left out of stage KPIs); in StageHistory the row itself is unusable
            code = "unknown_stage_row" if table == "StageHistory" else "unknown_stage"
            mapped_u, unknown_u = _lookup(text_u, settings.stage_lookup)
            values = spread(mapped_u.astype(object).where(mapped_u.notna(), None))
            bad = spread(unknown_u).astype(bool)
            known = ", ".join(settings.stage_names)
            shown = spread(text_u)
            problems += [Problem(table, int(row), header, cut_text(value), code,
                                 {"stage": cut_text(value), "known": known})
                         for row, value in zip(rows[bad], shown[bad], strict=True)]
        elif column == "type" and table == "Activities":
            mapped_u, unknown_u = _lookup(text_u, settings.activity_lookup)
            labels = mapped_u.where(~unknown_u, text_u)  # unknown labels stay: 0 points, listed
            values = spread(labels.astype(object).where(labels.notna(), None))
            unknown = spread(unknown_u).astype(bool)
            problems += [Problem(table, int(row), header, cut_text(value), "unknown_activity_type",
                                 {"type": cut_text(value)})
                         for row, value in zip(rows[unknown], values[unknown], strict=True)]
        else:
            values = spread(text_u)
    else:  # an extra column: kept as given (Excel errors removed)
        values = spread(clean)
    return values, problems, bad | has_error, spelled


def _lookup(values: pd.Series, lookup: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Labels → canonical names (compared by :func:`~kpi_xl.names.name_key`); and which labels are unknown."""
    keys = pd.Series([name_key(v) if isinstance(v, str) else None for v in values.tolist()], index=values.index,
                     dtype=object)  # object: pandas would copy text into Arrow strings (and refuse a lone surrogate)
    mapped = keys.map(lookup)
    return mapped, values.notna() & mapped.isna()


def _error_problems(table, header, rows, errors, consequence=None):
    """excel_error problems; the value shown is the error as Excel shows it (#N/A, not a COM code)."""
    extra = {"consequence": consequence} if consequence else {}
    return [Problem(table, row, header, err, "excel_error", {"error": err, **extra}) if type(err) is str
            else Problem(table, row, header, str(err), "formula_without_value", extra)
            for row, err in zip(np.asarray(rows).tolist(), errors.tolist(), strict=True)]


def _problems(table, header, column: Distinct, mask, code, consequence=None, **params):
    """A ``code`` problem for each row of ``column`` in ``mask``, showing its cell as handed over."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return []
    if consequence:
        params["consequence"] = consequence
    return [Problem(table, row, header, cut_text(value), code, params)
            for row, value in zip(column.index[mask].tolist(), column.cells(mask).tolist(), strict=True)]


def _with_consequence(problem: Problem, consequence: str) -> Problem:
    return Problem(problem.table, problem.row, problem.column, problem.value, problem.code,
                   {**problem.params, "consequence": consequence})
