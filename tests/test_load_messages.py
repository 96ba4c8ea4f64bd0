"""Loader advice works in a notebook and in a terminal (QA finding 12)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io import load_activities
from diagnose.io.dates import explain_bad_dates


def _messages(caught) -> str:
    return "\n".join(str(w.message) for w in caught)


def test_missing_column_gives_the_command_line_form_and_no_package_edit(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("项目名称,环节,负责人\nMKT-1,方案策划,张三\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_activities(path)
    text = str(err.value)
    assert "COLUMN_MAP" not in text and "diagnose/io" not in text
    assert "--map '<header in file>=start'" in text


def test_case_column_warning_gives_the_map_option(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("环节,开始时间\n方案策划,2024-06-01\n", encoding="utf-8")
    with pytest.warns(DataQualityWarning) as caught:
        load_activities(path)
    text = _messages(caught)
    assert (
        "mapping={'<header>': 'case_id'} (command line: --map '<header>=case_id')"
        in (text)
    )


def test_problem_summary_points_at_the_report_section(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "项目名称,环节,开始时间\nMKT-1,方案策划,2024-06-01\nMKT-1,执行,\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_activities(path)
    text = _messages(caught)
    assert "t.csv: 1 rows without start (set aside; rows 3)." in text
    assert "Listed in result.problems (the report's Data quality section)." in text
    assert "See result.problems" not in text


def test_year_and_dayfirst_advice_give_the_options():
    ((_, problem, fix),) = explain_bad_dates(["06/07/2024"])
    assert problem == "could be day first or month first"
    assert "(command line: --dayfirst or --monthfirst)" in fix
    frame = pd.DataFrame({"项目名称": ["M"], "环节": ["a"], "开始时间": ["6月1日"]})
    with pytest.raises(DataError, match="command line: --year 2023"):
        load_activities(frame)
