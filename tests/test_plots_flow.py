"""Flow charts, checked through the returned Axes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection, PolyCollection

from diagnose.metrics import aging_wip, case_durations, overdue_rate, stage_summary, wip
from diagnose.plots.flow import (
    plot_aging_wip,
    plot_cumulative_flow,
    plot_cycle_time,
    plot_overdue_rate,
    plot_stage_breakdown,
)

AS_OF = "2024-10-25"


def test_cycle_time_histogram_with_percentile_lines(rng):
    n = 50
    start = pd.Timestamp("2024-03-04")
    acts = pd.DataFrame(
        {
            "case_id": range(n),
            "activity": "x",
            "start": start,
            "end": start + pd.to_timedelta(rng.integers(1, 40, n), unit="D"),
        }
    )
    table = case_durations(acts, as_of="2024-06-01")
    ax = plot_cycle_time(table, bins=10)
    assert len(ax.patches) == 10
    assert len(ax.lines) == 3
    p85 = np.quantile(table["cycle_working_days"], 0.85)
    assert ax.lines[1].get_xdata()[0] == pytest.approx(p85)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == "finished (n = 50)"
    assert texts[2] == f"85th percentile: {p85:.1f} working days"
    assert ax.get_title() == "Cycle time of finished cases"
    zh = plot_cycle_time(table, bins=10, language="zh")
    texts = [t.get_text() for t in zh.get_legend().get_texts()]
    assert (
        texts[0] == "已完成（50 个）"
        and texts[2] == f"第 85 百分位：{p85:.1f} 个工作日"
    )


def test_stage_breakdown(six):
    ax = plot_stage_breakdown(stage_summary(six, as_of=AS_OF))
    assert len(ax.patches) == 6  # wait + duration for 3 stages
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "需求调研",
        "方案策划",
        "跨部门评审",
    ]
    # 方案策划: wait 1.5 then median 2.5 -> the duration bar starts at 1.5
    assert ax.patches[4].get_x() == pytest.approx(1.5)
    assert ax.patches[4].get_width() == pytest.approx(2.5)


def test_overdue_rate_bars_with_wilson_errors(six):
    data = overdue_rate(six, by="owner", as_of=AS_OF)
    fig, ax0 = plt.subplots()
    ax = plot_overdue_rate(data, target=0.1, ax=ax0)
    assert ax is ax0
    assert len(ax.patches) == 3
    assert [t.get_text() for t in ax.get_xticklabels()] == data["owner"].tolist()
    assert [p.get_height() for p in ax.patches] == pytest.approx(
        data["overdue_rate"].tolist()
    )
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    segs = bars[0].get_segments()
    assert segs[0][:, 1] == pytest.approx(
        [data["ci_low"].iloc[0], data["ci_high"].iloc[0]]
    )
    assert ax.get_xlabel() == "Person" and ax.get_title() == "Overdue rate per person"


def test_cumulative_flow(six):
    ax = plot_cumulative_flow(wip(six, as_of=AS_OF, freq="W"))
    assert len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Arrived",
        "Finished",
        "In progress",
    ]
    zh = plot_cumulative_flow(wip(six, as_of=AS_OF, freq="W"), language="zh")
    assert [t.get_text() for t in zh.get_legend().get_texts()] == [
        "到达",
        "完成",
        "在办",
    ]
    ax = plot_cumulative_flow(wip(six, as_of=AS_OF, freq="W", by="activity"))
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 3


def test_aging_wip(six):
    data = aging_wip(six, as_of=AS_OF)
    ax = plot_aging_wip(data)
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    offsets = np.vstack([c.get_offsets() for c in dots if len(c.get_offsets())])
    assert offsets[:, 1].tolist() == [4.0]  # the one open item, beyond its p85
    assert [t.get_text() for t in ax.get_xticklabels()] == ["需求调研"]
    with pytest.raises(ValueError, match="lacks the column"):
        plot_aging_wip(data.drop(columns="p85_days"))


def test_overdue_rate_bars_with_bounds_a_hair_past_the_estimate():
    # wilson_interval(0, 3) gave ci_low 5.55e-17 and (3, 3) ci_high 1 - 1.1e-16:
    # matplotlib refused the negative error-bar lengths ("'yerr' must not
    # contain negative values") and the diagnosis report failed.
    data = pd.DataFrame(
        {
            "team": ["none late", "all late", "no interval"],
            "n": [3, 3, 4],
            "overdue_rate": [0.0, 1.0, 0.5],
            "ci_low": [5.551115123125783e-17, 0.4385, np.nan],
            "ci_high": [0.5615, 1 - 1.1102230246251565e-16, np.nan],
        }
    )
    ax = plot_overdue_rate(data, x="team")
    segs = [c for c in ax.collections if isinstance(c, LineCollection)][0]
    ys = [seg[:, 1].tolist() for seg in segs.get_segments()]
    assert ys[0] == pytest.approx([0.0, 0.5615])  # clipped at the estimate
    assert ys[1] == pytest.approx([0.4385, 1.0])
    assert ys[2] == pytest.approx([0.5, 0.5])  # no interval: no bar
    plt.close(ax.figure)


def test_error_bars_clip_at_zero_and_drop_missing_bounds():
    from diagnose.plots._style import error_bars

    err = error_bars(
        [0.0, 1.0, 0.5, 0.2], [1e-17, 0.4, np.nan, 0.1], [0.5, 1 - 1e-16, 0.9, 0.3]
    )
    np.testing.assert_allclose(err, [[0.0, 0.6, 0.0, 0.1], [0.5, 0.0, 0.4, 0.1]])
    assert (err >= 0).all()


def test_empty_tables_draw_a_labelled_empty_chart():
    # as_of before the data: wip() is empty and stackplot failed with
    # "facecolor must not be an empty sequence"
    flow = pd.DataFrame(columns=["activity", "date", "arrived", "departed", "wip"])
    ax = plot_cumulative_flow(flow, by="activity")
    assert [t.get_text() for t in ax.texts] == [
        "Nothing to draw: the table has no rows for this chart."
    ]
    assert ax.get_title() == "Work in progress per stage"
    plt.close(ax.figure)
    rates = pd.DataFrame(columns=["activity", "overdue_rate", "ci_low", "ci_high"])
    ax = plot_overdue_rate(rates, x="activity", language="zh")
    assert [t.get_text() for t in ax.texts] == [
        "无可绘制的数据：该图所需的表格没有数据。"
    ]
    plt.close(ax.figure)


def test_empty_axes_says_the_table_has_no_rows_by_default():
    import matplotlib.pyplot as plt

    from diagnose.plots._style import empty_axes

    for lang, text in (
        ("en", "Nothing to draw: the table has no rows for this chart."),
        ("zh", "无可绘制的数据：该图所需的表格没有数据。"),
    ):
        fig, ax = plt.subplots()
        empty_axes(ax, language=lang)
        assert [t.get_text() for t in ax.texts] == [text]
        plt.close(fig)
