"""Charts of the diagnosis: handoff matrix, workload over time, bottleneck ranking.

Each function takes the table computed by :mod:`diagnose.metrics` /
:mod:`diagnose.bottlenecks` (never computes metrics itself) and returns the
matplotlib Axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose._format import fill
from diagnose.plots._style import PALETTE, check_language, empty_axes, new_axes

__all__ = ["plot_handoff_matrix", "plot_workload", "plot_bottlenecks", "IMPACT_COLORS"]

#: impact -> colour (colour-blind palette): high vermilion, medium orange, low grey.
IMPACT_COLORS = {"high": PALETTE[3], "medium": PALETTE[1], "low": PALETTE[7]}
_IMPACT_ZH = {"high": "高", "medium": "中", "low": "低"}


def _need(data, cols, func):
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"The 'data' parameter of {func} must be a DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"The 'data' table passed to {func} lacks the column(s) {missing}. "
            f"Columns present: {list(data.columns)}."
        )


#: handoff-matrix value column -> (title, colour-bar label) per language
_HANDOFF_VALUES = {
    "median_wait_hours": (
        ("Median wait at handoffs (hours)", "Median wait (hours)"),
        ("交接中位等待（小时）", "中位等待（小时）"),
    ),
    "median_wait_working_days": (
        ("Median wait at handoffs (working days)", "Median wait (working days)"),
        ("交接中位等待（工作日）", "中位等待（工作日）"),
    ),
    "n": (
        ("Number of handoffs", "Handoffs (count)"),
        ("交接次数", "交接次数（次）"),
    ),
}
_TEXT = {
    "no_handoffs": (
        "no case moved between departments.",
        "没有项目在部门之间交接。",
    ),
    "to": ("To department", "接收部门"),
    "from": ("From department", "交出部门"),
    "value": ("Handoffs: {value}", "交接：{value}"),
    "workload_title": ("Open tasks per person", "每人同时在办任务数"),
    "date": ("Date", "日期"),
    "open": ("Open tasks (count)", "在办任务数（项）"),
    "limit": ("limit: {limit:g} open tasks", "上限：{limit:g} 项"),
    "share": ("Share of time lost beyond limits", "超时时间占比"),
    "bottlenecks": ("Bottlenecks", "流程瓶颈"),
}


def _t(key: str, language: str, **values) -> str:
    en, zh = _TEXT[key]
    return fill(zh if language == "zh" else en, **values)


def plot_handoff_matrix(
    data,
    *,
    value="median_wait_hours",
    annot=True,
    cmap="Reds",
    ax=None,
    language="en",
    **kwargs,
):
    """Heat map of the handoff matrix: from-department rows, to-department columns.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`diagnose.metrics.rework.handoffs` (long form).
    value : str, default="median_wait_hours"
        Column coloured (e.g. ``"n"``, ``"median_wait_working_days"``); these
        three are named in words with their unit, another column by its name.
    annot : bool, default=True
        Write the value in each cell.
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and colour bar ("Median wait at
        handoffs (hours)" / "交接中位等待（小时）").
    **kwargs
        Passed to :func:`seaborn.heatmap`.

    Returns
    -------
    matplotlib Axes
        The heat map; the colour bar is a second Axes of the same figure.
    """
    import seaborn as sns

    func = "plot_handoff_matrix"
    lang = check_language(language, func)
    _need(data, ["from_department", "to_department", value], func)
    ax = new_axes(ax, figsize=(6, 5))
    if value in _HANDOFF_VALUES:
        title, bar = _HANDOFF_VALUES[value][lang == "zh"]
    else:
        title, bar = _t("value", lang, value=value), str(value)
    if data.empty:  # no department column, or no case changed department
        return empty_axes(ax, _t("no_handoffs", lang), language=lang, title=title)
    grid = data.pivot_table(
        index="from_department", columns="to_department", values=value, aggfunc="first"
    )
    sns.heatmap(
        grid,
        annot=annot,
        fmt=".1f",
        cmap=cmap,
        ax=ax,
        linewidths=0.5,
        cbar_kws={"label": bar},
        **kwargs,
    )
    ax.set_xlabel(_t("to", lang))
    ax.set_ylabel(_t("from", lang))
    ax.set_title(title)
    return ax


def plot_workload(data, *, owners=None, limit=5, ax=None, language="en", **kwargs):
    """Open tasks per person over time, with the concurrency limit as a line.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`diagnose.metrics.workload.workload` (``date, owner, n_open``).
    owners : list of str, default=None
        People to draw (default: the 6 with the highest peak).
    limit : float or None, default=5
        ``settings.max_concurrent``; drawn as a dashed line.
    ax : matplotlib Axes, default=None
    language : {"en", "zh"}, default="en"
        Language of the title, axis labels and the limit's legend entry
        (people's names in the legend are data).
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.step`.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_workload"
    lang = check_language(language, func)
    _need(data, ["date", "owner", "n_open"], func)
    ax = new_axes(ax, figsize=(8, 4))
    if data.empty:
        return empty_axes(ax, language=lang, title=_t("workload_title", lang))
    if owners is None:
        peak = (
            data.groupby("owner")["n_open"]
            .max()
            .sort_values(ascending=False, kind="stable")
        )
        owners = list(peak.index[:6])
    for i, name in enumerate(owners):
        sub = data[data["owner"] == name].sort_values("date")
        ax.step(
            sub["date"],
            sub["n_open"],
            where="post",
            label=str(name),
            color=PALETTE[i % len(PALETTE)],
            **kwargs,
        )
    if limit is not None:
        ax.axhline(
            limit,
            color="black",
            linestyle="--",
            linewidth=1,
            label=_t("limit", lang, limit=limit),
        )
    ax.set_xlabel(_t("date", lang))
    ax.set_ylabel(_t("open", lang))
    ax.set_title(_t("workload_title", lang))
    ax.legend(loc="upper left", fontsize=8, ncol=2)
    return ax


def plot_bottlenecks(data, *, top=10, language="en", ax=None, **kwargs):
    """Horizontal bars of the bottleneck score by location, coloured by impact.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`diagnose.bottlenecks.bottlenecks`.
    top : int, default=10
        Locations shown (by priority).
    language : {"en", "zh"}, default="en"
        Language of the title, axis label and legend.

    Returns
    -------
    matplotlib Axes
    """
    func = "plot_bottlenecks"
    language = check_language(language, func)
    _need(data, ["location", "score", "impact", "priority"], func)
    ax = new_axes(ax, figsize=(7, 0.45 * min(top, len(data)) + 1.5))
    if data.empty:
        return empty_axes(
            ax,
            language=language,
            title=_t("bottlenecks", language),
        )
    sub = data.sort_values("priority").head(top).iloc[::-1]
    colors = [IMPACT_COLORS.get(x, PALETTE[7]) for x in sub["impact"]]
    ax.barh(np.arange(len(sub)), sub["score"].to_numpy(float), color=colors, **kwargs)
    ax.set_yticks(np.arange(len(sub)), labels=sub["location"].astype(str))
    ax.set_xlabel(_t("share", language))
    ax.set_title(_t("bottlenecks", language))
    from matplotlib.patches import Patch

    handles = [
        Patch(color=c, label=_IMPACT_ZH[k] if language == "zh" else k)
        for k, c in IMPACT_COLORS.items()
        if k in set(sub["impact"])
    ]
    ax.legend(handles=handles, loc="lower right")
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    return ax
