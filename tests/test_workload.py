"""Workload: concurrent open tasks per person, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.config import Settings
from diagnose.metrics.workload import overload_delay, overload_summary, workload

T = pd.Timestamp
NaT = pd.NaT


def _frame(rows):
    cols = ["case_id", "activity", "start", "end", "owner", "priority", "due"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("start", "end", "due"):
        df[c] = pd.to_datetime(df[c], format="mixed")
    return df


@pytest.fixture
def tasks():
    return _frame(
        [
            (
                "c1",
                "T1",
                "2024-03-04",
                "2024-03-07",
                "A",
                "P1",
                NaT,
            ),  # Mon-Wed (end exclusive)
            ("c1", "T2", "2024-03-05 10:00", "2024-03-05 15:00", "A", "P2", NaT),  # Tue
            ("c2", "T3", "2024-03-06", NaT, "A", "P0", NaT),  # Wed .. as_of (open)
            (
                "c2",
                "T4",
                "2024-03-06 09:00",
                "2024-03-06 09:00",
                "A",
                "P0",
                NaT,
            ),  # zero length
            (
                "c3",
                "T5",
                "2024-03-06",
                "2024-03-09",
                "A",
                "P0",
                NaT,
            ),  # ends after as_of: open
            ("c4", "T6", "2024-03-07", "2024-03-08", "B", "P1", NaT),  # Thu only
            (
                "c5",
                "T7",
                "2024-03-05",
                "2024-03-06",
                None,
                "P1",
                NaT,
            ),  # no owner: ignored
            (
                "c6",
                "T8",
                "2024-03-10",
                NaT,
                "A",
                "P1",
                NaT,
            ),  # starts after as_of: ignored
        ]
    )


AS_OF = "2024-03-08 12:00"


def test_daily_counts_by_hand(tasks):
    wl = workload(tasks, as_of=AS_OF, settings=Settings(max_concurrent=3))
    a = wl[wl["owner"] == "A"].set_index("date")
    # Mon: T1 | Tue: T1,T2 | Wed: T1,T3,T4,T5 | Thu: T3,T5 | Fri (as_of): T3,T5
    assert a["n_open"].tolist() == [1, 2, 4, 2, 2]
    assert a["n_open_p0"].tolist() == [0, 0, 3, 2, 2]
    assert a.index[0] == T("2024-03-04") and a.index[-1] == T("2024-03-08")
    assert a["over_limit"].tolist() == [False, False, True, False, False]  # 4 > 3
    assert a["over_limit_p0"].tolist() == [False, False, True, False, False]  # 3 > 2
    b = wl[wl["owner"] == "B"]
    assert b["date"].tolist() == [
        T("2024-03-07"),
        T("2024-03-08"),
    ]  # from B's first task
    assert b["n_open"].tolist() == [1, 0]
    assert list(wl.columns) == [
        "date",
        "owner",
        "n_open",
        "n_open_p0",
        "over_limit",
        "over_limit_p0",
        "working_day",
    ]
    assert wl["working_day"].all()  # Mon 4 .. Fri 8 March 2024


def test_weekends_and_holidays_are_not_overloaded_days():
    # six tasks open Fri 9 Feb 2024 .. Sun 18 Feb (a make-up working day in
    # China): over the limit of 5 on all ten days, but the Spring Festival
    # holiday (10-17 Feb) is off: only Fri 9 and Sun 18 are working days
    rows = [
        ("c1", f"T{i}", "2024-02-09", "2024-02-19", "C", "P2", NaT) for i in range(6)
    ]
    rows.append(("c2", "T9", "2024-02-05", "2024-02-08", "C", "P2", NaT))  # Mon-Wed
    wl = workload(_frame(rows), as_of="2024-02-20")
    feb = wl.set_index("date")
    assert feb.loc[T("2024-02-09") : T("2024-02-18"), "over_limit"].all()
    assert feb.loc[T("2024-02-10") : T("2024-02-17"), "working_day"].sum() == 0
    assert feb.loc[T("2024-02-09"), "working_day"]
    assert feb.loc[T("2024-02-18"), "working_day"]  # 调休: Sunday worked
    s = overload_summary(_frame(rows), as_of="2024-02-20").set_index("owner")
    # working days with work: Mon 5 - Wed 7 (T9), Fri 9 and Sun 18 Feb
    assert s.loc["C", "days_with_work"] == 5
    assert s.loc["C", "days_over_limit"] == 2  # Fri 9 and Sun 18 Feb
    # another country's calendar: no make-up Sunday, no Spring Festival
    us = overload_summary(_frame(rows), as_of="2024-02-20", settings={"country": "US"})
    # US working days: Mon 5 - Wed 7, Fri 9, Mon 12 - Fri 16 (19 Feb is
    # Presidents' Day, past the tasks); open Fri 9 .. Sun 18
    assert us.set_index("owner").loc["C", "days_over_limit"] == 6


def test_default_limit_and_weekly_peak(tasks):
    wl = workload(tasks, as_of=AS_OF)
    assert not wl["over_limit"].any()  # peak 4 <= 5
    wk = workload(tasks, as_of=AS_OF, freq="W")
    a = wk[wk["owner"] == "A"]
    assert a["date"].tolist() == [T("2024-03-04")]
    assert a["n_open"].tolist() == [4] and a["n_open_p0"].tolist() == [3]
    assert a["over_limit_p0"].tolist() == [True]


def test_input_not_changed_and_bad_freq(tasks):
    before = tasks.copy()
    workload(tasks, as_of=AS_OF)
    pd.testing.assert_frame_equal(tasks, before)
    with pytest.raises(ValueError, match="'freq' parameter of workload must be one of"):
        workload(tasks, as_of=AS_OF, freq="M")


def test_overload_summary(tasks):
    s = overload_summary(tasks, as_of=AS_OF, settings={"max_concurrent": 3}).set_index(
        "owner"
    )
    assert s.loc["A", "days_with_work"] == 5
    assert s.loc["A", "days_over_limit"] == 1
    assert s.loc["A", "share"] == pytest.approx(0.2)
    assert s.loc["A", "days_over_limit_p0"] == 1
    assert s.loc["A", "peak_open"] == 4
    assert s.loc["B", "days_with_work"] == 1 and s.loc["B", "share"] == 0
    assert s.loc["A", "mean_open"] == pytest.approx(11 / 5)


def test_overload_delay_by_hand():
    # X carries two tasks on Monday (limit 1): both started under overload.
    df = _frame(
        [
            ("x1", "a", "2024-03-04", "2024-03-05", "X", "P2", "2024-03-20"),  # 1 wd
            (
                "x2",
                "a",
                "2024-03-04",
                "2024-03-08",
                "X",
                "P2",
                "2024-03-06",
            ),  # 4 wd, overdue
            ("y1", "a", "2024-03-04", "2024-03-05", "Y", "P2", "2024-03-20"),
            ("y2", "a", "2024-03-06", "2024-03-07", "Y", "P2", "2024-03-20"),
            ("y3", "a", "2024-03-08", "2024-03-09", "Y", "P2", "2024-03-20"),
        ]
    )
    out = overload_delay(df, as_of="2024-03-15", settings={"max_concurrent": 1})
    out = out.set_index("outcome")
    slow = out.loc["slower_than_stage_median"]  # stage median 1 wd: only x2 is slower
    assert (slow["n_overloaded"], slow["k_overloaded"]) == (2, 1)
    assert (slow["n_other"], slow["k_other"]) == (3, 0)
    assert slow["people_overloaded"] == 1  # both are X's
    assert slow["diff"] == pytest.approx(0.5)
    # one person's tasks cannot separate overload from that person: no interval
    assert np.isnan(slow["ci_low"]) and np.isnan(slow["ci_high"])
    assert slow["median_days_overloaded"] == pytest.approx(2.5)
    assert slow["median_days_other"] == pytest.approx(1.0)
    od = out.loc["overdue"]
    assert (od["k_overloaded"], od["n_overloaded"], od["k_other"], od["n_other"]) == (
        1,
        2,
        0,
        3,
    )
    assert "Newcombe" in od["method"] and "owner-clustered" in od["method"]
    assert not bool(od["beyond_noise"])  # 5 tasks cannot show it
    # a frame whose index repeats labels (concatenated exports): same result
    twice = df.set_axis([0, 0, 1, 1, 2])
    again = overload_delay(twice, as_of="2024-03-15", settings={"max_concurrent": 1})
    pd.testing.assert_frame_equal(again.set_index("outcome"), out)


def test_overload_delay_overdue_leaves_out_work_not_yet_due():
    # as test_overload_delay_by_hand, plus y4: open at as_of and due later, so
    # it may still be late (outcome unknown) and is not an on-time task
    df = _frame(
        [
            ("x1", "a", "2024-03-04", "2024-03-05", "X", "P2", "2024-03-20"),
            ("x2", "a", "2024-03-04", "2024-03-08", "X", "P2", "2024-03-06"),
            ("y1", "a", "2024-03-04", "2024-03-05", "Y", "P2", "2024-03-20"),
            ("y2", "a", "2024-03-06", "2024-03-07", "Y", "P2", "2024-03-20"),
            ("y3", "a", "2024-03-08", "2024-03-09", "Y", "P2", "2024-03-20"),
            ("y4", "a", "2024-03-13", None, "Y", "P2", "2024-03-29"),
        ]
    )
    out = overload_delay(df, as_of="2024-03-15", settings={"max_concurrent": 1})
    od = out.set_index("outcome").loc["overdue"]
    assert (od["k_overloaded"], od["n_overloaded"]) == (1, 2)
    assert (od["k_other"], od["n_other"]) == (0, 3)  # y4 pending: not 0 of 4


def test_overload_delay_interval_counts_people_not_tasks():
    # X and Z each carry two tasks on Monday (limit 1): four overloaded tasks
    # of two people; Y (three tasks one after another) and W are not.
    df = _frame(
        [
            ("x1", "a", "2024-03-04", "2024-03-05", "X", "P2", "2024-03-20"),  # 1 wd
            ("x2", "a", "2024-03-04", "2024-03-08", "X", "P2", "2024-03-20"),  # 4
            ("z1", "a", "2024-03-04", "2024-03-05", "Z", "P2", "2024-03-20"),  # 1
            ("z2", "a", "2024-03-04", "2024-03-06", "Z", "P2", "2024-03-20"),  # 2
            ("y1", "a", "2024-03-04", "2024-03-05", "Y", "P2", "2024-03-20"),
            ("y2", "a", "2024-03-06", "2024-03-07", "Y", "P2", "2024-03-20"),
            ("y3", "a", "2024-03-08", "2024-03-09", "Y", "P2", "2024-03-20"),
            ("w1", "a", "2024-03-11", "2024-03-12", "W", "P2", "2024-03-20"),
        ]
    )
    out = overload_delay(df, as_of="2024-03-15", settings={"max_concurrent": 1})
    slow = out.set_index("outcome").loc["slower_than_stage_median"]
    # stage median 1 wd: x2 and z2 are slower. Overloaded: X 1 of 2, Z 1 of 2;
    # others: Y 0 of 3, W 0 of 1.
    assert (slow["k_overloaded"], slow["n_overloaded"]) == (2, 4)
    assert (slow["k_other"], slow["n_other"]) == (0, 4)
    assert slow["people_overloaded"] == 2
    # Each person's share equals the group's (0.5; 0), so the clustered
    # variance is 0 and each group counts as its 2 people, not its 4 tasks:
    # Newcombe from Wilson(1 of 2) and Wilson(0 of 2).
    assert (slow["n_eff_overloaded"], slow["n_eff_other"]) == (2.0, 2.0)
    low, high = stats.newcombe_interval(1, 2, 0, 2)
    assert slow["ci_low"] == pytest.approx(float(low))
    assert slow["ci_high"] == pytest.approx(float(high))
    wide = stats.newcombe_interval(2, 4, 0, 4)  # tasks as independent
    assert slow["ci_low"] < float(wide[0])


def test_vectorised_scale(rng):
    n = 20_000
    start = T("2024-01-01") + pd.to_timedelta(rng.uniform(0, 300, n), unit="D")
    end = start + pd.to_timedelta(rng.uniform(0, 10, n), unit="D")
    df = pd.DataFrame(
        {
            "case_id": np.arange(n),
            "activity": "a",
            "start": start,
            "end": end,
            "owner": rng.integers(0, 50, n).astype(str),
            "priority": "P1",
        }
    )
    wl = workload(df, as_of="2024-12-31")
    # total task-days equals the sum over tasks of their day spans
    first = start.normalize()
    last = (end - pd.Timedelta(1, "ns")).normalize()
    span = int(np.sum((np.maximum(last, first) - first).days + 1))
    assert wl["n_open"].sum() == span
