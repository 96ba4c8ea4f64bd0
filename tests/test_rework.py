"""Rework and the handoff matrix against tiny hand-built tables."""

from __future__ import annotations

import pandas as pd
import pytest

from diagnose import stats
from diagnose.metrics.rework import handoffs, rework, rework_rows


def _frame(rows, cols=("case_id", "activity", "start", "end", "department")):
    df = pd.DataFrame(rows, columns=list(cols))
    for c in ("start", "end"):
        if c in df:
            df[c] = pd.to_datetime(df[c], format="mixed")
    return df


def _seq(case, acts, day0=4, dept=None):
    return [
        (
            case,
            a,
            f"2024-03-{day0 + i:02d}",
            f"2024-03-{day0 + i:02d} 12:00",
            dept or "M",
        )
        for i, a in enumerate(acts)
    ]


def test_canonical_order_returns():
    rows = (
        _seq(
            "c1",
            [
                "需求调研",
                "方案策划",
                "跨部门评审",
                "方案策划",
                "跨部门评审",
                "资源协调",
            ],
        )
        + _seq("c2", ["需求调研", "方案策划"])
        + _seq("c3", ["方案策划", "需求调研"])  # went back to an earlier stage
    )
    df = _frame(rows)
    out = rework(df).set_index("activity")
    assert out.attrs["order"] == "canonical"
    assert list(out.index) == ["需求调研", "方案策划", "跨部门评审", "资源协调"]
    assert out.loc["需求调研", ["n_cases", "n_rework_cases"]].tolist() == [3, 1]
    assert out.loc["方案策划", ["n_cases", "n_rework_cases", "n_returns"]].tolist() == [
        3,
        1,
        1,
    ]
    assert out.loc["跨部门评审", ["n_cases", "n_rework_cases"]].tolist() == [1, 1]
    assert out.loc["资源协调", ["n_cases", "n_rework_cases"]].tolist() == [1, 0]
    assert out.loc["方案策划", "returned_from"] == "跨部门评审"
    assert out.loc["方案策划", "rework_rate"] == pytest.approx(1 / 3)
    low, high = stats.wilson_interval(1, 3)
    assert out.loc["方案策划", "ci_low"] == pytest.approx(float(low))
    assert out.loc["方案策划", "ci_high"] == pytest.approx(float(high))
    assert (out.attrs["n_cases"], out.attrs["n_rework_cases"]) == (3, 2)


def test_english_names_and_row_flags():
    df = _frame(
        _seq(
            "k",
            [
                "Requirements research",
                "Plan design",
                "cross-department review",
                "Plan design",
            ],
        )
    )
    rows = rework_rows(df)
    assert rows.attrs["order"] == "canonical"
    assert rows["is_return"].tolist() == [False, False, False, True]
    assert rows["returned_from"].iloc[-1] == "cross-department review"


def test_first_occurrence_order_for_unknown_stages():
    df = _frame(_seq("k1", ["a", "b", "a", "c"]) + _seq("k2", ["b", "a"]))
    out = rework(df).set_index("activity")
    assert out.attrs["order"] == "first_occurrence"
    # k2 doing b before a is its own order, not rework; k1 repeats a
    assert out.loc["a", ["n_cases", "n_rework_cases"]].tolist() == [2, 1]
    assert out.loc["b", "n_rework_cases"] == 0
    assert out.loc["c", "n_rework_cases"] == 0


def test_rows_sorted_by_start_not_file_order():
    rows = _seq("c", ["需求调研", "方案策划"])
    df = _frame(rows[::-1])  # file lists the later stage first
    assert rework(df)["n_rework_cases"].sum() == 0


def test_handoff_matrix_by_hand():
    df = _frame(
        [
            ("c1", "A", "2024-03-04 09:00", "2024-03-04 18:00", "M"),
            ("c1", "B", "2024-03-05 12:00", "2024-03-05 18:00", "D"),  # waits 18 h
            ("c2", "A", "2024-03-06 08:00", "2024-03-06 10:00", "M"),
            ("c2", "B", "2024-03-06 16:00", "2024-03-07 10:00", "D"),  # waits 6 h
            ("c2", "C", "2024-03-07 11:00", "2024-03-07 12:00", "D"),  # same department
        ]
    )
    out = handoffs(df)
    assert len(out) == 1
    r = out.iloc[0]
    assert (r["from_department"], r["to_department"], r["n"]) == ("M", "D", 2)
    assert r["median_wait_hours"] == pytest.approx(12.0)
    assert r["p85_wait_hours"] == pytest.approx(6 + 0.85 * 12)
    # working days on the 24 h clock: 18 h -> 0.75, 6 h -> 0.25
    assert r["median_wait_working_days"] == pytest.approx(0.5)


def test_handoffs_empty():
    df = _frame(_seq("c", ["a", "b"]))
    out = handoffs(df)
    assert out.empty and "median_wait_hours" in out.columns


def test_returned_from_is_the_most_common_source_ties_first_seen():
    # a is redone after b in k1 and k3, after c in k2 and k4: two each. In case
    # order (k1 < k2 < ...) the return after b comes first, so b wins the tie;
    # one more return from c (k5) makes c the most common source.
    seqs = {
        "k1": ["a", "b", "a"],
        "k2": ["a", "c", "a"],
        "k3": ["a", "b", "a"],
        "k4": ["a", "c", "a"],
    }
    rows = [r for case, acts in seqs.items() for r in _seq(case, acts)]
    out = rework(_frame(rows)).set_index("activity")
    assert out.loc["a", "n_returns"] == 4 and out.loc["a", "returned_from"] == "b"
    more = rows + _seq("k5", ["a", "c", "a"])
    assert rework(_frame(more)).set_index("activity").loc["a", "returned_from"] == "c"
    # no return anywhere: missing, in the activity column's text dtype
    text = pd.StringDtype("pyarrow", na_value=float("nan"))
    plain = _frame(_seq("k1", ["a", "b"])).astype({"activity": text})
    got = rework(plain)["returned_from"]
    assert got.isna().all() and got.dtype == text
