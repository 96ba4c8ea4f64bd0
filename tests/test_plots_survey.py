"""Tests of the survey charts, through their artists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from diagnose.plots.survey import likert_table, plot_dimension_scores, plot_likert

SETTINGS = {"dimensions": {"流程清晰度": ["q1", "q2"], "工具支持": ["q3"]}}


@pytest.fixture
def survey() -> pd.DataFrame:
    # 流程清晰度: answers 1,2,2,3,4,5,5,5 (disagree 3/8, neutral 1/8, agree 4/8)
    # 工具支持:   answers 1,1,3,4         (disagree 2/4, neutral 1/4, agree 1/4)
    q = {"q1": [1, 2, 3, 5], "q2": [2, 4, 5, 5], "q3": [1, 1, 3, 4]}
    rows = [
        {"respondent": f"r{r}", "item": item, "score": s}
        for item, scores in q.items()
        for r, s in enumerate(scores)
    ]
    return pd.DataFrame(rows)


def bars(ax):
    """Rectangles of the bars, grouped by row (y centre)."""
    out: dict[float, list[Rectangle]] = {}
    for p in ax.patches:
        if isinstance(p, Rectangle):
            out.setdefault(round(p.get_y() + p.get_height() / 2, 6), []).append(p)
    return [out[y] for y in sorted(out)]


def test_likert_negative_widths_sum_to_disagree_share(survey):
    ax = plot_likert(survey, settings=SETTINGS)
    rows = bars(ax)
    assert len(rows) == 2
    # row 0 (top after invert_yaxis) is the first dimension, 流程清晰度
    expected = [(3 / 8, 1 / 8, 4 / 8), (2 / 4, 1 / 4, 1 / 4)]
    for patches, (dis, neu, agr) in zip(rows, expected):
        widths = np.array([p.get_width() for p in patches])
        assert widths[widths < 0].sum() == pytest.approx(-dis)
        assert widths[widths > 0].sum() == pytest.approx(neu + agr)
        # the neutral bar is centred on zero
        neutral = [p for p in patches if p.get_gid() == "likert-3"]
        assert len(neutral) == 1
        assert neutral[0].get_x() == pytest.approx(-neu / 2)
        assert neutral[0].get_x() + neutral[0].get_width() == pytest.approx(neu / 2)
        # the agree side starts where the neutral bar ends; the disagree side too
        agree = [p for p in patches if p.get_gid() in ("likert-4", "likert-5")]
        assert min(p.get_x() for p in agree) == pytest.approx(neu / 2)
        assert max(p.get_x() + p.get_width() for p in agree) == pytest.approx(
            neu / 2 + agr
        )
        disagree = [p for p in patches if p.get_gid() in ("likert-1", "likert-2")]
        assert min(p.get_x() + p.get_width() for p in disagree) == pytest.approx(
            -neu / 2 - dis
        )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["流程清晰度", "工具支持"]
    assert ax.yaxis_inverted()
    # percentages written on the segments: 流程清晰度 has 2/8 answers = 25 % on point 2
    texts = {t.get_text() for t in ax.texts}
    assert {"12%", "25%", "38%", "50%"} <= texts


def test_likert_legend_labels_in_both_languages(survey):
    en = plot_likert(survey, settings=SETTINGS)
    assert [t.get_text() for t in en.get_legend().get_texts()] == [
        "Very dissatisfied",
        "Dissatisfied",
        "Neutral",
        "Satisfied",
        "Very satisfied",
    ]
    _, ax = plt.subplots()
    zh = plot_likert(survey, settings=SETTINGS, language="zh", ax=ax)
    assert zh is ax
    assert [t.get_text() for t in zh.get_legend().get_texts()] == [
        "非常不满意",
        "不满意",
        "一般",
        "满意",
        "非常满意",
    ]
    assert zh.get_title() == "各维度回答分布"
    with pytest.raises(ValueError, match="The 'language' parameter of plot_likert"):
        plot_likert(survey, language="fr")
    with pytest.raises(ValueError, match="The 'by' parameter of plot_likert"):
        plot_likert(survey, by="team")


def test_likert_by_item_and_table(survey):
    table = likert_table(survey, settings=SETTINGS, by="item")
    assert table.loc["q1", "disagree"] == pytest.approx(0.5)
    assert table.loc["q2", "agree"] == pytest.approx(0.75)
    assert table[[1, 2, 3, 4, 5]].sum(axis=1).tolist() == pytest.approx([1, 1, 1])
    ax = plot_likert(survey, settings=SETTINGS, by="item")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["q1", "q2", "q3"]
    widths = np.array([p.get_width() for p in bars(ax)[0]])
    assert widths[widths < 0].sum() == pytest.approx(-0.5)


def test_likert_even_scale_has_no_neutral():
    df = pd.DataFrame({"respondent": list("abcd"), "item": "q", "score": [1, 2, 3, 4]})
    ax = plot_likert(df, scale=(1, 4))
    widths = np.array([p.get_width() for p in bars(ax)[0]])
    assert widths[widths < 0].sum() == pytest.approx(-0.5)
    assert widths[widths > 0].sum() == pytest.approx(0.5)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1", "2", "3", "4"]


def test_dimension_scores_plot_means_ci_and_benchmarks(survey):
    bench = pd.DataFrame(
        {
            "metric": ["survey:流程清晰度", "工具支持"],
            "statistic": ["mean", "top2box"],
            "value": [3.8, 0.5],
        }
    )
    ax = plot_dimension_scores(survey, settings=SETTINGS, benchmarks=bench)
    line = ax.lines[0]
    # respondent means 流程清晰度: 1.5, 3, 4, 5 -> 3.375; 工具支持: 1, 1, 3, 4 -> 2.25
    assert line.get_xdata() == pytest.approx([3.375, 2.25])
    assert list(line.get_ydata()) == [0, 1]
    # only the mean benchmark is drawn
    offsets = ax.collections[-1].get_offsets()
    assert np.asarray(offsets).tolist() == [[3.8, 0.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["流程清晰度", "工具支持"]
    assert ax.get_xlim() == pytest.approx((0.9, 5.1))


def test_dimension_scores_error_bars_clip_when_a_bound_passes_the_mean():
    scores = pd.DataFrame(
        {
            "dimension": ["a", "b"],
            "mean": [5.0, 3.0],
            "ci_low": [5.0 + 1e-15, np.nan],
            "ci_high": [5.0 - 1e-15, np.nan],
        }
    )
    # failed with "'xerr' must not contain negative values"
    ax = plot_dimension_scores(scores)
    assert ax.lines[0].get_xdata() == pytest.approx([5.0, 3.0])
    plt.close(ax.figure)
