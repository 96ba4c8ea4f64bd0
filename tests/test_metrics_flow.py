"""Flow metrics on a six-task fixture worked out by hand.

Calendar: China 2024, National Day Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked.

Case A (team T1, finished)
  A1 需求调研 Mon 09-23 -> Thu 09-26   3 wd (23, 24, 25)
  A2 方案策划 Fri 09-27 -> Wed 10-09   4 wd (27, 29*, 30, Oct 8); 12 calendar days
  A3 跨部门评审 Tue 10-08 -> Sat 10-12 4 wd (8, 9, 10, 11) - starts while A2 runs
  cycle 09-23 -> 10-12: 19 calendar days, 11 wd (23-27: 5, 29, 30, Oct 8-11: 4)
  active = union = 3 + (27, 29, 30, 8, 9, 10, 11) 7 = 10; efficiency 10/11
Case B (team T2, open at as_of = Fri 10-25)
  B1 需求调研 Mon 10-14 -> Wed 10-16   2 wd
  B2 方案策划 Fri 10-18 -> Mon 10-21   1 wd
  B3 需求调研 (rework) Mon 10-21 -> open: age 4 wd (21-24), 4 calendar days
  cycle 10-14 -> as_of 10-25: 11 calendar days, 9 wd; active 2 + 5 = 7
"""

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.metrics import (
    activity_durations,
    aging_wip,
    case_durations,
    cycle_time,
    flow_efficiency,
    stage_summary,
    survival_curve,
    transitions,
    waits,
)

AS_OF = "2024-10-25"


def test_case_durations_by_hand(six):
    before = six.copy()
    got = case_durations(six, as_of=AS_OF)
    pd.testing.assert_frame_equal(six, before)  # input untouched
    assert got["case_id"].tolist() == ["A", "B"]
    assert got["cycle_days"].tolist() == [19.0, 11.0]
    assert got["cycle_working_days"].tolist() == [11.0, 9.0]
    assert got["active_days"].tolist() == [10.0, 7.0]
    np.testing.assert_allclose(got["flow_efficiency"], [10 / 11, 7 / 9])
    assert got["is_open"].tolist() == [False, True]
    assert got["end"].iloc[0] == pd.Timestamp("2024-10-12") and pd.isna(
        got["end"].iloc[1]
    )
    assert got["n_activities"].tolist() == [3, 3] and got["n_open"].tolist() == [0, 1]
    assert got["team"].tolist() == ["T1", "T2"]
    assert got["department"].tolist() == ["市场", "市场"]  # most common


def test_calendar_days_unit(six):
    got = case_durations(six, as_of=AS_OF, unit="days")
    # A: [09-23, 09-26] 3 + [09-27, 10-12] 15 = 18 of 19; B: 2 + 7 = 9 of 11
    assert got["active_days"].tolist() == [18.0, 9.0]


def test_activity_durations(six):
    got = activity_durations(six, as_of=AS_OF)
    assert got["duration_working_days"].tolist() == [3.0, 4.0, 4.0, 2.0, 1.0, 4.0]
    assert got["duration_days"].tolist() == [3.0, 12.0, 4.0, 2.0, 3.0, 4.0]
    assert got["is_open"].tolist() == [False] * 5 + [True]


def test_as_of_reads_the_table_as_it_was(six):
    # on Oct 10, A2 had finished (Oct 9) but A3 (ends Oct 12) was still open
    got = activity_durations(six, as_of="2024-10-10")
    assert got["is_open"].tolist()[:3] == [False, False, True]
    assert got["duration_working_days"].iloc[2] == 2.0  # Oct 8, 9
    assert not got["started"].iloc[3:].any()
    assert got["duration_working_days"].iloc[3:].isna().all()


