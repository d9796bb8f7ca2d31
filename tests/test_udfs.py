"""The worksheet functions, called as Excel calls them: rows, ranges, dates, None, error values."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import sys
import time
from unittest import mock

import pytest
import xlwings as xw

from kpi_xl import compute, load_config, read_tables, udfs
from kpi_xl.excel import functions as fx
from kpi_xl.excel import udfs as excel_udfs
from kpi_xl.kpis import velocity as ve
from kpi_xl.periods import trailing_window
from kpi_xl.sample import generate

DEALS = [
    ["deal_id", "owner", "created", "value", "stage", "Intake", "Offerte", "Gewonnen", "Verloren"],
    ["D1", "Jan", dt.datetime(2026, 8, 1), 10000.0, "Gewonnen", dt.datetime(2026, 8, 5),
     dt.datetime(2026, 8, 15), dt.datetime(2026, 9, 30), None],
    ["D2", "Jan", dt.datetime(2026, 9, 1), "€ 5.000", "Offerte", dt.datetime(2026, 9, 3),
     dt.datetime(2026, 10, 1), None, None],
    ["D3", "Piet", dt.datetime(2026, 9, 10), 2000.0, "Verloren", dt.datetime(2026, 9, 12), None, None,
     dt.datetime(2026, 10, 20)],
    ["D4", "Piet", dt.datetime(2026, 10, 1), "#N/A", "Intake", dt.datetime(2026, 10, 2), None, None, None],
    [None, None, None, None, None, None, None, None, None],  # an empty row in the table
]


@pytest.fixture(autouse=True)
def fresh_cache():
    fx.CACHE.clear()
    yield


@pytest.fixture(scope="module")
def demo():
    company = generate(seed=7)
    rows = company.rows()
    settings = load_config()
    report = compute(read_tables(rows, settings), settings)
    return rows, report


def test_deal_velocity_by_hand():
    # D1 won: 2026-09-30 − 2026-08-01 = 60 days; the only won deal in the window → 60.0
    assert udfs.DEAL_VELOCITY(DEALS) == 60.0
    # Offerte stays ended in the window: D1 2026-08-15 → 2026-09-30 = 46 days; D2 still in it (open) → 46.0
    assert udfs.DEAL_VELOCITY(DEALS, "Offerte") == 46.0
    # Intake: D1 5→15 Aug = 10, D2 3 Sep→1 Oct = 28, D3 12 Sep→20 Oct (lost) = 38; D4 still open → (10+28+38)/3
    assert udfs.DEAL_VELOCITY(DEALS, "intake") == pytest.approx(76 / 3)
    assert udfs.DEAL_VELOCITY(DEALS, owner="Piet") == ""  # Piet won nothing: an empty cell, not 0


def test_pipeline_close_ratio_and_conversion_by_hand():
    # open at 2026-10-31: D2 (Offerte, € 5.000) and D4 (Intake, value #N/A left out of the amount)
    assert udfs.PIPELINE_VALUE(DEALS) == 5000.0
    assert udfs.PIPELINE_VALUE(DEALS, weighted=True) == 2500.0  # 5000 × 0.5
    assert udfs.PIPELINE_VALUE(DEALS, "Intake") == 0.0
    assert udfs.PIPELINE_VALUE(DEALS, as_of=dt.datetime(2026, 9, 15)) == 17000.0  # D1 + D2 + D3 open then
    # closed in the window: D1 won, D3 lost → 1 / 2
    assert udfs.CLOSE_RATIO(DEALS) == 0.5
    # entered Intake in the window: D1..D4; went on to Offerte: D1, D2 → 2 / 4
    assert udfs.STAGE_CONVERSION(DEALS, "Intake", "Offerte") == 0.5
    assert udfs.STAGE_CONVERSION(DEALS, "Offerte", "Gewonnen") == 0.5  # D1 of D1, D2


def test_excel_date_and_month_arguments():
    # a month as Excel hands it over: a datetime, a serial number or text
    leads = [["lead_id", "created", "qualified"], ["L1", dt.datetime(2026, 9, 3), "ja"],
             ["L2", 46300.0, "nee"], ["L3", "2026-10-05", "yes"]]
    assert udfs.QUALIFIED_LEADS(leads, "2026-09") == 1
    assert udfs.QUALIFIED_LEADS(leads, dt.datetime(2026, 10, 1)) == 1
    assert udfs.QUALIFIED_LEADS(leads, 46296.0) == 1  # serial 46296 = 2026-10-01
    assert udfs.QUALIFIED_LEADS(leads) == 1  # latest month with data: 2026-10


def test_readable_errors_in_the_cell():
    assert udfs.DEAL_VELOCITY(DEALS, "Offertje").startswith("fase 'Offertje' bestaat niet")
    message = udfs.DEAL_VELOCITY([["deal", "eigenaar", "created", "fase"], ["D1", "Jan", None, None]])
    assert message == ("Deals: kolom 'value' ontbreekt (gevonden kolommen: 'deal', 'eigenaar', 'created', "
                       "'fase'); Heet die kolom bij u anders? Noem uw kolomnaam in kpi.yaml, bijvoorbeeld "
                       "columns: {Deals: {value: [uw kolomnaam]}}")
    assert "Traceback" not in udfs.DEAL_VELOCITY(None)
    assert udfs.DEAL_VELOCITY(DEALS, months=0) == "'0': moet een heel getal van 1 t/m 1.200 zijn / " \
                                                  "must be a whole number from 1 to 1,200"
    # a window reaching back before pandas' first date was an OverflowError in the cell
    assert udfs.SALES_VELOCITY(DEALS, months=1e12).startswith("'1000000000000.0': moet een heel getal")
    assert udfs.CLOSE_RATIO(DEALS, months="veel").startswith("'veel': moet een heel getal van 1 t/m 1.200")
    assert "YYYY-MM" in udfs.QUALIFIED_LEADS([["lead_id", "created"]], "oktober")


class FakeRange:
    """Stands in for the xlwings Range of a table's data body; checked against the real class."""

    def __init__(self, rows, row, header=None):
        self.rows, self.row, self.header = rows, row, header
        self.columns = mock.Mock(count=len(rows[0]))

    def options(self, **kwargs):
        assert set(kwargs) <= {"ndim", "err_to_str"}
        return mock.Mock(value=self.rows)

    def offset(self, row_offset=0, column_offset=0):
        assert (row_offset, column_offset) == (-1, 0)
        return mock.Mock(resize=lambda rows, cols: mock.Mock(options=lambda **k: mock.Mock(value=[self.header])))


