"""Overdue rate, progress deviation and KPI variance on hand-checked tables."""

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.config import Settings
from diagnose.metrics import kpi_variance, overdue, overdue_rate, progress_deviation

AS_OF = "2024-10-25"


@pytest.fixture
def tasks(six):
    """The shared six tasks (conftest) plus case C: an open task with neither
    a due date nor an owner."""
    c = pd.DataFrame(
        {
            "case_id": ["C"],
            "activity": ["方案策划"],
            "start": [pd.Timestamp("2024-10-21")],
            "end": [pd.NaT],
            "due": [pd.NaT],
            "owner": [None],
            "department": ["市场"],
            "team": ["T2"],
            "priority": ["P2"],
        }
    )
    return pd.concat([six, c], ignore_index=True)


def test_row_level_rule(tasks):
    got = overdue(tasks, as_of=AS_OF)
    # on time (end == due), late 1 day, early, early, late, open past due, no due
    assert got["is_overdue"].tolist() == [False, True, False, False, True, True, False]
    assert got["has_due"].tolist() == [True] * 6 + [False]
    assert got["days_overdue"].iloc[:6].tolist() == [0.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    # an open task not yet due at as_of is not overdue
    assert not overdue(tasks, as_of="2024-10-23")["is_overdue"].iloc[5]


def test_rates_wilson_and_invariants(tasks):
    overall = overdue_rate(tasks, by=None, as_of=AS_OF)
    assert overall[["n", "n_overdue"]].iloc[0].tolist() == [
        6,
        3,
    ]  # the no-due row is out
    for by in ["activity", "team", "owner", "priority", "month", ["team", "priority"]]:
        got = overdue_rate(tasks, by=by, as_of=AS_OF)
        assert got["n"].sum() == 6 and got["n_overdue"].sum() == 3
        assert ((got["overdue_rate"] >= 0) & (got["overdue_rate"] <= 1)).all()
        low, high = stats.wilson_interval(got["n_overdue"], got["n"])
        np.testing.assert_array_equal(got["ci_low"], low)
        np.testing.assert_array_equal(got["ci_high"], high)
        assert (got["ci_low"] <= got["overdue_rate"]).all()
        assert (got["overdue_rate"] <= got["ci_high"]).all()
    act = overdue_rate(tasks, as_of=AS_OF).set_index("activity")
    assert act.loc["方案策划", "overdue_rate"] == 1.0 and act.loc["需求调研", "n"] == 3
    month = overdue_rate(tasks, by="month", as_of=AS_OF)
    assert month["month"].tolist() == ["2024-09", "2024-10"]
    assert month["n"].tolist() == [1, 5]


def test_case_level(tasks):
    got = overdue_rate(tasks, by=None, as_of=AS_OF, level="case")
    # A ends 10-12, latest due 10-14: on time. B open at 10-25, latest due 10-24: late.
    # C has no due date.
    assert got[["n", "n_overdue"]].iloc[0].tolist() == [2, 1]
    by_team = overdue_rate(tasks, by="team", as_of=AS_OF, level="case")
    assert by_team["n"].sum() == 2


def test_errors(tasks):
    with pytest.raises(
        ValueError, match="The 'by' parameter of overdue_rate must be one of"
    ):
        overdue_rate(tasks, by="foo", as_of=AS_OF)
    with pytest.raises(ValueError, match="cannot include 'activity' with level='case'"):
        overdue_rate(tasks, as_of=AS_OF, level="case")
    with pytest.raises(ValueError, match="The 'level' parameter of overdue_rate"):
        overdue_rate(tasks, as_of=AS_OF, level="team")
    with pytest.raises(
        ValueError, match="'as_of' parameter of overdue_rate must be a date"
    ):
        overdue_rate(tasks, as_of="not a date")


def test_progress_deviation():
    acts = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d", "e"],
            "activity": ["x"] * 5,
            "start": pd.to_datetime(
                ["2024-10-08", "2024-10-08", "2024-10-14", "2024-10-14", "2024-10-14"]
            ),
            "end": pd.to_datetime(
                ["2024-10-14", "2024-10-10", "2024-10-16", None, None]
            ),
            "planned_start": pd.to_datetime(["2024-10-08", None, None, None, None]),
            "planned_end": pd.to_datetime(["2024-10-11", None, None, None, None]),
            "due": pd.to_datetime(
                [None, "2024-10-12", "2024-10-19", "2024-10-16", None]
            ),
        }
    )
    got = progress_deviation(acts, as_of="2024-10-17")
    assert got["plan_source"].tolist() == ["planned", "due", "due", "due", "none"]
    # a: planned Oct 8-11 = 3 wd, actual Oct 8-14 = 5 wd (8,9,10,11,12*) -> +2/3
    # b: planned Oct 8 -> Sat 12 (make-up day) = 4, actual 2 -> -0.5
    # c: planned Mon 14 -> Sat 19 = 5, actual Mon 14 -> Wed 16 = 2 -> -0.6
    # d: planned 2, open at Thu 17 with 3 -> +0.5 ; e: no plan
    assert got["planned_days"].iloc[:4].tolist() == [3.0, 4.0, 5.0, 2.0]
    assert got["actual_days"].tolist() == [5.0, 2.0, 2.0, 3.0, 3.0]
    np.testing.assert_allclose(got["deviation"].iloc[:4], [2 / 3, -0.5, -0.6, 0.5])
    assert got["flag"].tolist() == [
        "escalate",
        "escalate",
        "escalate",
        "escalate",
        "no_plan",
    ]
    loose = progress_deviation(
        acts, as_of="2024-10-17", settings=Settings().replace(deviation_escalate=0.65)
    )
    assert loose["flag"].tolist() == ["escalate", "warn", "warn", "warn", "no_plan"]
    # an open task early in its plan is not flagged as "early"
    early = progress_deviation(acts, as_of="2024-10-15")
    assert early["flag"].iloc[3] == "ok" and early["deviation"].iloc[3] == -0.5


