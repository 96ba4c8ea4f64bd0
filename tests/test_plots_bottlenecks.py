"""Bottleneck charts: checked through their artists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from diagnose.plots.bottlenecks import (
    IMPACT_COLORS,
    plot_bottlenecks,
    plot_handoff_matrix,
    plot_workload,
)


def test_bottleneck_bars_coloured_by_impact():
    tab = pd.DataFrame(
        {
            "location": ["跨部门评审", "方案策划", "A -> B"],
            "score": [0.6, 0.3, 0.1],
            "impact": ["high", "medium", "low"],
            "priority": [1, 2, 3],
        }
    )
    ax = plot_bottlenecks(tab, language="zh")
    bars = ax.patches
    assert len(bars) == 3
    widths = [b.get_width() for b in bars]
    assert widths == pytest.approx([0.1, 0.3, 0.6])  # top priority drawn at the top
    assert to_hex(bars[-1].get_facecolor()) == to_hex(IMPACT_COLORS["high"])
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "跨部门评审"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"高", "中", "低"}


def test_handoff_heatmap_values():
    h = pd.DataFrame(
        {
            "from_department": ["M", "M", "P"],
            "to_department": ["P", "D", "M"],
            "median_wait_hours": [5.0, 72.0, 2.0],
        }
    )
    ax = plot_handoff_matrix(h)
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == ["2.0", "5.0", "72.0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["M", "P"]


def test_workload_lines_and_limit():
    dates = pd.date_range("2024-03-04", periods=5)
    wl = pd.DataFrame(
        {
            "date": np.tile(dates, 2),
            "owner": ["A"] * 5 + ["B"] * 5,
            "n_open": [1, 2, 7, 3, 2, 0, 1, 1, 1, 0],
        }
    )
    ax = plot_workload(wl, limit=5)
    ys = [line.get_ydata() for line in ax.get_lines()]
    assert list(ys[0]) == [1, 2, 7, 3, 2]  # A first: highest peak
    assert list(ys[-1]) == [5, 5]  # the limit line
    with pytest.raises(ValueError, match="lacks the column"):
        plot_workload(wl.drop(columns="n_open"))


def test_uses_given_axes():
    fig, ax = plt.subplots()
    tab = pd.DataFrame(
        {"location": ["x"], "score": [1.0], "impact": ["low"], "priority": [1]}
    )
    assert plot_bottlenecks(tab, ax=ax) is ax


def test_empty_tables_draw_a_labelled_empty_chart():
    # an empty handoff table (no department column) failed inside seaborn:
    # "zero-size array to reduction operation fmin which has no identity"
    empty = pd.DataFrame(
        columns=["from_department", "to_department", "n", "median_wait_hours"]
    )
    ax = plot_handoff_matrix(empty, language="zh")
    assert ax.get_title() == "交接中位等待（小时）"
    assert [t.get_text() for t in ax.texts] == [
        "无可绘制的数据：没有项目在部门之间交接。"
    ]
    plt.close(ax.figure)
    ax = plot_workload(pd.DataFrame(columns=["date", "owner", "n_open"]))
    assert [t.get_text() for t in ax.texts] == [
        "Nothing to draw: the table has no rows for this chart."
    ]
    plt.close(ax.figure)