def test_fake_range_calls_exist_on_the_real_range():
    real = mock.create_autospec(xw.Range, instance=True)
    real.options(ndim=2, err_to_str=True)
    real.offset(-1, 0).resize(1, 9)
    real.columns.count  # noqa: B018
    assert real.row is not None


def test_table_body_header_all_and_plain_range_give_the_same_answer():
    body = FakeRange(DEALS[1:], row=6, header=DEALS[0])  # =DEAL_VELOCITY(Deals): header in row 5
    everything = FakeRange(DEALS, row=5)  # =DEAL_VELOCITY(Deals[#All])
    assert udfs.DEAL_VELOCITY(body) == udfs.DEAL_VELOCITY(everything) == udfs.DEAL_VELOCITY(DEALS) == 60.0


def test_functions_equal_compute_on_the_demo(demo):
    rows, report = demo
    settings = load_config()
    assert udfs.QUALIFIED_LEADS(rows["Leads"]) == report.tiles["qualified_leads"].value
    assert udfs.ACTION_POINTS(rows["Activities"]) == report.tiles["action_points"].value
    assert udfs.PIPELINE_VALUE(rows["Deals"]) == pytest.approx(report.tiles["pipeline_value"].value)
    assert udfs.PIPELINE_VALUE(rows["Deals"], weighted=True) == pytest.approx(report.pipeline.weighted)
    assert udfs.DEAL_VELOCITY(rows["Deals"]) == pytest.approx(report.tiles["deal_velocity"].value)
    offerte = report.stage_times.set_index("stage").at["Offerte", "mean"]
    assert udfs.DEAL_VELOCITY(rows["Deals"], "Offerte") == pytest.approx(offerte)
    assert udfs.SALES_VELOCITY(rows["Deals"]) == pytest.approx(report.sales_velocity.per_day)
    assert udfs.CLOSE_RATIO(rows["Deals"]) == pytest.approx(report.close_ratio)
    conversion = report.conversion.set_index("stage")
    assert udfs.STAGE_CONVERSION(rows["Deals"], "Intake") == pytest.approx(conversion.at["Intake", "conversion"])
    assert udfs.STAGE_CONVERSION(rows["Deals"], "Offerte", "Gewonnen") == pytest.approx(report.quote_to_close)
    end = report.as_of.to_pydatetime()
    assert udfs.RETENTION_RATE(rows["Customers"], None, end) == pytest.approx(report.customers.retention.rate)
    assert udfs.ACTIVE_CUSTOMERS(rows["Customers"], end) == report.customers.active
    rep = report.action.per_rep.iloc[0]
    assert udfs.ACTION_POINTS(rows["Activities"], rep["owner"]) == rep["points"]
    assert udfs.ACTION_TARGET(rep["owner"], str(report.month)) == rep["target"]
    summary = udfs.KPI_SUMMARY(rows["Leads"], rows["Activities"], rows["Deals"], rows["Customers"])
    assert summary[0] == ["KPI", "Waarde", "Doel", "% doel"]
    for line, tile in zip(summary[1:], report.tiles.values(), strict=True):
        assert line[0] == tile.label and line[1] == pytest.approx(tile.value)
    # the velocity window is the config's window ending with the latest month
    window = trailing_window(report.month, report.as_of, settings.window_months)
    assert window == report.window
    assert ve.cycle_time is not None


