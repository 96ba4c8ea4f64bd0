"""Target judgements on CIs, decision rules, MDE and sample size by hand."""

import math

import pandas as pd
import pytest
from scipy import stats

from diagnose.compare.power import minimum_detectable_effect, sample_size
from diagnose.compare.verdict import judge_targets, recommend


def effects(
    ct=(-30, -40, -22),
    od_level=(0.10, 0.05, 0.14),
    sat=(0.8, 0.6, 1.0),
    od_change=(-0.1, -0.2, -0.01),
):
    return pd.DataFrame(
        [
            {
                "metric": "cycle_time",
                "comparison": "DiD",
                "estimate": math.log1p(ct[0] / 100),
                "ci_low": math.log1p(ct[1] / 100),
                "ci_high": math.log1p(ct[2] / 100),
                "pct_change": ct[0],
                "pct_ci_low": ct[1],
                "pct_ci_high": ct[2],
                "primary": True,
                "method": "m",
            },
            {
                "metric": "overdue_rate",
                "comparison": "before/after",
                "estimate": od_change[0],
                "ci_low": od_change[1],
                "ci_high": od_change[2],
                "after": od_level[0],
                "after_ci_low": od_level[1],
                "after_ci_high": od_level[2],
                "primary": True,
                "method": "m",
            },
            {
                "metric": "satisfaction",
                "comparison": "before/after",
                "estimate": sat[0],
                "ci_low": sat[1],
                "ci_high": sat[2],
                "primary": True,
                "method": "m",
            },
        ]
    )


TARGETS = {
    "cycle_time": {"change": "-20%"},
    "overdue_rate": {"at_most": "15%"},
    "satisfaction": {"change": 0.5},
}


def test_judgement_rule_on_the_ci():
    j = judge_targets(effects(), TARGETS)
    assert j["status"].tolist() == ["met", "met", "met"]
    # CI straddles -20 %: inconclusive even though the estimate (-30 %) beats it
    j = judge_targets(effects(ct=(-30, -45, -10)), TARGETS)
    assert j.loc[0, "status"] == "inconclusive"
    # whole CI above -20 %: not met (but still an improvement)
    j = judge_targets(effects(ct=(-10, -15, -5)), TARGETS)
    assert j.loc[0, "status"] == "not met" and j.loc[0, "clearly_improved"]
    # overdue level CI above 15 %: not met; satisfaction CI below +0.5: not met
    j = judge_targets(effects(od_level=(0.2, 0.16, 0.25), sat=(0.2, 0.1, 0.4)), TARGETS)
    assert j.loc[1, "status"] == "not met" and j.loc[2, "status"] == "not met"
    assert j["primary"].tolist() == [True, False, False]


def test_decisions():
    assert recommend(judge_targets(effects(), TARGETS)).decision == "roll out"
    # primary met, others inconclusive, nothing worse -> roll out
    j = judge_targets(effects(sat=(0.5, -0.1, 1.1)), TARGETS)
    assert recommend(j).decision == "roll out"
    # primary inconclusive -> extend
    j = judge_targets(effects(ct=(-15, -35, 5)), TARGETS)
    v = recommend(j)
    assert v.decision == "extend the pilot" and "extend the pilot" in v.reasons
    # primary clearly worse -> stop
    j = judge_targets(effects(ct=(12, 3, 25)), TARGETS)
    assert recommend(j).decision == "stop"
    # primary met but another target clearly not met -> not roll out
    j = judge_targets(effects(od_level=(0.3, 0.2, 0.4)), TARGETS)
    assert recommend(j).decision == "extend the pilot"


def test_reasons_in_both_languages_mention_underpowering():
    j = judge_targets(effects(ct=(-15, -35, 5)), TARGETS)
    mde = [minimum_detectable_effect(0.6, 20, 10, metric="cycle_time", target=-20)]
    assert mde[0].underpowered
    en = recommend(j, mde).reasons
    zh = recommend(j, mde, language="zh").reasons
    assert "too small to settle" in en and en.startswith(
        "Recommendation: extend the pilot."
    )
    assert zh.startswith("建议：延长试点。") and "试点规模" in zh


def test_mde_by_hand():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    # cycle time: log-SD 0.5, n 30 vs 20: d = z * sqrt(1/30 + 1/20)
    m = minimum_detectable_effect(0.5, 30, 20, metric="cycle_time", target=-20)
    d = z * math.sqrt(1 / 30 + 1 / 20)
    assert m.mde == pytest.approx(100 * math.expm1(-0.5 * d), rel=1e-4)
    assert m.underpowered  # about -33 %: cannot see -20 %
    # satisfaction: SD 0.8, 40 vs 40
    m = minimum_detectable_effect(0.8, 40, 40, metric="satisfaction")
    assert m.mde == pytest.approx(0.8 * z * math.sqrt(2 / 40), rel=1e-4)
    # overdue rate 30 %, 100 vs 100: arcsine scale
    m = minimum_detectable_effect(0.3, 100, 100, metric="overdue_rate")
    h = z * math.sqrt(2 / 100)
    p1 = math.sin(math.asin(math.sqrt(0.3)) - h / 2) ** 2
    assert m.mde == pytest.approx(100 * (p1 - 0.3), rel=1e-4)
    assert "pp" in m.summary()


