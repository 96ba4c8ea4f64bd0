"""Missing required columns: say where the header really is (QA finding 8)."""

from __future__ import annotations

import pytest

from diagnose.exceptions import DataError
from diagnose.io import load_activities


def test_title_rows_above_the_header_are_named(tmp_path):
    path = tmp_path / "title.csv"
    path.write_text(
        "营销任务跟踪表,,,\n\n项目名称,子任务名称,开始时间,结束时间\n"
        "MKT-1,需求调研,2024-06-01,2024-06-03\n",
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