def test_kpi_variance():
    kpis = pd.DataFrame(
        {
            "case_id": ["c1"] * 4,
            "metric": ["线索数", "成本", "转化率", "曝光"],
            "target": [5000, 100.0, 0.05, 0],
            "actual": [4200, 95.0, 0.056, 10],
            "period": ["2024-10"] * 4,
            "owner": ["张三"] * 4,
        }
    )
    got = kpi_variance(kpis)
    np.testing.assert_allclose(got["variance"].iloc[:3], [-0.16, -0.05, 0.12])
    assert got["flagged"].tolist() == [True, False, True, False]
    assert got["flag"].tolist() == ["warn", "ok", "warn", "no_target"]
    directed = kpi_variance(
        kpis.assign(direction=["higher", "lower", "越高越好", "higher"])
    )
    assert directed["flag"].tolist() == ["warn", "ok", "ahead", "no_target"]


def _midstream():
    """QA3 M2: two tasks finished late; eight started on 2024-06-24 and due
    2024-07-15, still open at 2024-06-28; one task starting after as_of."""
    n = 10
    t = pd.DataFrame(
        {
            "case_id": [f"K{i}" for i in range(n)],
            "activity": "Execution",
            "start": pd.to_datetime(["2024-05-06"] * 2 + ["2024-06-24"] * 8),
            "end": pd.to_datetime(["2024-05-20"] * 2 + [None] * 8),
            "due": pd.to_datetime(["2024-05-10"] * 2 + ["2024-07-15"] * 8),
        }
    )
    later = pd.DataFrame(
        {
            "case_id": ["K10"],
            "activity": ["Execution"],
            "start": pd.to_datetime(["2024-07-01"]),
            "end": pd.to_datetime([None]),
            "due": pd.to_datetime(["2024-06-01"]),
        }
    )
    return pd.concat([t, later], ignore_index=True)


def test_pending_work_is_left_out_of_the_rate():
    # outcome known at as_of: the 2 finished (both late); the 8 open tasks are
    # not due yet (pending); the row starting after as_of did not exist then.
    # The old rule counted the pending ones as on time: 3/11 (27 %).
    got = overdue_rate(_midstream(), by=None, as_of="2024-06-28").iloc[0]
    assert got[["n", "n_overdue", "n_open", "n_pending"]].tolist() == [2, 2, 0, 8]
    assert got["overdue_rate"] == 1.0
    # Wilson for k = n = 2 by hand: low = n / (n + z^2) = 2 / 5.841459
    assert got["ci_low"] == pytest.approx(2 / 5.841459, rel=1e-6)
    assert got["ci_high"] == 1.0
    rows = overdue(_midstream(), as_of="2024-06-28")
    assert rows["is_pending"].tolist() == [False] * 2 + [True] * 8 + [False]
    assert rows["outcome_known"].tolist() == [True] * 2 + [False] * 9
    assert not rows["is_overdue"].iloc[-1]  # not in the table at as_of
    # once the eight are past due (still open) their outcome is known: overdue
    later = overdue_rate(_midstream(), by=None, as_of="2024-07-20").iloc[0]
    assert later[["n", "n_overdue", "n_open", "n_pending"]].tolist() == [11, 11, 9, 0]


def test_nothing_started_gives_no_rate():
    # QA3 M2: as_of before any start used to give n = 12, rate 0, CI [2.8e-17, ..]
    got = overdue_rate(_midstream(), by=None, as_of="2024-01-01").iloc[0]
    assert got[["n", "n_overdue", "n_pending"]].tolist() == [0, 0, 0]
    assert np.isnan(got["overdue_rate"]) and np.isnan(got["ci_low"])


def test_zero_overdue_low_bound_is_exactly_zero():
    t = pd.DataFrame(
        {
            "case_id": [f"K{i}" for i in range(12)],
            "activity": "Execution",
            "start": pd.Timestamp("2024-05-06"),
            "end": pd.Timestamp("2024-05-08"),
            "due": pd.Timestamp("2024-05-10"),
        }
    )
    got = overdue_rate(t, by=None, as_of="2024-06-28").iloc[0]
    assert got["n"] == 12 and got["n_overdue"] == 0
    assert got["ci_low"] == 0.0  # the closed form gave 2.8e-17
    # Wilson upper bound for 0/12: z^2 / (n + z^2) = 3.841459 / 15.841459
    assert got["ci_high"] == pytest.approx(3.841459 / 15.841459, rel=1e-6)


def test_case_level_pending():
    # case P: one task finished on time, one open and not due yet -> pending;
    # case L: finished after its latest due -> overdue
    t = pd.DataFrame(
        {
            "case_id": ["P", "P", "L"],
            "activity": ["A", "B", "A"],
            "start": pd.to_datetime(["2024-06-03", "2024-06-10", "2024-06-03"]),
            "end": pd.to_datetime(["2024-06-05", None, "2024-06-12"]),
            "due": pd.to_datetime(["2024-06-07", "2024-07-31", "2024-06-07"]),
        }
    )
    got = overdue_rate(t, by=None, as_of="2024-06-28", level="case").iloc[0]
    assert got[["n", "n_overdue", "n_pending"]].tolist() == [1, 1, 1]
    # by group: a group with only pending work keeps its row, with n = 0
    by_act = overdue_rate(t, by="activity", as_of="2024-06-28").set_index("activity")
    assert by_act.loc["B", ["n", "n_pending"]].tolist() == [0, 1]
    assert np.isnan(by_act.loc["B", "overdue_rate"])
