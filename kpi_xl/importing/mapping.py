"""The CRM mappings: one YAML file per CRM in ``kpi_xl/importing/crms/`` naming, per file kind, the
headers (English and Dutch) of each field; validated with pydantic on load; header names added from
kpi.yaml (``import: crm: <crm>: <kind>: <field>: [...]``) come first."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from kpi_xl.config import Settings
from kpi_xl.config.imports import CRMS, KIND_TABLES, TABLE_FIELDS
from kpi_xl.errors import KpiError
from kpi_xl.names import name_key

Language = Literal["en", "nl", "any"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindMapping(_Strict):
    """One kind of export file of a CRM (its deals, its activities, ...)."""

    table: Literal["Leads", "Activities", "Deals", "Customers", "StageHistory"]
    required: list[str]
    signature: list[str] = []  # one of these headers must be there too (tells contacts from companies)
    excludes: list[str] = []  # none of these headers may be there (tells opportunities from their history)
    fields: dict[str, dict[Language, list[str]]]
    status_won: list[str] = []  # values of the status field meaning won
    status_lost: list[str] = []
    stage_won: list[str] = []  # values of the stage field meaning won (HubSpot "Closed Won")
    stage_lost: list[str] = []
    customer_values: list[str] = []  # lifecycle stage values meaning a customer
    stage_date_prefixes: dict[Language, list[str]] = {}

    @model_validator(mode="after")
    def _fields_known(self) -> KindMapping:
        unknown = [f for f in self.fields if f not in TABLE_FIELDS[self.table]]
        if unknown:
            raise ValueError(f"unknown fields {unknown} for table {self.table}")
        missing = [f for f in self.required if f not in self.fields]
        if missing:
            raise ValueError(f"required fields {missing} have no headers")
        return self

    def headers(self, field: str) -> list[tuple[str, str]]:
        """``(keyed header, language)`` for ``field``, in order of preference."""
        return [(name_key(h), lang) for lang, names in self.fields.get(field, {}).items() for h in names]


class CrmMapping(_Strict):
    crm: str
    date_order: dict[Literal["en", "nl"], Literal["dmy", "mdy"]] = {"en": "dmy", "nl": "dmy"}
    kinds: dict[str, KindMapping]

    @model_validator(mode="after")
    def _kinds_known(self) -> CrmMapping:
        expected = KIND_TABLES.get(self.crm)
        if expected is None:
            raise ValueError(f"unknown CRM {self.crm}")
        for kind, spec in self.kinds.items():
            if expected.get(kind) != spec.table:
                raise ValueError(f"kind {kind} should fill {expected.get(kind)}, not {spec.table}")
        return self


@cache
def packaged(crm: str) -> CrmMapping:
    """The mapping shipped in the package for ``crm``."""
    if crm not in CRMS:
        raise KpiError.coded("import.unknown_crm", crm=crm, known=", ".join(CRMS))
    source = resources.files("kpi_xl.importing").joinpath("crms").joinpath(f"{crm}.yaml")
    try:
        return CrmMapping.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as err:  # a packaging bug, said plainly
        raise KpiError.coded("import.mapping_invalid", path=f"{crm}.yaml", reason=str(err)) from None


def mapping(crm: str, settings: Settings) -> CrmMapping:
    """The packaged mapping of ``crm`` with the header names of kpi.yaml's ``import: crm:`` put first."""
    base = packaged(crm)
    extra = settings.imports.crm.get(crm, {})
    if not extra:
        return base
    kinds = {}
    for kind, spec in base.kinds.items():
        added = extra.get(kind, {})
        fields = {f: dict(spec.fields.get(f, {})) for f in {*spec.fields, *added}}
        for field, names in added.items():
            fields[field] = {"any": list(names), **spec.fields.get(field, {})}
        kinds[kind] = spec.model_copy(update={"fields": fields})
    return base.model_copy(update={"kinds": kinds})
