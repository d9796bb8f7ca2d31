"""Labels: column headings, KPI names and the bottleneck talking points."""

LABELS: dict[str, dict[str, str]] = {
    "h.lead": {"nl": "Lead", "en": "Lead"},
    "h.score": {"nl": "Score", "en": "Score"},
    "h.why": {"nl": "Waarom (% klanten met dezelfde waarde)", "en": "Why (% of customers with the same value)"},
    "h.kpi": {"nl": "KPI", "en": "KPI"},
    "h.value": {"nl": "Waarde", "en": "Value"},
    "h.target": {"nl": "Doel", "en": "Target"},
    "h.share": {"nl": "% doel", "en": "% of target"},
    # KPI labels
    "kpi.qualified_leads": {"nl": "Gekwalificeerde leads", "en": "Qualified leads"},
    "kpi.action_points": {"nl": "Actiepunten", "en": "Action points"},
    "kpi.pipeline_value": {"nl": "Pijplijnwaarde", "en": "Pipeline value"},
    "kpi.deal_velocity": {"nl": "Doorlooptijd deals (dagen)", "en": "Deal velocity (days)"},
    "kpi.retention": {"nl": "Klantbehoud", "en": "Customer retention"},
    # bottleneck
    "bottleneck": {
        "nl": "{step} {rep_rate} tegenover team {team_rate}: {hint}",
        "en": "{step} {rep_rate} vs team {team_rate}: {hint}",
    },
    "bottleneck.none": {
        "nl": "geen duidelijk knelpunt: conversie per fase op of boven het team",
        "en": "no clear bottleneck: conversion per stage at or above the team",
    },
    "hint.default": {
        "nl": "waar loopt het vast? bespreek concrete deals",
        "en": "where does it get stuck? discuss concrete deals",
    },
    # the pipeline against the won-revenue target (kpis/coverage.py)
    "kpi.coverage": {"nl": "Dekking", "en": "Coverage"},
    "kpi.expected_attainment": {"nl": "Verwacht", "en": "Expected"},
    "coverage.reached": {"nl": "doel gehaald", "en": "target reached"},
    # a rep without a bottleneck that is one (too few deals, or a shortfall under bottleneck.min_gap_points)
    "bottleneck.unclear": {"nl": "geen duidelijk knelpunt", "en": "no clear bottleneck"},
}
