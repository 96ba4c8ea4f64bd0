"""KPI and benchmark numbers: the whole cell must be one number (QA finding 3)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from diagnose.exceptions import DataQualityWarning
from diagnose.io import load_benchmarks, load_kpis
from diagnose.io.load import _parse_number_value


def _quiet(fn, *args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return fn(*args, **kw)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5,000", 5000.0),
        ("1,234.5", 1234.5),
        ("1 000", 1000.0),
        ("5 000 000", 5_000_000.0),
        ("1\u00a0000", 1000.0),  # no-break space
        ("1\u202f000", 1000.0),  # narrow no-break space
        ("1_000", 1000.0),
        ("1e3", 1000.0),
        ("1.5E-2", 0.015),
        ("16%", 0.16),
        ("100 ％", 1.0),
        ("1.2万", 12000.0),
        ("1.2万元", 12000.0),
        ("5k", 5000.0),
        ("¥5,000", 5000.0),
        ("￥4,800", 4800.0),
        ("-¥5", -5.0),
        ("−3", -3.0),
        ("４２００人", 4200.0),
        ("30 天", 30.0),
        ("2.5 小时", 2.5),
        ("12 pcs", 12.0),
        (".5", 0.5),
    ],
)
def test_numbers_as_written(text, value):
    got, ok = _parse_number_value(text)
    assert ok
    assert got == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    [
        "12.5.3",
        "50-60%",
        "2023-10",
        "5000~6000",
        "0x10",
        "3.5/5",
        "1,1000",  # bad grouping
        "1,2",  # a decimal comma: ambiguous
        "10 000 0",
        "1 0000",
        "abc",
        "5 apples",
        "+-5",
    ],
)
def test_trailing_text_is_not_read_as_the_first_digits(text):
    value, ok = _parse_number_value(text)
    assert not ok
    assert np.isnan(value)


def test_kpi_rows_with_unreadable_numbers_are_listed_with_a_fitting_fix():
    frame = pd.DataFrame(
        {
            "活动名称": ["C1"] * 6,
            "关键指标": ["时长", "比例", "月份", "预算", "线索", "曝光"],
            "目标值": ["1 000", "50-60%", "2023-10", "1,1000", "1e3", "5,000"],
            "实际值": ["900", "55%", "10", "9000", "abc", "4 800"],
        }
    )
    result = _quiet(load_kpis, frame)
    assert result.data["metric"].tolist() == ["时长", "曝光"]
    assert result.data["target"].tolist() == [1000.0, 5000.0]
    assert result.data["actual"].tolist() == [900.0, 4800.0]
    p = result.problems
    assert p[["file", "row", "column", "value", "problem", "kept"]].values.tolist() == [
        ["<DataFrame>", 3, "目标值", "50-60%", "is not a number", False],
        ["<DataFrame>", 4, "目标值", "2023-10", "is not a number", False],
        ["<DataFrame>", 5, "目标值", "1,1000", "is not a number", False],
        ["<DataFrame>", 6, "实际值", "abc", "is not a number", False],
    ]
    fixes = p["fix"].tolist()
    assert "range" in fixes[0]
    assert "date" in fixes[1]
    assert "groups of three digits" in fixes[2]
    assert "write one number such as 5000" in fixes[3]
    assert result.sources["n_rows_set_aside"].iloc[0] == 4


def test_benchmark_value_with_trailing_text_is_set_aside():
    result = _quiet(
        load_benchmarks,
        [
            {"metric": "cycle", "value": "15 天", "direction": "lower"},
            {"metric": "cost", "value": "1 000", "direction": "lower"},
            {"metric": "rate", "value": "10-15%", "direction": "lower"},
            {"metric": "empty", "value": None, "direction": "lower"},
        ],
    )
    assert result.data["value"].tolist() == [15.0, 1000.0]
    p = result.problems
    assert p[["row", "value", "kept"]].values.tolist() == [
        [3, "10-15%", False],
        [4, "", False],
    ]
    assert "range" in p["fix"].iloc[0]
    assert p["fix"].iloc[1].startswith("fill in the benchmark value")
