"""load_survey: repeated respondents, half points, empty files (QA finding 14)."""

from __future__ import annotations

import warnings

import pytest

from diagnose.exceptions import DataError, DataQualityWarning
from diagnose.io import load_survey


def _load(path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = load_survey(path, **kw)
    return result, [str(w.message) for w in caught]


def test_wide_repeated_respondent_keeps_the_first_row(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "respondent,team,q1,q2\nR1,A,1,5\nR2,A,4,4\nR1,A,2,2\nR3,A,3,\n",
        encoding="utf-8",
    )
    result, messages = _load(path)
    data = result.data
    # R1's second submission (row 4) is not counted: n = 3 respondents
    assert data.groupby("item")["score"].count().to_dict() == {"q1": 3, "q2": 2}
    assert data.loc[data["item"] == "q1", "score"].tolist() == [1.0, 4.0, 3.0]
    assert data.groupby("item")["score"].mean().to_dict() == {
        "q1": pytest.approx(8 / 3),
        "q2": 4.5,
    }
    p = result.problems
    assert p[["row", "column", "value", "kept"]].values.tolist() == [
        [4, "respondent", "R1", False]
    ]
    assert (
        p["fix"]
        .iloc[0]
        .startswith("delete the repeated answer (row 2, the first, is kept)")
    )
    assert result.sources["n_rows_set_aside"].iloc[0] == 1
    assert result.sources["n_answers_set_aside"].iloc[0] == 2
    assert any("1 repeated answers (set aside; rows 4)" in m for m in messages)


def test_wide_same_respondent_in_two_periods_is_not_a_repeat(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "respondent,period,q1\nR1,before,2\nR1,after,4\nR1,after,5\n",
        encoding="utf-8",
    )
    result, _ = _load(path)
    assert result.data[["period", "score"]].values.tolist() == [
        ["before", 2.0],
        ["after", 4.0],
    ]
    assert result.problems["row"].tolist() == [4]


def test_long_repeated_item_keeps_the_first_answer(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "respondent,team,period,item,score\n"
        "R1,A,baseline,q1,5\nR1,A,baseline,q1,3\nR1,A,baseline,q2,4\n"
        "R2,A,baseline,q1,2\n",
        encoding="utf-8",
    )
    result, _ = _load(path)
    assert result.data[["respondent", "item", "score"]].values.tolist() == [
        ["R1", "q1", 5.0],
        ["R1", "q2", 4.0],
        ["R2", "q1", 2.0],
    ]
    p = result.problems
    assert p[["row", "value", "kept"]].values.tolist() == [[3, "R1", False]]
    assert (
        "question 'q1' was answered more than once by respondent 'R1'"
        in (p["fix"].iloc[0])
    )
    with pytest.raises(DataError, match="repeats an earlier answer"):
        load_survey(path, strict=True)


def test_long_unreadable_first_answer_does_not_hide_a_good_second(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("respondent,item,score\nR1,q1,abc\nR1,q1,4\n", encoding="utf-8")
    result, _ = _load(path)
    assert result.data["score"].tolist() == [4.0]
    assert result.problems["problem"].tolist() == ["is not a score"]


def test_half_points_are_read_and_the_fix_text_says_so(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("respondent,q1\nR1,3.5\nR2,4分\nR3,6\n", encoding="utf-8")
    result, _ = _load(path)
    assert result.data["score"].tolist() == [3.5, 4.0]
    fix = result.problems["fix"].iloc[0]
    assert "whole number" not in fix
    assert fix.startswith("use a number from 1 to 5 (half points such as 3.5")


def test_header_only_survey_warns_no_answers(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("respondent,team,q1,q2\n", encoding="utf-8")
    with pytest.warns(DataQualityWarning, match=r"s.csv: no answers: the file has"):
        result = load_survey(path)
    assert result.data.empty and result.problems.empty


def test_wide_blank_first_submission_does_not_set_the_answers_aside(tmp_path):
    # R1 sent an empty form (row 2) then the real one (row 3); R2 twice
    path = tmp_path / "s.csv"
    path.write_text(
        "respondent,period,q1,q2\nR1,before,,\nR1,before,4,5\n"
        "R2,before,x,\nR2,before,3,\nR2,before,2,2\n",
        encoding="utf-8",
    )
    result, _ = _load(path)
    assert result.data[["respondent", "item", "score"]].values.tolist() == [
        ["R1", "q1", 4.0],
        ["R2", "q1", 3.0],
        ["R1", "q2", 5.0],
    ]
    p = result.problems
    repeats = p[p["problem"].str.startswith("repeats")]
    assert repeats[["row", "value"]].values.tolist() == [[6, "R2"]]
    assert repeats["fix"].iloc[0] == (
        "delete the repeated answer (row 5, the first, is kept), or give each "
        "respondent their own id; the survey was answered more than once by "
        "respondent 'R2' in period 'before'"
    )
    assert result.sources["n_answers_set_aside"].iloc[0] == 3  # x, 2, 2
