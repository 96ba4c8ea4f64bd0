"""An end cell holding a status word means unfinished work (QA finding 9)."""

from __future__ import annotations

import warnings

import pandas as pd

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return fn(*args, **kw)


def test_status_words_in_the_end_column_keep_the_task_open(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text(
        "case_id,activity,start,end\n"
        "C1,A,2024-06-01,2024-06-02\n"  # 2
        "C1,B,2024-06-03,未完成\n"  # 3
        "C1,C,2024-06-03,进行中\n"  # 4
        "C1,D,2024-06-03,TBD\n"  # 5
        "C1,E,2024-06-03, In Progress \n"  # 6
        "C1,F,2024-06-03,已完成\n"  # 7
        "C1,G,2024-06-03,soon\n"  # 8: not a date, not a status
        "C1,H,2024-06-03,待定\n",  # 9
        encoding="utf-8",
    )
    result = _quiet(load_activities, path)
    data = result.data.set_index("activity")
    assert list(data.index) == ["A", "B", "C", "D", "E", "F", "H"]
    assert data["is_open"].to_dict() == {
        "A": False,
        "B": True,
        "C": True,
        "D": True,
        "E": True,
        "F": True,
        "H": True,
    }
    assert data.loc["A", "end"] == pd.Timestamp("2024-06-03")
    assert data["end"].drop("A").isna().all()
    p = result.problems
    assert p[["row", "column", "value", "kept"]].values.tolist() == [
        [3, "end", "未完成", True],
        [4, "end", "进行中", True],
        [5, "end", "TBD", True],
        [6, "end", " In Progress ", True],
        [7, "end", "已完成", True],
        [8, "end", "soon", False],
        [9, "end", "待定", True],
    ]
    notes = p[p["kept"]]
    assert set(notes["problem"]) == {
        "is not a date but says the task is not finished",
        "says the task is done but gives no end date",
    }
    assert notes.set_index("row").loc[7, "problem"] == (
        "says the task is done but gives no end date"
    )
    assert "leave the end empty" in notes["fix"].iloc[0]
    assert p.set_index("row").loc[8, "problem"] == "is not a date"
    assert result.sources["n_rows_set_aside"].iloc[0] == 1


def test_status_word_in_a_dataframe_end_column():
    frame = pd.DataFrame(
        {
            "项目名称": ["P1", "P1"],
            "任务名称": ["策划", "执行"],
            "开始时间": ["2024-06-01", "2024-06-03"],
            "结束时间": ["2024-06-02", "進行中"],  # traditional characters
        }
    )
    result = _quiet(load_activities, frame)
    assert result.data["is_open"].tolist() == [False, True]
    assert result.problems[["row", "kept"]].values.tolist() == [[3, True]]
