"""The vectorised fast paths against plain reference computations.

Issue 7 replaced groupby/regex/per-row work in the hot paths with sorted-segment
NumPy. Each test here recomputes the same quantity the slow, obvious way (plain
Python loops over cases, day-by-day working-day counts, the old pandas code)
on a small table that has open work, rework, parallel work, a holiday with
make-up working days (National Day 2024: Oct 1-7 off, Sun Sep 29 and Sat Oct 12
worked) and missing labels, and requires the same answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose import stats
from diagnose.bottlenecks import _aggregate, _items, bottlenecks, location_items
from diagnose.config import Settings
from diagnose.diagnosis import diagnose
from diagnose.metrics import _common
from diagnose.metrics._common import reuse, shared_work, summarise
from diagnose.metrics.flow import (
    _mode_by_code,
    _mode_by_code_reference,
    _union_length,
    activity_durations,
    case_durations,
    stage_summary,
    waits,
)
from diagnose.metrics.rework import (
    _rework_rows_reference,
    handoffs,
    rework,
    rework_rows,
)
from diagnose.metrics.sla import handoff_response, sla_breaches, sla_summary
from diagnose.workdays import WorkCalendar

AS_OF = pd.Timestamp("2024-10-16 12:00")


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar("CN", years=[2024])


def _table() -> pd.DataFrame:
    """Eight cases around National Day 2024.

    c1: straight through, crossing the holiday and both make-up days.
    c2: rework (back from 执行 to 策划) and a repeat of 策划.
    c3: parallel work (two stages overlap, one inside the other).
    c4: still open at as_of (end NaT) and one row ending after as_of.
    c5: a row not started by as_of (start after as_of) and one with no start.
    c6: missing department / owner labels, ties for the most common team.
    c7: two rows with the same start (file order decides), touching intervals.
    c8: same time of day on working days (exact whole working days).
    """
    rows = [
        # case, activity, start, end, department, owner, team, priority
        (
            "c1",
            "需求调研",
            "2024-09-27 09:00",
            "2024-09-29 18:00",
            "M",
            "ann",
            "A",
            "P1",
        ),
        (
            "c1",
            "方案策划",
            "2024-09-30 09:00",
            "2024-10-08 10:00",
            "M",
            "bob",
            "A",
            "P1",
        ),
        (
            "c1",
            "跨部门评审",
            "2024-10-09 09:00",
            "2024-10-12 12:00",
            "P",
            "cat",
            "A",
            "P0",
        ),
        (
            "c2",
            "需求调研",
            "2024-09-20 09:00",
            "2024-09-23 09:00",
            "M",
            "ann",
            "B",
            "P2",
        ),
        (
            "c2",
            "方案策划",
            "2024-09-23 10:00",
            "2024-09-25 10:00",
            "M",
            "bob",
            "B",
            "P2",
        ),
        (
            "c2",
            "活动执行",
            "2024-09-26 09:00",
            "2024-09-27 09:00",
            "D",
            "dan",
            "B",
            "P2",
        ),
        (
            "c2",
            "方案策划",
            "2024-09-29 09:00",
            "2024-10-09 09:00",
            "M",
            "bob",
            "B",
            "P0",
        ),
        (
            "c2",
            "活动执行",
            "2024-10-10 09:00",
            "2024-10-11 09:00",
            "D",
            "dan",
            "B",
            "P2",
        ),
        (
            "c3",
            "需求调研",
            "2024-09-02 09:00",
            "2024-09-10 09:00",
            "M",
            "ann",
            "A",
            "P1",
        ),
        (
            "c3",
            "方案策划",
            "2024-09-03 09:00",
            "2024-09-05 09:00",
            "P",
            "bob",
            "A",
            "P1",
        ),
        (
            "c3",
            "跨部门评审",
            "2024-09-09 09:00",
            "2024-09-12 09:00",
            "D",
            "cat",
            "A",
            "P1",
        ),
        (
            "c4",
            "需求调研",
            "2024-10-08 09:00",
            "2024-10-09 17:00",
            "M",
            "ann",
            "B",
            "P1",
        ),
        ("c4", "方案策划", "2024-10-10 09:00", None, "P", "bob", "B", "P1"),
        (
            "c4",
            "跨部门评审",
            "2024-10-11 09:00",
            "2024-10-20 09:00",
            "D",
            "cat",
            "B",
            "P0",
        ),
        (
            "c5",
            "需求调研",
            "2024-09-16 09:00",
            "2024-09-18 09:00",
            "M",
            "ann",
            "A",
            "P1",
        ),
        ("c5", "方案策划", "2024-10-20 09:00", None, "M", "bob", "A", "P1"),
        ("c5", "跨部门评审", None, None, "P", "cat", "A", "P1"),
        (
            "c6",
            "需求调研",
            "2024-08-01 09:00",
            "2024-08-02 09:00",
            None,
            None,
            "A",
            None,
        ),
        (
            "c6",
            "方案策划",
            "2024-08-02 10:00",
            "2024-08-05 09:00",
            "P",
            "bob",
            "B",
            "P1",
        ),
        (
            "c6",
            "活动执行",
            "2024-08-06 09:00",
            "2024-08-07 09:00",
            None,
            "dan",
            None,
            "P1",
        ),
        (
            "c7",
            "需求调研",
            "2024-07-01 09:00",
            "2024-07-02 09:00",
            "M",
            "ann",
            "A",
            "P1",
        ),
        (
            "c7",
            "方案策划",
            "2024-07-02 09:00",
            "2024-07-03 09:00",
            "P",
            "bob",
            "A",
            "P1",
        ),
        (
            "c7",
            "跨部门评审",
            "2024-07-02 09:00",
            "2024-07-04 09:00",
            "D",
            "cat",
            "A",
            "P1",
        ),
        (
            "c8",
            "需求调研",
            "2024-09-26 10:00",
            "2024-10-09 10:00",
            "M",
            "ann",
            "A",
            "P1",
        ),
        (
            "c8",
            "方案策划",
            "2024-10-10 10:00",
            "2024-10-11 10:00",
            "P",
            "bob",
            "A",
            "P1",
        ),
    ]
    cols = ["case_id", "activity", "start", "end", "department", "owner", "team"]
    df = pd.DataFrame(rows, columns=[*cols, "priority"])
    for c in ("start", "end"):
        df[c] = pd.to_datetime(df[c])
    df["due"] = df["end"] - pd.Timedelta(hours=12)
    df["planned_start"] = df["start"]
    df["planned_end"] = df["start"] + pd.Timedelta(days=2)
    return df.sample(frac=1.0, random_state=3)  # file order is not case order


@pytest.fixture
def table():
    return _table()


def _working_days_reference(cal, s, e) -> float:
    """Day-by-day count: each working day adds the share of its 24 h covered."""
    if pd.isna(s) or pd.isna(e):
        return np.nan
    sign = 1.0
    if e < s:
        s, e, sign = e, s, -1.0
    total = 0.0
    day = s.normalize()
    while day < e:
        nxt = day + pd.Timedelta(days=1)
        lo, hi = max(s, day), min(e, nxt)
        if hi > lo and cal.is_working_day([day])[0]:
            total += (hi - lo) / pd.Timedelta(days=1)
        day = nxt
    return sign * total


def test_working_days_match_a_day_by_day_count(cal, table):
    s, e = table["start"], table["end"].fillna(AS_OF)
    got = cal.working_days_between(s, e)
    want = [_working_days_reference(cal, a, b) for a, b in zip(s, e)]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    # the make-up days count, the holiday does not
    sun_29 = cal.working_days_between(
        pd.Series([pd.Timestamp("2024-09-29")]), pd.Series([pd.Timestamp("2024-09-30")])
    )
    golden_week = cal.working_days_between(
        pd.Series([pd.Timestamp("2024-10-01")]), pd.Series([pd.Timestamp("2024-10-08")])
    )
    assert sun_29.tolist() == [1.0] and golden_week.tolist() == [0.0]


def test_working_days_are_exact_and_independent_of_calendar_history():
    # same time of day on working days: exactly whole days, whatever range the
    # calendar was grown to before (the old float clock rounded differently)
    s = pd.Series(pd.to_datetime(["2024-09-26 10:00:00", "2024-10-10 13:17:05"]))
    e = pd.Series(pd.to_datetime(["2024-10-09 10:00:00", "2024-10-11 13:17:05"]))
    fresh = WorkCalendar("CN", years=[2024])
    grown = WorkCalendar("CN", years=[2024])
    grown.add_working_days(pd.Series([pd.Timestamp("2024-06-01")]), 900)
    grown.working_days_between(pd.Series([pd.Timestamp("1999-03-01")]), s[:1])
    a, b = fresh.working_days_between(s, e), grown.working_days_between(s, e)
    # Thu 26 Sep 10:00 -> Wed 9 Oct 10:00: Sep 26 (14 h) 27, 29 (make-up
    # Sunday), 30, Oct 8, Oct 9 (10 h) = 5; Oct 1-7 off, Sat Sep 28 off
    assert a.tolist() == b.tolist() == [5.0, 1.0]


def test_working_days_between_a_start_that_grows_the_calendar():
    # the start lies before anything the calendar has seen: the day table
    # grows (its origin moves) while the interval is measured; both ends must
    # still be read on the same clock
    fresh = WorkCalendar("CN")
    got = fresh.working_days_between(
        pd.Series([pd.Timestamp("2023-12-29")]), pd.Series([pd.Timestamp("2024-01-03")])
    )
    assert got.tolist() == [2.0]  # Fri Dec 29, (Jan 1 holiday), Tue Jan 2


def _union_reference(intervals) -> float:
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(intervals):
        e = max(e, s)
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total


@pytest.mark.parametrize("kind", ["float", "int"])
def test_union_length_matches_an_interval_merge(rng, kind):
    n, groups = 400, 37
    codes = rng.integers(0, groups, n)
    s = rng.integers(0, 1000, n)
    e = s + rng.integers(-5, 60, n)  # some reversed: counted as empty
    if kind == "float":
        s, e = s / 7.0, e / 7.0
        s[::17] = np.nan  # skipped
    got = _union_length(codes, s, e, groups + 2)  # two groups without rows
    want = np.zeros(groups + 2)
    for g in range(groups):
        m = (codes == g) & ~np.isnan(np.asarray(s, float))
        want[g] = _union_reference(list(zip(s[m], e[m])))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)


def test_case_durations_match_per_case_loops(cal, table):
    got = case_durations(
        table, as_of=AS_OF, calendar=cal, attributes=("team", "department")
    )
    assert got["case_id"].tolist() == [f"c{i}" for i in range(1, 9)]
    for r in got.itertuples(index=False):
        rows = table[table["case_id"] == r.case_id]
        started = rows[rows["start"].notna() & (rows["start"] <= AS_OF)]
        end_at = rows["end"].where(rows["end"] <= AS_OF)  # after as_of: open
        is_open = bool(end_at.isna().any())
        start = started["start"].min()
        end_eff = AS_OF if is_open else end_at.max()
        assert r.is_open == is_open and r.n_open == int(end_at.isna().sum())
        assert r.start == start and (pd.isna(r.end) if is_open else r.end == end_eff)
        want_wd = _working_days_reference(cal, start, end_eff)
        assert r.cycle_working_days == pytest.approx(want_wd, abs=1e-12)
        ends = started["end"].where(started["end"] <= AS_OF).fillna(AS_OF)
        w0 = cal.working_days_between(
            pd.Series([pd.Timestamp("2024-01-01")] * len(started)), started["start"]
        )
        w1 = cal.working_days_between(
            pd.Series([pd.Timestamp("2024-01-01")] * len(started)), ends
        )
        assert r.active_days == pytest.approx(
            _union_reference(list(zip(w0, w1))), abs=1e-12
        )
        for col in ("team", "department"):
            counts = rows[col].dropna().value_counts()
            if counts.empty:
                assert pd.isna(getattr(r, col))
            else:  # most common; ties: the value sorting first
                best = sorted(counts[counts == counts.max()].index)[0]
                assert getattr(r, col) == best
    c3 = got.set_index("case_id").loc["c3"]  # parallel work counted once
    assert c3["active_days"] == pytest.approx(c3["cycle_working_days"])


def test_mode_by_code_matches_the_groupby_version(rng):
    codes = rng.integers(0, 50, 3000)
    values = pd.Series(rng.choice(["x", "y", "z", None], 3000), dtype=object)
    got = _mode_by_code(codes, values, 52)
    want = _mode_by_code_reference(codes, values, 52)
    assert [None if pd.isna(v) else v for v in got] == [
        None if pd.isna(v) else v for v in want
    ]


def _waits_reference(table, as_of):
    """The parallel-work rule, one case at a time in plain Python."""
    out = []
    started = table[table["start"].notna() & (table["start"] <= as_of)]
    for _, rows in started.groupby("case_id", sort=True):
        rows = rows.sort_values("start", kind="stable")
        seen = []  # (end_key, position, label)
        for pos, (label, r) in enumerate(rows.iterrows()):
            if seen:
                best = max(seen, key=lambda t: (t[0], t[1]))  # latest end, later
                out.append((best[2], label))
            end = r["end"] if pd.notna(r["end"]) and r["end"] <= as_of else None
            seen.append((np.inf if end is None else end.value, pos, label))
    return out


def test_waits_pairs_match_the_rule_case_by_case(cal, table):
    got = waits(table, calendar=cal, as_of=AS_OF)
    assert list(zip(got["from_index"], got["to_index"])) == _waits_reference(
        table, AS_OF
    )
    for r in got.itertuples(index=False):
        a, b = table.loc[r.from_index], table.loc[r.to_index]
        open_ = pd.isna(a["end"]) or a["end"] > AS_OF
        gap = np.nan if open_ else _working_days_reference(cal, a["end"], b["start"])
        assert r.overlap == (open_ or gap < 0)
        assert r.wait_working_days == pytest.approx(0.0 if r.overlap else gap)
        d1, d2 = a["department"], b["department"]
        assert r.is_handoff == (pd.notna(d1) and pd.notna(d2) and d1 != d2)


def _rework_reference(rows: pd.DataFrame) -> pd.DataFrame:
    """The per-stage rework counts with plain pandas groupbys."""
    per_case = rows.groupby(["activity", "case_id"], sort=False).agg(
        _ret=("is_return", "sum"), _order=("order", "min")
    )
    return (
        per_case.reset_index()
        .groupby("activity")
        .agg(
            order=("_order", "min"),
            n_cases=("case_id", "size"),
            n_rework_cases=("_ret", lambda x: int((x > 0).sum())),
            n_returns=("_ret", "sum"),
        )
    )


@pytest.mark.parametrize("names", ["canonical", "own"])
def test_rework_matches_the_pandas_reference(table, names):
    if names == "own":  # not the six stages: first-occurrence order
        table = table.assign(activity=table["activity"].map(lambda a: f"step {a}"))
    for as_of in (None, AS_OF):
        got = rework_rows(table, as_of=as_of)
        want = _rework_rows_reference(table, None if as_of is None else as_of)
        pd.testing.assert_frame_equal(got, want)
        assert got.attrs["order"] == (
            "canonical" if names == "canonical" else "first_occurrence"
        )
    rows = rework_rows(table, as_of=AS_OF)
    c2 = rows[rows["case_id"] == "c2"]
    # c2 goes back to 策划 (a repeat and a step back), then repeats 执行
    assert c2["is_return"].tolist() == [False, False, False, True, True]
    per_stage = rework(table, as_of=AS_OF).set_index("activity")
    ref = _rework_reference(rows)
    for col in ("order", "n_cases", "n_rework_cases", "n_returns"):
        assert per_stage[col].to_dict() == ref[col].astype("int64").to_dict()
    any_return = rows.groupby("case_id")["is_return"].any()
    assert per_stage.attrs["n_cases"] == any_return.size == 8
    assert per_stage.attrs["n_rework_cases"] == any_return.sum()


def test_summarise_matches_numpy_per_group(rng):
    frame = pd.DataFrame(
        {
            "g": rng.choice(["a", "b", "c", None], 500),
            "x": rng.gamma(2.0, 3.0, 500),
        }
    )
    frame.loc[::11, "x"] = np.nan
    got = summarise(frame, "x", by=["g"])
    assert got["g"].isna().sum() == 1  # missing labels are their own group
    got = got.assign(g=got["g"].fillna("<missing>")).set_index("g")
    for key, sub in frame.fillna({"g": "<missing>"}).groupby("g"):
        x = sub["x"].dropna().to_numpy()
        r = got.loc[key]
        assert r["n"] == x.size
        np.testing.assert_allclose(
            [r["mean"], r["median"], r["p85"], r["p95"]],
            [x.mean(), *np.quantile(x, [0.5, 0.85, 0.95])],
            rtol=1e-12,
        )
        assert (r["ci_low"], r["ci_high"]) == stats.quantile_interval(x)


def test_bottleneck_aggregates_match_pandas_groupbys(cal, table):
    cfg = Settings()
    items = location_items(table, settings=cfg, as_of=AS_OF, calendar=cal)
    coded, meta = _items(table, cfg, AS_OF, cal)
    assert items["location"].tolist() == meta["names"][coded["_loc"]].tolist()
    assert "方案策划 -> 活动执行" in set(items["location"])
    out = _aggregate(coded, meta, 0.95).set_index("location")
    fin = items["days"].where(~items["is_open"])
    g = items.assign(_fin=fin).groupby("location")
    np.testing.assert_allclose(
        out["median_days"], g["_fin"].median().reindex(out.index), rtol=1e-12
    )
    np.testing.assert_allclose(
        out["sla_limit_days"], g["limit_days"].median().reindex(out.index)
    )
    assert out["n"].to_dict() == g.size().to_dict()
    assert out["n_open"].to_dict() == g["is_open"].sum().to_dict()
    for loc, sub in g:
        x = sub["_fin"].to_numpy(float)
        low, high = stats.quantile_interval(x)
        np.testing.assert_equal(
            [out.loc[loc, "median_ci_low"], out.loc[loc, "median_ci_high"]],
            [low, high],
        )
        depts = sub["department"].dropna().value_counts()
        if len(depts):
            best = sorted(depts[depts == depts.max()].index)[0]
            assert out.loc[loc, "owner"] == best


def test_shared_work_gives_the_standalone_results(cal, table):
    # diagnose() reuses intermediate tables; every part must equal the
    # function called on its own (no state leaking between metrics)
    cfg = Settings()
    res = diagnose(table, settings=cfg, as_of=AS_OF, calendar=cal)
    alone = {
        "stages": stage_summary(table, as_of=AS_OF, calendar=cal),
        "rework": rework(table, as_of=AS_OF),
        "sla": sla_summary(table, settings=cfg, as_of=AS_OF, calendar=cal),
        "bottlenecks": bottlenecks(table, settings=cfg, as_of=AS_OF, calendar=cal),
    }
    for name, frame in alone.items():
        pd.testing.assert_frame_equal(getattr(res, name), frame)
    late = handoff_response(table, settings=cfg, calendar=cal)
    assert res.handoffs["n_late"].sum() == late["n_late"].sum()
    # sla_breaches keeps every input column and adds its own
    sb = sla_breaches(table, settings=cfg, as_of=AS_OF, calendar=cal)
    assert list(sb.columns[: table.shape[1]]) == list(table.columns)


def test_nothing_is_cached_outside_shared_work(cal, table):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert reuse("x", (table,), (), compute) == 1
    assert reuse("x", (table,), (), compute) == 2  # no block: recomputed
    with shared_work():
        assert reuse("x", (table,), (), compute) == 3
        assert reuse("x", (table,), (), compute) == 3  # reused
        assert reuse("x", (table.copy(),), (), compute) == 4  # other table
        with shared_work():  # nested: same cache
            assert reuse("x", (table,), (), compute) == 3
    assert _common._SHARED.get() is None
    # a table edited between two calls gives fresh results
    before = case_durations(table, as_of=AS_OF, calendar=cal)
    table.loc[table["case_id"] == "c1", "end"] = pd.NaT
    after = case_durations(table, as_of=AS_OF, calendar=cal)
    assert not before.set_index("case_id").loc["c1", "is_open"]
    assert after.set_index("case_id").loc["c1", "is_open"]


def test_stage_summary_matches_pandas_groupbys(cal, table):
    got = stage_summary(table, as_of=AS_OF, calendar=cal).set_index("activity")
    acts = activity_durations(table, as_of=AS_OF, calendar=cal)
    acts = acts[acts["started"]]
    g = acts.groupby("activity")
    fin = acts[~acts["is_open"]].groupby("activity")["duration_working_days"]
    w = waits(table, calendar=cal, as_of=AS_OF).groupby("to_activity")
    assert got["n"].to_dict() == g.size().to_dict()
    assert got["n_open"].to_dict() == g["is_open"].sum().to_dict()
    np.testing.assert_allclose(got["median_days"], fin.median().reindex(got.index))
    np.testing.assert_allclose(
        got["total_days"], g["duration_working_days"].sum().reindex(got.index)
    )
    np.testing.assert_allclose(
        got["median_wait_before"],
        w["wait_working_days"].median().reindex(got.index),
    )
    np.testing.assert_allclose(
        got["share_overlap"], w["overlap"].mean().reindex(got.index)
    )
    assert got["n_waits"].to_dict() == w.size().reindex(got.index).fillna(0).to_dict()
    # rows in order of each stage's first start
    first = g["start"].min().sort_values(kind="stable")
    assert got.index.tolist() == first.index.tolist()


def test_handoff_tables_match_pandas_groupbys(cal, table):
    cfg = Settings()
    w = waits(table, calendar=cal)
    w = w[w["is_handoff"]]
    urgent = (w["from_priority"] == "P0") | (w["to_priority"] == "P0")
    hours = w["wait_working_hours"]
    late = hours > np.where(urgent, cfg.urgent_handoff_hours, cfg.handoff_hours)
    ref = (
        w.assign(_late=late, _urgent=urgent)
        .groupby(["from_department", "to_department"])
        .agg(
            n=("wait_hours", "size"),
            median=("wait_working_hours", "median"),
            n_late=("_late", "sum"),
            n_urgent=("_urgent", "sum"),
        )
    )
    got = handoff_response(table, settings=cfg, calendar=cal)
    got = got.set_index(["from_department", "to_department"]).loc[ref.index]
    assert got["n"].tolist() == ref["n"].tolist()
    assert got["n_late"].tolist() == ref["n_late"].tolist()
    assert got["n_urgent"].tolist() == ref["n_urgent"].tolist()
    np.testing.assert_allclose(got["median_hours"], ref["median"])
    matrix = handoffs(table, calendar=cal).set_index(
        ["from_department", "to_department"]
    )
    assert matrix["n"].to_dict() == ref["n"].to_dict()
    # no department column: no handoffs, same columns
    bare = table.drop(columns="department")
    assert handoffs(bare, calendar=cal).empty
    assert handoff_response(bare, settings=cfg, calendar=cal).empty


def test_rework_leaves_out_rows_without_a_case_id(table):
    # a row with no case id (and a stage only it has) counts nowhere, as a
    # groupby by case_id would have it
    extra = table.iloc[:1].assign(case_id=None, activity="活动复盘")
    both = pd.concat([table, extra], ignore_index=True)
    rows = rework_rows(both, as_of=AS_OF)
    ref = _rework_reference(rows)
    got = rework(both, as_of=AS_OF).set_index("activity")
    assert "活动复盘" not in got.index
    for col in ("n_cases", "n_rework_cases", "n_returns"):
        assert got[col].to_dict() == ref[col].astype("int64").to_dict()
    assert got.attrs["n_cases"] == 8


def test_present_codes_is_np_unique(rng):
    from diagnose.metrics._common import _present_codes

    codes = rng.choice([0, 2, 3, 7], size=500)  # codes 1, 4, 5, 6 unused
    want = np.unique(codes, return_inverse=True)
    got = _present_codes(codes, 9)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    # out-of-range codes fall back to np.unique
    odd = np.array([5, -1, 5, 12])
    np.testing.assert_array_equal(_present_codes(odd, 6)[0], [-1, 5, 12])
    assert _present_codes(np.array([], dtype=np.int64), 3)[0].size == 0


@pytest.mark.parametrize("n_groups", [1, 7, 5000])
def test_summary_and_km_from_one_sort_equal_the_two_separate_ones(n_groups):
    from diagnose.metrics._common import (
        km_median_by_code,
        summary_and_km_by_code,
        summary_by_code,
    )

    rng = np.random.default_rng(n_groups)
    n = 20_000
    x = np.round(rng.lognormal(1, 1, n), 1)  # rounded: many ties
    x[rng.random(n) < 0.02] = np.nan
    observed = rng.random(n) < 0.8
    codes = rng.integers(0, n_groups, n)
    if n_groups > 1:
        codes[codes == 1] = 0  # a code without values
    done, km = summary_and_km_by_code(x, observed, codes, n_groups + 2)
    want_done = summary_by_code(np.where(observed, x, np.nan), codes, n_groups + 2)
    want_km = km_median_by_code(x, observed, codes, n_groups + 2)
    np.testing.assert_array_equal(km, want_km)
    for column, values in want_done.items():
        np.testing.assert_array_equal(done[column], values, err_msg=column)
