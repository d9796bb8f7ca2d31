"""Reading export files: delimiter and encoding sniffed, BOM, quotes and new lines in cells, XLSX typed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from kpi_xl.errors import KpiError
from kpi_xl.importing.files import header_line, read_file, sniff_delimiter


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def cells(raw):
    return [c.to_pylist() for c in raw.columns]


@pytest.mark.parametrize(("line", "expected"), [
    ("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x;y",b,c', ","), ('"a,b";"c,d";e', ";"),
    ("single", ","), ("", ","), ("Deal - Titel;Deal - Waarde, in €;Fase", ";"),
])
def test_delimiter_is_the_most_frequent_outside_quotes(line, expected):
    assert sniff_delimiter(line) == expected


def test_header_line_ends_at_a_newline_outside_quotes():
    assert header_line('"a\nb";c\r\n1;2') == '"a\nb";c'
    assert header_line("a,b") == "a,b"


def test_utf8_with_bom_semicolons_and_a_newline_in_a_cell(tmp_path):
    path = write(tmp_path, "x.csv", '\ufeff"Deal - Title";"Deal - Value"\n"a\nb";"1.234,50"\nc;\n'.encode())
    raw = read_file(path)
    assert (raw.encoding, raw.delimiter, raw.headers) == ("utf-8-sig", ";", ["Deal - Title", "Deal - Value"])
    assert cells(raw) == [["a\nb", "c"], ["1.234,50", None]]
    assert raw.rows == 2


def test_windows_1252_is_decided_by_one_byte_that_is_not_utf8(tmp_path):
    path = write(tmp_path, "x.csv", "Naam,Bedrag\nCafé Één,€ 12\n".encode("cp1252"))
    raw = read_file(path)
    assert raw.encoding == "cp1252"
    assert cells(raw) == [["Café Één"], ["€ 12"]]


def test_a_late_non_utf8_byte_still_decides(tmp_path):
    body = "a,b\n" + "x,y\n" * 200_000 + "é,z\n"
    path = write(tmp_path, "x.csv", body.encode("cp1252"))
    raw = read_file(path)
    assert raw.encoding == "cp1252" and raw.columns[0].to_pylist()[-1] == "é"


def test_plain_utf8_and_tabs(tmp_path):
    path = write(tmp_path, "x.tsv", b"a\tb\n1\t\n")
    raw = read_file(path)
    assert (raw.encoding, raw.delimiter) == ("utf-8", "\t")
    assert cells(raw) == [["1"], [None]]


def test_every_column_is_text_so_leading_zeros_stay(tmp_path):
    raw = read_file(write(tmp_path, "x.csv", b"id,postcode\n007,0123\n"))
    assert cells(raw) == [["007"], ["0123"]]
    assert all(pa.types.is_string(c.type) for c in raw.columns)


def test_a_header_with_a_newline_in_quotes(tmp_path):
    raw = read_file(write(tmp_path, "x.csv", b'"Deal\nTitle";x\n1;2\n3;4\n'))
    assert raw.headers == ["Deal\nTitle", "x"]
    assert cells(raw) == [["1", "3"], ["2", "4"]]


def test_header_only_gives_no_rows(tmp_path):
    raw = read_file(write(tmp_path, "x.csv", b"a,b\n"))
    assert raw.rows == 0 and raw.headers == ["a", "b"]


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(tmp_path, data):
    with pytest.raises(KpiError, match="leeg|empty"):
        read_file(write(tmp_path, "x.csv", data))


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(KpiError, match="niet gevonden|not found"):
        read_file(tmp_path / "nope.csv")


def test_a_row_with_too_many_cells_is_refused_not_dropped(tmp_path):
    with pytest.raises(KpiError, match="kan niet gelezen|cannot be read"):
        read_file(write(tmp_path, "x.csv", b"a,b\n1,2\n1,2,3\n"))


def test_xlsx_keeps_typed_cells(tmp_path):
    path = tmp_path / "Deals.xlsx"
    pd.DataFrame({"id": ["D1", "D2", None], "when": [dt.datetime(2026, 3, 1, 10), dt.datetime(2026, 3, 2), None],
                  "value": [1234.5, 12.0, None], "mixed": ["a", 12, "b"]}).to_excel(path, index=False)
    raw = read_file(path)
    assert (raw.encoding, raw.delimiter, raw.headers) == ("xlsx", None, ["id", "when", "value", "mixed"])
    assert pa.types.is_timestamp(raw.columns[1].type) and pa.types.is_floating(raw.columns[2].type)
    assert raw.columns[1].to_pylist()[:2] == [dt.datetime(2026, 3, 1, 10), dt.datetime(2026, 3, 2)]
    assert raw.columns[2].to_pylist() == [1234.5, 12.0, None]
    assert raw.columns[3].to_pylist() == ["a", "12", "b"]
    assert raw.columns[0].to_pylist() == ["D1", "D2", None]


def test_only_the_chosen_columns_are_parsed(tmp_path):
    seen = []
    raw = read_file(write(tmp_path, "x.csv", b"a,b,c\n1,2,3\n4,5,6\n"), lambda headers: seen.append(headers) or {0, 2})
    assert seen == [["a", "b", "c"]]
    assert cells(raw) == [["1", "4"], [None, None], ["3", "6"]]
    assert raw.rows == 2
