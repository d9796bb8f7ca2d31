"""One rep is one rep: the spellings of a name that a person reads as the same become one value.

"Sanne de Vries", "sanne de vries", "SANNE  DE VRIES" and the same name with a
non-breaking space or in decomposed Unicode share one :func:`~kpi_xl.names.name_key`.
Where the tables are typed, every such spelling is replaced by one shown
spelling, so every KPI, table, target and talking point sees one rep:

* **names** (the owner in all four tables together, the lead source, an
  activity type the config does not know): the spelling used in the most
  rows, counted over all the tables of that name together, white space
  collapsed and composed (NFC); a tie goes to the spelling seen first (tables
  in the order Leads, Activities, Deals, Customers; rows top to bottom).
* **ids** (lead_id, deal_id, customer_id): first within their own table (two
  spellings of one id there are one id, so the second row is a duplicate),
  then every table that refers to them takes the spelling of the own table:
  ``k001`` in Activities finds customer ``K001``. Ids are compared without
  case, except ids that the own table itself holds in two cases (``0065g0000AbC``
  and ``0065g0000aBc``: CRM ids such as Salesforce's 15-character ids are
  case-sensitive); those are compared with their case.

Each variant is listed on Checks as a note (``name_variants``): the table,
the column, the spellings with their number of rows, and the spelling used;
after 20 names in one column, one more note counts the rest (a column of ids
typed in lower case must not bury the other checks). The rows still count.
Everything runs per distinct value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd

from kpi_xl.errors import Problem, cut_text
from kpi_xl.names import case_key, name_key, name_keys, tidied, visible

# one kind of name: the columns that hold it, in the order their spellings are counted
NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "owner": (("Leads", "owner"), ("Activities", "owner"), ("Deals", "owner"), ("Customers", "owner")),
    "source": (("Leads", "source"),),
    "type": (("Activities", "type"),),
}
# an id: its own table (one row per id), then the tables that refer to it
IDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "lead_id": ("Leads", ("Activities", "Deals", "Customers")),
    "deal_id": ("Deals", ("Activities", "StageHistory")),
    "customer_id": ("Customers", ("Activities", "Deals")),
}
# every column whose values are matched by key (a cell that shows nothing there is empty)
MATCHED = frozenset(
    {c for columns in NAMES.values() for c in columns}
    | {(table, column) for column, (own, others) in IDS.items() for table in (own, *others)}
    | {("Deals", "stage"), ("StageHistory", "stage")}
)
SHOWN_VARIANTS = 10  # spellings a note names; the rest are counted
NOTES_PER_COLUMN = 20  # names a column gets a note for; the rest are counted in one more note


def blank_invisible(text: pd.Series) -> pd.Series:
    """Distinct texts of a matched column: a text that shows nothing (a zero-width space) becomes empty."""
    values = text.tolist()
    joined = "|".join(v for v in values if v is not None)
    if joined.isascii() and joined.isprintable():  # the usual case: one test for all
        return text
    return pd.Series([v if v is None or (v.isascii() and v.isprintable()) or name_key(v) else None for v in values],
                     index=text.index, dtype=object)  # object: pandas would copy text into Arrow strings


class _Spellings:
    """The distinct spellings of one column (in order of first use) and their rows."""

    def __init__(self, table: str, column: str, header: str, values: pd.Series):
        self.table, self.column, self.header = table, column, header
        self.codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        self.spellings: list[str] = list(uniques)
        used = self.codes[self.codes >= 0]
        self.rows = np.bincount(used, minlength=len(self.spellings)) if len(used) else np.zeros(0, dtype="int64")

    def first_row(self, spelling: int, excel_rows: np.ndarray) -> int:
        return int(excel_rows[int(np.argmax(self.codes == spelling))])

    def replaced(self, shown: list[str | None]) -> pd.Series | None:
        """The column with each spelling replaced by ``shown`` (None when nothing changes)."""
        if shown == self.spellings:
            return None
        table = np.array([*shown, None], dtype=object)
        return pd.Series(table[self.codes], dtype=object)  # code -1 (an empty cell) takes the last entry


CASE = "\x00"  # starts a key compared with its case (name keys never hold a control character)


def _id_keys(spellings: list[str]) -> list[str]:
    """The key of each id: without case, unless the ids hold that key in more than one case."""
    folded = name_keys(spellings)
    if len(set(folded)) == len(folded):
        return folded
    seen: dict[str, str] = {}
    twice = set()
    for f, s in zip(folded, spellings, strict=True):
        if seen.setdefault(f, s) != s:
            twice.add(f)
    if twice:  # two spellings of one key: with their case, unless they differ only in what does not show
        cased: dict[str, set[str]] = {}
        for f, s in zip(folded, spellings, strict=True):
            if f in twice:
                cased.setdefault(f, set()).add(case_key(s))
        twice = {f for f, cases in cased.items() if len(cases) > 1}
    if not twice:
        return folded
    return [CASE + case_key(s) if f in twice else f for f, s in zip(folded, spellings, strict=True)]


def _choose(found: list[_Spellings], keys: list[list[str]], given: dict[str, str] | None = None) -> list[list]:
    """The spelling used for each spelling of each column: ``given`` for its key, else the tidied spelling
    of the most rows over all the columns (a tie: the first seen); None for a name that shows nothing."""
    tallies: dict[tuple[str, str], int] = {}  # in the order first seen
    for f, column_keys in zip(found, keys, strict=True):
        for pair, rows in zip(zip(column_keys, tidied(f.spellings)), f.rows.tolist(), strict=True):
            tallies[pair] = tallies.get(pair, 0) + rows
    best: dict[str, tuple[int, str]] = {}
    for (key, shown), rows in tallies.items():
        if key not in best or rows > best[key][0]:
            best[key] = (rows, shown)
    used = {key: shown or None for key, (_, shown) in best.items()}
    used.update(given or {})
    return [[used[k] for k in column_keys] for column_keys in keys]


def own_ids(values: pd.Series) -> pd.Series:
    """An id column in its own table: the spellings of one id become its most used spelling."""
    found = _Spellings("", "", "", values)
    keys = _id_keys(found.spellings)
    if len(set(keys)) == len(keys) and tidied(found.spellings) == found.spellings:  # one spelling per id
        return values
    replaced = found.replaced(_choose([found], [keys])[0])
    return values if replaced is None else replaced.set_axis(values.index)


def unify(frames: dict[str, pd.DataFrame], headers: dict[str, dict[str, str]],
          spelled: dict[tuple[str, str], frozenset[str]] | None = None) -> list[Problem]:
    """Replace every spelling of a name or id by its shown spelling in ``frames`` (new frames, the given
    ones untouched); the notes for Checks. ``spelled``: the texts each column may hold (known from the
    typing), which settle most columns without looking at their rows."""
    spelled = spelled or {}
    notes: list[Problem] = []
    for columns in NAMES.values():
        present = [c for c in columns if c[0] in frames]
        if all(c in spelled for c in present) and _settled(set().union(*(spelled[c] for c in present))):
            continue
        notes += _unify(frames, headers, columns, name_keys)
    for column, (own, others) in IDS.items():
        notes += _unify_references(frames, headers, column, own, others, spelled)
    return notes


def _settled(texts: set[str]) -> bool:
    """One spelling per key, shown as it is typed: nothing to unify."""
    texts = list(texts)
    return len(set(name_keys(texts))) == len(texts) and tidied(texts) == texts


def _found(frames, headers, columns) -> list[_Spellings]:
    return [_Spellings(table, column, headers.get(table, {}).get(column, column), frames[table][column])
            for table, column in columns if table in frames and column in frames[table]]


def _unify(frames, headers, columns, keys_of: Callable[[list[str]], list[str]],
           given: dict[str, str] | None = None, known: frozenset[str] = frozenset()) -> list[Problem]:
    """One kind of name over ``columns``: the most used spelling per key (unless ``given`` holds it)."""
    found = _found(frames, headers, columns)
    if known:  # a column spelling every id as the own table does: nothing to do
        found = [f for f in found if not known.issuperset(f.spellings)]
    keys = [keys_of(f.spellings) for f in found]
    notes = []
    for f, column_keys, used in zip(found, keys, _choose(found, keys, given), strict=True):
        replaced = f.replaced(used)
        frame = frames[f.table]
        if replaced is not None:
            frame = frames[f.table] = frame.copy(deep=False)
            frame[f.column] = replaced.set_axis(frame.index)
            notes += _notes(f, column_keys, used, frame["_row"].to_numpy())
    return notes


def _unify_references(frames, headers, column, own, others, spelled) -> list[Problem]:
    """The columns that refer to an id take the spelling of its own table; ids it lacks are unified
    among themselves."""
    columns = [(t, column) for t in others if t in frames]
    if own not in frames or column not in frames[own]:
        return _unify(frames, headers, columns, _id_keys)
    own_spellings = [s for s in pd.unique(frames[own][column].to_numpy(dtype=object)) if s is not None]
    own_set = set(own_spellings)  # hashed once for every referring column
    columns = [c for c in columns if c not in spelled or not spelled[c] <= own_set]
    if not columns:  # every table spells every id as its own table does
        return []
    own_keys = _id_keys(own_spellings)
    given = dict(zip(own_keys, own_spellings, strict=True))
    twice = {name_key(k[len(CASE):]) for k in own_keys if k.startswith(CASE)}  # ids the own table holds in two cases

    def keys_of(spellings: list[str]) -> list[str]:
        folded = name_keys(spellings)
        if not twice:
            return folded
        return [CASE + case_key(s) if f in twice else f for s, f in zip(spellings, folded, strict=True)]

    return _unify(frames, headers, columns, keys_of, given, frozenset(own_spellings))


def _notes(found: _Spellings, keys: list[str], used: list, excel_rows: np.ndarray) -> list[Problem]:
    """A note for each name this column spells otherwise than it is shown, or in more than one way."""
    noted = {k for k, s, u in zip(keys, found.spellings, used, strict=True) if u is not None and s != u}
    per_key: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if key in noted:
            per_key.setdefault(key, []).append(i)
    notes = []
    for positions in itertools.islice(per_key.values(), NOTES_PER_COLUMN):
        ordered = sorted(positions, key=lambda i: -found.rows[i])  # most rows first; a tie keeps the first seen
        variants = [f"'{cut_text(visible(found.spellings[i]))}' {found.rows[i]}×" for i in ordered[:SHOWN_VARIANTS]]
        if len(ordered) > SHOWN_VARIANTS:
            variants.append(f"+{len(ordered) - SHOWN_VARIANTS}")
        shown = cut_text(used[positions[0]])
        notes.append(Problem(found.table, found.first_row(positions[0], excel_rows), found.header, shown,
                             "name_variants", {"variants": ", ".join(variants), "used": shown}))
    if len(per_key) > NOTES_PER_COLUMN:
        notes.append(Problem(found.table, None, found.header, None, "name_variants_more",
                             {"count": len(per_key) - NOTES_PER_COLUMN}))
    return notes
