"""Pilot config validation: every error names the file, the key and the fix."""

import textwrap

import pytest

from diagnose.compare.config import load_pilot_config, parse_target
from diagnose.exceptions import ConfigError

GOOD = """
name: p
title: Pilot
language: en
data:
  activities: tasks.csv
  survey: survey.csv
settings: settings.yaml
pilot_teams: [Team A]
control_teams: [Team B, Team C]
baseline: {start: 2023-10-01, end: 2024-03-31}
pilot: {start: 2024-04-01, end: 2024-06-30}
as_of: 2024-06-30
metrics: [cycle_time, overdue_rate, satisfaction]
targets:
  cycle_time: {change: -20%}
  overdue_rate: {at_most: 15%}
  satisfaction: {change: +0.5}
"""


@pytest.fixture
def folder(tmp_path):
    for f in ("tasks.csv", "survey.csv", "settings.yaml"):
        (tmp_path / f).write_text("x\n")
    return tmp_path


def write(folder, text, name="pilot.yaml"):
    sub = folder / "pilots"
    sub.mkdir(exist_ok=True)
    for f in ("tasks.csv", "survey.csv", "settings.yaml"):
        if not (sub / f).exists():
            (sub / f).write_text("x\n")
    p = sub / name
    p.write_text(textwrap.dedent(text))
    return p


def test_good_config_and_relative_paths(folder):
    text = GOOD.replace("tasks.csv", "../tasks.csv")
    p = write(folder, text)
    cfg = load_pilot_config(p)
    assert cfg.activities == (folder / "tasks.csv").resolve()
    assert cfg.pilot_teams == ("Team A",) and cfg.control_teams == ("Team B", "Team C")
    t = cfg.targets
    assert (t["cycle_time"].value, t["cycle_time"].relative) == (-20, True)
    assert (
        t["overdue_rate"].value == pytest.approx(0.15)
        and t["overdue_rate"].kind == "at_most"
    )
    assert (t["satisfaction"].value, t["satisfaction"].relative) == (0.5, False)
    assert cfg.switch.strftime("%Y-%m-%d") == "2024-04-01"


def test_switch_date_form(folder):
    text = GOOD.replace(
        "baseline: {start: 2023-10-01, end: 2024-03-31}\n", "switch_date: 2024-04-01\n"
    )
    text = text.replace("pilot: {start: 2024-04-01, end: 2024-06-30}\n", "")
    cfg = load_pilot_config(write(folder, text))
    assert cfg.baseline_start is None and str(cfg.baseline_end.date()) == "2024-03-31"
    assert cfg.pilot_end == cfg.as_of


def test_sample_configs_load():
    from pathlib import Path

    for p in sorted(
        (Path(__file__).parents[1] / "data_samples" / "pilots").glob("*.yaml")
    ):
        assert load_pilot_config(p).metrics


@pytest.mark.parametrize(
    "old, new, match",
    [
        ("name: p\n", "name: p\nowner: me\n", r"pilot.yaml: key 'owner': unknown key"),
        (
            "as_of:",
            "asof:",
            r"pilot.yaml: key 'asof': unknown key\. Fix: did you mean 'as_of'\? "
            r"known keys: as_of, ",
        ),
        (
            "  activities:",
            "  activites:",
            r"key 'data.activites': unknown key\. Fix: did you mean 'data.activities'",
        ),
        ("name: p\n", "", r"key 'name': missing \(required\)"),
        (
            "as_of: 2024-06-30",
            "as_of: 2024-13-45",
            r"key 'as_of': '2024-13-45' is not a date.*YYYY-MM-DD",
        ),
        (
            "end: 2024-06-30}",
            "end: 2024-03-01}",
            r"key 'pilot': end 2024-03-01 is before start.*reversed",
        ),
        (
            "{start: 2023-10-01, end: 2024-03-31}",
            "{start: 2023-10-01, end: 2024-04-15}",
            r"key 'pilot.start': the baseline .* overlaps the pilot",
        ),
        (
            "control_teams: [Team B, Team C]",
            "control_teams: [Team A, Team C]",
            r"key 'control_teams': \['Team A'\] also in pilot_teams.*distinct",
        ),
        (
            "activities: tasks.csv",
            "activities: missing.csv",
            r"key 'data.activities': file not found: .*missing.csv"
            r".*relative to the folder",
        ),
        (
            "metrics: [cycle_time,",
            "metrics: [lead_time, cycle_time,",
            r"key 'metrics': unknown metric 'lead_time'",
        ),
        (
            "{change: -20%}",
            "{change: minus twenty}",
            r"key 'targets.cycle_time.change': 'minus twenty' is not a number.*-20%",
        ),
        (
            "{at_most: 15%}",
            "{at_most: 15}",
            r"key 'targets.overdue_rate.at_most': 15 is not a rate"
            r".*15% or a proportion",
        ),
        (
            "{at_most: 15%}",
            "{below: 15%}",
            r"key 'targets.overdue_rate': expected exactly one of",
        ),
        ("language: en", "language: fr", r"key 'language': 'fr' is not supported"),
        (
            "  survey: survey.csv\n",
            "",
            r"key 'data.survey': metric 'satisfaction' needs a survey",
        ),
        (
            "baseline: {start: 2023-10-01, end: 2024-03-31}",
            "baseline: 2023-10-01",
            r"key 'baseline': expected \{start: ..., end: ...\}",
        ),
    ],
)
def test_config_errors_name_file_key_and_fix(folder, old, new, match):
    assert old in GOOD
    p = write(folder, GOOD.replace(old, new))
    with pytest.raises(ConfigError, match=match) as err:
        load_pilot_config(p)
    assert "pilot.yaml" in str(err.value) and "Fix:" in str(err.value)


def test_target_forms():
    assert parse_target("overdue_rate", {"at_most": "0.15"}).value == pytest.approx(
        0.15
    )
    assert parse_target("overdue_rate", {"at_most": 0.15}).value == pytest.approx(0.15)
    assert parse_target("overdue_rate", {"change": "-10pp"}).value == pytest.approx(
        -0.1
    )
    assert parse_target("cycle_time", {"at_most": 15}).value == 15
    with pytest.raises(ConfigError, match="cannot be a percentage"):
        parse_target("cycle_time", {"at_most": "15%"})
    with pytest.raises(ConfigError, match="not a number"):
        parse_target("cycle_time", {"change": True})


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml: file not found"):
        load_pilot_config(tmp_path / "nope.yaml")
