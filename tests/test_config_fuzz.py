"""Every config that `check-config` accepts refreshes: what would crash must be refused by validation.

Hypothesis varies and omits every optional key of the config (odd rep names, zero and huge targets,
ramps, criteria of every test with every value shape: nested lists, mappings, numbers as text,
booleans) over the hand-built company. A config is either refused with a ConfigError that names
each mistake's path in the config's language, or the Dashboard, History and Checks are planned.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.config import parse_config
from kpi_xl.errors import ConfigError, KpiError
from kpi_xl.tables import read_tables
from kpi_xl.workbook.refresh import plan_for
from tests import company

NOW = dt.datetime(2026, 11, 2, 8, 30)
TODAY = dt.date(2026, 11, 2)

names = st.sampled_from(["Anna", "anna", "ANNA ", "Bram", "", " ", "Jan [NL]", "[bold]x[/]", "名前", "é\u0301",
                         "0", "null", "x" * 300, "a.b", "{name}", "%s", "Sanne de Vries"]) | st.text(max_size=12)
# mostly values a director would write (so that many configs are accepted), sometimes anything at all
good_numbers = st.sampled_from([0, 0.0, 1, 0.5, 0.9, 2, 12, 1e6, 1e15, "5", "0.5", "90%", "90 %", "90,5%", "0%"]) \
    | st.floats(min_value=0, max_value=1) | st.integers(min_value=0, max_value=10**6)
odd_numbers = st.sampled_from([1e300, -1, 90, 100, 101, "0,9", "1e400", True, False, None, "abc", [], {}, [1, [2]],
                               math.nan, math.inf]) \
    | st.floats(allow_nan=True, allow_infinity=True) | st.integers(min_value=-10**20, max_value=10**20)
numbers = st.one_of(good_numbers, good_numbers, good_numbers, odd_numbers)
months = st.sampled_from(["2026-01", "2025-11", "1900-01", "2262-03", "2026-07", dt.date(2026, 1, 1)]) \
    | st.sampled_from(["2026-13", "26-1", 5, None])
scalars = st.none() | st.booleans() | numbers | names | st.dates()
shapes = st.one_of(scalars, scalars, st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                                                  | st.dictionaries(names, inner, max_size=2), max_leaves=6))
values_lists = st.one_of(st.lists(scalars, max_size=4), st.lists(scalars, max_size=4), shapes)


def optional(**fields) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional=fields)


ramps = optional(start=months, step=numbers, step_pct=numbers, cap=numbers, **{"from": numbers})
targets = numbers | optional(value=numbers, ramp=ramps) | shapes
kpi_targets = optional(team=targets, per_rep=optional(default=targets, overrides=st.dictionaries(names, targets,
                                                                                                   max_size=3)))
criteria = optional(
    column=st.sampled_from(["industry", "employees", "budget", "region", "source", "qualified", "nope", ""]) | names,
    test=st.sampled_from(["in", "not_in", "equals", "min", "max", "between", "contains", "not_empty", "bogus"]),
    value=shapes, values=values_lists, min=numbers, max=numbers, required=st.booleans() | scalars,
    weight=numbers, label=names | scalars,
)
columns = st.sampled_from(["industry", "employees", "budget", "region", "source", "qualified", "nope"]) | names
extras = optional(required=st.booleans(), weight=good_numbers, label=names)
well_formed = st.one_of(
    st.fixed_dictionaries({"column": columns, "test": st.sampled_from(["in", "not_in"]),
                           "values": st.lists(scalars, max_size=4)}),
    st.fixed_dictionaries({"column": columns, "test": st.sampled_from(["equals", "contains"]), "value": scalars}),
    st.fixed_dictionaries({"column": columns, "test": st.sampled_from(["min", "max"]), "value": good_numbers}),
    st.fixed_dictionaries({"column": columns, "test": st.just("between"), "min": st.integers(-5, 50),
                           "max": st.integers(50, 10**6)}),
    st.fixed_dictionaries({"column": columns, "test": st.just("not_empty")}),
).flatmap(lambda c: extras.map(lambda e: {**c, **e}))
criteria = st.one_of(well_formed, well_formed, well_formed, criteria)
labels = st.dictionaries(st.sampled_from(["nl", "en", "fr"]), scalars, max_size=2) | scalars
activity_types = st.dictionaries(names, numbers | optional(points=numbers, aliases=st.lists(names, max_size=3),
                                                           label=labels), max_size=4)
stages = st.sampled_from([company.CONFIG["stages"]]) | st.lists(
    optional(name=names, probability=numbers, aliases=st.lists(names, max_size=2), stale_after_days=numbers),
    max_size=4)
sections = dict(
    language=st.sampled_from(["nl", "en", "nl", "en", "de", None]),
    fiscal_year_start_month=numbers,
    window_months=numbers,
    stages=stages,
    won_stage=st.sampled_from(["Gewonnen", "won", "Verloren", "x"]),
    lost_stage=st.sampled_from(["Verloren", "lost", "Gewonnen"]),
    quote_stage=st.sampled_from(["Offerte", "quote", "Lead"]),
    activity_types=activity_types,
    qualification=optional(min_score=numbers, criteria=st.lists(criteria, max_size=4)),
    targets=optional(**{kpi: kpi_targets for kpi in ("qualified_leads", "action_points", "pipeline_value",
                                                       "deal_velocity", "retention")}),
    stale_after_days=numbers,
    contact_within_days=numbers,
    lookalike=optional(attributes=st.lists(optional(column=names | st.sampled_from(["industry", "employees"]),
                                                    weight=numbers, bands=st.lists(numbers, max_size=4)),
                                           max_size=3),
                       profile=optional(best_by=st.sampled_from(["revenue", "tenure", "x"]), top_share=numbers),
                       top=numbers),
    traffic_light=optional(green=numbers, orange=numbers),
    bottleneck=optional(min_deals=numbers, min_gap_points=numbers, hints=st.dictionaries(
        st.sampled_from(["Lead", "Intake", "Offerte", "x"]), st.dictionaries(st.sampled_from(["nl", "en", "fr"]),
                                                                             scalars, max_size=2), max_size=2)),
    suggested_targets=optional(months=numbers, far_above=numbers),
)
# one section changed at a time reaches deep into it (a change anywhere else is likelier refused), or several
changes = st.one_of(*[st.fixed_dictionaries({key: section}) for key, section in sections.items()],
                    st.fixed_dictionaries({}, optional=sections))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes)
def test_an_accepted_config_always_refreshes(change):
    data = {**company.CONFIG, **change}
    try:
        config = parse_config(data)
    except ConfigError as err:
        assert err.details or str(err)
        for line in err.details:  # every mistake names its place
            assert ": " in line
        return
    tables = read_tables(company.raw_tables(), config)
    try:
        report, plan = plan_for(tables, config, None, None, [], now=NOW, today=TODAY)
    except KpiError:  # a user-fixable message (not a crash) is allowed
        return
    assert plan.history and plan.checks and plan.dashboard


@pytest.mark.parametrize("bad", [
    {"qualification": {"criteria": [{"column": "industry", "test": "in", "values": [["ICT", "Bouw"]]}]}},
    {"qualification": {"criteria": [{"column": "industry", "test": "equals", "value": ["ICT"]}]}},
    {"qualification": {"criteria": [{"column": "industry", "test": "contains", "value": {"a": 1}}]}},
    {"qualification": {"criteria": [{"column": "budget", "test": "min", "value": ".inf"}]}},
    {"qualification": {"criteria": [{"column": "budget", "test": "min", "value": True}]}},
    {"window_months": 10**9},
    {"stale_after_days": 10**9},
    {"suggested_targets": {"months": 10**6}},
    {"targets": {"action_points": {"team": math.inf}}},
    {"targets": {"retention": {"team": 90}}},
    {"traffic_light": {"green": 100, "orange": 80}},
])
def test_what_would_crash_is_refused_with_its_path(bad):
    with pytest.raises(ConfigError) as info:
        parse_config({**company.CONFIG, "language": "en", **bad})
    key = next(iter(bad))
    assert all(line.startswith(key) for line in info.value.details), info.value.details


def test_a_valid_config_without_a_per_rep_default_refreshes():
    """No per-rep target at all (the company config has none for action points): the reps' traffic
    lights stay empty instead of crashing the Dashboard plan."""
    config = parse_config({**company.CONFIG, "targets": {"action_points": {"team": 50}}})
    report, plan = plan_for(read_tables(company.raw_tables(), config), config, "2026-10", None, [], now=NOW,
                            today=TODAY)
    reps = report.action.per_rep
    assert len(reps) > 0
    assert reps["target"].isna().all()
    from kpi_xl.report.pages import dashboard as D
    assert all(plan.dashboard.get((D.REPS_FIRST_ROW + i, D.REP_COL["light"])) is None for i in range(len(reps)))
    assert plan.dashboard[(D.TARGET_ROW, D.card_col(1) + 2)] == 50


def test_a_ramp_that_outgrows_every_number_gives_no_target():
    import pandas as pd

    from kpi_xl.kpis.targets import target_value
    config = parse_config({**company.CONFIG, "targets": {"action_points": {"team": {"ramp": {
        "start": "1900-01", "from": 1e300, "step_pct": 1000}}}}})
    assert target_value(config.targets.action_points.team, pd.Period("2262-03", freq="M")) is None
    falling = parse_config({**company.CONFIG, "targets": {"action_points": {"team": {"ramp": {
        "start": "2026-01", "from": 10, "step": -4}}}}})
    # 10, 6, 2, then 0: a falling ramp stops at 0
    assert [target_value(falling.targets.action_points.team, pd.Period(m, freq="M"))
            for m in ("2026-01", "2026-02", "2026-03", "2026-04")] == [10, 6, 2, 0]
