"""Missing required columns: say where the header really is (QA finding 8)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io import load_activities


def test_title_rows_above_the_header_are_skipped_with_a_warning(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text(
        "营销任务跟踪表,,,\n\n项目名称,子任务名称,开始时间,结束时间\n"
        "MKT-1,需求调研,2024-06-01,2024-06-03\n"
        "MKT-1,方案策划,,2024-06-05\n"
        "MKT-2,执行,2024-06-02,2024-06-01\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_activities(path)
    messages = [str(w.message) for w in caught]
    assert messages[0] == (
        "title.csv: the header is on row 3; rows 1-2 (a title) were skipped and "
        "row numbers are still those of the spreadsheet. Fix: delete rows 1-2 so "
        "that the header is on row 1 to silence this."
    )
    data = result.data
    assert data[["case_id", "activity", "source_row"]].values.tolist() == [
        ["MKT-1", "需求调研", 4]
    ]
    assert data["start"].tolist() == [pd.Timestamp("2024-06-01")]
    assert data["end"].tolist() == [pd.Timestamp("2024-06-04")]  # inclusive end
    # problems keep the spreadsheet's row numbers
    assert result.problems[["row", "problem"]].values.tolist() == [
        [5, "has no start"],
        [6, "ends before it starts"],
    ]
    assert result.problems["file"].unique().tolist() == ["title.csv"]


def test_workbook_title_row_is_skipped(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["营销任务分配与跟踪表"])
    ws.merge_cells("A1:C1")
    ws.append(["项目名称", "子任务名称", "开始时间"])
    ws.append(["MKT-1", "需求调研", "2024-06-01"])
    ws.append(["MKT-1", "执行", "2024-06-03"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.warns(DataQualityWarning, match="the header is on row 2; row 1"):
        result = load_activities(path)
    assert result.data["source_row"].tolist() == [3, 4]
    assert result.data["activity"].tolist() == ["需求调研", "执行"]


def test_title_rows_above_an_incomplete_header_are_named(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text(
        "营销任务跟踪表,,,\n\n项目名称,子任务名称,负责人,备注\nMKT-1,需求调研,张三,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataError,
        match=r"The header seems to be on row 3 .*"
        r"delete rows 1 to 2",
    ):
        load_activities(path)


def test_other_sheet_with_the_headers_is_named(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表说明：请勿修改"])
    ws = wb.create_sheet("数据")
    ws.append(["项目名称", "子任务名称", "开始时间"])
    ws.append(["MKT-1", "需求调研", "2024-06-01"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(
        DataError,
        match=r"Sheet '数据' has the headers .*"
        r"Fix: pass sheet='数据'",
    ):
        load_activities(path)
    assert len(load_activities(path, sheet="数据").data) == 1


def test_title_row_is_skipped_when_a_mapping_names_the_header(tmp_path):
    # the mapped headers are on row 3: row 1 (a title) lacks them
    path = tmp_path / "title.csv"
    path.write_text(
        "营销任务跟踪表,,,\n\n项目,工作项,起,止\n"
        "MKT-1,需求调研,2024-06-01,2024-06-03\n",
        encoding="utf-8",
    )
    mapping = {"项目": "case_id", "工作项": "activity", "起": "start", "止": "end"}
    with pytest.warns(DataQualityWarning, match="the header is on row 3"):
        result = load_activities(path, mapping=mapping)
    data = result.data
    assert data[["case_id", "activity", "source_row"]].values.tolist() == [
        ["MKT-1", "需求调研", 4]
    ]
    assert data["end"].tolist() == [pd.Timestamp("2024-06-04")]


def test_mapping_naming_no_header_of_any_row_is_still_an_error(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text(
        "营销任务跟踪表,,\n项目,工作项,起\nMKT-1,需求调研,2024-06-01\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="mapping names column '任务' but the file"):
        load_activities(path, mapping={"任务": "activity"})


def test_title_row_skipped_once_notes_and_warnings_point_at_the_caller(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["营销任务分配与跟踪表"])
    ws.merge_cells("A1:C1")
    ws.append(["项目名称", "子任务名称", "开始时间"])
    ws.append(["MKT-1", "需求调研", "2024-06-01"])
    ws.append([None, "执行", "2024-06-03"])
    ws.merge_cells("A3:A4")
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_activities(path)
    messages = [str(w.message) for w in caught]
    assert len(messages) == len(set(messages))  # each note once
    assert sum("merged" in m for m in messages) == 1
    assert {w.filename for w in caught} == {__file__}
    assert result.data["case_id"].tolist() == ["MKT-1", "MKT-1"]
