"""Every chart speaks one language: no English words in a Chinese chart, no Chinese
in an English one, no column names anywhere, and a bad ``language`` is refused.

What is checked is the text a reader sees outside the plotted data: titles, axis
labels of every Axes (the colour bar included), legend entries, and the tick
labels that are words of the chart (before/after boxes, effect rows). Tick labels
and legend entries that are data values (stage, team and person names) are left
out by value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from diagnose.compare.did import pretrend
from diagnose.compare.simulate import simulate_cases
from diagnose.metrics import (
    activity_durations,
    aging_wip,
    case_durations,
    overdue_rate,
    stage_summary,
    wip,
)
from diagnose.plots.bottlenecks import (
    plot_bottlenecks,
    plot_handoff_matrix,
    plot_workload,
)
from diagnose.plots.compare import (
    effect_label,
    plot_before_after,
    plot_did,
    plot_effects,
    plot_pretrend,
)
from diagnose.plots.flow import (
    plot_aging_wip,
    plot_cumulative_flow,
    plot_cycle_time,
    plot_overdue_rate,
    plot_stage_breakdown,
)

AS_OF = "2024-10-25"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")
#: English allowed in a Chinese chart: a method named after its authors.
ZH_ALLOWED = {"Kaplan", "Meier"}
#: column names that must never reach a reader
COLUMNS = (
    "_",
    "median_wait",
    "cycle_working_days",
    "overdue_rate",
    "n_open",
    "duration",
    "log(",
)


@pytest.fixture
def acts(six) -> pd.DataFrame:
    """Six tasks with Chinese stage and person names (data values)."""
    return six


@pytest.fixture(scope="module")
def sim() -> pd.DataFrame:
    return simulate_cases(3, effect=-0.3, n_pilot=2, n_control=2, cases_per_team=30)


def _effects() -> tuple[pd.DataFrame, pd.DataFrame]:
    effects = pd.DataFrame(
        {
            "metric": ["cycle_time", "cycle_time", "overdue_rate", "satisfaction"],
            "comparison": ["DiD", "survival", "before/after", "before/after"],
            "group": ["pilot vs control", "pilot", "pilot", "协作"],
            "statistic": ["ratio", "ratio", "proportion", "mean"],
            "estimate": [-0.22, -0.2, -0.05, 0.4],
            "ci_low": [-0.35, -0.4, -0.12, 0.1],
            "ci_high": [-0.08, 0.0, 0.02, 0.7],
            "pct_change": [-19.7, -18.0, np.nan, np.nan],
            "pct_ci_low": [-29.5, -33.0, np.nan, np.nan],
            "pct_ci_high": [-7.7, 0.0, np.nan, np.nan],
            "primary": [True, False, True, True],
        }
    )
    targets = pd.DataFrame(
        {"metric": ["cycle_time"], "quantity": ["pct_change"], "threshold": [-20.0]}
    )
    return effects, targets


def _draw(name, language, acts, sim):
    """Draw chart ``name``; return (figure, data values shown as labels)."""
    owners = set(acts["owner"]) | set(acts["activity"]) | set(acts["team"])
    if name == "cycle_time":
        ax = plot_cycle_time(case_durations(acts, as_of=AS_OF), language=language)
    elif name == "stages":
        ax = plot_stage_breakdown(stage_summary(acts, as_of=AS_OF), language=language)
    elif name == "overdue":
        ax = plot_overdue_rate(
            overdue_rate(acts, by="activity", as_of=AS_OF),
            target=0.1,
            language=language,
        )
    elif name == "flow":
        ax = plot_cumulative_flow(wip(acts, as_of=AS_OF, freq="W"), language=language)
    elif name == "flow_by_stage":
        ax = plot_cumulative_flow(
            wip(acts, as_of=AS_OF, freq="W", by="activity"), language=language
        )
    elif name == "aging":
        ax = plot_aging_wip(aging_wip(acts, as_of=AS_OF), language=language)
    elif name == "workload":
        load = pd.DataFrame(
            {
                "date": np.tile(pd.date_range("2024-03-04", periods=3), 2),
                "owner": ["张三"] * 3 + ["李四"] * 3,
                "n_open": [1, 6, 2, 0, 1, 1],
            }
        )
        ax = plot_workload(load, limit=5, language=language)
    elif name == "handoffs":
        h = pd.DataFrame(
            {
                "from_department": ["市场部", "市场部", "产品部"],
                "to_department": ["产品部", "设计部", "市场部"],
                "median_wait_hours": [5.0, 72.0, 2.0],
            }
        )
        ax = plot_handoff_matrix(h, language=language)
        owners |= {"市场部", "产品部", "设计部"}
    elif name == "bottlenecks":
        tab = pd.DataFrame(
            {
                "location": ["跨部门评审", "方案策划"],
                "score": [0.6, 0.3],
                "impact": ["high", "low"],
                "priority": [1, 2],
            }
        )
        ax = plot_bottlenecks(tab, language=language)
    elif name == "effects":
        ax = plot_effects(*_effects(), language=language)
        owners |= set()
    elif name == "before_after":
        ax = plot_before_after(sim, language=language)
    elif name == "did":
        ax = plot_did(sim, switch="2024-01-01", language=language)
    elif name == "pretrend":
        pc = sim[~sim["is_open"]].assign(treated=(sim["group"] == "pilot").astype(int))
        res = pretrend(pc, "duration", "treated", "start", "2024-01-01", log=True)
        ax = plot_pretrend(res, language=language)
    return ax.figure, owners


WORD_TICKS = {"effects": "y", "before_after": "x"}
CHARTS = [
    "cycle_time",
    "stages",
    "overdue",
    "flow",
    "flow_by_stage",
    "aging",
    "workload",
    "handoffs",
    "bottlenecks",
    "effects",
    "before_after",
    "did",
    "pretrend",
]


def _texts(fig, name, data_values) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        out += [t.get_text() for t in (legend.get_texts() if legend else [])]
        if name in WORD_TICKS:
            ticks = (
                ax.get_yticklabels()
                if WORD_TICKS[name] == "y"
                else ax.get_xticklabels()
            )
            out += [t.get_text() for t in ticks]
    return [t for t in out if t and t not in data_values]


@pytest.mark.parametrize("name", CHARTS)
def test_chinese_chart_has_no_english_words(name, acts, sim):
    fig, data_values = _draw(name, "zh", acts, sim)
    texts = _texts(fig, name, data_values)
    assert CJK.search(" ".join(texts)), texts  # the chart has labels to check
    for text in texts:
        words = set(ASCII_WORD.findall(text)) - ZH_ALLOWED
        assert not words, f"{name}: {text!r} has English words {words}"
        assert not any(c in text for c in COLUMNS), f"{name}: {text!r}"


@pytest.mark.parametrize("name", CHARTS)
def test_english_chart_has_no_chinese(name, acts, sim):
    fig, data_values = _draw(name, "en", acts, sim)
    texts = _texts(fig, name, data_values)
    for text in texts:
        if name == "effects" and "协作" in text:  # a survey dimension: data
            text = text.replace("协作", "")
        assert not CJK.search(text), f"{name}: {text!r}"
        assert not any(c in text for c in COLUMNS), f"{name}: {text!r}"
    assert ASCII_WORD.search(" ".join(texts)), texts


@pytest.mark.parametrize(
    "func,args",
    [
        (plot_cycle_time, lambda a: (case_durations(a, as_of=AS_OF),)),
        (plot_stage_breakdown, lambda a: (stage_summary(a, as_of=AS_OF),)),
        (plot_overdue_rate, lambda a: (overdue_rate(a, by="team", as_of=AS_OF),)),
        (plot_cumulative_flow, lambda a: (wip(a, as_of=AS_OF),)),
        (plot_aging_wip, lambda a: (aging_wip(a, as_of=AS_OF),)),
        (
            plot_workload,
            lambda a: (pd.DataFrame({"date": [], "owner": [], "n_open": []}),),
        ),
        (
            plot_handoff_matrix,
            lambda a: (
                pd.DataFrame(
                    {
                        "from_department": ["M"],
                        "to_department": ["P"],
                        "median_wait_hours": [1.0],
                    }
                ),
            ),
        ),
        (plot_effects, lambda a: _effects()),
    ],
)
def test_bad_language_is_refused_naming_the_parameter(func, args, acts):
    with pytest.raises(ValueError) as err:
        func(*args(acts), language="fr")
    msg = str(err.value)
    assert f"The 'language' parameter of {func.__name__}" in msg
    assert "'fr'" in msg and "'en', 'zh'" in msg


def test_exact_labels_with_units_in_both_languages(acts):
    cases = case_durations(acts, as_of=AS_OF)
    en = plot_cycle_time(cases)
    zh = plot_cycle_time(cases, language="zh")
    assert (en.get_title(), en.get_xlabel(), en.get_ylabel()) == (
        "Cycle time of finished cases",
        "Cycle time (working days)",
        "Number of cases",
    )
    assert (zh.get_title(), zh.get_xlabel(), zh.get_ylabel()) == (
        "已完成项目的周期分布",
        "周期（工作日）",
        "项目数（个）",
    )
    # case A finished in 14 working days (23 Sep - 12 Oct 2024 with the
    # National Day week off); B is open: 1 finished, 1 still open
    median = float(cases.loc[~cases["is_open"], "cycle_working_days"].median())
    legend = [t.get_text() for t in zh.get_legend().get_texts()]
    assert legend[0] == "已完成（1 个）；未完成：1 个"
    # the lines are of finished cases only, not the Kaplan–Meier headline (QA L2)
    assert legend[1] == f"中位数（仅已完成）：{median:.1f} 个工作日"
    legend = [t.get_text() for t in en.get_legend().get_texts()]
    assert legend[:3] == [
        "finished (n = 1); still open: 1",
        f"Median, finished cases only: {median:.1f} working days",
        f"85th percentile, finished cases only: {median:.1f} working days",
    ]
    tasks = activity_durations(acts, as_of=AS_OF)
    ax = plot_cycle_time(tasks, x="duration_working_days")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert tasks["is_open"].any()
    assert legend[1].startswith("Median, finished tasks only: ")

    rates = overdue_rate(acts, by="team", as_of=AS_OF)
    ax = plot_overdue_rate(rates, language="zh", target=0.1)
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "各团队逾期率",
        "团队",
        "逾期任务占比（%）",
    )
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["目标：10%"]
    ax = plot_overdue_rate(rates, rate="overdue_rate")
    assert ax.get_title() == "Overdue rate per team"

    h = pd.DataFrame(
        {"from_department": ["M"], "to_department": ["P"], "median_wait_hours": [1.0]}
    )
    ax = plot_handoff_matrix(h, language="zh")
    bar = ax.figure.axes[-1]
    assert bar is not ax and bar.get_ylabel() == "中位等待（小时）"
    ax = plot_handoff_matrix(h)
    assert ax.figure.axes[-1].get_ylabel() == "Median wait (hours)"


def test_effect_rows_name_metric_method_group_and_unit():
    effects, targets = _effects()
    en = plot_effects(effects, targets)
    zh = plot_effects(effects, targets, language="zh")
    # one row per effect, first effect on top
    assert en.get_yticks()[0] == max(en.get_yticks())
    assert [t.get_text() for t in en.get_yticklabels()] == [
        "Cycle time · DiD · pilot vs control (%)",
        "Cycle time · before/after, Kaplan–Meier · pilot teams (%)",
        "Overdue rate · before/after · pilot teams (percentage points)",
        "Satisfaction · before/after · 协作 (points)",
    ]
    assert [t.get_text() for t in zh.get_yticklabels()] == [
        "周期 · 双重差分 · 试点组对比对照组（%）",
        "周期 · 前后对比（Kaplan–Meier） · 试点团队（%）",
        "逾期率 · 前后对比 · 试点团队（个百分点）",
        "满意度 · 前后对比 · 协作（分）",
    ]
    assert zh.get_xlabel() == "估计变化（95% 置信区间）"
    assert effect_label({"metric": "lead_count"}, "", "zh") == "lead_count"


def test_pretrend_title_is_words(sim):
    pc = sim[~sim["is_open"]].assign(treated=(sim["group"] == "pilot").astype(int))
    res = pretrend(pc, "duration", "treated", "start", "2024-01-01", log=True)
    assert plot_pretrend(res).get_title() == (
        "Before the switch: monthly means with linear fits"
    )
    zh = plot_pretrend(res, language="zh")
    assert (zh.get_title(), zh.get_ylabel()) == (
        "切换前：每月均值与线性拟合",
        "每月对数周期均值",
    )
    res_zh = pretrend(
        pc, "duration", "treated", "start", "2024-01-01", log=True, language="zh"
    )
    assert plot_pretrend(res_zh).get_xlabel() == "月份"  # the result's language
    with pytest.raises(ValueError, match="'language' parameter of plot_pretrend"):
        plot_pretrend(res, language="de")


def test_long_stage_names_do_not_overlap():
    names = [
        "Requirements analysis and scoping",
        "Cross-department design review",
        "Implementation and integration",
        "User acceptance testing",
        "跨部门联合评审与签字确认",
    ]
    rates = pd.DataFrame(
        {
            "activity": names,
            "overdue_rate": [0.2, 0.5, 0.3, 0.1, 0.4],
            "ci_low": [0.1, 0.3, 0.2, 0.0, 0.2],
            "ci_high": [0.3, 0.7, 0.4, 0.2, 0.6],
            "n": [10, 12, 9, 8, 11],
        }
    )
    ax = plot_overdue_rate(rates, language="en")
    fig = ax.figure
    fig.canvas.draw()
    ticks = ax.get_xticklabels()
    assert len(ticks) == len(names)
    # unrotated these overlap: each label is wider than the step between bars
    step = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    renderer = fig.canvas.get_renderer()
    assert max(t.get_window_extent(renderer).width for t in ticks) > step
    # rotated labels are parallel lines `step` apart along the axis: they are
    # step * sin(angle) apart across, which must exceed the height of a line
    angle = {t.get_rotation() for t in ticks}
    assert len(angle) == 1 and 20 <= angle.pop() <= 90
    line = ticks[0].get_fontsize() * fig.dpi / 72 * 1.2
    assert step * np.sin(np.radians(ticks[0].get_rotation())) > line
    # anchored at their right end, under their bar
    assert {t.get_horizontalalignment() for t in ticks} == {"right"}
    assert {t.get_rotation_mode() for t in ticks} == {"anchor"}
    # short labels stay horizontal
    ax = plot_overdue_rate(rates.assign(activity=list("ABCDE")))
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {0.0}
