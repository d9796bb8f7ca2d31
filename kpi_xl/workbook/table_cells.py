"""A table's data rows as sheet XML, built column by column (pyarrow compute), never one Python call per cell.

Each frame column becomes an array of whole cell elements (``<c s="3"><v>46000</v></c>``), an empty
value a styled empty cell (``<c s="3"/>``) that keeps the next cell's place; the row elements are
then joined element-wise and handed over as one buffer per chunk of rows. Cells carry no ``r``
attribute (valid OOXML: a cell without one follows the cell before it) except the table's first
column when the table does not start in column A or other cells share its rows. Texts are inline
strings, written as :func:`kpi_xl.workbook.sheet_xml.excel_text` writes them; the rare text that needs
more than escaping (a control character, a literal ``_x0041_``, more than Excel's 32,767 characters) goes
through that very function. Dates are serials of the workbook's date system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi_xl.report import layout as L
from kpi_xl.workbook.sheet_xml import MAX_TEXT, _attr, _cell_xml, _text, cut_utf16, excel_text

CHUNK_ROWS = 65_536  # rows built and written at a time: bounds the memory of a million-row table

# a text the three replacements below do not make right: C0 controls, CR, U+FFFE/U+FFFF, a literal "_x0041_"
_NEEDS_PYTHON = r"[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\x{FFFE}\x{FFFF}]|_x[0-9A-Fa-f]{4}_"
_SAFE_LENGTH = MAX_TEXT // 2  # at most this many bytes are surely within Excel's limit in UTF-16 units
# a byte table for bytes.translate: 1 for the C0 controls but tab and line feed (and CR), 0 for every other byte
_CONTROLS = bytes(1 if b < 32 and b not in (9, 10) else 0 for b in range(256))
_SAMPLE = 4096  # texts looked at to decide whether a column repeats a few values (owners, types)


class ColumnCells:
    """One table column's cells: ``pieces(start, stop, numbers)`` gives what the row join puts in for them.

    Every cell is ``<c s="3"`` followed by its rest (``><v>46000</v></c>``, `` t="inlineStr"><is>..``);
    an empty value's rest is null, which the row join replaces by ``/>``. A column without empty values
    hands its value array and the constant tags around it to the row join directly: one pass per row for
    all its cells, instead of one per cell kind."""

    def __init__(self, values: pd.Series | None, style: str, p: str, epoch: dt.datetime, col: int,
                 with_ref: bool):
        self.style, self.p, self.col, self.with_ref = style, p, col, with_ref
        self.letters = L.a1(0, col)[:-1]
        self.s = f" s={_attr(style)}" if style else ""
        self.kind, self.array = _typed(values, epoch) if values is not None else ("empty", None)
        if self.kind == "cells":  # _cell_xml wrote '<c r="A1"' and no prefix: keep the rest, prefixed
            rest = pc.replace_substring_regex(self.array, r'^<c r="A1"', "")
            if p:
                rest = pc.replace_substring_regex(rest, r"<(/?)(v|is|t)\b", rf"<\1{p}\2")
                rest = pc.replace_substring(rest, "</c>", f"</{p}c>")
            self.array = rest

    def nbytes(self) -> int:
        """The bytes of its values' texts (an upper bound of what they add to the sheet, markup aside)."""
        if self.array is None:
            return 0
        parts = self.array if isinstance(self.array, tuple) else (self.array,)
        return sum(part.nbytes for part in parts if part is not None)

    def pieces(self, start: int, stop: int, row_numbers: pa.Array) -> list:
        """The pieces of rows ``start``..``stop`` (0-based data rows; ``row_numbers`` their Excel numbers)."""
        p, s = self.p, self.s
        opened = [f'<{p}c r="{self.letters}', row_numbers, f'"{s}'] if self.with_ref else [f"<{p}c{s}"]
        if self.kind == "empty":
            return [*opened, "/>"]
        if self.kind == "cells":  # whole cells already (values of mixed kinds)
            return [*opened, self.array.slice(start, stop - start)]
        if self.kind == "text":
            located = None if self.array[2] is None or self.with_ref else self.array[2].slice(start, stop - start)
            if located is not None and pc.any(located).as_py():  # an error text: the cell says where it is
                opened = [pc.if_else(located, _join(f'<{p}c r="{self.letters}', row_numbers, f'"{s}'),
                                     _scalar(f"<{p}c{s}"))]
            texts = self.array[0].slice(start, stop - start)
            preserve = None if self.array[1] is None else self.array[1].slice(start, stop - start)
            if preserve is not None and pc.any(preserve).as_py():
                head = pc.if_else(preserve, _scalar(f' t="inlineStr"><{p}is><{p}t xml:space="preserve">'),
                                  _scalar(f' t="inlineStr"><{p}is><{p}t>'))
                return [*opened, _join(head, texts, f"</{p}t></{p}is></{p}c>")]
            rest = [f' t="inlineStr"><{p}is><{p}t>', texts, f"</{p}t></{p}is></{p}c>"]
        else:
            values = self.array.slice(start, stop - start)
            rest = [f' t="b"><{p}v>' if self.kind == "bool" else f"><{p}v>", values, f"</{p}v></{p}c>"]
        if rest[1].null_count:
            return [*opened, _join(*rest)]  # null (empty) stays null: the row join makes it "/>"
        return [*opened, *rest]


