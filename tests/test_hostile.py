"""Hostile files and text (issue #6): nothing from the data or a file gets to run, and nothing leaks out.

- text from the data that looks like a formula is written as text, never as a formula;
- zip and XML bombs are refused by :func:`check_package` before a reader inflates them;
- the config is read with a safe loader and nothing in the project evaluates text;
- the template's VBA is only our module and xlwings' code, with no macro that runs by itself;
- a refresh, the demo, a check and the worksheet functions open no network connection;
- fuzzing: whatever cells, shapes, arguments or bytes come in, only a KpiError comes out.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import socket
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.config import load_config
from kpi_xl.errors import KpiError
from kpi_xl.excel import args as excel_args
from kpi_xl.excel import functions as fx
from kpi_xl.report import layout as L
from kpi_xl.report.pages import dashboard as dashboard_page
from kpi_xl.sample import generate
from kpi_xl.workbook import package_check
from kpi_xl.workbook.new import fill_tables, new_workbook
from kpi_xl.workbook.package_check import check_package
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.template import template_path
from tests.workbooks import NOW, TODAY, owned_parts, parts, sheet_cells

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = load_config()
MONTH = "2026-10"
HOSTILE = ['=HYPERLINK("http://example.invalid","klik")', "@SUM(1)", "+1+1", "-2+3", "=cmd|' /C calc'!A0"]


def _small_rows():
    return generate(seed=7, scale=0.1).rows()


def _book(path: Path, rows=None) -> Path:
    new_workbook(path, overwrite=True)
    fill_tables(path, rows or _small_rows(), SETTINGS)
    return path


# --------------------------------------------------------------------------- formulas from the data stay text


def test_formula_like_values_from_the_data_are_written_as_text(tmp_path):
    rows = _small_rows()
    head = {t: {h: i for i, h in enumerate(r[0])} for t, r in rows.items()}
    acts = rows["Activities"]
    for i, text in enumerate(HOSTILE[:4]):  # reps named like formulas: they appear on the Dashboard
        for line in acts[1 + i::40]:
            line[head["Activities"]["owner"]] = text
    rows["Deals"][3][head["Deals"]["stage"]] = HOSTILE[0]  # a bad value: shown on Checks
    rows["Deals"][4][head["Deals"]["value"]] = HOSTILE[1]
    rows["Leads"][2][head["Leads"]["created"]] = HOSTILE[4]
    rows["Customers"][2][head["Customers"]["company"]] = HOSTILE[0]
    path = _book(tmp_path / "hostile.xlsm", rows)
    report = refresh_file(path, month=MONTH, now=NOW, today=TODAY).report
    owned = owned_parts(path)
    for name, data in parts(path).items():
        if name in owned:
            xml = data.decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, name
    dashboard = sheet_cells(path, L.DASHBOARD)
    reps = {v for (r, c), v in dashboard.items() if c == 0 and r >= dashboard_page.REPS_FIRST_ROW}
    assert set(HOSTILE[:4]) <= reps  # shown exactly as typed, as text
    checks = [v for (r, c), v in sheet_cells(path, L.CHECKS).items()]
    assert HOSTILE[0] in checks and HOSTILE[1] in checks and HOSTILE[4] in checks
    assert any(HOSTILE[0] in p.message("nl") for p in report.problems)


# --------------------------------------------------------------------------- zip and XML bombs


def _rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the workbook with some parts replaced or added: ``change(name, data) -> data | None``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
        extra = change(None, None)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
                             for i in range(1, 10))
                  + b"]>\n")


def _with_doctype(part: str, prefix: bytes = b""):
    def change(name, data):
        if name == part:
            body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
            return BILLION_LAUGHS + prefix + body
        return data if name else None
    return change


@pytest.mark.parametrize("part,prefix", [
    ("xl/workbook.xml", b""),
    ("xl/sharedStrings.xml", b""),
    ("[Content_Types].xml", b""),
    ("xl/worksheets/sheet1.xml", b""),
])
def test_an_xml_entity_bomb_is_refused_before_it_is_read(part, prefix, tmp_path):
    source = template_path()
    with zipfile.ZipFile(source) as archive:
        if part not in archive.namelist():
            pytest.skip(f"the template has no {part}")
    bomb = _rewrite(source, tmp_path / "bomb.xlsm", _with_doctype(part, prefix))
    before = bomb.read_bytes()
    with pytest.raises(KpiError) as caught:
        refresh_file(bomb, now=NOW, today=TODAY)
    message = str(caught.value)
    assert f"bomb.xlsm: onderdeel {part} bevat een DOCTYPE- of ENTITY-declaratie" in message
    assert f"part {part} holds a DOCTYPE or ENTITY declaration" in message
    assert bomb.read_bytes() == before


def test_a_doctype_hidden_behind_a_long_comment_is_found(tmp_path):
    def change(name, data):
        if name == "xl/workbook.xml":
            body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", data)
            return b'<?xml version="1.0"?>\n<!-- <a> ' + b"x" * 100_000 + b" -->\n" + BILLION_LAUGHS[22:] + body
        return data if name else None
    bomb = _rewrite(template_path(), tmp_path / "hidden.xlsm", change)
    with pytest.raises(KpiError, match="DOCTYPE"):
        check_package(bomb)


def test_a_zip_bomb_part_is_refused_without_inflating_it(tmp_path):
    """A 300 MB part of zeros packs to ~300 kB (ratio ~1000:1): refused from the directory alone."""
    size = 300 * 1024**2

    bomb = tmp_path / "zipbomb.xlsm"
    bomb.write_bytes(template_path().read_bytes())
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("xl/media/image99.bin", "w", force_zip64=True) as part:
        chunk = bytes(8 * 1024**2)
        for _ in range(size // len(chunk)):
            part.write(chunk)
    tracemalloc.start()
    try:
        with pytest.raises(KpiError) as caught:
            refresh_file(bomb, now=NOW, today=TODAY)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "zipbomb.xlsm: onderdeel xl/media/image99.bin pakt uit tot 296 MB (1028× zo groot" in str(caught.value)
    assert "a zip bomb or a damaged file; it is not opened" in str(caught.value)
    assert peak < 20 * 1024**2, f"peak {peak / 1024**2:.0f} MB while refusing"


def test_too_many_parts_or_too_big_in_total_is_refused(tmp_path, monkeypatch):
    many = _rewrite(template_path(), tmp_path / "many.xlsm",
                    lambda name, data: data if name else {f"xl/x/{i}.bin": b"" for i in range(10_001)})
    with pytest.raises(KpiError, match=r"many\.xlsm: het bestand bevat 10\d\d\d onderdelen \(meer dan 10000\)"):
        check_package(many)
    monkeypatch.setattr(package_check, "MAX_TOTAL_SIZE", 1024)  # 2 GiB of parts is too slow to build in a test
    with pytest.raises(KpiError, match=r"the file unpacks to \d+ MB \(more than 0 MB\); it is not opened"):
        check_package(template_path())


def test_the_real_workbooks_pass_the_package_check(tmp_path):
    check_package(template_path())
    check_package(_book(tmp_path / "book.xlsm"))


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert '"defusedxml' in dependencies


# --------------------------------------------------------------------------- nothing is evaluated


def test_the_config_is_read_safely_and_nothing_is_evaluated(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    evil = f"!!python/object/apply:os.system ['touch {marker}']\n"
    (tmp_path / "kpi.yaml").write_text(f"language: {evil}", encoding="utf-8")
    with pytest.raises(KpiError, match="is not allowed"):
        load_config(tmp_path / "kpi.yaml")
    assert not marker.exists()
    sources = {p: p.read_text(encoding="utf-8") for p in (ROOT / "kpi_xl").rglob("*.py")}
    for path, text in sources.items():
        code = re.sub(r'""".*?"""|#[^\n]*', "", text, flags=re.S)
        assert not re.search(r"(?<![\w.])(eval|exec|compile)\(", code), path
        assert "unsafe_load" not in code and "yaml.Loader" not in code and "FullLoader" not in code, path
        assert "pickle" not in code and "marshal" not in code, path
        for call in re.findall(r"yaml\.load\([^)]*\)", code):
            assert "Loader=_Loader" in call, (path, call)


# --------------------------------------------------------------------------- the VBA in the template


def test_the_template_vba_is_ours_and_xlwings_only_and_runs_nothing_by_itself():
    olevba = pytest.importorskip("oletools.olevba")
    import xlwings

    with zipfile.ZipFile(template_path()) as archive:
        data = archive.read("xl/vbaProject.bin")
    parser = olevba.VBA_Parser("vbaProject.bin", data=data)
    try:
        macros = {stream.split("/")[-1]: code for (_, stream, _, code) in parser.extract_macros()}
        findings = parser.analyze_macros()
    finally:
        parser.close()
    auto = [f for f in findings if f[0] == "AutoExec"]
    assert auto == []  # no Workbook_Open, Auto_Open, Document_Open ...: the README documents none
    documents = {n for n in macros if n == "ThisWorkbook" or re.fullmatch(r"Sheet\d+", n)}
    assert set(macros) - documents == {"xlwings", "KPIRefresh", "Dictionary"}
    for name in documents:  # the document modules hold attributes only, no code
        assert all(line.startswith("Attribute ") for line in macros[name].splitlines() if line.strip()), name
    xlwings_bas = (Path(xlwings.__file__).parent / "xlwings.bas").read_bytes().decode("cp1252")
    assert macros["xlwings"] == xlwings_bas
    code = [line for line in macros["KPIRefresh"].splitlines()
            if line.strip() and not line.lstrip().startswith("'") and not line.startswith("Attribute ")]
    assert code == ["Option Explicit", "Public Sub RefreshKPIs()", '    RunPython "import kpi_xl.excel; kpi_xl.excel.refresh()"',
                    "End Sub"]


# --------------------------------------------------------------------------- no network


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use is not allowed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_nothing_opens_a_network_connection(no_network, tmp_path, monkeypatch, capsys):
    from kpi_xl import cli

    for args in (["demo", str(tmp_path / "demo.xlsm")], ["refresh", str(tmp_path / "demo.xlsm")],
                 ["check", str(tmp_path / "demo.xlsm")], ["check-config"]):
        monkeypatch.setattr(sys, "argv", ["kpi-xl", *args])
        try:
            cli.main()
        except SystemExit as done:
            assert done.code in (0, None), args
    rows = _small_rows()
    settings = fx.settings_for(tmp_path / "demo.xlsm")
    assert fx.qualified_leads(settings, excel_args.table_rows(rows["Leads"], "Leads"), "2026-10") >= 0
    assert fx.pipeline_value(settings, excel_args.table_rows(rows["Deals"], "Deals")) > 0
    assert fx.kpi_summary(settings, *(excel_args.table_rows(rows[t], t) for t in L.DATA_SHEETS), "2026-10")
    assert no_network == []


# --------------------------------------------------------------------------- fuzzing


CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=10),
    st.sampled_from(["#N/A", "#DIV/0!", "=1+1", "@SUM(1)", "31-02-2026", "2026-10-31", "€ 1.234,56", "12k", "Offerte",
                     "Gewonnen", "call", "bellen", "", " ", "💸", -2146826246, 45000, 2958466]),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)), st.dates(),
)
HEADERS = {"Leads": ["lead_id", "created", "owner", "company", "qualified", "industry", "employees"],
           "Activities": ["date", "owner", "type", "deal_id", "customer_id"],
           "Deals": ["deal_id", "owner", "created", "value", "stage", "closed", "Offerte", "Gewonnen"],
           "Customers": ["customer_id", "since", "until", "revenue", "industry"]}
ARGS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                 st.text(max_size=8), st.sampled_from(["2026-10", "Offerte", "Jan", "2026", "WAAR", "#N/A", ""]),
                 st.datetimes(min_value=dt.datetime(1, 1, 1)), st.lists(st.lists(CELLS, max_size=3), max_size=3))
# examples per test run; raise them for a longer search: KPI_XL_FUZZ=10 runs ten times as many
FUZZ_SCALE = int(os.environ.get("KPI_XL_FUZZ", "1"))
FUZZ_EXAMPLES = {"functions": 120 * FUZZ_SCALE, "package": 150 * FUZZ_SCALE}


@st.composite
def table_arg(draw, table: str):
    """What Excel hands a worksheet function for a table argument: rows with or without the header."""
    header = draw(st.one_of(st.just(HEADERS[table]), st.permutations(HEADERS[table]),
                            st.lists(st.one_of(st.none(), st.text(max_size=6)), max_size=5)))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 1), max_size=8))
    shape = draw(st.sampled_from(["with header", "body only", "scalar", "one row"]))
    if shape == "scalar":
        return draw(CELLS)
    if shape == "one row":
        return rows[0] if rows else header
    return [list(header), *rows] if shape == "with header" else rows


FUNCTIONS = [
    ("qualified_leads", ["Leads"], 2), ("action_points", ["Activities"], 2), ("pipeline_value", ["Deals"], 4),
    ("deal_velocity", ["Deals"], 3), ("sales_velocity", ["Deals"], 1), ("close_ratio", ["Deals"], 1),
    ("stage_conversion", ["Deals"], 2), ("retention_rate", ["Customers"], 2), ("active_customers", ["Customers"], 1),
    ("lookalike", ["Leads", "Customers"], 1), ("kpi_summary", ["Leads", "Activities", "Deals", "Customers"], 1),
]


@st.composite
def function_call(draw):
    name, tables, n_args = draw(st.sampled_from(FUNCTIONS))
    return name, [draw(table_arg(t)) for t in tables], tables, [draw(ARGS) for _ in range(n_args)]


@settings(max_examples=FUZZ_EXAMPLES["functions"], deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(function_call())
def test_worksheet_functions_only_raise_kpi_errors(call):
    """The core of every worksheet function, with the argument parsing the Excel wrapper does."""
    name, tables, table_names, args = call
    try:
        parsed = [excel_args.table_rows(value, table) for value, table in zip(tables, table_names, strict=True)]
        if name in ("qualified_leads", "action_points"):
            args = [excel_args.month_arg(args[0]), excel_args.text_arg(args[1])]
        elif name == "pipeline_value":
            args = [args[0], excel_args.bool_arg(args[1]), excel_args.text_arg(args[2]), excel_args.date_arg(args[3])]
        elif name == "deal_velocity":
            args = [args[0], excel_args.int_arg(args[1], 12, excel_args.MAX_MONTHS), excel_args.text_arg(args[2])]
        elif name in ("sales_velocity", "close_ratio"):
            args = [excel_args.int_arg(args[0], 12, excel_args.MAX_MONTHS)]
        elif name == "retention_rate":
            args = [excel_args.date_arg(args[0]), excel_args.date_arg(args[1])]
        elif name == "active_customers":
            args = [excel_args.date_arg(args[0])]
        elif name == "lookalike":
            args = [excel_args.int_arg(args[0], 5)]
        elif name == "kpi_summary":
            args = [excel_args.month_arg(args[0])]
        if name == "action_points":
            args = [args[1], args[0]]
        getattr(fx, name)(SETTINGS, *parsed, *args)
    except KpiError as err:
        assert str(err).strip()


@st.composite
def damaged_package(draw):
    """The template's bytes, cut, flipped or with parts swapped for random bytes."""
    data = bytearray(TEMPLATE_BYTES)
    kind = draw(st.sampled_from(["cut", "flip", "random", "part"]))
    if kind == "cut":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "flip":
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    if kind == "random":
        return draw(st.binary(max_size=2000))
    out = io.BytesIO()
    payload = draw(st.binary(max_size=300))
    target = draw(st.sampled_from(["xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet4.xml",
                                   "[Content_Types].xml"]))
    with zipfile.ZipFile(io.BytesIO(TEMPLATE_BYTES)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, payload if info.filename == target else src.read(info))
    return out.getvalue()


