"""load_survey and load_kpis: a title row above the header (handbook tables)
is skipped like load_activities does, and the error names the header row."""

from __future__ import annotations

import warnings

import pytest

from diagnose.exceptions import DataError
from diagnose.io import load_kpis, load_survey


def _load(fn, path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(path, **kw)
    return result, [str(w.message) for w in caught]


def test_survey_wide_title_row_is_skipped_and_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "2024年员工满意度调查,,\nrespondent,q1,q2\nR1,4,5\nR2,abc,2\n",
        encoding="utf-8",
    )
    result, messages = _load(load_survey, path)
    assert messages[0] == (
        "survey.csv: the header is on row 2; row 1 (a title) was skipped and "
        "row numbers are still those of the spreadsheet. Fix: delete row 1 so "
        "that the header is on row 1 to silence this."
    )
    data = result.data
    assert data.loc[data["item"] == "q1", "score"].tolist() == [4.0]
    assert data.loc[data["item"] == "q2", "score"].tolist() == [5.0, 2.0]
    # 'abc' is on spreadsheet row 4
    assert result.problems[["row", "column", "value"]].values.tolist() == [
        [4, "q1", "abc"]
    ]


def test_survey_long_title_row_is_skipped(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(
        "满意度调查,,\n\nrespondent,item,score\nR1,q1,3\nR2,q1,5\n",
        encoding="utf-8",
    )
    result, messages = _load(load_survey, path)
    assert messages[0].startswith("long.csv: the header is on row 3; rows 1-2")
    assert result.data["score"].tolist() == [3.0, 5.0]
    assert result.data["item"].tolist() == ["q1", "q1"]


def test_survey_error_names_the_header_row_when_two_rows_could_be_it(tmp_path):
    path = tmp_path / "two.csv"
    # row 1 has item but no score; rows 2 and 4 both hold item and score
    path.write_text("item,note\nitem,score\nq1,3\nitem,score\nq2,4\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_survey(path)
    assert "required column 'score' not found" in str(err.value)
    assert "The header seems to be on row 2" in str(err.value)


def test_kpi_title_row_is_skipped(tmp_path):
    path = tmp_path / "kpi.csv"
    path.write_text(
        "2024 KPI 考核表,,\n指标,目标,实际\n交付周期,10,12\n满意度,4,abc\n",
        encoding="utf-8",
    )
    result, messages = _load(load_kpis, path)
    assert messages[0].startswith("kpi.csv: the header is on row 2; row 1 (a title)")
    data = result.data
    assert data["metric"].tolist() == ["交付周期"]
    assert data["target"].tolist() == [10.0]
    assert data["actual"].tolist() == [12.0]
    assert result.problems["row"].tolist() == [4]


def test_kpi_error_names_the_header_row_and_another_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["KPI 考核表"])
    ws.append(["metric", "note"])
    other = wb.create_sheet("KPI")
    other.append(["metric", "target", "actual"])
    other.append(["lead time", 10, 12])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with pytest.raises(DataError) as err:
        load_kpis(path)
    text = str(err.value)
    assert "required columns 'metric', 'target', 'actual' not found" in text
    assert "Sheet 'KPI' has the headers ['metric', 'target', 'actual']" in text
    assert "pass sheet='KPI'" in text
