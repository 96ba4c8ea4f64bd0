"""Each defect kind is listed (row, column, value) and never silently dropped."""

from __future__ import annotations

import html
import warnings
from pathlib import Path

import pandas as pd
import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io import load_activities, load_benchmarks, load_kpis, load_survey

SAMPLES = Path(__file__).resolve().parents[1] / "data_samples"

T = pd.Timestamp


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return fn(*args, **kw)


@pytest.fixture
def defects():
    return _quiet(load_activities, SAMPLES / "tasks_defects.csv")


def _problem(result, row):
    p = result.problems
    rec = p[p["row"] == row]
    assert len(rec) == 1, rec
    return rec.iloc[0]


@pytest.mark.parametrize(
    ("row", "column", "value", "problem", "kept"),
    [
        (3, "结束时间", "2023-07-05", "ends before it starts", False),
        (4, "开始时间", "2023-13-05", "is not a date", False),
        (5, "截止日期", "2024-13-05", "is not a date", True),
        (6, "进度状态", "搁置中", "is not a known status", True),
        (7, "优先级", "P9", "is not a known priority", True),
        (8, "任务名称", "", "has no activity", False),
        (9, "", "MKT-202307-001-01", "duplicates an earlier row", False),
        (10, "任务ID", "MKT-202307-001-01", "task ID used more than once", True),
        (11, "进度状态", "已完成", "is marked done but has no end date", True),
        (12, "开始时间", "", "has no start", False),
    ],
)
def test_each_defect_is_listed(defects, row, column, value, problem, kept):
    rec = _problem(defects, row)
    assert (rec["column"], rec["value"], rec["problem"], rec["kept"]) == (
        column,
        value,
        problem,
        kept,
    )
    assert rec["file"] == "tasks_defects.csv" and rec["fix"]
    in_data = row in set(defects.data["source_row"])
    assert in_data == kept


def test_counts_add_up(defects):
    src = defects.sources.iloc[0]
    assert src["n_rows_read"] == 12
    assert src["n_rows_kept"] + src["n_rows_set_aside"] == src["n_rows_read"]
    assert src["n_rows_kept"] == len(defects.data) == 7
    aside = set(defects.problems.loc[~defects.problems["kept"], "row"])
    assert aside == {3, 4, 8, 9, 12}
    assert set(defects.data["source_row"]) | aside == set(range(2, 14))


def test_kept_rows_have_the_bad_cell_blanked(defects):
    data = defects.data.set_index("source_row")
    assert pd.isna(data.loc[5, "due"])
    assert pd.isna(data.loc[6, "status"])
    assert pd.isna(data.loc[7, "priority"])
    assert data.loc[11, "status"] == "done" and data.loc[11, "is_open"]
    # year of 7月31日 comes from the file's own full dates
    assert data.loc[7, "start"] == T("2023-07-31")


def test_warning_names_the_rows():
    with pytest.warns(
        DataQualityWarning,
        match=r"1 tasks finish before they start "
        r"\(set aside; rows 3\)",
    ):
        load_activities(SAMPLES / "tasks_defects.csv")


def test_strict_raises_with_row_column_and_fix():
    with pytest.raises(
        DataError,
        match=r"row 4, column '开始时间': '2023-13-05' is not a date"
        r"\. Fix: use YYYY-MM-DD",
    ) as err:
        load_activities(SAMPLES / "tasks_defects.csv", strict=True)
    assert str(err.value).startswith("tasks_defects.csv: 10 problems")
    assert len(err.value.problems) == 10


def test_strict_error_message_for_a_due_date():
    frame = pd.DataFrame(
        {
            "项目": ["A"] * 13,
            "任务名称": ["x"] * 13,
            "开始时间": ["2024-01-02"] * 13,
            "截止日期": ["2024-01-05"] * 12 + ["2024-13-05"],
        }
    )
    with pytest.raises(
        DataError, match=r"row 14, column '截止日期': '2024-13-05' is not a date"
    ):
        load_activities(frame, strict=True)
    result = _quiet(load_activities, frame)
    assert len(result.data) == 13  # default: kept, cell blanked


