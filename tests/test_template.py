"""The committed template: sheets, tables, validations, formats, print setup; reproducible build."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from kpi_xl.config import load_config
from kpi_xl.report import layout as L
from kpi_xl.workbook.export import dashboard_pdf, find_soffice
from kpi_xl.workbook.package import sheet_parts
from kpi_xl.workbook.refresh import refresh_file
from kpi_xl.workbook.template import build, default_vba_project, table_columns, template_path
from tests.workbooks import NOW, TODAY, demo_workbook, sheet_cells


@pytest.fixture(scope="module")
def package():
    with zipfile.ZipFile(template_path()) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}, sheet_parts(archive)


def test_sheets_in_order_dashboard_first(package):
    files, _ = package
    workbook = files["xl/workbook.xml"].decode()
    names = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert names == ["Dashboard", "Coaching", "Inzicht", "Leads", "Activities", "Deals", "Customers", "History", "Checks", "Uitleg",
                     "xlwings.conf"]
    assert re.search(r'<sheet name="xlwings.conf"[^>]*state="hidden"', workbook)


def test_xlwings_settings_list_the_udf_module():
    from tests.workbooks import sheet_cells

    cells = sheet_cells(template_path(), L.XLWINGS_CONF)
    assert cells == {(0, 0): "UDF Modules", (0, 1): "kpi_xl.udfs", (1, 0): "Interpreter_Mac", (1, 1): "python3",
                     (2, 0): "Use UDF Server", (2, 1): "True"}


def test_interpreter_settings_per_platform(tmp_path):
    from kpi_xl.workbook.new import interpreter_settings

    base = [("UDF Modules", "kpi_xl.udfs"), ("Interpreter_Mac", "python3"), ("Use UDF Server", "True")]
    assert interpreter_settings("linux", "/usr/bin/python3") == base
    assert interpreter_settings("darwin", "/opt/homebrew/bin/python3.12") == [
        ("UDF Modules", "kpi_xl.udfs"), ("Interpreter_Mac", "/opt/homebrew/bin/python3.12"), ("Use UDF Server", "True")]
    exe = tmp_path / "python.exe"
    assert interpreter_settings("win32", str(exe)) == [*base, ("Interpreter_Win", str(exe))]
    (tmp_path / "pythonw.exe").write_bytes(b"")
    assert interpreter_settings("win32", str(exe)) == [*base, ("Interpreter_Win", str(tmp_path / "pythonw.exe"))]
    assert interpreter_settings("darwin", "") == base  # no known interpreter: the template's default


def test_new_workbook_on_a_mac_names_its_own_python(tmp_path, monkeypatch):
    """`kpi-xl new` on a Mac: the button starts the Python that has kpi_xl; nothing else in the file moves."""
    import sys
    import zipfile

    from kpi_xl.workbook.new import new_workbook
    from kpi_xl.workbook.package import sheet_parts
    from tests.workbooks import sheet_cells

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "executable", "/Library/Frameworks/Python.framework/Versions/3.12/bin/python3")
    path = new_workbook(tmp_path / "mac.xlsm")
    assert sheet_cells(path, L.XLWINGS_CONF) == {
        (0, 0): "UDF Modules", (0, 1): "kpi_xl.udfs",
        (1, 0): "Interpreter_Mac", (1, 1): "/Library/Frameworks/Python.framework/Versions/3.12/bin/python3",
        (2, 0): "Use UDF Server", (2, 1): "True"}
    with zipfile.ZipFile(template_path()) as a, zipfile.ZipFile(path) as b:
        conf = sheet_parts(b)[L.XLWINGS_CONF]
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        changed = [i.filename for i in a.infolist() if a.read(i) != b.read(i.filename)]
    assert changed == [conf]


def test_tables_named_exactly_with_the_kpis_headers(package):
    files, _ = package
    settings = load_config()
    tables = {}
    for name, data in files.items():
        if name.startswith("xl/tables/"):
            xml = data.decode()
            table = re.search(r'<table [^>]*name="([^"]+)"', xml).group(1)
            tables[table] = re.findall(r'<tableColumn [^>]*name="([^"]+)"', xml)
    assert set(tables) == set(L.DATA_SHEETS)
    assert tables["Deals"][:5] == ["deal_id", "owner", "created", "value", "stage"]
    assert tables["Deals"][-6:] == settings.stage_names  # one date column per stage
    for name in L.DATA_SHEETS:
        assert tables[name] == [c[0] for c in table_columns(name, settings)]


def test_dropdowns_formats_and_frozen_headers(package):
    files, parts = package
    settings = load_config()
    deals = files[parts["Deals"]].decode()
    assert '"' + ",".join(settings.stage_names) + '"' in deals  # stage dropdown from the config
    activities = files[parts["Activities"]].decode()
    assert '"' + ",".join(settings.points) + '"' in activities
    for name in L.DATA_SHEETS:
        assert 'state="frozen"' in files[parts[name]].decode()
    styles = files["xl/styles.xml"].decode()
    assert 'formatCode="dd-mm-yyyy"' in styles and "€" in styles


def test_dashboard_prints_on_one_a4_landscape_page(package):
    files, parts = package
    dashboard = files[parts["Dashboard"]].decode()
    assert 'orientation="landscape"' in dashboard and 'paperSize="9"' in dashboard
    assert 'fitToWidth="1"' in dashboard or "fitToPage" in dashboard
    assert f"Dashboard!$A$1:{L.a1(L.LAST_ROW, L.LAST_COL, True)}" == "Dashboard!$A$1:$T$34"
    assert "Dashboard!$A$1:$T$34" in files["xl/workbook.xml"].decode()
    drawing = next(n for n in files if n.startswith("xl/worksheets/_rels/") and n.endswith(
        parts["Dashboard"].rsplit("/", 1)[1] + ".rels"))
    drawing = re.search(r'Target="../drawings/([^"]+)"', files[drawing].decode()).group(1)
    assert files[f"xl/drawings/_rels/{drawing}.rels"].decode().count("/chart\"") == 5  # native charts


def test_build_is_reproducible_and_matches_the_committed_template(tmp_path):
    settings = load_config()
    first = build(tmp_path / "a.xlsm", settings, vba_project=default_vba_project(settings))
    second = build(tmp_path / "b.xlsm", settings, vba_project=default_vba_project(settings))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == template_path().read_bytes(), "rebuild: python -m kpi_xl.workbook.template build"


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed; CI installs it")
def test_libreoffice_renders_the_refreshed_dashboard_on_one_page(tmp_path):
    book = demo_workbook(tmp_path / "demo.xlsm")
    report = refresh_file(book, month="2026-10", now=NOW, today=TODAY).report
    pdf = dashboard_pdf(book, tmp_path / "dashboard.pdf")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Sales KPI's — oktober 2026" in text
    leads = report.tiles["qualified_leads"].value
    points = report.tiles["action_points"].value
    pipeline = report.tiles["pipeline_value"].value

    def shown(number: float) -> list[str]:
        whole = f"{number:,.0f}"
        return [whole, whole.replace(",", ".")]

    assert str(leads) in text
    assert any(s in text for s in shown(points))
    assert any(s in text for s in shown(pipeline))
    cells = sheet_cells(book, L.DASHBOARD)
    assert cells[L.MONTH_USED] == "2026-10"


def test_vba_project_has_refresh_and_the_xlwings_code(package):
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(template_path()))
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert 'RunPython "import kpi_xl.excel; kpi_xl.excel.refresh()"' in modules["KPIRefresh"]
    assert "Sub RefreshKPIs()" in modules["KPIRefresh"]
    assert "Function RunPython(" in modules["xlwings"] and "Sub ImportPythonUDFs(" in modules["xlwings"]
    assert "xlwings64-0.37.8.dll" in modules["xlwings"] or "0.37.8" in modules["xlwings"]
    assert "Dictionary" in modules
    assert {"ThisWorkbook", *[f"Sheet{i}" for i in range(1, 10)]} <= set(modules)
    # only our code and xlwings': no auto-run macros
    everything = "\n".join(modules.values())
    for auto in ("Workbook_Open", "Auto_Open", "AutoOpen", "Document_Open"):
        assert auto not in everything


def test_refresh_button_runs_refreshkpis(package):
    files, _ = package
    vml = [data.decode() for name, data in files.items() if name.endswith(".vml")]
    assert len(vml) == 1
    assert "<x:FmlaMacro>[0]!RefreshKPIs</x:FmlaMacro>" in vml[0]
    assert "Vernieuwen" in vml[0]


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed; CI installs it")
def test_libreoffice_loads_the_template_with_its_macros(tmp_path):
    olevba = pytest.importorskip("oletools.olevba")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([find_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "xlsm:Calc MS Excel 2007 VBA XML", "--outdir", str(tmp_path / "out"), str(template_path())],
                   capture_output=True, timeout=180, check=True)
    exported = tmp_path / "out" / "workbook_template.xlsm"
    parser = olevba.VBA_Parser(str(exported))
    macros = "\n".join(code for _, _, _, code in parser.extract_macros())
    parser.close()
    assert "Sub RefreshKPIs()" in macros and "Function RunPython(" in macros


def test_the_names_shipped_workbooks_carry_still_resolve():
    """The button's RunPython code and xlwings.conf's UDF Modules, as every earlier workbook has them."""
    import importlib
    import inspect

    from kpi_xl.excel import button
    from kpi_xl.excel import udfs as excel_udfs
    from kpi_xl.workbook.vba.sources import REFRESH_CALL

    namespace: dict = {}
    exec(REFRESH_CALL.replace("kpi_xl.excel.refresh()", "found = kpi_xl.excel.refresh"), namespace)
    assert namespace["found"] is button.refresh
    shim = importlib.import_module(L.UDF_MODULE)
    assert L.UDF_MODULE == "kpi_xl.udfs"
    names = {f.__name__ for f in excel_udfs.FUNCTIONS}
    assert names and names <= set(shim.__all__)
    for name in names:  # xlwings calls getattr(module, name) on the module named in the workbook
        assert getattr(shim, name) is getattr(excel_udfs, name)
        assert inspect.isfunction(getattr(shim, name))
    import kpi_xl

    assert {"load_config", "read_tables", "compute"} <= set(kpi_xl.__all__)
    assert callable(kpi_xl.compute) and kpi_xl.compute.__module__ == "kpi_xl.month"
