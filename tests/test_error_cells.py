"""The sheet scan that finds Excel error values the readers return as empty cells."""

from __future__ import annotations

import struct
import zipfile

import pytest

from kpi_xl.errors import KpiError
from kpi_xl.tables.coerce import FormulaWithoutValue
from kpi_xl.workbook import error_scan as scan
from kpi_xl.workbook.package_check import check_package

WORKBOOK = (b'<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            b'<sheet name="Deals" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = (b'<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/>'
        b'</Relationships>')


def _book(path, cells: bytes, shared: bytes | None = None, filler: int = 0):
    sheet = (b'<worksheet><sheetData><row r="1">' + b'<c r="A1" t="n"><v>1</v></c>' * filler + cells
             + b"</row></sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return path


def test_error_cells_text_errors_and_shared_strings(tmp_path):
    cells = (b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'  # as Excel writes a formula's error
             b"<x:c r='C3' s='4' t='e'><x:v>#N/A</x:v></x:c>"  # prefixed, single quotes
             b'<c r="D4" t="inlineStr"><is><t xml:space="preserve">#ref! </t></is></c>'  # typed as text
             b'<c r="E5" t="inlineStr"><is><t>#1 klant</t></is></c>'  # text starting with #: not an error
             b'<c r="F6" t="s"><v>1</v></c><c r="G7" t="s"><v>0</v></c><c r="H8" t="s"><v>11</v></c>'
             b'<c r="I9" t="e"></c>')  # an error without its text
    shared = b"<sst><si><t>Offerte</t></si><si><r><t>#WAAR</t></r><r><t>DE!</t></r></si></sst>"
    found = scan.error_cells(_book(tmp_path / "e.xlsx", cells, shared), ["Deals", "Missing"])
    assert found == {"Deals": {(1, 1): "#DIV/0!", (2, 2): "#N/A", (3, 3): "#REF!", (5, 5): "#WAARDE!",
                               (8, 8): "#VALUE!"}}


def test_a_self_closing_error_cell_does_not_take_the_next_cells_value(tmp_path):
    cells = b'<c r="A2" t="e"/><c r="B2"><v>5</v></c><c r="C2" t="inlineStr"/><c r="D2" t="e"><v>#N/A</v></c>'
    assert scan.error_cells(_book(tmp_path / "s.xlsx", cells), ["Deals"]) == {"Deals": {(1, 3): "#N/A"}}


def test_no_error_cells_nothing_found(tmp_path):
    assert scan.error_cells(_book(tmp_path / "ok.xlsx", b'<c r="B2"><v>3</v></c>'), ["Deals"]) == {}


@pytest.mark.parametrize("chunk", [7, 64, 1000])
@pytest.mark.parametrize("shared", [False, True])
def test_a_cell_cut_by_a_chunk_boundary_is_still_found(tmp_path, monkeypatch, chunk, shared):
    monkeypatch.setattr(scan, "SCAN_CHUNK", chunk)
    monkeypatch.setattr(scan, "SCAN_OVERLAP", 200)  # still longer than a cell
    strings = b"<sst><si><t>a</t></si><si><t>#NULL!</t></si></sst>" if shared else None
    cell = b'<c r="AB70" t="s"><v>1</v></c>' if shared else b'<c r="AB70" t="e"><v>#N/A</v></c>'
    path = _book(tmp_path / "cut.xlsx", cell, strings, filler=37)
    assert scan.error_cells(path, ["Deals"]) == {"Deals": {(69, 27): "#NULL!" if shared else "#N/A"}}


def test_a_part_larger_than_its_central_directory_says_is_refused(tmp_path):
    """A zip bomb that lies about its size: zipfile stops at the declared size, the CRC does not match."""
    path = _book(tmp_path / "liar.xlsx", b'<c r="B2"><v>3</v></c>', filler=5000)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        struct.pack_into("<I", data, at + size_at, 100_000)  # claims 100 kB; it inflates to ~150 kB
    path.write_bytes(bytes(data))
    check_package(path)  # the central directory alone looks harmless
    with pytest.raises(KpiError, match="cannot be read as a workbook"):
        scan.error_cells(path, ["Deals"])


def test_error_cells_in_a_package_written_like_the_open_xml_sdk(tmp_path):
    """x: prefixes, single quotes, an absolute target and the shared strings elsewhere than Excel puts them."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook = (b"<x:workbook xmlns:x='" + main + b"' xmlns:r='" + rel + b"'><x:sheets>"
                b"<x:sheet name='Deals' sheetId='1' r:id='R9f'/></x:sheets></x:workbook>")
    rels = (b"<Relationships xmlns='http://schemas.openxmlformats.org/package/2006/relationships'>"
            b"<Relationship Id='R9f' Type='" + rel + b"/worksheet' Target='/xl/worksheets/data.xml'/>"
            b"<Relationship Id='R3' Type='" + rel + b"/sharedStrings' Target='/xl/strings.xml'/></Relationships>")
    sheet = (b"<x:worksheet xmlns:x='" + main + b"'><x:sheetData><x:row r='2'>"
             b"<x:c r='B2' t='s'><x:v>1</x:v></x:c><x:c r='C2' t='e'><x:v>#N/A</x:v></x:c>"
             b"<x:c r='D2' t='s'><x:v>0</x:v></x:c></x:row></x:sheetData></x:worksheet>")
    strings = b"<x:sst xmlns:x='" + main + b"'><x:si><x:t>Offerte</x:t></x:si><x:si><x:t>#REF!</x:t></x:si></x:sst>"
    path = tmp_path / "sdk.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/data.xml", sheet)
        z.writestr("xl/strings.xml", strings)
    assert scan.error_cells(path, ["Deals"]) == {"Deals": {(1, 1): "#REF!", (1, 2): "#N/A"}}


# --------------------------------------------------------------------------- formulas never calculated


def test_formulas_without_a_calculated_value_are_found(tmp_path):
    cells = (b'<c r="B2"><f>A2*2</f></c>'  # no value at all
             b'<c r="C2"><f>1+1</f><v /></c>'  # as openpyxl writes it
             b'<x:c r="D3"><x:f>SUM(A:A)</x:f><x:v></x:v></x:c>'  # prefixed, empty value
             b'<c r="E4"><f t="shared" si="0"/></c>'  # a shared formula's follower, no value
             b'<c r="F5" s="2"><f>A5&amp;"x"</f>\n  </c>'  # whitespace, an escaped formula
             b'<c r="G6"><f>1+1</f><v>2</v></c>'  # calculated: read as its value
             b'<c r="H7" t="str"><f>""</f><v></v></c>'  # calculated to empty text
             b'<c r="I8" t="e"><f>1/0</f><v>#DIV/0!</v></c>'  # an error value
             b'<c r="J9" t="n"><v>5</v></c>')
    found = scan.error_cells(_book(tmp_path / "f.xlsx", cells), ["Deals"])["Deals"]
    formulas = {cell: str(value) for cell, value in found.items() if isinstance(value, FormulaWithoutValue)}
    assert formulas == {(1, 1): "=A2*2", (1, 2): "=1+1", (2, 3): "=SUM(A:A)", (3, 4): "=…", (4, 5): '=A5&"x"'}
    assert found[(7, 8)] == "#DIV/0!" and len(found) == 6


@pytest.mark.parametrize("chunk", [5, 9, 64])
def test_a_formula_cut_by_a_chunk_boundary_is_still_found(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(scan, "SCAN_CHUNK", chunk)
    monkeypatch.setattr(scan, "SCAN_OVERLAP", 200)
    path = _book(tmp_path / "cut.xlsx", b'<c r="AB70"><f>A70*2</f></c>', filler=37)
    assert {k: str(v) for k, v in scan.error_cells(path, ["Deals"])["Deals"].items()} == {(69, 27): "=A70*2"}
