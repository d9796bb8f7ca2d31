"""Names a person reads as the same get one key: reps, sources, activity types, stages, ids, headers.

``name_key("  SANNE\u00a0de  Vries ")`` == ``name_key("Sanne de Vries")``: the
key ignores what a reader does not see or does not read as a difference:

* the Unicode form (NFKC: composed and decomposed letters, full-width letters,
  ligatures and the non-breaking space are the same letters);
* upper and lower case (``casefold``: also ``ß``/``SS``);
* every kind of white space (spaces, tabs, new lines inside a cell, the
  non-breaking and the narrow spaces): trimmed, and collapsed to one space;
* characters that show nothing (zero-width spaces and joiners, the soft
  hyphen, direction marks, the byte-order mark, control characters);
* the typographic twins of the apostrophe (``O’Brien``, ``O`Brien``) and of
  the hyphen (``Jan‐Willem``, ``Jan–Willem``), which Excel's AutoCorrect types.

Different letters stay different: ``José`` and ``Jose`` are two keys (see
docs/KPI_CHOICES.md). The tables layer applies the key once per distinct
value (:mod:`kpi_xl.tables.spellings`); the config, the header matching and
the worksheet functions' arguments use the same function.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas costs half a second to import; only same_name needs it
    import pandas as pd

_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02b9\u00b4\u0060\uff07"
_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
_FOLD = str.maketrans({**{c: "'" for c in _APOSTROPHES}, **{c: '"' for c in _QUOTES},
                       **{c: "-" for c in _DASHES}})
_INVISIBLE = frozenset(("Cf", "Cc"))  # format characters (zero-width, soft hyphen, marks) and controls
_JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiner: change how letters and emoji look
# ASCII text that needs more than trimming and case: runs of white space, controls, a backtick
_ASCII_SPECIAL = re.compile(r"\s\s|[^\S ]|[\x00-\x1f\x7f`]")


def name_key(text: object) -> str:
    """The form two names are compared in ('' for a name that shows nothing)."""
    # a text's key is remembered (the month looks up the same few hundred reps' targets thousands of times);
    # other values are not: 1, 1.0 and True are equal keys to a cache but read differently
    return _text_key(text) if type(text) is str else _key(text)


def _key(text: object) -> str:
    shown = read_as(text)
    if shown.isascii():
        return shown.casefold()
    return unicodedata.normalize("NFKC", shown.casefold())


_text_key = functools.lru_cache(maxsize=1 << 14)(_key)


def case_key(text: object) -> str:
    """:func:`name_key` with upper and lower case kept apart (ids that differ only in case, see
    :mod:`kpi_xl.tables.spellings`)."""
    shown = read_as(text)
    return shown if shown.isascii() else unicodedata.normalize("NFKC", shown)


def read_as(text: object) -> str:
    """What a reader reads, letter case kept: folded apostrophes and hyphens, NFKC, invisible characters
    dropped, white space trimmed and collapsed."""
    text = str(text)
    if text.isascii():
        if not _ASCII_SPECIAL.search(text):
            return text.strip()
        text = text.replace("`", "'")
        text = "".join(c if " " <= c != "\x7f" else (" " if c.isspace() else "") for c in text)
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text.translate(_FOLD))
    text = "".join(" " if c.isspace() else c for c in text)
    return " ".join("".join(c for c in text if unicodedata.category(c) not in _INVISIBLE).split())


def tidy(text: str) -> str:
    """A spelling as it is shown: composed (NFC), invisible characters dropped, white space collapsed;
    letters, case and punctuation as typed (the joiners that shape letters and emoji stay)."""
    if text.isascii() and not _ASCII_SPECIAL.search(text):
        return text.strip()
    text = "".join(" " if c.isspace() else c for c in unicodedata.normalize("NFC", text))
    return " ".join("".join(c for c in text if c in _JOINERS or unicodedata.category(c) not in _INVISIBLE).split())


def visible(text: str) -> str:
    """A spelling for a message, with what does not show made visible: ``'Sanne[U+00A0]de Vries'``,
    and ``(NFD)`` after a name typed in decomposed form."""
    shown = "".join(f"[U+{ord(c):04X}]" if (c.isspace() and c != " ") or unicodedata.category(c) in _INVISIBLE
                    else c for c in text)
    return shown if unicodedata.is_normalized("NFC", text) else f"{shown} (NFD)"



# --------------------------------------------------------------------------- many at once (one per distinct value)


def _plain(texts: list[str]) -> bool:
    """True when every text is ASCII without runs of white space, controls or backticks: then the key is
    the lower case, and the case key and the shown spelling are the text itself (one regex pass for all)."""
    joined = "|".join(texts)
    return joined.isascii() and not _ASCII_SPECIAL.search(joined)


def name_keys(texts: list[str]) -> list[str]:
    """:func:`name_key` of each text."""
    if _plain(texts):
        return [t.strip().lower() for t in texts]
    return [t.strip().lower() if t.isascii() and not _ASCII_SPECIAL.search(t) else name_key(t) for t in texts]


def tidied(texts: list[str]) -> list[str]:
    """:func:`tidy` of each text."""
    if _plain(texts):
        return [t.strip() for t in texts]
    return [tidy(t) for t in texts]  # tidy has the same fast path


def same_name(values: pd.Series, name: object) -> pd.Series:
    """Which cells hold ``name`` as a person reads it (a worksheet function's rep argument); per distinct value."""
    import numpy as np
    import pandas as pd

    wanted = name_key(name)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    hit = np.array([isinstance(u, str) and name_key(u) == wanted for u in uniques] + [False], dtype=bool)
    return pd.Series(hit[codes], index=values.index)  # code -1 (empty) takes the last entry
