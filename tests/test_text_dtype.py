"""Loaded text columns are Arrow-backed ``str``; a table a user builds has
``object`` text. Every metric must give the same numbers for both (the Arrow
paths in the metrics only change how values are gathered, never what)."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES

from diagnose import metrics
from diagnose.bottlenecks import bottlenecks
from diagnose.io.load import TEXT_DTYPE, load_activities

AS_OF = pd.Timestamp("2024-12-31")


@pytest.fixture(scope="module")
def tables():
    arrow = load_activities(SAMPLES / "tasks_en.csv").data
    text = [c for c in arrow.columns if arrow[c].dtype == TEXT_DTYPE]
    assert {"case_id", "activity", "owner", "department"} <= set(text)
    plain = arrow.astype({c: object for c in text})
    return arrow, plain


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text-like columns as object, so the two results compare value by value."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == TEXT_DTYPE or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].astype(object).where(out[c].notna(), np.nan)
    return out.reset_index(drop=True)


# every metric that takes the activity table (KPI and benchmark tables aside)
FUNCS = [
    name
    for name in metrics.__all__
    if name not in ("kpi_variance", "compare_to_benchmarks")
]


@pytest.mark.parametrize("name", FUNCS)
def test_metric_is_the_same_for_arrow_and_object_text(tables, name):
    arrow, plain = tables
    func = getattr(metrics, name)
    kwargs = {"as_of": AS_OF} if "as_of" in inspect.signature(func).parameters else {}
    got = func(arrow, **kwargs)
    want = func(plain, **kwargs)
    assert len(got) > 0
    pd.testing.assert_frame_equal(_plain(got), _plain(want), check_dtype=False)


def test_bottleneck_ranking_is_the_same(tables):
    arrow, plain = tables
    got = bottlenecks(arrow, as_of=AS_OF)
    want = bottlenecks(plain, as_of=AS_OF)
    pd.testing.assert_frame_equal(_plain(got), _plain(want), check_dtype=False)


def test_loaded_text_is_compact_and_behaves_like_str(tables):
    arrow, plain = tables
    # a third or less of the memory of Python strings
    text = [c for c in arrow.columns if arrow[c].dtype == TEXT_DTYPE]
    deep_arrow = arrow[text].memory_usage(deep=True).sum()
    deep_plain = plain[text].memory_usage(deep=True).sum()
    assert deep_arrow < deep_plain / 2
    # comparisons, .str and missing values work as for object columns
    first = plain["owner"].dropna().iloc[0]
    assert (arrow["owner"] == first).sum() == (plain["owner"] == first).sum() > 0
    assert arrow["owner"].str.len().sum() == plain["owner"].str.len().sum()
    assert arrow["blocked_reason"].isna().sum() == plain["blocked_reason"].isna().sum()
