import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.metrics import case_durations, survival_curve


@pytest.fixture
def acts():
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "case_id": list("abcdef"),
            "activity": ["x"] * 6,
            "team": ["T1", "T1", "T1", "T2", "T2", "T2"],
            "start": [start] * 6,
            "end": [start + pd.Timedelta(days=d) for d in (2, 4, 6, 8)]
            + [pd.NaT, pd.NaT],
        }
    )


def test_curve_by_hand(acts):
    got = survival_curve(acts, as_of="2024-01-11", unit="days")
    assert got["group"].unique().tolist() == ["all"]
    assert got["time"].iloc[0] == 0.0 and got["survival"].iloc[0] == 1.0
    # events at 2, 4, 6, 8 among 6; both open ones censored at 10
    np.testing.assert_allclose(got["survival"], [1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 2 / 6])
    assert got["n_censored"].iloc[0] == 2
    km = stats.kaplan_meier([2, 4, 6, 8, 10, 10], [1, 1, 1, 1, 0, 0])
    np.testing.assert_allclose(got["ci_low"].iloc[1:], km.ci_low)


def test_by_group_and_precomputed(acts):
    got = survival_curve(acts, as_of="2024-01-11", unit="days", by="team")
    assert got["group"].unique().tolist() == ["T1", "T2"]
    assert got.loc[got["team"] == "T1", "survival"].iloc[-1] == 0.0
    table = case_durations(acts, as_of="2024-01-11", unit="days")
    same = survival_curve(table, as_of="2024-01-11", unit="days")
    np.testing.assert_allclose(
        same["survival"],
        survival_curve(acts, as_of="2024-01-11", unit="days")["survival"],
    )
    with pytest.raises(ValueError, match="The 'level' parameter of survival_curve"):
        survival_curve(acts, as_of="2024-01-11", level="team")
