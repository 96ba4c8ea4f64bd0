"""Stage limits (DOMAIN: 需求调研 3, 方案策划 5, 跨部门评审 2 working days) and
cross-department response times (24 h; P0: 2 h)."""

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.config import Settings
from diagnose.metrics import handoff_response, sla_breaches, sla_summary

AS_OF = "2024-10-25"


def test_breaches_by_hand(six):
    got = sla_breaches(six, as_of=AS_OF)
    assert got["limit_days"].tolist() == [3.0, 5.0, 2.0, 3.0, 5.0, 3.0]
    # 3 on the limit (not a breach), 4 < 5, 4 > 2, 2, 1, open at age 4 > 3
    assert got["breached"].tolist() == [False, False, True, False, False, True]
    assert got["over_days"].tolist() == [0.0, -1.0, 2.0, -1.0, -4.0, 1.0]
    # 需求调研 from Mon 09-23 + 3 working days runs out at the end of Wed 09-25
    assert got["limit_end"].iloc[0] == pd.Timestamp("2024-09-26")
    # 方案策划 from Fri 09-27 + 5: 27, 29*, 30, Oct 8, 9 -> Oct 10 00:00
    assert got["limit_end"].iloc[1] == pd.Timestamp("2024-10-10")


def test_summary_wilson(six):
    got = sla_summary(six, as_of=AS_OF).set_index("activity")
    assert got.loc["需求调研", ["n", "n_breached", "n_open"]].tolist() == [3, 1, 1]
    assert got.loc["需求调研", "breach_rate"] == pytest.approx(1 / 3)
    assert got.loc["跨部门评审", "median_over_days"] == 2.0
    assert np.isnan(got.loc["方案策划", "median_over_days"])
    low, high = stats.wilson_interval(got["n_breached"], got["n"])
    np.testing.assert_array_equal(got["ci_low"], low)
    np.testing.assert_array_equal(got["ci_high"], high)
    overall = sla_summary(six, as_of=AS_OF, by=None)
    assert overall["n"].iloc[0] == got["n"].sum() == 6


def test_stage_without_limit_is_left_out(six):
    acts = pd.concat(
        [six, six.iloc[[0]].assign(activity="活动执行")], ignore_index=True
    )
    got = sla_breaches(acts, as_of=AS_OF)
    assert not got["with_limit"].iloc[-1] and not got["breached"].iloc[-1]
    assert "活动执行" not in sla_summary(acts, as_of=AS_OF)["activity"].tolist()
    custom = Settings().replace(stage_limits={"活动执行": 1})
    assert sla_breaches(acts, as_of=AS_OF, settings=custom)["breached"].iloc[-1]


def test_handoff_response():
    # 市场 hands to 设计 three times: after 1 h on a P0 item (within 2 h),
    # after 5 h on a P0 item (late), and Fri 18:00 -> Mon 09:00 (15 working hours)
    acts = pd.DataFrame(
        {
            "case_id": ["a", "a", "b", "b", "c", "c"],
            "activity": ["方案策划", "跨部门评审"] * 3,
            "start": pd.to_datetime(
                [
                    "2024-10-14 09:00",
                    "2024-10-14 13:00",
                    "2024-10-15 09:00",
                    "2024-10-15 15:00",
                    "2024-10-18 09:00",
                    "2024-10-21 09:00",
                ]
            ),
            "end": pd.to_datetime(
                [
                    "2024-10-14 12:00",
                    "2024-10-14 15:00",
                    "2024-10-15 10:00",
                    "2024-10-15 16:00",
                    "2024-10-18 18:00",
                    "2024-10-21 10:00",
                ]
            ),
            "department": ["市场", "设计"] * 3,
            "priority": ["P0", "P0", "P1", "P0", "P2", "P2"],
        }
    )
    got = handoff_response(acts).iloc[0]
    assert (got["from_department"], got["to_department"], got["n"]) == (
        "市场",
        "设计",
        3,
    )
    assert got["median_hours"] == pytest.approx(5.0)  # 1, 5, 15
    assert got["n_urgent"] == 2 and got["n_late"] == 1
    low, high = stats.wilson_interval(1, 3)
    assert (got["ci_low"], got["ci_high"]) == (low, high)
    cal = handoff_response(acts, clock="calendar").iloc[0]
    assert cal["p85_hours"] == pytest.approx(np.quantile([1, 5, 63], 0.85))
    assert cal["n_late"] == 2  # 63 calendar hours > 24
    with pytest.raises(ValueError, match="The 'clock' parameter of handoff_response"):
        handoff_response(acts, clock="office")


