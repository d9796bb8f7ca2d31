"""The hidden ``xlwings.conf`` sheet: the settings the xlwings VBA reads."""

from __future__ import annotations

from kpi_xl.report import layout as L


def xlwings_settings() -> list[tuple[str, str]]:
    """xlwings' settings, one (name, value) row each, read by the xlwings VBA from the sheet ``xlwings.conf``.

    ``UDF Modules`` is the module "Import Functions" reads. ``Interpreter_Mac`` names ``python3``:
    with no setting xlwings runs ``python``, which no Mac has unless the user made it. On Windows
    xlwings' default (``pythonw`` on the PATH) is kept. ``Use UDF Server`` (Windows; the Mac ignores
    it): the button's ``RunPython`` runs in the COM server that already serves the worksheet functions
    and stays alive while Excel runs, so a second click pays no start-up (imports, config) — and a
    kpi_xl upgraded meanwhile is used only once that server restarts (Excel closed). The VBA reads the
    rows down to the first empty one, so they stay contiguous.
    """
    return [("UDF Modules", L.UDF_MODULE), ("Interpreter_Mac", L.INTERPRETER_MAC), ("Use UDF Server", "True")]


def _xlwings_conf(ws) -> None:
    for row, (name, value) in enumerate(xlwings_settings()):
        ws.write_string(row, 0, name)
        ws.write_string(row, 1, value)
    ws.set_column(0, 1, 24)
    ws.hide()
