"""Flow charts drawn from the tidy tables of :mod:`diagnose.metrics`.

Each function takes the frame a metric returns, draws on ``ax`` (a new Axes
when None) and returns the Axes. Labels default to Chinese with the English
term, and can be overridden with ``title=``/``xlabel=``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diagnose.plots._style import PALETTE, new_axes

__all__ = [
    "plot_cycle_time",
    "plot_stage_breakdown",
    "plot_overdue_rate",
    "plot_cumulative_flow",
    "plot_aging_wip",
]


def _need(data, func, cols):
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"The 'data' parameter of {func} must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise ValueError(
            f"The 'data' passed to {func} lacks the column(s) {missing}. "
            f"Columns present: {list(data.columns)}."
        )


def plot_cycle_time(
    data,
    *,
    x="cycle_working_days",
    finished_only=True,
    quantiles=(0.5, 0.85, 0.95),
    bins=30,
    ax=None,
    title="周期时间分布 Cycle time",
    xlabel="周期（工作日） Cycle time (working days)",
):
    """Histogram of cycle times with vertical lines at the p50/p85/p95.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.case_durations` (or
        :func:`~diagnose.metrics.activity_durations` with
        ``x="duration_working_days"``).
    x : str, default="cycle_working_days"
    finished_only : bool, default=True
        Plot finished items only (those the percentiles of
        :func:`~diagnose.metrics.cycle_time` describe); open ones are then
        counted in the legend.
    quantiles : sequence of float, default=(0.5, 0.85, 0.95)
        One dashed line each, labelled ``p50 = 4.0``.
    """
    func = "plot_cycle_time"
    _need(data, func, [x])
    ax = new_axes(ax)
    values = data
    n_open = 0
    if finished_only and "is_open" in data.columns:
        values = data.loc[~data["is_open"].astype(bool)]
        n_open = int(data["is_open"].sum())
    v = values[x].dropna().to_numpy(dtype=float)
    label = f"已完成 finished (n={v.size})"
    if n_open:
        label += f"; 未完成 open: {n_open}"
    ax.hist(v, bins=bins, color=PALETTE[0], alpha=0.75, label=label)
    styles = ["-", "--", ":"]
    for i, q in enumerate(quantiles):
        if v.size:
            val = float(np.quantile(v, q))
            ax.axvline(
                val,
                color=PALETTE[3],
                linestyle=styles[i % 3],
                linewidth=1.5,
                label=f"p{round(q * 100)} = {val:.1f}",
            )
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("数量 Count")
    ax.legend(frameon=False)
    return ax


def plot_stage_breakdown(
    data,
    *,
    duration="median_days",
    wait="median_wait_before",
    ax=None,
    title="各环节耗时与等待 Stage time and wait",
    xlabel="工作日 Working days (median)",
):
    """Horizontal stacked bars per stage: wait before it, then its duration.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.stage_summary` (columns ``activity``,
        ``duration`` and ``wait``; a missing wait counts as 0).
    """
    func = "plot_stage_breakdown"
    _need(data, func, ["activity", duration, wait])
    ax = new_axes(ax)
    labels = data["activity"].astype(str).to_numpy()
    y = np.arange(len(labels))
    w = data[wait].fillna(0).to_numpy(dtype=float)
    d = data[duration].fillna(0).to_numpy(dtype=float)
    ax.barh(y, w, color=PALETTE[1], label="等待 Wait before")
    ax.barh(y, d, left=w, color=PALETTE[0], label="处理 In stage")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # process order top-down
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, loc="lower right")
    return ax


_STAT_COLS = {
    "n",
    "n_overdue",
    "n_open",
    "overdue_rate",
    "ci_low",
    "ci_high",
    "n_breached",
    "breach_rate",
    "limit_days",
    "median_over_days",
    "median_days",
    "late_rate",
    "n_late",
}


def plot_overdue_rate(
    data,
    *,
    x=None,
    rate="overdue_rate",
    target=None,
    ax=None,
    title="逾期率 Overdue rate",
    ylabel="逾期率 Overdue rate",
):
    """Bars of a rate per group with Wilson error bars (``ci_low``/``ci_high``).

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.overdue_rate` (or :func:`sla_summary` with
        ``rate="breach_rate"``).
    x : str, default=None
        Group column; default: the first non-statistic column (a single bar
        "全部 all" when there is none).
    target : float, default=None
        Draw a horizontal target line (e.g. 0.10 for "overdue ≤ 10 %").
    """
    func = "plot_overdue_rate"
    _need(data, func, [rate, "ci_low", "ci_high"])
    ax = new_axes(ax)
    if x is None:
        candidates = [c for c in data.columns if c not in _STAT_COLS]
        x = candidates[0] if candidates else None
    labels = data[x].astype(str).to_numpy() if x is not None else np.array(["全部 all"])
    r = data[rate].to_numpy(dtype=float)
    err = np.vstack(
        [
            r - data["ci_low"].to_numpy(dtype=float),
            data["ci_high"].to_numpy(dtype=float) - r,
        ]
    )
    pos = np.arange(len(labels))
    ax.bar(
        pos,
        r,
        color=PALETTE[0],
        yerr=np.nan_to_num(err),
        capsize=4,
        error_kw={"ecolor": "#444444", "elinewidth": 1},
    )
    if "n" in data.columns:
        for p, v, n in zip(pos, r, data["n"].to_numpy()):
            ax.annotate(
                f"n={n}",
                (p, 0),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="white",
            )
    if target is not None:
        ax.axhline(
            target, color=PALETTE[3], linestyle="--", label=f"目标 target {target:.0%}"
        )
        ax.legend(frameon=False)
    ax.set_xticks(pos, labels)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if x is not None:
        ax.set_xlabel(str(x))
    return ax


def plot_cumulative_flow(
    data,
    *,
    by=None,
    ax=None,
    title="累积流图 Cumulative flow",
    ylabel="数量 Items",
):
    """Cumulative flow diagram from :func:`~diagnose.metrics.wip`.

    Without groups: cumulative arrivals and departures as two lines, WIP the
    shaded band between them. With a group column (``by``, or detected as the
    one non-count column besides ``date``): stacked areas of WIP per group.
    """
    func = "plot_cumulative_flow"
    _need(data, func, ["date", "arrived", "departed", "wip"])
    ax = new_axes(ax)
    if by is None:
        extra = [
            c for c in data.columns if c not in ("date", "arrived", "departed", "wip")
        ]
        by = extra[0] if extra else None
    if by is None:
        d = data.sort_values("date")
        ax.plot(d["date"], d["arrived"], color=PALETTE[0], label="到达 Arrived")
        ax.plot(d["date"], d["departed"], color=PALETTE[2], label="完成 Departed")
        ax.fill_between(
            d["date"],
            d["departed"],
            d["arrived"],
            color=PALETTE[0],
            alpha=0.2,
            label="在制 WIP",
        )
    else:
        table = data.pivot_table(
            index="date",
            columns=by,
            values="wip",
            aggfunc="sum",
            fill_value=0,
            observed=True,
        )
        ax.stackplot(
            table.index,
            table.to_numpy().T,
            labels=[str(c) for c in table.columns],
            colors=PALETTE[: table.shape[1]]
            if table.shape[1] <= len(PALETTE)
            else None,
            alpha=0.85,
        )
    ax.set_title(title)
    ax.set_ylabel(ylabel if by is None else "在制 WIP")
    ax.set_xlabel("日期 Date")
    ax.legend(frameon=False, loc="upper left")
    ax.figure.autofmt_xdate()
    return ax


def plot_aging_wip(
    data,
    *,
    ax=None,
    title="在制品老化 Aging work in progress",
    ylabel="已进行（工作日） Age (working days)",
):
    """Open items as dots per stage, against the stage's historical p50/p85/p95.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`~diagnose.metrics.aging_wip`. Items beyond their stage's p85 are
        drawn in the warning colour; short horizontal lines mark p50, p85 and
        p95 of finished work of each stage.
    """
    func = "plot_aging_wip"
    _need(
        data,
        func,
        [
            "activity",
            "age_working_days",
            "p50_days",
            "p85_days",
            "p95_days",
            "exceeds_p85",
        ],
    )
    ax = new_axes(ax)
    stages = list(pd.unique(data["activity"].astype(str)))
    pos = {s: i for i, s in enumerate(stages)}
    xs = data["activity"].astype(str).map(pos).to_numpy(dtype=float)
    jitter = (np.arange(len(xs)) % 7 - 3) * 0.04  # deterministic spread
    late = data["exceeds_p85"].to_numpy(dtype=bool)
    age = data["age_working_days"].to_numpy(dtype=float)
    ax.scatter(
        xs[~late] + jitter[~late],
        age[~late],
        color=PALETTE[0],
        zorder=3,
        label="正常 within p85",
    )
    ax.scatter(
        xs[late] + jitter[late],
        age[late],
        color=PALETTE[3],
        zorder=3,
        label="超过 p85 beyond p85",
    )
    first = data.groupby(data["activity"].astype(str), sort=False)[
        ["p50_days", "p85_days", "p95_days"]
    ].first()
    for col, style, name in (
        ("p50_days", ":", "p50"),
        ("p85_days", "--", "p85"),
        ("p95_days", "-", "p95"),
    ):
        labelled = False
        for stage, value in first[col].items():
            if np.isfinite(value):
                ax.hlines(
                    value,
                    pos[stage] - 0.35,
                    pos[stage] + 0.35,
                    color="#555555",
                    linestyle=style,
                    linewidth=1.2,
                    label=None if labelled else name,
                )
                labelled = True
    ax.set_xticks(range(len(stages)), stages)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    return ax
