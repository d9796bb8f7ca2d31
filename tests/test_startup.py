"""Start-up: what needs no data does not pay for pandas (issue 14).

`kpi-xl --help`, a command's help and a mistake on the command line are answered before the core
(pandas, numpy, pyarrow, the config and the KPI modules) is imported; `import kpi_xl` alone loads nothing heavy,
and the public names still arrive on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# (pydantic is not in the list: typer itself imports it to convert a command's options)
HEAVY = ("pandas", "numpy", "pyarrow", "kpi_xl.month", "kpi_xl.config", "kpi_xl.tables", "rich.console",
         "typer.rich_utils")
HELP_ONLY = ("rich.console", "typer.rich_utils")  # a mistake is printed through rich; help is plain text

PROBE = """
import json, sys
heavy = json.loads(sys.argv[2])
sys.argv = ["kpi-xl", *json.loads(sys.argv[1])]
from kpi_xl.cli import main
try:
    main()
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def _run(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
                          capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [["--help"], ["refresh", "--help"], ["import", "--help"], ["new", "--help"],
                                  [], ["refresh"], ["refresh", "a.xlsm", "--no-such-option"]])
def test_answers_without_data_import_nothing_heavy(args):
    result = _run(args)
    said_through_rich = [] if "--help" in args or not args else list(HELP_ONLY)
    assert [m for m in result["loaded"] if m not in said_through_rich] == [], args
    assert result["code"] in (0, 1, 2)


def test_a_command_with_data_does_load_the_core(tmp_path):
    """The probe can fail: a command that reads a config imports the config's package."""
    result = _run(["check-config"])
    assert "kpi_xl.config" in result["loaded"] and result["code"] == 0


def test_import_kpi_xl_is_light_and_the_public_names_arrive_on_first_use():
    code = ("import sys, kpi_xl; heavy = [m for m in ('pandas', 'pydantic') if m in sys.modules]; "
            "f = kpi_xl.compute; s = kpi_xl.load_config(); "
            "print(heavy, f.__module__, type(s).__name__, sorted(kpi_xl.__all__) == sorted(kpi_xl._HOME))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["[]", "kpi_xl.month", "Settings", "True"]


def test_an_unknown_name_is_an_attribute_error():
    import kpi_xl

    with pytest.raises(AttributeError, match="no_such_thing"):
        kpi_xl.no_such_thing  # noqa: B018
    from kpi_xl import udfs  # a submodule still imports

    assert callable(udfs.DEAL_VELOCITY)


def test_the_button_does_not_import_the_file_reader_or_writer():
    """The button reads and writes through xlwings: the headless reader and writer (fastexcel,
    python-calamine, the refresh of a file) are not part of its start-up."""
    code = ("import sys, kpi_xl.excel, kpi_xl.excel.button, kpi_xl.report.month_plan, kpi_xl.month; "
            "print([m for m in ('kpi_xl.workbook.refresh', 'kpi_xl.workbook.read', 'kpi_xl.workbook.write', "
            "'fastexcel', 'python_calamine') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["[]"]


def test_the_button_imports_no_config_machinery():
    """pydantic, yaml and the config's models load in the click, beside the reading of the tables from Excel
    (:func:`kpi_xl.excel.button.refresh_book`), not before it: the button's imports stay close to pandas'."""
    code = ("import sys, kpi_xl.excel, kpi_xl.excel.button, kpi_xl.report.month_plan, kpi_xl.report.plan, "
            "kpi_xl.month, kpi_xl.udfs; print([m for m in ('kpi_xl.config', 'pydantic', 'yaml') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["[]"]