def test_sample_size_for_minus_20_percent():
    # log-SD 0.5, -20 %: d = |log 0.8| / 0.5; n = 2 (z_a + z_b)^2 / d^2 = 78.9 -> 79
    assert sample_size(0.5, -20)["n_before"] == 79
    n = sample_size(0.5, -20, ratio=0.5)
    assert n["n_after"] == math.ceil(n["n_before"] * 0.5)
    with pytest.raises(ValueError, match="must be one of"):
        sample_size(0.5, -20, metric="lead_time")


def test_zh_reasons_put_the_unit_right_before_yi_shang():
    # overdue level 14 % (8 %-22 %) straddles the 15 % cap: inconclusive, and
    # 20 + 20 tasks at a 30 % baseline cannot see a 5-point change
    j = judge_targets(effects(od_level=(0.14, 0.08, 0.22)), TARGETS)
    assert j.loc[1, "status"] == "inconclusive"
    mde = minimum_detectable_effect(0.3, 20, 20, metric="overdue_rate", target=-5)
    assert mde.unit == "pp" and mde.underpowered
    zh = recommend(j, [mde], language="zh").reasons
    assert f"只能可靠检测到 {mde.mde:+.1f} 个百分点以上的变化" in zh
    assert " 以上" not in zh
    assert "逾期率可检测的最小效应" in mde.summary("zh")
    assert "the smallest overdue rate effect" in mde.summary("en")


def test_no_verdict_from_a_zero_width_or_missing_interval():
    from diagnose.compare.effects import compare_scores

    # 3 respondents each +1: the interval is NaN, not [1, 1] -> not "met"
    e = compare_scores([3, 4, 3], [4, 5, 4], paired=True, metric="satisfaction")
    j = judge_targets([e], {"satisfaction": {"change": 0.5}})
    assert j.loc[0, "status"] == "inconclusive"
    assert recommend(j).decision == "extend the pilot"
    # a zero-width interval passed in by hand is not read as certainty either
    j = judge_targets(effects(sat=(1.0, 1.0, 1.0)), TARGETS)
    row = j.loc[2]
    assert row["status"] == "inconclusive" and math.isnan(row["ci_low"])
    assert not row["clearly_improved"] and "zero-width" in row["basis"]


def test_a_row_without_an_estimate_is_no_data():
    # too few finished cases: the cycle-time row exists but holds no estimate
    # ("came out at n/a (95% CI n/a to n/a), so the target is inconclusive")
    e = effects().copy()
    cols = [
        c
        for c in (
            "estimate",
            "ci_low",
            "ci_high",
            "pct_change",
            "pct_ci_low",
            "pct_ci_high",
        )
        if c in e
    ]
    e.loc[0, cols] = math.nan
    j = judge_targets(e, TARGETS)
    assert j.loc[0, "status"] == "no data" and j.loc[0, "basis"] == "no estimate"
    v = recommend(j)
    assert v.decision == "extend the pilot" and "n/a" not in v.reasons


def test_a_target_without_data_is_no_data_not_inconclusive():
    # QA2 M6: no survey answers for the pilot team -> no satisfaction row at
    # all; there is no interval, so "the CI straddles the target" is wrong
    from diagnose.compare.verdict import STATUSES, status_counts

    e = effects().iloc[:2]  # cycle time met, overdue level met, no satisfaction
    j = judge_targets(e, TARGETS)
    row = j.loc[2]
    assert row["status"] == "no data" and row["basis"] == "no data"
    assert math.isnan(row["estimate"]) and math.isnan(row["ci_low"])
    assert not row["clearly_improved"] and not row["clearly_worse"]
    assert status_counts(j) == {
        "met": 2,
        "not met": 0,
        "inconclusive": 0,
        "no data": 1,
    }
    assert list(status_counts(None)) == list(STATUSES)
    v = recommend(j)
    assert v.status_counts["no data"] == 1
    # primary met, nothing missed or worse: the rule is unchanged
    assert v.decision == "roll out"
    assert "satisfaction (target: change +0.5) has no data, so the target cannot" in (
        v.reasons
    )
    assert "n/a" not in v.reasons
    zh = recommend(judge_targets(e, TARGETS, language="zh"), language="zh")
    assert "没有数据，无法判定" in zh.reasons and "判定为无数据" not in zh.reasons
    # the primary target without data: extend the pilot
    j = judge_targets(e.iloc[1:], TARGETS)
    assert j.loc[0, "status"] == "no data"
    assert recommend(j).decision == "extend the pilot"
