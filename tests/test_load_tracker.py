"""Issue 2: a task-tracker export is one task per row, so the task is the case.

Jira-like exports (Issue key, Summary, Issue Type, Project, Created,
Resolved) and flat exports such as the public Jira dataset (a unique id per
row, a project label, a task number) are read with ``case_id`` = the task key,
``team`` = the project and ``activity`` = the issue type (else the summary,
else "task"); ``mapping=`` naming a case column turns this off.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities

T = pd.Timestamp

JIRA = pd.DataFrame(
    {
        "Issue key": ["WEB-1", "WEB-2", "APP-7"],
        "Summary": ["Landing page copy", "Fix signup bug", "Push campaign"],
        "Issue Type": ["Story", "Bug", "Story"],
        "Project": ["Website", "Website", "App"],
        "Status": ["Done", "Done", "In Progress"],
        "Created": ["2023-07-03 09:00", "2023-07-04 10:00", "2023-07-05 11:00"],
        "Resolved": ["2023-07-06 17:00", "2023-07-04 15:00", ""],
    }
)


def _load(source, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load_activities(source, **kw)


def test_jira_export_each_issue_is_a_case():
    with pytest.warns(DataQualityWarning, match="task-tracker export"):
        result = load_activities(JIRA)
    data = result.data.set_index("task_id")
    assert list(data.index) == ["APP-7", "WEB-1", "WEB-2"]  # sorted by case
    assert (data["case_id"] == data.index).all()
    assert data["team"].to_dict() == {
        "APP-7": "App",
        "WEB-1": "Website",
        "WEB-2": "Website",
    }
    assert data["activity"].to_dict() == {
        "APP-7": "Story",
        "WEB-1": "Story",
        "WEB-2": "Bug",
    }
    assert data.loc["WEB-1", "description"] == "Landing page copy"
    assert data.loc["WEB-1", "end"] - data.loc["WEB-1", "start"] == pd.Timedelta(
        days=3, hours=8
    )
    assert bool(data.loc["APP-7", "is_open"])
    used = result.sources["columns_used"].iloc[0]
    assert "Issue key -> case_id" in used and "Project -> team" in used


def test_jira_without_issue_type_uses_the_summary():
    data = _load(JIRA.drop(columns="Issue Type")).data
    assert sorted(data["activity"]) == sorted(JIRA["Summary"])
    assert data["description"].isna().all()


def test_mapping_of_a_case_column_turns_the_dialect_off():
    data = _load(JIRA, mapping={"Project": "case_id"}).data
    assert sorted(data["case_id"].unique()) == ["App", "Website"]
    assert data["team"].isna().all()
    assert sorted(data["activity"]) == sorted(JIRA["Summary"])  # as before


FLAT = (
    "id,project,task,created_date,finished_date\n"
    '"P0-T5",0,5,2015-02-02,2015-02-04\n'
    '"P0-T6",0,6,2015-02-03,2015-02-03\n'
    '"P1-T5",1,5,2015-02-02,2015-02-10\n'
)


def test_flat_export_with_task_numbers(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(FLAT, encoding="utf-8")
    result = _load(path)
    data = result.data.set_index("case_id")
    assert list(data.index) == ["P0-T5", "P0-T6", "P1-T5"]
    assert data["team"].tolist() == ["0", "0", "1"]
    assert data["activity"].eq("task").all()
    # inclusive date-only ends: Feb 2 to Feb 4 is three days
    assert (data["end"] - data["start"]).dt.days.tolist() == [3, 1, 9]
    assert "task" in result.sources["columns_dropped"].iloc[0]


def test_project_table_with_named_tasks_stays_case_and_activity(tmp_path):
    # a campaign/project with named stages is the handbook model: not a tracker
    path = tmp_path / "t.csv"
    path.write_text(
        "project,task,id,start,end\n"
        "Spring sale,Plan,S-1,2023-07-01,2023-07-03\n"
        "Spring sale,Design,S-2,2023-07-04,2023-07-06\n",
        encoding="utf-8",
    )
    data = _load(path).data
    assert data["case_id"].tolist() == ["Spring sale", "Spring sale"]
    assert data["activity"].tolist() == ["Plan", "Design"]
    assert data["team"].isna().all()


@pytest.mark.public_data
def test_public_jira_file(public_data):
    result = _load(public_data / "jira-agile-project.csv")
    src = result.sources.iloc[0]
    assert src.n_rows_read == 4123
    assert src.n_rows_set_aside == 1662  # finished the day before creation
    data = result.data
    assert data["case_id"].is_unique and len(data) == 4123 - 1662
    assert data["case_id"].nunique() == 2461
    assert set(data["team"]) == {"0", "1"}
    # "P0-T324",0,324,2013-08-13,2013-08-31,18: created Aug 13, finished by
    # the end of Aug 31 = 19 days (the file's cycle_time_days, 18, subtracts
    # the dates)
    task = data.set_index("case_id").loc["P0-T324"]
    assert task["start"] == T("2013-08-13") and task["end"] == T("2013-09-01")
    assert (task["end"] - task["start"]).days == 19
    back = result.problems[~result.problems["kept"]]
    first = back[back["row"] == 2].iloc[0]  # "P0-T5052",...,2015-02-05,2015-02-04
    assert first["column"] == "finished_date" and first["value"] == "2015-02-04"
