"""The meeting pages: one module per sheet, each with ``cells(report, settings, ...)`` for :func:`build_plan`."""
