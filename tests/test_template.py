"""The committed template: sheets, tables, validations, formats, print setup; reproducible build."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest

from kpi_xl import layout as L
from kpi_xl.config import load_config
from kpi_xl.export import dashboard_pdf, find_soffice
from kpi_xl.refresh import refresh_file
from kpi_xl.template import build, default_vba_project, table_columns, template_path
from kpi_xl.workbook_file import sheet_parts
from tests.workbooks import NOW, TODAY, demo_workbook, sheet_cells


@pytest.fixture(scope="module")
def package():
    with zipfile.ZipFile(template_path()) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}, sheet_parts(archive)


def test_sheets_in_order_dashboard_first(package):
    files, _ = package
    workbook = files["xl/workbook.xml"].decode()
    names = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert names == ["Dashboard", "Leads", "Activities", "Deals", "Customers", "History", "Checks", "Uitleg"]


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
    assert "Dashboard!$A$1:$Z$61" in files["xl/workbook.xml"].decode()
    assert len([n for n in files if n.startswith("xl/charts/chart")]) == 5  # native charts


def test_build_is_reproducible_and_matches_the_committed_template(tmp_path):
    settings = load_config()
    first = build(tmp_path / "a.xlsm", settings, vba_project=default_vba_project(settings))
    second = build(tmp_path / "b.xlsm", settings, vba_project=default_vba_project(settings))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() == template_path().read_bytes(), "rebuild: python -m kpi_xl.template build"


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
    assert "Inzicht — niet voor het beoordelen van medewerkers" in text
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