def test_waits_parallel_and_rework(six):
    got = waits(six)
    assert got[["from_activity", "to_activity"]].values.tolist() == [
        ["需求调研", "方案策划"],
        ["方案策划", "跨部门评审"],
        ["需求调研", "方案策划"],
        ["方案策划", "需求调研"],
    ]
    assert got["wait_working_days"].tolist() == [1.0, 0.0, 2.0, 0.0]
    assert got["wait_days"].tolist() == [1.0, 0.0, 2.0, 0.0]
    assert got["wait_hours"].tolist() == [24.0, 0.0, 48.0, 0.0]
    assert got["overlap"].tolist() == [
        False,
        True,
        False,
        False,
    ]  # A3 started before A2 ended
    assert got["is_handoff"].tolist() == [False, True, False, False]  # 市场 -> 设计


def test_transitions_summarise_waits_per_stage_pair(six):
    # pairs from test_waits_parallel_and_rework: 需求调研→方案策划 waits 24 h
    # (A) and 48 h (B); 方案策划→跨部门评审 overlaps (0 h); B goes back from
    # 方案策划 to 需求调研 with no gap (rework, 0 h, not an overlap)
    got = transitions(six)
    assert got[["from_activity", "to_activity", "n"]].values.tolist() == [
        ["需求调研", "方案策划", 2],
        ["方案策划", "跨部门评审", 1],  # n ties: sorted by names
        ["方案策划", "需求调研", 1],
    ]
    first = got.iloc[0]
    assert first["mean_wait_hours"] == 36.0
    assert first["median_wait_hours"] == 36.0
    assert first["p85_wait_hours"] == pytest.approx(24 + 0.85 * 24)  # linear
    assert first["median_wait_working_days"] == 1.5  # Thu→Fri 1, Wed→Fri 2
    assert first["share_overlap"] == 0.0
    assert got["share_overlap"].tolist()[1:] == [1.0, 0.0]
    assert got["median_wait_hours"].tolist()[1:] == [0.0, 0.0]
    # every pair of waits() is counted once
    assert got["n"].sum() == len(waits(six))


def test_transitions_median_ci_is_the_order_statistic_interval():
    # every edge's CI against stats.quantile_interval on that edge's waits
    from diagnose.samples import generate

    acts = generate(seed=3, n_cases=80).activities
    got = transitions(acts, as_of="2024-12-31").set_index(
        ["from_activity", "to_activity"]
    )
    w = waits(acts, as_of="2024-12-31")
    checked = 0
    for (a, b), grp in w.groupby(["from_activity", "to_activity"]):
        low, high = stats.quantile_interval(grp["wait_working_days"].to_numpy(), 0.5)
        row = got.loc[(a, b)]
        np.testing.assert_allclose(
            [row["median_wait_ci_low"], row["median_wait_ci_high"]],
            [low, high],
            equal_nan=True,
        )
        checked += bool(np.isfinite(low))
    assert checked >= 5  # the frequent edges have an interval
    has = got.dropna(subset=["median_wait_ci_low"])
    assert has["median_wait_ci_low"].le(has["median_wait_working_days"]).all()


def test_transitions_as_of_and_empty(six):
    # on 2024-10-17 B's 方案策划 has not started: only A's two pairs remain
    got = transitions(six, as_of="2024-10-17")
    assert got["n"].tolist() == [1, 1]
    assert got["from_activity"].tolist() == ["方案策划", "需求调研"]
    assert got["median_wait_hours"].tolist() == [0.0, 24.0]
    empty = transitions(six.iloc[[0]])
    assert empty.empty and "median_wait_hours" in empty.columns