def test_clean_file_in_strict_mode_passes():
    frame = pd.DataFrame({"项目": ["A"], "任务名称": ["x"], "开始时间": ["2024-01-02"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        result = load_activities(frame, strict=True)
    assert result.problems.empty and len(result.data) == 1


def test_summary_and_html(defects):
    text = defects.summary()
    assert text.startswith("tasks_defects.csv: 12 rows read, 7 kept, 5 set aside (")
    assert "1 ends before it starts" in text
    frame = pd.DataFrame(
        {"case_id": ["<b>x</b>"], "activity": ["<script>"], "start": ["2023-07-01"]}
    )
    page = _quiet(load_activities, frame)._repr_html_()
    assert "<script>" not in page and html.escape("<script>") in page


def test_dataframe_rows_are_index_position_plus_two():
    frame = pd.DataFrame(
        {
            "case_id": ["a", "b"],
            "activity": ["x", "y"],
            "start": ["2023-07-01", "soon"],
        },
        index=[10, 20],
    )
    result = _quiet(load_activities, frame)
    assert result.problems["row"].tolist() == [3]
    assert result.problems["file"].tolist() == ["<DataFrame>"]


# --- survey ------------------------------------------------------------------


def test_wide_survey_words_scores_and_free_text():
    frame = pd.DataFrame(
        {
            "问卷编号": ["r1", "r2", "r3"],
            "团队": ["A", "A", "B"],
            "流程清晰度": [4, "非常满意", 7],
            "协作效率": ["3", "", "不满意"],
            "工具支持": ["Strongly agree", "2分", "很好用吧"],
            "意见": ["评审太慢", "", "设计资源不足，等了三天"],
        }
    )
    result = _quiet(load_survey, frame)
    data = result.data
    assert list(data.columns) == [
        "respondent",
        "team",
        "department",
        "period",
        "item",
        "score",
    ]
    got = {
        (r, i): s for r, i, s in zip(data["respondent"], data["item"], data["score"])
    }
    assert got == {
        ("r1", "流程清晰度"): 4,
        ("r2", "流程清晰度"): 5,
        ("r1", "协作效率"): 3,
        ("r3", "协作效率"): 2,
        ("r1", "工具支持"): 5,
        ("r2", "工具支持"): 2,
    }
    p = result.problems
    assert p[["row", "column", "value", "problem", "kept"]].values.tolist() == [
        [4, "流程清晰度", "7", "is outside the scale 1-5", False],
        [4, "工具支持", "很好用吧", "is not a score", False],
    ]
    assert result.text["text"].tolist() == ["评审太慢", "设计资源不足，等了三天"]
    assert result.text["respondent"].tolist() == ["r1", "r3"]
    src = result.sources.iloc[0]
    assert (src.n_items, src.n_missing_answers, src.n_answers_set_aside) == (3, 1, 2)
    assert src.n_rows_kept + src.n_rows_set_aside == src.n_rows_read == 3


def test_words_only_on_five_point_scales():
    frame = pd.DataFrame({"respondent": ["r1", "r2"], "q1": [6, "满意"], "q2": [1, 7]})
    result = _quiet(load_survey, frame, scale=(1, 7))
    assert result.data["score"].tolist() == [6, 1, 7]
    assert result.problems["problem"].iloc[0].startswith("is a word")
    shifted = _quiet(load_survey, pd.DataFrame({"q1": ["满意", 0, 2]}), scale=(0, 4))
    assert shifted.data["score"].tolist() == [3, 0, 2]
    assert shifted.data["respondent"].tolist() == ["2", "3", "4"]


def test_long_survey_and_strict(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "respondent,team,period,item,score\nr1,A,before,q1,4\n"
        "r1,A,before,q2,\nr2,B,before,q1,9\n",
        encoding="utf-8",
    )
    result = _quiet(load_survey, path)
    assert result.data["score"].tolist() == [4.0]
    assert result.sources["n_missing_answers"].iloc[0] == 1
    with pytest.raises(
        DataError, match=r"row 4, column 'score': '9' is outside the scale 1-5"
    ):
        load_survey(path, strict=True)


# --- KPIs and benchmarks ---------------------------------------------------------


def test_kpi_numbers_as_written():
    frame = pd.DataFrame(
        {
            "活动名称": ["双十一"] * 5,
            "关键指标": ["线索量", "转化率", "曝光", "预算", ""],
            "目标值": ["5,000", "16%", "1.2万", "0", "10"],
            "实际值": ["4200人", "12.5%", "9000", "n/a?", "8"],
        }
    )
    result = _quiet(load_kpis, frame)
    data = result.data
    assert data["metric"].tolist() == ["线索量", "转化率", "曝光"]
    assert data["target"].tolist() == [5000, 0.16, 12000]
    assert data["actual"].tolist() == [4200, 0.125, 9000]
    p = result.problems
    assert p[["row", "column", "problem", "kept"]].values.tolist() == [
        [5, "实际值", "is not a number", False],
        [
            5,
            "目标值",
            "is 0, so the variance (actual - target) / target is undefined",
            True,
        ],
        [6, "关键指标", "has no metric", False],
    ]


def test_benchmarks_yaml(tmp_path):
    path = tmp_path / "benchmarks.yaml"
    path.write_text(
        "- metric: cycle_time_days\n  value: 15\n  statistic: median\n  direction: "
        "lower\n"
        "  unit: working days\n  source: Industry survey 2023 (handbook example)\n"
        "- metric: overdue_rate\n  value: 10%\n  direction: 越低越好\n"
        "- metric: satisfaction\n  value: high\n  direction: higher\n",
        encoding="utf-8",
    )
    result = _quiet(load_benchmarks, path)
    data = result.data
    assert data["metric"].tolist() == ["cycle_time_days", "overdue_rate"]
    assert data["value"].tolist() == [15.0, 0.10]
    assert data["direction"].tolist() == ["lower", "lower"]
    assert data["statistic"].iloc[0] == "median"
    assert result.problems[["row", "value", "kept"]].values.tolist() == [
        [3, "high", False]
    ]
    as_map = _quiet(
        load_benchmarks, {"cycle_time_days": {"value": 15, "direction": "lower"}}
    )
    assert as_map.data["value"].tolist() == [15.0]
