"""Issue 2: a date-only end, due or planned end means "by the end of that day".

Users write ``起止时间 2023.07.01-07.07`` for the seven days July 1 to July 7,
and ``Due Date 2023-07-07`` for "by the end of July 7". The loader stores such
a value as the next day 00:00 (an exclusive instant); date-only starts stay
00:00 and values written with a time keep it.
"""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities
from diagnose.metrics.overdue import overdue_rate

T = pd.Timestamp
DAY = pd.Timedelta(days=1)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _load(source, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return load_activities(source, **kw)


def test_range_cell_is_seven_inclusive_days(tmp_path):
    path = _write(
        tmp_path,
        "分配表.csv",
        "项目,子任务名称,起止时间\nMKT-1,调研,2023.07.01-07.07\n",
    )
    row = _load(path).data.iloc[0]
    assert row["start"] == T("2023-07-01")
    assert row["end"] == T("2023-07-08")  # the end of July 7
    assert row["end"] - row["start"] == 7 * DAY


def test_same_day_start_and_end_is_one_day(tmp_path):
    path = _write(
        tmp_path,
        "t.csv",
        "case,activity,start,end\nC1,review,2023-07-03,2023-07-03\n"
        "C2,review,2023年7月3日,2023年7月3日\nC3,review,7月3日,7月3日\n",
    )
    data = _load(path, year=2023).data
    assert ((data["end"] - data["start"]) == DAY).all()
    assert data["end"].eq(T("2023-07-04")).all()


def test_due_date_only_finished_that_afternoon_is_not_overdue(tmp_path):
    path = _write(
        tmp_path,
        "jira.csv",
        "case,activity,start,end,Due Date\n"
        "C1,build,2023-07-03 09:00,2023-07-07 16:30,2023-07-07\n"
        "C2,build,2023-07-03 09:00,2023-07-08 09:00,2023-07-07\n",
    )
    data = _load(path).data
    assert data["due"].tolist() == [T("2023-07-08"), T("2023-07-08")]
    rate = overdue_rate(data, by=None, as_of="2023-07-31")
    # C1 finished on its due day (on time), C2 the morning after (late)
    assert rate["n"].iloc[0] == 2 and rate["n_overdue"].iloc[0] == 1


def test_written_times_are_kept(tmp_path):
    path = _write(
        tmp_path,
        "t.csv",
        "case,activity,start,end,due,planned_end\n"
        "C1,a,2023-07-01 09:00,2023-07-07 00:00,2023-07-07 18:00,"
        "2023-07-06 12:00\n"
        "C2,a,2023-07-01,2023-07-07 10:15,2023-07-09T00:00:00,2023-07-06\n",
    )
    data = _load(path).data.set_index("case_id")
    assert data.loc["C1", "end"] == T("2023-07-07 00:00")  # midnight written
    assert data.loc["C1", "due"] == T("2023-07-07 18:00")
    assert data.loc["C1", "planned_end"] == T("2023-07-06 12:00")
    assert data.loc["C2", "start"] == T("2023-07-01")  # starts stay 00:00
    assert data.loc["C2", "end"] == T("2023-07-07 10:15")
    assert data.loc["C2", "due"] == T("2023-07-09")
    assert data.loc["C2", "planned_end"] == T("2023-07-07")  # date only


def test_end_before_start_compares_the_written_dates(tmp_path):
    path = _write(
        tmp_path,
        "jira.csv",
        "id,project,task,created_date,finished_date\n"
        '"P0-T1",0,1,2015-02-05,2015-02-04\n'  # day before: set aside
        '"P0-T2",0,2,2015-02-05,2015-02-05\n'  # same day: one day
        '"P0-T3",0,3,2015-02-05 10:00,2015-02-05\n'  # by the end of that day
        '"P0-T4",0,4,2015-02-05 10:00,2015-02-04\n',
    )
    result = _load(path)
    back = result.problems[result.problems["problem"] == "ends before it starts"]
    assert back["row"].tolist() == [2, 5]
    assert back["value"].tolist() == ["2015-02-04", "2015-02-04"]
    data = result.data.set_index("case_id")
    assert data.loc["P0-T2", "end"] - data.loc["P0-T2", "start"] == DAY
    assert data.loc["P0-T3", "end"] == T("2015-02-06")


def test_typed_whole_day_cells_are_dates(tmp_path):
    # XLSX date cells come back as datetimes: each cell at 00:00 is a date
    # only (inclusive), whatever the other cells of the column hold
    frame = pd.DataFrame(
        {
            "case": ["C1", "C2"],
            "activity": ["a", "a"],
            "start": [dt.datetime(2023, 7, 1), dt.datetime(2023, 7, 2)],
            "end": [dt.datetime(2023, 7, 7), dt.datetime(2023, 7, 9)],
            "due": [dt.datetime(2023, 7, 7, 18), dt.datetime(2023, 7, 8)],
        }
    )
    path = tmp_path / "t.xlsx"
    frame.to_excel(path, index=False)
    data = _load(path).data
    assert data["start"].tolist() == [T("2023-07-01"), T("2023-07-02")]
    assert data["end"].tolist() == [T("2023-07-08"), T("2023-07-10")]
    assert data["due"].tolist() == [T("2023-07-07 18:00"), T("2023-07-09")]


def test_dataframe_datetimes_read_like_xlsx_cells(tmp_path):
    frame = pd.DataFrame(
        {
            "case": ["C1", "C2"],
            "activity": ["a", "a"],
            "start": [dt.datetime(2023, 7, 1), dt.datetime(2023, 7, 2)],
            "end": [dt.datetime(2023, 7, 7), dt.datetime(2023, 7, 9)],
            "due": [dt.datetime(2023, 7, 7, 18), dt.datetime(2023, 7, 8)],
        }
    )
    path = tmp_path / "t.xlsx"
    frame.to_excel(path, index=False)
    # the same table as a DataFrame (datetime64 columns) reads the same
    pd.testing.assert_frame_equal(_load(frame).data, _load(path).data)


def test_xlsx_one_timed_end_does_not_change_the_date_cells(tmp_path):
    # QA finding 6: a same-day task whose end is a date cell stays a one-day
    # task although another end in the column has a time, and a date cell
    # and an Excel serial of the same day read the same
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["case_id", "activity", "start", "end"])
    sheet.append(["C1", "A", dt.datetime(2024, 6, 3, 9), dt.date(2024, 6, 3)])
    sheet.append(["C1", "B", dt.datetime(2024, 6, 4), dt.datetime(2024, 6, 5, 17, 30)])
    sheet.append(["C2", "A", dt.datetime(2024, 6, 3), 45446])  # 45446 = 2024-06-03
    path = tmp_path / "typed_end.xlsx"
    book.save(path)
    result = _load(path)
    assert len(result.problems) == 0
    assert result.data["end"].tolist() == [
        T("2024-06-04"),
        T("2024-06-05 17:30"),
        T("2024-06-04"),
    ]