def _typed(values: pd.Series, epoch: dt.datetime) -> tuple[str, object]:
    """(kind, the value texts as a ``<v>`` or ``<t>`` holds them, null = empty): by the column's type, and for
    an object column by the type Arrow finds in it (texts, numbers, dates); values of mixed kinds go one by one."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return "number", _serials(values, epoch)
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return "cells", _mixed(values, epoch)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_dictionary(array.type):  # a categorical column
        array = array.dictionary_decode()
    kind = array.type
    if pa.types.is_boolean(kind):
        return "bool", pc.cast(pc.cast(array, pa.int8()), pa.large_string())
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = pc.cast(array, pa.float64())
        finite = pc.if_else(pc.is_finite(numbers), numbers, pa.scalar(None, pa.float64()))
        return "number", pc.cast(finite, pa.large_string())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind) \
            or pa.types.is_null(kind):
        return "text", _repeated_texts(pc.cast(array, pa.large_string()))
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return "number", _serials(pd.Series(pd.to_datetime(array.to_pandas())), epoch)
    return "cells", _mixed(values, epoch)


def _serials(values: pd.Series, epoch: dt.datetime) -> pa.Array:
    """Dates as Excel serials (days since ``epoch``, a time of day as the fraction), as text; NaT → null."""
    stamps = pd.DatetimeIndex(values)
    if stamps.tz is not None:
        stamps = stamps.tz_localize(None)
    ns = stamps.as_unit("ns").asi8
    serials = (ns - np.int64(pd.Timestamp(epoch).value)) / 86_400e9
    return pc.cast(pa.array(serials, mask=stamps.isna()), pa.large_string())


def _repeated_texts(array: pa.Array) -> tuple[pa.Array, pa.Array | None, pa.Array | None]:
    """``_texts`` of a column; one that repeats a few values (owner, type) is escaped per distinct value."""
    if len(array) > 2 * _SAMPLE and len(pc.unique(array.slice(0, _SAMPLE))) <= _SAMPLE // 16:
        encoded = pc.dictionary_encode(array)
        escaped, *flags = _texts(encoded.dictionary)
        return (escaped.take(encoded.indices),
                *(None if flag is None else pc.fill_null(flag.take(encoded.indices), False) for flag in flags))
    return _texts(array)


def _texts(array: pa.Array) -> tuple[pa.Array, pa.Array | None, pa.Array | None]:
    """Escaped texts, whether each keeps its outer spaces (``xml:space="preserve"``) and whether each reads
    as an error value (None: none does); "" and null → null.

    Whole-buffer searches (memchr speed) decide which of the per-text passes are needed at all."""
    if pc.any(pc.equal(pc.binary_length(array), 0)).as_py():
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)
    data = _values(array)
    odd_somewhere = (b"_x" in data or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data
                     or (pc.max(pc.binary_length(array)).as_py() or 0) > _SAFE_LENGTH
                     or b"\x01" in data.translate(_CONTROLS))
    escaped = _escaped(array, data)
    preserve = None
    if _outer_space_possible(array, data):
        preserve = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(array), array), False)
    if odd_somewhere:
        odd = pc.fill_null(pc.or_(pc.match_substring_regex(array, _NEEDS_PYTHON),
                                  pc.greater(pc.utf8_length(array), _SAFE_LENGTH)), False)
        if pc.any(odd).as_py():
            where = np.flatnonzero(odd.to_numpy(zero_copy_only=False))
            done = [excel_text(cut_utf16(v, MAX_TEXT)) for v in array.take(pa.array(where)).to_pylist()]
            escaped = pc.replace_with_mask(escaped, odd, pa.array([_text(t) for t in done], escaped.type))
            if preserve is None:
                preserve = pa.array(np.zeros(len(array), dtype=bool))
            preserve = pc.replace_with_mask(preserve, odd, pa.array([t != t.strip() for t in done]))
    return escaped, preserve, _error_texts(array, data)


def _error_texts(array: pa.Array, data: bytes) -> pa.Array | None:
    """Which texts read as an Excel error value (``#N/A``): those cells carry their reference, so that the
    refresh's scan for error values (:mod:`kpi_xl.workbook.error_scan`) can say where they are."""
    if b"#" not in data:
        return None
    from kpi_xl.tables.coerce import EXCEL_ERRORS

    candidates = pc.fill_null(pc.match_substring(array, "#"), False)
    where = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
    hits = [i for i, v in zip(where, array.take(pa.array(where)).to_pylist(), strict=True)
            if v.strip().upper() in EXCEL_ERRORS]
    if not hits:
        return None
    located = np.zeros(len(array), dtype=bool)
    located[hits] = True
    return pa.array(located)


_ENTITIES = ((b"&", b"&amp;"), (b"<", b"&lt;"), (b">", b"&gt;"))


def _escaped(array: pa.Array, data: bytes) -> pa.Array:
    """``&``, ``<`` and ``>`` as entities, replaced in the whole value buffer at once (memchr speed); each
    text's new end moves by the entities before it (counted with a binary search of their positions)."""
    present = [(plain, entity) for plain, entity in _ENTITIES if plain in data]
    if not present:
        return array
    if array.offset or not pa.types.is_large_string(array.type):
        for plain, entity in present:
            array = pc.replace_substring(array, plain.decode(), entity.decode())
        return array
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[: len(array) + 1]
    offsets = offsets - offsets[0]
    raw = np.frombuffer(data, np.uint8)
    special = np.zeros(raw.shape, dtype=bool)
    for plain, _entity in present:
        special |= raw == plain[0]
    where = np.flatnonzero(special)
    growth = np.where(raw[where] == ord("&"), 4, 3)  # "&" → "&amp;" is 4 bytes more, "<" and ">" 3
    grown = np.concatenate([[0], np.cumsum(growth)])[np.searchsorted(where, offsets, side="left")]
    for plain, entity in present:
        data = data.replace(plain, entity)
    return pa.Array.from_buffers(pa.large_string(), len(array),
                                 [array.buffers()[0], pa.py_buffer(offsets + grown), pa.py_buffer(data)],
                                 array.null_count)


def _values(array: pa.Array) -> bytes:
    """The bytes of a string array's values, one after the other."""
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if pa.types.is_large_string(array.type)
                            else np.int32)
    if len(array) == 0 or array.buffers()[2] is None:
        return b""
    first, last = offsets[array.offset], offsets[array.offset + len(array)]
    return array.buffers()[2].slice(first, last - first).to_pybytes()


