"""Yearless 起止时间 ranges get their year row by row, like yearless dates,
and are counted in the 'date(s) had no year' warning."""

from __future__ import annotations

import warnings

import pandas as pd

from diagnose.io import load_activities

T = pd.Timestamp


def _load(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_activities(path, **kw)
    return result, [str(w.message) for w in caught]


def test_yearless_ranges_take_the_year_of_the_nearest_full_dates(tmp_path):
    # full ranges: one in 2023, two in 2024 (the file-wide year would be 2024
    # and put 12.28-01.03 in December 2024)
    path = tmp_path / "ranges.csv"
    path.write_text(
        "任务名称,起止时间\n"
        "a,2023.12.20-12.22\n"
        "b,12.28-01.03\n"
        "c,01.04-01.10\n"
        "d,2024.01.11-01.12\n"
        "e,2024.01.15-01.16\n",
        encoding="utf-8",
    )
    result, messages = _load(path)
    data = result.data.set_index("activity")
    # b is nearest row a (2023-12-20): 2023-12-28, ending 2024-01-03
    # (inclusive: the next day 00:00); c is nearest row d (2024-01-11)
    assert data.loc["b", "start"] == T("2023-12-28")
    assert data.loc["b", "end"] == T("2024-01-04")
    assert data.loc["c", "start"] == T("2024-01-04")
    assert data.loc["c", "end"] == T("2024-01-11")
    assert data.loc["d", "start"] == T("2024-01-11")
    assert result.problems.empty
    years = [m for m in messages if "had no year" in m]
    assert len(years) == 1
    assert years[0].startswith(
        "ranges.csv: 4 date(s) had no year (date_range; e.g. '12.28-01.03', "
        "'01.04-01.10')."
    )
    assert "2023 for 1, 2024 for 3" in years[0]


def test_yearless_range_beside_a_start_column_row(tmp_path):
    # a 12月28日-1月3日 range refers to the neighbouring rows' full dates
    path = tmp_path / "cn.csv"
    path.write_text(
        "任务名称,起止时间\n"
        "a,2022年12月20日-12月21日\n"
        "b,12月28日-1月3日\n"
        "c,2023年6月1日-6月2日\n"
        "d,2023年6月5日-6月6日\n",
        encoding="utf-8",
    )
    result, _ = _load(path)
    data = result.data.set_index("activity")
    assert data.loc["b", "start"] == T("2022-12-28")
    assert data.loc["b", "end"] == T("2023-01-04")


def test_yearless_range_end_rolled_with_year_given_is_counted(tmp_path):
    path = tmp_path / "given.csv"
    path.write_text(
        "任务名称,起止时间\na,12月28日-1月3日\nb,1月4日-1月10日\n",
        encoding="utf-8",
    )
    result, messages = _load(path, year=2023)
    data = result.data.set_index("activity")
    assert data.loc["a", "start"] == T("2023-12-28")
    assert data.loc["a", "end"] == T("2024-01-04")
    assert data.loc["b", "start"] == T("2023-01-04")
    assert data.loc["b", "end"] == T("2023-01-11")
    assert any(
        m.startswith(
            "given.csv: 1 end date(s) without a year (date_range; e.g. "
            "'12月28日-1月3日') would fall before their start in 2023, so they "
            "were read as 2024."
        )
        for m in messages
    )