def test_waits_predecessor_is_latest_end():
    # P runs long in parallel with Q; R follows Q but P is still running -> overlap
    # S starts after both: its predecessor is P (latest end), not R.
    acts = pd.DataFrame(
        {
            "case_id": ["c"] * 4,
            "activity": ["P", "Q", "R", "S"],
            "start": pd.to_datetime(
                ["2024-03-04", "2024-03-04", "2024-03-06", "2024-03-13"]
            ),
            "end": pd.to_datetime(
                ["2024-03-11", "2024-03-05", "2024-03-07", "2024-03-14"]
            ),
        }
    )
    got = waits(acts)
    # tie on start: file order, so P precedes Q
    assert got["from_activity"].tolist() == ["P", "P", "P"]
    assert got["to_activity"].tolist() == ["Q", "R", "S"]
    assert got["overlap"].tolist() == [True, True, False]
    assert got["wait_working_days"].tolist() == [0.0, 0.0, 2.0]  # Mon 11 -> Wed 13


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined")
def test_cycle_time_censoring_bias():
    # finished cases: 2, 4, 6, 8 days; two slow ones still open at ages 10 and 12
    starts = pd.Timestamp("2024-01-01")
    ends = [2, 4, 6, 8]
    acts = pd.DataFrame(
        {
            "case_id": list("abcdef"),
            "activity": ["x"] * 6,
            "start": [starts] * 4
            + [pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-01")],
            "end": [starts + pd.Timedelta(days=d) for d in ends] + [pd.NaT, pd.NaT],
        }
    )
    got = cycle_time(acts, as_of="2024-01-13", unit="days").iloc[0]
    assert got["n"] == 6 and got["n_open"] == 2 and got["n_finished"] == 4
    assert got["naive_median"] == 5.0 == got["median"]
    # KM: S(2)=5/6, S(4)=4/6, S(6)=3/6 -> median 6; censored at 10 and 12
    assert got["km_median"] == 6.0
    assert got["km_median"] > got["naive_median"]
    assert got["mean"] == 5.0 and got["open_median_age"] == 11.0
    km = stats.kaplan_meier([2, 4, 6, 8, 10, 12], [1, 1, 1, 1, 0, 0])
    np.testing.assert_equal([got["km_ci_low"], got["km_ci_high"]], km.quantile(0.5)[1:])


def test_cycle_time_groups_and_ci(six, rng):
    got = cycle_time(six, by="activity", as_of=AS_OF)
    row = got.set_index("activity").loc["需求调研"]
    assert row["n"] == 3 and row["n_open"] == 1
    assert row["median"] == 2.5  # finished 3 and 2
    # KM over 3, 2, 4+: S(2)=2/3, S(3)=1/3 -> 3
    assert row["km_median"] == 3.0
    by_team = cycle_time(six, by="case", by_group="team", as_of=AS_OF)
    assert by_team["team"].tolist() == ["T1", "T2"]
    assert by_team["median"].iloc[0] == 11.0 and np.isnan(by_team["median"].iloc[1])
    # the CI of the median is stats.quantile_interval of the finished values
    n = 40
    d = rng.integers(1, 30, n)
    acts = pd.DataFrame(
        {
            "case_id": range(n),
            "activity": "x",
            "start": pd.Timestamp("2024-01-01"),
            "end": pd.Timestamp("2024-01-01") + pd.to_timedelta(d, unit="D"),
        }
    )
    got = cycle_time(acts, as_of="2024-03-01", unit="days").iloc[0]
    assert (got["ci_low"], got["ci_high"]) == stats.quantile_interval(d.astype(float))
    assert got["p85"] == np.quantile(d, 0.85) and got["p95"] == np.quantile(d, 0.95)


def test_stage_summary(six):
    got = stage_summary(six, as_of=AS_OF).set_index("activity")
    assert list(got.index) == ["需求调研", "方案策划", "跨部门评审"]
    assert got.loc["需求调研", "n"] == 3 and got.loc["需求调研", "n_open"] == 1
    assert got.loc["方案策划", "median_days"] == 2.5  # 4 and 1
    # 需求调研 3 + 2 + 4 (open) = 9 of 11 + 9 = 20 case working days
    assert got.loc["需求调研", "share_of_cycle"] == pytest.approx(9 / 20)
    assert got.loc["方案策划", "median_wait_before"] == 1.5  # waits 1 and 2
    assert got.loc["方案策划", "n_waits"] == 2
    assert got.loc["跨部门评审", "share_overlap"] == 1.0


def test_flow_efficiency(six):
    got = flow_efficiency(six, as_of=AS_OF)
    assert got["flow_efficiency"].iloc[0] == pytest.approx(17 / 20)  # pooled
    assert got["median"].iloc[0] == pytest.approx((10 / 11 + 7 / 9) / 2)
    by = flow_efficiency(six, as_of=AS_OF, by="team")
    assert by["n"].sum() == 2


def test_aging_wip(six):
    got = aging_wip(six, as_of=AS_OF)
    assert len(got) == 1
    row = got.iloc[0]
    assert (row["case_id"], row["activity"], row["owner"]) == ("B", "需求调研", "王五")
    assert row["age_working_days"] == 4.0
    # history of 需求调研: 3 and 2 -> age 4 beats both
    assert row["percentile"] == 1.0 and row["exceeds_p85"] and row["exceeds_p95"]
    got = aging_wip(six, as_of="2024-10-22")  # age 1: below both
    assert got["percentile"].iloc[0] == 0.0 and not got["exceeds_p85"].iloc[0]


def test_argument_errors(six):
    with pytest.raises(
        ValueError, match="The 'unit' parameter of cycle_time must be one of"
    ):
        cycle_time(six, as_of=AS_OF, unit="hours")
    with pytest.raises(
        ValueError, match="'as_of' parameter of case_durations is required"
    ):
        case_durations(six, as_of=None)
    with pytest.raises(ValueError, match="The 'by' parameter of cycle_time"):
        cycle_time(six, by="nope", as_of=AS_OF)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['start'\]"):
        waits(six.drop(columns="start"))


def test_against_plain_groupby_on_public_log(public_data):
    load = pytest.importorskip("diagnose.io.load")
    path = public_data / "interval_event_log.csv.gz"
    if not path.exists():
        pytest.skip("interval_event_log not present")
    acts = load.load_activities(path).data
    as_of = acts["end"].max()
    got = case_durations(acts, as_of=as_of, unit="days").set_index("case_id")
    # PM4Py-style: case duration = last timestamp - first timestamp, plain pandas
    g = acts.groupby("case_id")
    ref = ((g["end"].max() - g["start"].min()).dt.total_seconds() / 86400).rename("ref")
    closed = got.loc[~got["is_open"]]
    np.testing.assert_allclose(closed["cycle_days"], ref.loc[closed.index], rtol=1e-12)
    assert (got["active_days"] <= got["cycle_days"] + 1e-9).all()


def _km_by_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Kaplan–Meier median and CI of ``v`` (observed: ``obs``) per group ``g``,
    through the metrics' one-pass code (NaN values left out)."""
    from diagnose.metrics._common import group_codes, km_median_by_code

    data = frame.dropna(subset=["v"])
    codes, keys = group_codes(data, ["g"])
    est = km_median_by_code(data["v"], data["obs"], codes, len(keys))
    return pd.DataFrame(est, index=keys["g"], columns=["median", "low", "high"])


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined")
def test_grouped_summaries_match_stats_module(rng):
    # vectorised per-group summaries must equal the diagnose.stats functions
    from diagnose.metrics._common import summarise

    n = 400
    frame = pd.DataFrame(
        {
            "g": rng.integers(0, 25, n),
            "v": rng.integers(0, 15, n).astype(float),  # many ties
            "obs": rng.random(n) < 0.7,
        }
    )
    got = summarise(frame, "v", by=["g"]).set_index("g")
    km = _km_by_group(frame)
    for g, sub in frame.groupby("g"):
        x = sub["v"].to_numpy()
        assert got.loc[g, "n"] == x.size
        assert got.loc[g, "median"] == pytest.approx(np.median(x))
        assert got.loc[g, "p85"] == pytest.approx(np.quantile(x, 0.85))
        np.testing.assert_equal(
            got.loc[g, ["ci_low", "ci_high"]].to_numpy(dtype=float),
            stats.quantile_interval(x),
        )
        ref = stats.kaplan_meier(x, sub["obs"].to_numpy()).quantile(0.5)
        np.testing.assert_equal(km.loc[g].to_numpy(dtype=float), np.array(ref))


@pytest.mark.filterwarnings("ignore:The confidence interval is undefined")
@pytest.mark.parametrize(
    "n, n_groups, ties",
    [
        (6000, 4, False),  # few large groups, nearly every time distinct
        (12000, 2500, True),  # more than 1024 groups: the pandas cumulative path
        (3000, 1500, False),  # many groups of one or two values
    ],
)
def test_grouped_kaplan_meier_equals_scipy_group_by_group(rng, n, n_groups, ties):
    # the one-pass KM of the metrics against diagnose.stats.kaplan_meier
    # (scipy's ecdf + log-log band), bit for bit, censoring and NaN included
    v = rng.integers(0, 15, n).astype(float) if ties else rng.gamma(1.5, 4, n).round(3)
    v[rng.random(n) < 0.02] = np.nan
    frame = pd.DataFrame(
        {"g": rng.integers(0, n_groups, n), "v": v, "obs": rng.random(n) < 0.6}
    )
    km = _km_by_group(frame)
    seen = frame.dropna(subset=["v"])
    assert sorted(km.index) == sorted(seen["g"].unique())
    estimable = 0
    for g, sub in seen.groupby("g"):
        ref = stats.kaplan_meier(sub["v"].to_numpy(), sub["obs"].to_numpy())
        ref = np.array(ref.quantile(0.5))
        np.testing.assert_array_equal(km.loc[g].to_numpy(dtype=float), ref)
        estimable += int(np.isfinite(ref[0]))
    assert estimable >= 0.3 * len(km)  # the comparison is not all-NaN


def test_activity_durations_replaces_a_stale_result_column(six):
    stale = six.assign(is_open=True)
    got = activity_durations(stale, as_of="2024-10-25")
    assert got.columns.tolist().count("is_open") == 1
    assert got["is_open"].tolist() == [False] * 5 + [True]


def test_case_waiting_for_its_next_stage_is_open_with_final_stages(six):
    # A: 需求调研, 方案策划, 跨部门评审 all finished (last end 2024-10-12);
    # with 跨部门评审 as the final stage A is finished, with 效果复盘 it waits
    ends = case_durations(six, as_of=AS_OF, final_stages=["跨部门评审"])
    a = ends.set_index("case_id").loc["A"]
    assert not a["is_open"] and not a["waiting_next_stage"]
    waits_ = case_durations(six, as_of=AS_OF, final_stages=[" 效果复盘 "])
    a = waits_.set_index("case_id").loc["A"]
    assert a["is_open"] and a["waiting_next_stage"] and pd.isna(a["end"])
    assert a["cycle_days"] == 32.0  # 2024-09-23 -> as_of 2024-10-25, censored
    b = waits_.set_index("case_id").loc["B"]
    assert b["is_open"] and not b["waiting_next_stage"]  # B has an open row
    # without final stages nothing waits (the default, as before)
    plain = case_durations(six, as_of=AS_OF)
    assert not plain["waiting_next_stage"].any()
    assert plain["is_open"].tolist() == [False, True]
    # Kaplan–Meier sees A as censored: no finished case left, median not reached
    ct = cycle_time(six, as_of=AS_OF, final_stages=["效果复盘"]).iloc[0]
    assert ct["n_open"] == 2 and ct["n_finished"] == 0 and pd.isna(ct["km_median"])
    with pytest.raises(ValueError, match="'final_stages' parameter of case_durations"):
        case_durations(six, as_of=AS_OF, final_stages="效果复盘")


def test_stage_summary_counts_cases_waiting_after_their_last_stage(six):
    # A finished 跨部门评审 on Sat Oct 12 (a make-up working day) and waits for
    # 效果复盘: at as_of (Oct 25) it has waited Oct 12, Oct 14-18, Oct 21-24 =
    # 10 working days. B has an open row: it is not waiting.
    got = stage_summary(six, as_of=AS_OF, final_stages=["效果复盘"])
    got = got.set_index("activity")
    assert got["n_waiting_after"].to_dict() == {
        "需求调研": 0,
        "方案策划": 0,
        "跨部门评审": 1,
    }
    assert got.loc["跨部门评审", "median_waiting_after"] == 10.0
    assert got["median_waiting_after"].isna().sum() == 2
    # A's cycle now runs to as_of (21 working days, not 11): the shares shrink
    plain = stage_summary(six, as_of=AS_OF).set_index("activity")
    assert plain["n_waiting_after"].eq(0).all()
    assert plain["median_waiting_after"].isna().all()
    ratio = plain["share_of_cycle"] / got["share_of_cycle"]
    np.testing.assert_allclose(ratio, (21 + 9) / (11 + 9))


def test_flow_efficiency_and_survival_count_the_wait_for_the_next_stage(six):
    # Working days (China 2024: Oct 1-7 off, Sun Sep 29 and Sat Oct 12 worked).
    # A is active 10 days (Sep 23-25; Sep 27-Oct 11 with the overlap once).
    # Finished at its last end (Oct 12) it spans 11 working days; waiting for
    # 效果复盘 it runs to as_of (Oct 25): 21. B (open) is active 7 of 9.
    fe = flow_efficiency(six, as_of=AS_OF, final_stages=["效果复盘"]).iloc[0]
    assert fe["flow_efficiency"] == pytest.approx((10 + 7) / (21 + 9))
    assert fe["n_open"] == 2
    assert fe["median"] == pytest.approx((10 / 21 + 7 / 9) / 2)
    plain = flow_efficiency(six, as_of=AS_OF).iloc[0]
    assert plain["flow_efficiency"] == pytest.approx((10 + 7) / (11 + 9))
    assert plain["n_open"] == 1
    # Kaplan–Meier: A finished after 11 working days, or censored at 21
    km = survival_curve(six, as_of=AS_OF).iloc[-1]
    assert (km["n_events"], km["n_censored"]) == (1, 1) and km["time"] == 11.0
    km = survival_curve(six, as_of=AS_OF, final_stages=["效果复盘"]).iloc[-1]
    assert (km["n_events"], km["n_censored"]) == (0, 2)


def test_case_endings_counts_last_finished_stage_of_cases_without_open_work():
    from diagnose.metrics import case_endings

    t = pd.to_datetime
    acts = pd.DataFrame(
        {
            "case_id": ["A", "A", "B", "B", "C", "C", "D", "E", "E", "F", "F"],
            "activity": ["a", "b", "a", "b", "a", "b", "a", "b", "a", "a", "c"],
            "start": t(["2024-01-01"] * 11),
            "end": t(
                [
                    "2024-01-02",
                    "2024-01-05",  # A ends with b
                    "2024-01-02",
                    "2024-01-04",  # B ends with b
                    "2024-01-02",
                    None,  # C: b open -> not counted
                    "2024-01-03",  # D ends with a
                    "2024-01-02",
                    "2024-01-06",  # E: a ends last (rows out of order)
                    "2024-01-03",
                    "2024-01-03",  # F: tie on end -> the later row, c
                ]
            ),
        }
    )
    got = case_endings(acts, as_of="2024-02-01")
    assert got["activity"].tolist() == ["a", "b", "c"]
    assert got["n_cases"].tolist() == [2, 2, 1]  # a: D, E; b: A, B; c: F
    np.testing.assert_allclose(got["share"], [0.4, 0.4, 0.2])
    # as of Jan 5 A's b (ends Jan 5 00:00) is done, E's a (Jan 6) is still open
    early = case_endings(acts, as_of="2024-01-05").set_index("activity")
    assert early["n_cases"].to_dict() == {"b": 2, "a": 1, "c": 1}


def test_wait_after_a_stage_counts_running_waits_as_censored():
    # March 2024 (no holidays in China). Three cases waited 1, 2 and 3 working
    # days after A before B started; two cases finished A and still wait at
    # as_of (Fri Mar 15 09:00): 4 and 5 working days so far. Finished waits
    # alone give a median of 2; Kaplan–Meier with the two running waits
    # censored: S(1) = 4/5, S(2) = 4/5 * 3/4 = 0.6, S(3) = 0.6 * 2/3 = 0.4,
    # so the median wait after A is 3 working days.
    rows = []
    for case, (a_end, b_start) in {
        "c1": ("2024-03-04 09:00", "2024-03-05 09:00"),
        "c2": ("2024-03-04 09:00", "2024-03-06 09:00"),
        "c3": ("2024-03-04 09:00", "2024-03-07 09:00"),
        "c4": ("2024-03-11 09:00", None),
        "c5": ("2024-03-08 09:00", None),
    }.items():
        rows.append((case, "A", pd.Timestamp(a_end) - pd.Timedelta(hours=2), a_end))
        if b_start:
            end = pd.Timestamp(b_start) + pd.Timedelta(hours=1)
            rows.append((case, "B", b_start, end))
    table = pd.DataFrame(rows, columns=["case_id", "activity", "start", "end"])
    table[["start", "end"]] = table[["start", "end"]].apply(pd.to_datetime)
    as_of = "2024-03-15 09:00"
    got = stage_summary(table, as_of=as_of, final_stages=["B"]).set_index("activity")
    a = got.loc["A"]
    assert a["n_waiting_after"] == 2 and a["median_waiting_after"] == 4.5
    assert a["median_wait_after"] == 2.0
    assert a["km_median_wait_after"] == 3.0
    km = stats.kaplan_meier([1, 2, 3, 4, 5], [True, True, True, False, False])
    median, low, high = km.quantile(0.5)
    assert median == 3.0
    np.testing.assert_equal(
        [a["km_wait_after_ci_low"], a["km_wait_after_ci_high"]], [low, high]
    )
    # nothing follows B: no wait after it
    assert np.isnan(got.loc["B", ["median_wait_after", "km_median_wait_after"]]).all()
    # without final stages c4 and c5 count as finished: no running wait, and
    # the Kaplan–Meier median of 1, 2, 3 is the middle one
    plain = stage_summary(table, as_of=as_of).set_index("activity").loc["A"]
    assert plain["n_waiting_after"] == 0
    assert plain["median_wait_after"] == plain["km_median_wait_after"] == 2.0


def test_end_before_start_warns_and_is_missing():
    # QA3 L1: a hand-built table (not through the loader) with end < start.
    # The bad row's duration was -1 working day and its early end made a
    # phantom 2-working-day wait before B that bottlenecks() ranked first.
    import warnings as _w

    from diagnose import DataQualityWarning
    from diagnose.metrics import activity_durations, waits

    t = pd.DataFrame(
        {
            "case_id": ["X", "X", "Y", "Y"],
            "activity": ["A", "B", "A", "B"],
            "start": pd.to_datetime(
                ["2024-11-05", "2024-11-06", "2024-11-04", "2024-11-05"]
            ),
            "end": pd.to_datetime(
                ["2024-11-04", "2024-11-07", "2024-11-05", "2024-11-06"]
            ),
        }
    )
    with pytest.warns(
        DataQualityWarning, match=r"1 row\(s\) end before they start"
    ) as caught:
        d = activity_durations(t, as_of="2024-11-15")
    # it points at the caller's line (this file), not inside diagnose
    assert {w.filename for w in caught} == {__file__}
    assert np.isnan(d["duration_working_days"].iloc[0])
    assert np.isnan(d["duration_days"].iloc[0])
    assert d["duration_working_days"].iloc[1:].tolist() == [1.0, 1.0, 1.0]
    with _w.catch_warnings():
        _w.simplefilter("ignore", DataQualityWarning)
        w = waits(t, as_of="2024-11-15")
    # only Y's A -> B (0 wait) is left; X's B has no usable predecessor
    assert w["case_id"].tolist() == ["Y"]
    assert w["wait_working_days"].tolist() == [0.0]
