"""Config keys that say how to read the activity file (data.sheet, data.columns,
data.year, data.dayfirst), in diagnosis and pilot configs alike."""

from __future__ import annotations

import shutil
import textwrap

import pandas as pd
import pytest
from conftest import SAMPLES

from diagnose.compare.config import load_pilot_config, read_options
from diagnose.exceptions import ConfigError
from diagnose.report import sections
from diagnose.report.configs import load_report_config

#: the sample's headers renamed to ones the loader does not know
RENAMED = {
    "case_id": "Ref",
    "activity": "Step name",
    "start": "Kick-off",
    "end": "Wrapped up",
    "due": "Promised by",
    "team": "Squad",
}
COLUMNS = "{Ref: case_id, Step name: activity, Kick-off: start, Wrapped up: end, "
COLUMNS += "Promised by: due, Squad: team, 备注: null}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """tasks.xlsx: a notes tab first, the sample's rows on tab 数据 with
    renamed headers and an extra 备注 column to ignore."""
    tmp = tmp_path_factory.mktemp("renamed")
    tasks = pd.read_csv(SAMPLES / "tasks_en.csv", dtype=str)
    tasks = tasks.rename(columns=RENAMED).assign(备注="x")
    with pd.ExcelWriter(tmp / "tasks.xlsx") as xl:
        pd.DataFrame({"说明": ["导出说明：数据在第二个工作表"]}).to_excel(
            xl, sheet_name="说明", index=False
        )
        tasks.to_excel(xl, sheet_name="数据", index=False)
    for name in ("survey.csv", "benchmarks.yaml", "settings.yaml", "kpis.csv"):
        shutil.copy(SAMPLES / name, tmp / name)
    return tmp


def _write(folder, name, text, extra):
    text = textwrap.dedent(text).replace("EXTRA", "\n  ".join(extra.splitlines()))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _diagnosis(folder, extra=f"sheet: 数据\ncolumns: {COLUMNS}"):
    return _write(
        folder,
        "diagnosis.yaml",
        """\
        name: renamed
        as_of: 2024-06-30
        data:
          activities: tasks.xlsx
          survey: survey.csv
          benchmarks: benchmarks.yaml
          EXTRA
        settings: settings.yaml
        """,
        extra,
    )


def _pilot(folder, extra=f"sheet: 数据\ncolumns: {COLUMNS}"):
    return _write(
        folder,
        "pilot.yaml",
        """\
        name: renamed-pilot
        data:
          activities: tasks.xlsx
          survey: survey.csv
          EXTRA
        settings: settings.yaml
        pilot_teams: [Team A]
        control_teams: [Team B, Team C]
        baseline: {start: 2023-10-01, end: 2024-03-31}
        pilot: {start: 2024-04-01, end: 2024-06-30}
        as_of: 2024-06-30
        metrics: [cycle_time, overdue_rate, satisfaction]
        """,
        extra,
    )


EXPECTED_MAPPING = {
    "Ref": "case_id",
    "Step name": "activity",
    "Kick-off": "start",
    "Wrapped up": "end",
    "Promised by": "due",
    "Squad": "team",
    "备注": None,
}


def test_read_options_become_load_activities_arguments():
    data = {
        "activities": "t.xlsx",
        "sheet": "数据",
        "columns": {"项目编号": "case_id", "备注": None, "说明": "none"},
        "year": 2024,
        "dayfirst": True,
        "tz": "Asia/Shanghai",
    }
    assert read_options(data) == {
        "sheet": "数据",
        "mapping": {"项目编号": "case_id", "备注": None, "说明": None},
        "year": 2024,
        "dayfirst": True,
        "tz": "Asia/Shanghai",
    }
    assert read_options({"activities": "t.csv"}) == {}
    assert read_options({"sheet": 1})["sheet"] == 1


@pytest.mark.parametrize(
    "data, key, match",
    [
        ({"columns": {"项目编号": "case_idd"}}, "data.columns.项目编号", "case_id"),
        ({"columns": {"A": "start", "B": "start"}}, "data.columns.B", "both mapped"),
        ({"columns": ["case_id"]}, "data.columns", "header in the file"),
        ({"sheet": [1]}, "data.sheet", "sheet: 数据"),
        ({"sheet": -1}, "data.sheet", "from 0"),
        ({"year": "twenty"}, "data.year", "year: 2024"),
        ({"year": 24}, "data.year", "year: 2024"),
        ({"dayfirst": "yes"}, "data.dayfirst", "dayfirst: true"),
        ({"tz": "Beijing"}, "data.tz", "tz: Asia/Shanghai"),
        ({"tz": 8}, "data.tz", "tz: Asia/Shanghai"),
        ({"tz": "../etc/passwd"}, "data.tz", "tz: Asia/Shanghai"),
    ],
)
def test_read_option_errors_name_key_value_and_fix(data, key, match):
    with pytest.raises(ConfigError) as err:
        read_options(data, where="cfg.yaml")
    text = str(err.value)
    assert text.startswith(f"cfg.yaml: key {key!r}")
    assert match in text and "Fix:" in text


def test_unknown_column_lists_the_column_names():
    with pytest.raises(ConfigError, match="did you mean 'case_id'") as err:
        read_options({"columns": {"项目编号": "case_idd"}})
    for name in ("case_id", "activity", "start", "end", "due", "team", "lifecycle"):
        assert name in str(err.value)


def test_diagnosis_config_with_renamed_headers_on_a_second_sheet(folder):
    cfg = load_report_config("diagnosis", _diagnosis(folder))
    assert cfg.activity_options == {"sheet": "数据", "mapping": EXPECTED_MAPPING}
    run = sections.open_diagnosis(str(cfg.path))
    sample = sections.open_diagnosis(str(SAMPLES / "diagnosis.yaml"))
    # the same 709 rows as the sample's CSV, read from tab 数据 via columns:
    assert len(run.activities) == len(sample.activities) == 709
    assert run.activities["case_id"].nunique() == sample.activities["case_id"].nunique()
    got = run.result.headline.set_index("metric")["value"]
    want = sample.result.headline.set_index("metric")["value"]
    assert got["cycle_time_days"] == pytest.approx(want["cycle_time_days"])
    assert got["overdue_rate"] == pytest.approx(want["overdue_rate"])
    # the provenance lists files only, not 'sheet' or 'columns'
    assert sorted(p.rsplit("/", 1)[-1] for p in run.files) == [
        "benchmarks.yaml",
        "settings.yaml",
        "survey.csv",
        "tasks.xlsx",
    ]


def test_diagnosis_config_reports_bad_read_keys_with_the_others(folder):
    path = _diagnosis(folder, extra="dayfirst: yes please\nsheet: 数据")
    with pytest.raises(ConfigError) as err:
        load_report_config("diagnosis", path)
    text = str(err.value)
    assert "key 'data.dayfirst'" in text and "'yes please'" in text
    assert "data.sheet" not in text  # a valid key, not a file


def test_pilot_config_with_renamed_headers_on_a_second_sheet(folder):
    path = _pilot(folder)
    cfg = load_pilot_config(path)
    assert cfg.activity_options == {"sheet": "数据", "mapping": EXPECTED_MAPPING}
    # the report's config check (teams against the file) reads it the same way
    report_cfg = load_report_config("pilot", path)
    assert report_cfg.name == "renamed-pilot"
    run = sections.open_pilot(str(path), n_resamples=200)
    assert len(run.activities_frame) == 709
    assert set(run.result.cases["group"].dropna()) == {"pilot", "control"}


def test_compare_pilot_reads_the_file_with_the_config_options(folder):
    # compare_pilot(config) on its own (no report) loads the renamed second
    # sheet too: the same 709 rows and groups as the report path above
    from diagnose.compare.pilot import compare_pilot

    res = compare_pilot(_pilot(folder), n_resamples=200)
    assert set(res.cases["group"].dropna()) == {"pilot", "control"}
    assert res.cases["case_id"].nunique() == len(res.cases)


def test_pilot_team_check_uses_the_read_options(folder):
    # with columns: the Squad column is the team column, so Team Z is caught
    path = _pilot(folder).read_text(encoding="utf-8")
    bad = folder / "pilot_bad.yaml"
    bad.write_text(path.replace("[Team B, Team C]", "[Team Z]"), encoding="utf-8")
    with pytest.raises(ConfigError, match="'Team Z' is not a team in tasks.xlsx"):
        load_report_config("pilot", bad)