def test_excel_serials_whole_days(tmp_path):
    frame = pd.DataFrame(
        {"case": ["C1"], "activity": ["a"], "start": [45108], "end": [45114]}
    )
    data = _load(frame).data  # 45108 = 2023-07-01, 45114 = 2023-07-07
    assert data["end"].iloc[0] - data["start"].iloc[0] == 7 * DAY


def test_event_log_timestamps_are_instants(tmp_path):
    path = _write(
        tmp_path,
        "log.csv",
        "case_id,activity,timestamp,case:deadline\n"
        "C1,a,2023-07-01,2023-07-05\nC1,b,2023-07-03,2023-07-05\n",
    )
    data = _load(path).data
    assert data["start"].tolist() == [T("2023-07-01"), T("2023-07-03")]
    assert (data["end"] == data["start"]).all()  # an event happens at an instant
    assert data["due"].eq(T("2023-07-06")).all()  # a deadline is a whole day


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_loaders_agree_on_date_only_values(tmp_path, fmt):
    frame = pd.DataFrame(
        {
            "case_id": ["C1", "C2"],
            "activity": ["a", "b"],
            "start": ["2023-07-01", "2023-07-02 08:00"],
            "end": ["2023-07-03", "2023-07-02 17:00"],
        }
    )
    path = tmp_path / f"t.{fmt}"
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    data = _load(path).data
    assert data["end"].tolist() == [T("2023-07-04"), T("2023-07-02 17:00")]
