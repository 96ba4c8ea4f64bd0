"""Every DataQualityWarning of diagnose.io points at the user's line, however
deep it is raised (user_stacklevel), also when re-raised after a ``with``
block (the loader's _located_warnings) and from a direct parse_dates call."""

from __future__ import annotations

import inspect
import warnings

import pandas as pd

from diagnose.io import load_activities, load_survey
from diagnose.io.dates import parse_dates


def _here() -> int:
    """The caller's line number."""
    return inspect.currentframe().f_back.f_lineno


def test_parse_dates_warnings_point_at_the_caller():
    for values in (
        ["2024-06-01 08:00 CST", "2024-06-02 09:15 CST"],  # zone names
        ["13/06/2024", "01/06/2024"],  # day first
        ["13/06/2024", "06/13/2024", "01/06/2024"],  # day and month first
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            line = _here() + 1
            parse_dates(pd.Series(values))
        assert len(caught) == 1
        assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def test_loader_warnings_point_at_this_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "case,activity,start,end\n"
        "A,x,2024-06-01 08:00 CST,13/06/2024\n"
        "A,y,,01/06/2024\n"
        "A,x,2024-06-01,2024-06-02\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _here() + 1
        load_activities(path)
    messages = [str(w.message) for w in caught]
    assert [m.split(":")[0] for m in messages] == ["a.csv, column 'start'"] + [
        "a.csv, column 'end'",  # both via _located_warnings
        "a.csv",  # the problem summary
    ]
    assert "abbreviation" in messages[0] and "day first" in messages[1]
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)] * 3


def test_survey_warnings_point_at_this_line(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("respondent,q1\nR1,9\nR1,3\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _here() + 1
        load_survey(path)
    assert caught
    assert [(w.filename, w.lineno) for w in caught] == [(__file__, line)] * len(caught)
