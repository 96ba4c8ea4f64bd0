import numpy as np
import pandas as pd
import pytest

from diagnose.metrics import throughput, wip


@pytest.fixture
def acts():
    return pd.DataFrame(
        {
            "case_id": ["A", "A", "B", "B", "C"],
            "activity": ["s1", "s2", "s1", "s2", "s1"],
            "start": pd.to_datetime(
                ["2024-10-07", "2024-10-09", "2024-10-08", "2024-10-15", "2024-10-16"]
            ),
            "end": pd.to_datetime(
                ["2024-10-09", "2024-10-10", "2024-10-15", "2024-10-22", None]
            ),
        }
    )


def test_throughput_weeks(acts):
    got = throughput(acts, as_of="2024-10-23")
    assert got["period"].tolist() == list(
        pd.to_datetime(["2024-10-07", "2024-10-14", "2024-10-21"])
    )
    # case A ends Thu 10-10 (week 1); B ends Tue 10-22 (week 3); C open
    assert got["n_finished"].tolist() == [1, 0, 1]
    rows = throughput(acts, as_of="2024-10-23", level="activity")
    assert rows["n_finished"].tolist() == [2, 1, 1]
    # read as of Mon 10-21: B's last stage has not finished yet
    assert throughput(acts, as_of="2024-10-21")["n_finished"].tolist() == [1, 0, 0]
    by = throughput(acts, as_of="2024-10-23", level="activity", by="activity")
    assert by["n_finished"].sum() == 4


def test_wip_cumulative_flow(acts):
    got = wip(acts, as_of="2024-10-23", freq="W")
    # end of week 1 (Sun 10-13): 3 started, 2 done; end of week 2: 5 / 3;
    # at as_of: 5 / 4
    assert got["arrived"].tolist() == [3, 5, 5]
    assert got["departed"].tolist() == [2, 3, 4]
    assert got["wip"].tolist() == [1, 2, 1]
    assert got["date"].iloc[-1] == pd.Timestamp("2024-10-23")
    per = wip(acts, as_of="2024-10-23", freq="W", by="activity")
    totals = per.groupby("date")[["arrived", "departed", "wip"]].sum().reset_index()
    pd.testing.assert_frame_equal(
        totals, got[["date", "arrived", "departed", "wip"]], check_dtype=False
    )
    cases = wip(acts, as_of="2024-10-23", freq="D", level="case")
    assert cases["wip"].iloc[-1] == 1  # only C open
    with pytest.raises(ValueError, match="The 'freq' parameter of wip"):
        wip(acts, as_of="2024-10-23", freq="fortnight")


def test_cases_waiting_for_their_next_stage_are_not_finished(acts):
    # with s3 as the stage that ends a case, A and B (done with s1, s2) wait
    # for s3: no case has finished, and all three are in progress at as_of
    got = throughput(acts, as_of="2024-10-23", final_stages=["s3"])
    assert got["n_finished"].tolist() == [0, 0, 0]
    cases = wip(acts, as_of="2024-10-23", level="case", final_stages=["S3"])
    assert cases["wip"].iloc[-1] == 3 and cases["departed"].iloc[-1] == 0
    # with s2 final, as without final stages
    same = throughput(acts, as_of="2024-10-23", final_stages=["s2"])
    assert same["n_finished"].tolist() == [1, 0, 1]


def test_counting_by_day_equals_a_sorted_search():
    # the per-day counting path of wip against searchsorted on sorted values:
    # daily edges (last instant of a day) and arbitrary edges, midnights,
    # edges before the first value, values after the last edge
    from diagnose.metrics.throughput import _count_up_to

    rng = np.random.default_rng(3)
    day = 86_400 * 10**9
    for trial in range(300):
        base = np.datetime64("2023-01-01", "ns").astype(np.int64)
        base += int(rng.integers(0, 400)) * day
        n = int(rng.integers(0, 200))
        v = base + rng.integers(0, 60 * day, n)
        if trial % 5 == 0 and n:
            v[: n // 3] = (v[: n // 3] // day) * day  # midnights
        m = int(rng.integers(1, 40))
        if trial % 3:
            edges = np.unique(base // day + rng.integers(-5, 65, m).cumsum() // 3)
            edges = edges * day + day - 1
        else:
            edges = np.unique(base + rng.integers(-5 * day, 65 * day, m))
        last = max(int(v.max()) if n else 0, int(edges[-1])) + int(rng.integers(0, day))
        edges = np.append(edges[edges < last], last)
        if trial % 7 == 0 and edges.size > 1:
            edges = edges[:-1]
        want = np.searchsorted(np.sort(v), edges, side="right")
        got = _count_up_to(v.astype("datetime64[ns]"), edges.astype("datetime64[ns]"))
        np.testing.assert_array_equal(got, want)