def _outer_space_possible(array: pa.Array, data: bytes) -> bool:
    """False when no text begins or ends with a byte that may be white space: an ASCII space, tab or
    line break, or a byte of a multi-byte character (Unicode spaces such as U+00A0 are multi-byte).
    Only each text's first and last byte are looked at."""
    if not data:
        return False
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64 if pa.types.is_large_string(array.type)
                            else np.int32)[array.offset: array.offset + len(array) + 1]
    offsets = offsets - offsets[0]
    filled = offsets[1:] > offsets[:-1]
    raw = np.frombuffer(data, np.uint8)
    edges = np.concatenate([raw[offsets[:-1][filled]], raw[offsets[1:][filled] - 1]])
    return bool(np.any((edges == 32) | (edges >= 128) | ((edges >= 9) & (edges <= 13))))


def _mixed(values: pd.Series, epoch: dt.datetime) -> pa.Array:
    """A column holding values of several kinds (an object column of dates and texts): cell by cell.

    Rare (the import hands over typed columns): each cell as ``_cell_xml`` writes it, at a placeholder place."""
    out = []
    for value in values.tolist():
        if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)) \
                or value == "":
            out.append(None)
            continue
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        elif isinstance(value, np.generic):
            value = value.item()
        out.append(value)
    return pa.array([None if v is None else _cell_xml(0, 0, v, "", "", epoch) for v in out], pa.large_string())


def rows_xml(columns: list[ColumnCells], count: int, first_row: int, p: str,
             around: tuple[pa.Array, pa.Array] | None = None) -> Iterator[memoryview]:
    """The ``<row>`` elements of ``count`` data rows, the first at 0-based sheet row ``first_row``,
    as buffers of UTF-8 bytes, one per chunk. ``around``: per row, the XML of the user's cells left and
    right of the table (kept as they were), for a sheet where the table is not alone."""
    for start in range(0, count, CHUNK_ROWS):
        stop = min(count, start + CHUNK_ROWS)
        numbers = pc.cast(pa.array(np.arange(first_row + start + 1, first_row + stop + 1, dtype=np.int64)),
                          pa.large_string())
        pieces: list = [f'<{p}row r="', numbers, '">']
        if around is not None:
            pieces.append(around[0].slice(start, stop - start))
        for column in columns:
            pieces += column.pieces(start, stop, numbers)
        if around is not None:
            pieces.append(around[1].slice(start, stop - start))
        pieces.append(f"</{p}row>")
        merged: list = []  # neighbouring constant texts as one
        for piece in pieces:
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            else:
                merged.append(piece)
        yield _buffer(pc.binary_join_element_wise(*(_scalar(x) if isinstance(x, str) else x for x in merged),
                                                  _scalar(""), null_handling="replace", null_replacement="/>"))


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _join(*parts) -> pa.Array:
    """Element-wise concatenation of large-string arrays and constant texts; null where any part is null."""
    return pc.binary_join_element_wise(*(_scalar(x) if isinstance(x, str) else x for x in (*parts, "")))


def _buffer(joined: pa.Array) -> memoryview:
    """The bytes of a string array's values, one after the other (zero-copy)."""
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64 if pa.types.is_large_string(joined.type)
                            else np.int32)
    first, last = offsets[joined.offset], offsets[joined.offset + len(joined)]
    return memoryview(joined.buffers()[2])[first:last]
