"""The meeting pages, one module per sheet: its geometry, its labels (nl/en) and its cells."""
