"""The YAML config: the shipped file loads, and every mistake is named with its place and what was expected."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml

from kpi_xl.config import Settings, default_config_path, load_config, parse_config
from kpi_xl.errors import ConfigError, KpiError

SHIPPED = Path(__file__).resolve().parent.parent / "config" / "kpi.yaml"
STAGES = "Lead, Intake, Offerte, Onderhandeling, Gewonnen, Verloren"


@pytest.fixture(scope="module")
def base() -> dict:
    """The shipped config as a plain mapping, to be changed per test; in English, so that the
    messages below read as English (the Dutch ones are tested on their own)."""
    return {**yaml.safe_load(SHIPPED.read_text(encoding="utf-8")), "language": "en"}


def mistakes(data: dict | str) -> ConfigError:
    """The ConfigError for ``data`` (a mapping is dumped to YAML text first, so the text path is used)."""
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    return info.value


def changed(base: dict, change) -> dict:
    data = copy.deepcopy(base)
    change(data)
    return data


# ----------------------------------------------------------------------------
# the shipped config


def test_shipped_config_loads_with_typed_values():
    settings = load_config(SHIPPED)
    assert isinstance(settings, Settings)
    assert settings.language == "nl"
    assert settings.won == "Gewonnen"
    assert settings.lost == "Verloren"
    assert settings.quote == "Offerte"
    assert settings.stage_names == ["Lead", "Intake", "Offerte", "Onderhandeling", "Gewonnen", "Verloren"]
    assert settings.open_stages == ["Lead", "Intake", "Offerte", "Onderhandeling"]
    assert settings.probabilities == {
        "Lead": 0.1, "Intake": 0.2, "Offerte": 0.5, "Onderhandeling": 0.7, "Gewonnen": 1.0, "Verloren": 0.0,
    }
    assert settings.stage_lookup["quote"] == "Offerte"
    assert settings.stage_lookup["getekend"] == "Gewonnen"
    assert settings.stage_order["Offerte"] == 2
    # stale_after_days: 21 on Offerte, the global 30 elsewhere
    assert settings.stale_days_by_stage["Offerte"] == 21
    assert settings.stale_days_by_stage["Intake"] == 30


def test_shipped_activity_types_and_aliases():
    settings = load_config(SHIPPED)
    assert settings.activity_lookup["bellen"] == "call"
    assert settings.activity_lookup["e-mail"] == "email"
    assert settings.activity_lookup["linkedin bericht"] == "linkedin"
    assert settings.activity_lookup["call"] == "call"
    assert settings.points == {"call": 2, "voicemail": 1, "email": 1, "linkedin": 1, "intake": 10, "meeting": 5}


def test_shipped_qualification_targets_and_lookalike():
    settings = load_config(SHIPPED)
    assert settings.qualification.min_score == 1
    between = settings.qualification.criteria[1]
    assert (between.column, between.test, between.min, between.max) == ("employees", "between", 10, 500)
    assert between.required is True
    assert settings.qualification.criteria[3].required is False
    assert settings.qualification.criteria[3].name == "budget ≥ 5000"
    targets = settings.targets
    assert targets.qualified_leads.team.value == 40
    assert targets.qualified_leads.per_rep.default.value == 5
    ramp = targets.action_points.per_rep.default.ramp
    assert (ramp.start, ramp.start_value, ramp.step, ramp.step_pct, ramp.cap) == ("2026-01", 250, None, 5, 400)
    assert targets.action_points.team is None
    assert targets.action_points.per_rep.overrides["Sanne de Vries"].value == 450
    assert targets.retention.team.value == 0.9
    assert settings.lookalike.attributes[1].bands == [0, 10, 50, 250, 1000]
    assert settings.lookalike.profile.best_by == "revenue"
    assert settings.bottleneck.hints["Offerte"]["en"] == "right type of customer? quote sent too early?"


def test_default_path_is_the_shipped_config():
    assert default_config_path().read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
    assert load_config().probabilities == load_config(SHIPPED).probabilities


def test_parse_config_accepts_a_mapping(base):
    settings = parse_config(changed(base, lambda d: d.update(language="en")))
    assert settings.language == "en"


def test_utf8_bom_and_windows_line_endings_are_fine(tmp_path, base):
    path = tmp_path / "kpi.yaml"
    text = SHIPPED.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_config(path).won == "Gewonnen"


def test_month_written_as_yaml_date_or_short_month(base):
    def set_start(value):
        return changed(base, lambda d: d["targets"]["action_points"]["per_rep"]["default"]["ramp"].update(start=value))

    import datetime as dt

    assert parse_config(set_start("2026-3")).targets.action_points.per_rep.default.ramp.start == "2026-03"
    assert parse_config(set_start(dt.date(2026, 4, 1))).targets.action_points.per_rep.default.ramp.start == "2026-04"


def test_won_stage_may_name_an_alias(base):
    settings = parse_config(changed(base, lambda d: d.update(won_stage="won", quote_stage="QUOTE")))
    assert settings.won == "Gewonnen"
    assert settings.quote == "Offerte"


# ----------------------------------------------------------------------------
# mistakes: each names its place and what was expected


def test_probability_out_of_range(base):
    err = mistakes(changed(base, lambda d: d["stages"][2].update(probability=1.5)))
    assert "stages[2].probability: must be between 0 and 1 (write 90% or 0.9), got 1.5" in str(err)
    assert err.details == ["stages[2].probability: must be between 0 and 1 (write 90% or 0.9), got 1.5"]
    assert err.headline == "config: 1 mistake in the config"
    assert isinstance(err, KpiError)


def test_probability_as_text_or_yes_is_not_a_number(base):
    err = mistakes(changed(base, lambda d: d["stages"][0].update(probability="hoog")))
    assert err.details == ["stages[0].probability: must be a number, got 'hoog'"]
    # YAML reads `yes` as true; it must not quietly become a probability of 1
    err = mistakes(changed(base, lambda d: d["stages"][0].update(probability=True)))
    assert err.details == ["stages[0].probability: must be a number, got True"]


def test_unknown_key_suggests_the_right_one(base):
    err = mistakes(changed(base, lambda d: d.update(window_month=6)))
    assert err.details == ["window_month: unknown setting (did you mean 'window_months'?)"]


def test_unknown_nested_key_suggests_from_its_own_section(base):
    def typo(d):
        d["stages"][2]["probabilty"] = d["stages"][2].pop("probability")
        d["activity_types"]["call"]["pointz"] = d["activity_types"]["call"].pop("points")

    err = mistakes(changed(base, typo))
    assert "stages[2].probabilty: unknown setting (did you mean 'probability'?)" in err.details
    assert "stages[2].probability: required setting is missing" in err.details
    assert "activity_types.call.pointz: unknown setting (did you mean 'points'?)" in err.details
    assert "activity_types.call.points: required setting is missing" in err.details


def test_unknown_key_without_a_close_match_lists_the_known_ones(base):
    err = mistakes(changed(base, lambda d: d.update(xyzzy=1)))
    assert err.details[0].startswith("xyzzy: unknown setting (known: language, fiscal_year_start_month, ")


def test_stage_listed_twice(base):
    err = mistakes(changed(base, lambda d: d["stages"][3].update(name="Offerte")))
    assert err.details == ["stages: 'Offerte' in stages[3] is listed twice (also in stages[2])"]


def test_stage_alias_listed_twice_and_each_duplicate_on_its_own_line(base):
    def dup(d):
        d["stages"][3]["aliases"] = ["negotiation", "Quote"]  # Quote is an alias of Offerte
        d["stages"].append({"name": " lead ", "probability": 0.1})  # same as Lead after trimming/case

    err = mistakes(changed(base, dup))
    assert err.details == [
        "stages: 'Quote' in stages[3] is listed twice (also in stages[2])",
        "stages: ' lead ' in stages[6] is listed twice (also in stages[0])",
    ]


def test_activity_alias_used_twice(base):
    err = mistakes(changed(base, lambda d: d["activity_types"]["email"]["aliases"].append("bellen")))
    assert err.details == ["activity_types: 'bellen' of 'email' is also used by 'call'"]


def test_yaml_syntax_error_names_line_and_column():
    err = mistakes("language: en\nstages: [Lead, Intake\nwindow_months: 12\n")
    # line 3 `window_months: 12`: the ':' in column 14 where ',' or ']' was expected
    assert str(err) == "config line 3, column 14: a list [ ] or { } is not closed (or a comma is missing)"
    dutch = mistakes("language: nl\nstages: [Lead, Intake\nwindow_months: 12\n")
    assert str(dutch) == "config regel 3, kolom 14: een lijst [ ] of { } wordt niet gesloten (of een komma ontbreekt)"


def test_yaml_syntax_error_with_a_tab():
    err = mistakes("language: en\nwindow_months:\t12\n")
    assert str(err) == "config line 2, column 15: a tab; indent with spaces"


def test_yaml_key_given_twice_is_refused_with_both_lines(base):
    text = SHIPPED.read_text(encoding="utf-8") + "\nstale_after_days: 10\n"
    err = mistakes(text)
    first = SHIPPED.read_text(encoding="utf-8").splitlines().index("stale_after_days: 30") + 1
    last = len(text.splitlines())
    # the shipped config says `language: nl`
    assert str(err) == f"config regel {last}, kolom 1: 'stale_after_days' staat er twee keer (eerst op regel {first})"


def test_yaml_anchor_and_merge_key_are_not_a_key_given_twice():
    # the Lead hint is merged into Intake's and its 'en' overridden: allowed YAML, not a duplicate
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "    Lead:\n      nl:", "    Lead: &lead\n      nl:"
    ).replace(
        '    Intake:\n      nl: "behoefte en beslisser scherp? past de klant bij ons profiel?"\n',
        "    Intake:\n      <<: *lead\n",
    )
    assert "<<: *lead" in text
    settings = parse_config(text)
    assert settings.bottleneck.hints["Intake"] == {
        "nl": "juiste type lead? snel genoeg opgevolgd?",
        "en": "need and decision maker clear? does the customer fit our profile?",
    }


def test_missing_file(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"Configbestand niet gevonden: {path} / Config file not found: {path}"


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value) == (f"{tmp_path} is geen bestand (een map of apparaat); geef het pad van kpi.yaml / "
                               f"{tmp_path} is not a file (a folder or a device); give the path of kpi.yaml")


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "kpi.yaml"
    path.write_bytes("language: nl\nnaam: café\n".encode("utf-16"))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).endswith(f" / Config file {path} is not UTF-8 text; save it as UTF-8")


@pytest.mark.parametrize("content", ["", "\n\n", "# alleen uitleg\n# nog meer\n", "~\n", "null\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "kpi.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    # no `language:` line to go by: both languages
    assert str(info.value) == f"{path}: de config is leeg / {path}: the config is empty"


@pytest.mark.parametrize(
    ("content", "kind"), [("- language: nl\n- stages: []\n", "list"), ("hallo\n", "str"), ("42\n", "int")]
)
def test_top_level_must_be_a_mapping(content, kind):
    err = mistakes(content)
    assert str(err).endswith(f" / config: the config must be a mapping of settings (key: value), got {kind}")


def test_won_stage_not_among_the_stages(base):
    err = mistakes(changed(base, lambda d: d.update(won_stage="Binnen")))
    assert err.details == [f"won_stage: 'Binnen' is not one of the stages ({STAGES})"]
    assert "(top level)" not in str(err)


def test_several_stage_role_mistakes_each_on_their_own_line(base):
    err = mistakes(changed(base, lambda d: d.update(lost_stage="gewonnen", quote_stage="Quotatie")))
    assert err.details == [
        f"quote_stage: 'Quotatie' is not one of the stages ({STAGES})",
        "lost_stage: must differ from won_stage (both are 'Gewonnen')",
    ]


def test_bottleneck_hint_for_an_unknown_stage(base):
    err = mistakes(changed(base, lambda d: d["bottleneck"]["hints"].update(Leed={"nl": "x", "en": "y"})))
    assert err.details == [f"bottleneck.hints.Leed: 'Leed' is not one of the stages ({STAGES})"]


def test_between_without_max(base):
    err = mistakes(changed(base, lambda d: d["qualification"]["criteria"][1].pop("max")))
    assert err.details == ["qualification.criteria[1]: test 'between' needs 'max'"]


def test_between_with_min_above_max(base):
    err = mistakes(changed(base, lambda d: d["qualification"]["criteria"][1].update(min=600)))
    assert err.details == ["qualification.criteria[1]: 'min' (600.0) must not be above 'max' (500.0)"]


def test_min_test_needs_a_number(base):
    err = mistakes(changed(base, lambda d: d["qualification"]["criteria"][3].update(value="vijfduizend")))
    assert err.details == ["qualification.criteria[3]: test 'min' needs a number as 'value', got 'vijfduizend'"]


def test_unknown_criterion_test(base):
    err = mistakes(changed(base, lambda d: d["qualification"]["criteria"][2].update(test="notempty")))
    assert err.details == [
        "qualification.criteria[2].test: must be 'in', 'not_in', 'equals', 'min', 'max', 'between', "
        "'contains' or 'not_empty', got 'notempty'"
    ]


def test_ramp_with_both_step_and_step_pct(base):
    err = mistakes(changed(base, lambda d: d["targets"]["action_points"]["per_rep"]["default"]["ramp"].update(step=10)))
    assert err.details == [
        "targets.action_points.per_rep.default.ramp: give exactly one of 'step' (absolute per month) "
        "or 'step_pct' (percent per month)"
    ]


def test_ramp_start_month_invalid(base):
    err = mistakes(changed(base, lambda d: d["targets"]["action_points"]["per_rep"]["default"]["ramp"].update(
        start="2026-13")))
    assert err.details == [
        "targets.action_points.per_rep.default.ramp.start: must be a month written as YYYY-MM, "
        "for example 2026-01, got '2026-13'"
    ]


def test_target_given_as_text(base):
    err = mistakes(changed(base, lambda d: d["targets"]["qualified_leads"].update(team="veertig")))
    assert err.details == [
        "targets.qualified_leads.team: must be a number, or a mapping with 'value' or 'ramp', got 'veertig'"
    ]


def test_rep_name_with_brackets_stays_in_the_path(base):
    err = mistakes(changed(base, lambda d: d["targets"]["action_points"]["per_rep"]["overrides"].update(
        {"Jan [NL]": -5})))
    assert err.details == ["targets.action_points.per_rep.overrides.Jan [NL].value: must be 0 or more, got -5"]


def test_wrong_shapes_say_what_was_expected(base):
    err = mistakes(changed(base, lambda d: (d["stages"].append("Nieuw"), d.update(activity_types=["call"]),
                                            d["qualification"].update(criteria={"column": "x"}))))
    assert "stages[6]: must be a mapping of settings (key: value), got 'Nieuw'" in err.details
    assert "activity_types: must be a mapping (key: value)" in err.details
    assert "qualification.criteria: must be a list (one '- item' per line, or [a, b])" in err.details


def test_fewer_than_two_stages(base):
    err = mistakes(changed(base, lambda d: d.update(stages=[{"name": "Gewonnen", "probability": 1}])))
    assert "stages: must have at least 2 items, got 1" in err.details


def test_stages_missing(base):
    err = mistakes(changed(base, lambda d: d.pop("stages")))
    assert err.details[0] == "stages: required setting is missing"


def test_several_mistakes_are_all_reported_at_once(base):
    def many(d):
        d["stages"][2]["probability"] = 1.5
        d["window_month"] = 12
        d["fiscal_year_start_month"] = 13
        d["stale_after_days"] = -3
        d["targets"]["action_points"]["per_rep"]["overrides"]["Sanne de Vries"] = -450
        d["qualification"]["criteria"][1].pop("max")
        d["targets"]["action_points"]["per_rep"]["default"]["ramp"]["step"] = 10

    err = mistakes(changed(base, many))
    expected = [
        "fiscal_year_start_month: must be at most 12, got 13",
        "stages[2].probability: must be between 0 and 1 (write 90% or 0.9), got 1.5",
        "qualification.criteria[1]: test 'between' needs 'max'",
        "targets.action_points.per_rep.default.ramp: give exactly one of 'step'",
        "targets.action_points.per_rep.overrides.Sanne de Vries.value: must be 0 or more, got -450",
        "stale_after_days: must be 1 or more, got -3",
        "window_month: unknown setting (did you mean 'window_months'?)",
    ]
    assert len(err.details) == len(expected)
    for line in expected:
        assert any(d.startswith(line) for d in err.details), line
        assert line in str(err)
    assert err.headline == f"config: {len(expected)} mistakes in the config"


def test_source_name_is_the_file_path(tmp_path, base):
    path = tmp_path / "kpi.yaml"
    path.write_text(yaml.safe_dump(changed(base, lambda d: d["stages"][2].update(probability=1.5))), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.headline == f"{path}: 1 mistake in the config"


# ----------------------------------------------------------------------------
# never a traceback: only ConfigError escapes


@pytest.mark.parametrize(
    "text",
    [
        "[",
        "{",
        "a: b: c",
        "language: 'nl",
        "stages: 5",
        "stages: [5, 6]",
        "stages: [{}, {}]",
        "{1: 2}",
        "? [a, b]\n: c\n",
        "!!binary aGVsbG8=",
        "language: !!binary aGVsbG8=",
        "\x00",
        "\x07language: nl",
        "[" * 5000 + "]" * 5000,
        "a: " + "[" * 5000 + "]" * 5000,
        "language: &a [*a]",
        "stages:\n  - name: A\n    probability: .nan\n  - name: B\n    probability: .inf\n",
        "window_months: 1e400",
        "window_months: 99999999999999999999999999999999",
        "fiscal_year_start_month: 13",
        "activity_types: {call: null}",
        "targets: {qualified_leads: {team: [1, 2]}}",
        'language: "\\ud800"',
        '"\\udfff": 1',
        'stages: [{name: "A\\ud800", probability: 1}, {name: B, probability: 0}]',
        "targets: {retention: {team: 90}}",
        "qualification: {criteria: [{column: a, test: in, values: [[a, b]]}]}",
        "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    ],
)
def test_only_config_error_escapes(text):
    with pytest.raises(ConfigError):
        parse_config(text)


def test_nan_probability_is_named(base):
    err = mistakes("stages:\n  - name: A\n    probability: .nan\n  - name: B\n    probability: 1\n"
                   "won_stage: B\nlost_stage: A\nquote_stage: A\n")
    # no `language:`: the default, Dutch
    assert err.details == ["stages[0].probability: moet een gewoon getal zijn (geen .inf of .nan), nu nan"]


# ----------------------------------------------------------------------------
# safety: nothing in the file is ever run


@pytest.mark.parametrize(
    "template",
    [
        'language: !!python/object/apply:os.system ["touch {marker}"]\n',
        '!!python/object/apply:os.system ["touch {marker}"]\n',
        'language: !!python/object/apply:subprocess.check_output [["touch", "{marker}"]]\n',
        "language: !!python/object/new:os.system [\"touch {marker}\"]\n",
        "language: !!python/name:os.system\n",
        "language: !!python/object/apply:builtins.exec [\"open('{marker}', 'w').write('x')\"]\n",
    ],
)
def test_python_tags_are_refused_and_nothing_runs(tmp_path, monkeypatch, template):
    marker = tmp_path / "ran"
    calls = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append(a) or 0)
    path = tmp_path / "kpi.yaml"
    path.write_text(template.format(marker=marker), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "is not allowed" in str(info.value)
    assert "!!python/" in str(info.value)
    assert "line 1" in str(info.value)
    assert not marker.exists()
    assert calls == []


def test_python_tag_message():
    err = mistakes('language: !!python/object/apply:os.system ["echo hi"]\n')
    # no `language:` line to go by: both languages
    assert str(err) == (
        "config regel 1, kolom 11: YAML-tag '!!python/object/apply:os.system' is niet toegestaan: "
        "de config bevat alleen instellingen / "
        "config line 1, column 11: YAML tag '!!python/object/apply:os.system' is not allowed: "
        "the config holds settings only"
    )


# ----------------------------------------------------------------------------
# rates: a share is 0.9 or 90%, never 90


@pytest.mark.parametrize(("written", "share"), [(0.9, 0.9), ("90%", 0.9), ("90 %", 0.9), ("90,5%", 0.905),
                                                ("90.5%", 0.905), (0, 0.0), ("100%", 1.0), (1, 1.0)])
def test_a_rate_target_is_a_share_or_a_percentage(base, written, share):
    settings = parse_config(changed(base, lambda d: d["targets"]["retention"].update(team=written)))
    assert settings.targets.retention.team.value == pytest.approx(share)


def test_a_rate_everywhere_takes_a_percentage(base):
    def percentages(d):
        d["stages"][2]["probability"] = "50%"
        d["targets"]["retention"]["per_rep"] = {"default": "85%", "overrides": {"Anna": {"value": "95 %"}}}
        d["lookalike"]["profile"]["top_share"] = "25%"
        d["traffic_light"] = {"green": "100%", "orange": "80%"}
        d["suggested_targets"]["far_above"] = "150%"

    settings = parse_config(changed(base, percentages))
    assert settings.probabilities["Offerte"] == 0.5
    assert settings.targets.retention.per_rep.default.value == pytest.approx(0.85)
    assert settings.targets.retention.per_rep.overrides["Anna"].value == pytest.approx(0.95)
    assert settings.lookalike.profile.top_share == 0.25
    assert (settings.traffic_light.green, settings.traffic_light.orange) == (1.0, 0.8)
    assert settings.suggested_targets.far_above == 1.5


def test_a_rate_written_as_a_percentage_number_is_refused_with_a_hint(base):
    err = mistakes(changed(base, lambda d: d["targets"]["retention"].update(team=90)))
    assert err.details == ["targets.retention.team.value: 90 is a percentage without a % sign; write 90% or 0.9"]
    dutch = mistakes(changed(base, lambda d: (d["targets"]["retention"].update(team=90), d.update(language="nl"))))
    assert dutch.details == ["targets.retention.team.value: 90 is een percentage zonder %-teken; schrijf 90% of 0.9"]
    ramp = mistakes(changed(base, lambda d: d["targets"]["retention"].update(
        team={"ramp": {"start": "2026-01", "from": 80, "step": 2, "cap": 95}})))
    assert ramp.details == [
        "targets.retention.team.ramp.from: 80 is a percentage without a % sign; write 80% or 0.8",
        "targets.retention.team.ramp.step: 2 is a percentage without a % sign; write 2% or 0.02",
        "targets.retention.team.ramp.cap: 95 is a percentage without a % sign; write 95% or 0.95",
    ]
    rising = parse_config(changed(base, lambda d: d["targets"]["retention"].update(
        team={"ramp": {"start": "2026-01", "from": "80%", "step": "1%", "cap": "95%"}})))
    assert rising.targets.retention.team.ramp.step == pytest.approx(0.01)


def test_other_targets_stay_plain_numbers(base):
    settings = parse_config(changed(base, lambda d: d["targets"]["pipeline_value"].update(team=750000)))
    assert settings.targets.pipeline_value.team.value == 750000
    err = mistakes(changed(base, lambda d: d["targets"]["pipeline_value"].update(team="90%")))
    assert err.details == ["targets.pipeline_value.team: must be a number, or a mapping with 'value' or 'ramp', "
                           "got '90%'"]


def test_a_traffic_light_in_percent_numbers_is_refused_with_a_hint(base):
    err = mistakes(changed(base, lambda d: d.update(traffic_light={"green": 100, "orange": 80})))
    assert err.details == [
        "traffic_light.green: 100 is a percentage without a % sign (100% = 1); write 100% or 1",
        "traffic_light.orange: 80 is a percentage without a % sign (100% = 1); write 80% or 0.8",
    ]


# ----------------------------------------------------------------------------
# the config's language decides its messages


def test_mistakes_are_in_dutch_for_a_dutch_config(base):
    def many(d):
        d["language"] = "nl"
        d["stale_after_days"] = -3
        d["window_month"] = 12
        d["qualification"]["criteria"][1].pop("max")
        d["stages"][0]["probability"] = "hoog"

    err = mistakes(changed(base, many))
    assert err.headline == "config: 4 fouten in de config"
    assert err.details == [
        "stages[0].probability: moet een getal zijn, nu 'hoog'",
        "qualification.criteria[1]: toets 'between' heeft 'max' nodig",
        "stale_after_days: moet 1 of meer zijn, nu -3",
        "window_month: onbekende instelling (bedoelt u 'window_months'?)",
    ]
    err = mistakes(changed(base, lambda d: d.update(language="nl", won_stage="Binnen", lost_stage="Quotatie")))
    assert err.details == [f"won_stage: 'Binnen' is geen van de fasen ({STAGES})",
                           f"lost_stage: 'Quotatie' is geen van de fasen ({STAGES})"]


def test_a_missing_setting_in_dutch():
    err = mistakes("language: nl\n")
    assert err.details == ["stages: verplichte instelling ontbreekt"]
    assert err.headline == "config: 1 fout in de config"


@pytest.mark.parametrize(("text", "english", "dutch"), [
    ("targets:\n  retention\n    team: 0.9\n", "a colon is missing after 'retention' (write 'retention:')",
     "na 'retention' ontbreekt een dubbele punt (schrijf 'retention:')"),
    ("window_months:\t12\n", "a tab; indent with spaces", "een tab; spring in met spaties"),
    ("won_stage: 'Gewonnen\n", "a quote is not closed", "een aanhalingsteken wordt niet gesloten"),
    ("stages: [Lead, Intake\nwindow_months: 12\n", "a list [ ] or { } is not closed",
     "een lijst [ ] of { } wordt niet gesloten"),
    ("stages:\n  - name: Lead\n  probability: 0.1\n - name: Intake\n", "the indentation is off",
     "het inspringen klopt niet"),
])
def test_yaml_errors_in_a_directors_words_and_the_configs_language(text, english, dutch):
    assert english in str(mistakes(f"language: en\n{text}"))
    assert dutch in str(mistakes(f"language: nl\n{text}"))
    both = str(mistakes(text))  # no language line to go by: both
    assert english in both and dutch in both
    assert str(mistakes(f"language: en\n{text}")).startswith("config line ")


@pytest.mark.parametrize("text", ["language: en\ntargets\n  retention: 3\n",  # the scan gives up on line 3
                                  "language: en\ntargets:\n  retention\n    team: 0.9\n"])
def test_a_missing_colon_is_placed_on_the_line_of_the_name(text):
    """The line named is the one whose name lacks its colon (line 2 / 3), not where YAML gave up."""
    said = str(mistakes(text))
    name = "targets" if "targets\n" in text else "retention"
    line = text.splitlines().index(name if name == "targets" else "  retention") + 1
    assert said.startswith(f"config line {line}") and f"after '{name}'" in said, said


# ----------------------------------------------------------------------------
# bounded: the file's size, anchors that expand, a device for a file


def test_a_config_file_larger_than_the_limit_is_refused(tmp_path):
    from kpi_xl.config import MAX_CONFIG_BYTES

    path = tmp_path / "kpi.yaml"
    path.write_text("# uitleg\n" * (MAX_CONFIG_BYTES // 9 + 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "the config file is larger than 1000 kB" in str(info.value)
    assert "het configbestand is groter dan 1000 kB" in str(info.value)


def test_a_device_is_not_read_as_a_config():
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    with pytest.raises(ConfigError) as info:
        load_config("/dev/zero")
    assert "is not a file" in str(info.value)


def test_anchors_that_expand_without_end_are_refused():
    lines = ["language: en", "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"]
    for name, previous in zip("bcdef", "abcde", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    err = mistakes("\n".join(lines) + "\n")
    assert str(err) == "config: the config expands to more than 100,000 values (does an anchor & / * repeat itself?)"