TEMPLATE_BYTES = template_path().read_bytes()


@settings(max_examples=FUZZ_EXAMPLES["package"], deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(damaged_package())
def test_damaged_files_only_raise_kpi_errors(tmp_path, data):
    """A damaged workbook (cut off, bytes flipped, parts replaced) is a message, never a crash."""
    path = tmp_path / "damaged.xlsm"
    path.write_bytes(data)
    try:
        check_package(path)
    except KpiError as err:
        assert str(err).strip()


def test_a_damaged_sheet_part_is_a_message(tmp_path):
    out = tmp_path / "damaged.xlsm"
    with zipfile.ZipFile(io.BytesIO(TEMPLATE_BYTES)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, b"" if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    with pytest.raises(KpiError, match="het bestand is beschadigd.* / sheet '.*' cannot be read .*damaged"):
        refresh_file(out, now=NOW, today=TODAY)


def test_a_damaged_directory_offset_is_a_message(tmp_path):
    """Found by fuzzing: an end-of-directory record that points too far makes zipfile seek before the file's
    start (OSError: Invalid argument)."""
    data = bytearray(TEMPLATE_BYTES)
    end = data.rfind(b"PK\x05\x06")
    offset = int.from_bytes(data[end + 16:end + 20], "little")
    data[end + 16:end + 20] = (offset + 1000).to_bytes(4, "little")
    path = tmp_path / "offset.xlsm"
    path.write_bytes(bytes(data))
    with pytest.raises(KpiError, match="offset.xlsm cannot be read as a workbook"):
        check_package(path)
    with pytest.raises(KpiError):
        refresh_file(path, now=NOW, today=TODAY)