def test_handoff_response_as_of_reads_the_table_at_that_date(six):
    # A: 方案策划 (市场) -> 跨部门评审 (设计) is the only handoff; 跨部门评审
    # starts 2024-10-08, while 方案策划 runs until 10-09: overlap, 0 h
    full = handoff_response(six)
    assert full[["from_department", "to_department", "n"]].values.tolist() == [
        ["市场", "设计", 1]
    ]
    assert full["median_hours"].tolist() == [0.0]
    # on 10-07 跨部门评审 has not started: no handoff yet
    assert handoff_response(six, as_of="2024-10-07").empty
    pd.testing.assert_frame_equal(handoff_response(six, as_of="2024-10-25"), full)


def _four():
    """需求调研 (limit 3 working days), as of Fri 2024-11-15 00:00: finished in
    2 (within), finished in 5 (breached), open for 1 (pending: within so
    far), open for 5 (breached while open)."""
    return pd.DataFrame(
        {
            "case_id": ["A", "B", "C", "D"],
            "activity": "需求调研",
            "start": pd.to_datetime(
                ["2024-11-04", "2024-11-04", "2024-11-14", "2024-11-08"]
            ),
            "end": pd.to_datetime(["2024-11-06", "2024-11-11", None, None]),
        }
    )


def test_open_rows_within_the_limit_are_pending():
    # QA3 M2: the open row still within its limit may yet breach; the old rule
    # counted it as within: 2/4 = 50 %. Outcome known: 3 rows, 2 breached.
    as_of = "2024-11-15"
    rows = sla_breaches(_four(), as_of=as_of)
    assert rows["duration_working_days"].tolist() == [2.0, 5.0, 1.0, 5.0]
    assert rows["is_pending"].tolist() == [False, False, True, False]
    assert rows["outcome_known"].tolist() == [True, True, False, True]
    got = sla_summary(_four(), as_of=as_of).iloc[0]
    assert got[["n", "n_open", "n_pending", "n_breached"]].tolist() == [3, 1, 1, 2]
    assert got["breach_rate"] == pytest.approx(2 / 3)
    low, high = stats.wilson_interval(2, 3)
    assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    # median_days is the median age of all four (pending included): 2,5,1,5
    assert got["median_days"] == 3.5
    assert got["median_over_days"] == 2.0
    overall = sla_summary(_four(), as_of=as_of, by=None).iloc[0]
    assert overall[["n", "n_pending", "n_breached"]].tolist() == [3, 1, 2]


def test_no_breach_low_bound_is_exactly_zero():
    t = _four().iloc[[0, 0, 0, 0, 0, 0]].assign(case_id=list("ABCDEF"))
    got = sla_summary(t, as_of="2024-11-15").iloc[0]
    assert got["n"] == 6 and got["n_breached"] == 0
    assert got["ci_low"] == 0.0


def test_end_before_start_row_is_not_counted_within_the_limit(six):
    """A row ending before it starts has no duration: it is neither within
    nor beyond the limit, so it leaves the denominator (bottlenecks drops it
    too) instead of counting as "within limit"."""
    bad = six.iloc[[0]].assign(
        start=pd.Timestamp("2024-09-26"), end=pd.Timestamp("2024-09-23")
    )
    acts = pd.concat([six, bad], ignore_index=True)
    row = sla_breaches(acts, as_of=AS_OF).iloc[-1]
    assert np.isnan(row["duration_working_days"])
    assert not row["with_limit"] and not row["outcome_known"]
    assert not row["breached"] and not row["is_pending"]
    got = sla_summary(acts, as_of=AS_OF).set_index("activity")
    # 需求调研 as in six: 3 known rows, 1 breached (not 4 rows, 1 breached)
    assert got.loc["需求调研", ["n", "n_breached", "n_pending"]].tolist() == [3, 1, 0]
    assert got.loc["需求调研", "breach_rate"] == pytest.approx(1 / 3)
    overall = sla_summary(acts, as_of=AS_OF, by=None)
    assert overall["n"].iloc[0] == 6
