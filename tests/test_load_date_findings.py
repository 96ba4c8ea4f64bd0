"""Loader-level checks of the date fixes for QA findings 4, 6, 7, 11 and 15.

Some need a small change in ``diagnose/io/load.py`` (described in the commit
that added them); until it is made they are expected to fail.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities

T = pd.Timestamp
DAY = pd.Timedelta(days=1)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _by_activity(result):
    return result.data.set_index("activity")


def test_yearless_dates_across_new_year(tmp_path):
    path = _write(
        tmp_path,
        "year_wrap.csv",
        "任务名称,负责人,开始时间,结束时间\n"
        "需求调研,张三,2023-12-20,2023-12-22\n"
        "方案策划,张三,12月28日,1月3日\n"
        "活动执行,李四,1月4日,1月10日\n"
        "复盘,李四,2024-01-11,2024-01-12\n",
    )
    with pytest.warns(DataQualityWarning, match=r"4 date\(s\) had no year"):
        result = load_activities(path)
    data = _by_activity(result)
    assert len(result.problems) == 0
    # date-only ends are inclusive: stored as the next day 00:00
    assert data.loc["方案策划", "start"] == T("2023-12-28")
    assert data.loc["方案策划", "end"] == T("2024-01-03") + DAY
    assert data.loc["活动执行", "start"] == T("2024-01-04")
    assert data.loc["活动执行", "end"] == T("2024-01-10") + DAY


def test_given_year_rolls_a_wrapping_end(tmp_path):
    path = _write(
        tmp_path, "y.csv", "任务名称,开始时间,结束时间\n方案策划,12月28日,1月3日\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        result = load_activities(path, year=2023)
    row = result.data.iloc[0]
    assert row["start"] == T("2023-12-28")
    assert row["end"] == T("2024-01-03") + DAY


def test_day_first_column_is_read_day_first(tmp_path):
    path = _write(
        tmp_path,
        "d.csv",
        "case_id,activity,start,end\n"
        "C1,A,06/07/2024,08/07/2024\n"
        "C1,B,22/06/2024,23/06/2024\n",
    )
    with pytest.warns(DataQualityWarning, match="day first"):
        result = load_activities(path)
    data = _by_activity(result)
    assert len(result.problems) == 0
    assert data.loc["A", "start"] == T("2024-07-06")
    assert data.loc["A", "end"] == T("2024-07-08") + DAY
    assert data.loc["B", "start"] == T("2024-06-22")
