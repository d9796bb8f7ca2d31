"""The ``import:`` section of kpi.yaml: how CRM exports are read (:mod:`kpi_xl.importing`).

```yaml
import:
  pipeline: Sales                     # the one pipeline to import when an export mixes several
  owners: {jan@firma.nl: Jan de Vries, "12345": Sanne Bakker}   # CRM user → rep name
  date_order: dmy                     # dmy | mdy | ymd; when absent it is decided per column from the values
  crm:                                # header names added to the packaged mapping, per CRM, file kind and field
    hubspot: {deals: {value: [Dealwaarde]}}
```

The CRMs, their file kinds and the fields a header may be given for are listed here (the config is
validated without reading the packaged mappings; a test keeps them equal to the YAML files).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, field_validator

from kpi_xl.config.mistakes import mistakes
from kpi_xl.config.values import _Model
from kpi_xl.names import name_key

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# the workbook table each file kind fills
KIND_TABLES: dict[str, dict[str, str]] = {
    "hubspot": {"deals": "Deals", "contacts": "Leads", "companies": "Customers"},
    "pipedrive": {"deals": "Deals", "activities": "Activities", "organizations": "Customers"},
    "salesforce": {"opportunities": "Deals", "opportunity_history": "StageHistory"},
    "teamleader": {"deals": "Deals", "companies": "Customers"},
}

# the canonical columns of each table (kpi_xl.tables.headers.TABLES) and the extra fields an export may give
_PROFILE = ("industry", "employees", "region", "budget", "country")
TABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "Leads": ("lead_id", "created", "owner", "company", "source", "qualified", *_PROFILE, "lifecycle_stage"),
    "Activities": ("date", "owner", "type", "lead_id", "deal_id", "customer_id", "notes", "done"),
    "Deals": ("deal_id", "owner", "created", "value", "stage", "closed", "lost_reason", "customer_id", "lead_id",
              "deal_name", "pipeline", "currency", "status", "won_time", "lost_time", "close_date",
              "is_closed_won", "is_closed_lost", "probability"),
    "Customers": ("customer_id", "since", "until", "revenue", "last_contact", "company", "owner", "lead_id",
                  *_PROFILE, "lifecycle_stage", "won_deals"),
    "StageHistory": ("deal_id", "stage", "date"),
}

CRMS = tuple(KIND_TABLES)


class ImportSettings(_Model):
    """How exports are read: the pipeline, the owners, the date order and extra header names."""

    pipeline: Text | None = None
    owners: dict[str, Text] = Field(default_factory=dict)
    date_order: Literal["dmy", "mdy", "ymd"] | None = None
    crm: dict[str, dict[str, dict[str, list[Text]]]] = Field(default_factory=dict)

    @field_validator("owners", mode="before")
    @classmethod
    def _owner_keys_as_text(cls, owners: Any) -> Any:
        """A CRM user id reads as a number in YAML (``12345: Jan``): keep it as the text the export has."""
        if isinstance(owners, dict):
            return {str(k): v for k, v in owners.items()}
        return owners

    @field_validator("crm")
    @classmethod
    def _known_names(cls, crm: dict) -> dict:
        problems: list[tuple[str | None, str, dict]] = []
        for name, kinds in crm.items():
            if name not in KIND_TABLES:
                problems.append((f"import.crm.{name}", "import_crm", {"value": name, "known": ", ".join(CRMS)}))
                continue
            for kind, fields in kinds.items():
                table = KIND_TABLES[name].get(kind)
                if table is None:
                    problems.append((f"import.crm.{name}.{kind}", "import_kind",
                                     {"value": kind, "known": ", ".join(KIND_TABLES[name])}))
                    continue
                for field in fields:
                    if field not in TABLE_FIELDS[table]:
                        problems.append((f"import.crm.{name}.{kind}.{field}", "import_field",
                                         {"value": field, "known": ", ".join(TABLE_FIELDS[table])}))
        if problems:
            raise mistakes(problems)
        return crm

    def owner_lookup(self) -> dict[str, str]:
        """Keyed CRM user (name, e-mail or id) → rep name."""
        return {name_key(k): v for k, v in self.owners.items()}


ImportField = Annotated[ImportSettings, Field(default_factory=ImportSettings, alias="import")]
