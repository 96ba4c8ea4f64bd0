"""The pilot config check matches pilot and control teams against the survey."""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest
from conftest import SAMPLES

from diagnose.exceptions import ConfigError
from diagnose.report.configs import load_report_config

CONFIG = """\
name: p
data:
  activities: tasks_en.csv
  survey: survey.csv
settings: settings.yaml
pilot_teams: [Team A]
control_teams: [Team B, Team C]
baseline: {start: 2023-10-01, end: 2024-03-31}
pilot: {start: 2024-04-01, end: 2024-06-30}
as_of: 2024-06-30
metrics: [cycle_time, overdue_rate, METRIC]
"""


def _folder(tmp_path, survey: pd.DataFrame, metric="satisfaction"):
    for name in ("tasks_en.csv", "settings.yaml"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    survey.to_csv(tmp_path / "survey.csv", index=False)
    path = tmp_path / "pilot.yaml"
    path.write_text(CONFIG.replace("METRIC", metric), encoding="utf-8")
    return path


@pytest.fixture
def survey():
    return pd.read_csv(SAMPLES / "survey.csv", dtype=str)


def test_sample_survey_has_every_team(tmp_path, survey):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert load_report_config("pilot", _folder(tmp_path, survey)).name == "p"


def test_control_team_missing_from_the_survey_is_an_error(tmp_path, survey):
    # H3, survey side: Team C answered no survey, so satisfaction would be
    # judged without that control team and nothing would say so
    path = _folder(tmp_path, survey[survey["team"] != "Team C"])
    with pytest.raises(ConfigError) as err:
        load_report_config("pilot", path)
    assert str(err.value) == (
        f"{path}: key 'control_teams': 'Team C' is not a team in survey.csv "
        "(teams: Team A, Team B). Fix: use one of the teams listed, or correct "
        "the team column of the file."
    )


def test_survey_team_spelling_is_named(tmp_path, survey):
    survey = survey.assign(team=survey["team"].replace({"Team A": "team a "}))
    with pytest.raises(ConfigError, match="exactly as in the data, 'team a'"):
        load_report_config("pilot", _folder(tmp_path, survey))


def test_survey_without_team_column_warns(tmp_path, survey):
    path = _folder(tmp_path, survey.drop(columns="team"))
    with pytest.warns(UserWarning, match="survey.csv has no team column") as rec:
        cfg = load_report_config("pilot", path)
    assert cfg.name == "p" and "Fix: add a team column" in str(rec[0].message)


def test_survey_unused_without_satisfaction_is_not_checked(tmp_path, survey):
    path = _folder(tmp_path, survey[survey["team"] != "Team C"], metric="cycle_time")
    assert load_report_config("pilot", path).name == "p"


def test_team_check_reads_only_the_team_column(tmp_path, survey, monkeypatch):
    """The check lists the teams from the team column alone (stripped as the
    loaders strip them, the config's mapping applied): neither file is loaded
    in full, the notebook does that once."""
    import diagnose.io.load as load
    from diagnose.report.configs import _data_teams, _survey_teams

    def boom(*a, **k):
        raise AssertionError("loaded in full")

    monkeypatch.setattr(load, "load_activities", boom)
    monkeypatch.setattr(load, "load_survey", boom)
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv")
    tasks["team"] = tasks["team"].map(lambda t: f"  {t} ")
    tasks = tasks.rename(columns={"team": "squad"})
    tasks.to_csv(tmp_path / "t.csv", index=False)
    assert _data_teams(tmp_path / "t.csv", {"mapping": {"squad": "team"}}) == [
        "Team A",
        "Team B",
        "Team C",
    ]
    survey.to_csv(tmp_path / "s.csv", index=False)
    assert _survey_teams(tmp_path / "s.csv") == sorted(
        survey["team"].dropna().astype(str).str.strip().unique()
    )
    path = _folder(tmp_path, survey)
    assert load_report_config("pilot", path).name == "p"  # every team is there