def test_lookalike_is_a_dynamic_array(demo):
    rows, _ = demo
    result = udfs.LOOKALIKE(rows["Leads"], rows["Customers"], 3)
    assert result[0] == ["Lead", "Score", "Waarom (% klanten met dezelfde waarde)"]
    assert len(result) == 4
    scores = [r[1] for r in result[1:]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert all("%" in r[2] for r in result[1:])


def test_fifty_formulas_parse_the_table_once(demo):
    rows, _ = demo
    for _ in range(50):
        udfs.DEAL_VELOCITY(rows["Deals"], "Offerte")
    tables = [k for k in fx.CACHE.items if k[0] == "table"]
    assert len(tables) == 1
    assert fx.CACHE.hits >= 49
    changed = [list(r) for r in rows["Deals"]]
    changed[1][3] = 123456.0  # one cell edited: the table is parsed again, once
    misses = fx.CACHE.misses
    udfs.DEAL_VELOCITY(changed, "Offerte")
    assert fx.CACHE.misses > misses
    after_edit = fx.CACHE.misses
    udfs.DEAL_VELOCITY([list(r) for r in changed], "Offerte")  # the same content, new lists: a hit
    assert fx.CACHE.misses == after_edit


def test_an_edited_cell_is_never_served_from_the_cache():
    rows = [list(r) for r in DEALS]
    assert udfs.PIPELINE_VALUE(rows) == 5000.0
    edited = [list(r) for r in rows]
    edited[2][3] = 7000.0  # D2's value; D2 is open
    assert udfs.PIPELINE_VALUE(edited) == 7000.0
    big = [DEALS[0]] + [[f"X{i}", "Jan", dt.datetime(2026, 9, 1), 100.0, "Offerte", None, None, None, None]
                        for i in range(1000)]
    assert udfs.PIPELINE_VALUE(big) == 100_000.0
    big[500] = [*big[500][:3], 250.0, *big[500][4:]]  # a row the fingerprint's sample does not hold
    assert udfs.PIPELINE_VALUE(big) == 100_150.0


def test_config_is_reread_when_its_file_changes(tmp_path):
    import yaml

    book = tmp_path / "book.xlsm"
    book.write_bytes(b"")
    config = load_config().model_dump(by_alias=True)
    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    caller = mock.Mock()
    caller.sheet.book.fullname = str(book)
    assert udfs.DEAL_VELOCITY(DEALS, "Offertje", caller=caller).startswith("fase 'Offertje'")
    config["language"] = "en"
    (tmp_path / "kpi.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    os.utime(tmp_path / "kpi.yaml", (time.time() + 5, time.time() + 5))
    assert udfs.DEAL_VELOCITY(DEALS, "Offertje", caller=caller).startswith("stage 'Offertje' is not")


WIN32_MODULES = ["pythoncom", "pywintypes", "win32api", "win32con", "win32com", "win32com.client",
                 "win32com.server", "win32com.server.util", "win32com.client.gencache",
                 "win32com.server.dispatcher", "win32com.server.policy", "win32timezone"]


@pytest.fixture
def windows_udfs(monkeypatch):
    """kpi_xl.udfs (the name workbooks carry) with kpi_xl.excel.udfs decorated by the real Windows xlwings
    decorators (win32 modules stubbed)."""
    for name in WIN32_MODULES:
        monkeypatch.setitem(sys.modules, name, mock.MagicMock())
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    xl_udfs = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xw, "func", xl_udfs.xlfunc)
    monkeypatch.setattr(xw, "arg", xl_udfs.xlarg)
    monkeypatch.setattr(xw, "ret", xl_udfs.xlret)
    importlib.reload(excel_udfs)
    module = importlib.reload(udfs)
    yield xl_udfs, module
    monkeypatch.undo()
    importlib.reload(excel_udfs)
    importlib.reload(udfs)


def test_function_wizard_metadata_and_vba_wrappers(windows_udfs):
    xl_udfs, module = windows_udfs
    info = module.DEAL_VELOCITY.__xlfunc__
    assert info["category"] == "kpi_xl"
    assert info["ret"]["doc"].startswith("Gemiddelde doorlooptijd")
    docs = {a["name"]: a["doc"] for a in info["args"]}
    assert "Deals" in docs["deals"] and "Fase" in docs["stage"]
    out = io.StringIO()
    xl_udfs.generate_vba_wrapper("kpi_xl.udfs", module, out, mock.MagicMock())
    vba = out.getvalue()
    assert "Function DEAL_VELOCITY(deals, Optional stage, Optional months, Optional owner)" in vba
    assert 'XLPy.CallUDF("kpi_xl.udfs", "DEAL_VELOCITY"' in vba
    assert len(excel_udfs.FUNCTIONS) == 13
    for function in excel_udfs.FUNCTIONS:  # every worksheet function, under the workbooks' module name
        assert f"Function {function.__name__}(" in vba
    assert "Function LOOKALIKE(leads, customers, Optional top)" in vba


def test_the_garbage_collector_is_paused_during_a_call_and_restored_after():
    import gc

    seen = []
    real = fx.deal_velocity

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    assert gc.isenabled()
    with mock.patch.object(fx, "deal_velocity", spy):
        assert udfs.DEAL_VELOCITY(DEALS) == pytest.approx(udfs.DEAL_VELOCITY([list(r) for r in DEALS]))
        assert seen == [False, False] and gc.isenabled()
        udfs.DEAL_VELOCITY([["not", "a", "table"]])  # an error in the cell: still restored
        assert gc.isenabled()
        gc.disable()  # a caller that keeps the collector off keeps it off
        try:
            udfs.DEAL_VELOCITY(DEALS)
            assert not gc.isenabled()
        finally:
            gc.enable()
