"""reports/index.html and the report config loader."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from diagnose.exceptions import ConfigError
from diagnose.report.configs import load_report_config, slug
from diagnose.report.html import external_resources
from diagnose.report.index import build_index, read_summary

XSS = "<script>alert(1)</script>"


def _report(folder, stem, summary=None):
    (folder / f"{stem}.html").write_text("<html></html>", encoding="utf-8")
    if summary is not None:
        (folder / f"{stem}.summary.json").write_text(
            json.dumps(summary), encoding="utf-8"
        )


def test_index_links_reports_with_verdict_and_headline(tmp_path):
    _report(
        tmp_path,
        "pilot-team-a-2024-06-30",
        {
            "title": "Team A",
            "verdict": "Roll out",
            "level": "good",
            "headline": [{"label": "Cycle time", "value": "22 → 16 days"}],
        },
    )
    _report(
        tmp_path,
        "diagnosis-sample-2024-06-30",
        {"title": "Sample", "verdict": "2 pains"},
    )
    _report(tmp_path, "pilot-no-summary-2024-05-31")
    page = build_index(tmp_path).read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    assert '<a href="pilot-team-a-2024-06-30.html">Team A</a>' in page
    assert '<span class="v good">Roll out</span>' in page
    assert "Cycle time: <b>22 → 16 days</b>" in page
    assert "(no summary recorded)" in page and "2024-05-31" in page
    # diagnosis first, then pilots
    assert page.index("Sample") < page.index("Team A")
    assert "index.html" not in page.split("<table>")[1]  # the index doesn't list itself


def test_index_escapes_everything(tmp_path):
    _report(
        tmp_path,
        "pilot-x-2024-06-30",
        {
            "title": XSS,
            "verdict": XSS,
            "level": 'bad" onclick="x',
            "headline": {XSS: XSS},
        },
    )
    _report(tmp_path, 'pilot-"q"&<b>-2024-06-30')
    page = build_index(tmp_path, failures=[{"config": XSS, "reason": XSS}]).read_text()
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6
    assert 'href="pilot-%22q%22%26%3Cb%3E-2024-06-30.html"' in page
    assert "onclick" not in page  # unknown level falls back to info


def test_index_language_and_offline(tmp_path):
    _report(tmp_path, "pilot-a-2024-06-30", {"verdict": "建议推广"})
    page = build_index(
        tmp_path,
        language="zh",
        failures=[{"config": "b.yaml", "reason": "ConfigError"}],
    ).read_text()
    assert '<html lang="zh">' in page and "流程诊断报告" in page and "运行失败" in page
    assert (
        external_resources(page) == [] and "<script" not in page and "<link" not in page
    )


def test_index_empty_folder(tmp_path):
    assert "No reports yet" in build_index(tmp_path / "new").read_text()


def test_read_summary_tolerates_garbage(tmp_path):
    (tmp_path / "a.summary.json").write_text("{oops", encoding="utf-8")
    assert read_summary(tmp_path / "a.html") is None
    assert read_summary(tmp_path / "missing.html") is None


# --- configs -----------------------------------------------------------------


def _config(tmp_path, text, name="c.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_config_minimal(tmp_path):
    (tmp_path / "tasks.csv").write_text("a\n", encoding="utf-8")
    cfg = load_report_config(
        "diagnosis",
        _config(
            tmp_path,
            "name: Team A/团队\nas_of: 2024-06-30\nlanguage: zh\n"
            "data: {activities: tasks.csv}\n",
        ),
    )
    assert (cfg.name, cfg.language, cfg.as_of) == (
        "Team A/团队",
        "zh",
        dt.date(2024, 6, 30),
    )
    assert cfg.stem() == "diagnosis-Team-A-团队-2024-06-30"


def test_load_config_lists_every_problem(tmp_path):
    path = _config(
        tmp_path,
        "language: fr\nas_of: 30/06/2024\ndata: {activities: none.csv}\n"
        "settings: nope.yaml\n",
    )
    with pytest.raises(ConfigError) as err:
        load_report_config("pilot", path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: 5 problems")
    for part in (
        "key 'name' is required",
        "key 'language' must be 'en' or 'zh'. Got 'fr'",
        "'as_of' must be a date YYYY-MM-DD. Got '30/06/2024'",
        "key 'data.activities': file not found",
        "key 'settings': file not found",
    ):
        assert part in msg


@pytest.mark.parametrize(
    "text, match",
    [("- a\n- b\n", "expected a mapping"), ("name: [unclosed\n", "cannot read YAML")],
)
def test_load_config_bad_yaml(tmp_path, text, match):
    with pytest.raises(ConfigError, match=match):
        load_report_config("diagnosis", _config(tmp_path, text))


def test_load_config_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="pilot config not found"):
        load_report_config("pilot", tmp_path / "none.yaml")


def test_slug():
    assert slug(" Team A: new/process ") == "Team-A-new-process"
    assert slug("试点 B") == "试点-B"
    assert slug("../..") == "report"


def test_diagnosis_config_rejects_unknown_keys_with_the_closest_match(tmp_path):
    # 'setings:' / 'survy:' / 'asof:' were ignored: the report ran on defaults
    (tmp_path / "tasks.csv").write_text("a\n", encoding="utf-8")
    path = _config(
        tmp_path,
        "name: x\nasof: 2024-06-30\nsetings: s.yaml\n"
        "data: {activities: tasks.csv, survy: survey.csv}\n",
    )
    with pytest.raises(ConfigError) as err:
        load_report_config("diagnosis", path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: 3 problems\n")
    assert "  key 'asof': unknown key. Fix: did you mean 'as_of'? known keys: " in msg
    assert "  key 'setings': unknown key. Fix: did you mean 'settings'?" in msg
    assert "  key 'data.survy': unknown key. Fix: did you mean 'data.survey'?" in msg
    assert (
        "known keys: data.activities, data.survey, data.kpis, data.benchmarks, "
        "data.sheet, data.columns, data.year, data.dayfirst, data.tz." in msg
    )


def test_diagnosis_config_requires_data_activities(tmp_path):
    # 'activites:' passed the check and failed in the notebook: KeyError
    path = _config(tmp_path, "name: x\n")
    with pytest.raises(ConfigError, match="key 'data.activities' is required"):
        load_report_config("diagnosis", path)


def test_pilot_config_given_as_diagnosis_config_is_refused(tmp_path):
    (tmp_path / "tasks.csv").write_text("a\n", encoding="utf-8")
    path = _config(
        tmp_path,
        "name: p\ndata: {activities: tasks.csv}\npilot_teams: [Team A]\n"
        "baseline: {start: 2024-01-01, end: 2024-03-31}\n",
    )
    with pytest.raises(ConfigError) as err:
        load_report_config("diagnosis", path)
    assert (
        "this is a pilot config (it has 'pilot_teams', 'baseline'), not a diagnosis "
        "config. Fix: run it with 'diagnose report pilot --config <file>'"
    ) in str(err.value)


@pytest.mark.parametrize("kind", ["diagnosis", "pilot"])
@pytest.mark.parametrize("day", ["2024-13-45", "2024-02-30"])
def test_impossible_as_of_names_the_key_without_a_traceback(tmp_path, kind, day):
    # yaml.safe_load's timestamp resolver raised ValueError ("month must be in
    # 1..12") before any check could name the key
    (tmp_path / "tasks.csv").write_text("a\n", encoding="utf-8")
    path = _config(
        tmp_path, f"name: x\nas_of: {day}\ndata: {{activities: tasks.csv}}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_report_config(kind, path)
    assert (
        f"key 'as_of' must be a date YYYY-MM-DD. Got '{day}' instead (not a "
        "calendar date). Fix: write a real date, e.g. as_of: 2024-06-30."
    ) in str(err.value)


def test_pilot_period_with_an_impossible_date_names_the_key(tmp_path):
    import shutil
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "data_samples"
    text = (samples / "pilots" / "pilot-team-a.yaml").read_text(encoding="utf-8")
    folder = tmp_path / "pilots"
    folder.mkdir()
    for f in samples.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    text = text.replace("end: 2024-03-31", "end: 2024-02-30")
    assert "2024-02-30" in text
    path = _config(folder, text, "p.yaml")
    with pytest.raises(
        ConfigError, match="key 'baseline.end': '2024-02-30' is not a date"
    ):
        load_report_config("pilot", path)


def test_dates_read_as_text_still_load(tmp_path):
    (tmp_path / "tasks.csv").write_text("a\n", encoding="utf-8")
    path = _config(
        tmp_path, "name: x\nas_of: 2024-06-30 12:00\ndata: {activities: tasks.csv}\n"
    )
    assert load_report_config("diagnosis", path).as_of == dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    "teams, expected",
    [
        (
            "pilot_teams: [Team A]\ncontrol_teams: [Team Z]\n",
            "key 'control_teams': 'Team Z' is not a team in tasks_en.csv (teams: "
            "Team A, Team B, Team C). Fix: use one of the teams listed, or correct "
            "the team column of the file.",
        ),
        (
            "pilot_teams: ['Team c ']\ncontrol_teams: [Team B]\n",
            "key 'pilot_teams': 'Team c ' is not a team in tasks_en.csv (teams: "
            "Team A, Team B, Team C). Fix: write it exactly as in the data, 'Team C'.",
        ),
    ],
)
def test_pilot_team_not_in_the_data_is_a_config_error(tmp_path, teams, expected):
    # a control team with no rows was dropped silently and the pilot judged on
    # before/after alone (cycle time -34 % instead of -24 %)
    from pathlib import Path

    samples = Path(__file__).resolve().parents[1] / "data_samples"
    path = _config(
        tmp_path,
        f"name: p\ndata: {{activities: {samples / 'tasks_en.csv'}}}\n{teams}"
        "baseline: {start: 2023-10-01, end: 2024-03-31}\n"
        "pilot: {start: 2024-04-01, end: 2024-06-30}\nas_of: 2024-06-30\n"
        "metrics: [cycle_time]\n",
    )
    with pytest.raises(ConfigError) as err:
        load_report_config("pilot", path)
    assert str(err.value) == f"{path}: {expected}"
