"""HubSpot's stage dates: one column ``Date entered "<stage> (<pipeline>)"`` per stage of every pipeline
(Dutch exports translate ``Date entered``; the prefixes are in ``crms/hubspot.yaml``). Only the columns of
the chosen pipeline are stage dates of the imported deals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kpi_xl.importing.mapping import KindMapping
from kpi_xl.names import name_key


@dataclass
class StageDateColumn:
    position: int
    stage: str  # as HubSpot writes it
    pipeline: str | None


def stage_date_columns(headers: list[str], spec: KindMapping) -> list[StageDateColumn]:
    """The ``Date entered "<stage> (<pipeline>)"`` columns of a deals export."""
    prefixes = [p for names in spec.stage_date_prefixes.values() for p in names]
    if not prefixes:
        return []
    alternatives = "|".join(re.escape(p) for p in prefixes)
    pattern = re.compile(r"^\s*(?:" + alternatives + r")\s*[\"“„'](.+?)[\"”']\s*$", re.IGNORECASE)
    found = []
    for position, header in enumerate(headers):
        match = pattern.match(header)
        if not match:
            continue
        inner = match.group(1).strip()
        pipeline = re.search(r"\(([^()]*)\)\s*$", inner)
        stage = inner[:pipeline.start()].strip() if pipeline else inner
        found.append(StageDateColumn(position, stage, pipeline.group(1).strip() if pipeline else None))
    return found


def pipelines_of(columns: list[StageDateColumn]) -> list[str]:
    """The pipelines the stage date columns name, each once, in order."""
    seen: dict[str, str] = {}
    for column in columns:
        if column.pipeline is not None:
            seen.setdefault(name_key(column.pipeline), column.pipeline)
    return list(seen.values())


def for_pipeline(columns: list[StageDateColumn], pipeline: str | None) -> list[StageDateColumn]:
    """The columns of ``pipeline`` (and those naming none)."""
    if pipeline is None:
        return columns
    key = name_key(pipeline)
    return [c for c in columns if c.pipeline is None or name_key(c.pipeline) == key]
