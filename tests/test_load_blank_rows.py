"""Row numbers after blank lines, blank rows listed once, merged XLSX cells
(QA findings 5 and 10)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_activities, load_kpis, load_survey
from diagnose.io.read import read_table


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return fn(*args, **kw)


BLANK_LINE = (
    "case_id,activity,start,end\n"
    "C1,A,2024-06-01,2024-06-03\n"  # line 2
    "\n"  # line 3
    "C2,B,2024-06-03,2024-06-05\n"  # line 4
    "C3,C,2024-06-09,2024-06-05\n"  # line 5: ends before it starts
)


def _problems(result):
    return result.problems[["row", "column", "problem", "kept"]].values.tolist()


@pytest.mark.parametrize(
    ("name", "encoding", "newline"),
    [
        ("fast.csv", "utf-8", "\n"),  # pyarrow reader
        ("crlf.csv", "utf-8", "\r\n"),
        ("gb.csv", "gb18030", "\n"),  # pandas reader (not UTF-8)
    ],
)
def test_rows_after_a_blank_line_are_the_file_lines(tmp_path, name, encoding, newline):
    text = BLANK_LINE.replace(",", ";") if encoding == "gb18030" else BLANK_LINE
    text = text.replace("C1", "项目1")
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    result = _quiet(load_activities, path)
    assert _problems(result) == [
        [3, "", "is a blank row", False],
        [5, "end", "ends before it starts", False],
    ]
    assert result.data["source_row"].tolist() == [4, 2]  # C2, 项目1 (sorted)
    assert result.data["case_id"].tolist() == ["C2", "项目1"]
    src = result.sources.iloc[0]
    assert (src["n_rows_read"], src["n_rows_kept"], src["n_rows_set_aside"]) == (
        4,
        2,
        2,
    )


def test_blank_lines_before_the_header_and_at_the_end(tmp_path):
    path = tmp_path / "lead.csv"
    path.write_text("\n\n" + BLANK_LINE + ",,,\n\n\n", encoding="utf-8")
    result = _quiet(load_activities, path)
    # the header is on line 3: every row moves down by two
    assert _problems(result) == [
        [5, "", "is a blank row", False],
        [7, "end", "ends before it starts", False],
    ]
    assert sorted(result.data["source_row"]) == [4, 6]
    assert result.sources["n_rows_read"].iloc[0] == 4  # trailing blanks not read


def test_a_blank_line_inside_a_quoted_cell_is_text_not_a_row(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text(
        'case_id,activity,start,description\nC1,A,2024-06-01,"one\n\ntwo"\n'
        "\nC2,B,2024-06-02,x\n",
        encoding="utf-8",
    )
    result = _quiet(load_activities, path)
    assert result.data["description"].tolist() == ["one\n\ntwo", "x"]
    assert _problems(result) == [[3, "", "is a blank row", False]]
    assert result.data["source_row"].tolist() == [2, 4]


def test_fully_blank_dataframe_row_is_listed_once():
    frame = pd.DataFrame(
        {
            "case_id": ["C1", None, "C2"],
            "activity": ["A", np.nan, "B"],
            "start": ["2024-06-01", "  ", "2024-06-02"],
        }
    )
    result = _quiet(load_activities, frame)
    assert _problems(result) == [[3, "", "is a blank row", False]]
    assert result.data["source_row"].tolist() == [2, 4]


def test_event_log_blank_row_is_listed_once(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "case:concept:name,concept:name,time:timestamp\n"
        "C1,A,2024-06-01 09:00\n,,\nC1,B,2024-06-02 09:00\n",
        encoding="utf-8",
    )
    result = _quiet(load_activities, path)
    assert _problems(result) == [[3, "", "is a blank row", False]]
    assert result.data["source_row"].tolist() == [2, 4]


def test_kpi_and_survey_blank_rows(tmp_path):
    kpi = tmp_path / "kpi.csv"
    kpi.write_text(
        "活动名称,关键指标,目标值,实际值\nC1,线索数,100,90\n\nC1,曝光,abc,1\n",
        encoding="utf-8",
    )
    result = _quiet(load_kpis, kpi)
    assert _problems(result) == [
        [3, "", "is a blank row", False],
        [4, "目标值", "is not a number", False],
    ]
    assert result.sources["n_rows_read"].iloc[0] == 3
    survey = tmp_path / "survey.csv"
    survey.write_text("respondent,q1,q2\nR1,4,5\n\nR2,3,x\n", encoding="utf-8")
    result = _quiet(load_survey, survey)
    assert _problems(result) == [
        [3, "", "is a blank row", False],
        [4, "q2", "is not a score", False],
    ]
    src = result.sources.iloc[0]
    assert src["n_missing_answers"] == 0
    assert src["n_answers_set_aside"] == 1


def _merged_workbook(path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(["项目名称", "子任务名称", "开始时间", "结束时间"])
    ws.append(["MKT-1", "需求调研", "2024-06-01", "2024-06-03"])
    ws.append([None, "方案策划", "2024-06-03", "2024-06-05"])
    ws.append([None, "跨部门评审", "2024-06-05", "2024-06-06"])
    ws.append([None, None, None, None])  # row 5: blank
    ws.append(["MKT-2", "需求调研", "2024-06-01", "2024-06-03"])
    ws.append([None, "复盘", "2024-06-04", "2024-06-04"])
    ws["A5"] = None
    ws.merge_cells("A2:A4")
    ws.merge_cells("A6:A7")
    # a data cell written into a merged range (Excel keeps only the first):
    # C8:D8 merged over two dates keeps both cells as they are when filled
    ws.append(["MKT-3", "执行", "2024-06-05", None])
    ws.merge_cells("C8:D8")
    wb.save(path)


def test_merged_cells_are_filled_down_with_a_warning(tmp_path):
    path = tmp_path / "merged.xlsx"
    _merged_workbook(path)
    raw = read_table(path)
    assert raw.frame["项目名称"].tolist()[:7] == [
        "MKT-1",
        "MKT-1",
        "MKT-1",
        np.nan,
        "MKT-2",
        "MKT-2",
        "MKT-3",
    ]
    assert raw.frame["结束时间"].iloc[6] == "2024-06-05"
    assert raw.blank.tolist() == [3]
    with pytest.warns(
        DataQualityWarning,
        match=r"merged\.xlsx \(sheet '任务'\): 4 "
        r"cells of 3 merged ranges \(A2:A4, A6:A7, C8:D8\)",
    ):
        result = load_activities(path)
    assert _problems(result) == [[5, "", "is a blank row", False]]
    data = result.data
    assert data["case_id"].tolist() == ["MKT-1"] * 3 + ["MKT-2"] * 2 + ["MKT-3"]
    assert data["source_row"].tolist() == [2, 3, 4, 6, 7, 8]


def test_input_file_is_not_modified(tmp_path):
    import hashlib

    path = tmp_path / "merged.xlsx"
    _merged_workbook(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    _quiet(load_activities, path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
