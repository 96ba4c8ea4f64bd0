"""Headline task-level rates: known-outcome denominators, case-clustered CIs."""

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.metrics.benchmarks import headline_metrics

AS_OF = "2024-06-28"


def _tasks():
    """Case A: both tasks finished late; case B: both finished on time; case
    C: one task open and not due until July (pending)."""
    return pd.DataFrame(
        {
            "case_id": ["A", "A", "B", "B", "C"],
            "activity": ["需求调研", "方案策划"] * 2 + ["需求调研"],
            "start": pd.to_datetime(
                ["2024-06-03", "2024-06-05", "2024-06-03", "2024-06-05", "2024-06-26"]
            ),
            "end": pd.to_datetime(
                ["2024-06-05", "2024-06-12", "2024-06-04", "2024-06-06", None]
            ),
            "due": pd.to_datetime(
                ["2024-06-04", "2024-06-07", "2024-06-04", "2024-06-07", "2024-07-31"]
            ),
            "department": ["市场"] * 5,
            "team": ["T1"] * 5,
        }
    )


def _wilson_by_hand(k, n, z=1.959963984540054):
    centre = (k / n + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(k / n * (1 - k / n) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def test_overdue_rate_is_clustered_by_case_and_leaves_pending_out():
    h = headline_metrics(_tasks(), as_of=AS_OF).set_index("metric")
    od = h.loc["overdue_rate"]
    # outcome known: A's 2 (late) and B's 2 (on time); C's open task is pending
    # (the old rule: 2/5 with a plain Wilson interval)
    assert od["n"] == 4 and od["value"] == 0.5
    # by case: y = (2, 0), m = (2, 2), p = 1/2, V = ((2-1)^2 + (0-1)^2) / 4^2
    # = 1/8, n_eff = p(1-p)/V = 2: the Wilson interval of 1 out of 2, wider
    # than the plain 2 out of 4 because the tasks of a case are late together
    low, high = _wilson_by_hand(1, 2)
    assert od["ci_low"] == pytest.approx(low, rel=1e-9)
    assert od["ci_high"] == pytest.approx(high, rel=1e-9)
    assert (low, high) == pytest.approx((0.0945312, 0.9054688), abs=1e-6)
    plain = stats.wilson_interval(2, 4)
    assert od["ci_high"] - od["ci_low"] > plain[1] - plain[0]
    assert "clustered by case" in od["method"] and "pending" in od["method"]
    assert "clustered by case" in h.loc["sla_breach_rate", "method"]
    assert "clustered by case" in h.loc["handoff_late_rate", "method"]


def test_sla_headline_leaves_pending_out():
    # limits 需求调研 3, 方案策划 5 working days: every finished row is within;
    # C's row is open one working day (06-26 -> 06-28): pending, not counted
    h = headline_metrics(_tasks(), as_of=AS_OF).set_index("metric")
    sla = h.loc["sla_breach_rate"]
    assert sla["n"] == 4 and sla["value"] == 0.0
    assert sla["ci_low"] == 0.0  # exactly, not 2.8e-17
    # nothing breached: V = 0, n_eff = the number of cases (2): 0 out of 2
    assert sla["ci_high"] == pytest.approx(_wilson_by_hand(0, 2)[1], rel=1e-9)
