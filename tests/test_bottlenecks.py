"""The process status analysis table: planted bottlenecks are found, noise is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from diagnose.bottlenecks import (
    HIGH_SHARE,
    SCORING_RULE,
    bottlenecks,
    handbook_table,
    location_items,
)
from diagnose.samples import generate


def _run(bn, seed, n, language="en", survey=True):
    d = generate(seed=seed, n_cases=n, bottleneck=bn, language=language)
    tab = bottlenecks(
        d.activities,
        d.survey if survey else None,
        settings=d.settings,
        as_of=d.truth["as_of"],
        language=language,
    )
    return d, tab


def _check_planted(d, tab):
    truth = d.truth
    top = tab.iloc[0]
    assert top["location"] == truth["bottleneck_location"]
    assert top["kind"] == truth["bottleneck_kind"]
    assert top["impact"] == "high" and top["priority"] == 1
    assert (tab["impact"] == "high").sum() == 1
    # the median matches the planted value within sampling error: the planted
    # median lies in the order-statistic CI widened by 15 % (the pilot team works
    # 25 % faster and the generator's 9 h day is read on a 24 h working-day clock)
    planted = truth["bottleneck_median_days"]
    assert top["median_ci_low"] * 0.85 <= planted <= top["median_ci_high"] * 1.15
    if truth["bottleneck_kind"] == "handoff":
        observed = truth["observed_median_wait_days"][truth["bottleneck_location"]]
        assert top["median_days"] == pytest.approx(observed, rel=0.1)


@pytest.mark.parametrize("bn", ["resource_wait", "slow_review"])
def test_planted_bottleneck_ranked_first(bn):
    d, tab = _run(bn, seed=11, n=120)
    _check_planted(d, tab)


def test_nothing_high_without_bottleneck():
    d, tab = _run(None, seed=11, n=300)
    assert not (tab["impact"] == "high").any()
    assert tab["priority"].tolist() == list(range(1, len(tab) + 1))


def test_table_invariants_and_values():
    d, tab = _run("resource_wait", seed=5, n=120)
    assert tab["score"].sum() == pytest.approx(1.0)
    assert tab["score"].between(0, 1).all()
    for c in (
        "sla_breach_rate",
        "breach_ci_low",
        "breach_ci_high",
        "overdue_rate",
        "rework_rate",
    ):
        v = tab[c].dropna()
        assert v.between(0, 1).all(), c
    assert set(tab["kind"]) <= {"stage", "wait", "handoff", "waiting"}
    stages = tab[tab["kind"] == "stage"].set_index("location")
    assert len(stages) == 6
    assert stages["overdue_contribution"].sum() == pytest.approx(1.0)
    assert stages.loc["Cross-department review", "sla_limit_days"] == 2
    assert stages.loc["Cross-department review", "owner"] == "Product"
    # the generator sends ~15 % of cases back from review to plan design
    assert 0.05 < stages.loc["Plan design", "rework_rate"] < 0.3
    assert stages.loc["Requirements research", "rework_rate"] == 0
    top = tab.iloc[0]
    assert top["owner"] == "Design"  # the receiving side waits for design capacity
    assert top["sla_limit_days"] == 1.0  # 24 h
    assert top["survey_dimension"] == "Collaboration efficiency"
    assert top["survey_score"] < 3
    assert "waits a median" in top["problem"] and "24 h" in top["problem"]
    assert tab.attrs["scoring_rule"] == SCORING_RULE
    assert f"{HIGH_SHARE:.0%}" in bottlenecks.__doc__


def test_chinese_problem_text_and_handbook_table():
    d, tab = _run("slow_review", seed=3, n=80, language="zh")
    top = tab.iloc[0]
    assert top["location"] == "跨部门评审"
    assert "中位耗时" in top["problem"] and "时限2天" in top["problem"]
    hb = handbook_table(tab, language="zh")
    assert list(hb.columns) == [
        "流程环节",
        "当前负责人",
        "耗时(天)",
        "问题描述",
        "影响程度",
        "改进优先级",
    ]
    assert hb.iloc[0]["影响程度"] == "高" and hb.iloc[0]["改进优先级"] == 1


def test_hand_built_table():
    # two cases, review limit 2 days: case 1 takes 4 working days, case 2 one day
    T = pd.Timestamp
    df = pd.DataFrame(
        {
            "case_id": ["a", "a", "b", "b"],
            "activity": ["方案策划", "跨部门评审", "方案策划", "跨部门评审"],
            "start": [
                T("2024-03-04"),
                T("2024-03-06"),
                T("2024-03-04"),
                T("2024-03-05"),
            ],
            "end": [T("2024-03-05"), T("2024-03-12"), T("2024-03-05"), T("2024-03-06")],
            "department": ["M", "P", "M", "P"],
        }
    )
    tab = bottlenecks(df, as_of="2024-03-15").set_index("location")
    rev = tab.loc["跨部门评审"]
    assert rev["median_days"] == pytest.approx(2.5)  # 4 and 1 working days
    assert rev["sla_breach_rate"] == pytest.approx(0.5)
    assert rev["excess_days"] == pytest.approx(2.0)
    wait = tab.loc["方案策划 -> 跨部门评审"]
    assert wait["kind"] == "handoff"
    assert wait["excess_days"] == pytest.approx(0.0)  # 1 day and 0 days: within 24 h
    assert tab.loc["跨部门评审", "score"] == pytest.approx(1.0)
    assert (tab["impact"] != "high").all()  # two cases are not enough evidence


def test_breach_rate_leaves_out_open_items_under_their_limit():
    # review limit 2 working days: a takes 4 (breach), b takes 1, c is open
    # for 1 day at as_of (may still breach: outcome unknown), d is open for
    # 3 days (already past the limit): 2 breaches of 3 known outcomes
    T = pd.Timestamp
    df = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d"],
            "activity": ["跨部门评审"] * 4,
            "start": [
                T("2024-03-04"),
                T("2024-03-04"),
                T("2024-03-14"),
                T("2024-03-12"),
            ],
            "end": [T("2024-03-08"), T("2024-03-05"), pd.NaT, pd.NaT],
        }
    )
    rev = bottlenecks(df, as_of="2024-03-15").set_index("location").loc["跨部门评审"]
    assert rev["n"] == 4 and rev["n_open"] == 2
    assert rev["sla_breach_rate"] == pytest.approx(2 / 3)


@pytest.mark.slow
@pytest.mark.parametrize("n", [60, 300])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("bn", ["resource_wait", "slow_review", None])
def test_across_seeds_and_sizes(bn, seed, n):
    d, tab = _run(bn, seed=seed, n=n, survey=False)
    if bn is None:
        assert not (tab["impact"] == "high").any()
    else:
        _check_planted(d, tab)


def test_running_waits_of_cases_waiting_for_their_next_stage():
    # March 2024 (no holidays in China); B is the final stage. c1-c3 waited 1,
    # 2 and 3 working days after A; c4 and c5 finished A and have waited 4 and
    # 5 working days by as_of (Fri Mar 15 09:00) without B starting.
    T = pd.Timestamp
    rows = []
    for case, a_end, b_start in [
        ("c1", "2024-03-04 09:00", "2024-03-05 09:00"),
        ("c2", "2024-03-04 09:00", "2024-03-06 09:00"),
        ("c3", "2024-03-04 09:00", "2024-03-07 09:00"),
        ("c4", "2024-03-11 09:00", None),
        ("c5", "2024-03-08 09:00", None),
    ]:
        rows.append((case, "A", T(a_end) - pd.Timedelta(hours=2), T(a_end)))
        if b_start:
            rows.append((case, "B", T(b_start), T(b_start) + pd.Timedelta(hours=1)))
    df = pd.DataFrame(rows, columns=["case_id", "activity", "start", "end"])
    as_of = "2024-03-15 09:00"
    tab = bottlenecks(df, settings={"final_stages": ["B"]}, as_of=as_of)
    tab = tab.set_index("location")
    run = tab.loc["A -> …"]
    assert run["kind"] == "waiting" and run["n"] == 2 and run["n_open"] == 2
    assert run["median_open_days"] == 4.5 and np.isnan(run["median_days"])
    assert run["sla_breach_rate"] == 1.0  # both past the 24 h limit
    # each running wait counts up to the 95th percentile of the waits after A
    # that ended (1, 2, 3: 2.9), less the 1-day limit: 2 x 1.9
    assert run["excess_days"] == pytest.approx(3.8)
    ended = tab.loc["A -> B"]
    assert ended["kind"] == "wait" and ended["excess_days"] == pytest.approx(3.0)
    assert run["score"] == pytest.approx(3.8 / 6.8)
    assert run["problem"] == (
        "2 cases wait for the next stage after A: a median 4.5 working days so "
        "far; 100% already past the 24 h limit"
    )
    zh = bottlenecks(df, settings={"final_stages": ["B"]}, as_of=as_of, language="zh")
    assert (
        zh.set_index("location")
        .loc["A -> …", "problem"]
        .startswith("2 个项目在“A”之后等待下一环节，已等待中位4.5个工作日")
    )
    items = location_items(df, settings={"final_stages": ["B"]}, as_of=as_of)
    assert sorted(items.loc[items["kind"] == "waiting", "days"]) == [4.0, 5.0]
    # without final stages c4 and c5 count as finished: nothing is waiting
    plain = bottlenecks(df, as_of=as_of)
    assert "waiting" not in set(plain["kind"]) and "A -> …" not in set(
        plain["location"]
    )
