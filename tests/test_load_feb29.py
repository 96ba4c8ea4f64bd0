"""A yearless 2月29日 keeps its row until resolve_years gives it a year; in a
year without 29 February it is listed as no such day."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from diagnose.io import load_activities
from diagnose.io.dates import parse_dates, resolve_years

T = pd.Timestamp


def _load(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_activities(path, **kw)
    return result, [str(w.message) for w in caught]


def test_feb29_resolved_to_a_leap_year_is_read(tmp_path):
    # most full dates are in 2023 (the file's year), but the row's start is
    # in 2024, a leap year: 2月29日 is 2024-02-29
    path = tmp_path / "leap.csv"
    path.write_text(
        "任务名称,开始时间,结束时间\n"
        "a,2023-12-01,2023-12-02\n"
        "b,2023-12-05,2023-12-06\n"
        "c,2023-12-10,2023-12-11\n"
        "d,2024-02-26,2月29日\n",
        encoding="utf-8",
    )
    result, messages = _load(path)
    data = result.data.set_index("activity")
    assert data.loc["d", "end"] == T("2024-03-01")  # inclusive end of 02-29
    assert result.problems.empty
    assert any("1 date(s) had no year" in m and "2024 for 1" in m for m in messages)


def test_feb29_in_a_common_year_is_no_such_day(tmp_path):
    # the file's year is 2024 (a leap year), but the row starts in 2023: the
    # end is 29 February 2023, not a year-long task ending 2024-02-29
    path = tmp_path / "common.csv"
    path.write_text(
        "任务名称,开始时间,结束时间,截止日期\n"
        "a,2024-03-01,2024-03-02,\n"
        "b,2024-03-05,2024-03-06,\n"
        "c,2023-02-27,2月29日,\n"
        "d,2023-02-20,2023-02-21,2月29日\n",
        encoding="utf-8",
    )
    result, _ = _load(path)
    p = result.problems
    assert p[["row", "column", "value", "problem", "kept"]].values.tolist() == [
        [
            4,
            "结束时间",
            "2月29日",
            "is not a date (no such day: February 2023 has 28 days)",
            False,
        ],
        [
            5,
            "截止日期",
            "2月29日",
            "is not a date (no such day: February 2023 has 28 days)",
            True,
        ],
    ]
    assert p["fix"].tolist() == [
        "check the day (the form is right, the date does not exist)",
        "check the day (the form is right, the date does not exist); the cell "
        "was left empty",
    ]
    data = result.data.set_index("activity")
    assert list(data.index) == ["a", "b", "d"]
    assert pd.isna(data.loc["d", "due"])


def test_feb29_with_a_common_year_given(tmp_path):
    path = tmp_path / "given.csv"
    path.write_text(
        "任务名称,开始时间,结束时间\na,2月20日,2月29日\nb,2月20日,2月21日\n",
        encoding="utf-8",
    )
    result, _ = _load(path, year=2023)
    assert result.problems[["row", "problem"]].values.tolist() == [
        [2, "is not a date (no such day: February 2023 has 28 days)"]
    ]
    assert result.data["activity"].tolist() == ["b"]
    result, _ = _load(path, year=2024)
    assert result.problems.empty
    assert result.data["end"].tolist() == [T("2024-03-01"), T("2024-02-22")]


def test_public_resolve_years_empties_feb29_of_a_common_year():
    cells = pd.Series(["2月29日", "2月29日"], dtype=object)
    ts = {
        "start": np.array(["2023-02-27", "2024-02-27"], dtype="datetime64[ns]"),
        # parsed with a leap placeholder year
        "end": np.array(["2024-02-29", "2024-02-29"], dtype="datetime64[ns]"),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = resolve_years(ts, {"end": cells})
    assert np.isnat(out["end"][0])
    assert out["end"][1] == np.datetime64("2024-02-29")
    # parse_dates itself is unchanged: the year given has no 29 February
    assert parse_dates(["2月29日"], year=2023).isna().all()
