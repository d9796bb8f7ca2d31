"""Text from cells, file names and the config made safe for a terminal (``kpi-xl`` output).

A cell may hold anything: an ESC sequence would recolour or rewrite the terminal, a bell ring it, a
carriage return overwrite the line that says which row is wrong. Such characters are shown as their
escape (``\\x1b[31m``), so the user sees what the cell holds and the terminal stays as it was.
"""

from __future__ import annotations

import re

from rich.markup import escape

# what must not reach a terminal raw: control characters (C0, DEL, C1: ESC sequences, the bell, a carriage
# return that overwrites the line) and the bidirectional overrides that reorder what is shown
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object) -> str:
    """``text`` safe to print: every control character shown as its escape (``\\x1b``), line breaks kept."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(text))


def markup_safe(text: object) -> str:
    """``text`` for a rich string with markup: control characters escaped, ``[`` not read as a style."""
    return escape(for_terminal(text))
