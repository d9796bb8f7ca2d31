"""docs/IMPORT.md names the fields each CRM's YAML maps: the generated part equals the YAML of today."""

from __future__ import annotations

from pathlib import Path

from kpi_xl.importing.reference import BEGIN, END, mapping_tables

DOC = Path(__file__).resolve().parents[1] / "docs" / "IMPORT.md"


def test_the_mapping_tables_in_the_doc_are_the_yaml():
    text = DOC.read_text(encoding="utf-8")
    part = text[text.index(BEGIN):text.index(END) + len(END)]
    assert part == mapping_tables(), "run: python -m kpi_xl.importing.reference, paste into docs/IMPORT.md"


def test_the_tables_name_every_crm_and_headers_of_both_languages():
    tables = mapping_tables()
    for said in ("### HubSpot", "### Pipedrive", "### Salesforce", "### Teamleader Focus", "`Deal - Waarde`",
                 "`Dealnaam`", "`Opportunity ID`", "**opportunity_history** → StageHistory"):
        assert said in tables
