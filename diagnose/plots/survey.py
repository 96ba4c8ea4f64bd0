"""Survey charts: diverging Likert bars and dimension means against benchmarks.

Every chart is drawn from a table that :mod:`diagnose.survey` also returns
(:func:`~diagnose.survey.score_distribution`,
:func:`~diagnose.survey.dimension_scores`), so what a chart shows can be had
as numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from diagnose.plots._style import error_bars, new_axes
from diagnose.survey import (
    SCALE_LABELS,
    ScoredSurvey,
    dimension_scores,
    score_distribution,
    score_items,
)

__all__ = ["plot_likert", "plot_dimension_scores"]

# diverging colours: dissatisfied (red/orange) .. neutral (grey) .. satisfied (blue)
_DIVERGING = {
    3: ["#D55E00", "#BBBBBB", "#0173B2"],
    4: ["#D55E00", "#F4A582", "#92C5DE", "#0173B2"],
    5: ["#B2182B", "#EF8A62", "#BBBBBB", "#67A9CF", "#2166AC"],
    6: ["#B2182B", "#EF8A62", "#FDDBC7", "#D1E5F0", "#67A9CF", "#2166AC"],
    7: ["#B2182B", "#D6604D", "#F4A582", "#BBBBBB", "#92C5DE", "#4393C3", "#2166AC"],
}

_TEXT = {
    "en": {
        "share": "Share of answers",
        "mean": "Mean score ({low}–{high})",
        "benchmark": "Benchmark",
        "ci": "{c:.0%} CI",
        "likert": "Answers by {by}",
        "scores": "Dimension scores",
    },
    "zh": {
        "share": "回答占比",
        "mean": "平均分（{low}–{high}）",
        "benchmark": "基准",
        "ci": "{c:.0%} 置信区间",
        "likert": "各{by}回答分布",
        "scores": "各维度得分",
    },
}
_BY_ZH = {"dimension": "维度", "item": "题项"}


def _check(value, allowed, name, func):
    if value not in allowed:
        shown = "{" + ", ".join(repr(a) for a in allowed) + "}"
        raise ValueError(
            f"The {name!r} parameter of {func} must be one of {shown}. "
            f"Got {value!r} instead."
        )


def _labels(low: int, high: int, language: str) -> list[str]:
    if (low, high) == (1, 5):
        return SCALE_LABELS[language]
    return [str(v) for v in range(low, high + 1)]


def likert_table(
    survey, *, settings=None, by: str = "dimension", scale=None
) -> pd.DataFrame:
    """The numbers behind :func:`plot_likert`: one row per bar, one column per point.

    Returns
    -------
    pandas.DataFrame
        Index: dimension (or item); columns: the scale points (shares of that
        row's answers, summing to 1), plus ``disagree`` (points below the
        middle), ``neutral`` (the middle point of an odd scale, else 0) and
        ``agree``.
    """
    scored = score_items(survey, settings=settings, scale=scale)
    low, high = scored.scale
    dist = score_distribution(scored, level=by)
    row = "dimension" if by == "dimension" else "item"
    wide = dist.pivot_table(
        index=row, columns="score", values="share", aggfunc="sum", sort=False
    ).fillna(0.0)
    points = list(range(low, high + 1))
    wide = wide.reindex(columns=points, fill_value=0.0)
    mid = (low + high) / 2
    wide["disagree"] = wide[[p for p in points if p < mid]].sum(axis=1)
    wide["neutral"] = wide[int(mid)] if mid in points else 0.0
    wide["agree"] = wide[[p for p in points if p > mid]].sum(axis=1)
    wide.columns.name = None
    return wide


def plot_likert(
    survey,
    *,
    settings=None,
    by: str = "dimension",
    ax=None,
    language: str = "en",
    scale=None,
    min_label: float = 0.05,
):
    """Diverging stacked bars of the answers, one bar per dimension (or item).

    The neutral point is centred on zero, dissatisfied answers extend to the
    left (drawn with negative widths), satisfied answers to the right; each
    segment of at least ``min_label`` is labelled with its percentage.

    Parameters
    ----------
    survey : pandas.DataFrame or ScoredSurvey
        Long survey frame (see :func:`diagnose.survey.score_items`).
    settings : Settings, dict, path or None, default=None
    by : {'dimension', 'item'}, default='dimension'
    ax : matplotlib Axes or None, default=None
    language : {'en', 'zh'}, default='en'
        Legend labels: ``Very dissatisfied … Very satisfied`` or
        ``非常不满意 … 非常满意`` (on a 1–5 scale; other scales show numbers).
    scale : (int, int) or None, default=None
    min_label : float, default=0.05
        Smallest segment share that gets a percentage label.

    Returns
    -------
    matplotlib.axes.Axes
    """
    func = "plot_likert"
    _check(by, ("dimension", "item"), "by", func)
    _check(language, ("en", "zh"), "language", func)
    scored = (
        survey
        if isinstance(survey, ScoredSurvey)
        else score_items(survey, settings=settings, scale=scale)
    )
    low, high = scored.scale
    table = likert_table(scored, by=by)
    ax = new_axes(ax, figsize=(8, 0.6 * len(table) + 1.6))
    points = list(range(low, high + 1))
    colours = _DIVERGING.get(len(points)) or [None] * len(points)
    labels = _labels(low, high, language)
    mid = (low + high) / 2
    y = np.arange(len(table))
    neutral = table["neutral"].to_numpy()

    def label(xs, widths):
        for yi, x0, w in zip(y, xs, widths):
            if abs(w) >= min_label:
                ax.text(
                    x0 + w / 2,
                    yi,
                    f"{abs(w):.0%}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black",
                )

    # left: from -neutral/2 outwards, the point just below the middle first
    left_edge = -neutral / 2
    for p in sorted([p for p in points if p < mid], reverse=True):
        w = -table[p].to_numpy()
        ax.barh(
            y,
            w,
            left=left_edge,
            color=colours[points.index(p)],
            height=0.7,
            edgecolor="white",
            linewidth=0.5,
            gid=f"likert-{p}",
        )
        label(left_edge, w)
        left_edge = left_edge + w
    if mid in points:
        ax.barh(
            y,
            neutral,
            left=-neutral / 2,
            color=colours[points.index(int(mid))],
            height=0.7,
            edgecolor="white",
            linewidth=0.5,
            gid=f"likert-{int(mid)}",
        )
        label(-neutral / 2, neutral)
    right_edge = neutral / 2
    for p in [p for p in points if p > mid]:
        w = table[p].to_numpy()
        ax.barh(
            y,
            w,
            left=right_edge,
            color=colours[points.index(p)],
            height=0.7,
            edgecolor="white",
            linewidth=0.5,
            gid=f"likert-{p}",
        )
        label(right_edge, w)
        right_edge = right_edge + w

    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [str(i) for i in table.index])
    ax.invert_yaxis()
    reach = float(np.nanmax(np.r_[np.abs(left_edge), right_edge, 0.5]))
    ax.set_xlim(-reach * 1.05, reach * 1.05)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0%}"))
    text = _TEXT[language]
    ax.set_xlabel(text["share"])
    by_txt = _BY_ZH[by] if language == "zh" else by
    ax.set_title(text["likert"].format(by=by_txt))
    ax.grid(axis="y", visible=False)
    handles = [Patch(facecolor=c, label=lab) for c, lab in zip(colours, labels)]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=len(points),
        frameon=False,
        fontsize=8,
    )
    return ax


def plot_dimension_scores(
    survey,
    *,
    settings=None,
    benchmarks=None,
    ax=None,
    language: str = "en",
    confidence: float = 0.95,
    scale=None,
):
    """Dimension means with confidence intervals, and benchmark markers.

    Parameters
    ----------
    survey : pandas.DataFrame, ScoredSurvey, or the output of
        :func:`diagnose.survey.dimension_scores` (a frame with ``dimension,
        mean, ci_low, ci_high``).
    settings : Settings, dict, path or None, default=None
    benchmarks : pandas.DataFrame or None, default=None
        ``metric`` (dimension or ``survey:<dimension>``), ``value`` and
        optionally ``statistic``; only ``mean`` benchmarks are drawn.
    ax : matplotlib Axes or None, default=None
    language : {'en', 'zh'}, default='en'
    confidence : float, default=0.95
    scale : (int, int) or None, default=None

    Returns
    -------
    matplotlib.axes.Axes
    """
    func = "plot_dimension_scores"
    _check(language, ("en", "zh"), "language", func)
    if isinstance(survey, pd.DataFrame) and {
        "dimension",
        "mean",
        "ci_low",
        "ci_high",
    } <= set(survey.columns):
        scores = survey
        low, high = scale or (1, 5)
    else:
        scored = score_items(survey, settings=settings, scale=scale)
        low, high = scored.scale
        scores = dimension_scores(scored, confidence=confidence)
    ax = new_axes(ax, figsize=(7, 0.55 * len(scores) + 1.5))
    text = _TEXT[language]
    y = np.arange(len(scores))
    mean = scores["mean"].to_numpy(float)
    err = error_bars(mean, scores["ci_low"], scores["ci_high"])
    ax.errorbar(
        mean,
        y,
        xerr=err,
        fmt="o",
        color="#0173B2",
        capsize=3,
        label=f"{'平均分' if language == 'zh' else 'Mean'} ± "
        + text["ci"].format(c=confidence),
    )
    for yi, m in zip(y, mean):
        if np.isfinite(m):
            ax.annotate(
                f"{m:.2f}",
                (m, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    if benchmarks is not None and len(benchmarks):
        b = benchmarks.copy()
        stat = (
            b["statistic"].astype("string").str.lower().fillna("mean")
            if "statistic" in b.columns
            else pd.Series("mean", index=b.index)
        )
        b = b[stat.eq("mean")]
        dim = b["metric"].astype(str).str.replace(r"^survey:\s*", "", regex=True)
        bench = dict(zip(dim, pd.to_numeric(b["value"], errors="coerce")))
        bx = scores["dimension"].map(bench).to_numpy(float)
        ok = np.isfinite(bx)
        if ok.any():
            ax.scatter(
                bx[ok],
                y[ok],
                marker="|",
                s=300,
                linewidths=2.5,
                color="#D55E00",
                zorder=3,
                label=text["benchmark"],
            )
    ax.set_yticks(y, scores["dimension"].astype(str).tolist())
    ax.set_ylim(len(scores) - 0.5, -0.5)  # first dimension on top
    ax.set_xlim(low - 0.1, high + 0.1)
    ax.set_xlabel(text["mean"].format(low=low, high=high))
    ax.set_title(text["scores"])
    ax.grid(axis="y", visible=False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    return ax
