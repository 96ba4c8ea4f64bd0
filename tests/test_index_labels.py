"""Metrics work by row position: a table whose index repeats labels (two
exports concatenated, each numbered from 0) or carries arbitrary labels gives
the same numbers as a plainly numbered one. Only the columns that report the
labels themselves (``index``, ``from_index``, ...) differ."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from conftest import SAMPLES

from diagnose import metrics
from diagnose.bottlenecks import bottlenecks
from diagnose.diagnosis import diagnose
from diagnose.io.load import load_activities

AS_OF = pd.Timestamp("2024-12-31")
FUNCS = [
    n for n in metrics.__all__ if n not in ("kpi_variance", "compare_to_benchmarks")
]


@pytest.fixture(scope="module")
def tables():
    plain = load_activities(SAMPLES / "tasks_en.csv").data
    half = len(plain) // 2
    repeated = pd.concat(
        [
            plain.iloc[:half].reset_index(drop=True),
            plain.iloc[half:].reset_index(drop=True),
        ]
    )
    assert repeated.index.has_duplicates
    shuffled = plain.set_axis(np.random.default_rng(0).permutation(len(plain)) + 1000)
    return plain, {"repeated": repeated, "shuffled": shuffled}


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    labels = [c for c in frame.columns if str(c).endswith("index")]
    return frame.drop(columns=labels).reset_index(drop=True)


@pytest.mark.parametrize("name", FUNCS)
def test_metric_ignores_index_labels(tables, name):
    plain, others = tables
    func = getattr(metrics, name)
    kwargs = {"as_of": AS_OF} if "as_of" in inspect.signature(func).parameters else {}
    want = _values(func(plain, **kwargs))
    assert len(want) > 0
    for label, frame in others.items():
        got = _values(func(frame, **kwargs))
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=label)


def test_ranking_and_diagnosis_ignore_index_labels(tables):
    plain, others = tables
    want = diagnose(plain, as_of=AS_OF)
    for frame in others.values():
        pd.testing.assert_frame_equal(bottlenecks(frame, as_of=AS_OF), want.bottlenecks)
        got = diagnose(frame, as_of=AS_OF)
        for table in ("headline", "stages", "handoffs", "overdue", "sla", "workload"):
            pd.testing.assert_frame_equal(getattr(got, table), getattr(want, table))
        pd.testing.assert_frame_equal(got.overload_delay, want.overload_delay)
